"""What a rule does: set ticket fields, add or remove tags, reply from a template or with a
stored macro (its reply, status and tags), and ask for a notification, a webhook call or a
handoff.

Field changes are made on the ticket by its own methods, so its lifecycle holds and its events
record them; replies are written by the service (they need the store), and a macro is read
by the service and handed in (`MacroLookup`): one deleted since the rule was saved is
reported as skipped, with why, and nothing of it applied; notifications and
handoffs are events the after-commit side and the handoff capability act on; webhook calls
travel with the rule's firing event to the outbound webhooks.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from hubdesk.domain.errors import DomainError, NotFound, ValidationFailed
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.rules.templates import MAX_TEMPLATE, check_template
from hubdesk.domain.tickets import Priority, Status, Ticket, normalise_tags


class StoredMacro(Protocol):
    """What a rule needs of a stored macro: `domain/macros.py` `Macro`, named here by its
    shape (macros fill their replies with this package's templates, so this package does
    not import them)."""

    @property
    def id(self) -> int | None: ...
    @property
    def name(self) -> str: ...
    @property
    def then_status(self) -> Status | None: ...
    @property
    def add_tags(self) -> tuple[str, ...]: ...
    def fill(self, values: dict[str, Any]) -> str: ...


SETTABLE: dict[str, str] = {  # field -> kind of value
    "status": "status", "priority": "priority", "category": "text",
    "team_id": "id", "department_id": "id", "assignee_id": "id",
}
NOTIFY_TARGETS = ("assignee", "team", "coordinators", "agent")
MAX_ACTIONS = 20
MAX_NOTE = 2000


@dataclass(frozen=True)
class SetField:
    field: str
    value: Any


@dataclass(frozen=True)
class ChangeTags:
    tags: tuple[str, ...]
    add: bool


@dataclass(frozen=True)
class Reply:
    template: str


@dataclass(frozen=True)
class ApplyMacro:
    """Reply with a stored macro, and do what sending it does (its status, its tags)."""

    macro_id: int


@dataclass(frozen=True)
class Notify:
    to: str
    message: str
    agent_id: int | None = None


@dataclass(frozen=True)
class CallWebhook:
    webhook_id: int


@dataclass(frozen=True)
class HandOff:
    department_id: int
    note: str = ""


Action = SetField | ChangeTags | Reply | ApplyMacro | Notify | CallWebhook | HandOff
# The stored macro of an id, or None when there is none (deleted since the rule was saved).
MacroLookup = Callable[[int], StoredMacro | None]
# Asked before a rule moves the ticket to a status, for what the store knows and the ticket
# does not (a blocking handoff refuses solving): raises a DomainError saying why. Asking first
# keeps a refused action from being half applied and then rolled back with the whole change.
StatusCheck = Callable[[Ticket, Status], None]


def no_macros(macro_id: int) -> StoredMacro | None:
    """A lookup that knows no macro (where none is stored)."""
    return None


def no_status_check(ticket: Ticket, status: Status) -> None:
    """A check that refuses nothing (where no store is at hand)."""


def _invalid(where: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{where}: {message}", {where: message})


def parse_actions(form: Any, where: str = "actions") -> tuple[Action, ...]:
    if not isinstance(form, list) or not form:
        raise _invalid(where, "a rule needs a list of at least one action")
    if len(form) > MAX_ACTIONS:
        raise _invalid(where, f"a rule has at most {MAX_ACTIONS} actions")
    # Actions apply in order, so a later one may override an earlier one.
    return tuple(parse_action(item, f"{where}[{index}]") for index, item in enumerate(form))


def _keys(form: Mapping[str, Any], allowed: set[str], where: str) -> None:
    unknown = set(form) - allowed - {"type"}
    if unknown:
        raise _invalid(where, f"unknown key {sorted(unknown)[0]!r}; this action takes "
                              + ", ".join(sorted(allowed)))


def parse_action(form: Any, where: str) -> Action:
    if not isinstance(form, Mapping):
        raise _invalid(where, "an action is an object with a type")
    kind = form.get("type")
    if kind == "set":
        _keys(form, {"field", "value"}, where)
        name = form.get("field")
        if name not in SETTABLE:
            raise _invalid(where, f"field {name!r} cannot be set by a rule; settable: "
                                  + ", ".join(SETTABLE))
        return SetField(name, _set_value(name, form.get("value"), where))
    if kind in ("add_tags", "remove_tags"):
        _keys(form, {"tags"}, where)
        tags = form.get("tags")
        if not isinstance(tags, list) or not tags or not all(isinstance(t, str) for t in tags):
            raise _invalid(where, "tags is a non-empty list of tags")
        try:
            normalised = normalise_tags(tags)
        except ValidationFailed as error:
            raise _invalid(where, str(error)) from None
        if not normalised:
            raise _invalid(where, "tags is a non-empty list of tags")
        return ChangeTags(normalised, kind == "add_tags")
    if kind == "reply":
        _keys(form, {"body"}, where)
        return Reply(check_template(form.get("body"), f"{where}.body"))
    if kind == "notify":
        return _notify(form, where)
    return _naming_a_record(kind, form, where)


def _naming_a_record(kind: Any, form: Mapping[str, Any], where: str) -> Action:
    """The actions that name a stored record: a macro, a webhook, a department."""
    if kind == "macro":
        _keys(form, {"macro_id"}, where)
        return ApplyMacro(_positive_id(form.get("macro_id"), f"{where}.macro_id"))
    if kind == "webhook":
        _keys(form, {"webhook_id"}, where)
        return CallWebhook(_positive_id(form.get("webhook_id"), f"{where}.webhook_id"))
    if kind == "handoff":
        _keys(form, {"department_id", "note"}, where)
        return HandOff(_positive_id(form.get("department_id"), f"{where}.department_id"),
                       _text(form.get("note", ""), f"{where}.note", allow_empty=True))
    raise _invalid(where, f"unknown action type {kind!r}; use set, add_tags, remove_tags, "
                          "reply, macro, notify, webhook or handoff")


def _notify(form: Mapping[str, Any], where: str) -> Notify:
    _keys(form, {"to", "message", "agent_id"}, where)
    to = form.get("to")
    if to not in NOTIFY_TARGETS:
        raise _invalid(where, f"notify to {to!r}; use one of " + ", ".join(NOTIFY_TARGETS))
    agent_id = form.get("agent_id")
    if to == "agent":
        agent_id = _positive_id(agent_id, f"{where}.agent_id")
    elif agent_id is not None:
        raise _invalid(where, "agent_id goes only with to: agent")
    return Notify(to, _text(form.get("message"), f"{where}.message"), agent_id)


def _set_value(name: str, value: Any, where: str) -> Any:
    kind = SETTABLE[name]
    if kind == "status":
        if value not in {s.value for s in Status} or value == Status.NEW.value:
            raise _invalid(where, f"status {value!r} cannot be set; use one of "
                                  + ", ".join(s.value for s in Status if s is not Status.NEW))
        return value
    if kind == "priority":
        if value not in {p.value for p in Priority}:
            raise _invalid(where, f"priority {value!r} is not one of "
                                  + ", ".join(p.value for p in Priority))
        return value
    if kind == "text":
        return None if value is None else _text(value, where, limit=120)
    return None if value is None else _positive_id(value, where)


def _positive_id(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _invalid(where, "a positive id is needed")
    return value


def _text(value: Any, where: str, *, limit: int = MAX_NOTE, allow_empty: bool = False) -> str:
    if not isinstance(value, str) or len(value) > limit or (not value.strip()
                                                             and not allow_empty):
        raise _invalid(where, f"a text of {'0' if allow_empty else '1'} to {limit} "
                              "characters is needed")
    return value.strip()


def writes(action: Action) -> list[tuple[str, Any]]:
    """What an action leaves on the ticket, as (key, value): a field or ``tag:<name>``."""
    if isinstance(action, SetField):
        return [(action.field, action.value)]
    if isinstance(action, ChangeTags):
        return [(f"tag:{tag}", action.add) for tag in action.tags]
    return []


def produced_events(action: Action) -> frozenset[EventKind]:
    """The event kinds applying ``action`` may record (for the static loop check)."""
    if isinstance(action, SetField):
        if action.field == "status":
            return frozenset({EventKind.STATUS_CHANGED})
        if action.field in ("assignee_id", "team_id"):
            return frozenset({EventKind.ASSIGNED, EventKind.STATUS_CHANGED})
        return frozenset({EventKind.UPDATED})
    if isinstance(action, ChangeTags):
        return frozenset({EventKind.UPDATED})
    if isinstance(action, Reply):
        return frozenset({EventKind.REPLIED})
    if isinstance(action, ApplyMacro):  # what the macro holds may change after saving
        return frozenset({EventKind.REPLIED, EventKind.UPDATED, EventKind.STATUS_CHANGED})
    if isinstance(action, Notify):
        return frozenset({EventKind.NOTIFICATION_REQUESTED})
    if isinstance(action, HandOff):
        return frozenset({EventKind.HANDOFF_REQUESTED})
    return frozenset()


def produced_changes(action: Action) -> frozenset[str]:
    """Change keys applying ``action`` may record."""
    if isinstance(action, SetField):
        extra = {"status"} if action.field in ("assignee_id", "team_id") else set()
        return frozenset({action.field, *extra})
    if isinstance(action, ChangeTags):
        return frozenset({"tags"})
    if isinstance(action, ApplyMacro):
        return frozenset({"tags", "status"})
    return frozenset()


def action_to_dict(action: Action) -> dict[str, Any]:
    if isinstance(action, SetField):
        return {"type": "set", "field": action.field, "value": action.value}
    if isinstance(action, ChangeTags):
        return {"type": "add_tags" if action.add else "remove_tags", "tags": list(action.tags)}
    if isinstance(action, Reply):
        return {"type": "reply", "body": action.template}
    if isinstance(action, ApplyMacro):
        return {"type": "macro", "macro_id": action.macro_id}
    if isinstance(action, Notify):
        form: dict[str, Any] = {"type": "notify", "to": action.to, "message": action.message}
        if action.agent_id is not None:
            form["agent_id"] = action.agent_id
        return form
    if isinstance(action, CallWebhook):
        return {"type": "webhook", "webhook_id": action.webhook_id}
    return {"type": "handoff", "department_id": action.department_id, "note": action.note}


@dataclass
class Outcome:
    """What firing a rule did: actions applied, actions skipped (with why), replies for the
    service to write (a template, or a macro to fill), webhooks to call."""

    applied: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, Any]] = field(default_factory=list)
    replies: list[Reply | StoredMacro] = field(default_factory=list)
    webhook_ids: list[int] = field(default_factory=list)


def apply_action(action: Action, ticket: Ticket, actor: Actor, at: datetime,
                 rule_data: Mapping[str, Any], outcome: Outcome,
                 macros: MacroLookup = no_macros,
                 check_status: StatusCheck = no_status_check) -> None:
    """Apply one action; one the ticket refuses (an illegal status change, say, or one
    ``check_status`` refuses), or a macro that no longer exists, is skipped and reported,
    never failing the change that triggered the rule. Each event the action records carries
    ``rule_data`` (the rule's id and name): "why did this ticket close?" """
    form = action_to_dict(action)
    first = len(ticket.pending_events)
    try:
        if isinstance(action, ApplyMacro):
            macro = macros(action.macro_id)
            if macro is None:
                raise NotFound(f"macro {action.macro_id} no longer exists, so nothing of it "
                               "was applied: give the rule another macro")
            form["macro"] = macro.name
            changed = _apply_macro(macro, ticket, actor, at, outcome, check_status)
        else:
            changed = _apply(action, ticket, actor, at, outcome, check_status)
    except DomainError as error:
        outcome.skipped.append({**form, "reason": str(error)})
        return
    finally:
        for event in ticket.pending_events[first:]:
            event.data.update(rule_data)
    (outcome.applied if changed else outcome.skipped).append(
        form if changed else {**form, "reason": "already so"})


def _apply_macro(macro: StoredMacro, ticket: Ticket, actor: Actor, at: datetime,
                 outcome: Outcome, check_status: StatusCheck) -> bool:
    """What sending the macro from the reply box does: its reply, the status it leaves the
    ticket in, its tags. The status first: a ticket that refuses it takes none of it."""
    if macro.then_status is not None and macro.then_status is not ticket.status:
        _change_status(ticket, macro.then_status, actor, at, check_status)
    if macro.add_tags:
        ticket.update(actor, at, tags=tuple(ticket.tags) + macro.add_tags)
    outcome.replies.append(macro)
    return True


def _change_status(ticket: Ticket, status: Status, actor: Actor, at: datetime,
                   check_status: StatusCheck) -> bool:
    if status is not ticket.status:
        check_status(ticket, status)
    return ticket.change_status(status, actor, at)


def _apply(action: Action, ticket: Ticket, actor: Actor, at: datetime, outcome: Outcome,
           check_status: StatusCheck) -> bool:
    if isinstance(action, SetField):
        if action.field == "status":
            return _change_status(ticket, Status(action.value), actor, at, check_status)
        return bool(ticket.update(actor, at, **{action.field: action.value}))
    if isinstance(action, ChangeTags):
        tags = (tuple(ticket.tags) + action.tags if action.add
                else tuple(t for t in ticket.tags if t not in action.tags))
        return bool(ticket.update(actor, at, tags=tags))
    if isinstance(action, Reply):
        outcome.replies.append(action)
        return True
    if isinstance(action, ApplyMacro):
        raise TypeError("a macro is applied by apply_action, with its lookup")
    if isinstance(action, CallWebhook):
        outcome.webhook_ids.append(action.webhook_id)
        return True
    if isinstance(action, Notify):
        ticket.record(actor, EventKind.NOTIFICATION_REQUESTED, at, data={
            "to": action.to, "agent_id": action.agent_id, "message": action.message})
        return True
    ticket.record(actor, EventKind.HANDOFF_REQUESTED, at, data={
        "department_id": action.department_id, "note": action.note})
    return True


__all__ = ["MAX_TEMPLATE", "Action", "ApplyMacro", "CallWebhook", "ChangeTags", "HandOff",
           "MacroLookup", "Notify", "Outcome", "Reply", "SetField", "StatusCheck", "StoredMacro",
           "apply_action", "no_macros", "no_status_check", "parse_actions"]
