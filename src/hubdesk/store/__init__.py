"""Persistence: SQLAlchemy tables, repositories, search and migrations for SQLite and PostgreSQL."""
