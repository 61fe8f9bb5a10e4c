"""/api/v1/macros: canned replies (managed by administrators, managers and team leads for
their teams; listed to whoever may use them), and a macro filled in for one ticket."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, Field

from hubdesk.api.deps import AgentDep, AppDep, PathId
from hubdesk.api.rule_schemas import TagName
from hubdesk.api.schemas import Id, Strict, problem_responses
from hubdesk.domain.macros import MAX_NAME, Macro
from hubdesk.domain.rules.templates import AGENT_PLACEHOLDERS, MAX_TEMPLATE
from hubdesk.domain.tickets import MAX_TAGS, Status

router = APIRouter(prefix="/api/v1", tags=["macros"],
                   responses=problem_responses(400, 401, 403, 404, 422))

PLACEHOLDER_LIST = ", ".join(f"{{{{{p}}}}}" for p in AGENT_PLACEHOLDERS)
# Something left once trimmed: besides what a JSON schema calls white space, Python also trims
# the separators U+001C-U+001F and U+0085, so they do not count as visible either.
SHOWS_SOMETHING = "^[^\\u0000]*[^\\s\\u0000\\u001c-\\u001f\\u0085][^\\u0000]*$"


class MacroIn(Strict):
    name: Annotated[str, Field(min_length=1, max_length=MAX_NAME, pattern=SHOWS_SOMETHING)]
    body: Annotated[str, Field(min_length=1, max_length=MAX_TEMPLATE, pattern=SHOWS_SOMETHING,
                               description=f"the reply; placeholders {PLACEHOLDER_LIST}")]
    team_id: Id | None = Field(default=None, description="null: the whole desk")
    then_status: Literal["pending", "solved"] | None = Field(
        default=None, description="the status a reply made from it leaves the ticket in")
    add_tags: list[TagName] = Field(default_factory=list, max_length=MAX_TAGS)

    def macro(self) -> Macro:
        return Macro(None, self.name, self.body, self.team_id,
                     Status(self.then_status) if self.then_status else None,
                     tuple(self.add_tags))


class MacroOut(BaseModel):
    id: int
    name: str
    body: str
    team_id: int | None
    then_status: str | None
    add_tags: list[str]

    @classmethod
    def of(cls, macro: Macro) -> MacroOut:
        assert macro.id is not None
        return cls(id=macro.id, name=macro.name, body=macro.body, team_id=macro.team_id,
                   then_status=macro.then_status.value if macro.then_status else None,
                   add_tags=list(macro.add_tags))


class FilledMacroOut(BaseModel):
    macro_id: int
    text: str = Field(description="the reply with its placeholders filled for this ticket and "
                                  "the calling agent")
    then_status: str | None
    add_tags: list[str]


@router.get("/macros", response_model=list[MacroOut])
def list_macros(app: AppDep, agent: AgentDep) -> list[MacroOut]:
    """The desk's macros and those of the caller's teams, by name."""
    return [MacroOut.of(m) for m in app.macros.usable(agent)]


@router.post("/macros", status_code=201, response_model=MacroOut)
def create_macro(body: MacroIn, app: AppDep, agent: AgentDep) -> MacroOut:
    return MacroOut.of(app.macros.create(agent, body.macro()))


@router.put("/macros/{macro_id}", response_model=MacroOut)
def replace_macro(macro_id: PathId, body: MacroIn, app: AppDep, agent: AgentDep) -> MacroOut:
    return MacroOut.of(app.macros.update(agent, macro_id, body.macro()))


@router.delete("/macros/{macro_id}", status_code=204, response_class=Response)
def delete_macro(macro_id: PathId, app: AppDep, agent: AgentDep) -> Response:
    app.macros.delete(agent, macro_id)
    return Response(status_code=204)


@router.get("/tickets/{ticket_id}/macros/{macro_id}", response_model=FilledMacroOut)
def fill_macro(ticket_id: PathId, macro_id: PathId, app: AppDep,
               agent: AgentDep) -> FilledMacroOut:
    """The macro's reply for this ticket, to edit before sending (callers who may reply)."""
    filled = app.macros.fill(agent, ticket_id, macro_id)
    assert filled.macro.id is not None
    return FilledMacroOut(macro_id=filled.macro.id, text=filled.text,
                          then_status=filled.then_status.value if filled.then_status else None,
                          add_tags=list(filled.add_tags))
