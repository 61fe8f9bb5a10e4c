"""What an operator can do about a command that failed on the database, in one sentence.

A command run before `hubdesk migrate`, against a database that is not running or against the
wrong one fails deep in a query. Only then is the database asked what state it is in, so a
working command pays nothing for the diagnosis.
"""

from __future__ import annotations

from hubdesk.config import Settings


def database_problem(settings: Settings, error: BaseException) -> str | None:
    """Why a command failed with ``error`` when the cause is the database's state (not
    reachable, no schema yet, a schema behind this version), or None for any other cause."""
    from hubdesk.bootstrap import build_hub
    from hubdesk.services.ports import StoreUnavailable
    from hubdesk.store.schema_version import head_revision

    hub = build_hub(settings.model_copy(update={"triage_enabled": False}))
    where = hub.engine.url.render_as_string(hide_password=True)
    try:
        revision = hub.schema_revision()
    except StoreUnavailable as unreachable:
        return (f"{unreachable} at {where}: {driver_reason(unreachable)}; is the database "
                "running, and does HUBDESK_DATABASE_URL name it?")
    finally:
        hub.close()
    if revision is None:
        return (f"the database at {where} has no Hubdesk schema yet: create it with "
                "`hubdesk migrate` (`hubdesk serve` and `hubdesk demo` do it by themselves)")
    if revision != head_revision():
        return (f"the database at {where} has the schema of revision {revision}, older than "
                "this version's: bring it up to date with `hubdesk migrate`")
    return None


def driver_reason(error: BaseException) -> str:
    """The first line of what the database driver said (the operator's own database: no
    customer's data is quoted by a failure to connect)."""
    cause = error.__cause__
    said = str(getattr(cause, "orig", None) or cause or error).strip()
    return said.splitlines()[0] if said else type(cause).__name__
