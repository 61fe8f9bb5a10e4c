"""One person under two customer records, merged into one on both databases: tickets,
messages, identities and "do not route to" wishes move; the fields are combined; the moved
tickets' histories say so; only those who see the whole desk may."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.customers import (
    Customer,
    Identity,
    IdentityKind,
    Tier,
    merged_customer,
)
from hubdesk.domain.errors import NotFound, PermissionDenied, ValidationFailed
from hubdesk.services.directory import CustomerInput
from tests import factories


def _customer_of(hub, detail):
    return hub.app.directory.customer(factories.staff(hub, Role.ADMIN).agent,
                                      detail.ticket.requester_id)


def test_merging_moves_everything_of_the_other_record_and_removes_it(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    rep = factories.staff(hub).agent
    home = factories.ticket(hub, admin, subject="Order 1", email="ann@home.example")
    work = factories.ticket(hub, admin, subject="Order 2", email="ann@work.example")
    later = factories.ticket(hub, admin, subject="Order 3", email="ann@work.example")
    kept_id, absorbed_id = home.ticket.requester_id, work.ticket.requester_id
    hub.app.directory.update_customer(admin, absorbed_id, CustomerInput(
        frozenset({"tier", "language", "notes", "phones"}), tier=Tier.VIP, language="de",
        notes="Prefers e-mail.", phones=("+49 30 1234567",)))
    hub.app.directory.update_customer(admin, kept_id, CustomerInput(
        frozenset({"notes"}), notes="Called twice about order 1."))
    hub.app.routing.exclude_agent(coordinator, absorbed_id, rep.id, "asked for someone else")

    merged = hub.app.directory.merge_customers(coordinator, kept_id, absorbed_id)

    assert merged.absorbed_id == absorbed_id
    assert merged.tickets_moved == sorted([work.ticket.id, later.ticket.id])
    kept = hub.app.directory.customer(admin, kept_id)
    assert {i.value for i in kept.identities} == {"ann@home.example", "ann@work.example",
                                                  "+49301234567"}
    assert kept.tier is Tier.VIP and kept.language == "de"
    assert kept.notes == "Called twice about order 1.\n\nPrefers e-mail."
    with pytest.raises(NotFound):
        hub.app.directory.customer(admin, absorbed_id)
    for detail in (work, later):
        moved = hub.app.tickets.get(admin, detail.ticket.id)
        assert moved.ticket.requester_id == kept_id
        authors = {m.author.id for m in moved.messages if m.author.kind.value == "customer"}
        assert authors == {kept_id}
    assert [x.agent_id for x in hub.app.routing.excluded_agents(coordinator, kept_id)] == [rep.id]
    # a new contact from either address now lands on the kept record
    again = factories.ticket(hub, admin, subject="Order 4", email="ann@work.example")
    assert again.ticket.requester_id == kept_id
    with hub.uows(write=False) as uow:
        events = uow.tickets.events(work.ticket.id)
    [change] = [e.event for e in events if e.event.changes.get("requester_id")]
    assert change.changes["requester_id"] == (absorbed_id, kept_id)
    assert change.data["reason"] == "customer records merged"
    # routing's waiting line orders by the tier kept beside each ticket: the merged one's
    from sqlalchemy import select

    from hubdesk.store import tables as t
    with hub.engine.connect() as db:
        tiers = set(db.execute(select(t.tickets.c.requester_tier)
                               .where(t.tickets.c.requester_id == kept_id)).scalars())
    assert tiers == {"vip"}


def test_exclusions_both_records_hold_are_kept_once(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    rep = factories.staff(hub).agent
    one = factories.ticket(hub, admin, email="bo@one.example").ticket.requester_id
    two = factories.ticket(hub, admin, email="bo@two.example").ticket.requester_id
    hub.app.routing.exclude_agent(admin, one, rep.id, "first reason")
    hub.app.routing.exclude_agent(admin, two, rep.id, "second reason")
    hub.app.directory.merge_customers(admin, one, two)
    [kept] = hub.app.routing.excluded_agents(admin, one)
    assert kept.agent_id == rep.id and kept.reason == "first reason"


def test_only_those_who_see_the_whole_desk_merge_and_nothing_changes_otherwise(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    one = factories.ticket(hub, admin, email="cy@one.example")
    two = factories.ticket(hub, admin, email="cy@two.example")
    a, b = one.ticket.requester_id, two.ticket.requester_id
    for role in (Role.REPRESENTATIVE, Role.TEAM_LEAD, Role.LIAISON):
        with pytest.raises(PermissionDenied):
            hub.app.directory.merge_customers(factories.staff(hub, role).agent, a, b)
    with pytest.raises(ValidationFailed):
        hub.app.directory.merge_customers(admin, a, a)
    with pytest.raises(NotFound):
        hub.app.directory.merge_customers(admin, a, 10**9)
    assert hub.app.tickets.get(admin, two.ticket.id).ticket.requester_id == b
    assert hub.app.directory.customer(admin, b).identities


def test_a_block_on_either_record_stays_after_the_merge(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    calm = factories.ticket(hub, admin, email="dee@calm.example").ticket.requester_id
    rude = factories.ticket(hub, admin, email="dee@rude.example").ticket.requester_id
    hub.app.safety.block_sender(admin, rude, "threatened an agent")
    hub.app.directory.merge_customers(admin, calm, rude)
    kept = hub.app.directory.customer(admin, calm)
    assert kept.blocked is not None and kept.blocked.reason == "threatened an agent"


def test_the_fields_of_two_records_combine_as_one_person_s():
    kept = Customer(1, "Ann Lee", [Identity(IdentityKind.EMAIL, "ann@a.example")],
                    organisation_id=None, tier=Tier.PREMIUM, language=None,
                    custom_fields={"plan": "pro", "region": "eu"})
    other = Customer(2, "A. Lee", [Identity(IdentityKind.EMAIL, "ann@a.example"),
                                   Identity(IdentityKind.PHONE, "+123456789")],
                     organisation_id=7, tier=Tier.STANDARD, language="fr",
                     custom_fields={"plan": "basic", "account": "42"})
    merged = merged_customer(kept, other)
    assert merged.id == 1 and merged.name == "Ann Lee"
    assert [i.value for i in merged.identities] == ["ann@a.example", "+123456789"]
    assert merged.organisation_id == 7 and merged.language == "fr"
    assert merged.tier is Tier.PREMIUM  # the higher of the two
    assert merged.custom_fields == {"plan": "pro", "region": "eu", "account": "42"}
