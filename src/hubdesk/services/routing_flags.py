"""An agent's flag on a customer's message ("Mark difficult", "Mark abusive": a correction of
triage, `services/feedback.py`) counts for wellbeing as triage's own reading does.

Wellbeing counts the difficult contacts routed to each agent from the stored decisions
(`RoutingRepository.difficult_since`). A contact first read as calm and flagged later is
counted once, for whoever holds the ticket then, by a decision of mode ``flagged``; an
unassigned one is counted for the agent it is routed to, as difficult. A correction the
other way ("Not difficult") makes routing treat the ticket as calm from then on; contacts
already counted stay counted, as the agent did handle them.
"""

from __future__ import annotations

from hubdesk.domain.events import EventKind, TicketEvent
from hubdesk.domain.routing import instant
from hubdesk.domain.triage import Verdict
from hubdesk.services.messagebus import EventContext, MessageBus
from hubdesk.services.routing_records import TicketRoutingState

FLAGGED = "flagged"  # the mode of the decision that counts a flagged contact


def count_flagged_contact(event: TicketEvent, context: EventContext) -> None:
    ticket, uow = context.ticket, context.uow
    if ticket.id is None or event.data.get("verdict") not in (Verdict.DIFFICULT,
                                                                Verdict.ABUSIVE):
        return
    difficult = bool(event.data.get("value"))
    state = uow.routing.ticket_state(ticket.id)
    if (state.difficult if state is not None else False) == difficult:
        return  # read so already (and counted, if it was routed as difficult)
    state = state or TicketRoutingState(ticket.id)
    state.difficult = difficult
    uow.routing.put_ticket_state(state, event.at)
    if difficult and ticket.assignee_id is not None:
        uow.routing.add_decision(
            ticket.id, ticket.assignee_id, FLAGGED, True,
            {"ticket_id": ticket.id, "agent_id": ticket.assignee_id, "mode": FLAGGED,
             "flagged_by": event.actor.id, "verdict": event.data.get("verdict"),
             "decided_at": instant(event.at)}, event.at)


def register(bus: MessageBus) -> None:
    """Counted whether or not routing assigns by itself: pull and the picker guard too."""
    bus.on(EventKind.TRIAGE_CORRECTED, count_flagged_contact)
