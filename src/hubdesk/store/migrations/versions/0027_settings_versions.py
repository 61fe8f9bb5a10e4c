"""A token that changes whenever the desk's settings do: rules, the routing configuration,
SLA policies and calendars, and whether anyone has a routing profile (a profile added or
removed; its presence and load change all day and do not count). Triggers of the database itself replace it on every write to those
tables, whoever writes (the application, a script, an operator's SQL), so a process that keeps
the settings read between transactions learns of any change with one small read.

The token is random rather than counted: a transaction that changes a setting and rolls back
has shown its token to itself only, and a random token is never handed out again, where a
counter would hand the same number to the next change.

Revision ID: 0027_settings_versions
Revises: 0026_mail_files
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027_settings_versions"
down_revision = "0026_mail_files"
branch_labels = None
depends_on = None

# Each table with the writes that change the settings.
SETTINGS_TABLES = {"rules": ("insert", "update", "delete"),
                   "routing_config": ("insert", "update", "delete"),
                   "sla_policies": ("insert", "update", "delete"),
                   "sla_calendars": ("insert", "update", "delete"),
                   "agent_routing": ("insert", "delete")}
# SQLite's triggers update, then insert if missing, rather than INSERT OR REPLACE: an upsert
# that fires the trigger would impose its own conflict handling on the trigger's statements.


def upgrade() -> None:
    op.create_table(
        "settings_versions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("token", sa.BigInteger, nullable=False),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    random_token = "floor((random() - 0.5) * 1.8e19)::bigint" if postgres else "random()"
    # Every statement below is built from this module's constants only.
    op.execute(f"INSERT INTO settings_versions (id, token) VALUES (1, {random_token})")  # noqa: S608
    if postgres:
        op.execute(f"""
            CREATE FUNCTION hubdesk_settings_changed() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO settings_versions (id, token) VALUES (1, {random_token})
                ON CONFLICT (id) DO UPDATE SET token = EXCLUDED.token;
                RETURN NULL;
            END
            $$""")  # noqa: S608
        for table, events in SETTINGS_TABLES.items():
            when = " OR ".join(event.upper() for event in (*events, "truncate"))
            op.execute(f"""
                CREATE TRIGGER {table}_settings_changed AFTER {when} ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION hubdesk_settings_changed()""")
    else:
        for table, events in SETTINGS_TABLES.items():
            for event in events:
                op.execute(f"""
                    CREATE TRIGGER {table}_settings_changed_{event} AFTER {event.upper()}
                    ON {table} BEGIN
                        UPDATE settings_versions SET token = {random_token} WHERE id = 1;
                        INSERT INTO settings_versions (id, token) SELECT 1, {random_token}
                        WHERE NOT EXISTS (SELECT 1 FROM settings_versions WHERE id = 1);
                    END""")  # noqa: S608


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in SETTINGS_TABLES:
            op.execute(f"DROP TRIGGER {table}_settings_changed ON {table}")
        op.execute("DROP FUNCTION hubdesk_settings_changed()")
    else:
        for table, events in SETTINGS_TABLES.items():
            for event in events:
                op.execute(f"DROP TRIGGER {table}_settings_changed_{event}")
    op.drop_table("settings_versions")
