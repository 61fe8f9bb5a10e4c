"""An automation rule's "hand off" action, carried out.

The rule engine records ``handoff_requested`` on the ticket (`domain/rules/actions.py`); this
handler opens the handoff in the same transaction, through the same step a person's handoff
takes (`services/handoffs.py` `open_on`): the department's OLA sets its deadline and ladder,
and ``handoff_opened`` is recorded by the system. The rule's author is recorded as the one who
asked, so that the department's answer has someone to come back to when the ticket has no
assignee.

A rule may fire again while its earlier handoff is still being worked (an event rule fires on
every matching change): a handoff to the same department that is not finished yet is that
request already, so none is opened twice. What cannot be done (the department is gone, the
rule's author is gone, the ticket is closed) is said in an internal note on the ticket and
never fails the change that set the rule off.
"""

from __future__ import annotations

from hubdesk.domain.errors import DomainError
from hubdesk.domain.events import Actor, EventKind, TicketEvent
from hubdesk.domain.messages import Message
from hubdesk.services.handoffs import NewHandoff, open_on
from hubdesk.services.messagebus import EventContext, MessageBus


def open_requested_handoff(event: TicketEvent, context: EventContext) -> None:
    uow, ticket = context.uow, context.ticket
    assert ticket.id is not None  # registered with on_stored
    department_id = int(event.data["department_id"])
    rule_name = str(event.data.get("rule") or f"#{event.data.get('rule_id')}")
    if any(h.department_id == department_id and not h.is_final
           for h in uow.handoffs.for_ticket(ticket.id)):
        return
    requested_by = uow.rules.author(int(event.data["rule_id"]))
    try:
        if requested_by is None:
            raise DomainError("the rule's author no longer exists; save the rule again")
        note = str(event.data.get("note") or "")
        open_on(uow, ticket, NewHandoff(department_id, note or f"Handed off by the rule "
                                                                f"“{rule_name}”."),
                requested_by_id=requested_by, author=Actor.system(), at=event.at)
    except DomainError as error:
        _note_failure(context, event, rule_name, department_id, str(error))


def _note_failure(context: EventContext, event: TicketEvent, rule_name: str,
                  department_id: int, reason: str) -> None:
    uow, ticket = context.uow, context.ticket
    assert ticket.id is not None
    department = uow.structure.get_department(department_id)
    name = department.name if department else f"department #{department_id}"
    message = Message(id=None, ticket_id=ticket.id, author=Actor.system(), public=False,
                      created_at=event.at,
                      body=f"The rule “{rule_name}” could not hand this ticket off to {name}: "
                           f"{reason}")
    uow.tickets.add_message(message)
    ticket.record(Actor.system(), EventKind.NOTED, event.at,
                  data={"message_id": message.id, "rule_id": event.data.get("rule_id"),
                        "handoff_failed": {"department_id": department_id, "reason": reason}})


def register(bus: MessageBus) -> None:
    bus.on_stored(EventKind.HANDOFF_REQUESTED, open_requested_handoff)
