"""The satisfaction survey through the desk, on both databases: offered by the notice of a
solved e-mail ticket, answered through its link as a ticket event, credited to who solved
it, and counted in the report."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from hubdesk.bootstrap import assemble
from hubdesk.domain.agents import Role
from hubdesk.domain.clock import utcnow
from hubdesk.domain.errors import Conflict, NotFound, PermissionDenied
from hubdesk.domain.events import EventKind
from hubdesk.domain.satisfaction import Rating
from hubdesk.domain.tickets import Channel, Status
from hubdesk.services.auth import LOCAL_OPERATOR
from hubdesk.services.tickets import NewTicket
from tests import factories

SUPPORT = "support@desk.test"
PUBLIC = "https://help.desk.test"


def _desk(hub, **settings):
    return assemble(hub.settings.model_copy(update={
        "mail_addresses": {SUPPORT: None}, **settings}), hub.engine)


def _solved(desk, agent, *, team_id=None, channel=Channel.EMAIL, email="ana@example.com"):
    detail, _ = desk.app.tickets.open(LOCAL_OPERATOR, NewTicket(
        subject="Parcel never arrived", body="Where is my order?", requester_email=email,
        channel=channel, team_id=team_id))
    ticket_id = detail.ticket.id
    admin = factories.staff(desk, Role.ADMIN).agent
    desk.app.tickets.assign(admin, ticket_id, agent.id)
    desk.app.tickets.change_status(admin, ticket_id, Status.SOLVED)
    return ticket_id


def _relay(desk):
    while desk.app.relay_outbox():
        pass


def _notice_link(desk, ticket_id):
    _relay(desk)
    with desk.uows(write=False) as uow:
        solved = [m for m in uow.mail.deliveries(ticket_id) if m.kind == "solved"]
    links = re.findall(r"https://help\.desk\.test/survey/(\S+)", solved[-1].body_text)
    return links[-1] if links else None


def _survey(desk, ticket_id):
    with desk.uows(write=False) as uow:
        return uow.satisfaction.get(ticket_id)


def test_a_solved_e_mail_tickets_notice_offers_the_survey_and_the_answer_is_an_event(hub):
    desk = _desk(hub, public_url=PUBLIC)
    team = factories.team(desk)
    rep = factories.staff(desk, teams=(team,)).agent
    ticket_id = _solved(desk, rep, team_id=team.id)
    token = _notice_link(desk, ticket_id)
    assert token is not None
    survey = _survey(desk, ticket_id)
    assert (survey.agent_id, survey.team_id, survey.rating) == (rep.id, team.id, None)
    page = desk.app.satisfaction.survey(token)
    assert (page.ticket_id, page.subject, page.open) == (ticket_id, "Parcel never arrived", True)

    desk.app.satisfaction.answer(token, Rating.BAD, "  It took a week.  ")
    desk.app.satisfaction.answer(token, Rating.GOOD, "Card 4111 1111 1111 1111, all fine")
    survey = _survey(desk, ticket_id)
    assert survey.rating is Rating.GOOD
    assert "4111 1111 1111 1111" not in survey.comment and "all fine" in survey.comment
    history = desk.app.tickets.history(LOCAL_OPERATOR, ticket_id)
    rated = [e.event for e in history if e.event.kind is EventKind.SATISFACTION_RATED]
    assert [(e.actor.kind.value, e.data) for e in rated] == [
        ("customer", {"rating": "bad", "before": None, "commented": True}),
        ("customer", {"rating": "good", "before": "bad", "commented": True})]


def test_without_a_public_address_or_for_other_channels_no_survey_is_offered(hub):
    rep = factories.staff(hub).agent
    quiet = _desk(hub)
    ticket_id = _solved(quiet, rep)
    assert _notice_link(quiet, ticket_id) is None and _survey(quiet, ticket_id) is None
    desk = _desk(hub, public_url=PUBLIC)
    by_phone = _solved(desk, rep, channel=Channel.PHONE)
    _relay(desk)
    assert _survey(desk, by_phone) is None


def test_the_answer_stays_credited_to_who_solved_it_and_solving_again_offers_again(hub):
    desk = _desk(hub, public_url=PUBLIC)
    first, second = factories.staff(desk).agent, factories.staff(desk).agent
    ticket_id = _solved(desk, first)
    token = _notice_link(desk, ticket_id)
    offered = _survey(desk, ticket_id).offered_at
    desk.app.satisfaction.answer(token, Rating.BAD, None)
    admin = factories.staff(desk, Role.ADMIN).agent
    desk.app.tickets.change_status(admin, ticket_id, Status.OPEN)
    desk.app.tickets.assign(admin, ticket_id, second.id)
    assert _survey(desk, ticket_id).agent_id == first.id  # reassigned, not solved again
    desk.app.tickets.change_status(admin, ticket_id, Status.SOLVED,
                                   now=utcnow() + timedelta(seconds=2))
    newer = _notice_link(desk, ticket_id)
    survey = _survey(desk, ticket_id)
    assert newer != token and survey.offered_at > offered
    assert (survey.agent_id, survey.rating) == (second.id, Rating.BAD)  # the answer is kept
    desk.app.satisfaction.answer(token, Rating.GOOD, None)  # the first link still counts
    assert _survey(desk, ticket_id).rating is Rating.GOOD


def test_a_closed_or_forged_link_changes_nothing(hub):
    desk = _desk(hub, public_url=PUBLIC)
    rep = factories.staff(desk).agent
    ticket_id = _solved(desk, rep)
    long_ago = utcnow() - timedelta(days=29)
    token = desk.app.satisfaction.offer(LOCAL_OPERATOR, ticket_id, now=long_ago)
    assert desk.app.satisfaction.survey(token).open is False
    with pytest.raises(Conflict):
        desk.app.satisfaction.answer(token, Rating.GOOD, None)
    ticket, offered, mac = token.split(".")
    for forged in (f"{int(ticket) + 1}.{offered}.{mac}", f"{ticket}.{offered}.{mac[::-1]}",
                   "nonsense"):
        with pytest.raises(NotFound):
            desk.app.satisfaction.answer(forged, Rating.GOOD, None)
    assert _survey(desk, ticket_id).rating is None
    other = assemble(desk.settings.model_copy(update={"secret_key": "s" * 40}), hub.engine)
    with pytest.raises(NotFound):  # a new secret key retires every link
        other.app.satisfaction.survey(token)


def test_the_report_counts_the_window_per_agent_and_team_and_keeps_comments_in_scope(hub):
    desk = _desk(hub, public_url=PUBLIC)
    red, blue = factories.team(desk), factories.team(desk)
    ann = factories.staff(desk, teams=(red,)).agent
    bob = factories.staff(desk, teams=(blue,)).agent
    lead = factories.staff(desk, Role.TEAM_LEAD, teams=(red,)).agent
    manager = factories.staff(desk, Role.MANAGER).agent
    answers = [(ann, red, Rating.GOOD, "Lovely"), (ann, red, Rating.BAD, None),
               (ann, red, None, None), (bob, blue, Rating.GOOD, "Blue was quick")]
    for agent, team, rating, comment in answers:
        ticket_id = _solved(desk, agent, team_id=team.id)
        token = desk.app.satisfaction.offer(LOCAL_OPERATOR, ticket_id)
        if rating is not None:
            desk.app.satisfaction.answer(token, rating, comment)
    now = utcnow()
    result = desk.app.satisfaction.report(manager, now - timedelta(days=1),
                                          now + timedelta(minutes=1))
    overall = result.report.overall
    assert (overall.offered, overall.good, overall.bad) == (4, 2, 1)
    assert overall.answered_share == pytest.approx(0.75)
    assert overall.good_share == pytest.approx(2 / 3)
    assert (result.report.agents[ann.id].offered, result.report.agents[ann.id].good_share) \
        == (3, 0.5)
    assert result.report.teams[blue.id].good == 1
    assert result.agent_names[bob.id] == bob.name and result.team_names[red.id] == red.name
    assert {c.comment for c in result.comments} == {"Lovely", "Blue was quick"}
    led = desk.app.satisfaction.report(lead, now - timedelta(days=1), now + timedelta(minutes=1))
    assert led.report.overall.offered == 4  # the figures are the desk's
    assert [c.comment for c in led.comments] == ["Lovely"]  # the words their own team's
    before = desk.app.satisfaction.report(manager, now - timedelta(days=2),
                                          now - timedelta(days=1))
    assert before.report.overall.offered == 0 and before.comments == []
    with pytest.raises(PermissionDenied):
        desk.app.satisfaction.report(ann, now - timedelta(days=1), now)
    with pytest.raises(PermissionDenied):
        desk.app.satisfaction.offer(ann, 1)


def test_a_rule_hears_a_bad_answer_and_reads_the_latest(hub):
    desk = _desk(hub, public_url=PUBLIC)
    admin = factories.staff(desk, Role.ADMIN).agent
    desk.app.rules.create(admin, {
        "name": "Unhappy customer", "trigger": {"type": "event", "on": ["satisfaction_rated"]},
        "conditions": {"all": [{"field": "ticket.satisfaction", "op": "changed_to",
                                "value": "bad"}]},
        "actions": [{"type": "add_tags", "tags": ["unhappy"]},
                    {"type": "set", "field": "priority", "value": "high"}]})
    desk.app.rules.create(admin, {
        "name": "Happy again", "trigger": {"type": "event", "on": ["satisfaction_rated"]},
        "conditions": {"all": [{"field": "ticket.satisfaction", "op": "=", "value": "good"}]},
        "actions": [{"type": "remove_tags", "tags": ["unhappy"]}]})
    ticket_id = _solved(desk, factories.staff(desk).agent)
    token = desk.app.satisfaction.offer(LOCAL_OPERATOR, ticket_id)
    desk.app.satisfaction.answer(token, Rating.BAD, None)
    ticket = desk.app.tickets.get(admin, ticket_id).ticket
    assert "unhappy" in ticket.tags and ticket.priority.value == "high"
    desk.app.satisfaction.answer(token, Rating.GOOD, None)
    assert "unhappy" not in desk.app.tickets.get(admin, ticket_id).ticket.tags


def test_the_same_answer_sent_again_records_nothing_more(hub):
    desk = _desk(hub, public_url=PUBLIC)
    ticket_id = _solved(desk, factories.staff(desk).agent)
    token = desk.app.satisfaction.offer(LOCAL_OPERATOR, ticket_id)
    for _ in range(3):
        desk.app.satisfaction.answer(token, Rating.GOOD, " Thanks ")
    desk.app.satisfaction.answer(token, Rating.GOOD, "Thanks, again")
    history = desk.app.tickets.history(LOCAL_OPERATOR, ticket_id)
    assert [e.event.data["commented"] for e in history
            if e.event.kind is EventKind.SATISFACTION_RATED] == [True, True]


def test_a_ticket_closed_since_it_was_solved_still_takes_its_customers_answer(hub):
    desk = _desk(hub, public_url=PUBLIC)
    admin = factories.staff(desk, Role.ADMIN).agent
    ticket_id = _solved(desk, factories.staff(desk).agent)
    token = _notice_link(desk, ticket_id)
    desk.app.tickets.change_status(admin, ticket_id, Status.CLOSED)
    desk.app.satisfaction.answer(token, Rating.BAD, "Closed before I could say")
    assert _survey(desk, ticket_id).rating is Rating.BAD
    assert desk.app.tickets.get(admin, ticket_id).ticket.status is Status.CLOSED


def test_a_survey_takes_at_most_twenty_answers(hub):
    desk = _desk(hub, public_url=PUBLIC)
    ticket_id = _solved(desk, factories.staff(desk).agent)
    token = desk.app.satisfaction.offer(LOCAL_OPERATOR, ticket_id)
    for n in range(20):
        desk.app.satisfaction.answer(token, Rating.BAD if n % 2 else Rating.GOOD, None)
    assert desk.app.satisfaction.survey(token).open is False
    with pytest.raises(Conflict):
        desk.app.satisfaction.answer(token, Rating.GOOD, None)
    assert _survey(desk, ticket_id).rating is Rating.BAD


def test_the_settings_preview_shows_the_survey_link_only_on_a_desk_that_offers_it(hub):
    from hubdesk.domain.mail_templates import BUILT_IN, MailKind

    solved = BUILT_IN[MailKind.SOLVED]
    offering, quiet = _desk(hub, public_url=PUBLIC), _desk(hub)
    admin = factories.staff(offering, Role.ADMIN).agent
    assert "How did we do?" in offering.app.mail_templates.sample(solved).text
    assert "How did we do?" not in quiet.app.mail_templates.sample(solved).text
    assert "How did we do?" not in quiet.app.mail_templates.preview(admin, solved).composed.text
    _solved(offering, factories.staff(offering).agent)  # a real ticket to preview with
    preview = offering.app.mail_templates.preview(admin, solved)
    assert preview.ticket_id is not None and "How did we do?" in preview.composed.text
    assert "How did we do?" not in quiet.app.mail_templates.preview(admin, solved).composed.text


def test_the_credit_is_whoever_held_the_ticket_when_it_was_solved_however_late_the_relay(hub):
    desk = _desk(hub, public_url=PUBLIC)
    admin = factories.staff(desk, Role.ADMIN).agent
    solver, later = factories.staff(desk).agent, factories.staff(desk).agent
    detail, _ = desk.app.tickets.open(LOCAL_OPERATOR, NewTicket(
        subject="Refund", body="Please refund", requester_email="ana@example.com",
        channel=Channel.EMAIL))
    ticket_id = detail.ticket.id
    desk.app.tickets.assign(admin, ticket_id, solver.id)
    desk.app.tickets.change_status(admin, ticket_id, Status.SOLVED)
    desk.app.tickets.assign(admin, ticket_id, later.id)  # before the relay hands the event on
    assert _notice_link(desk, ticket_id) is not None
    assert _survey(desk, ticket_id).agent_id == solver.id
