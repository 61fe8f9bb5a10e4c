"""Request and response bodies of the JSON API."""

from __future__ import annotations

import math
import re
from datetime import datetime
from functools import cache, lru_cache
from typing import Annotated, Any, ClassVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    field_validator,
)
from pydantic.json_schema import SkipJsonSchema, WithJsonSchema
from pydantic.networks import validate_email

from hubdesk.api.handoff_out import HandoffOut
from hubdesk.api.limits import (
    MAX_BODY,
    MAX_CUSTOM_BYTES,
    MAX_CUSTOM_DEPTH,
    MAX_CUSTOM_KEY_LENGTH,
    MAX_CUSTOM_KEYS,
    Label,
    SafeHtml,
    bounded_custom_fields,
)
from hubdesk.domain.agents import Agent, Department, Role, Team
from hubdesk.domain.customers import Customer, IdentityKind, Tier
from hubdesk.domain.events import TicketEvent
from hubdesk.domain.messages import MAX_ATTACHMENTS, Message, without_unencodable
from hubdesk.domain.permissions import TicketAction
from hubdesk.domain.tickets import Channel, Priority, Status
from hubdesk.domain.triage import Verdict
from hubdesk.services.views import TicketDetail, TicketRow

# Ids in request bodies are positive integers that every JSON reader holds exactly (up to
# 2**53 - 1, where JavaScript's numbers stop being exact); larger numbers are refused as
# invalid input rather than reaching a database or a client that cannot hold them.
MAX_ID = 2**53 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

# What the OpenAPI description says of text, so generated clients and fuzzers send what the
# validation accepts: no NUL character anywhere (refused by `Strict`), and names that are not
# only whitespace (the services strip them and refuse what is left empty).
NO_NUL = "^[^\\u0000]*$"
NOT_BLANK = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"
# Message bodies arrive from mail bridges: NUL characters are dropped, not refused, so a body
# only needs something visible besides them.
VISIBLE = "[^\\s\\u0000]"
PersonName = Annotated[str, Field(max_length=200, json_schema_extra={"pattern": NOT_BLANK})]
GroupName = Annotated[str, Field(min_length=1, max_length=120,
                                 json_schema_extra={"pattern": NOT_BLANK})]

class FieldProblem(BaseModel):
    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details, the body of every error response."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    errors: list[FieldProblem] | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": Problem, "content": {"application/problem+json": {}}}
            for status in statuses}


def unstorable(text: str) -> str | None:
    """Why ``text`` cannot be stored as it is, or None. PostgreSQL refuses NUL characters in
    text, and no database can encode half of a UTF-16 surrogate pair."""
    if "\x00" in text:
        return "contains a NUL character (\\u0000)"
    if without_unencodable(text) != text:
        return "contains an unpaired surrogate (broken UTF-16)"
    return None


def _check_texts(value: object, where: str) -> None:
    """Every string in ``value``, however nested (list items, dict keys and values)."""
    if isinstance(value, str):
        reason = unstorable(value)
        if reason:
            raise ValueError(f"{where or 'the value'} {reason}; remove it and send again")
    elif isinstance(value, list | tuple | set | frozenset):
        for index, item in enumerate(value):
            _check_texts(item, f"{where}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_texts(key, f"{where} key {key!r}"[:120])
            _check_texts(item, f"{where}[{key!r}]"[:120])


# Custom fields are stored as JSON: values are limited to what every database and JSON reader
# holds exactly (signed 64-bit integers, finite numbers) and to a readable depth.
MAX_CUSTOM_FIELD_DEPTH = 5
MAX_CUSTOM_FIELD_KEY_LENGTH = 200
MIN_INT64, MAX_INT64 = -(2**63), 2**63 - 1
# The description promises integers every JSON reader holds exactly (JavaScript's safe range);
# the desk keeps any signed 64-bit integer.
MAX_SAFE_INTEGER = 2**53 - 1


def _check_custom_value(value: object, where: str, depth: int) -> None:
    if value is None or isinstance(value, bool | str):
        return
    if isinstance(value, int):
        if not MIN_INT64 <= value <= MAX_INT64:
            raise ValueError(f"{where} is outside the signed 64-bit range; send large "
                             "numbers as strings")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{where} is not a finite number")
    elif isinstance(value, list | dict):
        if depth >= MAX_CUSTOM_FIELD_DEPTH:
            raise ValueError(f"{where} nests deeper than {MAX_CUSTOM_FIELD_DEPTH} levels")
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str) and len(key) > MAX_CUSTOM_FIELD_KEY_LENGTH:
                raise ValueError(f"{where} has a key longer than "
                                 f"{MAX_CUSTOM_FIELD_KEY_LENGTH} characters")
            _check_custom_value(item, f"{where}[{key!r}]"[:120], depth + 1)
    else:
        raise ValueError(f"{where} is not a JSON value")


