"""Full-text search behind one interface: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

User input is reduced to word tokens before it reaches either engine, so no query syntax
(quotes, NEAR, colons, operators) can break or widen a search.
"""

from __future__ import annotations

import re

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    TextClause,
    func,
    literal,
    select,
    text,
    update,
)

from hubdesk.store.tables import search_documents, tickets

MAX_TERMS = 8
# Up to this many matching tickets are fetched by the text index first and then ordered;
# beyond it matches are dense, and walking the recency index while testing each ticket
# finds a page sooner. Either way the cost is bounded, whatever the word.
SPARSE_MATCH_LIMIT = 2000
_TOKEN = re.compile(r"\w+", re.UNICODE)


def search_terms(query: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(query)][:MAX_TERMS]


def _matching_documents(dialect_name: str, terms: list[str]) -> TextClause:
    """Ids of tickets with a document containing every term, the last one as a prefix."""
    if dialect_name == "sqlite":
        fts_query = " ".join(f'"{t}"' for t in terms[:-1]) + f' "{terms[-1]}"*'
        return text(
            "SELECT ticket_id FROM search_documents WHERE id IN "
            "(SELECT rowid FROM search_fts WHERE search_fts MATCH :fts)"
        ).bindparams(fts=fts_query.strip())
    ts_query = " & ".join([*terms[:-1], f"{terms[-1]}:*"])
    return text(
        "SELECT ticket_id FROM search_documents WHERE document @@ to_tsquery('simple', :tsq)"
    ).bindparams(tsq=ts_query)


def retitle(connection: Connection, ticket_id: int, old_subject: str, new_subject: str) -> None:
    """Index a ticket under its new subject, and no longer under the old one.

    A ticket's opening document starts with its subject on a line of its own (the rest, who
    wrote and what, stays as it is); documents merged in from other tickets start with theirs
    and keep it.
    """
    documents = search_documents
    opening = old_subject + "\n"
    connection.execute(
        update(documents)
        .where(documents.c.ticket_id == ticket_id,
               func.substr(documents.c.content, 1, len(opening)) == opening)
        .values(content=literal(new_subject + "\n")
                + func.substr(documents.c.content, len(opening) + 1)))


def matches_text(connection: Connection, query: str) -> ColumnElement[bool] | None:
    """A condition on ``tickets.id`` selecting the tickets whose text matches ``query``."""
    terms = search_terms(query)
    if not terms:
        return None
    documents = _matching_documents(connection.dialect.name, terms)
    probe: Select[tuple[int]] = select(documents.columns(
        search_documents.c.ticket_id).subquery().c.ticket_id).limit(SPARSE_MATCH_LIMIT + 1)
    found = set(connection.execute(probe).scalars())
    if len(found) <= SPARSE_MATCH_LIMIT:
        return tickets.c.id.in_(sorted(found))
    return tickets.c.id.in_(documents.columns(search_documents.c.ticket_id))


# Past tickets that resemble a text: the newest documents sharing any of its words are ranked
# by the engine's own relevance (bm25 / ts_rank). Ranking every match of a common word over
# millions of documents would be unbounded, so only the newest matches are ranked.
RELATED_MATCHES_RANKED = 2000
MAX_RELATED_TERMS = 16


def related_tickets(connection: Connection, terms: list[str], limit: int) -> list[int]:
    """Ids of tickets whose documents share any of ``terms``, most relevant first."""
    words = list(dict.fromkeys(t.lower() for t in terms if _TOKEN.fullmatch(t)))
    words = words[:MAX_RELATED_TERMS]
    if not words:
        return []
    if connection.dialect.name == "sqlite":
        statement = text(
            "SELECT d.ticket_id FROM (SELECT rowid AS id, rank FROM search_fts "
            "WHERE search_fts MATCH :fts ORDER BY rowid DESC LIMIT :ranked) AS m "
            "JOIN search_documents AS d ON d.id = m.id ORDER BY m.rank LIMIT :limit"
        ).bindparams(fts=" OR ".join(f'"{w}"' for w in words))
    else:
        statement = text(
            "SELECT m.ticket_id FROM (SELECT ticket_id, document FROM search_documents "
            "WHERE document @@ to_tsquery('simple', :tsq) ORDER BY id DESC LIMIT :ranked) AS m "
            "ORDER BY ts_rank(m.document, to_tsquery('simple', :tsq)) DESC LIMIT :limit"
        ).bindparams(tsq=" | ".join(words))
    rows = connection.execute(statement, {"ranked": RELATED_MATCHES_RANKED, "limit": limit * 4})
    return list(dict.fromkeys(int(ticket_id) for ticket_id in rows.scalars()))[:limit]
