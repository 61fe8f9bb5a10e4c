"""Macros (domain/macros.py) as rows."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Row, delete, insert, select, update

from hubdesk.domain.macros import Macro
from hubdesk.domain.tickets import Status
from hubdesk.store import tables as t

_m = t.macros.c


def _values(macro: Macro, at: datetime) -> dict[str, Any]:
    return {"name": macro.name, "body": macro.body, "team_id": macro.team_id,
            "then_status": macro.then_status.value if macro.then_status else None,
            "add_tags": list(macro.add_tags), "updated_at": at}


def _macro(row: Row[Any]) -> Macro:
    return Macro(int(row.id), row.name, row.body, row.team_id,
                 Status(row.then_status) if row.then_status else None, tuple(row.add_tags))


class SqlMacroRepository:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def all(self) -> list[Macro]:
        rows = self.db.execute(select(t.macros).order_by(_m.name, _m.id))
        return [_macro(row) for row in rows]

    def get(self, macro_id: int) -> Macro | None:
        row = self.db.execute(select(t.macros).where(_m.id == macro_id)).first()
        return _macro(row) if row else None

    def add(self, macro: Macro, at: datetime) -> int:
        return int(self.db.execute(insert(t.macros).values(_values(macro, at))
                                   .returning(_m.id)).scalar_one())

    def save(self, macro: Macro, at: datetime) -> None:
        self.db.execute(update(t.macros).where(_m.id == macro.id).values(_values(macro, at)))

    def delete(self, macro_id: int) -> bool:
        return bool(self.db.execute(delete(t.macros).where(_m.id == macro_id)).rowcount)
