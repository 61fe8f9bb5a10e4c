"""How was this solved before? Past solved tickets like the one at hand, with their answers.

The text index proposes candidates (solved or closed tickets the agent may see that share the
ticket's distinctive words, best ranked first); the similarity finder then compares whole
openings, so a ticket about a "refund for a double charge" finds one about "charged twice,
want my money back" and not every ticket that says "please".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hubdesk.domain.agents import Agent
from hubdesk.domain.permissions import TicketAction, ticket_scope
from hubdesk.domain.tickets import Ticket
from hubdesk.services.ports import SimilarityFinder, UnitOfWork, UnitOfWorkFactory
from hubdesk.services.tickets import load_for

CANDIDATES = 40
MAX_RESOLUTION_CHARACTERS = 600
MAX_QUERY_WORDS = 16
_WORD = re.compile(r"[^\W\d_]{3,}", re.UNICODE)
# Words every ticket uses say nothing about what it is about (English, German, French,
# Spanish: the languages a desk most often starts with; others simply pass more words).
_COMMON = frozenset(str.split("""
the and for you your are was were have has had this that with from not but can could would
should will just please hello thanks thank regards dear team support help need want get got
been what when where which there their they them then than also any some our out about into
all one two how why who its it's more very much still yet again like know let now today
der die das und ist nicht ich sie wir ein eine mit auf für bitte danke hallo den dem des
les des une est pas pour avec vous nous sur dans que qui merci bonjour
los las del por con para una que muy gracias hola
"""))


@dataclass(frozen=True)
class SolvedExample:
    ticket_id: int
    subject: str
    similarity: float
    resolution: str  # the last public answer, shortened


def distinctive_words(text: str) -> list[str]:
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if word not in _COMMON:
            seen.setdefault(word, None)
        if len(seen) == MAX_QUERY_WORDS:
            break
    return list(seen)


def solved_like(uows: UnitOfWorkFactory, finder: SimilarityFinder | None, actor: Agent,
                ticket_id: int, *, limit: int = 5) -> list[SolvedExample]:
    """Solved tickets most like ``ticket_id``, best first, with how each was answered."""
    with uows(write=False) as uow:
        ticket = load_for(uow, actor, ticket_id, TicketAction.VIEW, for_update=False)
        return solved_before(uow, finder, actor, ticket, limit=limit)


def solved_before(uow: UnitOfWork, finder: SimilarityFinder | None, actor: Agent,
                  ticket: Ticket, *, limit: int = 5) -> list[SolvedExample]:
    if finder is None:  # a server without triage: nothing to compare with
        return []
    assert ticket.id is not None
    opening = uow.tickets.opening_texts([ticket.id]).get(ticket.id, ticket.subject)
    ids = [i for i in uow.tickets.resolved_like(ticket_scope(actor),
                                                 distinctive_words(opening), CANDIDATES)
           if i != ticket.id]
    answers = uow.tickets.resolutions(ids) if ids else {}
    # Only tickets someone answered in writing can show how it was solved (this also leaves
    # out contacts held from blocked senders, solved without a word).
    ids = [i for i in ids if i in answers]
    if not ids:
        return []
    texts = uow.tickets.opening_texts(ids)
    found = finder.similar(opening, [(i, texts.get(i, ""), None, False) for i in ids],
                           customer_id=None, exclude_ticket_id=ticket.id, limit=limit)
    return [SolvedExample(match.ticket_id, texts.get(match.ticket_id, "").split("\n", 1)[0],
                          match.score, _shorten(answers[match.ticket_id]))
            for match in found]


def _shorten(text: str) -> str:
    flat = " ".join(text.split())
    if len(flat) <= MAX_RESOLUTION_CHARACTERS:
        return flat
    return flat[:MAX_RESOLUTION_CHARACTERS].rsplit(" ", 1)[0] + " …"
