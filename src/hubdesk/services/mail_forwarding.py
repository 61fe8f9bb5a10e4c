"""A customer's e-mail an agent forwards to a support address opens the customer's ticket.

Agents forward what reached them personally (a customer who wrote to their sales contact).
Filed as it came, the ticket would be the agent's own, and every answer would go back to the
agent. When the sender is one of the desk's active agents and the message forwards another
(`domain/forwarding.py`), the ticket is opened for the forwarded message's sender, with the
forwarded message as its first message and its subject, and what the agent wrote above it
becomes the agent's internal note. A forward of a colleague's or of the desk's own mail, or
one in a thread the desk already has, is filed as any other message; so is one whose
receiving server found its sender forged (`domain/mail_rules.py`
`sender_failed_authentication`), as anyone can write an agent's address in a From.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from hubdesk.domain.agents import Agent
from hubdesk.domain.events import Actor
from hubdesk.domain.forwarding import forwarded
from hubdesk.domain.mail import ParsedMail
from hubdesk.domain.mail_rules import MailRouting, bare_subject, sender_failed_authentication
from hubdesk.domain.messages import Message
from hubdesk.domain.tickets import Ticket
from hubdesk.services.intake import IntakeTools, ReadText, read_agent_text
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory
from hubdesk.services.tickets import write_agent_message


@dataclass(frozen=True)
class Forward:
    mail: ParsedMail  # the forwarded message, as its sender's
    customer: tuple[str, str | None]  # its sender's address and name
    agent: Agent
    note: ReadText | None  # what the agent wrote above it, masked


def forward_by_agent(uows: UnitOfWorkFactory, tools: IntakeTools, routing: MailRouting,
                     mail: ParsedMail) -> Forward | None:
    """The customer's message ``mail`` forwards, when one of the desk's agents sent it."""
    found = forwarded(mail.text, mail.subject) if mail.from_address else None
    if found is None or found.address in routing.support \
            or sender_failed_authentication(mail.signals):
        return None  # a forged agent's forward would open tickets and write notes as them
    with uows(write=False) as uow:
        agent = uow.agents.get_by_email(mail.from_address or "")
        if agent is None or not agent.active or agent.id is None \
                or uow.agents.get_by_email(found.address) is not None \
                or uow.mail.ticket_for_message_ids(mail.thread_ids()) is not None:
            return None  # not an agent's, a colleague's message, or a ticket's own thread
    customer_mail = replace(mail, text=found.text, html=None,
                            subject=found.subject or bare_subject(mail.subject))
    note = read_agent_text(tools, found.note) if found.note else None
    return Forward(customer_mail, (found.address, found.name), agent, note)


def add_forwarders_note(uow: UnitOfWork, ticket: Ticket, forward: Forward,
                        at: datetime) -> None:
    """The forwarding agent's words, kept on ``ticket`` as their internal note."""
    if forward.note is None or ticket.id is None or forward.agent.id is None:
        return
    note = Message(id=None, ticket_id=ticket.id, author=Actor.agent(forward.agent.id),
                   body=forward.note.body, created_at=at, public=False,
                   sealed_body=forward.note.sealed_original)
    write_agent_message(uow, forward.agent, ticket, note, at)
