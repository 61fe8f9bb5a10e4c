"""Measures of a run, every rate a fraction between 0 and 1.

* service level: contacts answered within their channel's target, out of all offered;
* ASA: mean wait of the answered; P(wait): share of offered contacts that did not get an agent
  at once (waited, abandoned or never answered);
* abandonment; SLA breaches (answered after the contact type's SLA, or never);
* occupancy: capacity-weighted busy time over staffed time;
* load fairness: the Gini coefficient of each agent's busy share of their staffed time
  (0: all equally loaded);
* wellbeing: the 95th percentile over agents of difficult contacts handled.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from hubdesk.simulation.arrivals import Contacts
from hubdesk.simulation.engine import Outcome
from hubdesk.simulation.scenario import Scenario


def gini(values: list[float]) -> float:
    data = np.sort(np.asarray(values, dtype=float))
    if data.size == 0 or data.sum() == 0:
        return 0.0
    ranks = np.arange(1, data.size + 1)
    size = data.size
    return float(2 * (ranks * data).sum() / (size * data.sum()) - (size + 1) / size)


def summarise(scenario: Scenario, contacts: Contacts, outcome: Outcome) -> dict[str, Any]:
    wait = np.asarray(outcome.wait_s)
    kinds = np.asarray(contacts.kind)
    offered = wait.size
    answered = wait >= 0
    abandoned = np.frombuffer(bytes(outcome.abandoned), dtype=np.uint8).astype(bool)
    targets = np.asarray([scenario.service_level_s[t.channel] for t in scenario.contact_types])
    sla = np.asarray([t.sla_s for t in scenario.contact_types])
    in_time = answered & (wait <= targets[kinds])
    staffed = outcome.agent_staffed_s
    loads = [outcome.agent_work[a] / staffed[a] for a in staffed if staffed[a] > 0]
    difficult = list(outcome.agent_difficult.values())
    per_channel = {}
    for channel in sorted({t.channel for t in scenario.contact_types}):
        mine = np.isin(kinds, [k for k, t in enumerate(scenario.contact_types)
                               if t.channel == channel])
        per_channel[channel] = {
            "contacts": int(mine.sum()),
            "service_level": _share(in_time[mine]),
            "asa_s": float(wait[mine & answered].mean()) if (mine & answered).any() else 0.0}
    total_staffed = sum(staffed.values())
    return {
        "policy": outcome.policy,
        "contacts": offered,
        "answered": int(answered.sum()),
        "service_level": _share(in_time),
        "asa_s": float(wait[answered].mean()) if answered.any() else 0.0,
        "p_wait": _share(~answered | (wait > 1e-9)),
        "abandonment": _share(abandoned),
        "unanswered": _share(~answered & ~abandoned),
        "sla_breaches": _share(~answered | (wait > sla[kinds])),
        "occupancy": sum(outcome.agent_work.values()) / total_staffed if total_staffed else 0.0,
        "fairness_gini": gini(loads),
        "difficult_p95_per_agent": float(np.percentile(difficult, 95)) if difficult else 0.0,
        "difficult_max_per_agent": max(difficult, default=0),
        "channels": per_channel,
        "simulated_s": outcome.end_s,
    }


def _share(mask: np.ndarray[Any, Any]) -> float:
    return float(mask.mean()) if mask.size else 0.0