def _custom_fields(value: dict[str, Any]) -> dict[str, Any]:
    _check_custom_value(value, "custom_fields", 0)
    return value


def _custom_value_schema(depth: int) -> dict[str, Any]:
    """A custom field's value as JSON Schema: scalars, and containers down to ``depth``."""
    scalars: list[dict[str, Any]] = [
        {"type": "null"}, {"type": "boolean"}, {"type": "number"},
        {"type": "integer", "minimum": -MAX_SAFE_INTEGER, "maximum": MAX_SAFE_INTEGER},
        {"type": "string", "pattern": NO_NUL}]
    if depth > 0:
        inner = _custom_value_schema(depth - 1)
        scalars += [{"type": "array", "items": inner},
                    {"type": "object", "additionalProperties": inner,
                     "propertyNames": {"maxLength": MAX_CUSTOM_FIELD_KEY_LENGTH,
                                       "pattern": NO_NUL}}]
    return {"anyOf": scalars}


CUSTOM_FIELDS_SCHEMA: dict[str, Any] = {
    "type": "object", "maxProperties": MAX_CUSTOM_KEYS,
    "propertyNames": {"minLength": 1, "maxLength": MAX_CUSTOM_KEY_LENGTH, "pattern": NO_NUL},
    "additionalProperties": _custom_value_schema(MAX_CUSTOM_DEPTH - 1),
    "description": f"at most {MAX_CUSTOM_BYTES} bytes as JSON"}

# First what a database can hold exactly, then how much the desk accepts.
CustomFields = Annotated[dict[str, Any], AfterValidator(_custom_fields),
                         AfterValidator(bounded_custom_fields),
                         WithJsonSchema(CUSTOM_FIELDS_SCHEMA)]


def _describe_storable_text(schema: dict[str, Any], model: type[BaseModel]) -> None:
    """Every text field of a request body says in its schema what `Strict` refuses."""
    assert issubclass(model, Strict)
    for name, field_schema in schema.get("properties", {}).items():
        if name not in model.tolerant_text:
            _no_nul_in(field_schema)


def _no_nul_in(node: dict[str, Any]) -> None:
    if node.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(node):
        node["pattern"] = NO_NUL
    for branch in node.get("anyOf", ()):
        _no_nul_in(branch)
    if isinstance(node.get("items"), dict):
        _no_nul_in(node["items"])


def _holds_models(annotation: Any) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_models(argument) for argument in get_args(annotation))


