"""The life of each demo ticket, played through the ticket services with historic times.

A story opens the ticket, lets someone pick it up, and then alternates agent replies, customer
answers, internal notes, hand-offs to departments and status changes until either the story
is told or its next step would lie in the future. Older tickets therefore end solved (and the
desk's rules close them, `demo/rules.py`) and the newest ones are still new or open, as in a
real queue.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from hubdesk.bootstrap import Hub
from hubdesk.demo import content
from hubdesk.demo.organisation import Clientele, Structure
from hubdesk.demo.people import Person
from hubdesk.demo.timeline import agent_response, customer_response
from hubdesk.domain.agents import Agent, Role
from hubdesk.domain.customers import Customer, Tier
from hubdesk.domain.safety import BLOCKED_SENDER_TAG
from hubdesk.domain.satisfaction import Rating
from hubdesk.domain.tickets import Channel, Priority, Status
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.tickets import NewTicket, TicketChanges

MESSAGE_COUNT_WEIGHTS = (0.14, 0.26, 0.25, 0.17, 0.11, 0.07)  # 1..6 messages
DUPLICATE_SHARE = 0.02
IN_PROGRESS_WINDOW = timedelta(days=5)
IN_PROGRESS_SHARE = 0.5
FORGOTTEN_AT_MOST = timedelta(days=2)  # the oldest contact still waiting for anyone
SURVEY_ANSWERED = 0.4  # of the customers asked how it went
SURVEY_GOOD = 0.9  # of their answers, with the best-liked agents


class _Later(Exception):
    """The next step of the story would happen after 'now': the story stops here."""


@dataclass
class Story:
    hub: Hub
    rng: random.Random
    org: Structure
    now: datetime
    clock: datetime
    ticket_id: int = 0
    budget: int = 0
    status: Status = Status.NEW
    unreached: bool = False  # nobody has picked it up yet, however old it is
    channel: Channel | None = None

    def at(self, moment: datetime) -> datetime:
        if moment >= self.now - timedelta(minutes=1):
            raise _Later
        self.clock = moment
        return moment


def team_for(person: Person) -> str:
    if person.tier is Tier.VIP:
        return "VIP"
    return "Frontline DE/FR" if person.language in ("de", "fr") else "Frontline EN"


def _pick_agent(rng: random.Random, org: Structure, team: str, language: str) -> Agent:
    candidates = org.members(team)
    speaking = [a for a in candidates if language in a.languages]
    return rng.choice(speaking or candidates)


def play_ticket(hub: Hub, rng: random.Random, org: Structure, clientele: Clientele,
                created: datetime, now: datetime, *,
                blocks: Mapping[int, datetime] | None = None, unreached: bool = False) -> int:
    """Open one ticket at ``created`` and play its story up to ``now``; returns its id.

    An ``unreached`` ticket stays in the queue as it arrived, whatever its age.

    ``blocks`` says from when a customer is blocked: their story stops there, and a contact
    they make after it is held on arrival by the desk's own rule and gets no story at all.
    The block itself must already be in the database by then (the seeder plays the timeline
    in order)."""
    customer, person = clientele.pick(rng)
    category = content.pick_category(rng)
    values = content.slots(rng)
    story = Story(hub, rng, org, now, clock=created, unreached=unreached)
    if now - created < IN_PROGRESS_WINDOW and rng.random() < IN_PROGRESS_SHARE:
        # Recent work is often half done: the story pauses somewhere before "now".
        story.now = created + (now - created) * rng.uniform(0.05, 0.7)
    blocked_at = (blocks or {}).get(customer.id or 0)
    if blocked_at is not None:
        story.now = min(story.now, blocked_at)
    team = team_for(person)
    agent = _pick_agent(rng, org, team, person.language)
    opened, held = _open(story, customer, person, category, values, team, agent)
    if held:
        return opened
    story.ticket_id = opened
    story.budget = rng.choices(range(1, 7), weights=MESSAGE_COUNT_WEIGHTS)[0] - 1
    try:
        if rng.random() < DUPLICATE_SHARE:
            _duplicate_and_merge(story, customer, person, category, values, team)
        _work(story, person, category, values, team, agent)
    except _Later:
        pass
    return opened


def _open(story: Story, customer: Customer, person: Person, category: content.Category,
          values: dict[str, str], team: str, agent: Agent) -> tuple[int, bool]:
    """The new ticket's id, and whether intake held it (its sender is blocked)."""
    rng = story.rng
    contact = content.compose_contact(rng, category, person.language, person.first_name, values)
    channel = content.pick_channel(rng, category)
    vip = person.tier is Tier.VIP
    # Phone calls are typed in by the agent who answered; everything else arrives by itself.
    actor = agent if channel is Channel.PHONE else LOCAL_OPERATOR
    detail, _ = story.hub.app.tickets.open(actor, NewTicket(
        subject=contact.subject, body=contact.body, requester_id=customer.id, channel=channel,
        priority=content.pick_priority(rng, category, vip),
        tags=content.pick_tags(rng, category, vip), category=category.name,
        team_id=story.org.teams[team].id,
        custom_fields={"order": values["order"]} if "order" in contact.body else {}),
        now=story.clock)
    assert detail.ticket.id is not None
    story.channel = channel
    return detail.ticket.id, BLOCKED_SENDER_TAG in detail.ticket.tags


