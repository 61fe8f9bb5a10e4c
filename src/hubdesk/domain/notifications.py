"""Notices in an agent's console: what a committed event asks to tell whom, and in what words.

Events say whom to tell in one of two ways: a list of agents already chosen when the event
was recorded (``notify_agent_ids``: SLA ladder steps, handoff answers, rejections and
escalations), or, for a rule's ``notify`` action (``notification_requested``), a target the
service resolves against the ticket as it now is (its assignee, its team, the coordinators, a
named agent). The text is made here from fixed phrases, the ticket's number and, for a rule,
the message its administrator wrote: never the customer's words, so nothing a customer wrote
is copied into notices.

A workforce event (topic ``schedule.<what>``) is no ticket's: it names the agents whose
schedule it changes, and its notice (``schedule_notice_of``) says what changed and in which
week, never a request's note or a coordinator's answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from hubdesk.domain.events import EventKind
from hubdesk.domain.intake import mask_cards

MAX_TEXT = 500
MAX_LISTED = 200


class NoticeKind(StrEnum):
    SLA_STEP = "sla_step"
    RULE = "rule"
    HANDOFF = "handoff"
    SCHEDULE = "schedule"


@dataclass(frozen=True)
class Notification:
    id: int | None
    agent_id: int
    ticket_id: int | None
    kind: NoticeKind
    text: str
    created_at: datetime
    read_at: datetime | None = None
    source_event_id: int | None = None  # of the latest event it says (folded notices)
    # Several notices about one ticket folded into this one (domain/notice_folding.py):
    # how many, whether one was a breach, when the latest came, and the fold it belongs to.
    count: int = 1
    breached: bool = False
    updated_at: datetime | None = None  # None: as created
    fold_key: str | None = None

    @property
    def unread(self) -> bool:
        return self.read_at is None

    @property
    def last_at(self) -> datetime:
        return self.updated_at or self.created_at


@dataclass(frozen=True)
class Notice:
    """What one event asks to say: ``agent_ids`` chosen already, or a rule's ``target``
    (``assignee``, ``team``, ``coordinators``, ``agent`` with ``target_agent_id``)."""

    kind: NoticeKind
    text: str
    agent_ids: tuple[int, ...] = ()
    target: str | None = None
    target_agent_id: int | None = None
    breach: bool = False  # an SLA target has run out: never folded out of sight


_TARGETS = {"first_response": "first response", "next_response": "next response",
            "resolution": "resolution"}
_HANDOFF_PHRASES = {EventKind.HANDOFF_ANSWERED: "was answered",
                    EventKind.HANDOFF_REJECTED: "was rejected",
                    EventKind.HANDOFF_ESCALATED: "is overdue and was escalated to you"}


def notice_of(kind: str, ticket_id: int | None, data: Mapping[str, Any]) -> Notice | None:
    """What the event of ``kind`` on ticket ``ticket_id`` with ``data`` asks to tell, if
    anything."""
    where = f"ticket #{ticket_id}" if ticket_id is not None else "a ticket"
    if kind == EventKind.NOTIFICATION_REQUESTED.value:
        rule = str(data.get("rule") or "a rule")
        agent_id = data.get("agent_id")
        return Notice(NoticeKind.RULE, bounded(f"{_capital(where)} ({rule}): "
                                               f"{data.get('message') or ''}"),
                      target=str(data.get("to") or ""),
                      target_agent_id=agent_id if isinstance(agent_id, int) else None)
    agent_ids = _ids(data.get("notify_agent_ids"))
    if not agent_ids:
        return None
    if kind == EventKind.SLA_STEP_REACHED.value:
        target = _TARGETS.get(str(data.get("target")), str(data.get("target")))
        percent = data.get("at_percent")
        breached = isinstance(percent, int) and percent >= 100
        said = (f"The {target} time of {where} has run out" if breached
                else f"{percent} % of the {target} time of {where} is used")
        tier = data.get("escalated_to_tier")
        if isinstance(tier, int):
            said += f"; it was escalated to tier {tier}"
        return Notice(NoticeKind.SLA_STEP, bounded(said), agent_ids, breach=breached)
    percent = data.get("at_percent")
    if kind == EventKind.HANDOFF_ESCALATED.value and data.get("warning") is True \
            and isinstance(percent, int):
        # a step of the ladder before the deadline: a warning, not an escalation
        return Notice(NoticeKind.HANDOFF, bounded(
            f"{percent} % of the time of handoff #{data.get('handoff_id')} on {where} "
            "is used"), agent_ids)
    for event_kind, phrase in _HANDOFF_PHRASES.items():
        if kind == event_kind.value:
            return Notice(NoticeKind.HANDOFF, bounded(
                f"Handoff #{data.get('handoff_id')} on {where} {phrase}"), agent_ids)
    return None


_ANSWERS = {"approved": "was approved", "declined": "was refused"}
_REQUESTS = {"swap": "swap a shift", "day_off": "take a day off",
             "time_change": "change a shift's times", "note": "change your schedule"}


def schedule_notice_of(topic: str, data: Mapping[str, Any]) -> Notice | None:
    """What the workforce event ``schedule.<what>`` with ``data`` asks to tell its agents."""
    agent_ids = _ids(data.get("agent_ids"))
    week = data.get("week_start")
    in_week = f" in the week of {week}" if isinstance(week, str) else ""
    if not agent_ids:
        return None
    if topic == "schedule.published" and in_week:
        said = f"Your schedule for the week of {week} was published"
    elif topic == "schedule.changed" and in_week:
        said = f"A coordinator changed your shifts{in_week}"
    elif topic == "schedule.request_answered" and data.get("status") in _ANSWERS:
        asked = _REQUESTS.get(str(data.get("request_kind")), _REQUESTS["note"])
        said = (f"Your request #{data.get('request_id')} to {asked}{in_week} "
                f"{_ANSWERS[str(data.get('status'))]}")
    else:
        return None
    return Notice(NoticeKind.SCHEDULE, bounded(said), agent_ids)


def bounded(text: str) -> str:
    """Stored text: card numbers masked (a rule's message is free text), at most MAX_TEXT."""
    text = mask_cards(" ".join(text.split()))
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _ids(value: Any) -> tuple[int, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(dict.fromkeys(v for v in value if isinstance(v, int) and
                               not isinstance(v, bool)))
