"""Console sessions and sign-in attempts in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, exists, func, insert, select, update

from hubdesk.domain.throttling import FailureCount
from hubdesk.store import tables as t

_s = t.agent_sessions
_a = t.sign_in_attempts


class SqlSessionRepository:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def add(self, agent_id: int, token_hash: str, user_agent: str, at: datetime,
            expires_at: datetime) -> int:
        result = self.db.execute(insert(_s).values(
            agent_id=agent_id, token_hash=token_hash, user_agent=user_agent[:120],
            created_at=at, last_seen_at=at, expires_at=expires_at).returning(_s.c.id))
        return int(result.scalar_one())

    def live(self, token_hash: str, now: datetime) -> tuple[int, int, datetime] | None:
        # One lookup on the unique index of token_hash.
        row = self.db.execute(select(_s.c.id, _s.c.agent_id, _s.c.last_seen_at).where(
            _s.c.token_hash == token_hash, _s.c.revoked_at.is_(None),
            _s.c.expires_at > now)).first()
        return (int(row.id), int(row.agent_id), row.last_seen_at) if row else None

    def touch(self, session_id: int, at: datetime) -> None:
        self.db.execute(update(_s).where(_s.c.id == session_id).values(last_seen_at=at))

    def revoke(self, token_hash: str, at: datetime) -> bool:
        result = self.db.execute(update(_s).where(
            _s.c.token_hash == token_hash, _s.c.revoked_at.is_(None)).values(revoked_at=at))
        return result.rowcount > 0

    def revoke_all(self, agent_id: int, at: datetime, *,
                   except_hash: str | None = None) -> int:
        condition = [_s.c.agent_id == agent_id, _s.c.revoked_at.is_(None)]
        if except_hash is not None:
            condition.append(_s.c.token_hash != except_hash)
        result = self.db.execute(update(_s).where(*condition).values(revoked_at=at))
        return int(result.rowcount)

    def live_for(self, agent_id: int, now: datetime) -> list[dict[str, Any]]:
        rows = self.db.execute(
            select(_s.c.id, _s.c.created_at, _s.c.last_seen_at, _s.c.expires_at,
                   _s.c.user_agent)
            .where(_s.c.agent_id == agent_id, _s.c.revoked_at.is_(None),
                   _s.c.expires_at > now)
            .order_by(_s.c.last_seen_at.desc())).all()
        return [dict(r._mapping) for r in rows]


class SqlSignInAttempts:
    def __init__(self, connection: Connection) -> None:
        self.db = connection

    def record(self, email: str, address: str, succeeded: bool, at: datetime) -> int:
        result = self.db.execute(insert(_a).values(
            email=email[:320], address=address[:64], succeeded=succeeded, at=at)
            .returning(_a.c.id))
        return int(result.scalar_one())

    def mark_succeeded(self, attempt_id: int) -> None:
        self.db.execute(update(_a).where(_a.c.id == attempt_id).values(succeeded=True))

    def account_failures(self, email: str, since: datetime) -> FailureCount:
        last_success = select(func.max(_a.c.at)).where(
            _a.c.email == email, _a.c.succeeded.is_(True)).scalar_subquery()
        row = self.db.execute(select(func.count(), func.max(_a.c.at)).where(
            _a.c.email == email, _a.c.succeeded.is_(False), _a.c.at > since,
            _a.c.at > func.coalesce(last_success, since))).one()
        return FailureCount(int(row[0]), row[1])

    def address_failures(self, address: str, since: datetime) -> FailureCount:
        row = self.db.execute(select(func.count(), func.max(_a.c.at)).where(
            _a.c.address == address, _a.c.succeeded.is_(False), _a.c.at > since)).one()
        return FailureCount(int(row[0]), row[1])

    def has_succeeded(self, email: str, address: str, since: datetime) -> bool:
        return bool(self.db.execute(select(exists().where(
            _a.c.email == email, _a.c.address == address, _a.c.succeeded.is_(True),
            _a.c.at > since))).scalar())

    def forget_before(self, at: datetime) -> int:
        return int(self.db.execute(delete(_a).where(_a.c.at < at)).rowcount)
