"""The demo desk's automations: the rules a real desk starts with, run through its history.

Pending tickets whose customer stays silent are reminded after three days, in the customer's
language, and solved after a week; solved tickets are closed after four days; a VIP's urgent
ticket is announced to the coordinators. The rules exist from the first day of the demo's
history, and `sweep_until` runs the time rules every few hours as the history is played, so
what they did is in each ticket's trail at the time they did it, as on a desk that ran them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from hubdesk.bootstrap import Hub
from hubdesk.demo.organisation import Structure

REMINDER_HOURS = 72
SOLVE_SILENT_HOURS = 168
CLOSE_SOLVED_HOURS = 96
# The desk sweeps every minute; the history is swept every few hours, each sweep's cost
# (a query per rule) paid some two hundred times instead of sixty thousand. A rule fires
# up to that much after it was due.
SWEEP_EVERY = timedelta(hours=6)

REMINDERS = {
    "en": ("Remind the customer after 3 days pending",
           "Hello {{customer.first_name}},\n\nwe are still waiting for your answer to our last "
           "message about ticket #{{ticket.number}}. Reply to this e-mail whenever you are "
           "ready and we will carry on.\n\nBest regards,\nYour support team"),
    "de": ("Kunden nach 3 Tagen in Wartestellung erinnern",
           "Hallo {{customer.first_name}},\n\nwir warten noch auf Ihre Antwort zu Ticket "
           "#{{ticket.number}}. Antworten Sie einfach auf diese E-Mail, dann machen wir "
           "weiter.\n\nViele Grüße\nIhr Support-Team"),
    "fr": ("Relancer le client après 3 jours en attente",
           "Bonjour {{customer.first_name}},\n\nnous attendons toujours votre réponse au sujet "
           "du ticket #{{ticket.number}}. Répondez simplement à ce courriel et nous "
           "reprendrons.\n\nCordialement,\nVotre équipe support"),
}


def desk_rules() -> list[dict[str, Any]]:
    """The rules' plain forms, as the API and the console take them."""
    forms: list[dict[str, Any]] = []
    for position, (language, (name, body)) in enumerate(REMINDERS.items(), start=1):
        forms.append({
            "name": name, "position": 10 * position, "enabled": True,
            "trigger": {"type": "time", "status": "pending", "hours": REMINDER_HOURS},
            "conditions": {"all": [{"field": "ticket.language", "op": "=", "value": language}]},
            "actions": [{"type": "reply", "body": body},
                        {"type": "add_tags", "tags": ["reminded"]}],
        })
    forms.append({
        "name": "Solve after a week without the customer's answer", "position": 50,
        "enabled": True,
        "trigger": {"type": "time", "status": "pending", "hours": SOLVE_SILENT_HOURS},
        "conditions": {"all": []},
        "actions": [{"type": "set", "field": "status", "value": "solved"},
                    {"type": "add_tags", "tags": ["no-answer"]}],
    })
    forms.append({
        "name": "Close solved tickets after 4 days", "position": 60, "enabled": True,
        "trigger": {"type": "time", "status": "solved", "hours": CLOSE_SOLVED_HOURS},
        "conditions": {"all": []},
        "actions": [{"type": "set", "field": "status", "value": "closed"}],
    })
    forms.append({
        "name": "Tell the coordinators about a VIP's urgent ticket", "position": 70,
        "enabled": True,
        "trigger": {"type": "event", "on": ["created"]},
        "conditions": {"all": [{"field": "customer.tier", "op": "=", "value": "vip"},
                               {"field": "ticket.priority", "op": "=", "value": "urgent"}]},
        "actions": [{"type": "notify", "to": "coordinators",
                     "message": "A VIP customer's ticket is urgent."}],
    })
    return forms


def add_rules(hub: Hub, structure: Structure, since: datetime) -> None:
    for form in desk_rules():
        hub.app.rules.create(structure.admin, form, now=since)


def sweep_until(hub: Hub, next_sweep: datetime, until: datetime) -> datetime:
    """Run the time rules at each sweep from ``next_sweep`` up to ``until``; the next one's
    time."""
    while next_sweep <= until:
        hub.app.rules.run_automations(now=next_sweep)
        next_sweep += SWEEP_EVERY
    return next_sweep
