"""The line ahead of each waiting ticket, as breach forecasts need it (`domain/sla/prediction`).

A *line* is tickets alike (the queue's buckets: same needs, language, tier, channel, team).
Each line is served by the online agents who meet its needs; two lines whose agents overlap
compete, so the tickets of both that are more urgent come first. An agent's slots for a line
are the contacts of its channel their capacity holds; free slots are those their spare
capacity holds now.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from hubdesk.domain.routing.profiles import Presence
from hubdesk.domain.routing.queue import serves
from hubdesk.domain.routing.requirements import TicketRequirements
from hubdesk.domain.routing.roster import Roster
from hubdesk.domain.sla.prediction import LineOutlook, lines_ahead

Line = tuple[object, ...]


def line_outlooks(roster: Roster, waiting: Sequence[TicketRequirements], now: float,
                  mean_handle_s: Callable[[str], float],
                  time_left_s: Mapping[int, float]) -> dict[int, LineOutlook]:
    """An outlook for every waiting ticket with a deadline in ``time_left_s``.

    ``waiting`` is every ticket waiting for an agent, in any order; ``mean_handle_s`` gives the
    historical mean handling time of a channel's contacts.
    """
    ordered = sorted(waiting, key=TicketRequirements.urgency)
    sample: dict[Line, TicketRequirements] = {}
    for ticket in ordered:
        sample.setdefault(ticket.signature(), ticket)
    online = [roster.states[agent] for agent in roster.online]
    servers: dict[Line, frozenset[int]] = {}
    slots: dict[Line, tuple[int, int]] = {}
    for line, ticket in sample.items():
        members, free, total = [], 0, 0
        for state in online:
            profile = state.profile
            if state.presence is not Presence.ONLINE or not serves(profile, ticket):
                continue
            if profile.shift is not None and not profile.shift.covers(now):
                continue
            cost = profile.channel_costs[ticket.channel]
            members.append(profile.agent_id)
            total += profile.capacity // cost if cost else 0
            free += max(0, profile.capacity - state.load) // cost if cost else 0
        servers[line] = frozenset(members)
        slots[line] = (free, total)
    sharing = {line: [other for other, theirs in servers.items()
                      if other == line or theirs & mine]
               for line, mine in servers.items()}
    ahead = lines_ahead(((t.ticket_id, t.signature()) for t in ordered), sharing)
    outlooks = {}
    for ticket in ordered:
        left = time_left_s.get(ticket.ticket_id)
        if left is None:
            continue
        free, total = slots[ticket.signature()]
        outlooks[ticket.ticket_id] = LineOutlook(
            left, ahead[ticket.ticket_id], free, total - free,
            mean_handle_s(ticket.channel))
    return outlooks
