from __future__ import annotations

import pytest

from hubdesk.domain.mail import Automatic, ParsedMail, dedupe_key, message_id_key, peek_message_id
from hubdesk.domain.mail_rules import (
    MailRouting,
    RatePolicy,
    answers_something,
    automatic_reason,
    bare_subject,
    base_address,
    choose_thread,
    flagged_as_spam,
    may_answer,
    reply_subject,
    reply_to_own,
    subject_ticket,
)


def _mail(**fields: object) -> ParsedMail:
    values: dict[str, object] = {"message_id": "<a@b>", "subject": "Hello",
                                 "from_address": "ann@example.com", "from_name": None}
    values.update(fields)
    return ParsedMail(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("signals", "expected"), [
    ({"auto-submitted": "auto-replied"}, Automatic.AUTO_REPLY),
    ({"auto-submitted": "auto-generated"}, Automatic.AUTO_REPLY),
    ({"auto-submitted": "no"}, None),
    ({"x-autoreply": "yes"}, Automatic.AUTO_REPLY),
    # asks the receiver not to auto-reply; Exchange sets it on people's mail too
    ({"x-auto-response-suppress": "All"}, None),
    ({"x-auto-response-suppress": "DR, OOF, AutoReply"}, None),
    ({"x-auto-response-suppress": "DR, RN"}, None),
    ({"precedence": "bulk"}, Automatic.AUTO_REPLY),
    ({"precedence": "junk"}, Automatic.AUTO_REPLY),
    ({"precedence": "auto_reply"}, Automatic.AUTO_REPLY),
    ({"precedence": "first-class"}, None),
    # a person's message relayed by a list (a support address that is a Google Group)
    ({"precedence": "list"}, None),
    ({"precedence": "list", "list-id": "<support.shop.example>"}, None),
    ({"precedence": "bulk", "list-id": "<support.shop.example>"}, None),
    ({"precedence": "list", "list-id": "<support.shop.example>",
      "auto-submitted": "auto-replied"}, Automatic.AUTO_REPLY),
    ({"x-loop": "desk"}, Automatic.LOOP),
    ({"x-loop": "yes"}, Automatic.LOOP),
    # added by the forwarding that brought the customer's mail (procmail's formail -A)
    ({"x-loop": "support@shop.example"}, None),
    ({"x-loop": "Support Desk <support@shop.example>"}, None),
    ({}, None),
])
def test_machine_written_mail_is_recognised_by_its_headers(
        signals: dict[str, str], expected: Automatic | None) -> None:
    assert automatic_reason(_mail(signals=signals)) is expected


def test_delivery_reports_and_mailer_daemons_are_bounces() -> None:
    assert automatic_reason(_mail(is_report=True, report_type="delivery-status")) is \
        Automatic.BOUNCE
    assert automatic_reason(_mail(from_address="MAILER-DAEMON@mx.example")) is Automatic.BOUNCE
    assert automatic_reason(_mail(is_report=True, report_type="disposition-notification")) \
        is Automatic.AUTO_REPLY


def test_our_own_address_as_sender_is_a_loop_and_a_flood_is_rate_limited() -> None:
    own = frozenset({"support@desk.test"})
    assert automatic_reason(_mail(from_address="support@desk.test"), own_addresses=own) is \
        Automatic.LOOP
    rate = RatePolicy(limit=3)
    assert automatic_reason(_mail(), recent_from_sender=2, rate=rate) is None
    assert automatic_reason(_mail(), recent_from_sender=3, rate=rate) is Automatic.RATE_LIMITED


