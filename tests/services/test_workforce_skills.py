"""Drafting with agents' own skills and languages: the team's tickets grouped by the skills
their category needs and their language, the forecast split by the groups' shares and staffed
per group, and the scheduler placing an agent only in groups they serve (on both databases);
the grouping alone without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.services.directory import CustomerInput
from hubdesk.services.routing_config import parse
from hubdesk.services.routing_records import ProfileChange
from hubdesk.services.tickets import NewTicket
from hubdesk.services.workforce_groups import split
from hubdesk.services.workforce_plan import StaffingGoal
from tests import factories
from tests.routing_desk import CONFIG, configure

MONDAY = date(2026, 11, 30)
SKILL_MAP = parse(CONFIG).skill_map


def test_tickets_are_grouped_by_needed_skills_and_language_and_agents_by_what_they_serve():
    tickets = [("billing", "en")] * 6 + [(None, "de")] * 3 + [(None, None)]
    members = {1: ({"billing": 3}, ("en",)), 2: ({}, ("de", "en")), 3: ({"billing": 2}, ("en",))}
    groups = split(tickets, SKILL_MAP, members)
    assert groups.shares == pytest.approx({"billing≥3+en": 0.6, "de": 0.3, "desk": 0.1})
    assert groups.members == {1: {"desk", "billing≥3+en"}, 2: {"desk", "de"},
                              3: {"desk"}}  # billing at level 2 is not enough
    assert groups.notes == ["demand split by skill and language from the team's tickets: "
                            "billing≥3+en 60%, de 30%, desk 10%"]


def test_a_group_nobody_serves_is_staffed_from_everyone_and_said():
    groups = split([("refund", "fr")] * 1 + [(None, "en")] * 3, SKILL_MAP,
                   {1: ({}, ("en",))})
    assert groups.shares == pytest.approx({"desk": 0.25, "en": 0.75})
    assert "no member of the team serves returns≥2+fr (25% of the tickets)" in groups.notes[1]


def test_without_history_everyone_serves_one_queue():
    groups = split([], SKILL_MAP, {1: ({}, ())})
    assert (groups.shares, groups.members, groups.notes) == ({"desk": 1.0}, {1: {"desk"}}, [])


@pytest.fixture
def bilingual_desk(hub):
    admin = configure(hub)
    team = factories.team(hub, "Front")
    coordinator = factories.staff(hub, Role.COORDINATOR).agent
    people = {}
    for name, skills, languages in (("en1", {"billing": 4}, ("en",)),
                                    ("en2", {"billing": 3}, ("en",)),
                                    ("de1", {"returns": 2}, ("de",)),
                                    ("de2", {"returns": 3}, ("de",))):
        person = factories.staff(hub, teams=(team,)).agent
        hub.app.routing.update_profile(admin.agent, person.id, ProfileChange(
            skills=skills, languages=languages, capacity=5),
            now=datetime(2026, 11, 1, tzinfo=UTC))
        people[name] = person
    # Customers who write English and German (the language the desk knows them by).
    for language in ("en", "de"):
        hub.app.directory.create_customer(coordinator, CustomerInput(
            fields_set=frozenset({"name", "emails", "language"}), name=language,
            emails=(f"{language}@example.com",), language=language))
    # Four weeks of history: an English billing question at 09:00, a German one at 16:00.
    for day in range(28):
        moment = datetime(2026, 11, 2, tzinfo=UTC) + timedelta(days=day)
        for n in range(1):
            english, _ = hub.app.tickets.open(coordinator, NewTicket(
                subject="Invoice question", category="billing", team_id=team.id,
                body="Hello, I was charged twice on my last invoice and would like a refund "
                     "of the second payment please.",
                requester_email="en@example.com"), now=moment.replace(hour=9, minute=n))
            german, _ = hub.app.tickets.open(coordinator, NewTicket(
                subject="Frage", team_id=team.id,
                body="Guten Tag, ich habe mein Paket noch nicht bekommen und möchte wissen, "
                     "wann es ankommt. Vielen Dank für Ihre Hilfe.",
                requester_email="de@example.com"), now=moment.replace(hour=16, minute=n))
    assert (english.ticket.language, german.ticket.language) == ("en", "de")
    return {"team": team, "coordinator": coordinator, **people}


def test_agents_are_scheduled_only_where_their_skills_and_languages_are_needed(hub,
                                                                              bilingual_desk):
    desk = bilingual_desk
    outcome = hub.app.workforce.draft(desk["coordinator"], desk["team"].id, MONDAY,
                                      StaffingGoal(aht_s=120),
                                      now=datetime(2026, 11, 29, tzinfo=UTC))
    assert outcome.problems == []
    assert "demand split by skill and language from the team's tickets: billing≥3+en 50%, " \
        "de 50%" in outcome.notes

    def working_at(moment: datetime) -> set[str]:
        return {who for who in ("en1", "en2", "de1", "de2") for s in outcome.week.shifts
                if s.agent_id == desk[who].id
                and any(b <= moment < e for b, e in s.working_spans())}

    for day in range(7):
        nine = datetime.combine(MONDAY + timedelta(days=day), time(9, 10), tzinfo=UTC)
        # The English morning has an English billing agent, the German afternoon a German
        # one: one of the other language would not do, though the team has one on shift.
        assert working_at(nine) & {"en1", "en2"}, day
        assert working_at(nine.replace(hour=16)) & {"de1", "de2"}, day
