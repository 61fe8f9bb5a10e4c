"""The schema's revision, read without alembic, agrees with alembic's on both databases."""

from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

from hubdesk.store.migrate import MIGRATIONS, downgrade, upgrade
from hubdesk.store.schema_version import (
    MigrationsBranched,
    current_revision,
    database_revision,
    head_revision,
    known_revisions,
    schema_readiness,
)


def test_the_head_is_the_one_alembic_finds():
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))

    assert head_revision() == ScriptDirectory.from_config(config).get_current_head()


def test_a_database_is_current_only_at_the_head(unmigrated_engine):
    with unmigrated_engine.connect() as connection:
        assert current_revision(connection) is None
    assert database_revision(unmigrated_engine) != head_revision()

    upgrade(unmigrated_engine, "0029_handoff_ladders")
    with unmigrated_engine.connect() as connection:
        assert current_revision(connection) == "0029_handoff_ladders"
    assert database_revision(unmigrated_engine) != head_revision()

    upgrade(unmigrated_engine)
    assert database_revision(unmigrated_engine) == head_revision()
    downgrade(unmigrated_engine, "0028_notification_folding")
    assert database_revision(unmigrated_engine) != head_revision()


def _script(folder: Path, name: str, body: str) -> None:
    (folder / f"{name}.py").write_text(f'"""A migration."""\n\nimport x\n\n{body}\n')


def test_the_head_is_the_revision_nothing_builds_on(tmp_path):
    _script(tmp_path, "a", 'revision = "a"\ndown_revision = None')
    _script(tmp_path, "b", 'revision: str = "b"\ndown_revision = "a"\nvalue = compute()')
    _script(tmp_path, "c", 'revision = "c"\ndown_revision = "a"')
    _script(tmp_path, "merge", 'revision = "m"\ndown_revision = ("b", "c")')
    (tmp_path / "notes.py").write_text("helper = 1\n")

    assert head_revision(tmp_path) == "m"


def test_scripts_that_end_in_two_heads_are_refused(tmp_path):
    _script(tmp_path, "a", 'revision = "a"\ndown_revision = None')
    _script(tmp_path, "b", 'revision = "b"\ndown_revision = "a"')
    _script(tmp_path, "c", 'revision = "c"\ndown_revision = "a"')

    with pytest.raises(MigrationsBranched, match=r"\['b', 'c'\]"):
        head_revision(tmp_path)


def test_no_scripts_have_no_head(tmp_path):
    assert head_revision(tmp_path) is None


def test_every_revision_of_the_scripts_is_known(tmp_path):
    _script(tmp_path, "a", 'revision = "a"\ndown_revision = None')
    _script(tmp_path, "b", 'revision = "b"\ndown_revision = "a"')

    assert known_revisions(tmp_path) == {"a", "b"}
    assert head_revision() in known_revisions()


def test_readiness_says_whether_to_migrate_or_that_a_newer_version_migrated():
    assert schema_readiness(head_revision()) == (True, "ok")
    assert schema_readiness(None) == (False, "database schema is behind: run `hubdesk migrate`")
    assert schema_readiness("0029_handoff_ladders")[1].endswith("run `hubdesk migrate`")
    ready, why = schema_readiness("0999_from_the_future")
    assert not ready and "0999_from_the_future" in why and "newer version" in why


def test_the_readiness_probe_reads_the_revision_on_both_databases(unmigrated_engine, tmp_path):
    from sqlalchemy import text

    from hubdesk.bootstrap import assemble
    from hubdesk.config import Settings

    hub = assemble(Settings(environment="test", data_dir=tmp_path), unmigrated_engine)
    assert hub.database_ready(within=5) == (
        False, "database schema is behind: run `hubdesk migrate`")
    upgrade(unmigrated_engine)
    assert hub.database_ready(within=5) == (True, "ok")
    with unmigrated_engine.begin() as db:
        db.execute(text("UPDATE alembic_version SET version_num = '0999_from_the_future'"))
    ready, why = hub.database_ready(within=5)
    assert not ready and "newer version migrated it" in why
