"""Request and response bodies of the routing API. The description says what validation
accepts: a skill the desk does not know is the one refusal it cannot (answered 422 "unknown
skill"), and lowering a capacity below the units in use is a conflict with the current state
(409)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
)
from pydantic.json_schema import WithJsonSchema

from hubdesk.api.schemas import MAX_ID, NO_NUL, NOT_BLANK, Strict
from hubdesk.domain.routing import Presence
from hubdesk.services.routing_admin import AgentBoardRow
from hubdesk.services.routing_records import (
    AgentExclusion,
    StoredDecision,
    TicketRoutingState,
)


def _json_number(value: Any) -> Any:
    """Numbers only: a JSON true, false or string is not taken for one."""
    if isinstance(value, bool | str):
        raise ValueError("must be a number")
    return value


Number = BeforeValidator(_json_number)
Whole = Annotated[int, Number]
Name = Annotated[str, Field(min_length=1, max_length=120, pattern=NOT_BLANK)]
Level = Annotated[int, Field(ge=1, le=5), Number]
Tier = Annotated[int, Field(ge=1, le=3), Number]
Units = Annotated[int, Field(ge=1, le=10_000), Number]
Seconds = Annotated[float, Field(ge=0, le=10**9, allow_inf_nan=False), Number]
Weight = Annotated[float, Field(ge=0, le=10**6, allow_inf_nan=False), Number]
Language = Annotated[str, Field(min_length=2, max_length=16, pattern="^[A-Za-z-]+$")]
MAX_NAME = 120


def _named_numbers(low: int, high: int, most: int, least: int = 0) -> Any:
    """An object of names to whole numbers; a name the desk does not know is refused by the
    service as unknown."""

    def check(value: dict[str, int]) -> dict[str, int]:
        if not least <= len(value) <= most:
            raise ValueError(f"give {least} to {most} entries")
        for name, number in value.items():
            if not 1 <= len(name) <= MAX_NAME:
                raise ValueError(f"names are 1 to {MAX_NAME} characters")
            if isinstance(number, bool) or not low <= number <= high:
                raise ValueError(f"{name}: a whole number from {low} to {high}")
        return value

    schema = {"type": "object", "minProperties": least, "maxProperties": most,
              "propertyNames": {"minLength": 1, "maxLength": MAX_NAME, "pattern": NO_NUL},
              "additionalProperties": {"type": "integer", "minimum": low, "maximum": high}}
    return Annotated[dict[str, Whole], AfterValidator(check), WithJsonSchema(schema)]


SkillLevels = _named_numbers(1, 5, 200, least=1)
NeededSkills = _named_numbers(1, 5, 50)
VipLevels = _named_numbers(0, 10, 50)


class ChannelCostsIn(Strict):
    """Units one contact of each channel costs; a channel left out is one not taken."""

    email: Units | None = None
    chat: Units | None = None
    web: Units | None = None
    phone: Units | None = None
    api: Units | None = None

    def costs(self) -> dict[str, int]:
        return {name: cost for name, cost in self.model_dump().items() if cost is not None}


class ShiftIn(Strict):
    starts_at: AwareDatetime
    hours: Annotated[float, Number] = Field(gt=0, le=16, allow_inf_nan=False)


class RoutingProfileIn(Strict):
    """An agent's routing profile; parts left out stay as they are (skills are required:
    an agent with no skills cannot be routed to)."""

    skills: SkillLevels  # type: ignore[valid-type]
    languages: list[Language] | None = Field(default=None, max_length=50)
    tier: Tier | None = None
    capacity: Annotated[int, Field(ge=0, le=10_000), Number] | None = None
    channel_costs: ChannelCostsIn | None = None
    shift: ShiftIn | None = None
    clear_shift: StrictBool = False
    paused: StrictBool | None = None


class PresenceIn(Strict):
    presence: Presence


class LockIn(Strict):
    locked: StrictBool


class WeightsIn(Strict):
    skill_fit: Weight = 3.0
    spare_capacity: Weight = 2.0
    idle_time: Weight = 1.0
    affinity: Weight = 2.0
    wellbeing: Weight = 2.0
    idle_horizon_s: Annotated[float, Number] = Field(default=900.0, gt=0, le=10**9,
                                                     allow_inf_nan=False)


class CategoryRuleIn(Strict):
    skills: NeededSkills = Field(default_factory=dict)  # type: ignore[valid-type]
    tier: Tier = 1


class CategoryIn(CategoryRuleIn):
    name: Name


class TeamWeightsIn(Strict):
    team_id: Whole = Field(ge=1, le=2**53 - 1)
    weights: WeightsIn


class WellbeingIn(Strict):
    difficult_limit: Whole = Field(default=3, ge=1, le=1000)
    window_s: Seconds = 3600.0
    streak_limit_s: Seconds = 7200.0
    hold_s: Seconds = 60.0


class _Step(BaseModel):
    # Not `Strict`: its text check would run before the discriminator; every text here is
    # a pattern-bound language code, so nothing unstorable gets through anyway.
    model_config = ConfigDict(extra="forbid")


class LowerProficiencyIn(_Step):
    kind: Literal["lower_proficiency"]
    after_s: Seconds


class SkillsByTierIn(_Step):
    kind: Literal["skills_by_tier"]
    after_s: Seconds
    value: Tier


class FallbackLanguageIn(_Step):
    kind: Literal["fallback_language"]
    after_s: Seconds
    value: Language


Relaxation = Annotated[LowerProficiencyIn | SkillsByTierIn | FallbackLanguageIn,
                       Field(discriminator="kind")]


class RoutingConfigIn(Strict):
    """The desk's routing configuration, replaced whole; parts left out take defaults."""

    known_skills: list[Name] = Field(min_length=1, max_length=500)
    categories: list[CategoryIn] = Field(default_factory=list, max_length=1000)
    default: CategoryRuleIn = Field(default_factory=lambda: CategoryRuleIn())
    weights: WeightsIn = Field(default_factory=lambda: WeightsIn())
    team_weights: list[TeamWeightsIn] = Field(default_factory=list, max_length=500)
    wellbeing: WellbeingIn = Field(default_factory=lambda: WellbeingIn())
    relaxation: list[Relaxation] = Field(default_factory=list, max_length=20)
    affinity_grace_s: Seconds = 7 * 86400.0
    top_candidates: Whole = Field(default=5, ge=1, le=50)
    vip_levels: VipLevels = Field(  # type: ignore[valid-type]
        default_factory=lambda: {"standard": 0, "premium": 1, "vip": 2},
        description="what each customer tier counts as VIP level")
    channel_costs: ChannelCostsIn = Field(default_factory=lambda: ChannelCostsIn(
        phone=10, chat=3, email=1, web=1, api=1))
    default_capacity: Whole = Field(default=10, ge=0, le=10_000)
    offline_grace_s: Seconds = 300.0

    def document(self) -> dict[str, Any]:
        """The stored form: categories and team weights keyed by name and team id."""
        body = self.model_dump(mode="json")
        body["channel_costs"] = self.channel_costs.costs()
        body["categories"] = {c.pop("name"): c for c in body["categories"]}
        body["team_weights"] = {str(t["team_id"]): t["weights"] for t in body["team_weights"]}
        for step in body["relaxation"]:
            step.setdefault("value", None)
        return body

    @classmethod
    def shown(cls, document: dict[str, Any]) -> dict[str, Any]:
        """The stored form as this body describes it, for reading back."""
        shown = dict(document)
        shown["categories"] = [{"name": name, **rule}
                               for name, rule in document["categories"].items()]
        shown["team_weights"] = [{"team_id": int(team), "weights": weights}
                                 for team, weights in document["team_weights"].items()]
        shown["relaxation"] = [{k: v for k, v in step.items() if v is not None}
                               for step in document["relaxation"]]
        return shown