class Strict(BaseModel):
    """A request body: unknown fields are refused, and so is any text a database cannot store.

    Fields named in ``tolerant_text`` are cleaned by the domain instead (message bodies and
    subjects arrive from mail and chat bridges that may carry stray control characters)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_describe_storable_text)
    tolerant_text: ClassVar[frozenset[str]] = frozenset()

    # On the raw input, before any field's own validation: a sanitiser or a size check must
    # never be the first to meet text it cannot handle.
    @field_validator("*", mode="before")
    @classmethod
    def _storable_text(cls, value: Any, info: Any) -> Any:
        if _checks_texts(cls, info.field_name):
            _check_texts(value, "")
        return value


@cache  # per model and field: worked out once, asked on every request
def _checks_texts(model: type[Strict], name: str) -> bool:
    # Nested request models check their own fields, so errors name the inner field.
    return name not in model.tolerant_text and not _holds_models(
        model.model_fields[name].annotation)


def _requester_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    _describe_storable_text(schema, model)
    # The requester is found by e-mail or by id: one of them must be given.
    schema["anyOf"] = [{"required": ["email"], "properties": {"email": {"type": "string"}}},
                       {"required": ["id"], "properties": {"id": {"type": "integer"}}}]


# E-mail addresses: a dot-atom local part of at most 64 characters, and a domain whose top
# level is a name, not a special-use one (RFC 6761). Validation enforces this pattern as well
# as the e-mail validator, so the description, generated clients and the server agree. Domain
# labels never hold "--" in third and fourth place: that form is IDNA's (RFC 5890), and this
# plain form takes no internationalised names. The local part's bound is a negative lookahead
# because pattern-driven generators (schemathesis, hypothesis) can satisfy those and cannot
# satisfy a positive one.
_ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LD, _LDH = "[A-Za-z0-9]", "[A-Za-z0-9-]"
_LABEL = (f"{_LD}({_LD}|{_LDH}{_LD}|{_LDH}{{2}}{_LD}"
          f"|{_LDH}({_LD}{_LDH}|-{_LD}){_LDH}{{0,58}}{_LD})?")
SPECIAL_USE_DOMAINS = "arpa|invalid|local|localhost|onion|test"
EMAIL_PATTERN = (f"^(?![^@]{{65}}){_ATEXT}(\\.{_ATEXT})*@({_LABEL}\\.)+"
                 f"(?!({SPECIAL_USE_DOMAINS})$)[A-Za-z]{{2,63}}$")
_EMAIL = re.compile(EMAIL_PATTERN)


def _conventional_email(address: str) -> str:
    if not _EMAIL.match(address):
        raise ValueError("use a plain address: letters, digits and !#$%&'*+/=?^_`{|}~- "
                         "before the @ (at most 64), a domain name after it")
    return address


@lru_cache(maxsize=8192)
def _normalised_email(address: str) -> str:
    """What ``EmailStr`` checks and answers (the address as the e-mail validator normalises
    it), remembered: the same customers write again and again, and the check is costly."""
    return validate_email(address)[1]


Email = Annotated[str, AfterValidator(_normalised_email), Field(max_length=254),
                  AfterValidator(_conventional_email),
                  WithJsonSchema({"type": "string", "maxLength": 254,
                                  "pattern": EMAIL_PATTERN})]
# A phone number is its digits: 5 to 17 of them, whatever separates them (but NUL, refused in
# every text).
PhoneNumber = Annotated[str, Field(min_length=1, max_length=320, json_schema_extra={
    "pattern": "^[^0-9\\u0000]*([0-9][^0-9\\u0000]*){5,17}$"})]
ChatHandle = Annotated[str, Field(min_length=1, max_length=200,
                                  json_schema_extra={"pattern": NOT_BLANK})]


class RequesterIn(Strict):
    model_config = ConfigDict(json_schema_extra=_requester_schema)

    email: Email | None = None
    name: str | None = Field(default=None, max_length=200)
    id: Id | None = None


class TicketIn(Strict):
    tolerant_text = frozenset({"subject", "body"})

    subject: str = Field(min_length=1, max_length=500)
    body: str = Field(min_length=1, max_length=MAX_BODY)
    requester: RequesterIn
    channel: Channel = Channel.API
    priority: Priority | None = Field(
        default=None, description="leave out to let triage suggest one (normal otherwise)")
    tags: list[Label] = Field(default_factory=list, max_length=50)
    category: str | None = Field(default=None, max_length=120)
    team_id: Id | None = None
    body_html: SafeHtml = None
    custom_fields: CustomFields = Field(default_factory=dict)


def _patch_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    _describe_storable_text(schema, model)
    schema["minProperties"] = 1  # an empty change is refused


class TicketPatch(Strict):
    """Send only what changes. null clears assignee, team, department and category; the other
    fields always hold a value, so they may be left out but not sent as null."""

    tolerant_text = frozenset({"subject"})
    model_config = ConfigDict(json_schema_extra=_patch_schema)

    status: Status | SkipJsonSchema[None] = None
    priority: Priority | SkipJsonSchema[None] = None
    assignee_id: Id | None = None
    team_id: Id | None = None
    department_id: Id | None = None
    category: str | None = Field(default=None, max_length=120)
    tags: Annotated[list[Label], Field(max_length=50)] | SkipJsonSchema[None] = None
    subject: Annotated[str, Field(min_length=1, max_length=500)] | SkipJsonSchema[None] = None
    custom_fields: CustomFields | SkipJsonSchema[None] = None


BASE64 = "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"


class AttachmentIn(Strict):
    filename: str = Field(min_length=1, max_length=255)
    content_type: str = Field(default="application/octet-stream", max_length=255)
    content_base64: str = Field(json_schema_extra={"pattern": BASE64},
                                description="the file's bytes, base64 with padding")


def _message_schema(schema: dict[str, Any], model: type[BaseModel]) -> None:
    _describe_storable_text(schema, model)
    # Something to say, or something to attach (see `domain.messages.clean_body`).
    schema["anyOf"] = [
        {"required": ["body"], "properties": {"body": {"pattern": VISIBLE}}},
        {"required": ["attachments"], "properties": {"attachments": {"minItems": 1}}}]


class MessageIn(Strict):
    """A reply or an internal note: a body with something visible in it, or files, or both."""

    tolerant_text = frozenset({"body"})
    model_config = ConfigDict(json_schema_extra=_message_schema)

    body: str = Field(default="", max_length=MAX_BODY)
    public: StrictBool = True
    body_html: SafeHtml = None
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)


class DuplicateOut(BaseModel):
    ticket_id: int
    similarity: float = Field(description="cosine similarity of the opening texts, 0..1")


class OriginalOut(BaseModel):
    message_id: int
    body: str


class MergeIn(Strict):
    source_id: Id = Field(description="the duplicate ticket that is folded into this one")


class AttachmentOut(BaseModel):
    id: int | None
    filename: str
    content_type: str
    size: int
    sha256: str


class AuthorOut(BaseModel):
    kind: str
    id: int | None


class MessageOut(BaseModel):
    id: int | None
    ticket_id: int | None
    author: AuthorOut
    public: bool
    body: str
    body_html: str | None
    created_at: datetime
    attachments: list[AttachmentOut]
    triage: dict[str, Any] | None = Field(
        default=None, description="language, sentiment, abuse, intent, urgency and personal "
                                  "data found, each with confidence and model version")
    has_masked_original: bool = Field(
        default=False, description="personal data was masked in `body`; agents with "
                                   "sensitive-data access can reveal the original")

    @classmethod
    def of(cls, message: Message) -> MessageOut:
        return cls(id=message.id, ticket_id=message.ticket_id,
                   author=AuthorOut(kind=message.author.kind.value, id=message.author.id),
                   public=message.public, body=message.body, body_html=message.body_html,
                   created_at=message.created_at,
                   attachments=[AttachmentOut(id=a.id, filename=a.filename,
                                              content_type=a.content_type, size=a.size,
                                              sha256=a.sha256) for a in message.attachments],
                   triage=message.triage, has_masked_original=message.has_sealed_original)


class IdentityOut(BaseModel):
    kind: IdentityKind
    value: str


class CustomerOut(BaseModel):
    id: int | None
    name: str
    identities: list[IdentityOut]
    organisation_id: int | None
    tier: Tier
    language: str | None
    notes: str
    custom_fields: dict[str, Any]
    blocked: BlockOut | None = Field(
        default=None, description="set while the customer's contacts are held out of queues")

    @classmethod
    def of(cls, customer: Customer) -> CustomerOut:
        block = customer.blocked
        return cls(id=customer.id, name=customer.name,
                   identities=[IdentityOut(kind=i.kind, value=i.value)
                               for i in customer.identities],
                   organisation_id=customer.organisation_id, tier=customer.tier,
                   language=customer.language, notes=customer.notes,
                   custom_fields=customer.custom_fields,
                   blocked=BlockOut(at=block.at, by_agent_id=block.by_agent_id,
                                    reason=block.reason) if block else None)


class CustomerMergeIn(Strict):
    source_id: int = Field(ge=1, le=MAX_ID, description="the customer merged into this one; "
                                                       "removed afterwards")


class CustomerMergeOut(BaseModel):
    customer: CustomerOut = Field(description="the customer kept, with the other's "
                                              "identities, tickets and exclusions")
    absorbed_id: int
    tickets_moved: list[int]


class BlockOut(BaseModel):
    at: datetime
    by_agent_id: int
    reason: str


class BlockIn(Strict):
    reason: str = Field(min_length=1, max_length=1000,
                        description="why: colleagues and the audit trail read it")
    ticket_id: Id | None = Field(default=None,
                                 description="the ticket the block was decided on, if any")


class EscalationIn(Strict):
    reason: str = Field(min_length=1, max_length=1000)


class VerdictFeedbackIn(Strict):
    verdict: Verdict = Field(description="which triage verdict is corrected")
    value: StrictBool = Field(description="what it should have been")


class SolvedExampleOut(BaseModel):
    ticket_id: int
    subject: str
    similarity: float = Field(description="cosine similarity of the opening texts, 0..1")
    resolution: str = Field(description="the last public answer, shortened")


class SlaCauseOut(BaseModel):
    policy_id: int | None
    policy_name: str
    target: str
    step: int = Field(description="the step's place on the policy's ladder, from 1")
    at_percent: int = Field(description="of the target's time used; 100: the breach")


class EscalationOut(BaseModel):
    tier: int
    reason: str
    escalated_at: datetime
    escalated_by_id: int | None = Field(
        description="the agent who escalated; null when an SLA policy's ladder did")
    escalated_by_name: str | None
    escalated_by_sla: SlaCauseOut | None = Field(
        description="the SLA policy and ladder step that escalated, when no person did")
    escalated_by: str = Field(description="who or what escalated, in words")

    @classmethod
    def of(cls, detail: TicketDetail) -> EscalationOut:
        step = detail.escalation
        assert step is not None
        cause = step.sla_cause
        by = step.escalated_by or detail.escalated_by_name or f"agent {step.escalated_by_id}"
        return cls(tier=step.tier, reason=step.reason, escalated_at=step.escalated_at,
                   escalated_by_id=step.escalated_by_id,
                   escalated_by_name=detail.escalated_by_name,
                   escalated_by_sla=SlaCauseOut(**cause.to_dict()) if cause else None,
                   escalated_by=by)


class TicketOut(BaseModel):
    id: int
    number: int
    subject: str
    status: Status
    priority: Priority
    channel: Channel
    category: str | None
    tags: list[str]
    requester: CustomerOut
    assignee_id: int | None
    assignee_name: str | None
    team_id: int | None
    team_name: str | None
    department_id: int | None
    department_name: str | None
    language: str | None
    merged_into_id: int | None
    custom_fields: dict[str, Any]
    created_at: datetime
    updated_at: datetime
    solved_at: datetime | None
    closed_at: datetime | None
    messages: list[MessageOut]
    allowed_actions: list[TicketAction] = Field(
        description="what the caller may do to this ticket now: a client shows only these "
                    "actions instead of guessing from roles")
    sla: list[dict[str, Any]] = Field(
        default_factory=list, description="the ticket's SLA clocks: per target its status, "
        "due_at, business_seconds_left, paused and risk (GET /tickets/{id}/sla adds history)")
    tier: int = Field(description="the support tier the ticket is worked at (1: front line)")
    escalation: EscalationOut | None = Field(
        default=None, description="the escalation in force (null at the front line): who "
        "escalated, or the SLA policy and ladder step that did")
    handoffs: list[HandoffOut] = Field(
        description="the ticket's department handoffs the caller may see, with their "
                    "deadlines and business time left")

    @classmethod
    def of(cls, detail: TicketDetail) -> TicketOut:
        t = detail.ticket
        assert t.id is not None
        return cls(id=t.id, number=t.id, subject=t.subject, status=t.status,
                   priority=t.priority, channel=t.channel, category=t.category,
                   tags=list(t.tags), requester=CustomerOut.of(detail.requester),
                   assignee_id=t.assignee_id, assignee_name=detail.assignee_name,
                   team_id=t.team_id, team_name=detail.team_name,
                   department_id=t.department_id, department_name=detail.department_name,
                   language=t.language, merged_into_id=t.merged_into_id,
                   custom_fields=t.custom_fields, created_at=t.created_at,
                   updated_at=t.updated_at, solved_at=t.solved_at, closed_at=t.closed_at,
                   messages=[MessageOut.of(m) for m in detail.messages],
                   allowed_actions=sorted(detail.allowed_actions),
                   sla=[clock.to_dict() for clock in detail.sla], tier=detail.tier,
                   escalation=EscalationOut.of(detail) if detail.escalation else None,
                   handoffs=[HandoffOut.of(view) for view in detail.handoffs])


class TicketSummaryOut(BaseModel):
    id: int
    number: int
    subject: str
    status: Status
    priority: Priority
    channel: str
    category: str | None
    tags: list[str]
    requester_id: int
    requester_name: str
    assignee_id: int | None
    assignee_name: str | None
    team_id: int | None
    team_name: str | None
    department_id: int | None
    created_at: datetime
    updated_at: datetime
    unread: bool = Field(description="the customer wrote after the last message the caller "
                                     "read on the ticket (or the caller never opened it)")

    @classmethod
    def of(cls, row: TicketRow) -> TicketSummaryOut:
        return cls(number=row.id, **{**row.__dict__, "tags": list(row.tags)})


class TicketPageOut(BaseModel):
    items: list[TicketSummaryOut]
    next_cursor: str | None


class EventOut(BaseModel):
    id: int
    ticket_id: int | None
    kind: str
    actor: AuthorOut
    changes: dict[str, list[Any]]
    data: dict[str, Any]
    created_at: datetime

    @classmethod
    def of(cls, event_id: int, event: TicketEvent) -> EventOut:
        return cls(id=event_id, ticket_id=event.ticket_id, kind=event.kind,
                   actor=AuthorOut(kind=event.actor.kind.value, id=event.actor.id),
                   changes={k: list(v) for k, v in event.changes.items()}, data=event.data,
                   created_at=event.at)


class CustomerIn(Strict):
    """A change to a customer: send only what changes."""

    name: PersonName | SkipJsonSchema[None] = None
    emails: list[Email] = Field(default_factory=list, max_length=20)
    phones: list[PhoneNumber] = Field(default_factory=list, max_length=20)
    chat_handles: list[ChatHandle] = Field(default_factory=list, max_length=20)
    organisation_id: Id | None = None
    tier: Tier = Tier.STANDARD
    language: str | None = Field(default=None, max_length=16)
    notes: str = Field(default="", max_length=20_000)
    custom_fields: CustomFields = Field(default_factory=dict)


class NewCustomerIn(CustomerIn):
    name: PersonName


class AgentIn(Strict):
    """A change to an agent's account: send only what changes."""

    email: Email | None = Field(default=None, description="null or left out: unchanged")
    name: PersonName | SkipJsonSchema[None] = None
    role: Role = Role.REPRESENTATIVE
    tier: int = Field(default=1, ge=1, le=3)
    active: StrictBool = True
    team_ids: list[Id] = Field(default_factory=list, max_length=100)
    department_ids: list[Id] = Field(default_factory=list, max_length=100)
    languages: list[Label] = Field(default_factory=list, max_length=50)
    skills: list[Label] = Field(default_factory=list, max_length=100)
    sensitive_access: StrictBool = False
    password: str | None = Field(default=None, min_length=8, max_length=200)


