"""Who may see and do what. Every access decision in Hubdesk is made here.

Visibility is expressed as a ``TicketScope`` so that the store can turn the same rule into a
query filter: the list an agent sees and the single ticket they may open never disagree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from hubdesk.domain.agents import OVERSEEING_ROLES, Agent, Role
from hubdesk.domain.errors import NotFound, PermissionDenied, ValidationFailed
from hubdesk.domain.handoffs import Handoff, Side
from hubdesk.domain.tickets import Ticket


@dataclass(frozen=True)
class TicketScope:
    """The tickets an agent may see: everything, or the union of the listed groups."""

    everything: bool = False
    team_ids: frozenset[int] = frozenset()
    department_ids: frozenset[int] = frozenset()
    assignee_id: int | None = None

    def contains(self, ticket: Ticket) -> bool:
        return self.contains_place(ticket.place())

    def contains_place(self, place: Mapping[str, int | None]) -> bool:
        """Whether a ticket with this team, department and assignee (`Ticket.place`) is in."""
        if self.everything:
            return True
        team, department = place.get("team_id"), place.get("department_id")
        return (
            (team is not None and team in self.team_ids)
            or (department is not None and department in self.department_ids)
            or (self.assignee_id is not None and place.get("assignee_id") == self.assignee_id)
        )


def ticket_scope(agent: Agent) -> TicketScope:
    if not agent.active:
        return TicketScope()
    if agent.oversees_everything:
        return TicketScope(everything=True)
    if agent.role is Role.LIAISON:
        return TicketScope(department_ids=agent.department_ids)
    return TicketScope(team_ids=agent.team_ids, assignee_id=agent.id)


class TicketAction(StrEnum):
    VIEW = "view"
    INTERNAL_NOTE = "internal_note"
    PUBLIC_REPLY = "public_reply"
    CHANGE_STATUS = "change_status"
    EDIT = "edit"
    ASSIGN = "assign"
    MERGE = "merge"
    ESCALATE = "escalate"
    BLOCK_SENDER = "block_sender"
    REVEAL_ORIGINAL = "reveal_original"


# Liaisons collaborate on handed-off work through notes; the customer conversation and the
# queue stay with customer service.
_LIAISON_ACTIONS = frozenset({TicketAction.VIEW, TicketAction.INTERNAL_NOTE})
_LEAD_ACTIONS = frozenset({TicketAction.MERGE})


def check_ticket(agent: Agent, ticket: Ticket, action: TicketAction) -> None:
    """Raise unless ``agent`` may do ``action`` to ``ticket``.

    A ticket outside the agent's scope is reported as not found, so that probing ticket
    numbers reveals nothing.
    """
    if not ticket_scope(agent).contains(ticket):
        raise NotFound(f"ticket #{ticket.id} was not found")
    if agent.role is Role.LIAISON and action not in _LIAISON_ACTIONS:
        raise PermissionDenied("department liaisons may read and add internal notes only")
    if action in _LEAD_ACTIONS and agent.role is Role.REPRESENTATIVE:
        raise PermissionDenied("merging tickets needs a team lead, coordinator or manager")


# What a settled ticket (closed, or merged into another) still allows: it is history now.
_SETTLED_ACTIONS = frozenset({TicketAction.VIEW, TicketAction.BLOCK_SENDER,
                              TicketAction.REVEAL_ORIGINAL})
_CHECKED_ACTIONS = (TicketAction.VIEW, TicketAction.INTERNAL_NOTE, TicketAction.PUBLIC_REPLY,
                    TicketAction.CHANGE_STATUS, TicketAction.EDIT, TicketAction.ASSIGN,
                    TicketAction.MERGE)


def allowed_actions(agent: Agent, ticket: Ticket, *,
                    blocking_roles: frozenset[Role]) -> frozenset[TicketAction]:
    """Everything ``agent`` may do to ``ticket`` now, decided by the same checks that guard
    the use cases: the console shows these buttons and the API returns them, so a client
    never has to guess what a button may do."""
    allowed = set()
    for action in _CHECKED_ACTIONS:
        try:
            check_ticket(agent, ticket, action)
        except (NotFound, PermissionDenied):
            continue
        allowed.add(action)
    if TicketAction.VIEW not in allowed:
        return frozenset()
    if TicketAction.INTERNAL_NOTE in allowed:
        allowed.add(TicketAction.ESCALATE)  # anyone working a ticket can raise a threat
    if agent.role in blocking_roles:
        allowed.add(TicketAction.BLOCK_SENDER)
    if may_read_sensitive(agent):
        allowed.add(TicketAction.REVEAL_ORIGINAL)
    if ticket.is_closed or ticket.merged_into_id is not None:
        allowed &= _SETTLED_ACTIONS
    return frozenset(allowed)


def check_block(agent: Agent, blocking_roles: frozenset[Role]) -> None:
    """Blocking silences a customer: a decision for those who oversee the operation."""
    if agent.role not in blocking_roles:
        allowed = ", ".join(sorted(role.value for role in blocking_roles))
        raise PermissionDenied(f"blocking a sender needs one of these roles: {allowed}")


def check_may_open_ticket(agent: Agent) -> None:
    if agent.role is Role.LIAISON:
        raise PermissionDenied("department liaisons cannot open tickets")


def offered_assignees(agent: Agent, people: Iterable[Agent]) -> list[Agent]:
    """Whom ``agent`` may be offered to give a ticket to, by name: active people who work
    tickets (a liaison answers handoffs), a team lead's only from their own teams.
    ``check_assignment`` still judges each assignment."""
    return sorted((a for a in people if a.active and a.id is not None
                   and a.role is not Role.LIAISON
                   and (agent.role is not Role.TEAM_LEAD or a.team_ids & agent.team_ids)),
                  key=lambda a: a.name.casefold())


def check_assignment(agent: Agent, ticket: Ticket, assignee: Agent | None,
                     team_id: int | None) -> None:
    """Representatives take or release work for themselves; leads move it within their teams."""
    check_ticket(agent, ticket, TicketAction.ASSIGN)
    if agent.oversees_everything:
        return
    if agent.role is Role.TEAM_LEAD:
        target_team = team_id if team_id is not None else ticket.team_id
        if assignee is not None and not (assignee.team_ids & agent.team_ids):
            raise PermissionDenied("team leads assign within their own teams")
        if target_team is not None and target_team not in agent.team_ids:
            raise PermissionDenied("team leads move tickets only between their own teams")
        return
    if assignee is not None and assignee.id != agent.id:
        raise PermissionDenied("representatives may assign tickets to themselves only")
    if assignee is None and ticket.assignee_id not in (None, agent.id):
        raise PermissionDenied("only the assignee or a lead may release this ticket")
    if team_id is not None and team_id != ticket.team_id:
        raise PermissionDenied("moving a ticket to another team needs a lead or coordinator")


# --- Department handoffs ---------------------------------------------------------------------
# A handoff has two sides. The department side (its members, liaisons among them) takes the
# work up, answers or rejects it; the ticket's side (whoever works the ticket: its owner, its
# team, coordinators) opens it, accepts the answer or sends it back. Both write in its thread.
# A liaison is only ever on the department side, so it sees its own departments' handoffs and
# no other, even on a ticket it can read.


def handoff_sides(agent: Agent, handoff: Handoff, ticket: Ticket) -> frozenset[Side]:
    """The sides of ``handoff`` that ``agent`` acts on (empty: it may not know it exists)."""
    if not agent.active:
        return frozenset()
    sides = set()
    if agent.oversees_everything or handoff.department_id in agent.department_ids:
        sides.add(Side.DEPARTMENT)
    if agent.role is not Role.LIAISON and ticket_scope(agent).contains(ticket):
        sides.add(Side.REQUESTER)
    return frozenset(sides)


def check_handoff(agent: Agent, handoff: Handoff, ticket: Ticket,
                  side: Side | None = None) -> None:
    """Raise unless ``agent`` may see ``handoff`` (and, with ``side``, act for that side).
    A handoff out of sight is reported as not found, like a ticket."""
    sides = handoff_sides(agent, handoff, ticket)
    if not sides:
        raise NotFound(f"handoff #{handoff.id} was not found")
    if side is not None and side not in sides:
        raise PermissionDenied(
            "only the department the work was handed to may do this" if side is Side.DEPARTMENT
            else "only whoever works the ticket may do this")


def check_may_hand_off(agent: Agent, ticket: Ticket) -> None:
    """Handing work off is part of working the ticket: liaisons receive handoffs, not send."""
    check_ticket(agent, ticket, TicketAction.EDIT)


def handoff_departments(agent: Agent) -> frozenset[int] | None:
    """The departments whose handoff queues ``agent`` may read (None: every department)."""
    if not agent.active:
        return frozenset()
    return None if agent.oversees_everything else agent.department_ids


def check_may_escalate_tier(agent: Agent, ticket: Ticket) -> None:
    """Escalating to the next tier changes who owns the ticket: those who work it may."""
    check_ticket(agent, ticket, TicketAction.EDIT)


def check_may_configure_olas(agent: Agent) -> None:
    check_admin(agent, "setting a department's OLA")


def check_may_read_reports(agent: Agent) -> None:
    if agent.role not in (Role.TEAM_LEAD, Role.COORDINATOR, Role.MANAGER, Role.ADMIN):
        raise PermissionDenied("reports are for team leads, coordinators and managers")


class DirectoryKind(StrEnum):
    CUSTOMERS = "customers"
    AGENTS = "agents"
    TEAMS = "teams"
    DEPARTMENTS = "departments"


def check_directory_write(agent: Agent, kind: DirectoryKind) -> None:
    if kind is DirectoryKind.CUSTOMERS:
        if agent.role is Role.LIAISON:
            raise PermissionDenied("department liaisons cannot edit customers")
        return
    if agent.role is Role.ADMIN:
        return
    if agent.role is Role.MANAGER and kind in (DirectoryKind.AGENTS, DirectoryKind.TEAMS):
        return
    raise PermissionDenied(f"editing {kind.value} needs an administrator"
                           + (" or a manager" if kind is not DirectoryKind.DEPARTMENTS else ""))


def may_read_directory(agent: Agent, kind: DirectoryKind) -> bool:
    """Department liaisons see customers only through their tickets."""
    return not (agent.role is Role.LIAISON and kind is DirectoryKind.CUSTOMERS)


def check_directory_read(agent: Agent, kind: DirectoryKind) -> None:
    if not may_read_directory(agent, kind):
        raise PermissionDenied("department liaisons see customers only through their tickets")


def check_admin(agent: Agent, what: str) -> None:
    if agent.role is not Role.ADMIN:
        raise PermissionDenied(f"{what} needs an administrator")


def may_manage_sla(agent: Agent) -> bool:
    """SLA policies and business calendars are set by managers and administrators."""
    return agent.role in (Role.ADMIN, Role.MANAGER) and agent.active


def check_sla_admin(agent: Agent) -> None:
    if not may_manage_sla(agent):
        raise PermissionDenied("SLA policies and calendars are managed by managers and "
                               "administrators")


def may_read_sensitive(agent: Agent) -> bool:
    return agent.sensitive_access or agent.role is Role.ADMIN


def check_sensitive_access(agent: Agent) -> None:
    """Originals of masked personal data are for agents granted access, and administrators."""
    if not may_read_sensitive(agent):
        raise PermissionDenied("reading masked personal data needs sensitive-data access; "
                               "ask an administrator")


def check_webhook_admin(agent: Agent) -> None:
    """Webhooks send the desk's events outside; only administrators set them up or read them."""
    check_admin(agent, "managing webhooks")


