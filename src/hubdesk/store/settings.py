"""The desk's settings kept read between transactions, for as long as the database says they
have not changed.

Every ticket change consults the rules, the routing configuration and the SLA policies with
their calendars; reading and parsing them each time was a good share of what filing a message
or opening a ticket asked of the database. The database keeps a token that its own triggers
replace whenever one of those tables is written (migration 0027), so one small read per
transaction tells whether what a process holds is still what is stored. A change of any
setting is seen by the next transaction that starts after it commits, exactly as without the
memory; one transaction sees the settings as of its first look at the token, and again after
it writes a setting itself.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from threading import Lock
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, Label, select

from hubdesk.store import tables as t

T = TypeVar("T")
_UNREAD = object()
# Tokens whose values are kept: the one committed, and one or two seen by transactions that
# changed a setting and have not committed (or rolled back) yet.
_TOKENS_KEPT = 4


def token_column() -> Label[Any]:
    """The settings' token as a column any statement can carry (`SqlSettings.seen`)."""
    return (select(t.settings_versions.c.token).where(t.settings_versions.c.id == 1)
            .scalar_subquery().label("settings_token"))


class RememberedSettings:
    """What one process holds: values per settings token, shared by its threads. Values are
    handed to every transaction as they are, so only immutable values (or values no caller
    changes) belong here."""

    def __init__(self) -> None:
        self._lock = Lock()
        self._by_token: OrderedDict[int, dict[str, Any]] = OrderedDict()

    def recall(self, token: int, key: str) -> Any:
        with self._lock:
            return self._by_token.get(token, {}).get(key, _UNREAD)

    def keep(self, token: int, key: str, value: Any) -> None:
        with self._lock:
            values = self._by_token.setdefault(token, {})
            self._by_token.move_to_end(token)
            values[key] = value
            while len(self._by_token) > _TOKENS_KEPT:
                self._by_token.popitem(last=False)


_READ_TOKEN = select(t.settings_versions.c.token).where(t.settings_versions.c.id == 1)


class SqlSettings:
    """One transaction's view of the remembered settings: the token is read once, at the
    first setting asked for, and again after the transaction writes a setting."""

    def __init__(self, connection: Connection, memory: RememberedSettings) -> None:
        self.db = connection
        self._memory = memory
        self._token: object = _UNREAD

    def remembered(self, key: str, load: Callable[[], T]) -> T:
        """The value of ``key`` for the stored settings: remembered, or ``load()``-ed (in this
        transaction) and remembered."""
        token = self._current_token()
        if token is None:  # no token row (a database being emptied): nothing is kept
            return load()
        found = self._memory.recall(token, key)
        if found is not _UNREAD:
            return cast(T, found)
        value = load()
        self._memory.keep(token, key, value)
        return value

    def seen(self, token: int | None) -> None:
        """The token, read by one of this transaction's own statements beside what it was
        reading (see `token_column`): kept if the transaction had not looked yet, which saves
        the round trip of reading it apart."""
        if self._token is _UNREAD:
            self._token = token

    def changed(self) -> None:
        """This transaction wrote a setting: its triggers replaced the token, read it again."""
        self._token = _UNREAD

    def _current_token(self) -> int | None:
        if self._token is _UNREAD:
            self._token = self.db.execute(_READ_TOKEN).scalar()
        return cast(int | None, self._token)
