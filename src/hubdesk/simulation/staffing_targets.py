"""What a staffing by simulation must reach per channel, and the analytical bound it starts from.

A target is read as ``CHANNEL:LEVEL:SECONDS`` (``chat:0.8:60``: 80 % of the chat contacts
offered answered within 60 s) or, for abandonment, ``CHANNEL:FRACTION`` or a bare fraction for
every channel. Service levels count every offered contact, as the simulator's report does: one
who hung up or was never answered misses it.

The bound (`analytical_bound`) is Erlang C per channel: an agent who holds ``capacity //
cost`` contacts of a channel at once is that many servers of it, so a channel needing ``n``
servers for its service level needs at least ``⌈n / concurrency⌉`` agents, and every channel's
offered load together needs ``Σ erlangs / concurrency``. A scenario's agents work the whole day
(or their shift), so a channel's service level is the day's: each interval's Erlang C figure
weighted by its arrivals. Erlang C knows no abandonment and takes handling as exponential, so
the bound is where the search starts, not a promise; the simulation decides.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.routing import SkillNeed, TicketRequirements, serves
from hubdesk.simulation.scenario import AgentGroup, ContactType, Scenario
from hubdesk.workforce.erlang_c import erlang_c
from hubdesk.workforce.load import Load


@dataclass(frozen=True)
class ChannelTarget:
    """One goal on one channel: a service level within ``within_s``, or an abandonment cap."""

    channel: str
    service_level: float | None = None
    within_s: float = 0.0
    max_abandonment: float | None = None

    def __post_init__(self) -> None:
        if (self.service_level is None) == (self.max_abandonment is None):
            raise ValidationFailed("a target is a service level or an abandonment cap",
                                   {"target": "one goal each"})
        where = f"target {self.channel}"
        if self.service_level is not None:
            if not 0 < self.service_level < 1:
                raise ValidationFailed(
                    f"{where}: a service level is a fraction above 0 and below 1, not "
                    f"{self.service_level:g} (contacts arriving at random never all get an "
                    "answer in time: aim below 1, e.g. 0.8)", {"target": "service level"})
            if not math.isfinite(self.within_s) or self.within_s < 0:
                raise ValidationFailed(f"{where}: the answer time must be zero or more seconds, "
                                       f"not {self.within_s:g}", {"target": "answer time"})
        if self.max_abandonment is not None and not 0 <= self.max_abandonment < 1:
            raise ValidationFailed(f"{where}: the abandonment cap is a fraction from 0 to below "
                                   f"1, not {self.max_abandonment:g}", {"max_abandonment": "range"})

    @property
    def label(self) -> str:
        if self.service_level is not None:
            return f"{self.channel} service level within {self.within_s:g} s"
        return f"{self.channel} abandonment"

    @property
    def goal(self) -> float:
        return self.service_level if self.service_level is not None \
            else float(self.max_abandonment or 0.0)

    def shortfall(self, achieved: float) -> float:
        """How far ``achieved`` is from the goal, positive when missed (in fractions)."""
        if self.service_level is not None:
            return self.service_level - achieved
        return achieved - self.goal


def _number(text: str, what: str, raw: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise ValidationFailed(f"{raw!r}: {what} {text!r} is not a number",
                               {"target": raw}) from None
    if not math.isfinite(value):
        raise ValidationFailed(f"{raw!r}: {what} must be finite", {"target": raw})
    return value


def parse_service_target(raw: str) -> ChannelTarget:
    """``chat:0.8:60``: the channel, the service level, the answer time in seconds."""
    parts = raw.split(":")
    if len(parts) != 3 or not parts[0]:
        raise ValidationFailed(f"{raw!r} is not CHANNEL:LEVEL:SECONDS (e.g. chat:0.8:60)",
                               {"target": raw})
    level = _number(parts[1], "the service level", raw)
    if level >= 1 and _number(parts[2], "the answer time", raw) <= 0:
        raise ValidationFailed(f"{raw!r}: every contact answered in 0 s cannot be reached "
                               "while contacts arrive at random", {"target": raw})
    return ChannelTarget(parts[0], level, _number(parts[2], "the answer time", raw))


def parse_abandonment(raw: str, channels: Iterable[str]) -> list[ChannelTarget]:
    """``0.05`` (every channel) or ``chat:0.05``."""
    channel, _, value = raw.rpartition(":")
    cap = _number(value, "the abandonment cap", raw)
    chosen = [channel] if channel else sorted(set(channels))
    return [ChannelTarget(c, max_abandonment=cap) for c in chosen]


def check_targets(scenario: Scenario, targets: Sequence[ChannelTarget]) -> None:
    """Refuse no targets, unknown channels and channels no group could ever serve."""
    if not targets:
        raise ValidationFailed("give at least one target (--target CHANNEL:LEVEL:SECONDS or "
                               "--max-abandonment)", {"target": "missing"})
    channels = sorted({t.channel for t in scenario.contact_types})
    for target in targets:
        if target.channel not in channels:
            raise ValidationFailed(f"unknown channel {target.channel!r}: the scenario's "
                                   f"contacts come by {', '.join(channels)}",
                                   {"target": target.channel})
    wanted = {t.channel for t in targets}
    for kind in scenario.contact_types:
        if kind.channel in wanted and not serving_groups(scenario, [kind]):
            raise ValidationFailed(f"no agent group can ever take {kind.name!r} "
                                   f"({kind.channel}): its {kind.channel} target cannot be met",
                                   {"target": kind.channel})


def _finally_relaxed(scenario: Scenario, kind: ContactType) -> TicketRequirements:
    ticket = TicketRequirements(0, kind.channel, 0.0, tuple(SkillNeed(n.skill, n.min_level)
                                                            for n in kind.needs),
                                kind.language, kind.tier)
    return scenario.policy.relaxed(ticket, len(scenario.policy.relaxation))


def serving_groups(scenario: Scenario, kinds: Iterable[ContactType]) -> list[int]:
    """Indexes of the groups whose agents could take some contact of ``kinds`` (relaxed as
    far as the routing policy ever relaxes them)."""
    tickets = [_finally_relaxed(scenario, kind) for kind in kinds]
    return [index for index, group in enumerate(scenario.groups)
            if group.profiles and any(serves(group.profiles[0], t) for t in tickets)]


def concurrency(group: AgentGroup, channel: str) -> int:
    """Contacts of ``channel`` one agent of the group holds at once (0: none)."""
    profile = group.profiles[0]
    cost = profile.cost_of(channel)
    return profile.capacity // cost if cost else 0


def _channel_loads(scenario: Scenario, channel: str) -> list[tuple[float, float]]:
    """(arrivals, mean handling) of each interval of the day on one channel."""
    kinds = [k for k in scenario.contact_types if k.channel == channel]
    loads = []
    for interval in range(max(len(k.rates) for k in scenario.contact_types)):
        rates = [(k.rates[interval] if interval < len(k.rates) else 0.0, k.handling.mean_s)
                 for k in kinds]
        arrivals = sum(r for r, _ in rates)
        work = sum(r * h for r, h in rates)
        loads.append((arrivals, work / arrivals if arrivals else kinds[0].handling.mean_s))
    return loads


def day_service_level(loads: Sequence[tuple[float, float]], interval_s: float, servers: int,
                      within_s: float) -> float:
    """Erlang C's service level over the day: each interval's, weighted by its arrivals."""
    total = sum(a for a, _ in loads)
    if total == 0:
        return 1.0
    return sum(a * erlang_c(Load(a, interval_s, aht), servers, within_s).service_level
               for a, aht in loads if a > 0) / total


def _servers_for(loads: Sequence[tuple[float, float]], interval_s: float,
                 target: ChannelTarget, peak: float) -> int:
    servers = max(1, math.floor(peak))
    while day_service_level(loads, interval_s, servers, target.within_s) \
            < (target.service_level or 0.0):
        servers += 1
    return servers


def analytical_bound(scenario: Scenario, targets: Sequence[ChannelTarget]) -> dict[str, Any]:
    """Erlang C per channel with its concurrency, and the offered load of all channels."""
    channels: dict[str, Any] = {}
    load_agents = 0.0
    bound = 0
    for channel in sorted({t.channel for t in scenario.contact_types}):
        loads = _channel_loads(scenario, channel)
        erlangs = [a * h / scenario.interval_s for a, h in loads]
        mean = sum(erlangs) / len(erlangs)
        kinds = [k for k in scenario.contact_types if k.channel == channel]
        each = [concurrency(scenario.groups[g], channel) for g in serving_groups(scenario, kinds)]
        most = max(each, default=1) or 1
        load_agents += mean / most
        servers = max((_servers_for(loads, scenario.interval_s, t, max(erlangs))
                       for t in targets if t.channel == channel and t.service_level is not None),
                      default=math.ceil(mean))
        agents = math.ceil(servers / most)
        bound = max(bound, agents)
        channels[channel] = {"mean_erlangs": round(mean, 4), "peak_erlangs": round(max(erlangs), 4),
                             "concurrency": most, "erlang_c_servers": servers,
                             "erlang_c_agents": agents}
    load = math.ceil(load_agents - 1e-9)
    return {"agents": max(bound, load), "load_agents": load, "channels": channels}
