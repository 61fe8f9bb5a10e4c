"""Similar past tickets and likely duplicates, over the texts the caller provides.

The caller (a service with access to the store) passes past tickets in; this module never
reads the database. Word and character n-gram TF-IDF with cosine similarity finds rephrasings
and typos; "likely duplicate" additionally needs the same customer and an open ticket, since
two customers asking the same question is not a duplicate but a pattern.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from hubdesk.domain.triage import SimilarTicket
from hubdesk.triage.text import prepare

if TYPE_CHECKING:
    import scipy.sparse as sp

DUPLICATE_SIMILARITY = 0.75
MIN_SIMILARITY = 0.2
MAX_CHARACTERS_INDEXED = 4_000  # the opening of a ticket says what it is about


@dataclass(frozen=True)
class PastTicket:
    ticket_id: int
    text: str  # subject and first message
    customer_id: int | None = None
    is_open: bool = False
    resolution: str | None = None  # how it was solved, shown to the agent


class SimilarityIndex:
    def __init__(self, tickets: Iterable[PastTicket]) -> None:
        self.tickets: list[PastTicket] = list(tickets)
        # Loaded with the first question, not with the server: ~110 MB it may never need.
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [prepare(t.text, MAX_CHARACTERS_INDEXED).text for t in self.tickets]
        self._word = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)
        self._char = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        self._matrix: sp.csr_matrix | None = None
        if any(texts):
            self._matrix = self._fit(texts)

    def _fit(self, texts: Sequence[str]) -> sp.csr_matrix:
        import scipy.sparse as sp

        word = self._word.fit_transform(texts)
        char = self._char.fit_transform(texts)
        return _normalise(sp.hstack([word, char], format="csr"))

    def _vector(self, text: str) -> sp.csr_matrix:
        import scipy.sparse as sp

        cleaned = [prepare(text, MAX_CHARACTERS_INDEXED).text]
        joined = sp.hstack([self._word.transform(cleaned), self._char.transform(cleaned)])
        return _normalise(joined.tocsr())

    def similar(
        self,
        text: str,
        limit: int = 5,
        *,
        customer_id: int | None = None,
        exclude_ticket_id: int | None = None,
        min_similarity: float = MIN_SIMILARITY,
    ) -> list[SimilarTicket]:
        """Nearest past tickets, best first; open ones of the same customer flagged duplicate."""
        if self._matrix is None or not text:
            return []
        scores = np.asarray((self._matrix @ self._vector(text).T).todense()).ravel()
        order = np.argsort(-scores)
        found: list[SimilarTicket] = []
        for index in order:
            score = float(scores[index])
            if score < min_similarity or len(found) >= limit:
                break
            ticket = self.tickets[int(index)]
            if ticket.ticket_id == exclude_ticket_id:
                continue
            duplicate = (
                score >= DUPLICATE_SIMILARITY
                and ticket.is_open
                and customer_id is not None
                and ticket.customer_id == customer_id
            )
            found.append(
                SimilarTicket(ticket.ticket_id, round(score, 4), duplicate, ticket.resolution)
            )
        return found

    def likely_duplicates(self, text: str, customer_id: int) -> list[SimilarTicket]:
        return [
            match
            for match in self.similar(text, limit=10, customer_id=customer_id)
            if match.likely_duplicate
        ]


def _normalise(matrix: sp.csr_matrix) -> sp.csr_matrix:
    import scipy.sparse as sp

    # Two blocks, each L2-normalised: rescale so the joined row has unit length again.
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sp.csr_matrix(sp.diags(1.0 / norms) @ matrix)


class SimilarityFinder:
    """Similarity over candidates supplied per question (a customer's tickets, a queue)."""

    def similar(self, text: str, candidates: list[tuple[int, str, int | None, bool]], *,
                customer_id: int | None, exclude_ticket_id: int | None,
                limit: int) -> list[SimilarTicket]:
        try:
            index = SimilarityIndex(PastTicket(ticket_id, body, owner, is_open)
                                    for ticket_id, body, owner, is_open in candidates)
            return index.similar(text, limit, customer_id=customer_id,
                                 exclude_ticket_id=exclude_ticket_id)
        except ValueError:  # texts with no words at all (symbols, emoji): nothing to compare
            return []
