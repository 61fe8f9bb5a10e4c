"""The desk's routing configuration document as form fields, and back.

Each field is named by its path in the document (``weights.affinity``, ``channel_costs.phone``)
so an error of `services/routing_config.parse`, which names the path, lands beside its field.
The form only decodes text into JSON values; whether a value is allowed is for `parse` alone
(a word typed where a number belongs is passed on as text and refused there by name).
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

from starlette.datastructures import FormData

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.routing import ScoreWeights, WellbeingPolicy
from hubdesk.domain.tickets import Channel

NUMBERS = ("affinity_grace_s", "top_candidates", "default_capacity", "offline_grace_s")
GROUPS: dict[str, type[Any]] = {"weights": ScoreWeights, "wellbeing": WellbeingPolicy}
# Nested parts a form of single fields would only make harder to read: edited as JSON.
JSON_PARTS = ("categories", "default", "team_weights", "relaxation")


def _shown(value: object) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def config_to_form(document: dict[str, Any]) -> dict[str, str]:
    """Every field of the form, with the document's value (or the default it stands for)."""
    form = {"known_skills": ", ".join(document["known_skills"])}
    for group, kind in GROUPS.items():
        given = document.get(group, {})
        for f in fields(kind):
            form[f"{group}.{f.name}"] = _shown(given.get(f.name, f.default))
    form |= {name: _shown(document[name]) for name in NUMBERS}
    form |= {f"vip_levels.{tier}": str(level) for tier, level in document["vip_levels"].items()}
    costs = document["channel_costs"]
    form |= {f"channel_costs.{c.value}": str(costs.get(c.value, "")) for c in Channel}
    form |= {part: json.dumps(document[part], indent=2) for part in JSON_PARTS}
    return form


def _number(text: str) -> object:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _numbers(form: FormData, prefix: str) -> dict[str, object]:
    return {key.removeprefix(prefix): _number(str(value).strip())
            for key, value in form.multi_items()
            if key.startswith(prefix) and str(value).strip()}


def _json(form: FormData, part: str) -> object:
    try:
        return json.loads(str(form.get(part) or ""))
    except json.JSONDecodeError as error:
        raise ValidationFailed(f"{part}: not valid JSON ({error.msg}, line {error.lineno})",
                               {part: "not JSON"}) from None


def config_from_form(form: FormData) -> dict[str, Any]:
    """The document the form describes; a blank field takes the desk's default."""
    skills = str(form.get("known_skills") or "").replace(",", " ").split()
    document: dict[str, Any] = {"known_skills": skills}
    for group in GROUPS:
        document[group] = _numbers(form, f"{group}.")
    for name in NUMBERS:
        text = str(form.get(name) or "").strip()
        if text:
            document[name] = _number(text)
    document["vip_levels"] = _numbers(form, "vip_levels.")
    document["channel_costs"] = _numbers(form, "channel_costs.")
    for part in JSON_PARTS:
        document[part] = _json(form, part)
    return document
