"""Intake reads each contact before storing it: language, category, priority, personal data.

These run the real triage engine and a real intent model trained on a few examples made here,
against both databases."""

from __future__ import annotations

import dataclasses

import pytest

from hubdesk.bootstrap import build_intake_tools
from hubdesk.domain.agents import Role
from hubdesk.domain.errors import PermissionDenied
from hubdesk.services.tickets import (
    NewTicket,
    add_customer_message,
    add_message,
    get_ticket,
    list_tickets,
    open_ticket,
    reveal_original,
    ticket_events,
)
from hubdesk.services.views import TicketFilter
from hubdesk.triage.intent.store import ModelStore
from hubdesk.triage.intent.training import train_and_save
from tests import factories

CARD = "4532 0151 1283 0366"
EXAMPLES = {
    "refund": ["I want my money back", "please refund my order", "refund the payment",
               "where is my refund", "I was charged and want a refund", "money back please",
               "refund not received yet", "return the money for my order"],
    "delivery": ["where is my parcel", "my package has not arrived", "the courier is late",
                 "tracking shows no movement", "delivery is delayed", "parcel lost in transit",
                 "when will my order arrive", "the package never came"],
    "login": ["I cannot log in", "password reset does not work", "locked out of my account",
              "login fails every time", "two factor code never arrives", "cannot sign in",
              "my account is blocked", "reset my password please"],
}


@pytest.fixture
def triaged(hub):
    store = ModelStore(hub.settings.data_dir / "models" / "intent")
    train_and_save([(text, label) for label, texts in EXAMPLES.items() for text in texts],
                   store=store)
    return dataclasses.replace(hub, intake=build_intake_tools(hub.settings))


def _open(hub, agent, subject, body, **values):
    return open_ticket(hub.uows, agent, NewTicket(subject=subject, body=body,
                                                  requester_email="ana@example.com", **values),
                       tools=hub.intake)[0]


def test_card_numbers_are_masked_sealed_and_not_searchable(triaged):
    admin = factories.staff(triaged, Role.ADMIN).agent
    detail = _open(triaged, admin, "Double charge", f"You charged my card {CARD} twice!")
    message = get_ticket(triaged.uows, admin, detail.ticket.id).messages[0]
    assert "4532" not in message.body and message.has_sealed_original
    assert "CREDIT_CARD" in {span["entity"] for span in message.triage["pii"]}
    found = list_tickets(triaged.uows, admin, TicketFilter(query="4532"))
    assert found.rows == []
    original = reveal_original(triaged.uows, triaged.intake.sealer, admin, detail.ticket.id,
                               message.id)
    assert CARD in original
    kinds = [e.event.kind for e in ticket_events(triaged.uows, admin, detail.ticket.id)]
    assert kinds[-1] == "sensitive_revealed"


def test_only_granted_agents_may_reveal(triaged):
    team = factories.team(triaged)
    rep = factories.staff(triaged, Role.REPRESENTATIVE, teams=(team,)).agent
    detail = _open(triaged, rep, "Card", f"card {CARD}")
    message_id = detail.messages[0].id
    with pytest.raises(PermissionDenied):
        reveal_original(triaged.uows, triaged.intake.sealer, rep, detail.ticket.id, message_id)
    kinds = [e.event.kind for e in ticket_events(triaged.uows, rep, detail.ticket.id)]
    assert "sensitive_revealed" not in kinds
    granted = dataclasses.replace(rep, sensitive_access=True)
    assert CARD in reveal_original(triaged.uows, triaged.intake.sealer, granted,
                                   detail.ticket.id, message_id)


def test_language_category_and_priority_come_from_triage(triaged):
    admin = factories.staff(triaged, Role.ADMIN).agent
    german = _open(triaged, admin, "Paket", "Mein Paket ist seit einer Woche nicht angekommen, "
                                            "bitte helfen Sie mir schnell.")
    assert german.ticket.language == "de"
    parcel = _open(triaged, admin, "Parcel", "my package has not arrived yet")
    assert parcel.ticket.category == "delivery"
    created = ticket_events(triaged.uows, admin, parcel.ticket.id)[0].event
    assert created.data["triage"]["applied"]["category"] == "delivery"
    assert created.data["triage"]["model_version"]


def test_explicit_choices_win_over_triage(triaged):
    admin = factories.staff(triaged, Role.ADMIN).agent
    from hubdesk.domain.tickets import Priority
    detail = _open(triaged, admin, "Parcel", "my package has not arrived",
                   category="billing", priority=Priority.LOW)
    assert (detail.ticket.category, detail.ticket.priority) == ("billing", Priority.LOW)


