"""Which revision the package's migrations end at, and which one a database is at, read without
alembic: the serving process checks both for readiness, and importing alembic (with Mako and
Pygments) would cost each server process several megabytes it never uses again."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from sqlalchemy import Connection, Engine, inspect, text

VERSIONS = Path(__file__).parent / "migrations" / "versions"


class MigrationsBranched(RuntimeError):
    """The scripts end in more than one head: a merge migration is missing."""


def head_revision(versions: Path = VERSIONS) -> str | None:
    revisions, parents = _revision_graph(versions)
    heads = revisions - parents
    if len(heads) > 1:
        raise MigrationsBranched(f"the migrations end in several heads: {sorted(heads)}")
    return next(iter(heads), None)


def known_revisions(versions: Path = VERSIONS) -> frozenset[str]:
    """Every revision the package's scripts define: a database at any other was migrated by
    a version of Hubdesk this one does not know."""
    return _revision_graph(versions)[0]


@cache
def _revision_graph(versions: Path) -> tuple[frozenset[str], frozenset[str]]:
    """The scripts' revisions, and the ones some script builds on. Read once: scripts cannot
    change under a running process, and a readiness probe must not spend its short budget
    parsing them."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in sorted(versions.glob("*.py")):
        names = _literal_assignments(script)
        revision = names.get("revision")
        if not isinstance(revision, str):
            continue
        revisions.add(revision)
        down = names.get("down_revision")
        downs = down if isinstance(down, tuple | list) else (down,)
        parents.update(str(parent) for parent in downs if parent)
    return frozenset(revisions), frozenset(parents)


def _literal_assignments(script: Path) -> dict[str, object]:
    """The module-level `name = <literal>` lines of a script, read without running it."""
    found: dict[str, object] = {}
    for node in ast.parse(script.read_text(encoding="utf-8"), str(script)).body:
        target, value = None, None
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        if isinstance(target, ast.Name) and value is not None:
            try:
                found[target.id] = ast.literal_eval(value)
            except (ValueError, TypeError, SyntaxError):  # not a literal: not a revision
                continue
    return found


def current_revision(connection: Connection) -> str | None:
    """The database's revision; None before the first migration (or if it is ambiguous)."""
    # alembic's own table, by its default name, which migrations/env.py keeps
    if not inspect(connection).has_table("alembic_version"):
        return None
    versions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
    found = list(versions)
    return found[0] if len(found) == 1 else None


def newer_schema(revision: str | None) -> str | None:
    """What is wrong when a database is at a revision this version's scripts do not define
    (a newer version migrated it: migrating cannot help); None otherwise."""
    if revision is None or revision in known_revisions():
        return None
    return (f"the database schema is at revision {revision}, which this version of Hubdesk "
            "does not know: a newer version migrated it")


def schema_readiness(revision: str | None) -> tuple[bool, str]:
    """Whether a database at ``revision`` can be served, and if not what to do."""
    if revision == head_revision():
        return True, "ok"
    return False, newer_schema(revision) or "database schema is behind: run `hubdesk migrate`"


def database_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return current_revision(connection)
