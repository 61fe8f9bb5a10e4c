"""Small builders for routing tests."""

from __future__ import annotations

from hubdesk.domain.routing import (
    AgentProfile,
    Dispatcher,
    Presence,
    Roster,
    Router,
    RoutingPolicy,
    SkillNeed,
    TicketRequirements,
)

NOW = 1_000_000.0


def agent(agent_id: int, skills: dict[str, int] | None = None, languages: str = "en",
          tier: int = 1, teams: str = "", capacity: int = 10, **more: object) -> AgentProfile:
    return AgentProfile(agent_id, skills or {"billing": 3}, frozenset(languages.split()), tier,
                        frozenset(teams.split()), capacity, **more)  # type: ignore[arg-type]


def ticket(ticket_id: int = 1, channel: str = "chat", needs: dict[str, int] | None = None,
           language: str | None = "en", arrived_at: float = NOW, **more: object
           ) -> TicketRequirements:
    return TicketRequirements(ticket_id, channel, arrived_at,
                              tuple(SkillNeed(s, lvl) for s, lvl in (needs or {}).items()),
                              language, **more)  # type: ignore[arg-type]


def router(*profiles: AgentProfile, policy: RoutingPolicy | None = None,
           online: bool = True) -> Router:
    roster = Roster()
    for profile in profiles:
        roster.add(profile, Presence.ONLINE if online else Presence.OFFLINE)
    return Router(roster, policy)


def dispatcher(*profiles: AgentProfile, policy: RoutingPolicy | None = None,
               record: bool = True) -> tuple[Dispatcher, list[object]]:
    decisions: list[object] = []
    return Dispatcher(router(*profiles, policy=policy),
                      record=decisions.append if record else None), decisions