class NewAgentIn(AgentIn):
    email: Email
    name: PersonName


class PasswordChangeIn(Strict):
    current_password: str = Field(min_length=1, max_length=200)
    new_password: str = Field(min_length=8, max_length=200)


class SessionsEndedOut(BaseModel):
    ended: int = Field(description="how many console sessions were ended")


class AgentOut(BaseModel):
    id: int | None
    email: str
    name: str
    role: Role
    tier: int
    active: bool
    team_ids: list[int]
    department_ids: list[int]
    languages: list[str]
    skills: list[str]
    sensitive_access: bool

    @classmethod
    def of(cls, agent: Agent) -> AgentOut:
        return cls(id=agent.id, email=agent.email, name=agent.name, role=agent.role,
                   tier=agent.tier, active=agent.active, team_ids=sorted(agent.team_ids),
                   department_ids=sorted(agent.department_ids),
                   languages=list(agent.languages), skills=list(agent.skills),
                   sensitive_access=agent.sensitive_access)


class GroupIn(Strict):
    """A change to a team or department: send only what changes."""

    name: GroupName | SkipJsonSchema[None] = None
    description: str | None = Field(default=None, max_length=2000)
    email: Email | None = None


class NewGroupIn(GroupIn):
    name: GroupName


class TeamIn(GroupIn):
    """A change to a team: send only what changes. Setting ``time_zone`` needs an
    administrator."""

    time_zone: str | None = Field(
        default=None, max_length=64,
        description="the IANA time zone the team's workforce planning follows (forecast "
                    "days, shift templates, schedule grid, adherence), such as "
                    "America/New_York; \"\" or null: the desk's (HUBDESK_WFM_TIMEZONE)")

    def zone_change(self) -> str | None:
        """"" to clear, a name to set, None when the field was not sent."""
        if "time_zone" not in self.model_fields_set:
            return None
        return self.time_zone or ""


class NewTeamIn(TeamIn):
    name: GroupName


class TeamOut(BaseModel):
    id: int | None
    name: str
    description: str
    time_zone: str | None = Field(description="the team's own time zone; null: the desk's")

    @classmethod
    def of(cls, team: Team) -> TeamOut:
        return cls(id=team.id, name=team.name, description=team.description,
                   time_zone=team.time_zone)


class DepartmentOut(BaseModel):
    id: int | None
    name: str
    description: str
    email: str | None

    @classmethod
    def of(cls, department: Department) -> DepartmentOut:
        return cls(id=department.id, name=department.name,
                   description=department.description, email=department.email)
