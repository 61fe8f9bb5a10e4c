"""Finding, before a rule is saved, rules that would undo each other's work forever.

Rule A *may trigger* rule B when one of the events A's actions record is among B's triggers
and, if B's conditions require a field to have changed, A changes that field. Two rules that
may trigger each other (directly or through others) and leave different values on the same
field (one sets the team, the other clears it; one adds a tag, the other removes it) would
loop; such a set of rules is refused. At run time each rule fires at most once per change and
the number of firings per change is bounded, so what this cannot see statically still ends.
"""

from __future__ import annotations

from collections.abc import Iterable

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.events import EventKind
from hubdesk.domain.rules.actions import produced_changes, produced_events, writes
from hubdesk.domain.rules.conditions import required_changes
from hubdesk.domain.rules.model import EventTrigger, Rule


def _trigger_graph(rules: list[Rule]) -> list[list[int]]:
    """A graph in which rule ``b`` is reachable from rule ``a`` exactly when ``a`` may set
    ``b`` off, directly or through others. Nodes ``0..len(rules)-1`` are the rules; the
    others stand for "an event of this kind that changed this key" (or "any change"), so
    a desk whose rules all set each other off still has edges in proportion to its rules,
    not to their square."""
    hub_nodes: dict[tuple[EventKind, str | None], int] = {}
    graph: list[list[int]] = [[] for _ in rules]

    def hub(kind: EventKind, key: str | None) -> int:
        if (kind, key) not in hub_nodes:
            hub_nodes[kind, key] = len(graph)
            graph.append([])
        return hub_nodes[kind, key]

    for index, rule in enumerate(rules):
        assert isinstance(rule.trigger, EventTrigger)
        needed = required_changes(rule.conditions)
        for kind in rule.trigger.kinds:
            for key in needed or (None,):
                graph[hub(kind, key)].append(index)
    for index, rule in enumerate(rules):
        events = frozenset().union(*(produced_events(a) for a in rule.actions))
        changed = frozenset().union(*(produced_changes(a) for a in rule.actions))
        for kind in events:
            for key in (None, *changed):
                if (kind, key) in hub_nodes:
                    graph[index].append(hub_nodes[kind, key])
    return graph


def _finishing_order(graph: list[list[int]]) -> list[int]:
    """Nodes in the order a depth-first search leaves them (without recursion)."""
    seen = [False] * len(graph)
    order: list[int] = []
    for root in range(len(graph)):
        if seen[root]:
            continue
        seen[root] = True
        work = [(root, iter(graph[root]))]
        while work:
            node, targets = work[-1]
            target = next((t for t in targets if not seen[t]), None)
            if target is None:
                work.pop()
                order.append(node)
            else:
                seen[target] = True
                work.append((target, iter(graph[target])))
    return order


def _components(graph: list[list[int]]) -> list[int]:
    """The strongly connected component of each node (Kosaraju): two rules may set each
    other off, directly or through others, exactly when they share one."""
    reverse: list[list[int]] = [[] for _ in graph]
    for node, targets in enumerate(graph):
        for target in targets:
            reverse[target].append(node)
    component = [-1] * len(graph)
    for found, root in enumerate(reversed(_finishing_order(graph))):
        if component[root] != -1:
            continue
        component[root] = found
        frontier = [root]
        while frontier:
            for source in reverse[frontier.pop()]:
                if component[source] == -1:
                    component[source] = found
                    frontier.append(source)
    return component


def _written(rule: Rule) -> dict[str, object]:
    return {key: value for action in rule.actions for key, value in writes(action)}


def find_loop(rules: Iterable[Rule]) -> str | None:
    """A description of a pair of enabled event rules that would loop, if any."""
    active = [r for r in rules if r.enabled and isinstance(r.trigger, EventTrigger)]
    component = _components(_trigger_graph(active))
    # Per component and key, the first rule that leaves a value there: a second rule of the
    # same component leaving another value there is a loop.
    first_writer: dict[tuple[int, str], tuple[object, int]] = {}
    for index, rule in enumerate(active):
        for key, value in sorted(_written(rule).items()):
            earlier_value, earlier = first_writer.setdefault((component[index], key),
                                                             (value, index))
            if earlier_value != value:
                return (f"rules {active[earlier].name!r} and {rule.name!r} would loop: each "
                        f"one's changes trigger the other, and they leave {_describe(key)} "
                        f"{_value(key, earlier_value)} and {_value(key, value)}")
    return None


def _describe(key: str) -> str:
    return f"tag {key[4:]!r}" if key.startswith("tag:") else key


def _value(key: str, value: object) -> str:
    if key.startswith("tag:"):
        return "added" if value else "removed"
    return "empty" if value is None else repr(value)


def check_no_loop(rules: Iterable[Rule]) -> None:
    problem = find_loop(rules)
    if problem is not None:
        raise ValidationFailed(problem, {"rule": "would loop"})
