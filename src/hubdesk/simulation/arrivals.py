"""Every contact of a run drawn up front with numpy's Generator, as plain lists.

Drawing all contacts before the run keeps random numbers out of the event loop, and lets every
policy face exactly the same contacts (same seed, same arrivals, same handling and patience).
Arrivals are Poisson with a constant rate inside each interval: the count of an interval is
Poisson, its instants uniform within it. The day's pattern repeats until ``customers`` have
arrived (or runs once when no count is asked).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hubdesk.simulation.scenario import Duration, Scenario


@dataclass(frozen=True)
class Contacts:
    arrival: list[float]
    kind: list[int]  # index into the scenario's contact types
    handle_s: list[float]
    patience_s: list[float]  # infinity: never gives up
    difficult: list[bool]
    vip: list[int]
    days: int

    def __len__(self) -> int:
        return len(self.arrival)


def _draw(rng: np.random.Generator, duration: Duration, size: int) -> NDArray[np.float64]:
    if duration.distribution == "exponential":
        return rng.exponential(duration.mean_s, size)
    sigma2 = math.log1p((duration.sd_s / duration.mean_s) ** 2)
    return rng.lognormal(math.log(duration.mean_s) - sigma2 / 2, math.sqrt(sigma2), size)


def draw_contacts(scenario: Scenario, seed: int, customers: int | None = None) -> Contacts:
    rng = np.random.default_rng(seed)
    interval = scenario.interval_s
    times: list[NDArray[np.float64]] = []
    kinds: list[NDArray[np.int64]] = []
    total = 0
    day = 0
    while True:
        for kind, contact in enumerate(scenario.contact_types):
            counts = rng.poisson(np.asarray(contact.rates))
            starts = np.repeat(np.arange(len(contact.rates)) * interval, counts)
            arrivals = day * scenario.day_s + starts + rng.random(int(counts.sum())) * interval
            times.append(arrivals)
            kinds.append(np.full(arrivals.size, kind))
            total += arrivals.size
        day += 1
        if customers is None or total >= customers or day > 100_000:
            break
    arrival = np.concatenate(times)
    kind_of = np.concatenate(kinds)
    order = np.argsort(arrival, kind="stable")
    if customers is not None:
        order = order[:customers]
    arrival, kind_of = arrival[order], kind_of[order]
    size = arrival.size
    handle = np.empty(size)
    patience = np.full(size, np.inf)
    difficult = np.zeros(size, dtype=bool)
    vip = np.zeros(size, dtype=np.int64)
    for kind, contact in enumerate(scenario.contact_types):
        mask = kind_of == kind
        count = int(mask.sum())
        handle[mask] = _draw(rng, contact.handling, count)
        if contact.patience is not None:
            patience[mask] = _draw(rng, contact.patience, count)
        difficult[mask] = rng.random(count) < contact.difficult_share
        vip[mask] = rng.random(count) < contact.vip_share
    return Contacts(arrival.tolist(), kind_of.tolist(), handle.tolist(), patience.tolist(),
                    difficult.tolist(), vip.tolist(), day)
