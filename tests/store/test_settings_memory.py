"""The desk's settings are remembered between transactions, and never past a change: whoever
changes them (the application, a rolled-back transaction, an operator's SQL), the next
transaction sees what is stored."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, text

from hubdesk.bootstrap import Hub
from hubdesk.domain.agents import Role
from hubdesk.domain.calendars import BusinessCalendar
from hubdesk.domain.sla.policies import NamedCalendar
from hubdesk.services.routing_roster import settings_in
from hubdesk.services.sla import SlaSetup
from tests import factories

NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
RULE = {"name": "Tag refunds", "trigger": {"type": "event", "on": ["created"]},
        "conditions": None, "actions": [{"type": "add_tags", "tags": ["refund"]}]}


@contextmanager
def statements(hub: Hub) -> Iterator[list[str]]:
    asked: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        asked.append(" ".join(statement.split()))

    event.listen(hub.engine, "before_cursor_execute", record)
    try:
        yield asked
    finally:
        event.remove(hub.engine, "before_cursor_execute", record)


def _rule_names(hub: Hub) -> list[str]:
    with hub.uows(write=False) as uow:
        return [rule.name for rule in uow.rules.enabled("event")]


def _policy_names(hub: Hub) -> list[str]:
    with hub.uows(write=False) as uow:
        return [policy.name for policy in SlaSetup.load(uow).policies]


def _admin(hub: Hub):
    return factories.staff(hub, Role.ADMIN).agent


def test_settings_unchanged_are_not_read_again(hub: Hub) -> None:
    hub.app.rules.create(_admin(hub), RULE, now=NOW)
    assert _rule_names(hub) == ["Tag refunds"] and _policy_names(hub) == []
    with statements(hub) as asked:
        assert _rule_names(hub) == ["Tag refunds"]
        with hub.uows(write=False) as uow:
            settings_in(uow)
            SlaSetup.load(uow)
            SlaSetup.load(uow)
    reads = [s for s in asked if s.startswith("SELECT")]
    assert not [s for s in reads if "FROM rules" in s or "FROM sla_policies" in s]
    # One look at the token per transaction, however many settings it asks for.
    assert len([s for s in reads if "FROM settings_versions" in s]) == 2


def test_a_change_through_the_application_is_seen_by_the_next_transaction(hub: Hub) -> None:
    admin = _admin(hub)
    assert _rule_names(hub) == [] and _policy_names(hub) == []
    hub.app.rules.create(admin, RULE, now=NOW)
    hub.app.sla.create_policy(admin, {"name": "Gold", "targets": {
        "normal": {"first_response": 60}}})
    assert _rule_names(hub) == ["Tag refunds"]
    assert _policy_names(hub) == ["Gold"]
    hub.app.routing.update_config(admin, {"offline_grace_s": 42}, now=NOW)
    with hub.uows(write=False) as uow:
        assert settings_in(uow).offline_grace_s == 42
    hub.app.routing.update_config(admin, {"offline_grace_s": 43}, now=NOW)
    with hub.uows(write=False) as uow:
        assert settings_in(uow).offline_grace_s == 43


# An operator's SQL on each database: (PostgreSQL, SQLite).
OUTSIDE_CHANGES = {
    "rules switched off": ("UPDATE rules SET enabled = false", "UPDATE rules SET enabled = 0"),
    "rules deleted": ("DELETE FROM rules", "DELETE FROM rules"),
    "policy renamed": (
        "UPDATE sla_policies SET form = jsonb_set(form, '{name}', '\"Renamed\"')",
        "UPDATE sla_policies SET form = json_set(form, '$.name', 'Renamed')"),
    "policies deleted": ("DELETE FROM sla_policies", "DELETE FROM sla_policies"),
}


@pytest.mark.parametrize("change", list(OUTSIDE_CHANGES))
def test_a_change_made_outside_the_application_is_seen_too(hub: Hub, change: str) -> None:
    admin = _admin(hub)
    hub.app.rules.create(admin, RULE, now=NOW)
    hub.app.sla.create_policy(admin, {"name": "Gold", "targets": {
        "normal": {"first_response": 60}}})
    assert (_rule_names(hub), _policy_names(hub)) == (["Tag refunds"], ["Gold"])
    postgres = hub.engine.dialect.name == "postgresql"
    with hub.engine.begin() as c:  # the database's own triggers notice it
        c.execute(text(OUTSIDE_CHANGES[change][0 if postgres else 1]))
    with hub.engine.connect() as c:
        stored_rules = list(c.execute(text(
            "SELECT name FROM rules WHERE enabled ORDER BY id" if postgres else
            "SELECT name FROM rules WHERE enabled = 1 ORDER BY id")).scalars())
        stored_policies = list(c.execute(text(
            "SELECT form ->> 'name' FROM sla_policies" if postgres else
            "SELECT json_extract(form, '$.name') FROM sla_policies")).scalars())
    assert (stored_rules, stored_policies) != (["Tag refunds"], ["Gold"])
    assert (_rule_names(hub), _policy_names(hub)) == (stored_rules, stored_policies)


def test_a_calendar_changed_outside_the_application_moves_the_policies_deadlines(
        hub: Hub) -> None:
    admin = _admin(hub)
    always = BusinessCalendar.from_dict({"timezone": "UTC", "always_open": True})
    named = hub.app.sla.create_calendar(admin, NamedCalendar(None, "Desk hours", always))
    hub.app.sla.create_policy(admin, {"name": "Gold", "calendar_id": named.id, "targets": {
        "normal": {"first_response": 60}}})
    with hub.uows(write=False) as uow:
        setup = SlaSetup.load(uow)
        assert setup.calendar(setup.policies[0]).add(NOW, timedelta(0)) == NOW  # a Monday, 09:00
    weekends = '{"timezone": "UTC", "hours": {"sat": [["10:00", "12:00"]]}}'
    with hub.engine.begin() as c:
        c.execute(text("UPDATE sla_calendars SET form = :form"), {"form": weekends})
    with hub.uows(write=False) as uow:
        setup = SlaSetup.load(uow)
        assert setup.calendar(setup.policies[0]).add(NOW, timedelta(0)) == datetime(2026, 3, 7, 10,
                                                                          tzinfo=UTC)


def test_a_transaction_sees_its_own_change_and_a_rolled_back_one_is_forgotten(
        hub: Hub) -> None:
    admin = _admin(hub)
    hub.app.rules.create(admin, RULE, now=NOW)
    with hub.uows() as uow:
        [rule] = uow.rules.enabled("event")  # remembered before the change
        assert rule.id is not None
        uow.rules.delete(rule.id)
        assert uow.rules.enabled("event") == []  # its own change, not the memory
        # rolled back: never committed
    assert _rule_names(hub) == ["Tag refunds"]


def test_without_a_token_every_transaction_reads_the_settings(hub: Hub) -> None:
    hub.app.rules.create(_admin(hub), RULE, now=NOW)
    assert _rule_names(hub) == ["Tag refunds"]
    with hub.engine.begin() as c:
        c.execute(text("DELETE FROM settings_versions"))
    with statements(hub) as asked:
        assert _rule_names(hub) == ["Tag refunds"]
        assert _rule_names(hub) == ["Tag refunds"]
    assert len([s for s in asked if s.startswith("SELECT") and "FROM rules" in s]) == 2


def test_a_token_read_beside_a_ticket_s_first_statement_sees_a_change_too(hub: Hub) -> None:
    """Opening a ticket reads the token with the requester (on PostgreSQL), not apart."""
    from hubdesk.services.tickets import NewTicket

    admin = _admin(hub)
    hub.app.rules.create(admin, RULE, now=NOW)

    def opened(n: int) -> tuple[str, ...]:
        detail, _ = hub.app.tickets.open(admin, NewTicket(
            subject=f"A refund please {n}", body="Twice charged.",
            requester_email=f"payer{n}@example.com"))
        return detail.ticket.tags

    assert "refund" in opened(1)
    with hub.engine.begin() as c:
        c.execute(text("DELETE FROM rules"))
    assert "refund" not in opened(2)
