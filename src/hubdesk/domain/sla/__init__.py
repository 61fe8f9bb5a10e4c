"""Service-level agreements: policies (`policies`), clocks (`clocks`) and the rules by which a
ticket's changes move them (`ticket_rules`). Pure computation over business calendars."""

from hubdesk.domain.sla.clocks import ClockEntry, ClockStatus, Risk, RiskChange, SlaClock
from hubdesk.domain.sla.policies import (
    ALWAYS_OPEN,
    DEFAULT_LADDER,
    LadderStep,
    NamedCalendar,
    SlaPolicy,
    SlaTarget,
    StepAction,
    TicketFacts,
    match_policy,
)
from hubdesk.domain.sla.ticket_rules import Governing, TicketClocks

__all__ = ["ALWAYS_OPEN", "DEFAULT_LADDER", "ClockEntry", "ClockStatus", "Governing",
           "LadderStep", "NamedCalendar", "Risk", "RiskChange", "SlaClock", "SlaPolicy",
           "SlaTarget", "StepAction", "TicketClocks", "TicketFacts", "match_policy"]
