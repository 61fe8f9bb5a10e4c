"""The ticket flow page's chart: the backlog at each day's end as stacked bars (with the desk,
waiting), and each day's arrivals and solves as lines on the same scale of tickets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from hubdesk.domain.ticket_flow import FlowDay

# The drawing's size in its own units: the same whatever the window, so that a week and a
# quarter fill the page alike (the bars narrow as the days grow).
WIDTH = 600
HEIGHT = 90


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    desk_y: float
    desk_h: float
    waiting_y: float
    waiting_h: float
    label: str  # the day, for the axis and the bar's tooltip
    tip: str


@dataclass(frozen=True)
class FlowChart:
    width: int
    height: int
    top: int  # the scale's largest number of tickets
    bars: tuple[Bar, ...]
    received: str  # SVG polyline points
    solved: str
    label_every: int  # an axis label every so many days, so that they do not overlap


def flow_chart(days: Sequence[FlowDay]) -> FlowChart | None:
    """None for a window without days."""
    if not days:
        return None
    top = max(1, *(max(d.backlog.total, d.received, d.solved) for d in days))

    def y(count: int) -> float:
        return round(HEIGHT - count * HEIGHT / top, 1)

    step = WIDTH / len(days)
    bars = []
    for n, day in enumerate(days):
        desk_top = y(day.backlog.with_desk)
        total_top = y(day.backlog.total)
        bars.append(Bar(
            x=round(n * step + step * 0.1, 2), width=round(step * 0.8, 2),
            desk_y=desk_top, desk_h=round(HEIGHT - desk_top, 1),
            waiting_y=total_top, waiting_h=round(desk_top - total_top, 1),
            label=day.day.strftime("%d %b"),
            tip=(f"{day.day:%a %d %b}: {day.received} received, {day.solved} solved, "
                 f"backlog {day.backlog.total} ({day.backlog.with_desk} with the desk, "
                 f"{day.backlog.waiting} waiting)")))

    def line(counts: Sequence[int]) -> str:
        return " ".join(f"{round(n * step + step / 2, 2):g},{y(c):g}"
                        for n, c in enumerate(counts))

    return FlowChart(
        width=WIDTH, height=HEIGHT, top=top, bars=tuple(bars),
        received=line([d.received for d in days]), solved=line([d.solved for d in days]),
        label_every=max(1, len(days) // 8))
