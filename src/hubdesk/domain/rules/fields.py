"""The fields a rule's conditions may read, what type each is and which operators fit it.

A condition names a field of this catalogue (``ticket.priority``, ``customer.tier``,
``triage.intent``, ``message.body``) or one of the ticket's custom fields
(``custom_fields.<key>``, whose values are whatever was stored: `field_spec`); any other name
is refused when the rule is saved, naming the field. Values are plain (strings, numbers,
booleans, tuples of tags), read from the ticket, its requester, and the customer's message
that set the rules off (else their latest) and its triage by :func:`facts_of`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from hubdesk.domain.customers import Customer, Tier
from hubdesk.domain.tickets import Channel, Priority, Status, Ticket


class FieldType(StrEnum):
    CHOICE = "choice"      # one of fixed values (status, channel, tier)
    ORDERED = "ordered"    # one of fixed values in a meaningful order (priority)
    TEXT = "text"
    ID = "id"              # a reference to an agent, team, department or organisation
    NUMBER = "number"
    BOOLEAN = "boolean"
    TAGS = "tags"          # a set of tags
    BODY = "body"          # a message's text, searched for words
    CUSTOM = "custom"      # a custom field: a text, number, boolean or list, as stored


class Op(StrEnum):
    EQ = "="
    NE = "!="
    LT = "<"
    GT = ">"
    LE = "<="
    GE = ">="
    IN = "in"
    NOT_IN = "not_in"
    CONTAINS = "contains"
    NOT_CONTAINS = "not_contains"
    IS_SET = "is_set"
    IS_NOT_SET = "is_not_set"
    CHANGED = "changed"
    CHANGED_TO = "changed_to"
    CHANGED_FROM = "changed_from"


CHANGE_OPS = frozenset({Op.CHANGED, Op.CHANGED_TO, Op.CHANGED_FROM})
_PRESENCE = frozenset({Op.IS_SET, Op.IS_NOT_SET})
_EQUALITY = frozenset({Op.EQ, Op.NE, Op.IN, Op.NOT_IN}) | _PRESENCE
ORDER_OPS = frozenset({Op.LT, Op.GT, Op.LE, Op.GE})
_SEARCH = frozenset({Op.CONTAINS, Op.NOT_CONTAINS})

OPS_BY_TYPE: dict[FieldType, frozenset[Op]] = {
    FieldType.CHOICE: _EQUALITY,
    FieldType.ORDERED: _EQUALITY | ORDER_OPS,
    FieldType.TEXT: _EQUALITY | _SEARCH,
    FieldType.ID: _EQUALITY,
    FieldType.NUMBER: _EQUALITY | ORDER_OPS,
    FieldType.BOOLEAN: frozenset({Op.EQ, Op.NE}),
    FieldType.TAGS: _SEARCH | _PRESENCE,
    FieldType.BODY: _SEARCH,
    FieldType.CUSTOM: _EQUALITY | _SEARCH | ORDER_OPS,
}


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: FieldType
    choices: tuple[str, ...] = ()
    # The key of the ticket's change records (`TicketEvent.changes`) when changes of this
    # field can be asked about (changed, changed_to, changed_from); None for fields that
    # a ticket change does not carry.
    change_key: str | None = None

    @property
    def operators(self) -> frozenset[Op]:
        ops = OPS_BY_TYPE[self.type]
        if self.change_key is not None:
            ops = ops | ({Op.CHANGED} if self.type is FieldType.TAGS else CHANGE_OPS)
        return ops

    def order(self, value: str) -> int:
        return self.choices.index(value)


def _values(kind: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in kind)


CATALOGUE: dict[str, FieldSpec] = {spec.name: spec for spec in (
    FieldSpec("ticket.status", FieldType.CHOICE, _values(Status), "status"),
    FieldSpec("ticket.priority", FieldType.ORDERED, _values(Priority), "priority"),
    FieldSpec("ticket.channel", FieldType.CHOICE, _values(Channel)),
    FieldSpec("ticket.category", FieldType.TEXT, change_key="category"),
    FieldSpec("ticket.subject", FieldType.TEXT, change_key="subject"),
    FieldSpec("ticket.language", FieldType.TEXT, change_key="language"),
    FieldSpec("ticket.tags", FieldType.TAGS, change_key="tags"),
    FieldSpec("ticket.assignee_id", FieldType.ID, change_key="assignee_id"),
    FieldSpec("ticket.team_id", FieldType.ID, change_key="team_id"),
    FieldSpec("ticket.department_id", FieldType.ID, change_key="department_id"),
    # The customer's latest answer to the satisfaction survey (domain/satisfaction.py).
    FieldSpec("ticket.satisfaction", FieldType.CHOICE, ("good", "bad"), "satisfaction"),
    FieldSpec("ticket.hours_in_status", FieldType.NUMBER),
    FieldSpec("ticket.hours_since_update", FieldType.NUMBER),
    FieldSpec("event.actor", FieldType.CHOICE, ("agent", "customer", "system")),
    FieldSpec("customer.tier", FieldType.ORDERED, _values(Tier)),
    FieldSpec("customer.organisation_id", FieldType.ID),
    FieldSpec("customer.language", FieldType.TEXT),
    FieldSpec("customer.blocked", FieldType.BOOLEAN),
    FieldSpec("triage.intent", FieldType.TEXT),
    FieldSpec("triage.intent_confidence", FieldType.NUMBER),
    FieldSpec("triage.language", FieldType.TEXT),
    FieldSpec("triage.sentiment", FieldType.NUMBER),
    FieldSpec("triage.anger", FieldType.NUMBER),
    FieldSpec("triage.urgency", FieldType.NUMBER),
    FieldSpec("triage.abusive", FieldType.BOOLEAN),
    FieldSpec("triage.suggested_priority", FieldType.ORDERED, _values(Priority)),
    FieldSpec("message.body", FieldType.BODY),
)}

CUSTOM_PREFIX = "custom_fields."
MAX_CUSTOM_KEY = 64  # as the API's custom fields


def field_spec(name: str) -> FieldSpec | None:
    """The spec of a field conditions may read: one of the catalogue, or a custom field
    (``custom_fields.<key>``, 1 to `MAX_CUSTOM_KEY` characters); None for any other name."""
    if name in CATALOGUE:
        return CATALOGUE[name]
    key = name.removeprefix(CUSTOM_PREFIX)
    if name.startswith(CUSTOM_PREFIX) and key.strip() and len(key) <= MAX_CUSTOM_KEY:
        return FieldSpec(name, FieldType.CUSTOM)
    return None


@dataclass(frozen=True)
class Facts:
    """What the conditions of one rule are evaluated against: each catalogue field's current
    value, and the (before, after) of each ticket field changed by the change under way."""

    values: Mapping[str, Any]
    changes: Mapping[str, tuple[Any, Any]]


def facts_of(ticket: Ticket, *, now: datetime, customer: Customer | None = None,
             triage: Mapping[str, Any] | None = None, actor: str | None = None,
             changes: Mapping[str, tuple[Any, Any]] | None = None,
             message_body: str | None = None, satisfaction: str | None = None) -> Facts:
    """The facts of ``ticket`` at ``now``; ``triage`` is the stored summary of the customer's
    latest message (`domain.intake.triage_summary`), ``actor`` the kind of who acted,
    ``message_body`` the text of the customer's message that set the rules off (else their
    latest), ``satisfaction`` the customer's latest survey answer."""
    since_status = ticket.status_changed_at or ticket.created_at
    values: dict[str, Any] = {
        "ticket.status": ticket.status.value,
        "ticket.priority": ticket.priority.value,
        "ticket.channel": ticket.channel.value,
        "ticket.category": ticket.category,
        "ticket.subject": ticket.subject,
        "ticket.language": ticket.language,
        "ticket.tags": tuple(ticket.tags),
        "ticket.assignee_id": ticket.assignee_id,
        "ticket.team_id": ticket.team_id,
        "ticket.department_id": ticket.department_id,
        "ticket.satisfaction": satisfaction,
        "ticket.hours_in_status": _hours(now - since_status),
        "ticket.hours_since_update": _hours(now - ticket.updated_at),
        "event.actor": actor,
        "message.body": message_body,
    }
    values.update((CUSTOM_PREFIX + key, value) for key, value in ticket.custom_fields.items())
    if customer is not None:
        values.update({
            "customer.tier": customer.tier.value,
            "customer.organisation_id": customer.organisation_id,
            "customer.language": customer.language,
            "customer.blocked": customer.blocked is not None,
        })
    values.update(triage_values(triage))
    return Facts(values, dict(changes or {}))


def _hours(span: timedelta) -> float:
    return round(span.total_seconds() / 3600, 4)


def triage_values(summary: Mapping[str, Any] | None) -> dict[str, Any]:
    """The triage fields from a stored triage summary (all unset when there is none)."""
    if not summary:
        return {}

    def part(name: str) -> Mapping[str, Any]:
        found = summary.get(name)
        return found if isinstance(found, Mapping) else {}

    intent, signals = part("intent"), part("signals")
    return {
        "triage.intent": None if intent.get("abstained") else intent.get("category"),
        "triage.intent_confidence": intent.get("confidence"),
        "triage.language": part("language").get("code"),
        "triage.sentiment": signals.get("sentiment"),
        "triage.anger": signals.get("anger"),
        "triage.urgency": signals.get("urgency"),
        "triage.abusive": part("abuse").get("abusive"),
        "triage.suggested_priority": part("priority").get("priority"),
    }

