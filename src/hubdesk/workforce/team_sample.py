"""A reproducible team for benchmarks: 200 named agents, a week of demand for four skills.

The desk answers 07:00–23:00 every day (extended hours, so evening and weekend shifts exist);
demand has a morning and an evening peak and quieter weekends. Full-time agents work 32–40
hours on at most five days in 8-hour shifts with a half-hour break; part-time agents 16–24
hours on at most four days in 4- or 6-hour shifts. Everyone speaks English; some French or
German, some handle billing. Some are unavailable a day, wish a day off, or prefer early or
late shifts. The week's demand is sized to the team's minimum contracted hours, so the
schedule must choose who works more.
"""

from __future__ import annotations

import math

import numpy as np

from hubdesk.workforce.team_instance import (
    Contract,
    Preference,
    ShiftTemplate,
    TeamAgent,
    TeamInstance,
)

FIRST_NAMES = ("Ada", "Bruno", "Chloé", "Dmitri", "Elif", "Farid", "Greta", "Hugo", "Ines",
               "Jonas", "Kaito", "Lea", "Mateo", "Nadia", "Omar", "Priya", "Quentin", "Rosa",
               "Sven", "Tamar")
SURNAMES = ("Almeida", "Berger", "Costa", "Dubois", "Eriksen", "Fischer", "Garcia", "Haddad",
            "Ivanova", "Jansen")
OPEN_FROM_HOUR, OPEN_UNTIL_HOUR = 7, 23
WEEKDAY_LEVEL = (1.0, 0.95, 0.95, 0.9, 0.85, 0.5, 0.4)
SKILL_SHARE = {"fr": 0.15, "de": 0.10, "billing": 0.12}  # the rest is English


def templates(interval_minutes: int = 30) -> tuple[ShiftTemplate, ...]:
    per_hour = 60 // interval_minutes
    full = [ShiftTemplate(f"F{h:02d}{m:02d}", h * 60 + m, 17 * per_hour // 2, 4 * per_hour)
            for h, m in [(h, 0) for h in range(7, 15)] + [(14, 30)]]
    four = [ShiftTemplate(f"P4-{h:02d}", h * 60, 4 * per_hour) for h in range(7, 20)]
    six = [ShiftTemplate(f"P6-{h:02d}", h * 60, 6 * per_hour) for h in range(7, 18)]
    return tuple(full + four + six)


def _intraday(hour: float) -> float:
    return 0.3 + 0.7 * math.exp(-((hour - 11) / 2.5) ** 2) \
        + 0.4 * math.exp(-((hour - 19) / 2) ** 2)


def sample_team(agents: int = 200, *, seed: int = 13, interval_minutes: int = 30,
                part_time_share: float = 0.25, load: float = 0.8) -> TeamInstance:
    rng = np.random.default_rng(seed)
    shapes = templates(interval_minutes)
    contracts = (
        Contract("full-time", 32, 40, 5, tuple(t.name for t in shapes if t.name[0] == "F")),
        Contract("part-time", 16, 24, 4, tuple(t.name for t in shapes if t.name[0] == "P")))
    team: list[TeamAgent] = []
    part_time = round(agents * part_time_share)
    for index in range(agents):
        name = f"{FIRST_NAMES[index % len(FIRST_NAMES)]} " \
               f"{SURNAMES[(index // len(FIRST_NAMES)) % len(SURNAMES)]}"
        if index >= len(FIRST_NAMES) * len(SURNAMES):
            name += f" {index // (len(FIRST_NAMES) * len(SURNAMES)) + 1}"
        skills = {"en"} | {k for k, p in (("fr", 0.3), ("de", 0.2), ("billing", 0.25))
                           if rng.random() < p}
        unavailable = {int(rng.integers(7))} if rng.random() < 0.1 else set()
        wish = {int(rng.integers(7))} - unavailable if rng.random() < 0.3 else set()
        draw = rng.random()
        prefers: Preference | None = "early" if draw < 0.2 else "late" if draw < 0.3 else None
        team.append(TeamAgent(name, "part-time" if index < part_time else "full-time",
                              frozenset(skills), frozenset(unavailable), frozenset(wish),
                              prefers))
    minimum_hours = sum(c.min_hours for a in team for c in contracts if c.name == a.contract)
    return TeamInstance(interval_minutes, 7, shapes, contracts, tuple(team),
                        _demand(interval_minutes, load * minimum_hours))


def _demand(interval_minutes: int, total_hours: float) -> dict[str, tuple[int, ...]]:
    per_day = 24 * 60 // interval_minutes
    shape = np.zeros(7 * per_day)
    for day in range(7):
        for index in range(per_day):
            hour = index * interval_minutes / 60
            if OPEN_FROM_HOUR <= hour < OPEN_UNTIL_HOUR:
                shape[day * per_day + index] = WEEKDAY_LEVEL[day] * _intraday(hour + 0.25)
    agents = shape * total_hours / (shape.sum() * interval_minutes / 60)
    demand = {skill: np.rint(agents * share).astype(int) for skill, share in SKILL_SHARE.items()}
    english = np.rint(agents).astype(int) - sum(demand.values())
    demand["en"] = np.maximum(english, 0)
    return {skill: tuple(int(v) for v in values) for skill, values in demand.items()}
