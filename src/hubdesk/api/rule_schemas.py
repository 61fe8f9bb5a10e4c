"""The JSON form of automation rules in the API, generated from the domain's field catalogue
and action rules so the OpenAPI description says exactly which fields, operators and values a
condition takes (`domain/rules`). The services validate the same form again, with what only
the store knows (teams, agents, webhooks, other rules)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Union

from pydantic import (
    BaseModel,
    BeforeValidator,
    Discriminator,
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    Tag,
    TypeAdapter,
    WithJsonSchema,
)
from pydantic import create_model as _create_model
from pydantic.json_schema import SkipJsonSchema

from hubdesk.api.schemas import MAX_ID, NOT_BLANK, Strict
from hubdesk.domain.rules.actions import MAX_ACTIONS, MAX_NOTE, NOTIFY_TARGETS
from hubdesk.domain.rules.conditions import MAX_LIST, MAX_TEXT
from hubdesk.domain.rules.fields import (
    CATALOGUE,
    CUSTOM_PREFIX,
    MAX_CUSTOM_KEY,
    OPS_BY_TYPE,
    ORDER_OPS,
    FieldSpec,
    FieldType,
    Op,
)
from hubdesk.domain.rules.model import ANCHORS, MAX_HOURS, MAX_NAME, MAX_POSITION, TIMED_STATUSES
from hubdesk.domain.rules.model import TRIGGER_KINDS as EVENT_KINDS
from hubdesk.domain.rules.templates import MAX_TEMPLATE, PLACEHOLDERS
from hubdesk.domain.tickets import MAX_TAG_LENGTH, MAX_TAGS, Priority, Status

create_model: Any = _create_model  # typed loosely: the models are built from the catalogue

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT,
                            json_schema_extra={"pattern": NOT_BLANK})]
Number = StrictInt | StrictFloat


def _whole(value: Any) -> Any:
    """JSON does not tell 3 from 3.0, so an integral float is the integer it spells."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# Booleans are not numbers here: the rules' own validation refuses them, and so does this form.
# The bounds sit with the integer type, before the conversion, so the description states them.
Id = Annotated[StrictInt, Field(ge=1, le=MAX_ID), BeforeValidator(_whole)]
Position = Annotated[StrictInt, Field(ge=0, le=MAX_POSITION), BeforeValidator(_whole)]
Hours = (Annotated[StrictInt, Field(gt=0, le=MAX_HOURS)]
         | Annotated[StrictFloat, Field(gt=0, le=MAX_HOURS)])
# No white space in a tag, by any engine's count: U+001C-U+001F and U+0085 are white space
# to Python and to the server's validator, not to a JSON schema's \s.
TagName = Annotated[str, Field(min_length=1, max_length=MAX_TAG_LENGTH,
                               pattern="^[^\\s\\u0000\\u001c-\\u001f\\u0085]+$")]

_SINGLE = (Op.EQ, Op.NE, Op.LT, Op.GT, Op.LE, Op.GE, Op.CONTAINS, Op.NOT_CONTAINS)
_LISTS = (Op.IN, Op.NOT_IN)
_BARE = (Op.IS_SET, Op.IS_NOT_SET, Op.CHANGED)
_CHANGES = (Op.CHANGED_TO, Op.CHANGED_FROM)


def _value_type(spec: FieldSpec) -> Any:
    if spec.choices:
        return Literal[spec.choices]
    return {FieldType.TEXT: Text, FieldType.TAGS: Text, FieldType.BODY: Text, FieldType.ID: Id,
            FieldType.NUMBER: Number, FieldType.BOOLEAN: StrictBool,
            FieldType.CUSTOM: Text | Number | StrictBool}[spec.type]


def _group_key(spec: FieldSpec) -> str:
    """Fields compared alike share their models: same type, values and change operators."""
    return f"{spec.type.value}:{','.join(spec.choices)}:{spec.change_key is not None}"


def _comparison_models() -> tuple[list[Any], dict[str, str]]:
    groups: dict[str, list[FieldSpec]] = {}
    for spec in CATALOGUE.values():
        groups.setdefault(_group_key(spec), []).append(spec)
    variants: list[Any] = []
    for number, (key, specs) in enumerate(sorted(groups.items())):
        names: Any = Literal[tuple(s.name for s in specs)]
        ops = specs[0].operators
        value = _value_type(specs[0])
        shapes = [("one", _SINGLE, (value, ...)),
                  ("list", _LISTS, (Annotated[list[value],  # type: ignore[valid-type]
                                              Field(min_length=1, max_length=MAX_LIST)], ...)),
                  ("bare", _BARE, None), ("change", _CHANGES, (value | None, ...))]
        for shape, candidates, value_field in shapes:
            allowed = tuple(op.value for op in candidates if op in ops)
            if not allowed:
                continue
            fields: dict[str, Any] = {"field": (names, ...), "op": (Literal[allowed], ...)}
            if value_field is not None:
                fields["value"] = value_field
            model = create_model(f"Comparison{number}{shape.title()}", __base__=Strict,
                                 **fields)
            variants.append(Annotated[model, Tag(f"{key}|{shape}")])
    variants += _custom_models()
    shape_of = {op.value: shape for shape, ops in (("one", _SINGLE), ("list", _LISTS),
                                                   ("bare", _BARE), ("change", _CHANGES))
                for op in ops}
    return variants, shape_of


