"""Tiered escalation: a ticket moves up to the next support tier and may come back down.

Agents have a ``tier`` (1 is the front line). A ticket is worked at one tier; escalating it
records who had it and why, clears the assignee so that routing or a coordinator picks an agent
of the next tier, and optionally moves it to a team that works that tier. De-escalating hands it
back to the owner and team it had before the last escalation. The customer's conversation is
untouched: it is the same ticket throughout.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from hubdesk.domain.errors import Conflict, IllegalTransition
from hubdesk.domain.events import Actor, EventKind
from hubdesk.domain.handoffs import MAX_REASON_LENGTH, clean_text
from hubdesk.domain.tickets import Ticket

FRONT_LINE = 1


@dataclass(frozen=True)
class SlaCause:
    """What escalated a ticket when no person did: an SLA policy's ladder, at one step."""

    policy_id: int | None
    policy_name: str
    target: str  # the clock's target, e.g. "first_response"
    step: int  # the step's place on the policy's ladder, from 1
    at_percent: int  # of the target's time used; 100 and more: the breach

    def describe(self) -> str:
        """E.g. "the SLA policy 'Gold' (step 2: first response breached)"."""
        when = "breached" if self.at_percent >= 100 else f"at {self.at_percent} %"
        return (f"the SLA policy {self.policy_name!r} (step {self.step}: "
                f"{self.target.replace('_', ' ')} {when})")

    def to_dict(self) -> dict[str, Any]:
        return {"policy_id": self.policy_id, "policy_name": self.policy_name,
                "target": self.target, "step": self.step, "at_percent": self.at_percent}

    @classmethod
    def from_dict(cls, form: dict[str, Any]) -> SlaCause:
        return cls(policy_id=form.get("policy_id"), policy_name=str(form["policy_name"]),
                   target=str(form["target"]), step=int(form["step"]),
                   at_percent=int(form["at_percent"]))


@dataclass(frozen=True)
class TierStep:
    """One escalation still in force: the tier reached and the ownership it replaced, and
    who escalated: an agent, or (``escalated_by_id`` None) the SLA ladder ``sla_cause``."""

    ticket_id: int
    tier: int
    reason: str
    previous_assignee_id: int | None
    previous_team_id: int | None
    escalated_by_id: int | None
    escalated_at: datetime
    sla_cause: SlaCause | None = None

    def __post_init__(self) -> None:
        if (self.escalated_by_id is None) == (self.sla_cause is None):
            raise ValueError("an escalation is made by an agent or by an SLA ladder, "
                             "exactly one of them")

    @property
    def escalated_by(self) -> str | None:
        """The SLA ladder that escalated, described; None when an agent did."""
        return self.sla_cause.describe() if self.sla_cause else None


def current_tier(steps: list[TierStep]) -> int:
    return steps[-1].tier if steps else FRONT_LINE


def escalate(ticket: Ticket, steps: list[TierStep], *, staffed_tiers: frozenset[int],
             reason: str, actor_id: int | None, at: datetime, team_id: int | None = None,
             cause: SlaCause | None = None) -> TierStep:
    """Move ``ticket`` to the next tier; ``staffed_tiers`` are the tiers active agents work.
    ``actor_id`` is the agent who escalates, or None when an SLA ladder does (``cause``):
    then the system records the move, and the event names the policy and step."""
    _check_mutable(ticket)
    text = clean_text(reason, "reason", MAX_REASON_LENGTH, "reason for escalating")
    now_tier = current_tier(steps)
    target = now_tier + 1
    if target not in staffed_tiers:
        raise Conflict(f"no active agent works tier {target}: the ticket is at the highest "
                       "staffed tier; give an agent that tier first")
    assert ticket.id is not None
    step = TierStep(ticket.id, target, text, ticket.assignee_id, ticket.team_id, actor_id, at,
                    cause)
    changes: dict[str, tuple[object, object]] = {
        "tier": (now_tier, target), "assignee_id": (ticket.assignee_id, None)}
    if team_id is not None and team_id != ticket.team_id:
        changes["team_id"] = (ticket.team_id, team_id)
        ticket.team_id = team_id
    ticket.assignee_id = None
    data: dict[str, object] = {"reason": text, "tier": target}
    if cause is not None:
        data |= {"sla_cause": cause.to_dict(), "escalated_by": cause.describe(),
                 "sla_policy_id": cause.policy_id, "target": cause.target}
    by = Actor.agent(actor_id) if actor_id is not None else Actor.system()
    ticket.record(by, EventKind.ESCALATED, at, changes=changes, data=data)
    return step


def escalated_since(steps: list[TierStep], since: datetime) -> bool:
    """Whether the escalation in force was made at or after ``since``: an SLA clock whose
    cycle began before it has had its escalation already (by a person or another clock)."""
    return bool(steps) and steps[-1].escalated_at >= since


def deescalate(ticket: Ticket, steps: list[TierStep], *, reason: str, actor_id: int,
               at: datetime, still_active: frozenset[int]) -> TierStep:
    """Hand ``ticket`` back down one tier, to the owner and team it had before; an owner who
    is no longer active is not restored (the ticket waits unassigned in that team)."""
    _check_mutable(ticket)
    if not steps:
        raise IllegalTransition("the ticket is at the front line already: nothing to "
                                "de-escalate")
    text = clean_text(reason, "reason", MAX_REASON_LENGTH, "reason for de-escalating")
    last = steps[-1]
    back_to = steps[-2].tier if len(steps) > 1 else FRONT_LINE
    owner = last.previous_assignee_id if last.previous_assignee_id in still_active else None
    changes: dict[str, tuple[object, object]] = {"tier": (last.tier, back_to)}
    if owner != ticket.assignee_id:
        changes["assignee_id"] = (ticket.assignee_id, owner)
    if last.previous_team_id != ticket.team_id:
        changes["team_id"] = (ticket.team_id, last.previous_team_id)
    ticket.assignee_id = owner
    ticket.team_id = last.previous_team_id
    ticket.record(Actor.agent(actor_id), EventKind.DEESCALATED, at, changes=changes,
                  data={"reason": text, "tier": back_to})
    return last


def _check_mutable(ticket: Ticket) -> None:
    if ticket.is_closed or ticket.merged_into_id is not None:
        raise IllegalTransition("a closed or merged ticket keeps its tier")
