"""The demo organisation, at a reduced size, on both databases."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from hubdesk.bootstrap import Hub
from hubdesk.demo.people import DEPARTMENTS, TEAMS
from hubdesk.demo.rules import CLOSE_SOLVED_HOURS, SOLVE_SILENT_HOURS, SWEEP_EVERY, desk_rules
from hubdesk.demo.seeder import QUEUE_AT_LEAST, DemoSummary, demo_size, seed_demo
from hubdesk.demo.workforce import SCHEDULED_TEAMS
from hubdesk.domain.agents import Role
from hubdesk.domain.schedules import ScheduleStatus
from hubdesk.domain.tickets import Status
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.directory import list_agents, list_departments, list_teams
from hubdesk.services.tickets import get_ticket, list_tickets, ticket_events
from hubdesk.services.views import TicketFilter
from hubdesk.store import tables as t

NOW = datetime(2024, 6, 5, 15, 30, tzinfo=UTC)
SCALE = 0.06


def test_the_demo_keeps_every_promise(hub: Hub) -> None:
    """Seeding is the slowest step of these tests: one demo per database, read by each check
    in turn (none of them writes)."""
    summary = seed_demo(hub, scale=SCALE, now=NOW)
    for check in (_the_demo_has_the_promised_shape,
                  _every_demo_ticket_has_its_history_and_conversation,
                  _demo_tickets_carry_the_desks_service_level_clocks,
                  _demo_tickets_are_found_by_search,
                  _the_demo_shows_a_threat_escalated_and_its_sender_blocked,
                  _the_desks_rules_ran_through_the_history,
                  _the_frontline_weeks_are_published_with_presence_so_far):
        check(hub, summary)


def _all_tickets(hub: Hub) -> list[int]:
    ids: list[int] = []
    cursor = None
    while True:
        page = list_tickets(hub.uows, LOCAL_OPERATOR, TicketFilter(), limit=200, cursor=cursor)
        ids += [row.id for row in page.rows]
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


def _the_demo_has_the_promised_shape(hub: Hub, summary: DemoSummary) -> None:
    customers, tickets = demo_size(SCALE)
    assert (summary.customers, summary.tickets) == (customers, tickets)
    assert {t.name for t in list_teams(hub.uows, LOCAL_OPERATOR)} == {n for n, _ in TEAMS}
    assert {d.name for d in list_departments(hub.uows, LOCAL_OPERATOR)} == \
        {n for n, _, _ in DEPARTMENTS}
    agents = list_agents(hub.uows, LOCAL_OPERATOR)
    assert len(agents) == 20
    assert {a.role for a in agents} == set(Role)
    ids = _all_tickets(hub)
    # Duplicates that were merged away are tickets too.
    assert len(ids) >= tickets
    statuses = Counter(get_ticket(hub.uows, LOCAL_OPERATOR, i).ticket.status for i in ids)
    assert len(statuses) >= 3
    german = next(a for a in agents if a.role is Role.REPRESENTATIVE and any(
        t.name == "Frontline DE/FR" for t in list_teams(hub.uows, LOCAL_OPERATOR)
        if t.id in a.team_ids))
    names = {m.name for m in hub.app.macros.usable(german)}
    assert "Refund issued" in names and "Bestellnummer erfragen" in names


def _every_demo_ticket_has_its_history_and_conversation(hub: Hub, summary: DemoSummary) -> None:
    notes = 0
    for ticket_id in _all_tickets(hub):
        detail = get_ticket(hub.uows, LOCAL_OPERATOR, ticket_id)
        events = ticket_events(hub.uows, LOCAL_OPERATOR, ticket_id)
        assert events[0].event.kind == "created"
        assert all(e.event.at <= NOW for e in events)
        assert events[0].event.at == detail.ticket.created_at
        if detail.ticket.merged_into_id is None:
            assert 1 <= len(detail.messages) <= 7  # up to 6, plus a merged duplicate's
        else:
            assert detail.messages == []  # moved to the surviving ticket
        assert detail.messages == sorted(detail.messages, key=lambda m: m.created_at)
        notes += sum(1 for m in detail.messages if not m.public)
    assert notes > 0
    with hub.engine.connect() as connection:
        events_total = connection.execute(select(func.count()).select_from(t.ticket_events))
        outbox_total = connection.execute(select(func.count()).select_from(t.outbox)
                                          .where(t.outbox.c.topic.startswith("ticket.")))
        assert events_total.scalar_one() == outbox_total.scalar_one()


def _demo_tickets_carry_the_desks_service_level_clocks(hub: Hub, summary: DemoSummary) -> None:
    ids = _all_tickets(hub)
    with hub.uows(write=False) as uow:
        clocks = uow.sla.clocks_of(ids)
    held = {i for i in ids  # a blocked sender's contact is held, solved at once: no clocks
            if "blocked-sender" in get_ticket(hub.uows, LOCAL_OPERATOR, i).ticket.tags}
    assert ids and all(clocks[i] for i in ids if i not in held)
    assert not any(clocks[i] for i in held)
    targets = {c.target.value for own in clocks.values() for c in own}
    assert {"first_response", "resolution"} <= targets


def _demo_tickets_are_found_by_search(hub: Hub, summary: DemoSummary) -> None:
    # A merged duplicate's text moved to the ticket it was merged into.
    ticket = next(d.ticket for d in (get_ticket(hub.uows, LOCAL_OPERATOR, i)
                                     for i in _all_tickets(hub)) if d.ticket.merged_into_id is None)
    ticket_id, subject = ticket.id, ticket.subject
    word = max(subject.split(), key=len).strip("?.,!:'\"")

    found = list_tickets(hub.uows, LOCAL_OPERATOR, TicketFilter(query=word), limit=200)

    assert ticket_id in {row.id for row in found.rows}


def _the_demo_shows_a_threat_escalated_and_its_sender_blocked(
        hub: Hub, summary: DemoSummary) -> None:
    security = {d.name: d.id for d in list_departments(hub.uows, LOCAL_OPERATOR)}["Security"]
    details = [get_ticket(hub.uows, LOCAL_OPERATOR, i) for i in _all_tickets(hub)]
    escalated = [d for d in details if "security" in d.ticket.tags]
    assert escalated and escalated[0].ticket.department_id == security
    assert escalated[0].requester.blocked is not None
    held = [d for d in details if "blocked-sender" in d.ticket.tags]
    assert held and all(d.ticket.status.value == "solved" for d in held)
    assert {d.requester.id for d in held} == {escalated[0].requester.id}


# With this seed the blocked sender also writes an ordinary contact after the block.
SENDER_WRITES_AGAIN_SEED = 6


def test_a_blocked_senders_later_contacts_are_held_as_live_intake_holds_them(hub: Hub) -> None:
    seed_demo(hub, scale=SCALE, seed=SENDER_WRITES_AGAIN_SEED, now=NOW)

    details = [get_ticket(hub.uows, LOCAL_OPERATOR, i) for i in _all_tickets(hub)]
    blocked = {d.requester.id: d.requester.blocked for d in details if d.requester.blocked}
    assert len(blocked) == 1
    [(sender, block)] = blocked.items()
    assert block is not None
    later = [d for d in details
             if d.requester.id == sender and d.ticket.created_at >= block.at]
    # The incident's own message and at least one ordinary contact of the sender's.
    assert len(later) >= 2
    assert any("security" not in d.ticket.tags and d.ticket.category for d in later)
    for detail in later:
        ticket = detail.ticket
        assert ticket.status.value == "solved"
        assert "blocked-sender" in ticket.tags
        assert (ticket.team_id, ticket.assignee_id) == (None, None)
        assert [m.author.kind.value for m in detail.messages] == ["customer"]
        kinds = [s.event.kind for s in ticket_events(hub.uows, LOCAL_OPERATOR, ticket.id)]
        assert "held_blocked_sender" in kinds
    # Nothing the sender wrote after the block reached a ticket that was not held.
    for detail in details:
        if "blocked-sender" in detail.ticket.tags:
            assert detail.requester.id == sender
            continue
        assert all(m.created_at < block.at for m in detail.messages
                   if m.author.kind.value == "customer" and m.author.id == sender)


def test_the_demo_opens_on_a_queue_whenever_it_is_seeded(hub: Hub) -> None:
    # Before the desk opens on a Monday, a small demo's newest contacts are days old.
    monday_morning = datetime(2024, 6, 3, 6, 30, tzinfo=UTC)
    seed_demo(hub, scale=SCALE, now=monday_morning)

    waiting = list_tickets(hub.uows, LOCAL_OPERATOR,
                           TicketFilter(status=(Status.NEW,), unassigned=True), limit=200)
    assert len(waiting.rows) >= QUEUE_AT_LEAST


def _the_desks_rules_ran_through_the_history(hub: Hub, summary: DemoSummary) -> None:
    """The demo's automations fired when they were due, as the history was played: nothing
    is left pending or solved for longer than its rule allows, closing is the rule's work,
    and a silent customer was reminded in their own language."""
    names = {rule.name for rule in hub.app.rules.list(LOCAL_OPERATOR)}
    assert len(names) == len(desk_rules())
    fired: Counter[str] = Counter()
    reminded = []
    for ticket_id in _all_tickets(hub):
        detail = get_ticket(hub.uows, LOCAL_OPERATOR, ticket_id)
        events = ticket_events(hub.uows, LOCAL_OPERATOR, ticket_id)
        rules = [e.event.data["rule"] for e in events if e.event.kind == "rule_fired"]
        fired.update(rules)
        entered = max(e.event.at for e in events if e.event.kind in ("created",
                                                                        "status_changed"))
        allowed = {Status.PENDING: SOLVE_SILENT_HOURS, Status.SOLVED: CLOSE_SOLVED_HOURS}
        if detail.ticket.status in allowed:
            assert NOW - entered <= timedelta(hours=allowed[detail.ticket.status]) + SWEEP_EVERY
        if detail.ticket.status is Status.CLOSED and detail.ticket.merged_into_id is None:
            assert rules[-1:] == ["Close solved tickets after 4 days"]
        if "reminded" in detail.ticket.tags:
            reminded.append(detail)
    assert fired["Close solved tickets after 4 days"] > 0
    assert reminded
    for detail in reminded:
        reminder = next(m for m in detail.messages if m.author.kind.value == "system")
        greeting = {"de": "Hallo", "fr": "Bonjour"}.get(detail.ticket.language or "", "Hello")
        assert reminder.public and reminder.body.startswith(greeting)
        assert f"#{detail.ticket.number}" in reminder.body


def _the_frontline_weeks_are_published_with_presence_so_far(
        hub: Hub, summary: DemoSummary) -> None:
    """This week is published for the frontline teams, drafted from the demo's tickets, with
    presence logged on the shifts so far (a Wednesday afternoon), so the workforce page has
    something to show."""
    admin = next(a for a in hub.app.directory.agents(LOCAL_OPERATOR) if a.role is Role.ADMIN)
    teams = {t.name: t for t in hub.app.directory.teams(admin)}
    for name in SCHEDULED_TEAMS:
        week = hub.app.workforce.week(admin, teams[name].id, NOW.date())
        assert week is not None and week.status is ScheduleStatus.PUBLISHED
        assert week.week_start.isoformat() == "2024-06-03"
        report = hub.app.workforce.adherence(admin, teams[name].id, NOW.date(), now=NOW)
        assert report.total.scheduled_minutes > 0
        assert report.total.adherent_minutes > 0  # presence was logged on the shifts
        assert 0 < (report.total.fraction or 0) <= 1
