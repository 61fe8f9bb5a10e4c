"""Alembic environment: migrations run on the connection handed over by hubdesk.store.migrate."""

from __future__ import annotations

from alembic import context

from hubdesk.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `hubdesk migrate`, which supplies the database")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
