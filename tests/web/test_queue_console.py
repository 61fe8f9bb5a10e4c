"""The queue's filters, orders, saved views, risk flags and bulk changes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.clock import utcnow
from hubdesk.domain.customers import Tier
from hubdesk.domain.tickets import Channel, Priority, Status
from hubdesk.domain.triage import Verdict
from hubdesk.services.directory import CustomerInput
from hubdesk.services.tickets import NewTicket, TicketChanges
from tests import factories
from tests.web.pages import post_form, sign_in
from tests.web.test_query_counts import count_queries


def subjects(html: str) -> list[str]:
    return re.findall(r'<td class="subject"><a href="/tickets/\d+">([^<]*)</a>', html)


@pytest.fixture
def desk(hub, client):
    """A team lead of Shipping, signed in; tickets differing in every filtered field."""
    shipping, billing = factories.team(hub, "Shipping"), factories.team(hub, "Billing")
    returns = factories.department(hub, "Returns")
    lead = factories.staff(hub, Role.TEAM_LEAD, teams=(shipping,), with_password=True)
    rep = factories.staff(hub, teams=(shipping,), with_password=True)
    admin = factories.staff(hub, Role.ADMIN)
    app = hub.app

    def open_(subject: str, **kw):
        new = NewTicket(subject=subject, body=f"About {subject}",
                        requester_email=kw.pop("email", "ann@example.com"),
                        team_id=kw.pop("team_id", shipping.id), **kw)
        return app.tickets.open(admin.agent, new)[0].ticket.id

    ids = {
        "urgent": open_("Urgent outage", priority=Priority.URGENT),
        "phone": open_("Called about invoice", channel=Channel.PHONE),
        "tagged": open_("Tagged one", tags=("fragile",)),
        "returns": open_("Return label", priority=Priority.HIGH),
        "billing": open_("Billing only", team_id=billing.id),
    }
    app.tickets.update(admin.agent, ids["returns"], TicketChanges(
        frozenset({"department_id"}), department_id=returns.id))
    app.tickets.assign(admin.agent, ids["phone"], rep.agent.id)
    sign_in(client, lead.agent)
    return {"lead": lead, "rep": rep, "admin": admin, "ids": ids, "shipping": shipping,
            "billing": billing, "returns": returns}


def test_each_filter_narrows_the_queue(desk, client):
    base = "/tickets?view=all&status=any"
    assert subjects(client.get(f"{base}&priority=urgent").text) == ["Urgent outage"]
    assert subjects(client.get(f"{base}&channel=phone").text) == ["Called about invoice"]
    assert subjects(client.get(f"{base}&tag=fragile").text) == ["Tagged one"]
    assert subjects(client.get(f"{base}&tag=nothing").text) == []
    assert subjects(client.get(f"{base}&department={desk['returns'].id}").text) == [
        "Return label"]
    assert subjects(client.get(f"{base}&assignee={desk['rep'].agent.id}").text) == [
        "Called about invoice"]
    unassigned = subjects(client.get(f"{base}&assignee=none").text)
    assert "Called about invoice" not in unassigned and "Urgent outage" in unassigned
    assert subjects(client.get(f"{base}&assignee=me").text) == []
    assert "Billing only" not in subjects(client.get(f"{base}&team={desk['shipping'].id}").text)
    # A team lead sees their team; the filters never widen what the scope allows.
    assert "Billing only" not in subjects(client.get(base).text)
    assert subjects(client.get(f"{base}&older=2").text) == []
    both = subjects(client.get(f"{base}&priority=high&department={desk['returns'].id}").text)
    assert both == ["Return label"]


def test_older_than_counts_days_since_the_ticket_was_opened(desk, client, hub):
    old = hub.app.tickets.open(desk["admin"].agent, NewTicket(
        subject="Waiting a week", body="Hello?", requester_email="old@example.com",
        team_id=desk["shipping"].id), now=utcnow() - timedelta(days=8))[0].ticket.id
    assert old
    assert subjects(client.get("/tickets?view=all&older=7").text) == ["Waiting a week"]


def test_orders_created_and_priority_page_through_everything(desk, client, monkeypatch):
    base = "/tickets?view=all&status=any"
    created = subjects(client.get(f"{base}&sort=created").text)
    assert created == ["Urgent outage", "Called about invoice", "Tagged one", "Return label"]
    by_priority = subjects(client.get(f"{base}&sort=priority").text)
    assert by_priority[:2] == ["Urgent outage", "Return label"]
    monkeypatch.setattr("hubdesk.web.queue.PAGE_SIZE", 1)
    for order, expected in (("priority", by_priority), ("created", created)):
        seen, url = [], f"{base}&sort={order}"
        while url:
            page = client.get(url).text
            seen += subjects(page)
            found = re.search(r'<a rel="next" href="([^"]+)"', page)
            url = found.group(1).replace("&amp;", "&") if found else ""
        assert seen == expected


def test_a_cursor_of_one_order_is_refused_by_another(desk, client, monkeypatch):
    monkeypatch.setattr("hubdesk.web.queue.PAGE_SIZE", 1)
    page = client.get("/tickets?view=all&sort=created").text
    cursor = re.search(r'cursor=([^"&]+)', page).group(1)
    other = client.get(f"/tickets?view=all&sort=priority&cursor={cursor}")
    assert other.status_code == 200 and "Start again from the first page" in other.text


def test_filters_are_kept_in_the_links_and_can_be_saved_as_a_view(desk, client, hub):
    query = "view=all&status=any&priority=urgent"
    page = client.get(f"/tickets?{query}").text
    assert 'name="query" value="view=all&amp;status=any&amp;priority=urgent"' in page
    saved = post_form(client, "/tickets/views", {"name": "Fires", "query": query})
    assert saved.status_code == 200 and "Saved the view “Fires”" in saved.text
    assert str(saved.url).endswith(f"/tickets?{query}")
    nav = re.search(r'<nav class="saved-views".*?</nav>', saved.text, re.S).group(0)
    assert 'href="/tickets?view=all&amp;status=any&amp;priority=urgent"' in nav
    assert "Fires" in nav and 'aria-current="page"' in nav
    # Another agent does not see it.
    client.cookies.clear()
    sign_in(client, desk["rep"].agent)
    assert "Fires" not in client.get("/tickets").text
    client.cookies.clear()
    sign_in(client, desk["lead"].agent)
    view_id = re.search(r'/tickets/views/(\d+)/delete', client.get("/tickets").text).group(1)
    gone = post_form(client, f"/tickets/views/{view_id}/delete", {"back": ""})
    assert "The saved view was removed." in gone.text and "Fires" not in gone.text


def test_a_view_needs_a_name(desk, client):
    answer = post_form(client, "/tickets/views", {"name": "  ", "query": "view=all"})
    assert "The view was not saved" in answer.text


def test_rows_carry_risk_flags_in_words(desk, client, hub):
    admin = desk["admin"].agent
    vip = hub.app.directory.create_customer(admin, CustomerInput(
        frozenset(), name="Vera Important", emails=("vera@example.com",), tier=Tier.VIP))
    important = hub.app.tickets.open(admin, NewTicket(
        subject="VIP asks", body="Hello", requester_id=vip.id,
        team_id=desk["shipping"].id))[0].ticket.id
    hub.app.safety.escalate(admin, desk["ids"]["urgent"], "threats on the phone")
    detail = hub.app.tickets.get(admin, desk["ids"]["tagged"])
    hub.app.triage.correct(admin, detail.ticket.id, detail.messages[0].id, Verdict.ABUSIVE,
                           True)
    page = client.get("/tickets?view=all&status=any").text
    rows = {s: row for row in re.findall(r"<tr>.*?</tr>", page, re.S)
            for s in subjects(row)}
    assert "Escalated to security" in rows["Urgent outage"]
    assert "Abusive" in rows["Tagged one"]
    assert "VIP" in rows["VIP asks"] and important
    assert 'class="flag' not in rows["Called about invoice"]
    hub.app.safety.block_requester(admin, important, "spam")
    page = client.get("/tickets?view=all&status=any").text
    assert "Blocked sender, held" in page


def test_bulk_changes_go_through_each_tickets_checks(desk, client, hub):
    ids = desk["ids"]
    picked = [ids["urgent"], ids["tagged"]]
    answer = post_form(client, "/tickets/bulk", {
        "ticket": [str(i) for i in picked], "action": "assign", "assign_value": "me",
        "back": "view=all"})
    assert "2 tickets changed" in answer.text
    for i in picked:
        assert hub.app.tickets.get(desk["admin"].agent, i).ticket.assignee_id == \
            desk["lead"].agent.id
    answer = post_form(client, "/tickets/bulk", {
        "ticket": [str(i) for i in picked], "action": "priority", "priority_value": "low"})
    assert "2 tickets changed" in answer.text
    answer = post_form(client, "/tickets/bulk", {
        "ticket": [str(i) for i in picked], "action": "tag", "tag_value": "Recall"})
    tags = hub.app.tickets.get(desk["admin"].agent, ids["tagged"]).ticket.tags
    assert tags == ("fragile", "recall")
    answer = post_form(client, "/tickets/bulk", {
        "ticket": [str(i) for i in picked], "action": "status", "status_value": "pending"})
    assert hub.app.tickets.get(desk["admin"].agent, ids["urgent"]).ticket.status \
        is Status.PENDING


def test_a_representative_cannot_bulk_change_tickets_outside_their_scope(desk, client, hub):
    client.cookies.clear()
    sign_in(client, desk["rep"].agent)
    ids = desk["ids"]
    answer = post_form(client, "/tickets/bulk", {
        "ticket": [str(ids["billing"]), str(ids["urgent"])], "action": "priority",
        "priority_value": "low"})
    # Outside the scope reads as not found, never as forbidden.
    assert re.search(rf"Not changed: #{ids['billing']}: [^<]*not found", answer.text)
    assert f"1 ticket changed: #{ids['urgent']}." in answer.text
    admin = desk["admin"].agent
    assert hub.app.tickets.get(admin, ids["billing"]).ticket.priority is Priority.NORMAL
    # Representatives assign to themselves only: assigning others fails per ticket.
    answer = post_form(client, "/tickets/bulk", {
        "ticket": [str(ids["urgent"])], "action": "assign",
        "assign_value": str(desk["lead"].agent.id)})
    assert f"Not changed: #{ids['urgent']}: " in answer.text
    assert hub.app.tickets.get(admin, ids["urgent"]).ticket.assignee_id is None


def test_a_bulk_change_without_tickets_or_action_changes_nothing(desk, client):
    assert "select at least one ticket" in post_form(
        client, "/tickets/bulk", {"action": "priority", "priority_value": "low"}).text
    assert "Choose what to do" in post_form(
        client, "/tickets/bulk", {"ticket": str(desk["ids"]["urgent"])}).text


def test_the_filtered_queue_asks_a_fixed_number_of_queries_however_many_rows(
        desk, client, hub):
    with count_queries(hub.engine) as few:
        client.get("/tickets?view=all&status=any")
    for i in range(6):
        hub.app.tickets.open(desk["admin"].agent, NewTicket(
            subject=f"More {i}", body="More", requester_email=f"m{i}@example.com",
            team_id=desk["shipping"].id))
    with count_queries(hub.engine) as many:
        client.get("/tickets?view=all&status=any")
    assert len(many) == len(few)


def test_many_failures_are_summed_up_so_the_message_stays_short(desk, client):
    client.cookies.clear()
    sign_in(client, desk["rep"].agent)
    answer = post_form(client, "/tickets/bulk", {
        "ticket": [str(n) for n in range(900001, 900008)], "action": "priority",
        "priority_value": "low"})
    assert "Not changed: #900001: " in answer.text and " and 2 more." in answer.text
    assert "#900006" not in answer.text


def test_an_overseer_without_a_team_sees_every_team_in_the_team_tab(desk, client, hub):
    coordinator = factories.staff(hub, Role.COORDINATOR, with_password=True)
    client.cookies.clear()
    sign_in(client, coordinator.agent)
    everything = subjects(client.get("/tickets?view=team&status=any").text)
    assert "Billing only" in everything and "Urgent outage" in everything
    only_billing = client.get(f"/tickets?view=team&status=any&team={desk['billing'].id}").text
    assert subjects(only_billing) == ["Billing only"]


def test_each_row_shows_the_business_time_left_on_its_most_urgent_clock(hub, client):
    from datetime import timedelta

    from hubdesk.domain.clock import utcnow
    from hubdesk.domain.tickets import Priority
    from hubdesk.services.tickets import NewTicket, open_ticket

    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    hub.app.sla.create_policy(admin, {"name": "Around the clock", "targets": {
        "normal": {"first_response": 120, "resolution": 600}}})
    # no policy has targets for a low-priority ticket: it runs no clock
    untimed, _ = open_ticket(hub.uows, admin, NewTicket(
        subject="Another question", body="When?", requester_email="low@example.com",
        priority=Priority.LOW))
    untimed = untimed.ticket
    fresh = factories.ticket(hub, admin, subject="Fresh parcel question").ticket
    late, _ = open_ticket(hub.uows, admin, NewTicket(
        subject="Old parcel question", body="Still nothing?", requester_email="old@example.com"),
        now=utcnow() - timedelta(hours=3))
    sign_in(client, admin)
    page = client.get("/tickets?view=all")
    assert page.status_code == 200

    def row(ticket_id: int) -> str:
        return page.text.split(f'href="/tickets/{ticket_id}"')[1].split("</tr>")[0]

    assert "left for the first response" in row(fresh.id)
    assert "1 h 59 min" in row(fresh.id) or "2 h 0 min" in row(fresh.id)
    assert "due-low" in row(fresh.id)
    assert "overdue 1 h" in row(late.ticket.id) and "due-breached" in row(late.ticket.id)
    assert "due-clock" not in row(untimed.id)


def test_rows_show_the_channel_the_language_and_a_customer_who_wrote_after_the_answer(
        hub, client):
    from hubdesk.services.tickets import add_customer_message, add_message

    admin = factories.staff(hub, Role.ADMIN, with_password=True)
    app = hub.app
    app.directory.create_customer(admin.agent, CustomerInput(
        frozenset({"name", "emails", "language"}), name="Udo", emails=("udo@example.com",),
        language="de"))
    answered = app.tickets.open(admin.agent, NewTicket(
        subject="Answered already", body="Wo ist mein Paket? Es sollte gestern ankommen.",
        requester_email="udo@example.com", channel=Channel.CHAT))[0].ticket.id
    add_message(hub.uows, admin.agent, answered, "It is on its way.", public=True)
    wrote_back = app.tickets.open(admin.agent, NewTicket(
        subject="Wrote back", body="My parcel is late", requester_email="val@example.com",
        channel=Channel.PHONE))[0].ticket.id
    add_message(hub.uows, admin.agent, wrote_back, "Checking with the carrier.", public=True)
    add_customer_message(hub.uows, wrote_back, "Any news?")
    untouched = app.tickets.open(admin.agent, NewTicket(
        subject="Nobody answered", body="Hello", requester_email="wes@example.com"))[0].ticket.id
    sign_in(client, admin.agent)
    page = client.get("/tickets?view=all").text

    def row(ticket_id: int) -> str:
        return page.split(f'href="/tickets/{ticket_id}"')[1].split("</tr>")[0]

    assert 'title="Chat"' in row(answered) and "New from the customer" not in row(answered)
    assert 'title="Phone"' in row(wrote_back) and "New from the customer" in row(wrote_back)
    assert "New from the customer" in row(untouched)
    assert 'title="Language">DE</span>' in row(answered)
    assert 'title="Language">' not in row(untouched)


def test_my_work_comes_by_what_is_due_first_and_shared_lists_by_last_change(hub, client):
    from hubdesk.services.tickets import open_ticket

    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    hub.app.sla.create_policy(admin, {"name": "Around the clock", "targets": {
        "normal": {"first_response": 120, "resolution": 600},
        "urgent": {"first_response": 15, "resolution": 120}}})
    older, _ = open_ticket(hub.uows, admin, NewTicket(
        subject="Due in an hour", body="Hello", requester_email="a@example.com"),
        now=utcnow() - timedelta(hours=1))
    urgent = factories.ticket(hub, admin, subject="Due in a quarter", email="b@example.com")
    hub.app.tickets.update(admin, urgent.ticket.id, TicketChanges(
        fields_set=frozenset({"priority"}), priority=Priority.URGENT))
    later = hub.app.tickets.open(admin, NewTicket(
        subject="Changed last", body="Hi", requester_email="c@example.com"))[0].ticket.id
    for ticket_id in (older.ticket.id, urgent.ticket.id, later):
        hub.app.tickets.assign(admin, ticket_id, admin.id)
    hub.app.tickets.update(admin, later, TicketChanges(fields_set=frozenset({"tags"}),
                                                         tags=("touched",)))
    sign_in(client, admin)
    mine = client.get("/tickets?view=mine").text
    assert subjects(mine)[:2] == ["Due in a quarter", "Due in an hour"]
    assert subjects(mine)[-1] == "Changed last"  # due in two hours
    assert '<option value="due" selected>Due first</option>' in mine
    shared = client.get("/tickets?view=all").text
    assert subjects(shared)[0] == "Changed last"


def test_my_pending_and_recently_solved_work_have_tabs_of_their_own(hub, client):
    admin = factories.staff(hub, Role.ADMIN, with_password=True).agent
    ids = {}
    for subject, status in (("Waiting on them", Status.PENDING), ("Done yesterday",
                                                                   Status.SOLVED),
                            ("Still open", None)):
        ticket_id = factories.ticket(hub, admin, subject=subject).ticket.id
        hub.app.tickets.assign(admin, ticket_id, admin.id)
        if status is not None:
            hub.app.tickets.change_status(admin, ticket_id, status)
        ids[subject] = ticket_id
    sign_in(client, admin)
    mine = client.get("/tickets?view=mine").text
    assert set(subjects(mine)) == {"Waiting on them", "Still open"}
    pending_tab = '<a href="/tickets?view=mine&amp;status=pending&amp;sort=updated"'
    solved_tab = '<a href="/tickets?view=mine&amp;status=solved&amp;sort=updated"'
    assert pending_tab in mine and solved_tab in mine
    pending = client.get("/tickets?view=mine&status=pending&sort=updated").text
    assert subjects(pending) == ["Waiting on them"]
    assert f'{pending_tab} aria-current="page"' in pending
    solved = client.get("/tickets?view=mine&status=solved&sort=updated").text
    assert subjects(solved) == ["Done yesterday"]
    assert f'{solved_tab} aria-current="page"' in solved
    assert 'aria-current="page">Mine' not in solved
