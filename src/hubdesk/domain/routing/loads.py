"""An agent's load broken down by channel, against what their capacity allows of each.

Capacity is one number of units; a channel's contacts each cost the agent's ``channel_costs``
of it. So what a channel "allows" follows from the two: ``most`` contacts of the channel fit
in an empty capacity, ``room`` more fit in what is left now. A channel the agent does not take
(no cost for it, or one above their whole capacity) allows none, yet still shows what they
hold of it (a ticket given to them by hand).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ChannelLoad:
    channel: str
    tickets: int  # tickets of the channel holding the agent's units
    units: int  # the units they hold
    cost: int | None  # units one contact of the channel takes; None: not taken
    most: int  # contacts of the channel an empty capacity holds
    room: int  # more contacts of the channel that fit now

    @property
    def taken(self) -> bool:
        return self.cost is not None


def channel_loads(capacity: int, load: int, channel_costs: Mapping[str, int],
                  held: Mapping[str, tuple[int, int]]) -> tuple[ChannelLoad, ...]:
    """Per channel the agent has a cost for or holds work of, by name: tickets and units
    ``held`` (channel → (tickets, units)) against the contacts of it their capacity allows."""
    spare = max(capacity - load, 0)
    lines = []
    for channel in sorted({*channel_costs, *held}):
        tickets, units = held.get(channel, (0, 0))
        cost = channel_costs.get(channel)
        usable = cost if cost is not None and 0 < cost <= capacity else None
        lines.append(ChannelLoad(channel, tickets, units, usable,
                                 capacity // usable if usable else 0,
                                 spare // usable if usable else 0))
    return tuple(lines)
