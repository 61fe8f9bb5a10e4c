"""Routing: who should serve a ticket, and which ticket an agent should take next.

Pure policy, standard library only. See `router.py` (push), `queue.py` (pull), `dispatcher.py`
(both together) and `scoring.py` (the score's parts).
"""

from hubdesk.domain.routing.constraints import Exclusion, first_exclusion
from hubdesk.domain.routing.decision import Candidate, RoutingDecision
from hubdesk.domain.routing.dispatcher import Dispatcher
from hubdesk.domain.routing.policy import (
    Relax,
    RelaxationStep,
    RoutingPolicy,
    ScoreWeights,
    WellbeingPolicy,
)
from hubdesk.domain.routing.profiles import (
    DEFAULT_CHANNEL_COSTS,
    AgentProfile,
    Presence,
    Shift,
    instant,
)
from hubdesk.domain.routing.queue import WaitingQueue, serves
from hubdesk.domain.routing.requirements import (
    PRIORITY_RANK,
    CategoryRule,
    SkillMap,
    SkillNeed,
    TicketRequirements,
)
from hubdesk.domain.routing.roster import Roster
from hubdesk.domain.routing.router import Router
from hubdesk.domain.routing.scoring import ScoreParts, score_parts
from hubdesk.domain.routing.state import AgentState

__all__ = [
    "DEFAULT_CHANNEL_COSTS", "PRIORITY_RANK", "AgentProfile", "AgentState", "Candidate",
    "CategoryRule", "Dispatcher", "Exclusion", "Presence", "Relax", "RelaxationStep", "Roster",
    "Router", "RoutingDecision", "RoutingPolicy", "ScoreParts", "ScoreWeights", "Shift",
    "SkillMap", "SkillNeed", "TicketRequirements", "WaitingQueue", "WellbeingPolicy",
    "first_exclusion", "instant", "score_parts", "serves",
]
