"""An agent's flag on a customer's message ("Mark difficult", "Mark abusive": a correction of
triage, `services/feedback.py`) counts for wellbeing as triage's own reading does, and taking
the flag back takes the count back.

Wellbeing counts the difficult contacts routed to each agent from the stored decisions
(`RoutingRepository.difficult_since`). A contact first read as calm and flagged later is
counted once, for whoever holds the ticket then, by a decision of mode ``flagged``; an
unassigned one is counted for the agent it is routed to, as difficult.

A ticket is difficult while any of its customer's messages reads so: the standing correction
of a verdict where an agent made one, triage's reading where none did. When a correction
leaves none reading so ("Not difficult", or the flag taken back), every decision that counted
the ticket as a difficult contact stops counting, once, for whoever it charged (the routed
agent, the flagged holder, a later hand assignment), and a decision of mode ``unflagged``
names what was taken back. A correction to calm never counts anything new: while another
message still reads difficult, it changes nothing. Flagged again later, the ticket counts
again for its holder then.
"""

from __future__ import annotations

from typing import Any

from hubdesk.domain.events import ActorKind, EventKind, TicketEvent
from hubdesk.domain.messages import Message
from hubdesk.domain.routing import instant
from hubdesk.domain.triage import Verdict
from hubdesk.services.messagebus import EventContext, MessageBus
from hubdesk.services.ports import UnitOfWork
from hubdesk.services.routing_records import TicketRoutingState

FLAGGED = "flagged"  # the mode of the decision that counts a flagged contact
UNFLAGGED = "unflagged"  # the mode of the decision that takes the counts back
BOOKKEEPING = (FLAGGED, UNFLAGGED)  # decisions that count, not decisions of who serves


def count_flagged_contact(event: TicketEvent, context: EventContext) -> None:
    ticket, uow = context.ticket, context.uow
    if ticket.id is None or event.data.get("verdict") not in (Verdict.DIFFICULT,
                                                                Verdict.ABUSIVE):
        return
    flagged = bool(event.data.get("value"))
    difficult = flagged or reads_difficult(uow, ticket.id)
    if difficult and not flagged:
        return  # taken back while another reading stands: nothing to count or take back
    state = uow.routing.ticket_state(ticket.id)
    if (state.difficult if state is not None else False) == difficult:
        return  # read so already (and counted, if it was routed as difficult)
    state = state or TicketRoutingState(ticket.id)
    state.difficult = difficult
    uow.routing.put_ticket_state(state, event.at)
    record = {"ticket_id": ticket.id, "verdict": event.data.get("verdict"),
              "message_id": event.data.get("message_id"), "decided_at": instant(event.at)}
    if difficult and ticket.assignee_id is not None:
        uow.routing.add_decision(
            ticket.id, ticket.assignee_id, FLAGGED, True,
            {**record, "agent_id": ticket.assignee_id, "mode": FLAGGED,
             "flagged_by": event.actor.id}, event.at)
    elif not difficult:
        uncounted = uow.routing.uncount_difficult(ticket.id)
        if uncounted:
            uow.routing.add_decision(
                ticket.id, None, UNFLAGGED, False,
                {**record, "agent_id": None, "mode": UNFLAGGED, "unflagged_by": event.actor.id,
                 "uncounted": [{"decision_id": decision, "agent_id": agent}
                               for decision, agent in uncounted]}, event.at)


def reads_difficult(uow: UnitOfWork, ticket_id: int) -> bool:
    """Whether any of the customer's messages on the ticket reads as a difficult or abusive
    contact, an agent's standing correction winning over triage's reading."""
    corrections = uow.tickets.corrections(ticket_id)
    return any(_message_reads_difficult(message, corrections)
               for message in uow.tickets.messages(ticket_id)
               if message.author.kind is ActorKind.CUSTOMER and message.id is not None)


def _message_reads_difficult(message: Message,
                             corrections: dict[tuple[int, str], bool]) -> bool:
    triage: dict[str, Any] = message.triage or {}
    read = {Verdict.DIFFICULT: bool((triage.get("signals") or {}).get("difficult_contact")),
            Verdict.ABUSIVE: bool((triage.get("abuse") or {}).get("abusive"))}
    return any(corrections.get((message.id or 0, verdict.value), triaged)
               for verdict, triaged in read.items())


def register(bus: MessageBus) -> None:
    """Counted whether or not routing assigns by itself: pull and the picker guard too."""
    bus.on(EventKind.TRIAGE_CORRECTED, count_flagged_contact)
