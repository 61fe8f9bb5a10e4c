"""Will a waiting ticket get its answer before the deadline? A forecast from the line ahead of it.

A fixed threshold ("75 % of the time used") says the same of a ticket first in line with three
agents idle and of one behind forty others with everyone busy. This looks at the line instead.

The ticket is answered once the agents who could take it have started everything ahead of it.
Say ``free`` of their slots (contacts they could take on top of what they hold) are open now
and ``busy`` are taken. The first ``free`` tickets of the line start at once; every later start
waits for a taken slot to finish. With handling times around the desk's historical mean, those
finishes come as a Poisson stream of rate ``busy / mean``, so the wait for the n-th is
Erlang-distributed and the chance that the ticket still waits at its deadline is a Poisson tail:

    P(breach) = P(fewer than n finishes within the time left) = sum_{i<n} e^-x x^i / i!,
    x = busy * time_left / mean_handle,  n = ahead + 1 - free.

Slots shared with other lines are counted whole here, so the tickets of those lines that come
first belong in ``ahead`` (`lines_ahead` counts them). Nobody able to take it at all (no slot,
free or busy) means it cannot be answered in time: the probability is 1.

A ticket already assigned waits for its assignee alone (`pile_outlook`): the first of their
pile of unanswered tickets, the earliest deadline first, can start now, every later one once
they finish the one before — the same tail with one free and one busy slot and ``ahead`` the
tickets of theirs due earlier.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from hubdesk.domain.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class LineOutlook:
    """What is known about the work ahead of one waiting ticket."""

    time_left_s: float  # until its deadline, in the time agents work (business time)
    ahead: int  # tickets the same agents will start before it
    free_slots: int  # contacts of its kind the agents could start now
    busy_slots: int  # slots taken, each freeing when its work is done
    mean_handle_s: float  # the desk's recent mean handling time for such work
    # Of the time left, how much passes before anyone can start (an assignee away); infinite:
    # not known to come back.
    away_s: float = 0.0

    def __post_init__(self) -> None:
        for name in ("ahead", "free_slots", "busy_slots"):
            value = getattr(self, name)
            if value < 0:
                raise ValidationFailed(f"{name} cannot be negative", {name: "negative"})
        if not self.mean_handle_s > 0:
            raise ValidationFailed("the mean handling time must be above zero",
                                   {"mean_handle_s": "not positive"})
        if self.away_s < 0:
            raise ValidationFailed("the time away cannot be negative", {"away_s": "negative"})

    @property
    def starts_needed(self) -> int:
        """How many taken slots must free before this ticket starts (0: it can start now)."""
        return max(0, self.ahead + 1 - self.free_slots)

    @property
    def working_s(self) -> float:
        """The time left in which work can be done."""
        return self.time_left_s - self.away_s

    @property
    def expected_wait_s(self) -> float:
        needed = self.starts_needed
        if needed == 0:
            return self.away_s
        if self.busy_slots == 0:
            return math.inf
        return self.away_s + needed * self.mean_handle_s / self.busy_slots


def pile_outlook(time_left_s: float, ahead: int, mean_handle_s: float,
                 away_s: float = 0.0) -> LineOutlook:
    """The outlook of an assigned ticket with ``ahead`` tickets of its assignee due earlier,
    its assignee away for ``away_s`` of the time left."""
    return LineOutlook(time_left_s, ahead, free_slots=1, busy_slots=1,
                       mean_handle_s=mean_handle_s, away_s=away_s)


# When an agent on a break or away has no scheduled break to end, they are taken to be back
# this long after it began.
TYPICAL_BREAK = timedelta(minutes=15)
# The values of `domain/routing/profiles.py` `Presence` (routing reads this module: no import
# back).
_ONLINE = "online"
_PAUSED = frozenset({"on_break", "away"})


def back_at(presence: str, now: datetime, *, since: datetime,
            break_ends_at: datetime | None = None, next_shift_at: datetime | None = None,
            typical_break: timedelta = TYPICAL_BREAK) -> datetime | None:
    """When an assignee works on their pile again: now when online; on a break or away, at
    the end of the break their published shift has under way, else a typical break after it
    began (now at the latest); offline, at the start of their next shift. None: not known
    to come back."""
    if presence == _ONLINE:
        return now
    if presence in _PAUSED:
        if break_ends_at is not None and break_ends_at > now:
            return break_ends_at
        return max(now, since + typical_break)
    return next_shift_at if next_shift_at is not None and next_shift_at > now else None


def breach_probability(outlook: LineOutlook) -> float:
    """The chance the ticket is still waiting when its time runs out, between 0 and 1."""
    if outlook.working_s <= 0:
        return 1.0
    needed = outlook.starts_needed
    if needed == 0:
        return 0.0
    if outlook.busy_slots == 0:
        return 1.0
    return poisson_below(needed, outlook.busy_slots * outlook.working_s
                         / outlook.mean_handle_s)


def poisson_below(count: int, mean: float) -> float:
    """P(N < count) for N Poisson with the given mean, summed in logarithms so that neither a
    long line nor a long horizon underflows."""
    if count <= 0:
        return 0.0
    if mean <= 0:
        return 1.0
    # Beyond a dozen standard deviations either side the terms do not show in a float.
    reach = 12 * math.sqrt(mean) + 30
    if count > mean + reach:
        return 1.0
    first = max(0, int(mean - reach))
    log_mean = math.log(mean)
    # The terms rise up to i ≈ mean and fall after; scale by the largest one for precision.
    peak = max(first, min(count - 1, int(mean)))
    log_peak = -mean + peak * log_mean - math.lgamma(peak + 1)
    total = 0.0
    for i in range(first, count):
        total += math.exp(-mean + i * log_mean - math.lgamma(i + 1) - log_peak)
    return min(1.0, total * math.exp(log_peak))


LineKey = TypeVar("LineKey", bound=Hashable)


def lines_ahead(waiting: Iterable[tuple[int, LineKey]],
                shares_agents: Mapping[LineKey, Sequence[LineKey]]) -> dict[int, int]:
    """For tickets given most urgent first as (ticket id, line), how many tickets of lines
    served by the same agents (its own line included) come before each.

    ``shares_agents[line]`` lists the lines whose agents overlap ``line``'s, itself included.
    Costs the number of tickets times the lines that share agents, not tickets squared.
    """
    seen: dict[LineKey, int] = {}
    ahead: dict[int, int] = {}
    for ticket_id, line in waiting:
        ahead[ticket_id] = sum(seen.get(other, 0) for other in shares_agents.get(line, (line,)))
        seen[line] = seen.get(line, 0) + 1
    return ahead


@dataclass(frozen=True, slots=True)
class PredictionScore:
    """How good "will breach" forecasts were against what happened."""

    forecasts: int
    predicted: int  # forecasts of a breach
    breached: int  # tickets that did breach
    hits: int  # forecast a breach and breached

    @property
    def precision(self) -> float:
        return self.hits / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.hits / self.breached if self.breached else 0.0

    def to_dict(self) -> dict[str, float | int]:
        return {"forecasts": self.forecasts, "predicted_breaches": self.predicted,
                "breaches": self.breached, "hits": self.hits,
                "precision": self.precision, "recall": self.recall}


def score(pairs: Iterable[tuple[bool, bool]]) -> PredictionScore:
    """Precision and recall of (forecast breach, did breach) pairs."""
    forecasts = predicted = breached = hits = 0
    for forecast, happened in pairs:
        forecasts += 1
        predicted += forecast
        breached += happened
        hits += forecast and happened
    return PredictionScore(forecasts, predicted, breached, hits)
