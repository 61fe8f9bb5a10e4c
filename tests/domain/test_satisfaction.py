"""The satisfaction survey's rules: links that cannot be guessed or moved, answers taken only
while the link is good (the latest counting), and the report's arithmetic."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.errors import Conflict, ValidationFailed
from hubdesk.domain.mail_templates import BUILT_IN, MailKind, MailTemplate, compose
from hubdesk.domain.rules.templates import ticket_values
from hubdesk.domain.satisfaction import (
    MAX_ANSWERS,
    MAX_COMMENT,
    SURVEY_OPEN_FOR,
    Rating,
    SatisfactionFigures,
    Survey,
    SurveyCount,
    SurveyLink,
    bounded_comment,
    parse_rating,
    read_survey_token,
    satisfaction_report,
    survey_token,
    survey_url,
)

KEY = b"k" * 32
OFFERED = datetime(2026, 3, 2, 9, 30, 15, tzinfo=UTC)


def test_a_token_names_its_ticket_and_offer_and_only_the_key_makes_one() -> None:
    token = survey_token(KEY, 41, OFFERED)
    assert read_survey_token(KEY, token) == SurveyLink(41, OFFERED)
    ticket, offered, mac = token.split(".")
    assert ticket == "41" and offered == str(int(OFFERED.timestamp())) and len(mac) == 22
    forged = [
        f"42.{offered}.{mac}",                      # moved to another ticket
        f"41.{int(offered) + 1}.{mac}",             # or another offer
        f"41.{offered}.{mac[:-1]}{'A' if mac[-1] != 'A' else 'B'}",
        f"41.{offered}.",
        f"41.{offered}",
        "", "..", "x" * 200, f"٤١.{offered}.{mac}",  # digits of another script
        f"-41.{offered}.{mac}", f"41.-{offered}.{mac}",
    ]
    assert [read_survey_token(KEY, f) for f in forged] == [None] * len(forged)
    assert read_survey_token(b"another key" * 3, token) is None


def test_the_link_is_the_public_address_and_the_token() -> None:
    url = survey_url("https://help.example.com/", KEY, 41, OFFERED)
    assert url == f"https://help.example.com/survey/{survey_token(KEY, 41, OFFERED)}"


def _survey() -> Survey:
    return Survey(ticket_id=41, offered_at=OFFERED, agent_id=3, team_id=2)


def test_answers_are_taken_for_four_weeks_and_the_latest_counts() -> None:
    survey, link = _survey(), SurveyLink(41, OFFERED)
    assert survey.answer(link, Rating.BAD, "slow", OFFERED + timedelta(hours=1)) is None
    later = OFFERED + SURVEY_OPEN_FOR - timedelta(seconds=1)
    assert survey.answer(link, Rating.GOOD, None, later) is Rating.BAD
    assert (survey.rating, survey.comment, survey.rated_at) == (Rating.GOOD, None, later)
    with pytest.raises(Conflict, match="closed"):
        survey.answer(link, Rating.BAD, None, OFFERED + SURVEY_OPEN_FOR)
    with pytest.raises(Conflict):
        survey.answer(link, Rating.BAD, None, OFFERED - timedelta(seconds=1))
    assert survey.rating is Rating.GOOD


def test_an_earlier_offers_link_stays_good_for_its_own_weeks_but_no_later_one_exists() -> None:
    survey = _survey()
    survey.offered_at = OFFERED + timedelta(days=10)  # solved again
    first = SurveyLink(41, OFFERED)
    assert survey.link_open(first, OFFERED + timedelta(days=27))
    assert not survey.link_open(first, OFFERED + timedelta(days=29))
    assert not survey.link_open(SurveyLink(41, OFFERED + timedelta(days=11)),
                                OFFERED + timedelta(days=12))
    assert not survey.link_open(SurveyLink(40, OFFERED), OFFERED + timedelta(days=1))


def test_ratings_and_comments_as_kept() -> None:
    assert parse_rating(" Good ") is Rating.GOOD and parse_rating("bad") is Rating.BAD
    for wrong in ("meh", "", None, 5):
        with pytest.raises(ValidationFailed):
            parse_rating(wrong)
    assert bounded_comment("  fine  ") == "fine"
    assert bounded_comment("   ") is None and bounded_comment(None) is None
    assert len(bounded_comment("x" * (MAX_COMMENT + 50)) or "") == MAX_COMMENT


def test_the_report_adds_up_per_agent_and_team_and_divides_only_what_exists() -> None:
    report = satisfaction_report([
        SurveyCount(agent_id=1, team_id=10, offered=10, good=6, bad=2),
        SurveyCount(agent_id=1, team_id=20, offered=5, good=1, bad=1),
        SurveyCount(agent_id=2, team_id=10, offered=4, good=0, bad=0),
        SurveyCount(agent_id=None, team_id=None, offered=1, good=0, bad=1)])
    assert report.overall == SatisfactionFigures(20, 7, 4)
    assert report.overall.answered == 11
    assert report.overall.answered_share == pytest.approx(11 / 20)
    assert report.overall.good_share == pytest.approx(7 / 11)
    assert report.agents[1] == SatisfactionFigures(15, 7, 3)
    assert report.agents[2].good_share is None and report.agents[2].answered_share == 0
    assert report.teams[10] == SatisfactionFigures(14, 6, 2)
    assert report.teams[None] == SatisfactionFigures(1, 0, 1)
    empty = satisfaction_report([])
    assert empty.overall.answered_share is None and empty.overall.good_share is None


def _solved_values(url: str | None) -> dict[str, object]:
    return {**ticket_values(7, "Printer on fire", "solved", "high", "Ann Lee"),
            "survey.url": url}


def test_a_solved_notice_invites_to_the_survey_after_its_text_or_where_it_says() -> None:
    url = "https://help.example.com/survey/7.1.abc"
    notice = compose(BUILT_IN[MailKind.SOLVED], 7, _solved_values(url))
    assert f"How did we do? Tell us in one click: {url}\n\nTicket #7." in notice.text
    assert f'<a href="{url}">{url}</a>' in notice.html
    without = compose(BUILT_IN[MailKind.SOLVED], 7, _solved_values(None))
    assert "How did we do" not in without.text and "survey" not in without.html
    placed = MailTemplate(MailKind.SOLVED, "Done", "Solved.\n\nRate us: {{ survey.url }}\n\nBye")
    text = compose(placed, 7, _solved_values(url)).text
    assert f"Rate us: {url}\n\nBye" in text and text.count(url) == 1
    html = MailTemplate(MailKind.SOLVED, "Done", "Solved.", html="<p>Solved.</p>")
    assert f'<a href="{url}">' in compose(html, 7, _solved_values(url)).html
    reply = compose(BUILT_IN[MailKind.REPLY], 7, {**_solved_values(url), "reply.body": "Hi"})
    assert url not in reply.text  # only a solved notice asks


def test_a_link_passed_around_cannot_rewrite_the_history_without_end() -> None:
    survey, link = _survey(), SurveyLink(41, OFFERED)
    for n in range(MAX_ANSWERS):
        survey.answer(link, Rating.GOOD if n % 2 else Rating.BAD, None,
                      OFFERED + timedelta(minutes=n))
    assert survey.answers == MAX_ANSWERS and survey.rating is Rating.GOOD
    assert not survey.takes_answers(link, OFFERED + timedelta(hours=1))
    with pytest.raises(Conflict):
        survey.answer(link, Rating.BAD, None, OFFERED + timedelta(hours=1))
    assert survey.rating is Rating.GOOD