class ChannelLoadOut(BaseModel):
    channel: str
    tickets: int
    units: int
    cost: int | None
    most: int
    room: int


class AgentRoutingOut(BaseModel):
    agent_id: int
    name: str
    presence: Presence
    presence_since: datetime
    paused: bool
    load: int
    capacity: int
    skills: dict[str, int]
    languages: list[str]
    tier: int
    team_ids: list[int]
    channel_costs: dict[str, int]
    shift_starts_at: datetime | None
    shift_ends_at: datetime | None
    difficult_today: int
    difficult_in_window: int
    guarded: bool
    cooldown_due: bool
    channels: list[ChannelLoadOut] = Field(
        description="the load by channel: tickets and units held, the units one contact "
                    "costs (null: a channel the agent does not take), how many contacts of "
                    "it an empty capacity holds and how many more fit now")

    @classmethod
    def of(cls, line: AgentBoardRow) -> AgentRoutingOut:
        return cls(**line.to_dict())


class TicketRoutingOut(BaseModel):
    ticket_id: int
    state: str
    agent_id: int | None
    held_units: int
    locked: bool
    difficult: bool
    reason: str | None
    relaxations: list[str]
    assigned_at: datetime | None
    waiting_since: datetime | None

    @classmethod
    def of(cls, state: TicketRoutingState) -> TicketRoutingOut:
        return cls(ticket_id=state.ticket_id, state=state.state, agent_id=state.agent_id,
                   held_units=state.held, locked=state.locked, difficult=state.difficult,
                   reason=state.reason, relaxations=list(state.relaxations),
                   assigned_at=state.assigned_at, waiting_since=state.waiting_since)