def test_a_groups_relay_under_the_desks_own_address_is_the_customers_not_a_loop() -> None:
    """A Google Group that is the support address sends a customer's message as itself
    ("'Ana' via Support <support@desk.test>") where DMARC asks, naming her in Reply-To."""
    own = frozenset({"support@desk.test"})
    relayed = _mail(from_address="support@desk.test", reply_to="ana@example.com",
                    signals={"list-id": "<support.desk.test>", "precedence": "list"})
    assert automatic_reason(relayed, own_addresses=own) is None
    for looped in (_mail(from_address="support@desk.test", reply_to="ana@example.com"),
                   _mail(from_address="support@desk.test", reply_to="support@desk.test",
                         signals={"list-id": "<support.desk.test>"}),
                   _mail(from_address="support@desk.test", reply_to="ana@example.com",
                         signals={"list-id": "<support.desk.test>", "x-hubdesk-ticket": "7"})):
        assert automatic_reason(looped, own_addresses=own) is Automatic.LOOP


def test_an_out_of_office_subject_counts_only_with_a_reply_or_a_robot_sender() -> None:
    assert automatic_reason(_mail(subject="Out of office: Re: order")) is None
    assert automatic_reason(_mail(subject="Abwesenheitsnotiz", in_reply_to=("<x@y>",))) is \
        Automatic.AUTO_REPLY
    assert automatic_reason(_mail(subject="Automatic reply: x",
                                  from_address="noreply@shop.example")) is Automatic.AUTO_REPLY


@pytest.mark.parametrize("subject", [
    "Automatische Antwort: Ihre Bestellung", "Automatisk svar: Din beställning",
    "Automaattinen vastaus: Tilaus", "Odpowiedź automatyczna: Zamówienie",
    "Automatická odpověď: Objednávka", "Automatikus válasz: Rendelés",
    "Otomatik yanıt: Sipariş", "Автоматический ответ: Заказ", "Resposta automática: Pedido",
    "Αυτόματη απάντηση: Παραγγελία", "תשובה אוטומטית: הזמנה", "رد تلقائي: الطلب",
    "自動応答: ご注文", "自动回复：订单", "자동 회신: 주문"])
def test_outlooks_automatic_reply_in_its_languages_is_a_robots(subject: str) -> None:
    assert automatic_reason(_mail(subject=subject, in_reply_to=("<x@y>",))) is \
        Automatic.AUTO_REPLY
    assert automatic_reason(_mail(subject=subject)) is None  # no reply: perhaps a person's


def test_tokens_plus_addresses_and_subjects() -> None:
    assert subject_ticket("Re: broken [#1234]") == 1234
    assert subject_ticket("Order #1234") is None
    assert base_address("Support+77@Desk.Test") == "support@desk.test"
    assert reply_subject("RE: AW: Broken", 5) == "Re: Broken [#5]"
    assert reply_subject("Re: Broken [#5]", 5) == "Re: Broken [#5]"
    assert not may_answer("no-reply@shop.example") and may_answer("ann@example.com")


def test_threading_prefers_references_and_checks_who_names_a_ticket() -> None:
    support = frozenset({"support@desk.test"})
    assert choose_thread(9, "x [#4]", (), support, {4: True}).ticket_id == 9  # type: ignore
    assert choose_thread(None, "x [#4]", (), support, {4: True}).by == "subject token"  # type: ignore
    assert choose_thread(None, "x [#4]", (), support, {4: False}) is None
    plus = choose_thread(None, "x", ("support+4@desk.test",), support, {4: True})
    assert plus is not None and plus.by == "plus address"
    assert choose_thread(None, "x", ("other+4@desk.test",), support, {4: True}) is None


def test_routing_sends_from_the_team_address() -> None:
    routing = MailRouting.of({"Support@desk.test": None, "billing@desk.test": 2})
    assert routing.accepts("support+12@desk.test") and not routing.accepts("ceo@desk.test")
    assert routing.team_for(("x@y.z", "billing@desk.test")) == 2
    assert routing.sender_for(2) == "billing@desk.test"
    assert routing.sender_for(None) == "support@desk.test"


def test_message_ids_compare_without_brackets_and_domain_case() -> None:
    assert message_id_key("<abc@Example.COM>") == message_id_key("abc@example.com")
    assert message_id_key("<ABC@example.com>") != message_id_key("<abc@example.com>")
    assert dedupe_key(None, "f" * 64) == "raw:" + "f" * 64
    assert dedupe_key("<a@b>", "f" * 64).startswith("mid:")


