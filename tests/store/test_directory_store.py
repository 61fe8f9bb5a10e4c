"""The directory's repositories on both databases: what intake relies on for its round trips."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Team
from hubdesk.domain.customers import Customer, Identity, IdentityKind
from hubdesk.services.ports import DuplicateKey

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_new_customer_is_found_by_each_of_their_identities(hub: Hub) -> None:
    identities = [Identity(IdentityKind.EMAIL, "ana@example.com"),
                  Identity(IdentityKind.PHONE, "+34600111222")]
    with hub.uows() as uow:
        customer_id = uow.customers.add(
            Customer(id=None, name="Ana", identities=identities, language="es",
                     custom_fields={"plan": "gold"}), AT)
        uow.commit()
    with hub.uows(write=False) as uow:
        for identity in identities:
            found = uow.customers.find_by_identity(identity)
            assert found is not None
            assert found.id == customer_id
            assert found.name == "Ana"
            assert found.language == "es"
            assert found.custom_fields == {"plan": "gold"}
            assert sorted(i.value for i in found.identities) == sorted(
                i.value for i in identities)


def test_a_second_customer_with_a_taken_identity_is_refused_whole(hub: Hub) -> None:
    taken = Identity(IdentityKind.EMAIL, "bo@example.com")
    with hub.uows() as uow:
        uow.customers.add(Customer(id=None, name="Bo", identities=[taken]), AT)
        uow.commit()
    with pytest.raises(DuplicateKey), hub.uows() as uow:
        uow.customers.add(Customer(id=None, name="Other Bo", identities=[taken]), AT)
        uow.commit()
    with hub.uows(write=False) as uow:
        assert [c.name for c in uow.customers.page(None, 10, None)] == ["Bo"]


def test_team_existence_is_checked_and_remembered_once_seen(hub: Hub) -> None:
    with hub.uows(write=False) as uow:
        assert not uow.structure.team_exists(424242)
    with hub.uows() as uow:
        team_id = uow.structure.add_team(Team(None, "Billing", ""))
        uow.commit()
    with hub.uows(write=False) as uow:
        assert uow.structure.team_exists(team_id)
    assert team_id in hub.uows.known_teams
    with hub.uows(write=False) as uow:
        assert not uow.structure.team_exists(team_id + 1)


def test_find_or_add_finds_a_known_customer_whole_and_adds_an_unknown_one(hub: Hub) -> None:
    email = Identity(IdentityKind.EMAIL, "cy@example.com")
    phone = Identity(IdentityKind.PHONE, "+34600333444")
    with hub.uows() as uow:
        known_id = uow.customers.add(Customer(id=None, name="Cy", identities=[email, phone],
                                              custom_fields={"plan": "gold"}), AT)
        uow.commit()
    stranger = Identity(IdentityKind.EMAIL, "dee@example.com")
    with hub.uows() as uow:
        found, added = uow.customers.find_or_add(
            phone, Customer(id=None, name="Not Cy", identities=[phone]), AT)
        new, created = uow.customers.find_or_add(
            stranger, Customer(id=None, name="Dee", identities=[stranger]), AT)
        uow.commit()
    assert (found.id, found.name, added) == (known_id, "Cy", False)
    assert found.custom_fields == {"plan": "gold"}
    assert sorted(i.value for i in found.identities) == ["+34600333444", "cy@example.com"]
    assert created and new.id is not None and new.id != known_id
    with hub.uows(write=False) as uow:
        stored = uow.customers.find_by_identity(stranger)
        assert stored is not None and (stored.id, stored.name) == (new.id, "Dee")
        assert uow.customers.find_by_identity(
            Identity(IdentityKind.EMAIL, "nobody@example.com")) is None


def test_two_first_contacts_from_one_address_make_one_customer(hub: Hub) -> None:
    """Two lookups at once both miss; the second's creation waits on the first's identity,
    then meets its unique key (and its caller retries, to find the first's customer)."""
    if hub.engine.dialect.name == "sqlite":
        pytest.skip("SQLite runs one writer at a time: the two cannot interleave")
    email = Identity(IdentityKind.EMAIL, "twice@example.com")
    outcome: list[object] = []

    def second() -> None:
        try:
            with hub.uows() as uow:
                outcome.append(uow.customers.find_or_add(
                    email, Customer(id=None, name="B", identities=[email]), AT))
                uow.commit()
        except DuplicateKey as error:
            outcome.append(error)

    with hub.uows() as first:
        first.customers.find_or_add(email, Customer(id=None, name="A", identities=[email]),
                                    AT)
        racer = threading.Thread(target=second)
        racer.start()
        racer.join(timeout=1)
        assert racer.is_alive()  # waiting on the first's uncommitted identity
        first.commit()
    racer.join(timeout=10)
    assert len(outcome) == 1 and isinstance(outcome[0], DuplicateKey)
    with hub.uows(write=False) as uow:
        found = uow.customers.find_by_identity(email)
        assert found is not None and found.name == "A"