class DecisionOut(BaseModel):
    id: int
    agent_id: int | None
    mode: str
    difficult: bool
    decided_at: datetime
    decision: dict[str, Any] = Field(
        description="candidates (best first, with their score parts), agents excluded by "
                    "each constraint, counts screened out, relaxations, the wellbeing guard")

    @classmethod
    def of(cls, stored: StoredDecision) -> DecisionOut:
        return cls(id=stored.id, agent_id=stored.agent_id, mode=stored.mode,
                   difficult=stored.difficult, decided_at=stored.decided_at,
                   decision=stored.decision)


class RoutingOut(BaseModel):
    state: TicketRoutingOut | None
    decisions: list[DecisionOut] = Field(description="newest first")


class RoutedOut(BaseModel):
    routed: bool
    agent_id: int | None
    decision: dict[str, Any] | None


class ExclusionIn(Strict):
    agent_id: Annotated[int, Field(ge=1, le=MAX_ID)] = Field(
        description="the agent the customer asked not to be served by (422 if none such)")
    reason: str = Field(min_length=1, max_length=500, pattern=NOT_BLANK,
                        description="why: coordinators and the audit read it")


class MovedTicketOut(BaseModel):
    ticket_id: int
    agent_id: int | None = Field(description="who routing gave it to; null: it waits")
    unlocked: bool = Field(description="a lock had kept it with the excluded agent")


class ExclusionOut(BaseModel):
    customer_id: int
    agent_id: int
    agent_name: str
    reason: str
    created_at: datetime
    created_by_id: int | None
    moved: list[MovedTicketOut] = Field(
        default_factory=list,
        description="on creation: the customer's unresolved tickets taken from the agent")

    @classmethod
    def of(cls, exclusion: AgentExclusion) -> ExclusionOut:
        return cls(customer_id=exclusion.customer_id, agent_id=exclusion.agent_id,
                   agent_name=exclusion.agent_name, reason=exclusion.reason,
                   created_at=exclusion.created_at, created_by_id=exclusion.created_by_id,
                   moved=[MovedTicketOut(ticket_id=m.ticket_id, agent_id=m.agent_id,
                                         unlocked=m.unlocked) for m in exclusion.moved])
