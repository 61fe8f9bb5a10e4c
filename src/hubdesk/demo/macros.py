"""The demo desk's macros: the canned replies a real desk starts with, for everyone and for the
German and French frontline."""

from __future__ import annotations

from hubdesk.bootstrap import Hub
from hubdesk.demo.organisation import Structure
from hubdesk.domain.macros import Macro
from hubdesk.domain.tickets import Status

DESK_MACROS = (
    ("Ask for the order number",
     "Hello {{customer.first_name}},\n\nthank you for writing to us. So that we can look into "
     "this, could you send us your order number? It is in the confirmation e-mail.\n\n"
     "Best regards,\n{{agent.first_name}}", Status.PENDING, ("needs-info",)),
    ("Refund issued",
     "Hello {{customer.first_name}},\n\nwe have issued your refund for ticket "
     "#{{ticket.number}}. It reaches your account within five working days.\n\n"
     "Best regards,\n{{agent.first_name}}", Status.SOLVED, ("refund",)),
    ("Passed to a specialist",
     "Hello {{customer.first_name}},\n\nI have passed your question to a specialist "
     "colleague, who will answer you directly.\n\nBest regards,\n{{agent.first_name}}",
     None, ()),
)
GERMAN_MACRO = ("Bestellnummer erfragen",
                "Hallo {{customer.first_name}},\n\nvielen Dank für Ihre Nachricht. Damit wir "
                "weiterhelfen können, senden Sie uns bitte Ihre Bestellnummer.\n\n"
                "Viele Grüße\n{{agent.first_name}}", Status.PENDING, ("needs-info",))


def add_macros(hub: Hub, structure: Structure) -> None:
    admin = structure.admin
    for name, body, then, tags in DESK_MACROS:
        hub.app.macros.create(admin, Macro(None, name, body, None, then, tags))
    name, body, then, tags = GERMAN_MACRO
    team = structure.teams["Frontline DE/FR"]
    hub.app.macros.create(admin, Macro(None, name, body, team.id, then, tags))
