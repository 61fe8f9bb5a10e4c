"""A team as JSON and back: what ``hubdesk wfm team`` reads, and the benchmark team written out.

```json
{"interval_minutes": 30, "days": 7, "rest_hours": 11, "weekend_days": [5, 6],
 "evening_from_minute": 1200,
 "templates": [{"name": "F0700", "start_minute": 420, "length_intervals": 17,
                "break_offset": 8}],
 "contracts": [{"name": "full-time", "min_hours": 32, "max_hours": 40, "max_days": 5,
                "templates": ["F0700"]}],
 "agents": [{"name": "Ada Almeida", "contract": "full-time", "skills": ["en", "fr"],
             "unavailable_days": [], "wanted_days_off": [2], "prefers": "early"}],
 "demand": {"en": [0, 0, …one whole number per interval]}}
```
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.team_instance import Contract, ShiftTemplate, TeamAgent, TeamInstance


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", {field: message})


def _get(item: Mapping[str, Any], key: str, where: str, kind: type | tuple[type, ...],
         default: Any = ...) -> Any:
    if key not in item:
        if default is ...:
            raise _fail(f"{where}.{key}", "is required")
        return default
    value = item[key]
    if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
        raise _fail(f"{where}.{key}", f"has the wrong type: {value!r}")
    return value


def _list(payload: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    items = payload.get(key)
    if not isinstance(items, list) or not all(isinstance(i, Mapping) for i in items):
        raise _fail(key, "must be a list of objects")
    return items


def _days(value: Any, where: str) -> frozenset[int]:
    if not isinstance(value, list) or not all(isinstance(d, int) and not isinstance(d, bool)
                                              for d in value):
        raise _fail(where, "must be a list of day numbers (0 is the first day)")
    return frozenset(value)


def _demand(value: Any) -> dict[str, tuple[int, ...]]:
    if not isinstance(value, Mapping):
        raise _fail("demand", "must map each skill to one whole number per interval")
    found = {}
    for skill, values in value.items():
        if not isinstance(values, list):
            raise _fail(f"demand[{skill}]", "must be a list of whole numbers")
        for index, item in enumerate(values):
            if isinstance(item, bool) or not isinstance(item, int):
                raise _fail(f"demand[{skill}][{index}]", f"must be a whole number, not {item!r}")
        found[str(skill)] = tuple(values)
    return found


def team_from_json(payload: Any) -> TeamInstance:
    if not isinstance(payload, Mapping):
        raise _fail("team", "must be a JSON object")
    templates = tuple(
        ShiftTemplate(_get(t, "name", f"templates[{i}]", str),
                      _get(t, "start_minute", f"templates[{i}]", int),
                      _get(t, "length_intervals", f"templates[{i}]", int),
                      _get(t, "break_offset", f"templates[{i}]", (int, type(None)), None))
        for i, t in enumerate(_list(payload, "templates")))
    contracts = tuple(
        Contract(_get(c, "name", f"contracts[{i}]", str),
                 float(_get(c, "min_hours", f"contracts[{i}]", (int, float))),
                 float(_get(c, "max_hours", f"contracts[{i}]", (int, float))),
                 _get(c, "max_days", f"contracts[{i}]", int),
                 tuple(_get(c, "templates", f"contracts[{i}]", list)))
        for i, c in enumerate(_list(payload, "contracts")))
    agents = []
    for i, a in enumerate(_list(payload, "agents")):
        where = f"agents[{i}]"
        prefers = _get(a, "prefers", where, (str, type(None)), None)
        if prefers not in (None, "early", "late"):
            raise _fail(f"{where}.prefers", f"must be \"early\", \"late\" or null, not {prefers!r}")
        agents.append(TeamAgent(
            _get(a, "name", where, str), _get(a, "contract", where, str),
            frozenset(str(s) for s in _get(a, "skills", where, list)),
            _days(a.get("unavailable_days", []), f"{where}.unavailable_days"),
            _days(a.get("wanted_days_off", []), f"{where}.wanted_days_off"), prefers))
    return TeamInstance(
        _get(payload, "interval_minutes", "team", int), _get(payload, "days", "team", int),
        templates, contracts, tuple(agents), _demand(payload.get("demand")),
        rest_hours=float(_get(payload, "rest_hours", "team", (int, float), 11.0)),
        evening_from_minute=_get(payload, "evening_from_minute", "team", int, 20 * 60),
        weekend_days=tuple(_days(payload.get("weekend_days", [5, 6]), "weekend_days")))


def team_to_json(team: TeamInstance) -> dict[str, Any]:
    return {
        "interval_minutes": team.interval_minutes, "days": team.days,
        "rest_hours": team.rest_hours, "evening_from_minute": team.evening_from_minute,
        "weekend_days": sorted(team.weekend_days),
        "templates": [{"name": t.name, "start_minute": t.start_minute,
                       "length_intervals": t.length_intervals, "break_offset": t.break_offset}
                      for t in team.templates],
        "contracts": [{"name": c.name, "min_hours": c.min_hours, "max_hours": c.max_hours,
                       "max_days": c.max_days, "templates": list(c.templates)}
                      for c in team.contracts],
        "agents": [{"name": a.name, "contract": a.contract, "skills": sorted(a.skills),
                    "unavailable_days": sorted(a.unavailable_days),
                    "wanted_days_off": sorted(a.wanted_days_off), "prefers": a.prefers}
                   for a in team.agents],
        "demand": {skill: list(values) for skill, values in sorted(team.demand.items())},
    }
