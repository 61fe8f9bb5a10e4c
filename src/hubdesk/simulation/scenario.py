"""A contact-centre scenario: what arrives when, who works, and by which policy.

Read from YAML or JSON and validated field by field; every error names the field, e.g.
``agents[2].capacity``. Times are seconds from the start of the simulated day.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hubdesk.domain.errors import DomainError, ValidationFailed
from hubdesk.domain.routing import (
    DEFAULT_CHANNEL_COSTS,
    AgentProfile,
    Relax,
    RelaxationStep,
    RoutingPolicy,
    ScoreWeights,
    SkillNeed,
    WellbeingPolicy,
)

DISTRIBUTIONS = ("exponential", "lognormal")


def _fail(where: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{where}: {message}", {where: message})


def _number(data: Mapping[str, Any], key: str, where: str, default: float | None = None, *,
            positive: bool = False) -> float:
    value = data.get(key, default)
    name = f"{where}.{key}" if where else key
    if value is None:
        raise _fail(name, "is required")
    return _checked(value, name, positive)


def _checked(value: object, name: str, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _fail(name, f"must be a finite number, not {value!r}")
    if value < 0 or (positive and value == 0):
        raise _fail(name, "must be above zero" if positive else "must not be negative")
    return float(value)


def _mapping(value: object, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fail(where, f"must be a mapping, not {type(value).__name__}")
    return value


def _sequence(value: object, where: str) -> Sequence[Any]:
    if not isinstance(value, list) or not value:
        raise _fail(where, "must be a non-empty list")
    return value


@dataclass(frozen=True)
class Duration:
    """A handling time or a patience: exponential with its mean, or lognormal with mean and
    standard deviation."""

    distribution: str
    mean_s: float
    sd_s: float = 0.0

    @classmethod
    def parse(cls, value: object, where: str) -> Duration:
        data = _mapping(value, where)
        distribution = data.get("distribution", "exponential")
        if distribution not in DISTRIBUTIONS:
            raise _fail(f"{where}.distribution", f"must be one of {', '.join(DISTRIBUTIONS)}")
        mean = _number(data, "mean_s", where, positive=True)
        sd = _number(data, "sd_s", where, mean if distribution == "lognormal" else 0.0)
        return cls(distribution, mean, sd)


@dataclass(frozen=True)
class ContactType:
    name: str
    channel: str
    rates: tuple[float, ...]  # expected arrivals in each interval
    handling: Duration
    patience: Duration | None
    needs: tuple[SkillNeed, ...]
    language: str | None
    tier: int
    sla_s: float
    priority: int
    difficult_share: float
    vip_share: float


@dataclass(frozen=True)
class AgentGroup:
    name: str
    profiles: tuple[AgentProfile, ...]
    shift: tuple[float, float] | None


@dataclass(frozen=True)
class Scenario:
    name: str
    interval_s: float
    service_level_s: Mapping[str, float]  # the answer-within target of each channel
    contact_types: tuple[ContactType, ...]
    groups: tuple[AgentGroup, ...]
    policy: RoutingPolicy
    seed: int

    @property
    def day_s(self) -> float:
        return self.interval_s * max(len(t.rates) for t in self.contact_types)

    @property
    def agents(self) -> tuple[AgentProfile, ...]:
        return tuple(p for g in self.groups for p in g.profiles)


def load_scenario(path: Path) -> Scenario:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise _fail("scenario", f"cannot read {path}: {error.strerror}") from None
    try:
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as error:
        raise _fail("scenario", f"is not valid {path.suffix.lstrip('.') or 'YAML'}: "
                    f"{str(error).splitlines()[0]}") from None
    return parse_scenario(data, path.stem)


def parse_scenario(value: object, name: str = "scenario") -> Scenario:
    data = _mapping(value, "scenario")
    skills = frozenset(str(s) for s in _sequence(data.get("skills"), "skills"))
    interval = _number(data, "interval_s", "", 1800.0, positive=True)
    levels = _mapping(data.get("service_level_s", {}), "service_level_s")
    targets = {str(c): _number(levels, c, "service_level_s", positive=True) for c in levels}
    types = tuple(_contact_type(item, f"contact_types[{n}]", skills, targets)
                  for n, item in enumerate(_sequence(data.get("contact_types"), "contact_types")))
    day = interval * max(len(t.rates) for t in types)
    groups: list[AgentGroup] = []
    next_id = 1
    for n, item in enumerate(_sequence(data.get("agents"), "agents")):
        group = _agent_group(item, f"agents[{n}]", skills, next_id, day)
        next_id += len(group.profiles)
        groups.append(group)
    seed = data.get("seed", 1)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise _fail("seed", "must be a whole number, zero or more")
    return Scenario(str(data.get("name", name)), interval, targets, types, tuple(groups),
                    _policy(data.get("policy", {})), seed)


def _contact_type(value: object, where: str, skills: frozenset[str],
                  targets: Mapping[str, float]) -> ContactType:
    data = _mapping(value, where)
    channel = str(data.get("channel", ""))
    if channel not in targets:
        raise _fail(f"{where}.channel", f"{channel!r} has no target in service_level_s")
    rates = tuple(_checked(r, f"{where}.rates[{n}]")
                  for n, r in enumerate(_sequence(data.get("rates"), f"{where}.rates")))
    needs = []
    for skill, level in _mapping(data.get("skills", {}), f"{where}.skills").items():
        if skill not in skills:
            raise _fail(f"{where}.skills", f"unknown skill {skill!r}")
        if level not in range(1, 6) or isinstance(level, bool):
            raise _fail(f"{where}.skills.{skill}", "must be a proficiency from 1 to 5")
        needs.append(SkillNeed(str(skill), int(level)))
    patience = data.get("patience")
    tier = data.get("tier", 1)
    if tier not in (1, 2, 3):
        raise _fail(f"{where}.tier", "must be 1, 2 or 3")
    shares = {key: _number(data, key, where, 0.0) for key in ("difficult_share", "vip_share")}
    for key, share in shares.items():
        if share > 1:
            raise _fail(f"{where}.{key}", "must be a fraction between 0 and 1")
    priority = data.get("priority", 1)
    if priority not in range(4) or isinstance(priority, bool):
        raise _fail(f"{where}.priority", "must be 0 (low) to 3 (urgent)")
    language = data.get("language")
    return ContactType(
        str(data.get("name", where)), channel, rates,
        Duration.parse(data.get("handling"), f"{where}.handling"),
        None if patience is None else Duration.parse(patience, f"{where}.patience"),
        tuple(needs), None if language is None else str(language), int(tier),
        _number(data, "sla_s", where, targets[channel], positive=True), int(priority),
        shares["difficult_share"], shares["vip_share"])


def _agent_group(value: object, where: str, skills: frozenset[str], first_id: int,
                 day_s: float) -> AgentGroup:
    data = _mapping(value, where)
    count = data.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise _fail(f"{where}.count", "must be a whole number of at least 1")
    levels = _mapping(data.get("skills", {}), f"{where}.skills")
    for skill in levels:
        if skill not in skills:
            raise _fail(f"{where}.skills", f"unknown skill {skill!r}")
    shift = None
    if "shift" in data:
        hours = _mapping(data["shift"], f"{where}.shift")
        start = _number(hours, "start_s", f"{where}.shift")
        end = _number(hours, "end_s", f"{where}.shift")
        if end <= start:
            raise _fail(f"{where}.shift", "ends before it starts")
        if end > day_s:
            raise _fail(f"{where}.shift", f"ends after the simulated day ({day_s:g} s)")
        shift = (start, end)
    try:
        profiles = tuple(AgentProfile(
            first_id + n, dict(levels), frozenset(str(x) for x in data.get("languages", ())),
            data.get("tier", 1), frozenset(str(x) for x in data.get("teams", ())),
            data.get("capacity", 10),
            dict(_mapping(data.get("channel_costs", DEFAULT_CHANNEL_COSTS),
                          f"{where}.channel_costs")))
            for n in range(count))
    except ValidationFailed as error:
        field = next(iter(error.fields), "agent")
        raise _fail(f"{where}.{field}", str(error)) from None
    return AgentGroup(str(data.get("name", where)), profiles, shift)


def _policy(value: object) -> RoutingPolicy:
    data = _mapping(value, "policy")
    try:
        weights = ScoreWeights(**_mapping(data.get("weights", {}), "policy.weights"))
        wellbeing = WellbeingPolicy(**_mapping(data.get("wellbeing", {}), "policy.wellbeing"))
        steps = tuple(RelaxationStep(float(_mapping(s, "policy.relaxation")["after_s"]),
                                     Relax(s["kind"]), s.get("value"))
                      for s in data.get("relaxation", ()))
        return RoutingPolicy(weights, {}, wellbeing, steps)
    except TypeError as error:
        raise _fail("policy", f"unknown setting ({error})") from None
    except (KeyError, ValueError) as error:
        raise _fail("policy.relaxation", f"needs after_s and a known kind ({error})") from None
    except DomainError as error:
        fields = getattr(error, "fields", {}) or {"policy": str(error)}
        raise _fail(f"policy.{next(iter(fields))}", str(error)) from None