def may_handle_mail(agent: Agent) -> bool:
    """Quarantined mail is anyone's mail: those who oversee the whole desk handle it, and the
    raw-message intake is theirs (or a token acting for them) to feed."""
    return agent.role in OVERSEEING_ROLES


def check_mail_coordinator(agent: Agent) -> None:
    if not may_handle_mail(agent):
        raise PermissionDenied("handling quarantined or raw e-mail needs a coordinator, "
                               "manager or administrator")


def check_private_webhook_targets(agent: Agent, *, server_allows: bool) -> None:
    """Letting a webhook reach internal addresses opens the internal network to it: the
    server's network is its operator's, so the desk's administrators may do it only where the
    operator allows it."""
    check_admin(agent, "allowing a webhook to reach private network addresses")
    if not server_allows:
        raise PermissionDenied("this server does not let webhooks reach private network "
                               "addresses; its operator allows it with "
                               "HUBDESK_WEBHOOK_PRIVATE_TARGETS")


# Higher outranks lower; representatives and liaisons share the lowest rank.
_RANK = {Role.ADMIN: 4, Role.MANAGER: 3, Role.COORDINATOR: 2, Role.TEAM_LEAD: 1,
         Role.REPRESENTATIVE: 0, Role.LIAISON: 0}
# Whoever controls these of an account can sign in as its owner, or lock its owner out.
ACCOUNT_FIELDS = frozenset({"password", "email", "active"})


