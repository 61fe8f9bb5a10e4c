"""The ticket flow report through the desk, on both databases: arrivals, solves, merges and
reopenings counted on the desk's local days, and the backlog of each past day as it stood
then, rewound from the tickets unsolved now."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import NotFound, PermissionDenied
from hubdesk.domain.ticket_flow import Backlog, Solver
from hubdesk.domain.tickets import Channel, Status
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.flow_reports import flow_report_between
from hubdesk.services.tickets import NewTicket, TicketChanges
from tests import factories

BERLIN = ZoneInfo("Europe/Berlin")


def _local(day: int, hour: int, minute: int = 0) -> datetime:
    """An instant on the desk's clock, 2026-03-<day> (Berlin is UTC+1 in early March)."""
    return datetime(2026, 3, day, hour, minute, tzinfo=BERLIN)


def _open(hub, at, *, email="ana@example.com", channel=Channel.EMAIL):
    detail, _ = hub.app.tickets.open(LOCAL_OPERATOR, NewTicket(
        subject="Parcel", body="Where is my order?", requester_email=email, channel=channel),
        now=at)
    return detail.ticket.id


def _report(hub, actor, since, until, now):
    return flow_report_between(hub.uows, actor, since, until, now=now, zone=BERLIN)


def test_each_local_day_counts_its_flow_and_the_backlog_it_ended_with(hub):
    rep = factories.staff(hub, Role.COORDINATOR).agent
    admin = factories.staff(hub, Role.ADMIN).agent
    manager = factories.staff(hub, Role.MANAGER).agent
    still_open = _open(hub, _local(1, 15), email="old@example.com")  # before the window
    first = _open(hub, _local(2, 9))
    second = _open(hub, _local(2, 9, 30), email="bo@example.com", channel=Channel.CHAT)
    hub.app.tickets.change_status(rep, first, Status.SOLVED, now=_local(2, 10))
    # 00:30 in Berlin is still the 2nd in UTC: it belongs to the 3rd on the desk's clock
    duplicate = _open(hub, _local(3, 0, 30), email="bo@example.com")
    hub.app.tickets.customer_wrote(first, "It broke again", now=_local(3, 11))
    hub.app.tickets.change_status(rep, second, Status.PENDING, now=_local(3, 12))
    hub.app.tickets.change_status(rep, first, Status.SOLVED, now=_local(4, 9))
    hub.app.tickets.merge(admin, duplicate, second, now=_local(4, 9, 30))
    hub.app.tickets.change_status(admin, second, Status.SOLVED, now=_local(4, 10))
    # after the window: only rewound through
    _open(hub, _local(6, 8), email="cy@example.com")
    hub.app.tickets.customer_wrote(second, "One more thing", now=_local(6, 9))
    hub.app.tickets.change_status(rep, still_open, Status.PENDING, now=_local(6, 10))

    result = _report(hub, manager, _local(2, 0), _local(5, 0), now=_local(7, 12))
    report = result.report
    assert [(d.day.day, d.received, d.solved, d.merged, d.reopened) for d in report.days] == [
        (2, 2, 1, 0, 0), (3, 1, 0, 0, 1), (4, 0, 2, 1, 0)]
    assert report.backlog_at_start == Backlog(with_desk=1, waiting=0)
    assert [d.backlog for d in report.days] == [
        Backlog(2, 0), Backlog(3, 1), Backlog(1, 0)]
    assert (report.received, report.solved, report.merged, report.reopened) == (3, 3, 1, 1)
    assert report.reopened_share == pytest.approx(1 / 3, abs=1e-4)
    assert report.received_by_channel == {"email": 2, "chat": 1}
    assert report.solved_by == {Solver("agent", rep.id): 2, Solver("agent", admin.id): 1}
    assert result.agent_names == {rep.id: rep.name, admin.id: admin.name}


def test_the_window_ending_now_ends_with_the_backlog_of_now(hub):
    lead = factories.staff(hub, Role.TEAM_LEAD).agent
    rep = factories.staff(hub, Role.COORDINATOR).agent
    opened = [_open(hub, _local(2, 9 + n), email=f"c{n}@example.com") for n in range(4)]
    hub.app.tickets.change_status(rep, opened[0], Status.SOLVED, now=_local(2, 14))
    hub.app.tickets.change_status(rep, opened[1], Status.ON_HOLD, now=_local(2, 15))
    now = _local(2, 16)
    report = _report(hub, lead, now - timedelta(days=1), now + timedelta(days=3), now).report
    assert report.backlog_at_end == Backlog(with_desk=2, waiting=1)
    assert [d.day.day for d in report.days] == [1, 2]  # the future has no flow yet
    assert report.backlog_at_start == Backlog()


