"""Console sessions that end when they should: at sign-out, at a password change, at
deactivation, and everywhere at once on request. Sign-in is throttled (domain/throttling.py).

The cookie carries a random session id; the database keeps only its SHA-256, so the session
is found with one lookup on a unique index and ends the moment its row is revoked.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from hubdesk.domain.agents import Agent
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import NotFound, TooManyAttempts, ValidationFailed
from hubdesk.domain.permissions import check_account_change, check_may_sign_out
from hubdesk.domain.throttling import DEFAULT_THROTTLE, ThrottlePolicy
from hubdesk.services.auth import hash_password, hash_token, login
from hubdesk.services.ports import UnitOfWork, UnitOfWorkFactory

# Writing last_seen on every page view would turn every read into a write.
TOUCH_INTERVAL = timedelta(minutes=1)


@dataclass(frozen=True)
class SignedIn:
    agent: Agent
    session_token: str  # goes into the cookie; never stored


def _throttle(uow: UnitOfWork, policy: ThrottlePolicy, email: str, address: str,
              now: datetime) -> int:
    since = now - policy.window
    return policy.retry_after(
        account=uow.sign_ins.account_failures(email, since),
        address=uow.sign_ins.address_failures(address, since),
        address_trusted=uow.sign_ins.has_succeeded(email, address, now - policy.trusted_for),
        now=now)


def _verified(uows: UnitOfWorkFactory, email: str, password: str, address: str,
              policy: ThrottlePolicy) -> tuple[Agent | None, int]:
    """The agent if the password is right, and the id of the attempt recorded.

    Raises TooManyAttempts while throttled, before the password is even checked. The attempt
    is recorded as a failure before the (slow) password check and corrected on success, so
    parallel guesses count as soon as they start.
    """
    now = utcnow()
    with uows() as uow:
        wait = _throttle(uow, policy, email, address, now)
        if wait:
            raise TooManyAttempts(wait)
        attempt_id = uow.sign_ins.record(email, address, False, now)
        uow.commit()
    return login(uows, email, password), attempt_id


def sign_in(uows: UnitOfWorkFactory, email: str, password: str, *, address: str,
            user_agent: str, lifetime: timedelta,
            policy: ThrottlePolicy = DEFAULT_THROTTLE) -> SignedIn | None:
    """A new session for the agent, or None if the e-mail and password do not match an
    active account. Raises TooManyAttempts while throttled (see domain/throttling.py)."""
    email = email.strip().lower()
    agent, attempt_id = _verified(uows, email, password, address, policy)
    if agent is None or agent.id is None:
        return None
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with uows() as uow:
        uow.sign_ins.mark_succeeded(attempt_id)
        uow.sessions.add(agent.id, hash_token(token), user_agent, now, now + lifetime)
        uow.sign_ins.forget_before(now - max(policy.window, policy.trusted_for))
        uow.commit()
    return SignedIn(agent, token)


def session_agent(uows: UnitOfWorkFactory, session_token: str) -> Agent | None:
    """The active agent of a live session, or None (revoked, expired, unknown, inactive)."""
    seat = _seat(uows, session_token, with_presence=False)
    return seat.agent if seat is not None else None


@dataclass(frozen=True)
class ConsoleSeat:
    """Who is signed in to the console, and what every page's header shows of their work:
    their presence, None when they have no routing profile (so take no work from routing)."""

    agent: Agent
    presence: str | None


def console_seat(uows: UnitOfWorkFactory, session_token: str) -> ConsoleSeat | None:
    """`session_agent` and the agent's presence, read in the same unit of work, so a page's
    header costs no unit of work of its own."""
    return _seat(uows, session_token, with_presence=True)


def _seat(uows: UnitOfWorkFactory, session_token: str, *,
          with_presence: bool) -> ConsoleSeat | None:
    now = utcnow()
    presence = None
    with uows(write=False) as uow:
        found = uow.sessions.live(hash_token(session_token), now)
        agent = uow.agents.get(found[1]) if found else None
        if found is None or agent is None or not agent.active:
            return None
        if with_presence and agent.id is not None:
            presence = uow.routing.presence_of(agent.id)
    if now - found[2] >= TOUCH_INTERVAL:
        with uows() as uow:
            uow.sessions.touch(found[0], now)
            uow.commit()
    return ConsoleSeat(agent, presence)


def sign_out(uows: UnitOfWorkFactory, session_token: str) -> None:
    with uows() as uow:
        uow.sessions.revoke(hash_token(session_token), utcnow())
        uow.commit()


def sign_out_everywhere(uows: UnitOfWorkFactory, actor: Agent) -> int:
    """End every console session of ``actor``; returns how many were live."""
    if actor.id is None:
        return 0
    with uows() as uow:
        ended = uow.sessions.revoke_all(actor.id, utcnow())
        uow.commit()
    return ended


@dataclass(frozen=True)
class SignedOut:
    agent: Agent
    ended: int  # how many sessions were live


def sign_agent_out_everywhere(uows: UnitOfWorkFactory, actor: Agent,
                              agent_id: int) -> SignedOut:
    """End every console session of another agent at once (a lost laptop, a password seen
    over a shoulder), leaving their account as it is."""
    with uows() as uow:
        target = uow.agents.get(agent_id)
        if target is None or target.id is None:
            raise NotFound(f"agent {agent_id} was not found")
        check_may_sign_out(actor, target)
        ended = uow.sessions.revoke_all(target.id, utcnow())
        uow.commit()
    return SignedOut(target, ended)


def live_sessions(uows: UnitOfWorkFactory, actor: Agent) -> list[dict[str, Any]]:
    if actor.id is None:
        return []
    with uows(write=False) as uow:
        return uow.sessions.live_for(actor.id, utcnow())


def change_own_password(uows: UnitOfWorkFactory, actor: Agent, current: str, new: str, *,
                        address: str, keep_session: str | None = None,
                        policy: ThrottlePolicy = DEFAULT_THROTTLE) -> int:
    """Set ``actor``'s password after checking the current one (throttled like a sign-in, so
    a stolen token cannot guess it); every other session of theirs ends (the one named by
    ``keep_session`` stays). Returns how many sessions ended."""
    if actor.id is None:
        raise NotFound("the local operator has no password")
    new_hash = hash_password(new)
    agent, attempt_id = _verified(uows, actor.email, current, address, policy)
    if agent is None or agent.id != actor.id:
        raise ValidationFailed("the current password is not right",
                               {"current_password": "does not match"})
    with uows() as uow:
        uow.sign_ins.mark_succeeded(attempt_id)
        fresh = uow.agents.get(agent.id)  # saved whole: must not undo a concurrent change
        if fresh is None or not fresh.active:
            raise NotFound("your account was not found or is deactivated")
        check_account_change(actor, fresh, frozenset({"password"}),
                             current_password_checked=True)
        uow.agents.save(fresh, new_hash)
        ended = uow.sessions.revoke_all(
            agent.id, utcnow(), except_hash=hash_token(keep_session) if keep_session else None)
        uow.commit()
    return ended