def outranks(actor: Agent, target: Agent) -> bool:
    return _RANK[actor.role] > _RANK[target.role]


def _governs_account(actor: Agent, target: Agent) -> bool:
    """An administrator governs every account, anyone else only those they outrank."""
    return actor.role is Role.ADMIN or outranks(actor, target)


def check_account_change(actor: Agent, target: Agent, fields: frozenset[str], *,
                         current_password_checked: bool = False) -> None:
    """Raise unless ``actor`` may change ``fields`` of ``target``'s account.

    Only an administrator changes the password, e-mail or active flag of an account of equal
    or higher rank; otherwise a manager could set an administrator's password and sign in as
    them. Changing one's own password needs the current one, so a stolen session cannot be
    turned into a stolen account.
    """
    guarded = fields & ACCOUNT_FIELDS
    if not guarded:
        return
    if actor.id is not None and actor.id == target.id:
        if "password" in guarded and not current_password_checked:
            raise PermissionDenied("changing your own password needs your current one: use "
                                   "POST /api/v1/agents/me/password")
        return
    if _governs_account(actor, target):
        return
    names = ", ".join(sorted(guarded))
    raise PermissionDenied(f"only an administrator changes the {names} of a {target.role.value}"
                           " account")


def check_may_sign_out(actor: Agent, target: Agent) -> None:
    """Raise unless ``actor`` may end every session of ``target``: their own, or as an
    administrator or manager of someone they outrank (as with the account's password)."""
    if actor.id is not None and actor.id == target.id:
        return
    check_directory_write(actor, DirectoryKind.AGENTS)
    if _governs_account(actor, target):
        return
    raise PermissionDenied(f"only an administrator signs out someone whose role "
                           f"({target.role.value}) ranks as high as yours")