def test_the_message_id_is_read_from_the_header_block_only() -> None:
    raw = b"From: a@b\r\nMessage-ID:\r\n <folded@x>\r\n\r\nMessage-ID: <body@x>\r\n"
    assert peek_message_id(raw) == "<folded@x>"
    assert peek_message_id(b"From: a@b\r\n\r\nMessage-ID: <body@x>") is None


@pytest.mark.parametrize("subject", [
    "RE: My parcel never arrived", "AW: My parcel never arrived", "SV: Re: My parcel never arrived",
    "Re:My parcel never arrived", "[EXTERNAL] Re: my parcel  never arrived",
    "Re: [EXTERNAL] My parcel never arrived", "Réf. : My parcel never arrived",
    "回复：My parcel never arrived", "Re[2]: My parcel never arrived",
    "RE : My parcel never arrived",
    "Fwd: RE: My parcel never arrived", "Antw: My parcel never arrived",
    "Re: My parcel never arrived [#7]"])
def test_a_reply_that_lost_its_references_finds_its_senders_ticket_by_subject(
        subject: str) -> None:
    own = [(9, "Invoice for March"), (7, "My parcel never arrived"),
           (3, "My parcel never arrived")]
    choice = reply_to_own(subject, own)
    assert choice is not None and (choice.ticket_id, choice.by) == (7, "reply subject")


@pytest.mark.parametrize("subject", [
    "My parcel never arrived",  # says nothing of answering: a new message, maybe a new matter
    "Re: My parcel never arrived either", "Re: Your parcel never arrived", "Re:", "Re: ",
    "Reality: my parcel never arrived", "Required: My parcel never arrived"])
def test_a_subject_that_is_no_answer_to_the_ticket_opens_its_own(subject: str) -> None:
    assert reply_to_own(subject, [(7, "My parcel never arrived"), (2, "")]) is None


def test_answer_prefixes_are_told_from_words_that_merely_begin_alike() -> None:
    assert answers_something("RE: x") and answers_something("[SPAM] Fwd: x")
    assert not answers_something("Reality check") and not answers_something("Ire: x")
    assert bare_subject("Fwd: Re: [#12] Printer") == "[#12] Printer"


_LIST_POST = {"list-id": "AppArmor discussion <apparmor.lists.example.org>",
              "list-post": "<mailto:apparmor@lists.example.org>", "precedence": "list",
              "to": "apparmor@lists.example.org"}


def test_a_post_to_a_list_the_desk_subscribes_to_is_the_lists_not_a_customers() -> None:
    own = frozenset({"support@desk.test"})
    post = _mail(signals=_LIST_POST, to=("support@desk.test",))  # the desk only as envelope
    assert automatic_reason(post, own_addresses=own) is Automatic.MAILING_LIST


@pytest.mark.parametrize("mail", [
    _mail(signals={**_LIST_POST, "to": "apparmor@lists.example.org, Desk <support@desk.test>"}),
    _mail(signals=_LIST_POST, cc=("support+12@desk.test",)),
    _mail(signals={**_LIST_POST, "list-post": "<mailto:support@desk.test>",
                   "to": "support@desk.test"}),
    _mail(signals={"list-id": "<support.desk.test>", "precedence": "list",
                   "to": "Customers <customers@example.com>"}),
])
def test_a_list_that_is_the_desk_or_a_post_written_to_it_stays_the_customers(mail) -> None:
    assert automatic_reason(mail, own_addresses=frozenset({"support@desk.test"})) is None