def _duplicate_and_merge(story: Story, customer: Customer, person: Person,
                         category: content.Category, values: dict[str, str], team: str) -> None:
    """The customer writes again through another channel; a coordinator merges the two."""
    rng = story.rng
    contact = content.compose_contact(rng, category, person.language, person.first_name, values)
    written = story.at(story.clock + timedelta(minutes=rng.uniform(10, 90)))
    detail, _ = story.hub.app.tickets.open(LOCAL_OPERATOR, NewTicket(
        subject=contact.subject, body=contact.body, requester_id=customer.id,
        channel=Channel.WEB, category=category.name, team_id=story.org.teams[team].id,
        tags=("repeat-contact",)), now=written)
    assert detail.ticket.id is not None
    coordinator = story.org.by_role(Role.COORDINATOR)[0]
    merged = story.at(agent_response(rng, written, median_minutes=40))
    story.hub.app.tickets.merge(coordinator, detail.ticket.id, story.ticket_id, now=merged)


def _work(story: Story, person: Person, category: content.Category, values: dict[str, str],
          team: str, agent: Agent) -> None:
    rng = story.rng
    age = story.now - story.clock
    # Still waiting in the queue: most of the last hours' contacts, and a few of the last two
    # days' that nobody has reached yet. A desk leaves nothing unread for weeks.
    if story.unreached or (age < timedelta(hours=3) and rng.random() < 0.7) or (
            rng.random() < 0.03 and age < FORGOTTEN_AT_MOST):
        return
    _pick_up(story, team, agent)
    if category.name == "outages" or rng.random() < 0.07:
        agent = _escalate(story, person)
    if rng.random() < 0.25:
        _note(story, agent, content.compose_note(rng, category, values))
    if rng.random() < 0.35:
        _reply(story, agent, content.compose_agent_question(
            rng, person.language, person.first_name, agent.name.split()[0], values))
        _set_status(story, agent, Status.PENDING)
        _customer_writes(story, content.compose_customer_followup(
            rng, person.language, person.first_name, values))
    if category.department and rng.random() < 0.3:
        _hand_off(story, agent, category.department, values)
    _reply(story, agent, content.compose_agent_reply(
        rng, category, person.language, person.first_name, agent.name.split()[0], values))
    if rng.random() < 0.15 and story.status is not Status.ON_HOLD:
        _set_status(story, agent, Status.PENDING)
        return
    _set_status(story, agent, Status.SOLVED, median_minutes=60)
    if rng.random() < 0.2:
        _customer_writes(story, content.compose_thanks(rng, person.language, person.first_name))
        _set_status(story, agent, Status.SOLVED, median_minutes=30)
    # Closed four days later by the desk's rule (`demo/rules.py`), as the history is played.
    _survey(story, agent, person)