def test_unclear_requests_wait_for_a_human(triaged):
    admin = factories.staff(triaged, Role.ADMIN).agent
    detail = _open(triaged, admin, "🙂", "🙂🙂🙂 !!!")
    assert detail.ticket.category is None
    assert detail.messages[0].triage["intent"]["abstained"] is True


@pytest.mark.parametrize("body", ["\x00\x01\x02 binary \udcff junk", "x" * 300_000,
                                  "<script>alert(1)</script> hello", "Привет 你好 مرحبا"])
def test_bad_input_is_stored_never_dropped(triaged, body):
    admin = factories.staff(triaged, Role.ADMIN).agent
    detail = _open(triaged, admin, "Odd message", body)
    assert detail.ticket.id is not None
    assert detail.messages[0].triage is not None


def test_agent_replies_and_customer_follow_ups_are_masked_too(triaged):
    admin = factories.staff(triaged, Role.ADMIN).agent
    detail = _open(triaged, admin, "Refund", "please refund my order")
    reply = add_message(triaged.uows, admin, detail.ticket.id, f"We used card {CARD}",
                        tools=triaged.intake)
    follow_up = add_customer_message(triaged.uows, detail.ticket.id,
                                     f"The card is {CARD}", tools=triaged.intake)
    for message in (reply, follow_up):
        assert "4532" not in message.body and message.has_sealed_original
    assert follow_up.triage is not None


def test_without_triage_messages_are_stored_unread_but_cards_are_still_masked(hub):
    admin = factories.staff(hub, Role.ADMIN).agent
    detail = _open(hub, admin, "Card", f"card {CARD}")
    message = detail.messages[0]
    assert message.triage is None
    assert message.body == "card [CARD ****0366]" and message.has_sealed_original
    assert reveal_original(hub.uows, hub.intake.sealer, admin, detail.ticket.id,
                           message.id) == f"card {CARD}"


def test_console_explains_triage_and_hides_abuse_behind_a_warning(triaged):
    from fastapi.testclient import TestClient

    from hubdesk.server import create_app
    from hubdesk.services.auth import LOCAL_OPERATOR
    from hubdesk.services.directory import AgentInput, update_agent

    admin = factories.staff(triaged, Role.ADMIN, with_password=True)
    update_agent(triaged.uows, LOCAL_OPERATOR, admin.agent.id,
                 AgentInput(fields_set=frozenset({"password"}), password=factories.PASSWORD))
    detail = _open(triaged, admin.agent, "Card", f"You idiots, you stupid morons! card {CARD}")
    with TestClient(create_app(triaged)) as client:
        login = client.get("/login")
        token = login.text.split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/login", data={"email": admin.agent.email, "password": factories.PASSWORD,
                                    "csrf_token": token})
        page = client.get(f"/tickets/{detail.ticket.id}").text
    assert "CREDIT_CARD" in page and "masked, original sealed" in page
    assert "Flagged as abusive" in page
    assert CARD not in page


def test_training_data_comes_from_categorised_tickets_with_corrections(hub):
    from hubdesk.services.auth import LOCAL_OPERATOR
    from hubdesk.services.tickets import TicketChanges, training_examples, update_ticket

    admin = factories.staff(hub, Role.ADMIN).agent
    wrong = _open(hub, admin, "Parcel", "my package has not arrived", category="refund")
    _open(hub, admin, "No category", "hello")
    update_ticket(hub.uows, admin, wrong.ticket.id,
                  TicketChanges(frozenset({"category"}), category="delivery"))
    examples = training_examples(hub.uows, LOCAL_OPERATOR)
    assert examples == [("Parcel\nmy package has not arrived", "delivery")]
    rep = factories.staff(hub, Role.REPRESENTATIVE).agent
    with pytest.raises(PermissionDenied):
        training_examples(hub.uows, rep)


def test_a_vip_customer_weighs_in_once_known(triaged):
    from hubdesk.domain.customers import Tier
    from hubdesk.services.directory import CustomerInput, create_customer

    admin = factories.staff(triaged, Role.ADMIN).agent
    vip = create_customer(triaged.uows, admin, CustomerInput(
        fields_set=frozenset({"name", "emails", "tier"}), name="Vera", emails=("vera@example.com",),
        tier=Tier.VIP))
    text = "Please refund my order"
    standard = _open(triaged, admin, "Charge", text)
    special = open_ticket(triaged.uows, admin, NewTicket(subject="Charge", body=text,
                                                         requester_id=vip.id),
                          tools=triaged.intake)[0]
    order = ["low", "normal", "high", "urgent"]
    assert order.index(special.ticket.priority.value) > order.index(standard.ticket.priority.value)
    reasons = [r["rule"] for r in special.messages[0].triage["priority"]["reasons"]]
    assert "tier:vip" in reasons


