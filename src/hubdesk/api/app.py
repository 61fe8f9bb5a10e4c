"""The JSON API under /api/v1: its error answers and its routes, installed on the server's
application (`hubdesk/server.py`)."""

from __future__ import annotations

from fastapi import FastAPI

from hubdesk.api import problems
from hubdesk.api.routes import (
    calendar_trial,
    directory,
    handoffs,
    health,
    macros,
    mail,
    mail_templates,
    notifications,
    reports,
    routing,
    rules,
    safety,
    sla,
    tickets,
    webhooks,
    workforce,
)


def install(app: FastAPI) -> None:
    problems.install(app)
    app.include_router(health.router)
    app.include_router(tickets.router)
    app.include_router(tickets.attachments)
    app.include_router(directory.router)
    app.include_router(safety.router)
    app.include_router(webhooks.router)
    app.include_router(sla.router)
    app.include_router(calendar_trial.router)
    app.include_router(handoffs.router)
    app.include_router(reports.router)
    app.include_router(mail.router)
    app.include_router(mail_templates.router)
    app.include_router(routing.router)
    app.include_router(rules.router)
    app.include_router(macros.router)
    app.include_router(workforce.router)
    app.include_router(notifications.router)
