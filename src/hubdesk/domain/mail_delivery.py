"""Whether mail about a ticket can go to its customer, and if not, why: decided once, so that
what the outbound mail does and what the console tells the agent who replied never differ."""

from __future__ import annotations

from dataclasses import dataclass

from hubdesk.domain.customers import Customer
from hubdesk.domain.mail_rules import MailRouting, may_answer


@dataclass(frozen=True)
class MailPlan:
    """``to`` and ``sender`` when mail can go; else ``why_not`` says why, in words for the
    agent."""

    to: str | None = None
    sender: str | None = None
    why_not: str | None = None

    @property
    def goes(self) -> bool:
        return self.to is not None and self.sender is not None


def mail_plan(routing: MailRouting, requester: Customer | None,
              team_id: int | None) -> MailPlan:
    if not routing.configured:
        return MailPlan(why_not="the desk has no support e-mail address set up")
    if requester is None:
        return MailPlan(why_not="the ticket has no customer")
    if requester.blocked is not None:
        return MailPlan(why_not="the customer's sender is blocked")  # never written to
    to = requester.primary_email
    if not to:
        return MailPlan(why_not="the customer has no e-mail address")
    if not may_answer(to):
        return MailPlan(why_not=f"{to} does not take replies")
    sender = routing.sender_for(team_id)
    if not sender:
        return MailPlan(why_not="no support address sends for this ticket's team")
    return MailPlan(to=to, sender=sender)


def reply_notice(plan: MailPlan | None, *, sending: bool) -> str:
    """What the agent is told once their public reply is saved (``plan`` None: a note)."""
    if plan is None:
        return "Internal note added"
    if not plan.goes:
        return f"Reply saved on the ticket but not e-mailed: {plan.why_not}"
    if not sending:
        return (f"Reply queued for delivery to {plan.to}; it is sent once an outgoing mail "
                "server is set up")
    return f"Reply queued for delivery to {plan.to}"
