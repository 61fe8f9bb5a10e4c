"""Breach forecasts in a simulated day, scored against what then happened.

When a waiting contact has used ``share`` of its SLA, the watch forecasts whether it will
breach from what a desk would know at that instant: the line ahead of it and the agents who
could take it (`domain/routing/outlook`), and the mean handling time of the contacts of its
channel finished so far (never the scenario's own figures). After the run each forecast is
compared with the outcome: a breach is an answer after the SLA, or none at all, as the
report counts it. A fixed threshold, which warns about every contact still waiting at the same
instant, is scored beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hubdesk.domain.routing.outlook import line_outlooks
from hubdesk.domain.sla.prediction import breach_probability, score
from hubdesk.simulation.policies import Policy


@dataclass
class BreachWatch:
    share: float = 0.75  # of the SLA used when the forecast is made (the warning step)
    threshold: float = 0.5  # forecast a breach at this probability or above
    _handled: dict[str, list[float]] = field(default_factory=dict)
    forecasts: list[tuple[int, float]] = field(default_factory=list)  # (contact, probability)
    unforecast: int = 0  # waiting at the instant, but no handling history yet

    def finished(self, channel: str, handle_s: float) -> None:
        totals = self._handled.setdefault(channel, [0.0, 0])
        totals[0] += handle_s
        totals[1] += 1

    def _mean_handle_s(self, channel: str) -> float:
        total, count = self._handled.get(channel) or (0.0, 0)
        if count:
            return total / count
        every = sum(t for t, _ in self._handled.values())
        return every / sum(n for _, n in self._handled.values())

    def forecast(self, policy: Policy, contact: int, now: float, deadline: float) -> None:
        if not self._handled:
            self.unforecast += 1
            return
        outlooks = line_outlooks(policy.router.roster, list(policy.queue.ordered()), now,
                                 self._mean_handle_s, {contact: deadline - now})
        outlook = outlooks.get(contact)
        if outlook is None:  # no longer waiting in the queue (being re-filed)
            self.unforecast += 1
            return
        self.forecasts.append((contact, breach_probability(outlook)))

    def scored(self, wait_s: list[float], sla_s: list[float]) -> dict[str, Any]:
        """Precision and recall of the forecasts, and of warning every waiting contact."""
        def breached(contact: int) -> bool:
            return wait_s[contact] < 0 or wait_s[contact] > sla_s[contact]

        outcomes = [(p >= self.threshold, breached(c)) for c, p in self.forecasts]
        everyone = [(True, happened) for _, happened in outcomes]
        return {"warn_at_share": self.share, "threshold": self.threshold,
                "unforecast": self.unforecast, **score(outcomes).to_dict(),
                "fixed_threshold": score(everyone).to_dict()}
