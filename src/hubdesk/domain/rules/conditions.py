"""Conditions: comparisons of catalogue fields, in ``all`` and ``any`` groups, each one
evaluated with an explanation (the value seen and whether it held) for dry runs and the audit
trail.

The plain form: ``{"all": [{"field": "ticket.priority", "op": ">", "value": "normal"},
{"any": [...]}]}``; ``changed`` and the presence operators take no value, ``in`` and
``not_in`` a list. Texts compare and are searched without regard to case.

A custom field holds whatever was stored, so its comparisons are judged by the value the
condition names: a number compares as a number (a stored ``"42"`` too), a text as a text,
``contains`` searches a text or finds an item of a list, and the order operators need a
number on both sides (anything else does not hold).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hubdesk.domain.errors import ValidationFailed
from hubdesk.domain.rules.fields import (
    CATALOGUE,
    CHANGE_OPS,
    CUSTOM_PREFIX,
    MAX_CUSTOM_KEY,
    ORDER_OPS,
    Facts,
    FieldSpec,
    FieldType,
    Op,
    field_spec,
)

MAX_DEPTH = 4
MAX_CONDITIONS = 50
MAX_LIST = 100
MAX_TEXT = 500

_NO_VALUE = frozenset({Op.IS_SET, Op.IS_NOT_SET, Op.CHANGED})
_LISTS = frozenset({Op.IN, Op.NOT_IN})


@dataclass(frozen=True)
class Comparison:
    field: str
    op: Op
    value: Any = None

    def to_dict(self) -> dict[str, Any]:
        form: dict[str, Any] = {"field": self.field, "op": self.op.value}
        if self.op not in _NO_VALUE:
            form["value"] = list(self.value) if isinstance(self.value, tuple) else self.value
        return form


@dataclass(frozen=True)
class Group:
    mode: str  # "all" or "any"
    items: tuple[Condition, ...]

    def to_dict(self) -> dict[str, Any]:
        return {self.mode: [item.to_dict() for item in self.items]}


Condition = Comparison | Group

ALWAYS = Group("all", ())


@dataclass(frozen=True)
class Explanation:
    """How one condition or group came out: ``actual`` is the value the field had."""

    condition: dict[str, Any]
    result: bool
    actual: Any = None
    children: tuple[Explanation, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        if self.children or "field" not in self.condition:
            mode = next(iter(self.condition))
            return {"group": mode, "result": self.result,
                    "conditions": [child.to_dict() for child in self.children]}
        return {**self.condition, "actual": _plain(self.actual), "result": self.result}


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _invalid(where: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"{where}: {message}", {where: message})


def parse_conditions(form: Any, where: str = "conditions") -> Group:
    """A validated condition tree from its plain form (None or ``{}`` means always)."""
    if form is None or form == {}:
        return ALWAYS
    counter = [0]
    parsed = _parse(form, where, 1, counter)
    return parsed if isinstance(parsed, Group) else Group("all", (parsed,))


def _parse(form: Any, where: str, depth: int, counter: list[int]) -> Condition:
    if not isinstance(form, Mapping):
        raise _invalid(where, "a condition is an object: a comparison or an all/any group")
    if depth > MAX_DEPTH:
        raise _invalid(where, f"groups nest at most {MAX_DEPTH} deep")
    groups = [key for key in ("all", "any") if key in form]
    if groups:
        if len(form) != 1:
            raise _invalid(where, "a group has exactly one key, all or any")
        mode = groups[0]
        items = form[mode]
        if not isinstance(items, list):
            raise _invalid(f"{where}.{mode}", "a group holds a list of conditions")
        return Group(mode, tuple(_parse(item, f"{where}.{mode}[{index}]", depth + 1, counter)
                                 for index, item in enumerate(items)))
    counter[0] += 1
    if counter[0] > MAX_CONDITIONS:
        raise _invalid(where, f"a rule has at most {MAX_CONDITIONS} conditions")
    return parse_comparison(form, where)


def parse_comparison(form: Mapping[str, Any], where: str) -> Comparison:
    unknown = set(form) - {"field", "op", "value"}
    if unknown:
        raise _invalid(where, f"unknown key {sorted(unknown)[0]!r}; a comparison has field, "
                              "op and value")
    name = form.get("field")
    spec = field_spec(name) if isinstance(name, str) else None
    if spec is None:
        raise _invalid(where, f"unknown field {name!r}; known fields: "
                              + ", ".join(sorted(CATALOGUE))
                              + f", and {CUSTOM_PREFIX}<key> (a key of 1 to {MAX_CUSTOM_KEY} "
                                "characters) for a custom field")
    name = spec.name
    try:
        op = Op(str(form.get("op")))
    except ValueError:
        raise _invalid(where, f"unknown operator {form.get('op')!r} for {name}; use one of "
                              + _ops(spec)) from None
    if op not in spec.operators:
        raise _invalid(where, f"operator {op.value!r} does not fit {name} "
                              f"({spec.type.value}); use one of {_ops(spec)}")
    if op in _NO_VALUE:
        if form.get("value") is not None:
            raise _invalid(where, f"operator {op.value!r} takes no value")
        return Comparison(name, op)
    if "value" not in form:
        raise _invalid(where, f"operator {op.value!r} needs a value")
    value = form["value"]
    if op in _LISTS:
        if not isinstance(value, list) or not value or len(value) > MAX_LIST:
            raise _invalid(where, f"operator {op.value!r} takes a list of 1 to {MAX_LIST} "
                                  "values")
        return Comparison(name, op, tuple(_check_value(spec, op, v, where) for v in value))
    return Comparison(name, op, _check_value(spec, op, value, where))


def _ops(spec: FieldSpec) -> str:
    return ", ".join(sorted(op.value for op in spec.operators))


def _check_value(spec: FieldSpec, op: Op, value: Any, where: str) -> Any:
    nullable = op in (Op.CHANGED_TO, Op.CHANGED_FROM) and spec.type is not FieldType.BOOLEAN
    if value is None and nullable:
        return None
    kind = spec.type
    if kind is FieldType.CUSTOM:
        return _check_custom_value(spec, op, value, where)
    if kind in (FieldType.CHOICE, FieldType.ORDERED):
        if value not in spec.choices:
            raise _invalid(where, f"{value!r} is not a value of {spec.name}; use one of "
                                  + ", ".join(spec.choices))
        return value
    if kind in (FieldType.TEXT, FieldType.TAGS, FieldType.BODY):
        return _check_text(spec, value, where).strip().lower() if kind is FieldType.TAGS \
            else _check_text(spec, value, where)
    if kind is FieldType.ID:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise _invalid(where, f"{spec.name} compares with a positive id")
        return value
    if kind is FieldType.NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _invalid(where, f"{spec.name} compares with a number")
        return value
    if not isinstance(value, bool):
        raise _invalid(where, f"{spec.name} compares with true or false")
    return value


def _check_text(spec: FieldSpec, value: Any, where: str) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        raise _invalid(where, f"{spec.name} compares with a non-empty text of at most "
                              f"{MAX_TEXT} characters")
    return value


def _check_custom_value(spec: FieldSpec, op: Op, value: Any, where: str) -> Any:
    if op in ORDER_OPS:
        if _number(value) is None or isinstance(value, str):
            raise _invalid(where, f"{spec.name} {op.value} compares with a number")
        return value
    if op in (Op.CONTAINS, Op.NOT_CONTAINS) or isinstance(value, str):
        return _check_text(spec, value, where)
    if isinstance(value, bool) or _number(value) is not None:
        return value
    raise _invalid(where, f"{spec.name} compares with a text, a number or true or false")


def referenced_fields(condition: Condition) -> frozenset[str]:
    if isinstance(condition, Comparison):
        return frozenset({condition.field})
    return frozenset().union(*(referenced_fields(item) for item in condition.items))


def required_changes(condition: Condition) -> frozenset[str]:
    """Change keys that must have changed for ``condition`` to hold (from change operators
    that every path through the groups requires), for the static loop check."""
    if isinstance(condition, Comparison):
        spec = field_spec(condition.field)
        key = spec.change_key if spec is not None else None
        return frozenset({key}) if condition.op in CHANGE_OPS and key else frozenset()
    parts = [required_changes(item) for item in condition.items]
    if not parts:
        return frozenset()
    if condition.mode == "all":
        return frozenset().union(*parts)
    common = parts[0]
    for part in parts[1:]:
        common &= part
    return common


def evaluate(condition: Condition, facts: Facts) -> Explanation:
    """Evaluate every condition (no short cut, so a dry run explains each one)."""
    if isinstance(condition, Group):
        children = tuple(evaluate(item, facts) for item in condition.items)
        results = [child.result for child in children]
        held = all(results) if condition.mode == "all" else any(results)
        return Explanation(condition.to_dict(), held, None, children)
    actual = facts.values.get(condition.field)
    return Explanation(condition.to_dict(), _holds(condition, actual, facts),
                       _shown(condition.field, actual))


def _shown(name: str, actual: Any) -> Any:
    """The value an explanation keeps: a message's words stay out of the audit trail and
    what it feeds (the outbox, webhooks); its length says which message was read."""
    if name == "message.body" and actual is not None:
        return f"a message of {len(actual)} characters"
    return actual


def _holds(cmp: Comparison, actual: Any, facts: Facts) -> bool:
    spec = field_spec(cmp.field)
    assert spec is not None  # parsed conditions name known fields
    op, expected = cmp.op, cmp.value
    if op in CHANGE_OPS:
        return _changed(spec, op, expected, facts)
    if op in (Op.IS_SET, Op.IS_NOT_SET):
        blank = actual is None or actual == "" or (isinstance(actual, list | tuple | dict)
                                                   and not actual)
        return blank == (op is Op.IS_NOT_SET)
    if spec.type is FieldType.TAGS:
        tags = tuple(actual or ())
        return (expected in tags) == (op is Op.CONTAINS)
    if actual is None:
        # An unknown value satisfies only the negative comparisons.
        return op in (Op.NE, Op.NOT_IN, Op.NOT_CONTAINS)
    if spec.type is FieldType.CUSTOM:
        return _custom_holds(op, actual, expected)
    if op is Op.EQ:
        return bool(_same(spec, actual, expected))
    if op is Op.NE:
        return not _same(spec, actual, expected)
    if op is Op.IN:
        return any(_same(spec, actual, v) for v in expected)
    if op is Op.NOT_IN:
        return not any(_same(spec, actual, v) for v in expected)
    if op in (Op.CONTAINS, Op.NOT_CONTAINS):
        found = str(expected).casefold() in str(actual).casefold()
        return found == (op is Op.CONTAINS)
    left, right = ((spec.order(actual), spec.order(expected)) if spec.choices
                   else (actual, expected))
    return bool(_ORDERS[op](left, right))


_ORDERS = {Op.LT: operator.lt, Op.GT: operator.gt, Op.LE: operator.le, Op.GE: operator.ge}


def _same(spec: FieldSpec, actual: Any, expected: Any) -> bool:
    if spec.type is FieldType.TEXT:
        return str(actual).casefold() == str(expected).casefold()
    return bool(actual == expected)


def _custom_holds(op: Op, actual: Any, expected: Any) -> bool:
    if op is Op.EQ:
        return _custom_same(actual, expected)
    if op is Op.NE:
        return not _custom_same(actual, expected)
    if op is Op.IN:
        return any(_custom_same(actual, v) for v in expected)
    if op is Op.NOT_IN:
        return not any(_custom_same(actual, v) for v in expected)
    if op in (Op.CONTAINS, Op.NOT_CONTAINS):
        if isinstance(actual, list | tuple):
            found = any(_custom_same(item, expected) for item in actual)
        else:
            found = isinstance(actual, str) and expected.casefold() in actual.casefold()
        return found == (op is Op.CONTAINS)
    left = _number(actual)
    return left is not None and bool(_ORDERS[op](left, expected))


def _custom_same(actual: Any, expected: Any) -> bool:
    if isinstance(actual, bool) or isinstance(expected, bool):
        return actual is expected
    left, right = _number(actual), _number(expected)
    if left is not None and right is not None:
        return left == right
    return isinstance(actual, str) and isinstance(expected, str) and \
        actual.casefold() == expected.casefold()


def _number(value: Any) -> float | None:
    """A finite number, or a text spelling one (custom fields from forms hold texts)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str) and "_" not in value:  # Python reads 1_000; people do not
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


def _changed(spec: FieldSpec, op: Op, expected: Any, facts: Facts) -> bool:
    assert spec.change_key is not None
    change = facts.changes.get(spec.change_key)
    if change is None:
        return False
    before, after = change
    if op is Op.CHANGED:
        return bool(before != after)
    side = after if op is Op.CHANGED_TO else before
    return bool(side == expected)