@pytest.mark.parametrize("card", ["4111 1111 1111 1111", "4242-4242-4242-4242",
                                  "5500000000000004"])
def test_well_known_card_numbers_are_masked_too(triaged, card):
    admin = factories.staff(triaged, Role.ADMIN).agent
    detail = _open(triaged, admin, "Card", f"my card is {card}, please check")
    assert card not in detail.messages[0].body


def test_likely_duplicates_of_the_same_customer_are_suggested_for_merge(triaged):
    from hubdesk.services.tickets import merge_suggestions

    admin = factories.staff(triaged, Role.ADMIN).agent
    first = _open(triaged, admin, "Parcel not delivered",
                  "My parcel for order A-1234 has not been delivered yet, where is it?")
    again = _open(triaged, admin, "Parcel not delivered yet",
                  "My parcel for order A-1234 still has not been delivered, where is it??")
    _open(triaged, admin, "Password", "I cannot log in to my account since yesterday")
    other_customer = open_ticket(triaged.uows, admin, NewTicket(
        subject="Parcel not delivered", body="My parcel for order A-1234 has not been "
        "delivered yet, where is it?", requester_email="someone.else@example.com"),
        tools=triaged.intake)[0]
    found = merge_suggestions(triaged.uows, triaged.intake.similarity, admin, again.ticket.id)
    assert [m.ticket_id for m in found] == [first.ticket.id]
    assert other_customer.ticket.id not in [m.ticket_id for m in found]
    assert found[0].score >= 0.75


def test_duplicates_endpoint(triaged):
    from fastapi.testclient import TestClient

    from hubdesk.server import create_app

    admin = factories.staff(triaged, Role.ADMIN)
    first = _open(triaged, admin.agent, "Refund missing", "Where is the refund for order 77?")
    again = _open(triaged, admin.agent, "Refund still missing",
                  "Where is the refund for order 77??")
    with TestClient(create_app(triaged)) as client:
        found = client.get(f"/api/v1/tickets/{again.ticket.id}/duplicates",
                           headers=admin.headers).json()
    assert [d["ticket_id"] for d in found] == [first.ticket.id]


def test_wordless_tickets_have_no_duplicates_rather_than_an_error():
    from hubdesk.triage.similarity import SimilarityFinder

    found = SimilarityFinder().similar("!!!", [(1, "???", 5, True), (2, "🙂", 5, True)],
                                       customer_id=5, exclude_ticket_id=None, limit=5)
    assert found == []


def test_console_suggests_a_duplicate_and_merges_it(triaged):
    from fastapi.testclient import TestClient

    from hubdesk.server import create_app
    from hubdesk.services.tickets import get_ticket

    lead = factories.staff(triaged, Role.COORDINATOR, with_password=True)
    first = _open(triaged, lead.agent, "Refund missing", "Where is the refund for order 77?")
    again = _open(triaged, lead.agent, "Refund still missing",
                  "Where is the refund for order 77??")
    with TestClient(create_app(triaged)) as client:
        token = client.get("/login").text.split('name="csrf_token" value="')[1].split('"')[0]
        client.post("/login", data={"email": lead.agent.email, "password": factories.PASSWORD,
                                    "csrf_token": token})
        page = client.get(f"/tickets/{first.ticket.id}").text
        assert "Looks like the same request" in page and f"#{again.ticket.id}" in page
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        merged = client.post(f"/tickets/{first.ticket.id}/merge",
                             data={"source_id": str(again.ticket.id), "csrf_token": token})
        assert merged.status_code == 200
    assert get_ticket(triaged.uows, lead.agent, again.ticket.id).ticket.merged_into_id == \
        first.ticket.id


def test_the_organisation_chooses_which_personal_data_is_masked(hub):
    settings = hub.settings.model_copy(update={
        "masked_personal_data": ["CREDIT_CARD", "EMAIL_ADDRESS"], "phone_region": "gb"})
    tools = build_intake_tools(settings)
    admin = factories.staff(hub, Role.ADMIN).agent
    detail = open_ticket(hub.uows, admin, NewTicket(
        subject="Contact", body="Write to me at other.me@example.org, card " + CARD,
        requester_email="ana@example.com"), tools=tools)[0]
    message = get_ticket(hub.uows, admin, detail.ticket.id).messages[0]
    assert "other.me@example.org" not in message.body and "4532" not in message.body
    assert "other.me@example.org" in reveal_original(hub.uows, tools.sealer, admin,
                                                     detail.ticket.id, message.id)
    with pytest.raises(ValueError, match="unknown kinds of personal data"):
        build_intake_tools(hub.settings.model_copy(update={"masked_personal_data": ["DNA"]}))
