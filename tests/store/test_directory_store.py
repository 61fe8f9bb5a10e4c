"""The directory's repositories on both databases: what intake relies on for its round trips."""

from __future__ import annotations

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
