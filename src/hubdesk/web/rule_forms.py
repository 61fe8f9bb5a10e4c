"""The rule form's text to the API's plain form of a rule, and a stored rule back to the
form's values. Only decoding: every rule about what a rule may be is the domain's
(`domain/rules/model.py` `parse_rule`), so the console's messages are the API's.

The name, order, switch and trigger are plain fields; conditions and actions, which nest and
vary by type, are JSON in the API's own shape, shown beside the catalogue of fields and
action types they may use. A stored macro is picked from a list (``macro_id``): it is the
rule's last action, after those of the JSON.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.datastructures import FormData

from hubdesk.domain.errors import DomainError, ValidationFailed
from hubdesk.domain.rules import Rule
from hubdesk.web.sla_forms import calendar_key

RULE_FIELDS = ["name", "position", "enabled", "trigger", "trigger.on", "trigger.status",
               "trigger.hours", "trigger.since", "trigger.calendar", "conditions", "actions",
               "macro_id"]
NEW_RULE = {"name": "", "position": "0", "enabled": True, "trigger_type": "event",
            "trigger_on": [], "trigger_status": "pending", "trigger_hours": "",
            "trigger_since": "status_changed", "trigger_calendar": "",
            "conditions": '{"all": []}', "actions": "[]", "macro_id": ""}


def rule_plain_form(form: FormData) -> dict[str, Any]:
    """The rule as the API takes it; text that is not JSON is refused naming its field."""
    trigger: dict[str, Any]
    if form.get("trigger_type") == "time":
        trigger = {"type": "time", "status": str(form.get("trigger_status") or ""),
                   "hours": _number(form.get("trigger_hours")),
                   "since": str(form.get("trigger_since") or "status_changed")}
        calendar = str(form.get("trigger_calendar") or "").strip()
        if calendar:
            trigger["calendar"] = _json(calendar, "trigger.calendar")
    else:
        trigger = {"type": "event", "on": [str(v) for v in form.getlist("trigger_on")]}
    actions = _json(str(form.get("actions") or ""), "actions")
    picked = str(form.get("macro_id") or "").strip()
    if picked and isinstance(actions, list):
        actions = [*actions, {"type": "macro", "macro_id": _number(picked)}]
    return {"name": str(form.get("name") or ""), "position": _number(form.get("position")),
            "enabled": form.get("enabled") == "yes", "trigger": trigger,
            "conditions": _json(str(form.get("conditions") or ""), "conditions"),
            "actions": actions}


def beside_the_picker(error: DomainError, form: FormData) -> DomainError:
    """A refusal of the macro picked from the list, said beside the list rather than under
    the JSON it is not part of."""
    if not isinstance(error, ValidationFailed) or not str(form.get("macro_id") or "").strip():
        return error
    try:
        written = json.loads(str(form.get("actions") or ""))
    except ValueError:
        return error
    if not isinstance(written, list):
        return error
    picked = f"actions[{len(written)}]"
    if not any(name == picked or name.startswith(picked + ".") for name in error.fields):
        return error
    message = str(error).replace(f"{picked}: ", "", 1)
    return ValidationFailed(f"the macro picked: {message}", {"macro_id": message})


def rule_fields(rule: Rule | None) -> dict[str, Any]:
    """A stored rule (or a new one) as the form's values."""
    if rule is None:
        return dict(NEW_RULE)
    plain = rule.to_dict()
    trigger = plain["trigger"]
    actions, picked = plain["actions"], ""
    if actions[-1]["type"] == "macro":  # the last macro is the picker's
        actions, picked = actions[:-1], str(actions[-1]["macro_id"])
    fields = {**NEW_RULE, "name": rule.name, "position": str(rule.position),
              "enabled": rule.enabled, "trigger_type": trigger["type"],
              "conditions": json.dumps(plain["conditions"], indent=2, ensure_ascii=False),
              "actions": json.dumps(actions, indent=2, ensure_ascii=False),
              "macro_id": picked}
    if trigger["type"] == "event":
        fields["trigger_on"] = list(trigger["on"])
    else:
        fields.update(trigger_status=trigger["status"], trigger_hours=_shown(trigger["hours"]),
                      trigger_since=trigger["since"],
                      trigger_calendar=calendar_key(trigger.get("calendar")))
    return fields


def typed_fields(form: FormData) -> dict[str, Any]:
    """The form as typed, to show again beside the errors."""
    fields: dict[str, Any] = {key: str(form.get(key) or "") for key in NEW_RULE
                              if key != "trigger_on"}
    fields["enabled"] = form.get("enabled") == "yes"
    fields["trigger_on"] = [str(v) for v in form.getlist("trigger_on")]
    return fields


def _json(text: str, field: str) -> Any:
    try:
        return json.loads(text)
    except ValueError as error:
        raise ValidationFailed(f"{field}: not valid JSON ({error}); check brackets, quotes "
                               "and commas", {field: "not JSON"}) from None


def _number(value: object) -> object:
    """Digits as a number; anything else as typed, for the domain to refuse by name."""
    text = str(value or "").strip()
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _shown(hours: float) -> str:
    return str(int(hours)) if float(hours).is_integer() else str(hours)