def _survey(story: Story, agent: Agent, person: Person) -> None:
    """A solved e-mail ticket's notice asks the customer how it went; some answer, more
    often content with some agents than with others. Drawn from a generator of the ticket's
    own, so the rest of the demo is the same with or without it."""
    if story.channel is not Channel.EMAIL:
        return
    rng = random.Random(f"survey {story.ticket_id}")
    token = story.hub.app.satisfaction.offer(LOCAL_OPERATOR, story.ticket_id, now=story.clock)
    answered = story.clock + timedelta(minutes=rng.uniform(10, 2 * 24 * 60))
    if rng.random() > SURVEY_ANSWERED or answered >= story.now - timedelta(minutes=1):
        return
    good = rng.random() < SURVEY_GOOD - 0.04 * ((agent.id or 0) % 4)
    comment = content.compose_survey_comment(rng, person.language, good) \
        if rng.random() < 0.35 else None
    story.hub.app.satisfaction.answer(token, Rating.GOOD if good else Rating.BAD, comment,
                                      now=answered)


def _pick_up(story: Story, team: str, agent: Agent) -> None:
    rng = story.rng
    when = story.at(agent_response(rng, story.clock, median_minutes=35))
    if rng.random() < 0.6:
        story.hub.app.tickets.assign(agent, story.ticket_id, agent.id, now=when)  # takes it
    else:
        router = story.org.lead(team) or story.org.by_role(Role.COORDINATOR)[0]
        story.hub.app.tickets.update(router, story.ticket_id, TicketChanges(
            frozenset({"assignee_id"}), assignee_id=agent.id), now=when)
    story.status = Status.OPEN


def _escalate(story: Story, person: Person) -> Agent:
    rng = story.rng
    org = story.org
    expert = _pick_agent(rng, org, "Escalations", person.language)
    coordinator = org.by_role(Role.COORDINATOR)[0]
    when = story.at(agent_response(rng, story.clock, median_minutes=20))
    tags = story.hub.app.tickets.get(coordinator, story.ticket_id).ticket.tags
    story.hub.app.tickets.update(coordinator, story.ticket_id, TicketChanges(
        frozenset({"team_id", "assignee_id", "priority", "tags"}),
        team_id=org.teams["Escalations"].id, assignee_id=expert.id,
        priority=rng.choice((Priority.HIGH, Priority.URGENT)), tags=(*tags, "escalated")),
        now=when)
    return expert


def _note(story: Story, author: Agent, text: str) -> None:
    if story.budget <= 0:
        return
    when = story.at(story.clock + timedelta(minutes=story.rng.uniform(2, 40)))
    story.hub.app.tickets.reply(author, story.ticket_id, text, public=False, now=when)
    story.budget -= 1


def _reply(story: Story, agent: Agent, text: str) -> None:
    if story.budget <= 0:
        return
    when = story.at(agent_response(story.rng, story.clock))
    story.hub.app.tickets.reply(agent, story.ticket_id, text, now=when)
    story.budget -= 1
    if story.status is Status.NEW:
        story.status = Status.OPEN


def _customer_writes(story: Story, text: str) -> None:
    if story.budget <= 0:
        return
    when = story.at(customer_response(story.rng, story.clock))
    story.hub.app.tickets.customer_wrote(story.ticket_id, text,
                         channel_meta={"channel": "email"}, now=when)
    story.budget -= 1
    if story.status in (Status.PENDING, Status.ON_HOLD, Status.SOLVED):
        story.status = Status.OPEN


def _set_status(story: Story, agent: Agent, status: Status, *,
                median_minutes: float = 10) -> None:
    if story.status is status:
        return
    when = story.at(agent_response(story.rng, story.clock, median_minutes=median_minutes))
    story.hub.app.tickets.change_status(agent, story.ticket_id, status, now=when)
    story.status = status


def _hand_off(story: Story, agent: Agent, department: str, values: dict[str, str]) -> None:
    """Work goes to a department: on hold until its liaison has answered in a note."""
    rng = story.rng
    when = story.at(story.clock + timedelta(minutes=rng.uniform(3, 30)))
    story.hub.app.tickets.update(agent, story.ticket_id, TicketChanges(
        frozenset({"department_id"}), department_id=story.org.departments[department].id),
        now=when)
    _note(story, agent, content.compose_handoff_note(rng, department, values))
    _set_status(story, agent, Status.ON_HOLD, median_minutes=5)
    liaisons = story.org.liaisons(department)
    if liaisons:
        liaison = rng.choice(liaisons)
        if story.budget > 0:
            later = story.at(agent_response(rng, story.clock, median_minutes=240))
            story.hub.app.tickets.reply(liaison, story.ticket_id,
                        content.compose_liaison_note(rng, values), public=False, now=later)
            story.budget -= 1
