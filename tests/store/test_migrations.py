"""The migrations and tables.py describe the same schema, on both databases."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from hubdesk.store.migrate import head_revision, is_current
from hubdesk.store.tables import metadata


def test_migrations_match_the_tables(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)
    # the search index (FTS5 table / tsvector column) exists only in the migration, on purpose
    assert [d for d in differences if "search" not in str(d)] == []


def test_the_schema_is_at_head(engine):
    assert head_revision() is not None
    assert is_current(engine)
