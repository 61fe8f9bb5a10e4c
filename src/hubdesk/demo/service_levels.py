"""The demo desk's service levels: one policy on a working-week calendar, in place before the
first contact, so every demo ticket carries its clocks and the queues, the at-risk page and
the notifications have deadlines to show."""

from __future__ import annotations

from hubdesk.bootstrap import Hub
from hubdesk.demo.organisation import Structure

WEEKDAY = [["08:00", "18:00"]]
# Minutes of business time to the first answer and to the solution, per priority.
TARGETS = {"urgent": {"first_response": 60, "resolution": 480},
           "high": {"first_response": 240, "resolution": 1440},
           "normal": {"first_response": 480, "resolution": 2880},
           "low": {"first_response": 1440, "resolution": 4800}}


def add_service_levels(hub: Hub, structure: Structure) -> None:
    hub.app.sla.create_policy(structure.admin, {
        "name": "Standard service",
        "calendar": {"timezone": "Europe/Berlin",
                     "hours": {"mon": WEEKDAY, "tue": WEEKDAY, "wed": WEEKDAY, "thu": WEEKDAY,
                               "fri": WEEKDAY, "sat": [], "sun": []},
                     "holidays": [{"date": "12-25", "yearly": True},
                                  {"date": "01-01", "yearly": True}]},
        "targets": TARGETS,
        # Warn the one who has it, then tell the coordinators; priorities stay as set.
        "ladder": [{"at_percent": 75, "actions": ["notify_assignee"]},
                   {"at_percent": 100, "actions": ["notify_coordinators"]}]})
