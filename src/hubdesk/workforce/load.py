"""The offered load of one interval, in explicit units, validated once for every queue model."""

from __future__ import annotations

import math
from dataclasses import dataclass

from hubdesk.domain.errors import ValidationFailed


def require_finite(name: str, value: float, *, positive: bool = False) -> float:
    """Refuse NaN, infinities and negatives (and zero when ``positive``) with a clear message."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationFailed(f"{name} must be a number, not {value!r}", {name: "not a number"})
    if not math.isfinite(value):
        raise ValidationFailed(f"{name} must be a finite number, not {value}", {name: "not finite"})
    if value < 0 or (positive and value == 0):
        need = "greater than zero" if positive else "zero or more"
        raise ValidationFailed(f"{name} must be {need}, not {value}", {name: f"must be {need}"})
    return float(value)


@dataclass(frozen=True)
class Load:
    """Contacts arriving in one interval and the work each brings.

    ``arrivals`` is the expected number of contacts in the interval of ``interval_s`` seconds;
    ``aht_s`` is the average handle time of one contact in seconds.
    """

    arrivals: float
    interval_s: float
    aht_s: float

    def __post_init__(self) -> None:
        require_finite("arrivals", self.arrivals)
        require_finite("interval_s", self.interval_s, positive=True)
        require_finite("aht_s", self.aht_s, positive=True)

    @property
    def arrival_rate(self) -> float:
        """Contacts per second."""
        return self.arrivals / self.interval_s

    @property
    def erlangs(self) -> float:
        """Offered traffic: the number of agents that would be busy all the time on average."""
        return self.arrival_rate * self.aht_s


def require_agents(agents: int) -> int:
    if isinstance(agents, bool) or not isinstance(agents, int) or agents < 1:
        raise ValidationFailed(f"agents must be a whole number of at least 1, not {agents!r}",
                               {"agents": "at least 1"})
    return agents


def erlang_b_step(previous: float, servers: int, erlangs: float) -> float:
    """Erlang B blocking for ``servers`` from the value for ``servers - 1``.

    The recursion B(n) = A·B(n-1) / (n + A·B(n-1)) stays in (0, 1], so it never overflows
    however many servers or erlangs there are, unlike the factorial form.
    """
    carried = erlangs * previous
    return carried / (servers + carried)


def erlang_b(servers: int, erlangs: float) -> float:
    blocking = 1.0
    for n in range(1, servers + 1):
        blocking = erlang_b_step(blocking, n, erlangs)
    return blocking
