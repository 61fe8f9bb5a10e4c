"""The agents routing may choose from, indexed so a decision never scans the whole roster.

Indexes over *online* agents: by skill and minimum level (an agent at level 4 is in the sets of
levels 1–4), by language, by team, and per channel the agents with capacity left for one more
contact of it. Indexes over *everyone* answer whether anyone could ever serve a ticket.
"""

from __future__ import annotations

from collections.abc import Iterable

from hubdesk.domain.errors import Conflict, NotFound
from hubdesk.domain.routing.policy import WellbeingPolicy
from hubdesk.domain.routing.profiles import HIGHEST_PROFICIENCY, AgentProfile, Presence
from hubdesk.domain.routing.queue import serves
from hubdesk.domain.routing.requirements import SkillMap, TicketRequirements
from hubdesk.domain.routing.state import AgentState

_NOBODY: frozenset[int] = frozenset()


class _Index:
    __slots__ = ("channel", "language", "skill", "team")

    def __init__(self) -> None:
        self.skill: dict[str, list[set[int]]] = {}
        self.language: dict[str, set[int]] = {}
        self.team: dict[str, set[int]] = {}
        self.channel: dict[str, set[int]] = {}

    def add(self, profile: AgentProfile) -> None:
        agent = profile.agent_id
        for skill, level in profile.skills.items():
            levels = self.skill.setdefault(skill, [set() for _ in range(HIGHEST_PROFICIENCY + 1)])
            for at_least in range(1, level + 1):
                levels[at_least].add(agent)
        for language in profile.languages:
            self.language.setdefault(language, set()).add(agent)
        for team in profile.teams:
            self.team.setdefault(team, set()).add(agent)

    def discard(self, profile: AgentProfile) -> None:
        agent = profile.agent_id
        for skill in profile.skills:
            for members in self.skill[skill]:
                members.discard(agent)
        for language in profile.languages:
            self.language[language].discard(agent)
        for team in profile.teams:
            self.team[team].discard(agent)
        for members in self.channel.values():
            members.discard(agent)

    def sets_for(self, ticket: TicketRequirements) -> list[set[int]] | None:
        """The sets whose intersection holds the agents meeting these needs; None if one is
        certainly empty."""
        found: list[set[int]] = []
        if ticket.language is not None:
            members = self.language.get(ticket.language)
            if not members:
                return None
            found.append(members)
        if ticket.team is not None:
            members = self.team.get(ticket.team)
            if not members:
                return None
            found.append(members)
        for need in ticket.needs:
            levels = self.skill.get(need.skill)
            if levels is None or not levels[need.min_level]:
                return None
            found.append(levels[need.min_level])
        return found