@pytest.mark.parametrize("subject", [
    "Read: Re: Your order [#12]", "Not read: Re: Your order [#12]",
    "Gelesen: AW: Ihre Bestellung [#12]", "Lu : Votre commande [#12]",
    "Leído: Su pedido [#12]", "Return Receipt (displayed) - Re: Your order [#12]",
    "Fuera de la oficina: Re: Su pedido [#12]", "Automatic reply: Your order [#12]",
])
def test_a_receipt_or_out_of_office_about_the_desks_mail_is_automatic_without_headers(
        subject: str) -> None:
    """Some clients send read receipts and out-of-office replies as plain mail, without
    Auto-Submitted, a report or even In-Reply-To; the subject says what they are, and the
    desk's token in it says they answer the desk's own mail."""
    assert automatic_reason(_mail(subject=subject)) is Automatic.AUTO_REPLY
    assert automatic_reason(_mail(subject=subject.replace(" [#12]", ""),
                                  in_reply_to=("<reply-12@desk.test>",))) is \
        Automatic.AUTO_REPLY


@pytest.mark.parametrize("subject", [
    "Read: Your order", "Re: Read: the manual first? [#12]", "Readme missing [#12]",
    "Lunch order [#12]", "Lesson booking [#12]",
])
def test_a_persons_subject_is_not_taken_for_a_receipt(subject: str) -> None:
    assert automatic_reason(_mail(subject=subject)) is None


def test_exchanges_content_class_marks_its_receipts_and_delivery_reports() -> None:
    assert automatic_reason(_mail(signals={"content-class": "urn:content-classes:MDN"})) is \
        Automatic.AUTO_REPLY
    assert automatic_reason(_mail(signals={"content-class": "urn:content-classes:dsn"})) is \
        Automatic.BOUNCE
    assert automatic_reason(_mail(signals={"content-class": "urn:content-classes:message"})) \
        is None


def test_mail_sent_with_the_empty_envelope_sender_is_a_robots() -> None:
    """Only reports and auto-responders are sent with ``MAIL FROM:<>``; the delivering server
    writes it as ``Return-Path: <>``."""
    assert automatic_reason(_mail(subject="Absent until the 15th",
                                  signals={"return-path": "<>"})) is Automatic.AUTO_REPLY
    assert automatic_reason(_mail(signals={"return-path": "< >"})) is Automatic.AUTO_REPLY
    assert automatic_reason(_mail(signals={"return-path": "<ann@example.com>"})) is None


@pytest.mark.parametrize(("signals", "spam"), [
    ({"x-spam-flag": "YES"}, True),
    ({"x-spam-flag": " yes "}, True),
    ({"x-spam-flag": "NO"}, False),
    ({"x-spam-status": "Yes, score=9.1 required=5.0 tests=BAYES_99,URIBL_BLACK"}, True),
    ({"x-spam-status": "No, score=-0.1 required=5.0 tests=DKIM_SIGNED"}, False),
    ({"x-spam": "Yes"}, True),
    ({"x-spam": "No"}, False),
    ({"x-ms-exchange-organization-scl": "5"}, True),
    ({"x-ms-exchange-organization-scl": "9"}, True),
    ({"x-ms-exchange-organization-scl": "1"}, False),
    ({"x-ms-exchange-organization-scl": "-1"}, False),
    ({"x-ms-exchange-organization-scl": "high"}, False),
    ({"x-forefront-antispam-report": "CIP:203.0.113.5;CTRY:;LANG:en;SCL:9;SRV:;IPV:NLI;"
                                     "SFV:SPM;H:mail.example;PTR:;CAT:SPM;SFS:(13230031);"}, True),
    ({"x-forefront-antispam-report": "CIP:203.0.113.5;CTRY:;LANG:en;SCL:1;SRV:;IPV:NLI;"
                                     "SFV:NSPM;H:mail.example;PTR:;CAT:NONE;"}, False),
    ({"x-forefront-antispam-report": "SFV:SKS;SCL:5"}, True),
    ({"x-forefront-antispam-report": "SFV:SKN;SCL:-1"}, False),
    ({}, False),
])
def test_a_receiving_servers_spam_verdict_is_read(signals, spam):
    assert flagged_as_spam(signals) is spam
