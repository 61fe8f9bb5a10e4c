"""Errors the domain and the services raise; entry points translate them to their medium."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the business was broken; the message says which and what to do.

    ``status`` is the HTTP status every entry point answers it with (the API, the console),
    kept here so that the mapping is made once, beside the errors it maps.
    """

    status = 422


class IllegalTransition(DomainError):
    """A ticket was asked to move to a status its lifecycle does not allow."""

    status = 409


class NotFound(DomainError):
    """The thing does not exist, or the actor may not know that it exists."""

    status = 404


class PermissionDenied(DomainError):
    """The actor may see the thing but may not do this to it."""

    status = 403


class Conflict(DomainError):
    """The request contradicts the current state (a duplicate, a reused key, a stale merge)."""

    status = 409


class ValidationFailed(DomainError):
    """Input passed the schema but breaks a business rule; ``fields`` names the culprits."""

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.fields = fields or {}


class TooManyAttempts(DomainError):
    """Too many failed sign-ins; ``retry_after`` is how many seconds until the next try counts.

    Entry points send it as the ``Retry-After`` header.
    """

    status = 429

    def __init__(self, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)
        minutes = -(-self.retry_after // 60)
        wait = f"{minutes} minute{'s' if minutes != 1 else ''}" if self.retry_after >= 60 \
            else f"{self.retry_after} seconds"
        super().__init__(f"too many attempts; try again in {wait}")


class Busy(DomainError):
    """The caller already has as many costly requests under way as one caller may; another
    is refused rather than queued, so one caller cannot hold the desk's workers.
    ``retry_after``: seconds to wait, sent as the ``Retry-After`` header."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        self.retry_after = max(1, retry_after)
        super().__init__(message)
