"""Who is calling: passwords, API tokens and the local operator of the command line."""

from __future__ import annotations

import functools
import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Callable
from datetime import date, datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import NotFound, ValidationFailed
from hubdesk.domain.permissions import check_admin
from hubdesk.domain.tokens import (
    LAST_USE_PRECISION,
    TokenGrant,
    TokenRecord,
    TokenScope,
    expiry,
    last_use_due,
)
from hubdesk.services.ports import CredentialNews, UnitOfWorkFactory

log = logging.getLogger(__name__)

# The person at the server's command line is trusted like an administrator; their changes are
# recorded as made by the system.
LOCAL_OPERATOR = Agent(id=None, email="operator@localhost", name="Local operator",
                       role=Role.ADMIN)

TOKEN_PREFIX = "hd_"  # noqa: S105 - a marker, not a secret
MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verifying against a dummy hash when the e-mail is unknown keeps login timing uniform,
    so response times do not reveal which addresses have accounts. Made on first use rather
    than on import: hashing costs a tenth of a second, and every command imports this."""
    return _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(f"the password needs at least {MIN_PASSWORD_LENGTH} characters",
                               {"password": "too short"})
    return _hasher.hash(password)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def password_matches(stored_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; a missing hash costs the same time as a wrong one."""
    try:
        _hasher.verify(stored_hash or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return stored_hash is not None


def login(uows: UnitOfWorkFactory, email: str, password: str) -> Agent | None:
    """The active agent with these credentials, or None. Not throttled: entry points sign in
    through ``services.sessions.sign_in``."""
    with uows(write=False) as uow:
        agent = uow.agents.get_by_email(email)
        stored = uow.agents.password_hash(agent.id) if agent and agent.id else None
    if not password_matches(stored, password) or agent is None or not agent.active:
        return None
    return agent


def authenticate_token(uows: UnitOfWorkFactory, token: str,
                       now: datetime | None = None) -> TokenGrant | None:
    """What ``token`` lets its bearer do, or None if it is unknown, revoked, expired or its
    agent deactivated. Its use is recorded when none is or the last is ``LAST_USE_PRECISION``
    old, so a busy token costs one small write a minute, not one a call."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    now = now or utcnow()
    with uows(write=False) as uow:
        found = uow.agents.grant_for_token(hash_token(token))
    if found is None:
        return None
    grant, last_used_at = found
    if grant.expired(now) or not grant.agent.active:
        return None
    if last_use_due(last_used_at, now):
        with uows() as uow:
            uow.agents.mark_token_used(grant.token_id, now, now - LAST_USE_PRECISION)
            uow.commit()
    return grant


class TokenCache:
    """Remembers recently authenticated tokens for a few seconds.

    Every API request authenticates; without this, each would pay a transaction of its own
    before doing its work. A revoked token, a deactivated agent or a changed password, role or
    team ends the entries it concerns at once: in this process through ``forget_agent`` or
    ``forget_all``, in every other through ``news`` (each entry is trusted only while the
    news's edition is the one it was verified under). Should news be lost (this process cannot
    hear it, or the process that made the change died before announcing it), an entry still
    ends ``ttl_seconds`` after it was verified — a hit never extends one. A token's own expiry
    needs no news: each entry keeps it, and every hit checks it against the wall clock
    (``now``). ``ttl_seconds=0`` turns caching off.
    """

    def __init__(self, ttl_seconds: float, max_entries: int = 10_000,
                 clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], datetime] = utcnow,
                 news: CredentialNews | None = None) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._now = now
        self._news = news
        # token hash -> (when the entry ends, the news's edition it was verified under, grant)
        self._entries: dict[str, tuple[float, int | None, TokenGrant]] = {}
        self._lock = threading.Lock()

    def cached(self, token: str) -> TokenGrant | None:
        """The grant of ``token`` if verified within the last ``ttl`` seconds and not expired
        since, and no news of a change came since it was verified (no database read)."""
        if self.ttl <= 0:
            return None
        with self._lock:
            hit = self._entries.get(hash_token(token))
        if hit is None or hit[0] <= self._clock():
            return None
        _, edition, grant = hit
        if self._news is not None and (edition is None or edition != self._news.edition()):
            return None
        if grant.expires_at is not None and grant.expired(self._now()):
            return None
        return grant

    def authenticate(self, uows: UnitOfWorkFactory, token: str) -> TokenGrant | None:
        if self.ttl <= 0:
            return authenticate_token(uows, token, self._now())
        hit = self.cached(token)
        if hit is not None:
            return hit
        key = hash_token(token)
        now = self._clock()
        # Read before the database is: news of a change committed meanwhile ends the entry.
        edition = self._news.edition() if self._news is not None else None
        grant = authenticate_token(uows, token, self._now())
        with self._lock:
            if grant is None:
                self._entries.pop(key, None)
            else:
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
                self._entries[key] = (now + self.ttl, edition, grant)
        return grant

    def forget_agent(self, agent_id: int) -> None:
        """Drop every cached token of the agent (deactivated, or their password, role or
        teams changed), here and in every other process."""
        with self._lock:
            for key in [k for k, (*_, g) in self._entries.items() if g.agent.id == agent_id]:
                del self._entries[key]
        self._announce()

    def forget_all(self) -> None:
        """Drop every cached token, here and in every other process (a token was revoked)."""
        with self._lock:
            self._entries.clear()
        self._announce()

    def close(self) -> None:
        if self._news is not None:
            self._news.close()

    def _announce(self) -> None:
        if self._news is None:
            return
        try:
            self._news.announce()
        except Exception:  # the change is committed; entries elsewhere still end by the ttl
            log.warning("could not tell other processes that access changed; their cached "
                        "tokens end within %s s", self.ttl, exc_info=True)


def create_token(uows: UnitOfWorkFactory, actor: Agent, agent_email: str,
                 name: str = "api", *, scope: TokenScope = TokenScope.FULL,
                 expires_in_days: int | None = None, expires_on: date | None = None,
                 now: datetime | None = None) -> str:
    """Issue a token for ``agent_email``; the plain token is returned once and never stored.
    Without ``expires_in_days`` or ``expires_on`` it works until revoked."""
    now = now or utcnow()
    expires_at = expiry(now, days=expires_in_days, on=expires_on)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with uows() as uow:
        agent = uow.agents.get_by_email(agent_email)
        if agent is None or agent.id is None:
            raise NotFound(f"no agent has the e-mail {agent_email}")
        if actor.id != agent.id:
            check_admin(actor, "issuing tokens for someone else")
        uow.agents.add_token(agent.id, name[:120] or "api", hash_token(token), now,
                             scope=scope, expires_at=expires_at)
        uow.commit()
    return token


def list_tokens(uows: UnitOfWorkFactory, actor: Agent,
                agent_email: str) -> tuple[Agent, list[TokenRecord]]:
    """The agent's tokens, revoked and expired ones too; one's own, or anyone's for an
    administrator."""
    with uows(write=False) as uow:
        agent = uow.agents.get_by_email(agent_email)
        if agent is None or agent.id is None:
            raise NotFound(f"no agent has the e-mail {agent_email}")
        if actor.id != agent.id:
            check_admin(actor, "reading someone else's tokens")
        return agent, uow.agents.tokens(agent.id)


def revoke_token(uows: UnitOfWorkFactory, actor: Agent, token_id: int) -> None:
    with uows() as uow:
        owner_tokens = uow.agents.tokens(actor.id) if actor.id is not None else []
        if all(t.id != token_id for t in owner_tokens):
            check_admin(actor, "revoking someone else's token")
        if not uow.agents.revoke_token(token_id, utcnow()):
            raise NotFound(f"token {token_id} does not exist or was already revoked")
        uow.commit()