_CUSTOM_NAME = Annotated[str, Field(
    pattern=f"^{CUSTOM_PREFIX.replace('.', '[.]')}",  # the key is checked by the rules
    max_length=len(CUSTOM_PREFIX) + MAX_CUSTOM_KEY,
    description=f"a custom field of the ticket: custom_fields.<key>, a key of 1 to "
                f"{MAX_CUSTOM_KEY} characters; a number compares as a "
                "number, a text as a text (without regard to case), contains searches a "
                "text or finds an item of a list")]


# A custom field's value is judged by what the condition names, but ordering compares
# numbers and searching searches text whatever the field holds.
_CUSTOM_SHAPE_OF_OP = {**{op.value: "order" for op in ORDER_OPS},
                       Op.CONTAINS.value: "search", Op.NOT_CONTAINS.value: "search"}


def _custom_models() -> list[Any]:
    """Conditions on custom fields: any key, judged by the value the condition names."""
    ops = OPS_BY_TYPE[FieldType.CUSTOM]
    value = _value_type(FieldSpec(CUSTOM_PREFIX, FieldType.CUSTOM))
    # Described as what is accepted; any value reaches the rules' own check, which says
    # what is wrong in its words ("custom_fields.total >= compares with a number").
    ordered = Annotated[value, WithJsonSchema(TypeAdapter(Number).json_schema())]  # type: ignore[valid-type]
    searched = Annotated[value, WithJsonSchema(TypeAdapter(Text).json_schema())]  # type: ignore[valid-type]
    shapes = [("one", (Op.EQ, Op.NE), (value, ...)),
              ("order", tuple(op for op in _SINGLE if op in ORDER_OPS), (ordered, ...)),
              ("search", (Op.CONTAINS, Op.NOT_CONTAINS), (searched, ...)),
              ("list", _LISTS, (Annotated[list[value],  # type: ignore[valid-type]
                                          Field(min_length=1, max_length=MAX_LIST)], ...)),
              ("bare", _BARE, None)]
    models = []
    for shape, candidates, value_field in shapes:
        allowed = tuple(op.value for op in candidates if op in ops)
        fields: dict[str, Any] = {"field": (_CUSTOM_NAME, ...), "op": (Literal[allowed], ...)}
        if value_field is not None:
            fields["value"] = value_field
        model = create_model(f"CustomComparison{shape.title()}", __base__=Strict, **fields)
        models.append(Annotated[model, Tag(f"custom|{shape}")])
    return models


_VARIANTS, _SHAPE_OF_OP = _comparison_models()


def _comparison_tag(value: Any) -> str | None:
    if isinstance(value, BaseModel):
        value = value.model_dump()
    if not isinstance(value, dict):
        return None
    name = str(value.get("field"))
    spec = CATALOGUE.get(name)
    shape = _SHAPE_OF_OP.get(str(value.get("op")))
    if spec is None and name.startswith(CUSTOM_PREFIX) and shape in ("one", "list", "bare"):
        return f"custom|{_CUSTOM_SHAPE_OF_OP.get(str(value.get('op')), shape)}"
    return f"{_group_key(spec)}|{shape}" if spec and shape else None


# The types below are computed from the domain's catalogue; type checkers see plain types.
if TYPE_CHECKING:
    Comparison = dict[str, Any]
    EventKindName = str
    TimedStatus = str
    Anchor = str
    SettableStatus = str
    PriorityName = str
    GroupTarget = str
else:
    Comparison = Annotated[Union[tuple(_VARIANTS)],  # noqa: UP007
                           Discriminator(_comparison_tag)]
    EventKindName = Literal[tuple(k.value for k in EVENT_KINDS)]
    TimedStatus = Literal[tuple(s.value for s in TIMED_STATUSES)]
    Anchor = Literal[ANCHORS]
    SettableStatus = Literal[tuple(s.value for s in Status if s is not Status.NEW)]
    PriorityName = Literal[tuple(p.value for p in Priority)]
    GroupTarget = Literal[tuple(t for t in NOTIFY_TARGETS if t != "agent")]


class InnerAll(Strict):
    all: list[Comparison] = Field(max_length=50)


class InnerAny(Strict):
    any: list[Comparison] = Field(max_length=50)


Inner = Comparison | InnerAll | InnerAny


class AllOf(Strict):
    """Every condition must hold."""

    all: list[Inner] = Field(max_length=50)


