"""What changes about an agent all day: presence, load, and the wellbeing record."""

from __future__ import annotations

from collections import deque

from hubdesk.domain.routing.policy import WellbeingPolicy
from hubdesk.domain.routing.profiles import AgentProfile, Presence


class AgentState:
    """One agent's live state in the roster; only the roster changes it.

    ``active`` maps each ticket the agent holds to the units it costs and whether it is
    difficult; ``difficult_times`` are the instants of difficult assignments still inside the
    wellbeing window; ``streak_started_at`` is when the current run of handling without a gap
    began (None when idle).
    """

    __slots__ = ("active", "difficult_count", "difficult_times", "handled", "handled_units",
                 "last_assigned_at", "load", "presence", "profile", "streak_started_at")

    def __init__(self, profile: AgentProfile, presence: Presence = Presence.OFFLINE) -> None:
        self.profile = profile
        self.presence = presence
        self.load = 0
        self.active: dict[int, tuple[int, bool]] = {}
        self.difficult_times: deque[float] = deque()
        self.difficult_count = 0
        self.handled = 0
        self.handled_units = 0
        self.last_assigned_at: float | None = None
        self.streak_started_at: float | None = None

    @property
    def agent_id(self) -> int:
        return self.profile.agent_id

    def spare(self) -> int:
        return self.profile.capacity - self.load

    def recent_difficult(self, now: float, window_s: float) -> int:
        times = self.difficult_times
        while times and times[0] <= now - window_s:
            times.popleft()
        return len(times)

    def guarded(self, now: float, policy: WellbeingPolicy) -> bool:
        """Over the limit of difficult contacts in the window: the next one goes elsewhere."""
        return self.recent_difficult(now, policy.window_s) >= policy.difficult_limit

    def streak_s(self, now: float) -> float:
        started = self.streak_started_at
        return 0.0 if started is None else now - started

    def cooldown_due(self, now: float, policy: WellbeingPolicy) -> bool:
        return self.streak_s(now) >= policy.streak_limit_s

    def take(self, ticket_id: int, cost: int, difficult: bool, now: float) -> None:
        self.active[ticket_id] = (cost, difficult)
        self.load += cost
        self.handled += 1
        self.handled_units += cost
        self.last_assigned_at = now
        if self.streak_started_at is None:
            self.streak_started_at = now
        if difficult:
            self.difficult_times.append(now)
            self.difficult_count += 1

    def give_back(self, ticket_id: int) -> tuple[int, bool] | None:
        held = self.active.pop(ticket_id, None)
        if held is not None:
            self.load -= held[0]
            if not self.active:
                self.streak_started_at = None
        return held

    def start_day(self) -> None:
        """A new shift: the day's difficult contacts count from zero again."""
        self.difficult_count = 0
        self.difficult_times.clear()
        self.streak_started_at = None if not self.active else self.streak_started_at

    def report(self, now: float, policy: WellbeingPolicy) -> dict[str, object]:
        return {"agent_id": self.agent_id, "presence": str(self.presence), "load": self.load,
                "capacity": self.profile.capacity, "handled": self.handled,
                "difficult_today": self.difficult_count,
                "difficult_in_window": self.recent_difficult(now, policy.window_s),
                "streak_s": self.streak_s(now), "cooldown_due": self.cooldown_due(now, policy),
                "guarded": self.guarded(now, policy)}
