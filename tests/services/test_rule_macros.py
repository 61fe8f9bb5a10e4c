"""A rule applying a stored macro, on both databases: its reply filled as the reply box fills
it, its status and tags applied with the change; an unknown macro refused when the rule is
saved; a macro deleted later skipped with why in the audit trail; dry runs naming it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.events import EventKind
from hubdesk.domain.macros import Macro
from hubdesk.domain.tickets import Status
from hubdesk.services.tickets import NewTicket, TicketChanges
from tests import factories

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def admin(hub):
    return factories.staff(hub, Role.ADMIN).agent


@pytest.fixture
def macro(hub, admin):
    return hub.app.macros.create(admin, Macro(
        None, "Tracking link", "Hello {{customer.first_name}}, ticket #{{ticket.number}} is on "
        "its way. {{agent.first_name}}", then_status=Status.PENDING,
        add_tags=("tracking", "auto")), now=T0)


def _open(hub, agent, subject="Where is my parcel", at=T0):
    detail, _ = hub.app.tickets.open(agent, NewTicket(
        subject=subject, body="Where is my order?", requester_email="ana@example.com",
        requester_name="Ana Ruiz"), now=at)
    return detail.ticket


def _rule(macro_id, on=("created",), conditions=None):
    return {"name": "Send tracking", "trigger": {"type": "event", "on": list(on)},
            "conditions": conditions, "actions": [{"type": "macro", "macro_id": macro_id}]}


def _fired(hub, agent, ticket_id):
    return [e.event for e in hub.app.tickets.history(agent, ticket_id)
            if e.event.kind is EventKind.RULE_FIRED]


def test_a_rule_replies_with_a_macro_and_does_what_sending_it_does(hub, admin, macro):
    hub.app.rules.create(admin, _rule(macro.id))
    ticket = _open(hub, admin)
    detail = hub.app.tickets.get(admin, ticket.id)
    assert [m.body for m in detail.messages][1] == (
        f"Hello Ana, ticket #{ticket.id} is on its way.")  # no agent: the desk replies
    assert detail.messages[1].public
    assert detail.ticket.status is Status.PENDING
    assert detail.ticket.tags == ("tracking", "auto")
    [fired] = _fired(hub, admin, ticket.id)
    assert fired.data["applied"] == [{"type": "macro", "macro_id": macro.id,
                                      "macro": "Tracking link"}]
    [replied] = [e.event for e in hub.app.tickets.history(admin, ticket.id)
                 if e.event.kind is EventKind.REPLIED]
    assert replied.data["macro_id"] == macro.id and replied.data["rule_id"] == fired.data[
        "rule_id"]


def test_an_unknown_macro_is_refused_when_the_rule_is_saved(hub, admin, macro):
    with pytest.raises(ValidationFailed) as refused:
        hub.app.rules.create(admin, _rule(macro.id + 100))
    assert refused.value.fields == {"actions[0]": f"unknown macro {macro.id + 100}"}
    assert hub.app.rules.list(admin) == []
    rule = hub.app.rules.create(admin, _rule(macro.id))
    hub.app.macros.delete(admin, macro.id)
    with pytest.raises(ValidationFailed):
        hub.app.rules.update(admin, rule.id, {**_rule(macro.id), "name": "Renamed"})
    assert hub.app.rules.get(admin, rule.id).name == "Send tracking"


def test_a_macro_deleted_after_saving_is_skipped_with_why_and_the_change_goes_through(
        hub, admin, macro):
    rule = hub.app.rules.create(admin, _rule(macro.id))
    hub.app.macros.delete(admin, macro.id)
    ticket = _open(hub, admin)
    detail = hub.app.tickets.get(admin, ticket.id)
    assert len(detail.messages) == 1 and detail.ticket.status is Status.NEW
    assert detail.ticket.tags == ()
    [fired] = _fired(hub, admin, ticket.id)
    assert fired.data["rule_id"] == rule.id and fired.data["applied"] == []
    [skipped] = fired.data["skipped"]
    assert skipped["type"] == "macro" and skipped["macro_id"] == macro.id
    assert skipped["reason"].startswith(f"macro {macro.id} no longer exists")


def test_a_macro_whose_status_the_ticket_refuses_is_skipped_whole(hub, admin, macro):
    hub.app.rules.create(admin, _rule(macro.id, on=("status_changed",)))
    ticket = _open(hub, admin)
    hub.app.tickets.update(admin, ticket.id, TicketChanges(
        fields_set=frozenset({"status"}), status=Status.SOLVED), now=T0 + timedelta(hours=1))
    detail = hub.app.tickets.get(admin, ticket.id)
    # a solved ticket cannot become pending: no reply, no tags, and the solving stands
    assert detail.ticket.status is Status.SOLVED and detail.ticket.tags == ()
    assert len(detail.messages) == 1
    [fired] = _fired(hub, admin, ticket.id)
    [skipped] = fired.data["skipped"]
    assert skipped["macro"] == "Tracking link" and "pending" in skipped["reason"]


def test_a_dry_run_says_which_macro_would_be_applied(hub, admin, macro):
    hub.app.rules.create(admin, _rule(macro.id, on=("customer_replied",)))
    ticket = _open(hub, admin)
    [verdict] = hub.app.rules.dry_run(admin, ticket.id, now=T0)
    assert verdict.would_fire
    assert verdict.macros == [{"macro_id": macro.id, "name": "Tracking link"}]
    assert verdict.reason.endswith("it would apply the macro “Tracking link”")
    tryout = hub.app.rules.try_unsaved(admin, _rule(macro.id))
    [trial] = tryout.trials
    assert trial.would_fire and trial.verdict.macros[0]["name"] == "Tracking link"
    assert trial.changes["status"] == ("new", "pending")
    assert trial.applied == [{"type": "macro", "macro_id": macro.id, "macro": "Tracking link"}]
    assert hub.app.tickets.get(admin, ticket.id).ticket.status is Status.NEW  # untouched
    hub.app.macros.delete(admin, macro.id)
    [gone] = hub.app.rules.dry_run(admin, ticket.id, now=T0)
    assert gone.macros == [{"macro_id": macro.id, "name": None}]
    assert "which no longer exists (it would be skipped)" in gone.reason
