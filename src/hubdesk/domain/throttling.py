"""How failed sign-ins slow further attempts down.

Two counters are kept: failures against an account (since its last successful sign-in) and
failures from a client address (whatever account they aimed at, so one address cannot try many
accounts). Each allows a few failures without a wait; from then on every failure doubles the
wait before the next attempt counts, up to ``max_lock``. Nothing is locked forever: the wait is
measured from the most recent failure, and an attempt refused while locked is not recorded, so
hammering a locked account does not extend its lock.

An attacker guessing from elsewhere could still keep an account's counter high. So the lock on
an account does not apply to an address that has signed in to that account successfully within
``trusted_for`` — the person keeps signing in from where they usually do, while the attacker's
own address is slowed by its own counter. Such an address is still bound by its address counter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class FailureCount:
    """Failures counted in the policy's window, and when the latest happened."""

    count: int = 0
    latest: datetime | None = None


@dataclass(frozen=True)
class ThrottlePolicy:
    free_account_failures: int = 5
    free_address_failures: int = 20
    first_delay: timedelta = timedelta(seconds=30)
    max_lock: timedelta = timedelta(minutes=15)
    window: timedelta = timedelta(hours=1)
    trusted_for: timedelta = timedelta(days=30)

    def delay(self, failures: int, free: int) -> timedelta:
        """The wait after ``failures`` failures: none before ``free`` of them, then
        ``first_delay``, doubling with each further failure."""
        excess = failures - free
        if excess < 0:
            return timedelta(0)
        # Capping the exponent keeps the arithmetic small however many failures were stored.
        doubled: timedelta = self.first_delay * (2 ** min(excess, 20))
        return min(doubled, self.max_lock)

    def wait(self, failures: FailureCount, free: int, now: datetime) -> int:
        """Seconds left before another attempt is allowed under one counter (0 = now)."""
        if failures.latest is None:
            return 0
        until = failures.latest + self.delay(failures.count, free)
        return max(0, int((until - now).total_seconds() + 0.999))

    def retry_after(self, *, account: FailureCount, address: FailureCount,
                    address_trusted: bool, now: datetime) -> int:
        """Seconds the caller must wait before this sign-in is even checked (0 = go ahead)."""
        by_address = self.wait(address, self.free_address_failures, now)
        by_account = 0 if address_trusted else self.wait(account, self.free_account_failures,
                                                         now)
        return max(by_address, by_account)


DEFAULT_THROTTLE = ThrottlePolicy()