class Roster:
    """Agents' profiles and live states; every change keeps the indexes true."""

    def __init__(self, profiles: Iterable[AgentProfile] = (), skill_map: SkillMap | None = None):
        self.skill_map = skill_map
        self.states: dict[int, AgentState] = {}
        self.online: set[int] = set()
        self._online = _Index()
        self._everyone = _Index()
        # Answers of `never_served_because` by ticket signature, until the roster changes.
        self._never_served: dict[tuple[object, ...], str | None] = {}
        for profile in profiles:
            self.add(profile)

    def __len__(self) -> int:
        return len(self.states)

    def state(self, agent_id: int) -> AgentState:
        try:
            return self.states[agent_id]
        except KeyError:
            raise NotFound(f"agent {agent_id} is not in the roster") from None

    def add(self, profile: AgentProfile, presence: Presence = Presence.OFFLINE) -> AgentState:
        if profile.agent_id in self.states:
            raise Conflict(f"agent {profile.agent_id} is already in the roster")
        if self.skill_map is not None:
            self.skill_map.require_known_all(profile.skills, "skills")
        state = AgentState(profile)
        self.states[profile.agent_id] = state
        self._never_served.clear()
        self._everyone.add(profile)
        for channel, cost in profile.channel_costs.items():
            self._online.channel.setdefault(channel, set())
            if cost <= profile.capacity:
                self._everyone.channel.setdefault(channel, set()).add(profile.agent_id)
        self.set_presence(profile.agent_id, presence)
        return state

    def update(self, profile: AgentProfile) -> AgentState:
        """A coordinator changed skills, capacity or the like; load and wellbeing are kept."""
        old = self.state(profile.agent_id)
        presence = old.presence
        self.remove(profile.agent_id)
        state = self.add(profile)
        for name in ("active", "load", "difficult_times", "difficult_count", "handled",
                     "handled_units", "last_assigned_at", "streak_started_at"):
            setattr(state, name, getattr(old, name))
        self.set_presence(profile.agent_id, presence)
        return state

    def remove(self, agent_id: int) -> AgentState:
        state = self.state(agent_id)
        self.set_presence(agent_id, Presence.OFFLINE)
        self._everyone.discard(state.profile)
        del self.states[agent_id]
        self._never_served.clear()
        return state

    def set_presence(self, agent_id: int, presence: Presence) -> None:
        state = self.state(agent_id)
        was_online = state.presence is Presence.ONLINE and agent_id in self.online
        state.presence = presence
        if presence is Presence.ONLINE and not was_online:
            self.online.add(agent_id)
            self._online.add(state.profile)
            self._refresh_capacity(state)
        elif presence is not Presence.ONLINE and was_online:
            self.online.discard(agent_id)
            self._online.discard(state.profile)

    def _refresh_capacity(self, state: AgentState) -> None:
        if state.presence is not Presence.ONLINE:
            return
        agent = state.profile.agent_id
        spare = state.profile.capacity - state.load
        channels = self._online.channel  # every channel of a roster agent has its set (`add`)
        for channel, cost in state.profile.channel_costs.items():
            if cost <= spare:
                channels[channel].add(agent)
            else:
                channels[channel].discard(agent)

    def take(self, agent_id: int, ticket: TicketRequirements, now: float) -> int:
        """Give ``ticket`` to the agent; refuses work beyond capacity. Returns its cost."""
        state = self.states.get(agent_id) or self.state(agent_id)
        profile = state.profile
        cost = profile.channel_costs.get(ticket.channel)
        if cost is None or state.load + cost > profile.capacity:
            raise Conflict(f"agent {agent_id} has no capacity left for this "
                           f"{ticket.channel} contact")
        if ticket.ticket_id in state.active:
            raise Conflict(f"ticket {ticket.ticket_id} is already with agent {agent_id}")
        state.take(ticket.ticket_id, cost, ticket.difficult, now)
        self._refresh_capacity(state)
        return cost

    def release(self, agent_id: int, ticket_id: int) -> bool:
        """The agent is done with the ticket (or it was taken away); False if they did not hold
        it."""
        state = self.states.get(agent_id) or self.state(agent_id)
        if state.give_back(ticket_id) is None:
            return False
        self._refresh_capacity(state)
        return True

    def pool(self, ticket: TicketRequirements) -> set[int] | frozenset[int]:
        """Online agents with capacity for the ticket's channel, its language, team and skills
        at their levels (shift, exclusions and tier are checked per candidate)."""
        free = self._online.channel.get(ticket.channel)
        if not free:
            return _NOBODY
        sets = self._online.sets_for(ticket)
        if sets is None:
            return _NOBODY
        if not sets:
            return free
        if len(sets) == 1:
            return sets[0] & free  # iterates the smaller of the two
        sets.append(free)
        sets.sort(key=len)
        return sets[0].intersection(*sets[1:])

    def wellbeing(self, now: float, policy: WellbeingPolicy) -> dict[str, object]:
        """Each agent's wellbeing record and each team's totals, for coordinators."""
        ordered = [self.states[agent] for agent in sorted(self.states)]
        teams: dict[str, dict[str, int]] = {}
        for state in ordered:
            for team in state.profile.teams:
                totals = teams.setdefault(team, dict.fromkeys(
                    ("agents", "difficult_today", "difficult_in_window", "guarded",
                     "cooldown_due"), 0))
                totals["agents"] += 1
                totals["difficult_today"] += state.difficult_count
                totals["difficult_in_window"] += state.recent_difficult(now, policy.window_s)
                totals["guarded"] += state.guarded(now, policy)
                totals["cooldown_due"] += state.cooldown_due(now, policy)
        agents = [state.report(now, policy) for state in ordered]
        return {"agents": agents, "teams": teams}

    def screened_out(self, ticket: TicketRequirements) -> dict[str, int]:
        """Among online agents, how many fail each indexed constraint (each counted alone)."""
        online = len(self.online)
        counts = {"offline": len(self.states) - online}
        if ticket.language is not None:
            counts["language"] = online - len(self._online.language.get(ticket.language, ()))
        if ticket.team is not None:
            counts["team"] = online - len(self._online.team.get(ticket.team, ()))
        for need in ticket.needs:
            levels = self._online.skill.get(need.skill)
            counts[f"skill:{need.skill}>={need.min_level}"] = \
                online - (len(levels[need.min_level]) if levels else 0)
        counts["capacity"] = online - len(self._online.channel.get(ticket.channel, ()))
        return counts

    def never_served_because(self, ticket: TicketRequirements) -> str | None:
        """Why no agent in the roster, whatever their presence or load, could serve the ticket;
        None when someone could."""
        signature = ticket.signature()
        if signature not in self._never_served:
            self._never_served[signature] = self._never_served_because(ticket)
        found = self._never_served[signature]
        if found is None and ticket.excluded_agents:
            return self._only_excluded_serve(ticket)
        return found

    def _only_excluded_serve(self, ticket: TicketRequirements) -> str | None:
        """Why nobody but agents the ticket excludes could serve it; None when someone could."""
        shunned = ticket.excluded_agents
        if any(agent_id not in shunned and serves(state.profile, ticket)
               for agent_id, state in self.states.items()):
            return None
        return "the only agents who could serve it are excluded at the customer's request"

    def _never_served_because(self, ticket: TicketRequirements) -> str | None:
        everyone = self._everyone
        checks: list[tuple[str, set[int]]] = []
        if ticket.language is not None:
            checks.append((f"no agent speaks {ticket.language!r}",
                           everyone.language.get(ticket.language, set())))
        if ticket.team is not None:
            checks.append((f"no agent is in team {ticket.team!r}",
                           everyone.team.get(ticket.team, set())))
        for need in ticket.needs:
            levels = everyone.skill.get(need.skill)
            checks.append((f"no agent has {need.skill!r} at level {need.min_level} or above",
                           levels[need.min_level] if levels else set()))
        checks.append((f"no agent takes {ticket.channel!r} contacts",
                       everyone.channel.get(ticket.channel, set())))
        for reason, members in checks:
            if not members:
                return reason
        together = set.intersection(*(members for _, members in checks))
        if not any(self.states[a].profile.tier >= ticket.tier for a in together):
            if not together:
                return "no single agent combines " + ", ".join(
                    reason.removeprefix("no agent ") for reason, _ in checks)
            return f"no agent meeting the other needs is of tier {ticket.tier} or above"
        return None
