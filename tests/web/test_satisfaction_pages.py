"""The customer's satisfaction survey page (no sign-in: the signed link is the credential),
the console's satisfaction report and the rating on the ticket page, on both databases."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from hubdesk.domain.agents import Role
from hubdesk.domain.errors import Conflict
from hubdesk.domain.events import EventKind
from hubdesk.domain.satisfaction import SURVEY_OPEN_FOR, Rating
from hubdesk.domain.tickets import Channel, Status
from hubdesk.services.tickets import NewTicket, open_ticket
from tests import factories
from tests.web.pages import csrf, sign_in

PRIVATE = {"x-robots-tag": "noindex, nofollow", "referrer-policy": "no-referrer"}
CARD = "4111 1111 1111 1111"
FORM = re.compile(r'<form method="post" action="/survey/([^"]+)"')


@pytest.fixture
def desk(hub):
    north, south = factories.team(hub, "North"), factories.team(hub, "South")
    return {
        "north": north, "south": south,
        "admin": factories.staff(hub, Role.ADMIN).agent,
        "ann": factories.staff(hub, teams=(north, south), with_password=True).agent,
        "bob": factories.staff(hub, teams=(south,)).agent,
    }


def _solved(hub, desk, *, agent="ann", team="north", subject="Parcel never arrived",
            email="maria@example.com", at=None):
    """An e-mail ticket of ``team`` assigned to ``agent`` and solved at ``at``."""
    at = at or datetime.now(UTC) - timedelta(hours=2)
    admin = desk["admin"]
    detail, _ = open_ticket(hub.uows, admin, NewTicket(
        subject=subject, body="Where is my order?", requester_email=email,
        channel=Channel.EMAIL, team_id=desk[team].id), now=at - timedelta(hours=1))
    ticket_id = detail.ticket.id
    hub.app.tickets.assign(admin, ticket_id, desk[agent].id, now=at - timedelta(minutes=30))
    hub.app.tickets.change_status(admin, ticket_id, Status.SOLVED, now=at)
    return ticket_id


def _surveyed(hub, desk, *, offered=None, **ticket):
    """A solved ticket and the token of its survey, offered at ``offered`` (default: now)."""
    if offered is not None:
        ticket.setdefault("at", offered - timedelta(minutes=5))
    ticket_id = _solved(hub, desk, **ticket)
    return ticket_id, hub.app.satisfaction.offer(desk["admin"], ticket_id, now=offered)


def _unanswered(hub, token):
    page = hub.app.satisfaction.survey(token)
    return page.rating is None and page.comment is None


def _private(response):
    return {name: response.headers.get(name) for name in PRIVATE} == PRIVATE


def _row(page, heading, name):
    """The figures of the row named ``name`` in the table under ``heading``."""
    table = page.split(heading, 1)[1].split("</table>", 1)[0]
    row = table.split(f'<th scope="row">{name}</th>', 1)[1].split("</tr>", 1)[0]
    return re.findall(r"<td[^>]*>([^<]*)</td>", row)


# --- The customer's page ----------------------------------------------------------------------

def test_opening_the_link_shows_the_ticket_and_a_form_and_records_nothing(hub, client, desk):
    ticket_id, token = _surveyed(hub, desk, subject="Parcel never arrived")

    page = client.get(f"/survey/{token}", follow_redirects=False)
    assert page.status_code == 200  # no sign-in asked
    assert "Parcel never arrived" in page.text and f"ticket #{ticket_id}" in page.text
    assert FORM.search(page.text).group(1) == token
    assert 'name="csrf_token" value="' in page.text
    assert " checked" not in page.text
    assert "Send my answer" in page.text
    assert _private(page)

    # The preselected answer of the link in the mail: only a checked radio, nothing stored.
    chosen = client.get(f"/survey/{token}?rating=good")
    assert chosen.status_code == 200
    assert 'value="good" checked' in chosen.text and 'value="bad" checked' not in chosen.text
    assert 'value="bad" checked' in client.get(f"/survey/{token}?rating=bad").text
    assert " checked" not in client.get(f"/survey/{token}?rating=meh").text
    assert _unanswered(hub, token)
    kinds = [stored.event.kind for stored in hub.app.tickets.history(desk["admin"], ticket_id)]
    assert EventKind.SATISFACTION_RATED not in kinds
    report = hub.app.satisfaction.report(desk["admin"], datetime.now(UTC) - timedelta(days=1),
                                         datetime.now(UTC) + timedelta(minutes=1))
    assert (report.report.overall.offered, report.report.overall.answered) == (1, 0)


def test_an_answer_sent_with_the_pages_token_is_recorded_and_may_be_changed(hub, client,
                                                                          desk):
    ticket_id, token = _surveyed(hub, desk)
    token_of_form = csrf(client, f"/survey/{token}")

    sent = client.post(f"/survey/{token}", data={
        "csrf_token": token_of_form, "rating": "good", "comment": "  Quick and kind.  "})
    assert sent.status_code == 200
    assert "Thank you: your answer is saved." in sent.text
    assert 'value="good" checked' in sent.text and "Change my answer" in sent.text
    assert _private(sent)
    page = hub.app.satisfaction.survey(token)
    assert (page.rating, page.comment) == (Rating.GOOD, "Quick and kind.")

    changed = client.post(f"/survey/{token}", data={
        "csrf_token": token_of_form, "rating": "bad", "comment": "It broke again."})
    assert changed.status_code == 200 and "Thank you" in changed.text
    assert 'value="bad" checked' in changed.text and 'value="good" checked' not in changed.text
    page = hub.app.satisfaction.survey(token)
    assert (page.rating, page.comment) == (Rating.BAD, "It broke again.")
    # Opening the link again shows the answer given, not the link's preselection.
    again = client.get(f"/survey/{token}?rating=good").text
    assert 'value="bad" checked' in again and ">It broke again.</textarea>" in again

    # The latest answer counts, once; each answer is an event of the ticket, which stays solved.
    now = datetime.now(UTC)
    figures = hub.app.satisfaction.report(desk["admin"], now - timedelta(days=1),
                                          now + timedelta(minutes=1)).report.overall
    assert (figures.offered, figures.answered, figures.good, figures.bad) == (1, 1, 0, 1)
    rated = [stored.event for stored in hub.app.tickets.history(desk["admin"], ticket_id)
             if stored.event.kind is EventKind.SATISFACTION_RATED]
    assert [(e.data["rating"], e.data["before"]) for e in rated] == [("good", None),
                                                                    ("bad", "good")]
    assert hub.app.tickets.get(desk["admin"], ticket_id).ticket.status is Status.SOLVED


def test_an_answer_without_the_pages_token_is_refused_and_records_nothing(hub, client, desk):
    _, token = _surveyed(hub, desk)

    bare = client.post(f"/survey/{token}", data={"rating": "good", "comment": "Forged"})
    assert bare.status_code == 403
    assert "nothing was changed" in bare.text and _private(bare)
    csrf(client, f"/survey/{token}")  # a session with its own token, and a wrong one sent
    wrong = client.post(f"/survey/{token}", data={"csrf_token": "not-the-token",
                                                   "rating": "good"})
    assert wrong.status_code == 403
    assert _unanswered(hub, token)


def _one_character_changed(token: str) -> str:
    signed, mac = token.rsplit(".", 1)
    return f"{signed}.{'B' if mac[0] == 'A' else 'A'}{mac[1:]}"


def _other_ticket_same_mac(token: str, other_id: int) -> str:
    _, offered, mac = token.split(".")
    return f"{other_id}.{offered}.{mac}"


def _another_second(token: str) -> str:
    ticket, offered, mac = token.split(".")
    return f"{ticket}.{int(offered) + 1}.{mac}"


@pytest.mark.parametrize("forge", [
    pytest.param(lambda token, other: _one_character_changed(token), id="mac-changed"),
    pytest.param(_other_ticket_same_mac, id="other-ticket"),
    pytest.param(lambda token, other: _another_second(token), id="other-offer-time"),
    pytest.param(lambda token, other: token.rsplit(".", 1)[0] + ".", id="no-mac"),
    pytest.param(lambda token, other: token.rsplit(".", 1)[0], id="unsigned"),
    pytest.param(lambda token, other: token + "A", id="mac-lengthened"),
])
def test_a_forged_link_finds_no_survey(hub, client, desk, forge):
    _, token = _surveyed(hub, desk, subject="Parcel never arrived")
    other_id, other_token = _surveyed(hub, desk, subject="Refund for order 77",
                                      email="li@example.com")
    forged = forge(token, other_id)
    assert forged not in (token, other_token)

    shown = client.get(f"/survey/{forged}")
    assert shown.status_code == 404
    assert "Survey not found" in shown.text and "not valid" in shown.text
    assert "Parcel never arrived" not in shown.text and "Refund for order" not in shown.text
    assert _private(shown)
    sent = client.post(f"/survey/{forged}", data={"csrf_token": csrf(client, "/login"),
                                                   "rating": "bad", "comment": "Forged"})
    assert sent.status_code == 404 and "Survey not found" in sent.text
    assert _private(sent)
    assert _unanswered(hub, token) and _unanswered(hub, other_token)
    assert client.get(f"/survey/{token}").status_code == 200  # the genuine link still works


def test_a_link_with_a_non_ascii_mac_finds_no_survey(hub, client, desk):
    _, token = _surveyed(hub, desk)
    forged = token.rsplit(".", 1)[0] + ".é"
    assert client.get(f"/survey/{forged}").status_code == 404


def test_a_forged_link_with_an_invalid_rating_gets_the_not_found_page(hub, client, desk):
    _, token = _surveyed(hub, desk)
    sent = client.post(f"/survey/{_one_character_changed(token)}",
                       data={"csrf_token": csrf(client, "/login"), "rating": "meh"})
    assert sent.status_code == 404
    assert sent.headers["content-type"].startswith("text/html")
    assert "Survey not found" in sent.text and _private(sent)


def test_an_answer_after_the_survey_closed_is_refused(hub, client, desk):
    offered = datetime.now(UTC) - SURVEY_OPEN_FOR - timedelta(days=2)
    ticket_id, token = _surveyed(hub, desk, offered=offered)

    shown = client.get(f"/survey/{token}?rating=good")
    assert shown.status_code == 200
    assert "This survey has closed." in shown.text and not FORM.search(shown.text)
    assert _private(shown)
    sent = client.post(f"/survey/{token}", data={"csrf_token": csrf(client, "/login"),
                                                   "rating": "good", "comment": "Late"})
    assert sent.status_code == 409
    assert "This survey has closed" in sent.text and "reply to the e-mail" in sent.text
    assert _private(sent)
    nonsense = client.post(f"/survey/{token}", data={"csrf_token": csrf(client, "/login"),
                                                      "rating": "meh"})
    assert nonsense.status_code == 409 and "This survey has closed" in nonsense.text
    assert _unanswered(hub, token)
    kinds = [stored.event.kind for stored in hub.app.tickets.history(desk["admin"], ticket_id)]
    assert EventKind.SATISFACTION_RATED not in kinds


def test_a_survey_takes_answers_for_exactly_28_days_and_then_shows_the_last_one(hub, client,
                                                                               desk):
    offered = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    _, token = _surveyed(hub, desk, offered=offered)
    closes = offered + SURVEY_OPEN_FOR

    with pytest.raises(Conflict):
        hub.app.satisfaction.answer(token, Rating.GOOD, "On the dot", now=closes)
    assert _unanswered(hub, token)
    hub.app.satisfaction.answer(token, Rating.BAD, "Just in time",
                                now=closes - timedelta(seconds=1))
    assert hub.app.satisfaction.survey(token, now=closes - timedelta(seconds=1)).open
    assert not hub.app.satisfaction.survey(token, now=closes).open
    with pytest.raises(Conflict):
        hub.app.satisfaction.answer(token, Rating.GOOD, "Changed my mind",
                                    now=closes + timedelta(days=1))
    page = hub.app.satisfaction.survey(token)
    assert (page.rating, page.comment) == (Rating.BAD, "Just in time")

    shown = client.get(f"/survey/{token}").text
    assert "This survey has closed; your answer was “Bad”." in shown
    assert not FORM.search(shown)


@pytest.mark.parametrize("rating", ["meh", "", "GOODish"])
def test_a_rating_other_than_good_or_bad_is_asked_again(hub, client, desk, rating):
    _, token = _surveyed(hub, desk, subject="Parcel never arrived")
    sent = client.post(f"/survey/{token}", data={
        "csrf_token": csrf(client, f"/survey/{token}"), "rating": rating,
        "comment": "Hmm"})
    assert sent.status_code == 422
    assert "a rating is good or bad" in sent.text
    assert FORM.search(sent.text).group(1) == token and "Parcel never arrived" in sent.text
    assert "Thank you" not in sent.text
    assert ">Hmm</textarea>" in sent.text  # what the customer typed is not lost
    assert _private(sent)
    assert _unanswered(hub, token)


# --- The console ------------------------------------------------------------------------------

def test_a_card_number_in_a_comment_is_masked_before_anyone_reads_it(hub, client, desk):
    ticket_id, token = _surveyed(hub, desk)
    sent = client.post(f"/survey/{token}", data={
        "csrf_token": csrf(client, f"/survey/{token}"), "rating": "bad",
        "comment": f"You charged my card {CARD} twice"})
    assert sent.status_code == 200
    assert "You charged my card [CARD ****1111] twice</textarea>" in sent.text
    assert CARD not in sent.text

    sign_in(client, factories.staff(hub, Role.MANAGER, with_password=True).agent)
    report = client.get("/reports/satisfaction")
    assert report.status_code == 200
    comments = report.text.split("<h2>Latest comments</h2>", 1)[1]
    assert f'<a href="/tickets/{ticket_id}">#{ticket_id}</a> · Bad' in comments
    assert "“You charged my card [CARD ****1111] twice”" in comments
    assert CARD not in report.text and CARD.replace(" ", "") not in report.text
    ticket_page = client.get(f"/tickets/{ticket_id}").text
    assert "<q>You charged my card [CARD ****1111] twice</q>" in ticket_page
    assert CARD not in ticket_page


def test_the_report_shows_the_figures_per_agent_and_team_and_the_comments(hub, client, desk):
    now = datetime.now(UTC)
    answers = [("ann", "north", "good", "Quick and kind"), ("ann", "north", "bad", None),
               ("ann", "south", None, None), ("bob", "south", "good", "Bob sorted it"),
               ("bob", "south", "good", "Sorted in a day")]
    for n, (agent, team, rating, comment) in enumerate(answers):
        _, token = _surveyed(hub, desk, agent=agent, team=team, email=f"c{n}@example.com",
                             offered=now - timedelta(hours=10 - n))
        if rating:
            hub.app.satisfaction.answer(token, Rating(rating), comment,
                                        now=now - timedelta(hours=5 - n))
    _, older = _surveyed(hub, desk, email="old@example.com", offered=now - timedelta(days=10))
    hub.app.satisfaction.answer(older, Rating.GOOD, "Ten days ago",
                                now=now - timedelta(days=9))

    sign_in(client, factories.staff(hub, Role.MANAGER, with_password=True).agent)
    assert '<a href="/reports/satisfaction">Customer satisfaction</a>' in client.get(
        "/reports").text
    page = client.get("/reports/satisfaction?days=7")
    assert page.status_code == 200
    page = page.text
    assert '<option value="7" selected>' in page
    # offered, answered, answer rate, good, bad, satisfied
    assert _row(page, "Customer satisfaction", "Whole desk") == [
        "5", "4", "80.0 %", "3", "1", "75.0 %"]
    ann, bob = desk["ann"].name, desk["bob"].name
    assert _row(page, "<h2>Per agent</h2>", ann) == ["3", "2", "66.7 %", "1", "1", "50.0 %"]
    assert _row(page, "<h2>Per agent</h2>", bob) == ["2", "2", "100.0 %", "2", "0", "100.0 %"]
    assert _row(page, "<h2>Per team</h2>", "North") == ["2", "2", "100.0 %", "1", "1",
                                                        "50.0 %"]
    assert _row(page, "<h2>Per team</h2>", "South") == ["3", "2", "66.7 %", "2", "0",
                                                        "100.0 %"]
    listed = page.split("<h2>Latest comments</h2>", 1)[1].split("</ul>", 1)[0]
    comments = re.findall(r"“([^”]*)”", listed)
    assert comments == ["Sorted in a day", "Bob sorted it", "Quick and kind"]  # latest first
    assert f"Good · {bob}: “Sorted in a day”" in page

    # The last 30 days take in the older survey too.
    month = client.get("/reports/satisfaction").text
    assert _row(month, "Customer satisfaction", "Whole desk") == [
        "6", "5", "83.3 %", "4", "1", "80.0 %"]
    assert "“Ten days ago”" in month


def test_a_window_without_surveys_says_so(hub, client, desk):
    _surveyed(hub, desk, offered=datetime.now(UTC) - timedelta(days=20))
    sign_in(client, factories.staff(hub, Role.COORDINATOR, with_password=True).agent)
    page = client.get("/reports/satisfaction?days=7").text
    assert "No survey was offered in this window." in page
    assert "<h2>Per agent</h2>" not in page
    assert "No survey was offered" not in client.get("/reports/satisfaction?days=30").text


def test_a_representative_may_not_read_the_report(hub, client, desk):
    _, token = _surveyed(hub, desk)
    hub.app.satisfaction.answer(token, Rating.GOOD, "Secret praise")
    sign_in(client, desk["ann"])
    refused = client.get("/reports/satisfaction")
    assert refused.status_code == 403
    assert "Not for your role" in refused.text and "Secret praise" not in refused.text
    client.cookies.clear()
    anonymous = client.get("/reports/satisfaction", follow_redirects=False)
    assert anonymous.status_code in (302, 303)
    assert anonymous.headers["location"].startswith("/login")


def test_the_ticket_page_shows_the_customers_rating(hub, client, desk):
    ticket_id, token = _surveyed(hub, desk, subject="Parcel never arrived")
    without = _solved(hub, desk, subject="Never asked", email="li@example.com")
    sign_in(client, desk["ann"])

    def satisfaction(page_text):
        found = re.search(r'<dt>Satisfaction</dt><dd class="satisfaction">(.*?)</dd>',
                          page_text)
        return found.group(1) if found else None

    assert satisfaction(client.get(f"/tickets/{without}").text) is None
    assert "asked, not answered" in satisfaction(client.get(f"/tickets/{ticket_id}").text)

    client.post(f"/survey/{token}", data={"csrf_token": csrf(client, f"/survey/{token}"),
                                          "rating": "good", "comment": "Quick and kind"})
    page = client.get(f"/tickets/{ticket_id}").text
    shown = satisfaction(page)
    assert ">Good</span>" in shown and "<q>Quick and kind</q>" in shown
    assert "not answered" not in shown
    assert "rated the support" in page

    hub.app.satisfaction.answer(token, Rating.BAD, None)
    shown = satisfaction(client.get(f"/tickets/{ticket_id}").text)
    assert ">Bad</span>" in shown and "<q>" not in shown
