"""A customer's tier or organisation, and a ticket's requester, are what policies with
customer conditions match on: changing them matches the customer's open tickets again, on
both databases, in the same transaction when they are few and in the background when many."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from hubdesk.domain.agents import Role
from hubdesk.domain.clock import utcnow
from hubdesk.domain.customers import Organisation, Tier
from hubdesk.domain.tickets import Status
from hubdesk.services import sla_rematch
from hubdesk.services.directory import CustomerInput
from hubdesk.services.sla_rematch import rematch_pending
from hubdesk.services.tickets import NewTicket, change_status, open_ticket
from hubdesk.store import tables as t
from tests import factories

HOUR = timedelta(hours=1)
TARGETS = {"normal": {"first_response": 60, "resolution": 480}}
SHORT = {"normal": {"first_response": 30, "resolution": 120}}


@pytest.fixture
def desk(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    standard = hub.app.sla.create_policy(admin, {"name": "Standard", "position": 10,
                                                 "targets": TARGETS})
    vip = hub.app.sla.create_policy(admin, {"name": "VIP", "targets": SHORT,
                                            "conditions": {"customer_tier": ["vip"]}})
    return {"admin": admin, "standard": standard, "vip": vip,
            "coordinator": factories.staff(hub, Role.COORDINATOR).agent}


def _open(hub, desk, email, at):
    detail, _ = open_ticket(hub.uows, desk["coordinator"], NewTicket(
        subject="Parcel", body="Where is it?", requester_email=email), now=at)
    return detail.ticket


def _resolution(hub, desk, ticket_id):
    views, history = hub.app.sla.ticket_clocks(desk["admin"], ticket_id)
    clock = next(v for v in views if v.target == "resolution")
    return clock.policy_id, clock.due_at, [h.kind for h in history
                                           if h.target == "resolution"]


def _history_rows(hub):
    with hub.engine.connect() as db:
        return db.execute(select(func.count()).select_from(t.ticket_sla_clock_history)
                          ).scalar_one()


def test_a_customer_made_vip_has_their_open_tickets_matched_again(hub, desk):
    opened = utcnow() - HOUR
    ticket = _open(hub, desk, "ada@example.com", opened)
    solved = _open(hub, desk, "ada@example.com", opened)
    change_status(hub.uows, desk["coordinator"], solved.id, Status.SOLVED, now=opened)
    other = _open(hub, desk, "bob@example.com", opened)
    before = {i: _resolution(hub, desk, i) for i in (solved.id, other.id)}
    assert _resolution(hub, desk, ticket.id)[0] == desk["standard"].id

    rows = _history_rows(hub)
    hub.app.directory.update_customer(desk["admin"], ticket.requester_id, CustomerInput(
        frozenset({"notes"}), notes="Called twice"))
    assert _history_rows(hub) == rows  # nothing a policy reads changed

    hub.app.directory.update_customer(desk["admin"], ticket.requester_id, CustomerInput(
        frozenset({"tier"}), tier=Tier.VIP))
    policy_id, due, kinds = _resolution(hub, desk, ticket.id)
    # around the clock, the hour used is kept: 2 h of VIP's resolution from the opening
    assert (policy_id, due, kinds) == (desk["vip"].id, opened + 2 * HOUR,
                                       ["started", "recomputed"])
    assert {i: _resolution(hub, desk, i) for i in (solved.id, other.id)} == before

    hub.app.directory.update_customer(desk["admin"], ticket.requester_id, CustomerInput(
        frozenset({"tier"}), tier=Tier.STANDARD))
    assert _resolution(hub, desk, ticket.id)[:2] == (desk["standard"].id, opened + 8 * HOUR)


def test_moving_a_customer_into_an_organisation_matches_their_tickets_again(hub, desk):
    acme = hub.app.directory.create_organisation(desk["admin"], Organisation(None, "Acme"))
    acme_policy = hub.app.sla.create_policy(desk["admin"], {
        "name": "Acme contract", "position": 5, "targets": SHORT,
        "conditions": {"organisation_id": [acme.id]}})
    opened = utcnow() - HOUR
    ticket = _open(hub, desk, "ada@example.com", opened)
    assert _resolution(hub, desk, ticket.id)[0] == desk["standard"].id
    hub.app.directory.update_customer(desk["admin"], ticket.requester_id, CustomerInput(
        frozenset({"organisation_id"}), organisation_id=acme.id))
    assert _resolution(hub, desk, ticket.id)[:2] == (acme_policy.id, opened + 2 * HOUR)


def test_a_customer_with_many_open_tickets_is_matched_again_in_the_background(
        hub, desk, monkeypatch):
    monkeypatch.setattr(sla_rematch, "SYNC_LIMIT", 1)
    opened = utcnow() - HOUR
    tickets = [_open(hub, desk, "ada@example.com", opened) for _ in range(3)]
    other = _open(hub, desk, "bob@example.com", opened)
    hub.app.directory.update_customer(desk["admin"], tickets[0].requester_id, CustomerInput(
        frozenset({"tier"}), tier=Tier.VIP))
    [run] = sla_rematch.pending_runs(hub.uows)
    assert run.total == 3
    assert {_resolution(hub, desk, x.id)[0] for x in tickets} == {desk["standard"].id}
    progress = rematch_pending(hub.uows, utcnow(), batch=2)
    assert (progress.tickets, progress.runs_finished) == (3, 1)
    for ticket in tickets:
        assert _resolution(hub, desk, ticket.id)[:2] == (desk["vip"].id, opened + 2 * HOUR)
    assert _resolution(hub, desk, other.id)[0] == desk["standard"].id


def test_a_ticket_moved_to_a_vip_by_a_customer_merge_goes_under_their_policy(hub, desk):
    opened = utcnow() - HOUR
    kept = _open(hub, desk, "ada@work.example", opened)
    absorbed = _open(hub, desk, "ada@home.example", opened)
    hub.app.directory.update_customer(desk["admin"], kept.requester_id, CustomerInput(
        frozenset({"tier"}), tier=Tier.VIP))
    assert _resolution(hub, desk, absorbed.id)[0] == desk["standard"].id
    hub.app.directory.merge_customers(desk["admin"], kept.requester_id,
                                      absorbed.requester_id)
    assert _resolution(hub, desk, absorbed.id)[:2] == (desk["vip"].id, opened + 2 * HOUR)