class AnyOf(Strict):
    """At least one condition must hold."""

    any: list[Inner] = Field(max_length=50)


class EventTriggerIn(Strict):
    type: Literal["event"]
    on: list[EventKindName] = Field(min_length=1, max_length=len(EVENT_KINDS))


class TimeTriggerIn(Strict):
    type: Literal["time"]
    status: TimedStatus
    hours: Hours
    since: Anchor = "status_changed"
    calendar: SkipJsonSchema[dict[str, Any] | None] = Field(
        default=None, description="count business time on this calendar (the plain form of "
                                  "`BusinessCalendar.from_dict`); calendar time without")


class SetStatus(Strict):
    type: Literal["set"]
    field: Literal["status"]
    value: SettableStatus


class SetPriority(Strict):
    type: Literal["set"]
    field: Literal["priority"]
    value: PriorityName


class SetCategory(Strict):
    type: Literal["set"]
    field: Literal["category"]
    value: Annotated[str, Field(min_length=1, max_length=120,
                                json_schema_extra={"pattern": NOT_BLANK})] | None


class SetReference(Strict):
    type: Literal["set"]
    field: Literal["team_id", "department_id", "assignee_id"]
    value: Id | None


class ChangeTagsIn(Strict):
    type: Literal["add_tags", "remove_tags"]
    tags: list[TagName] = Field(min_length=1, max_length=MAX_TAGS)


class ReplyIn(Strict):
    type: Literal["reply"]
    body: str = Field(min_length=1, max_length=MAX_TEMPLATE, description=(
        "public reply; placeholders " + ", ".join(f"{{{{{p}}}}}" for p in PLACEHOLDERS)),
        json_schema_extra={"pattern": NOT_BLANK})


class MacroIn(Strict):
    type: Literal["macro"]
    macro_id: Id = Field(description=(
        "a stored macro: its reply (placeholders filled, no agent: the desk replies), the "
        "status it leaves the ticket in and its tags"))


class NotifyIn(Strict):
    type: Literal["notify"]
    to: GroupTarget
    message: str = Field(min_length=1, max_length=MAX_NOTE,
                         json_schema_extra={"pattern": NOT_BLANK})


class NotifyAgentIn(Strict):
    type: Literal["notify"]
    to: Literal["agent"]
    agent_id: Id
    message: str = Field(min_length=1, max_length=MAX_NOTE,
                         json_schema_extra={"pattern": NOT_BLANK})


class WebhookIn(Strict):
    type: Literal["webhook"]
    webhook_id: Id


class HandOffIn(Strict):
    type: Literal["handoff"]
    department_id: Id
    note: str = Field(default="", max_length=MAX_NOTE)


ActionIn = (SetStatus | SetPriority | SetCategory | SetReference | ChangeTagsIn | ReplyIn
            | MacroIn | NotifyIn | NotifyAgentIn | WebhookIn | HandOffIn)


class RuleIn(Strict):
    """A whole rule; updating replaces it."""

    name: str = Field(min_length=1, max_length=MAX_NAME,
                      json_schema_extra={"pattern": NOT_BLANK})
    position: Position = Field(default=0, description="rules run by position, then by id")
    enabled: StrictBool = True
    trigger: EventTriggerIn | TimeTriggerIn
    conditions: AllOf | AnyOf | None = None
    actions: list[ActionIn] = Field(min_length=1, max_length=MAX_ACTIONS)

    def plain(self) -> dict[str, Any]:
        """The domain's plain form of the rule."""
        return self.model_dump(exclude_unset=True)


# the fields whose changes a rule may ask about: a dry run may suppose only these changed
CHANGEABLE = sorted(name for name, spec in CATALOGUE.items() if spec.change_key)


class DryRunIn(Strict):
    ticket_id: Id
    event: EventKindName | None = Field(
        default=None, description="judge event rules as if this event happened; any of "
                                  "their events when left out")
    changed: Annotated[list[Annotated[str, Field(
        max_length=100, json_schema_extra={"enum": CHANGEABLE})]], Field(max_length=20)] \
        | None = Field(default=None, description="judge event rules as if these fields had "
                                                 "just changed to the value they have now (so "
                                                 "changed and changed_to can hold)")


def _dry_run_kind(value: Any) -> str:
    """A body naming a ticket asks about the stored rules on it; any other is a rule."""
    on_ticket = (isinstance(value, dict) and "ticket_id" in value) or isinstance(value, DryRunIn)
    return "stored-rules-on-a-ticket" if on_ticket else "unsaved-rule"


# POST /rules/dry-run: the stored rules on one ticket, or an unsaved rule on recent tickets
# (the tags are left out of the fields errors name, `problems.BODY_VARIANTS`).
DryRunBody = Annotated[Union[Annotated[DryRunIn, Tag("stored-rules-on-a-ticket")],  # noqa: UP007
                             Annotated[RuleIn, Tag("unsaved-rule")]],
                       Discriminator(_dry_run_kind)]