def test_a_blocked_senders_held_contact_arrives_and_is_solved_by_the_desk_itself(hub):
    manager = factories.staff(hub, Role.MANAGER).agent
    ticket_id = _open(hub, _local(2, 9), email="spam@example.com")
    with hub.uows(write=False) as uow:
        sender = uow.tickets.get(ticket_id).requester_id
    hub.app.safety.block_sender(manager, sender, "Abuse", ticket_id=ticket_id,
                                now=_local(2, 9, 5))
    _open(hub, _local(2, 10), email="spam@example.com")
    report = _report(hub, manager, _local(2, 0), _local(3, 0), _local(3, 0)).report
    assert (report.received, report.backlog_at_end.total) == (2, 1)
    assert report.solved_by == {Solver("system"): 1}


def test_representatives_may_not_read_it_and_a_window_is_cut_to_its_last_400_days(hub):
    rep = factories.staff(hub).agent
    manager = factories.staff(hub, Role.MANAGER).agent
    with pytest.raises(PermissionDenied):
        _report(hub, rep, _local(2, 0), _local(3, 0), _local(3, 0))
    _open(hub, _local(2, 9))
    long = _report(hub, manager, datetime(1, 1, 1, tzinfo=UTC), _local(3, 0), _local(3, 0))
    assert (long.since, long.until) == (_local(3, 0) - timedelta(days=400), _local(3, 0))
    assert len(long.report.days) == 400 and long.report.received == 1
    empty = _report(hub, manager, _local(3, 0), _local(2, 0), _local(3, 0)).report
    assert (empty.days, empty.backlog_at_end) == ((), Backlog())


@pytest.mark.parametrize("since,until", [
    (datetime(1, 1, 1, tzinfo=UTC), datetime(1, 1, 3, tzinfo=UTC)),
    (datetime(1, 1, 1, tzinfo=UTC), datetime(1, 1, 1, tzinfo=UTC)),
    (datetime(1969, 12, 1, tzinfo=UTC), datetime(1970, 1, 2, tzinfo=UTC)),
])
def test_a_window_at_the_calendars_start_is_kept_after_the_epoch(hub, since, until):
    manager = factories.staff(hub, Role.MANAGER).agent
    _open(hub, _local(2, 9))
    early = flow_report_between(hub.uows, manager, since, until, now=_local(3, 0),
                                zone=ZoneInfo("America/Los_Angeles"))
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    assert early.since == max(since, epoch) and early.until == max(until, epoch)
    assert early.report.received == 0 and early.report.backlog_at_end == Backlog()
    assert len(early.report.days) == (2 if until.year == 1970 else 0)


def test_a_teams_flow_is_that_of_the_tickets_in_it_now_through_their_whole_history(hub):
    manager = factories.staff(hub, Role.MANAGER).agent
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    north, south = factories.team(hub, "North"), factories.team(hub, "South")

    def opened(at, team, email):
        detail, _ = hub.app.tickets.open(LOCAL_OPERATOR, NewTicket(
            subject="Parcel", body="Where is it?", requester_email=email, team_id=team.id),
            now=at)
        return detail.ticket.id

    stays = opened(_local(2, 9), north, "a@example.com")
    moved = opened(_local(2, 10), north, "b@example.com")
    southern = opened(_local(2, 11), south, "c@example.com")
    _open(hub, _local(2, 12), email="d@example.com")  # no team
    hub.app.tickets.change_status(coordinator, stays, Status.SOLVED, now=_local(3, 9))
    hub.app.tickets.change_status(coordinator, moved, Status.PENDING, now=_local(3, 10))
    hub.app.tickets.update(coordinator, moved, TicketChanges(
        fields_set=frozenset({"team_id"}), team_id=south.id), now=_local(3, 11))
    hub.app.tickets.change_status(coordinator, southern, Status.SOLVED, now=_local(3, 12))

    def flow(team):
        return flow_report_between(hub.uows, manager, _local(2, 0), _local(4, 0),
                                   now=_local(5, 0), zone=BERLIN,
                                   team_id=team.id if team else None)

    desk, north_flow, south_flow = flow(None), flow(north), flow(south)
    assert north_flow.team == north and desk.team is None
    assert [(d.received, d.solved, d.backlog) for d in north_flow.report.days] == [
        (1, 0, Backlog(1, 0)), (0, 1, Backlog(0, 0))]
    # the ticket moved to South counts there from its arrival, waiting since the 3rd
    assert [(d.received, d.solved, d.backlog) for d in south_flow.report.days] == [
        (2, 0, Backlog(2, 0)), (0, 1, Backlog(0, 1))]
    assert [(d.received, d.solved, d.backlog) for d in desk.report.days] == [
        (4, 0, Backlog(4, 0)), (0, 2, Backlog(1, 1))]
    with pytest.raises(NotFound):
        flow_report_between(hub.uows, manager, _local(2, 0), _local(4, 0), now=_local(5, 0),
                            zone=BERLIN, team_id=south.id + 1000)
