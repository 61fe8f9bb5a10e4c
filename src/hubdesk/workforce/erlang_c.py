"""Erlang C (M/M/n): contacts wait in an unlimited queue and never give up.

Formulas (A.K. Erlang, 1917; as in Cooper, *Introduction to Queueing Theory*, and Gans, Koole &
Mandelbaum, "Telephone call centers: tutorial, review and research prospects", 2003), for offered
traffic A erlangs and n agents:

* P(wait) = C(n, A) = n·B / (n − A·(1 − B)), with B the Erlang B blocking, computed by the
  recursion in ``load.erlang_b_step`` (no factorials, so no overflow);
* service level within t = 1 − C·exp(−(n − A)·t / AHT);
* average speed of answer (all contacts) = C·AHT / (n − A);
* occupancy = A / n.

With n ≤ A the queue grows without bound: P(wait) = 1, the service level is 0 and the speed of
answer infinite.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.load import Load, erlang_b, erlang_b_step, require_agents, require_finite
from hubdesk.workforce.targets import MAX_AGENTS, Requirement, Target, rostered_staff


@dataclass(frozen=True)
class ErlangC:
    agents: int
    erlangs: float
    p_wait: float
    service_level: float
    asa_s: float
    occupancy: float


def _from_blocking(load: Load, agents: int, blocking: float, answer_within_s: float) -> ErlangC:
    traffic = load.erlangs
    if traffic == 0:
        return ErlangC(agents, 0.0, 0.0, 1.0, 0.0, 0.0)
    if agents <= traffic:
        return ErlangC(agents, traffic, 1.0, 0.0, math.inf, 1.0)
    p_wait = agents * blocking / (agents - traffic * (1 - blocking))
    spare = agents - traffic
    service_level = 1 - p_wait * math.exp(-spare * answer_within_s / load.aht_s)
    asa_s = p_wait * load.aht_s / spare
    return ErlangC(agents, traffic, p_wait, service_level, asa_s, traffic / agents)


def erlang_c(load: Load, agents: int, answer_within_s: float = 20.0) -> ErlangC:
    """Queue measures for ``agents`` answering ``load``; service level within the given time."""
    require_agents(agents)
    require_finite("answer_within_s", answer_within_s)
    return _from_blocking(load, agents, erlang_b(agents, load.erlangs), answer_within_s)


def meets(measures: ErlangC, target: Target) -> bool:
    if measures.occupancy > target.max_occupancy:
        return False
    if target.service_level is not None and measures.service_level < target.service_level:
        return False
    return target.max_asa_s is None or measures.asa_s <= target.max_asa_s


def required_agents(load: Load, target: Target, shrinkage: float = 0.0) -> Requirement:
    """The fewest agents meeting every goal of ``target``, and the staff to roster for them.

    Agents are tried upwards from one; the Erlang B value is carried from one count to the next,
    so the whole search costs as much as one evaluation at the answer.
    """
    if target.max_abandon is not None:
        raise ValidationFailed("Erlang C has no abandonment: give a patience to use Erlang A",
                               {"max_abandon": "needs a patience"})
    rostered_staff(0, shrinkage)
    if load.erlangs == 0:
        return Requirement(0, 0.0, 0, 1.0, 0.0, 0.0, 0.0)
    blocking = 1.0
    for agents in range(1, MAX_AGENTS + 1):
        blocking = erlang_b_step(blocking, agents, load.erlangs)
        if agents <= load.erlangs:
            continue
        measures = _from_blocking(load, agents, blocking, target.answer_within_s)
        if meets(measures, target):
            staff, rounded = rostered_staff(agents, shrinkage)
            return Requirement(agents, staff, rounded, measures.service_level, measures.asa_s,
                               measures.occupancy, measures.p_wait)
    raise ValidationFailed(f"no team of up to {MAX_AGENTS} agents meets this target",
                           {"target": "unreachable"})
