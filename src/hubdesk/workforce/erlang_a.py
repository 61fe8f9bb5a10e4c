"""Erlang A (M/M/n+M, Palm's model): contacts who wait too long give up.

Patience is exponential with mean ``patience_s`` (rate θ); service rate μ = 1/AHT, arrival rate
λ. Sources: C. Palm (1943); O. Garnett, A. Mandelbaum & M. Reiman, "Designing a call center with
impatient customers" (2002); A. Mandelbaum & S. Zeltyn, "The M/M/n+G queue: summary of
performance measures" (technical note, Technion).

With x = λ/θ and y = nμ/θ, the birth–death chain gives, for a contact arriving to find every
agent busy, an offered wait V whose density is proportional to exp(λ(1 − e^(−θv))/θ − nμv).
Substituting u = e^(−θv) turns every measure into a lower incomplete gamma function γ(a, z):

* S = Σ_j x^j / ((y+1)…(y+j)) = Γ(y+1)·e^x·x^(−y)·P(y, x), with P the regularised γ;
* P(wait) = B·S / (1 − B + B·S), B the Erlang B blocking of n agents for A = λ/μ erlangs;
* P(answered | wait) = (y/x)·P(y+1, x) / P(y, x);
* P(answered within t | wait) = (y/x)·[P(y+1, x) − P(y+1, x·e^(−θt))] / P(y, x);
* P(abandon) = P(wait)·(1 − P(answered | wait)); mean wait of all arrivals, abandoning ones up
  to their abandonment, = P(abandon)/θ (Little's law on the queue); occupancy =
  λ·(1 − P(abandon))·AHT / n.

Everything is evaluated in logarithms, so hundreds of agents and thousands of erlangs neither
overflow nor underflow; where P underflows (far fewer waiting contacts than agents could absorb)
its series is summed directly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from hubdesk.domain.errors import ValidationFailed
from hubdesk.workforce.load import Load, erlang_b, erlang_b_step, require_agents, require_finite
from hubdesk.workforce.targets import MAX_AGENTS, Requirement, Target, rostered_staff

_SMALLEST_TRUSTED = 1e-280


@dataclass(frozen=True)
class ErlangA:
    agents: int
    erlangs: float
    p_wait: float
    p_abandon: float
    service_level: float
    asa_s: float
    occupancy: float


def _log_kummer_series(a: float, z: float) -> float:
    """log Σ_j z^j / ((a+1)…(a+j)); only called where z is far below a, so it converges fast."""
    total, term = 1.0, 1.0
    for j in range(1, 100_000):
        term *= z / (a + j)
        total += term
        if term < 1e-17 * total:
            break
    return math.log(total)


def log_regularized_gamma(a: float, z: float) -> float:
    """log P(a, z), the regularised lower incomplete gamma function, without underflow."""
    if z <= 0:
        return -math.inf
    from scipy.special import gammainc  # here, not at the top: a server rarely needs SciPy

    value = float(gammainc(a, z))
    if value > _SMALLEST_TRUSTED:
        return math.log(value)
    return -z + a * math.log(z) - math.lgamma(a + 1) + _log_kummer_series(a, z)


def _measures(load: Load, agents: int, blocking: float, patience_s: float,
              answer_within_s: float) -> ErlangA:
    rate, theta = load.arrival_rate, 1 / patience_s
    if rate == 0:
        return ErlangA(agents, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0)
    if blocking == 0:
        # So many agents for so little traffic that the Erlang B term underflows: nobody waits.
        return ErlangA(agents, load.erlangs, 0.0, 0.0, 1.0, 0.0, load.erlangs / agents)
    x = rate / theta
    y = agents / load.aht_s / theta
    log_p_y = log_regularized_gamma(y, x)
    log_p_y1 = log_regularized_gamma(y + 1, x)
    log_s = math.lgamma(y + 1) + x - y * math.log(x) + log_p_y
    # P(wait) = 1 / (1 + (1 − B) / (B·S)), written so that a huge S cannot overflow.
    p_wait = 1 / (1 + (1 - blocking) / blocking * math.exp(-log_s))
    answered_if_waiting = math.exp(math.log(y / x) + log_p_y1 - log_p_y)
    late_share = math.exp(log_regularized_gamma(y + 1, x * math.exp(-theta * answer_within_s))
                          - log_p_y1)
    answered_in_time = answered_if_waiting * max(0.0, 1 - late_share)
    p_abandon = p_wait * max(0.0, 1 - answered_if_waiting)
    return ErlangA(
        agents=agents,
        erlangs=load.erlangs,
        p_wait=p_wait,
        p_abandon=p_abandon,
        service_level=(1 - p_wait) + p_wait * answered_in_time,
        asa_s=p_abandon * patience_s,
        occupancy=min(1.0, rate * (1 - p_abandon) * load.aht_s / agents),
    )


def erlang_a(load: Load, agents: int, patience_s: float,
             answer_within_s: float = 20.0) -> ErlangA:
    """Queue measures with abandonment; the service level counts contacts answered within
    ``answer_within_s`` among all arrivals (those who give up are not answered)."""
    require_agents(agents)
    require_finite("patience_s", patience_s, positive=True)
    require_finite("answer_within_s", answer_within_s)
    return _measures(load, agents, erlang_b(agents, load.erlangs), patience_s, answer_within_s)


def meets(measures: ErlangA, target: Target) -> bool:
    if measures.occupancy > target.max_occupancy:
        return False
    if target.service_level is not None and measures.service_level < target.service_level:
        return False
    if target.max_abandon is not None and measures.p_abandon > target.max_abandon:
        return False
    return target.max_asa_s is None or measures.asa_s <= target.max_asa_s


def _fewest_possible(load: Load, target: Target, patience_s: float) -> int:
    """No team answers more than it can serve: answering a share s of arrivals needs at least
    s·A agents. Skipping the counts below saves the gamma functions there."""
    answered = 0.0
    if target.service_level is not None:
        answered = target.service_level
    if target.max_abandon is not None:
        answered = max(answered, 1 - target.max_abandon)
    if target.max_asa_s is not None:
        answered = max(answered, 1 - target.max_asa_s / patience_s)
    return max(1, math.floor(answered * load.erlangs))


def required_agents(load: Load, target: Target, patience_s: float,
                    shrinkage: float = 0.0) -> Requirement:
    """The fewest agents meeting every goal when contacts abandon after ``patience_s`` on
    average, and the staff to roster for them."""
    require_finite("patience_s", patience_s, positive=True)
    rostered_staff(0, shrinkage)
    if load.arrivals == 0:
        return Requirement(0, 0.0, 0, 1.0, 0.0, 0.0, 0.0, 0.0)
    blocking = 1.0
    fewest = _fewest_possible(load, target, patience_s)
    for agents in range(1, MAX_AGENTS + 1):
        blocking = erlang_b_step(blocking, agents, load.erlangs)
        if agents < fewest:
            continue
        measures = _measures(load, agents, blocking, patience_s, target.answer_within_s)
        if meets(measures, target):
            staff, rounded = rostered_staff(agents, shrinkage)
            return Requirement(agents, staff, rounded, measures.service_level, measures.asa_s,
                               measures.occupancy, measures.p_wait, measures.p_abandon)
    raise ValidationFailed(f"no team of up to {MAX_AGENTS} agents meets this target",
                           {"target": "unreachable"})
