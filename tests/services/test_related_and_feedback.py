"""How was this solved before? And agents correcting triage's reading of a customer."""

from __future__ import annotations

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import NotFound, PermissionDenied, ValidationFailed
from hubdesk.domain.tickets import Status
from hubdesk.domain.triage import Verdict
from hubdesk.services.feedback import correct_verdict, verdict_examples
from hubdesk.services.related import distinctive_words, solved_like
from hubdesk.services.tickets import add_message, change_status, ticket_events
from hubdesk.triage.similarity import SimilarityFinder
from tests import factories

ANSWER = "I have refunded the second charge; it reaches your card in 3 to 5 working days."


def _solved(hub, agent, subject, body, answer, team_id):
    detail = factories.ticket(hub, agent, subject=subject, body=body, team_id=team_id,
                              email=subject.lower().replace(" ", ".") + "@example.com")
    if answer:
        add_message(hub.uows, agent, detail.ticket.id, answer)
    change_status(hub.uows, agent, detail.ticket.id, Status.SOLVED)
    return detail.ticket.id


@pytest.fixture
def history(hub):
    team = factories.team(hub)
    rep = factories.staff(hub, Role.REPRESENTATIVE, teams=(team,)).agent
    tickets = {
        "double": _solved(hub, rep, "Charged twice for my order",
                          "My card was charged twice for order 5521, please refund one.",
                          ANSWER, team.id),
        "parcel": _solved(hub, rep, "Parcel missing", "The courier says delivered but no "
                          "parcel at my door.", "We opened an investigation.", team.id),
        "password": _solved(hub, rep, "Password reset", "The reset e-mail never arrives.",
                            None, team.id),
        "unanswered": _solved(hub, rep, "Double charge on my card",
                              "You took the money twice from my card for one order, refund "
                              "the duplicate charge.", None, team.id),
    }
    still_open = factories.ticket(hub, rep, subject="Charged twice again",
                                  body="Charged twice for my order, refund please",
                                  team_id=team.id).ticket.id
    return {"team": team, "rep": rep, "tickets": tickets, "open": still_open}


def test_similar_solved_tickets_come_with_their_answer(hub, history):
    rep = history["rep"]
    new = factories.ticket(hub, rep, subject="Double charge",
                           body="You took the money twice from my card for one order. "
                                "I want a refund of the duplicate charge.",
                           team_id=history["team"].id, email="new@example.com")
    found = solved_like(hub.uows, SimilarityFinder(), rep, new.ticket.id)
    assert found, "a solved ticket about a double charge exists"
    best = found[0]
    assert best.ticket_id == history["tickets"]["double"]
    assert best.subject == "Charged twice for my order"
    assert best.resolution == ANSWER
    ids = [f.ticket_id for f in found]
    assert history["open"] not in ids and new.ticket.id not in ids  # solved ones only
    # Alike, but solved without a written answer: nothing to learn from it.
    assert history["tickets"]["unanswered"] not in ids
    assert [f.similarity for f in found] == sorted((f.similarity for f in found), reverse=True)


def test_similar_solved_only_searches_what_the_agent_may_see(hub, history):
    other_team = factories.team(hub)
    outsider = factories.staff(hub, Role.REPRESENTATIVE, teams=(other_team,)).agent
    mine = factories.ticket(hub, outsider, subject="Charged twice",
                            body="charged twice for my order, refund", team_id=other_team.id,
                            email="x@example.com")
    assert solved_like(hub.uows, SimilarityFinder(), outsider, mine.ticket.id) == []
    with pytest.raises(NotFound):
        solved_like(hub.uows, SimilarityFinder(), outsider, history["open"])


def test_a_ticket_without_words_finds_nothing_and_does_not_fail(hub, history):
    rep = history["rep"]
    odd = factories.ticket(hub, rep, subject="!!!", body="🙂🙂 ?? 12345",
                           team_id=history["team"].id, email="odd@example.com")
    assert solved_like(hub.uows, SimilarityFinder(), rep, odd.ticket.id) == []


def test_distinctive_words_skip_the_words_every_ticket_has():
    assert distinctive_words("Hello, please help: my PARCEL is lost. Thanks!") == \
        ["parcel", "lost"]
    assert len(distinctive_words(" ".join(f"word{n}x" for n in range(100)))) <= 16


def test_corrections_are_kept_latest_first_and_recorded(hub, history):
    rep = history["rep"]
    detail = factories.ticket(hub, rep, subject="Angry", body="This is the third time!!",
                              team_id=history["team"].id, email="angry@example.com")
    message_id = detail.messages[0].id
    correct_verdict(hub.uows, rep, detail.ticket.id, message_id, Verdict.DIFFICULT, True)
    correct_verdict(hub.uows, rep, detail.ticket.id, message_id, Verdict.DIFFICULT, False)
    correct_verdict(hub.uows, rep, detail.ticket.id, message_id, Verdict.ABUSIVE, False)
    admin = factories.staff(hub, Role.ADMIN).agent
    assert verdict_examples(hub.uows, admin, Verdict.DIFFICULT) == \
        [("This is the third time!!", False)]
    assert verdict_examples(hub.uows, admin, Verdict.ABUSIVE) == \
        [("This is the third time!!", False)]
    corrections = [e.event.data for e in ticket_events(hub.uows, rep, detail.ticket.id)
                   if e.event.kind == "triage_corrected"]
    assert [c["value"] for c in corrections] == [True, False, False]
    with pytest.raises(PermissionDenied):
        verdict_examples(hub.uows, rep, Verdict.DIFFICULT)


def test_only_customer_messages_on_that_ticket_can_be_corrected(hub, history):
    rep = history["rep"]
    detail = factories.ticket(hub, rep, team_id=history["team"].id)
    reply = add_message(hub.uows, rep, detail.ticket.id, "We are on it.")
    with pytest.raises(ValidationFailed):
        correct_verdict(hub.uows, rep, detail.ticket.id, reply.id, Verdict.ABUSIVE, True)
    with pytest.raises(NotFound):
        correct_verdict(hub.uows, rep, history["open"], detail.messages[0].id,
                        Verdict.ABUSIVE, True)
    outsider = factories.staff(hub, Role.REPRESENTATIVE, teams=(factories.team(hub),)).agent
    with pytest.raises(NotFound):
        correct_verdict(hub.uows, outsider, detail.ticket.id, detail.messages[0].id,
                        Verdict.ABUSIVE, True)
