"""An explainable routing decision: who got the ticket, who came close, and why others did not."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import NamedTuple

from hubdesk.domain.routing.constraints import Exclusion
from hubdesk.domain.routing.scoring import ScoreParts


class Candidate(NamedTuple):
    agent_id: int
    score: ScoreParts


@dataclass(frozen=True)
class RoutingDecision:
    """Why a ticket went where it went (or waits).

    ``candidates`` are the best eligible agents, best first, with their score parts;
    ``excluded`` groups the agents the indexes offered but a constraint then excluded;
    ``screened_out`` counts, among online agents, those the indexes left out for each indexed
    constraint (and the offline ones), so a decision costs the same for 10 or 10,000 agents —
    `Router.explain` names every agent. ``mode`` is push, pull, batch or offer (waiting work
    given to an agent the moment they had room).
    """

    ticket_id: int
    decided_at: float
    agent_id: int | None
    mode: str = "push"
    candidates: tuple[Candidate, ...] = ()
    excluded: Mapping[Exclusion, tuple[int, ...]] = field(default_factory=dict)
    screened_out: Mapping[str, int] = field(default_factory=dict)
    relaxations: tuple[str, ...] = ()
    wellbeing_guarded: tuple[int, ...] = ()
    cooldown_suggested: bool = False
    unroutable: str | None = None

    @property
    def routed(self) -> bool:
        return self.agent_id is not None

    def to_dict(self) -> dict[str, object]:
        return {
            "ticket_id": self.ticket_id, "decided_at": self.decided_at,
            "agent_id": self.agent_id, "mode": self.mode,
            "candidates": [{"agent_id": c.agent_id, **c.score.to_dict()}
                           for c in self.candidates],
            "excluded": {str(reason): list(agents) for reason, agents in self.excluded.items()},
            "screened_out": dict(self.screened_out),
            "relaxations": list(self.relaxations),
            "wellbeing_guarded": list(self.wellbeing_guarded),
            "cooldown_suggested": self.cooldown_suggested,
            "unroutable": self.unroutable,
        }
