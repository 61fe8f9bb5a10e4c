"""Readable names for the people and values in a ticket's conversation and audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hubdesk.domain.events import Actor, ActorKind, EventKind
from hubdesk.services.views import StoredEvent

_WHAT = {
    EventKind.CREATED: "created the ticket",
    EventKind.STATUS_CHANGED: "changed the status",
    EventKind.ASSIGNED: "changed the assignment",
    EventKind.UPDATED: "updated the ticket",
    EventKind.REPLIED: "replied to the customer",
    EventKind.NOTED: "added an internal note",
    EventKind.CUSTOMER_REPLIED: "wrote again",
    EventKind.MERGED_IN: "merged another ticket into this one",
    EventKind.MERGED_INTO: "merged this ticket into another",
    EventKind.SENSITIVE_REVEALED: "read the original of masked personal data",
    EventKind.SENDER_BLOCKED: "blocked the sender",
    EventKind.HELD_BLOCKED_SENDER: "held a contact from a blocked sender out of the queues",
    EventKind.SECURITY_ESCALATED: "escalated the ticket to security",
    EventKind.TRIAGE_CORRECTED: "corrected triage",
    EventKind.SLA_STEP_REACHED: "reached a warning step of an SLA target",
    EventKind.SLA_BREACHED: "missed an SLA target",
    EventKind.HANDOFF_OPENED: "handed work off to a department",
    EventKind.HANDOFF_UPDATED: "changed a handoff",
    EventKind.HANDOFF_ANSWERED: "answered a handoff",
    EventKind.HANDOFF_DONE: "accepted a handoff's answer",
    EventKind.HANDOFF_REJECTED: "rejected a handoff",
    EventKind.HANDOFF_ESCALATED: "escalated an overdue handoff",
    EventKind.ESCALATED: "escalated the ticket to the next tier",
    EventKind.DEESCALATED: "handed the ticket back down a tier",
    EventKind.SATISFACTION_RATED: "rated the support",
    EventKind.RULE_FIRED: "fired",
    EventKind.RULE_CHAIN_STOPPED: "stopped rules that kept setting each other off",
}

_FIELDS = {"assignee_id": "assignee", "team_id": "team", "department_id": "department",
           "merged_into_id": "merged into", "solved_at": "solved at",
           "requester_id": "customer"}


@dataclass(frozen=True)
class Names:
    """Who is who, loaded once per page so that rendering asks the database nothing."""

    agents: dict[int, str] = field(default_factory=dict)
    teams: dict[int, str] = field(default_factory=dict)
    departments: dict[int, str] = field(default_factory=dict)
    requester_id: int | None = None
    requester_name: str = "Customer"

    def actor(self, actor: Actor) -> str:
        if actor.kind is ActorKind.AGENT and actor.id is not None:
            return self.agents.get(actor.id, f"Agent {actor.id}")
        if actor.kind is ActorKind.CUSTOMER:
            if actor.id == self.requester_id:
                return self.requester_name
            return f"Customer {actor.id}"
        return "System"

    def value(self, name: str, value: Any) -> str:
        if value is None or value == [] or value == "":
            return "none"
        lookups = {"assignee_id": self.agents, "team_id": self.teams,
                   "department_id": self.departments}
        if name in lookups and isinstance(value, int):
            return lookups[name].get(value, f"#{value}")
        if name == "merged_into_id":
            return f"#{value}"
        if name == "requester_id" and isinstance(value, int):
            return f"customer #{value}"
        if isinstance(value, list):
            return ", ".join(str(v) for v in value)
        if isinstance(value, dict):
            return ", ".join(f"{k}={v}" for k, v in value.items())
        return str(value).replace("_", " ")


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    who: str
    what: str
    changes: list[Change]


def describe(events: list[StoredEvent], names: Names) -> list[HistoryLine]:
    lines = []
    for stored in events:
        event = stored.event
        what = _WHAT.get(event.kind, event.kind.replace("_", " "))
        if event.kind == "merged_in" and event.data.get("source_id"):
            what = f"merged #{event.data['source_id']} into this ticket"
        elif event.kind.startswith("handoff_") and event.data.get("handoff_id"):
            what = f"{what} (#{event.data['handoff_id']})"
            if event.data.get("step"):
                what += f": {str(event.data['step']).replace('_', ' ')} notified"
        elif event.kind in ("sender_blocked", "security_escalated", "escalated",
                            "deescalated", "assigned", "updated") and event.data.get("reason"):
            what = f"{what}: {event.data['reason']}"
        elif event.kind == "triage_corrected":
            verdict = "abusive" if event.data.get("verdict") == "abusive" else "difficult"
            what = f"{what}: a message is {'' if event.data.get('value') else 'not '}{verdict}"
        changes = [Change(_FIELDS.get(name, name.replace("_", " ")),
                          names.value(name, before), names.value(name, after))
                   for name, (before, after) in event.changes.items()]
        who = names.actor(event.actor)
        if event.actor.kind is ActorKind.SYSTEM and isinstance(event.data.get("rule"), str):
            # A rule's firing, and each change it made, are named by the rule.
            who = f"Rule “{event.data['rule']}”"
        if event.kind == "escalated" and event.data.get("escalated_by"):
            # Nobody acted: the SLA policy's ladder did, and is named instead of a person.
            who = f"{event.data['escalated_by']}"
            who = who[0].upper() + who[1:]
        lines.append(HistoryLine(event.at, who, what, changes))
    return lines
