"""The desk's routing configuration: one JSON document, validated into the domain's policy.

The document says which skills the desk knows, what each category needs, the score weights
(for the desk and per team id), the wellbeing guards, the relaxation steps, what a customer's
tier counts as VIP level, what each channel costs by default and how long an agent may be
offline before their unattended work goes back to the queue. Every error names its field.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.routing import (
    CategoryRule,
    Relax,
    RelaxationStep,
    RoutingPolicy,
    ScoreWeights,
    SkillMap,
    SkillNeed,
    WellbeingPolicy,
)
from hubdesk.domain.tickets import Channel

MAX_SKILLS = 500
MAX_CATEGORIES = 1000
MAX_NAME = 120

DEFAULT_DOCUMENT: dict[str, Any] = {
    "known_skills": ["account", "billing", "general", "returns", "shipping", "technical"],
    "categories": {},
    "default": {"skills": {}, "tier": 1},
    "weights": {},
    "team_weights": {},
    "wellbeing": {},
    "relaxation": [],
    "affinity_grace_s": 7 * 86400,
    "top_candidates": 5,
    "vip_levels": {"standard": 0, "premium": 1, "vip": 2},
    "channel_costs": {"phone": 10, "chat": 3, "email": 1, "web": 1, "api": 1},
    "default_capacity": 10,
    "offline_grace_s": 300,
}


@dataclass(frozen=True)
class RoutingSettings:
    """The validated configuration, as the domain's objects."""

    document: dict[str, Any]
    skill_map: SkillMap
    policy: RoutingPolicy
    vip_levels: Mapping[str, int]
    channel_costs: Mapping[str, int]
    default_capacity: int
    offline_grace_s: float


def _fail(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{field}: {message}", {field: message})


def _mapping(value: object, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _fail(field, "must be an object")
    return value


def _whole(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _fail(field, f"must be a whole number from {low} to {high}")
    return value


def _seconds(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) \
            or not math.isfinite(value) or value < 0:
        raise _fail(field, "must be a number of seconds, zero or more")
    return float(value)


def _name(value: object, field: str) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_NAME:
        raise _fail(field, f"must be a name of 1 to {MAX_NAME} characters")
    return value


def _skill_levels(value: object, field: str) -> dict[str, int]:
    levels = _mapping(value, field)
    return {_name(skill, field): _whole(level, f"{field}.{skill}", 1, 5)
            for skill, level in levels.items()}


def _rule(value: object, field: str) -> CategoryRule:
    body = _mapping(value, field)
    unknown = set(body) - {"skills", "tier"}
    if unknown:
        raise _fail(f"{field}.{sorted(unknown)[0]}", "is not a setting")
    needs = tuple(SkillNeed(skill, level) for skill, level in
                  sorted(_skill_levels(body.get("skills", {}), f"{field}.skills").items()))
    return CategoryRule(needs, _whole(body.get("tier", 1), f"{field}.tier", 1, 3))


def _dataclass_of(kind: type[Any], value: object, field: str) -> Any:
    body = _mapping(value, field)
    names = {f.name for f in fields(kind)}
    unknown = set(body) - names
    if unknown:
        raise _fail(f"{field}.{sorted(unknown)[0]}", "is not a setting")
    for name, item in body.items():
        if isinstance(item, bool) or not isinstance(item, int | float):
            raise _fail(f"{field}.{name}", "must be a number")
    return kind(**body)


def _relaxation(value: object) -> tuple[RelaxationStep, ...]:
    if not isinstance(value, list):
        raise _fail("relaxation", "must be a list of steps")
    steps = []
    for index, item in enumerate(value):
        field = f"relaxation[{index}]"
        body = _mapping(item, field)
        try:
            kind = Relax(str(body.get("kind")))
        except ValueError:
            raise _fail(f"{field}.kind", "must be one of " + ", ".join(k.value for k in Relax)
                        ) from None
        extra = body.get("value")
        if extra is not None and (isinstance(extra, bool) or not isinstance(extra, int | str)):
            raise _fail(f"{field}.value", "must be a tier or a language code")
        steps.append(RelaxationStep(_seconds(body.get("after_s"), f"{field}.after_s"), kind,
                                    extra))
    # Applied in the order of their waits, whatever order they were written in.
    return tuple(sorted(steps, key=lambda step: step.after_s))


def parse(document: object) -> RoutingSettings:
    """Validate a whole configuration document (missing parts take their defaults)."""
    given = _mapping(document, "config")
    unknown = set(given) - set(DEFAULT_DOCUMENT)
    if unknown:
        raise _fail(sorted(unknown)[0], "is not a routing setting")
    doc = {**DEFAULT_DOCUMENT, **given}
    known = doc["known_skills"]
    if not isinstance(known, list) or not known or len(known) > MAX_SKILLS:
        raise _fail("known_skills", f"must list 1 to {MAX_SKILLS} skills")
    skills = frozenset(_name(skill, "known_skills") for skill in known)
    categories = _mapping(doc["categories"], "categories")
    if len(categories) > MAX_CATEGORIES:
        raise _fail("categories", f"may hold at most {MAX_CATEGORIES} categories")
    rules = {_name(name, "categories"): _rule(rule, f"categories.{name}")
             for name, rule in categories.items()}
    skill_map = SkillMap(skills, rules, _rule(doc["default"], "default"))
    team_weights = {}
    for team, weights in _mapping(doc["team_weights"], "team_weights").items():
        if not str(team).isdigit():
            raise _fail(f"team_weights.{team}", "must be keyed by a team id")
        team_weights[str(team)] = _dataclass_of(ScoreWeights, weights, f"team_weights.{team}")
    policy = RoutingPolicy(
        weights=_dataclass_of(ScoreWeights, doc["weights"], "weights"),
        team_weights=team_weights,
        wellbeing=_dataclass_of(WellbeingPolicy, doc["wellbeing"], "wellbeing"),
        relaxation=_relaxation(doc["relaxation"]),
        affinity_grace_s=_seconds(doc["affinity_grace_s"], "affinity_grace_s"),
        top_candidates=_whole(doc["top_candidates"], "top_candidates", 1, 50))
    doc["relaxation"] = sorted(doc["relaxation"], key=lambda step: step["after_s"])
    vip = {_name(tier, "vip_levels"): _whole(level, f"vip_levels.{tier}", 0, 10)
           for tier, level in _mapping(doc["vip_levels"], "vip_levels").items()}
    return RoutingSettings(
        document=doc, skill_map=skill_map, policy=policy, vip_levels=vip,
        channel_costs=channel_costs(doc["channel_costs"], "channel_costs"),
        default_capacity=_whole(doc["default_capacity"], "default_capacity", 0, 10_000),
        offline_grace_s=_seconds(doc["offline_grace_s"], "offline_grace_s"))


def channel_costs(value: object, field: str) -> dict[str, int]:
    costs = _mapping(value, field)
    known = {channel.value for channel in Channel}
    found = {}
    for channel, cost in costs.items():
        if channel not in known:
            raise _fail(f"{field}.{channel}", "is not a channel (" + ", ".join(sorted(known))
                        + ")")
        found[channel] = _whole(cost, f"{field}.{channel}", 1, 10_000)
    return found


DEFAULT_SETTINGS = parse({})