def check_agent_grant(actor: Agent, fields: frozenset[str], new_role: Role,
                      target: Agent | None = None) -> None:
    """Administrators alone make or unmake administrators and grant or withdraw access to
    masked personal data (``target`` is None when the agent is being created)."""
    if actor.role is Role.ADMIN:
        return
    if "sensitive_access" in fields:
        raise PermissionDenied("only administrators grant or withdraw sensitive-data access")
    if target is None and new_role is Role.ADMIN:
        raise ValidationFailed("only administrators create administrators", {"role": "denied"})
    if target is not None and "role" in fields and Role.ADMIN in (target.role, new_role):
        raise ValidationFailed("only administrators change administrators", {"role": "denied"})


RULE_ADMIN_ROLES = frozenset({Role.ADMIN, Role.MANAGER})


def check_rules_admin(agent: Agent) -> None:
    """Automation rules act on every ticket: administrators and managers set them up."""
    if agent.role not in RULE_ADMIN_ROLES:
        raise PermissionDenied("managing automation rules needs an administrator or a manager")


def check_may_merge_customers(agent: Agent) -> None:
    """Merging moves every ticket of one customer to another, tickets of any team: those who
    see the whole desk may."""
    if not agent.oversees_everything:
        raise PermissionDenied("merging customers is for coordinators, managers and "
                               "administrators")
