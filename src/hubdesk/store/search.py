"""Full-text search behind one function: FTS5 on SQLite, tsvector + GIN on PostgreSQL.

User input is reduced to word tokens before it reaches either engine, so no query syntax
(quotes, NEAR, colons, operators) can break or widen a search.
"""

from __future__ import annotations

import re

from sqlalchemy import ColumnElement, Dialect, select, text

from hubdesk.store.tables import search_documents, tickets

MAX_TERMS = 8
_TOKEN = re.compile(r"\w+", re.UNICODE)


def search_terms(query: str) -> list[str]:
    return [t.lower() for t in _TOKEN.findall(query)][:MAX_TERMS]


def matches_text(dialect: Dialect, query: str) -> ColumnElement[bool] | None:
    """A condition on ``tickets.id``: the ticket has a document containing every term.

    The last term matches as a prefix, so results appear while someone is still typing.
    """
    terms = search_terms(query)
    if not terms:
        return None
    if dialect.name == "sqlite":
        fts_query = " ".join(f'"{t}"' for t in terms[:-1]) + f' "{terms[-1]}"*'
        hits = text("SELECT rowid FROM search_fts WHERE search_fts MATCH :fts").bindparams(
            fts=fts_query.strip())
    else:
        ts_query = " & ".join([*terms[:-1], f"{terms[-1]}:*"])
        hits = text(
            "SELECT id FROM search_documents WHERE document @@ to_tsquery('simple', :tsq)"
        ).bindparams(tsq=ts_query)
    documents = select(search_documents.c.ticket_id).where(
        search_documents.c.id.in_(hits.columns(search_documents.c.id)))
    return tickets.c.id.in_(documents)
