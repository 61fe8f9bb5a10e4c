"""A dry run "as if" fields had just changed.

A dry run changes nothing, so ``changed``, ``changed_to`` and ``changed_from`` find no change
and never hold. The caller may name fields as just changed: a list of names (each changed to
the value it has now) or a mapping of names to the value each changed to (which the facts
then show as the field's value). What each was before is unknown, so ``changed_from`` holds
for none of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.rules.conditions import Comparison, Condition, parse_comparison
from hubdesk.domain.rules.fields import CATALOGUE, CHANGE_OPS, Facts

MAX_CHANGED = 20


class _Unknown:
    """The value a field had before a change a dry run supposes: equal to nothing."""

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0

    def __repr__(self) -> str:
        return "unknown"


UNKNOWN = _Unknown()
NOW = object()  # "changed to the value it has now"


@dataclass(frozen=True)
class AsIf:
    """Fields supposed just changed: name -> the value it changed to, or `NOW` for the value
    it has now."""

    changed: Mapping[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.changed)

    def describe(self, facts: Facts) -> str:
        parts = []
        for name, value in self.changed.items():
            shown = facts.values.get(name) if value is NOW else value
            parts.append(f"{name} had just changed to {_said(shown)}")
        return "as if " + " and ".join(parts)

    def apply(self, facts: Facts) -> Facts:
        values, changes = dict(facts.values), dict(facts.changes)
        for name, value in self.changed.items():
            after = values.get(name) if value is NOW else value
            values[name] = after
            key = CATALOGUE[name].change_key
            assert key is not None
            changes[key] = (UNKNOWN, tuple(after) if isinstance(after, list) else after)
        return Facts(values, changes)



def _said(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(map(str, value)) + "]"
    return str(value)


def _invalid(where: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{where}: {message}", {where: message})


def parse_as_if(form: Any, where: str = "changed") -> AsIf:
    """The fields a dry run supposes just changed, from a list of field names or a mapping
    of names to values (None or empty: none), each checked as a ``changed_to`` condition on
    it would be, so a field whose changes rules cannot ask about is refused, named."""
    if form is None or form == {} or form == []:
        return AsIf()
    if isinstance(form, list):
        form = {name: NOW for name in form}
    if not isinstance(form, Mapping):
        raise _invalid(where, "name the fields that changed: a list of fields, or an object "
                              "of fields and the values they changed to")
    if len(form) > MAX_CHANGED:
        raise _invalid(where, f"at most {MAX_CHANGED} fields")
    changed: dict[str, Any] = {}
    for name, value in form.items():
        place = f"{where}.{name}"
        spec = CATALOGUE.get(name) if isinstance(name, str) else None
        if spec is None or spec.change_key is None:
            raise _invalid(place, f"{name!r} is not a field whose changes rules may ask about; "
                                  "use one of " + ", ".join(sorted(
                                      n for n, s in CATALOGUE.items() if s.change_key)))
        if value is not NOW:
            parse_comparison({"field": name, "op": "changed_to", "value": value}, place)
        changed[name] = value
    return AsIf(changed)


def reads_changes(condition: Condition) -> bool:
    """Whether any comparison in ``condition`` asks about a change."""
    if isinstance(condition, Comparison):
        return condition.op in CHANGE_OPS
    return any(reads_changes(item) for item in condition.items)
