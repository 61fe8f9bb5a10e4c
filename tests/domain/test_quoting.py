from __future__ import annotations

import pytest

from hubdesk.domain.quoting import new_text
from tests.channels.email.corpus import QUOTED_REPLIES

EXPECTED = {
    "gmail_en": "Thanks, that worked!",
    "gmail_de": "Danke, es geht wieder.",
    "apple_fr": "Merci beaucoup.",
    "outlook_en": "It works now.",
    "outlook_es": "Ya funciona.",
    "signature_mobile": "Yes please.",
    "signature_dashes": "Yes please.",
}


@pytest.mark.parametrize("style", sorted(EXPECTED))
def test_quoted_history_and_signatures_are_cut(style: str) -> None:
    assert new_text(QUOTED_REPLIES[style]) == EXPECTED[style]


def test_more_client_styles() -> None:
    italian = "Grazie.\n\nIl giorno lun 2 mar 2026 alle 09:30 Desk <s@d.t> ha scritto:\n> x"
    assert new_text(italian) == "Grazie."
    dutch = "Dank je.\n\nOp 2 mrt. 2026 om 09:30 schreef Desk <s@d.t>:\n> x"
    assert new_text(dutch) == "Dank je."
    wrapped = "Ok.\n\nOn Mon, 2 Mar 2026 at 09:30, Some Long Name\n<s@d.t> wrote:\n> x"
    assert new_text(wrapped) == "Ok."
    outlook_de = "Passt.\n\nVon: Desk <s@d.t>\nGesendet: Montag\nAn: Ann\n\nalt"
    assert new_text(outlook_de) == "Passt."


@pytest.mark.parametrize("attribution", [
    "Den tis 1 dec. 2026 kl 10:02 skrev Desk <support@desk.example>:",
    "ti 1. jouluk. 2026 klo 10.02 Desk (support@desk.example) kirjoitti:",
    "wt., 1 gru 2026 o 10:02 Desk <support@desk.example> napisał(a):",
    "вт, 1 дек. 2026 г. в 10:02, Desk <support@desk.example>:",
    "Desk <support@desk.example> 于2026年12月1日周二 10:02写道：",
    "2026년 12월 1일 (화) 오전 10:02, Desk <support@desk.example>님이 작성:",
    "Desk <support@desk.example>, 1 Ara 2026 Sal, 10:02 tarihinde şunu yazdı:",
    "Den tis 1 dec. 2026 kl 10:02 skrev Desk Support Team <\nsupport@desk.example>:",
])
def test_an_attribution_in_any_language_above_a_quote_is_cut_with_it(attribution) -> None:
    reply = f"Tack, det löste sig.\n\n{attribution}\n> Hej Ana,\n>\n> har du provat igen?\n"
    assert new_text(reply) == "Tack, det löste sig."


@pytest.mark.parametrize("device", [
    "Sent from my Samsung Galaxy smartphone.", "Sent from Mail for Windows",
    "Sent from Yahoo Mail on Android", "Sent from Outlook", "Skickat från min iPhone",
    "Verstuurd vanaf mijn iPhone", "Sendt fra min iPhone", "Отправлено с iPhone",
    "Wysłane z iPhone'a", "iPhoneから送信", "发自我的iPhone", "iPhone에서 보냄",
    "Отправлено из мобильной Яндекс Почты", "Надіслано з iPhone", "iPhone'umdan gönderildi",
    "Στάλθηκε από το iPhone μου", "Trimis de pe iPhone-ul meu", "Elküldve az iPhone-omról",
    "Dikirim dari iPhone saya", "Được gửi từ iPhone của tôi", "أُرسلت من الـ iPhone",
    "נשלח מה-iPhone שלי", "ส่งจาก iPhone ของฉัน", "Holen Sie sich Outlook für Android",
    "從我的iPhone傳送", "從我的 iPhone 傳送"])
@pytest.mark.parametrize("after", ["", "\n\n", "\n\nOn Mon, Desk <s@d.t> wrote:\n> x",
                                   "\n> x"])
def test_a_device_line_at_the_end_of_the_words_is_cut(device, after) -> None:
    assert new_text(f"Yes please.\n\n{device}{after}") == "Yes please."


def test_a_sentence_like_a_device_line_with_words_after_it_is_the_customers() -> None:
    for body in ("Hi\nSent from the warehouse on Monday.\nStill not here.",
                 "Sent from Berlin on Monday and still not here after two weeks"):
        assert new_text(body) == body


@pytest.mark.parametrize("block", [
    "Från: Desk <s@d.t>\nSkickat: den 1 december 2026 10:02\nTill: Ana",
    "Fra: Desk <s@d.t>\nSendt: 1. december 2026 10:02\nTil: Ana",
    "Od: Desk <s@d.t>\nWysłano: wtorek, 1 grudnia 2026 10:02\nDo: Ana",
    "От: Desk <s@d.t>\nОтправлено: 1 декабря 2026 г. 10:02\nКому: Ana",
    "Lähettäjä: Desk <s@d.t>\nLähetetty: tiistai 1. joulukuuta 2026 10.02\nVastaanottaja: Ana",
    "差出人: Desk <s@d.t>\n送信日時: 2026年12月1日 10:02\n宛先: Ana",
    "发件人: Desk <s@d.t>\n发送时间: 2026年12月1日 10:02\n收件人: Ana",
    "-----Ursprungligt meddelande-----\nFrån: Desk",
    "-----Исходное сообщение-----\nОт: Desk",
])
def test_outlooks_quoted_message_in_other_languages_is_cut(block) -> None:
    assert new_text(f"Tack!\n\n{block}\n\nHej Ana, fungerar det nu?") == "Tack!"


@pytest.mark.parametrize("block", [
    "Ana Lima@ACME\n12/01/2026 10:02 AM\nTo: Support Desk/Help@ACME\ncc:\n"
    "Subject: Re: Order 1234",
    '"Ana Lima" <ana@example.com> on 01.12.2026 10:02:17\nTo: support@desk.test\ncc:\nbcc:\n'
    "Subject: Order 1234",
    "-------- Forwarded by Ana Lima/ACME on 12/01/2026 10:02 AM --------",
])
def test_notes_quoted_message_and_forward_rule_are_cut(block) -> None:
    assert new_text(f"Thanks!\n\nBob\n\n\n\n{block}\n\nHi Bob, is it fixed?") == \
        "Thanks!\n\nBob"


def test_lines_like_a_notes_block_without_its_date_are_the_customers() -> None:
    body = "Please send it\nTo: my office\nSubject: the usual parcel\nThanks"
    assert new_text(body) == body


def test_a_line_ending_in_a_colon_is_no_attribution_without_an_address_and_a_quote() -> None:
    for body in ("Steps I tried:\n> restart\n> reinstall\nNone worked.",
                 "Write to ana@example.com:\nI will answer.\n> quoted from elsewhere\nmore"):
        assert new_text(body) == body


def test_a_reply_written_below_the_quote_and_a_pure_quote_are_kept() -> None:
    interleaved = "> What is your order number?\n1234\n> And the date?\nYesterday"
    assert new_text(interleaved) == interleaved
    assert new_text("> only a quote") == "> only a quote"


def test_a_long_quote_or_a_long_line_is_read_at_once():
    """Before, each quoted line looked at every line after it: 20,000 quoted lines followed by
    one of text took 36 seconds, a megabyte of them hours. A line of a megabyte starting like
    an attribution cost seconds."""
    quote_then_text = "> x\n" * 250_000 + "my answer, below the quote"
    assert new_text(quote_then_text) == quote_then_text
    assert new_text("Thanks!\n\n" + "> x\n" * 250_000) == "Thanks!"
    long_line = "<" * 200 + "a" * 1_000_000
    assert new_text(long_line) == long_line


@pytest.mark.parametrize(("sender", "sent", "to", "subject"), [
    ("De: Mesa de ayuda [mailto:ayuda@desk.example]", "Enviado el: viernes, 16 de junio de "
     "2026 12:03 p.m.", "Para: Ana", "Asunto: Pedido"),
    ("De: Suporte <suporte@desk.example>", "Enviada em: terça-feira, 1 de dezembro de 2026 10:02",
     "Para: Ana", "Assunto: Pedido"),
    ("من: Desk <support@desk.example>", "تاريخ الإرسال: الثلاثاء، 1 ديسمبر 2026 10:02 ص",
     "إلى: Ana", "الموضوع: طلب"),
    ("מאת: Desk <support@desk.example>", "נשלח: יום שלישי 1 דצמבר 2026 10:02", "אל: Ana",
     "נושא: הזמנה"),
    ("寄件者: Desk <support@desk.example>", "寄件日期: 2026年12月1日 上午 10:02", "收件者: Ana",
     "主旨: 訂單"),
    ("Από: Desk <support@desk.example>", "Στάλθηκε: Τρίτη, 1 Δεκεμβρίου 2026 10:02 πμ",
     "Προς: Ana", "Θέμα: Παραγγελία"),
    ("Від: Desk <support@desk.example>", "Надіслано: 1 грудня 2026 р. 10:02", "Кому: Ana",
     "Тема: Замовлення"),
    ("De la: Desk <support@desk.example>", "Trimis: marți, 1 decembrie 2026 10:02",
     "Către: Ana", "Subiect: Comanda"),
])
def test_outlooks_header_block_in_more_languages_starts_the_history(
        sender: str, sent: str, to: str, subject: str) -> None:
    reply = f"Ya funciona, gracias.\n\n{sender}\n{sent}\n{to}\n{subject}\n\nHola Ana, ¿ya funciona?"
    assert new_text(reply) == "Ya funciona, gracias."


@pytest.mark.parametrize("attribution", [
    "2026. dec. 1., k 10:02 időpontban Desk <support@desk.example> ezt írta:",
    "Desk <support@desk.example> ezt írta (időpont: 2026. dec. 1., K 10:02):",
    "Desk <support@desk.example> 在 2026年12月1日 周二 10:02 写道：",
    "2026年12月1日 周二 10:02 Desk <support@desk.example> 写道：",
    "Στις Τρί 1 Δεκ 2026 στις 10:02, ο/η Desk <support@desk.example> έγραψε:",
    "În mar., 1 dec. 2026 la 10:02, Desk <support@desk.example> a scris:",
])
def test_an_attribution_with_its_verb_starts_the_history_though_no_quote_marks_follow(
        attribution: str) -> None:
    reply = f"Köszönöm, működik.\n\nAnna\n\n{attribution}\nKedves Anna,\n\nműködik már?\n"
    assert new_text(reply) == "Köszönöm, működik.\n\nAnna"


def test_a_line_ending_in_wrote_without_an_address_is_the_customers() -> None:
    body = "This is what my colleague wrote:\nThe parcel never came.\n\nAnna"
    assert new_text(body) == body


@pytest.mark.parametrize("rule", ["----- Original Nachricht ----",
                                  "----- Mensagem encaminhada -----",
                                  "======== Vidarebefordrat ========"])
def test_a_message_that_is_all_quote_under_a_webmails_rule_is_shown_whole(rule: str) -> None:
    """A webmail's forward with nothing written above it: before, only its rule was kept and
    every word of the forwarded message was lost from the ticket."""
    body = (f" \n\n\n{rule}\nVon:     ana@example.com\nAn:      bob@example.com\n"
            "Datum:   30.05.2026 16:17\nBetreff: Rechnung\n\nanbei die Rechnung.\n\nAna")
    assert new_text(body) == body.strip()


def test_webmails_original_message_rule_starts_the_history() -> None:
    reply = "Passt so.\n\n----- Original Nachricht ----\nVon: Desk <s@d.t>\n\nalt"
    assert new_text(reply) == "Passt so."


def test_a_turkish_sentence_ending_in_sent_is_the_customers() -> None:
    body = "Siparişim nerede?\n\nÜrün üç gün önce kargoya gönderildi."
    assert new_text(body) == body


def test_the_header_lines_yandex_writes_above_its_attribution_go_with_the_history() -> None:
    reply = ("Добрый день! Вопрос улажен, благодарю.\n\n Кому: Ana <ana@example.ru>;\n\n"
             " Тема: Заказ 4411;\n\n04.05.2026, 18:58, \"Desk\" <support@desk.example>:\n\n"
             "> Передали информацию специалисту.")
    assert new_text(reply) == "Добрый день! Вопрос улажен, благодарю."


@pytest.mark.parametrize("attribution", [
    "Den 2026-12-01 kl. 10:02, skrev Desk:", "W dniu 01.12.2026 o 10:02, Desk pisze:",
    "01.12.2026 10:02, Desk пишет:", "Dne 01. 12. 26 v 10:02 Desk napsal(a):",
    "Desk kirjoitti 1.12.2026 klo 10.02:"])
def test_thunderbirds_attribution_without_an_address_above_the_quote_is_cut_with_it(
        attribution: str) -> None:
    reply = f"Tack, det fungerar.\n\n{attribution}\n> Hej Ana,\n>\n> fungerar det nu?\n"
    assert new_text(reply) == "Tack, det fungerar."


def test_thunderbirds_hungarian_attribution_starts_the_history() -> None:
    reply = ("Átnéztem, kész.\n\nAnna\n\n2026. 12. 01. 10:02 keltezéssel, Desk a következőt "
             "írta:\nKedves Anna, nézze át a dokumentumot.")
    assert new_text(reply) == "Átnéztem, kész.\n\nAnna"


def test_korean_webmails_original_message_block_starts_the_history() -> None:
    reply = ("확인했습니다. 감사합니다.\n\n-------- 원본 메시지 --------\n"
             "보낸 사람: Desk <support@desk.example>\n날짜: 2026-12-01 10:02\n"
             "제목: 주문\n\n안녕하세요")
    assert new_text(reply) == "확인했습니다. 감사합니다."
    without_rule = reply.replace("-------- 원본 메시지 --------\n", "")
    assert new_text(without_rule) == "확인했습니다. 감사합니다."


@pytest.mark.parametrize("attribution", [
    "> On 1 Dec 2026, at 10:02, Desk <support@desk.example> wrote:",
    "> Am 01.12.2026 um 10:02 schrieb Desk <support@desk.example>:",
])
def test_a_quote_whose_attribution_is_quoted_too_is_cut_below_the_words(
        attribution: str) -> None:
    """Apple Mail quotes its attribution with the message. Before, the words above it were
    read together with the quoted attribution as one wrapped line: the history started at
    the first line, nothing was left, and the ticket showed the whole quote."""
    reply = f"Got it, thank you.\n{attribution}\n>\n> Your parcel left today.\n"
    assert new_text(reply) == "Got it, thank you."
    opener = f"On Monday I will try again.\n{attribution}\n> Did it work?"
    assert new_text(opener) == "On Monday I will try again."


def test_outlook_coms_header_block_starting_with_the_date_starts_the_history() -> None:
    reply = ("Hi, it works now.\n\nThanks,\nAna\n\nDate: Tue, 1 Dec 2026 10:02:00 +0100\n"
             "Subject: Your order\nFrom: support@desk.example\nTo: ana@example.com\n\n"
             "Hello Ana, does it work now?")
    assert new_text(reply) == "Hi, it works now.\n\nThanks,\nAna"


def test_a_date_line_without_a_senders_address_below_it_is_the_customers() -> None:
    body = "Please book the visit.\nDate: Tuesday the 1st\nFrom: my office, not home\nThanks"
    assert new_text(body) == body


@pytest.mark.parametrize("device", [
    "Sent from my Verizon, Samsung Galaxy smartphone", "Get Outlook for iOS<https://aka.ms/x1>",
    "Get Outlook for Android <https://aka.ms/x2>", "Télécharger Outlook pour iOS",
    "Scarica Outlook per Android", "Baixe o Outlook para Android",
    "Descargar Outlook para Android", "Outlook for Android からダウンロード",
    "Von meinem Samsung Galaxy Smartphone gesendet.", "Gesendet von Mail für Windows",
    "Envoyé à partir de Outlook", "Envoyé depuis mon mobile Huawei",
    "Enviado desde Outlook para Android", "Enviado de meu iPhone", "Inviato dal mio iPhone",
    "Skickat från Outlook för Android", "Sendt fra Outlook for Android",
    "Wysłane z aplikacji Outlook dla systemu Android"])
def test_more_devices_and_outlooks_mobile_app_lines_are_cut(device: str) -> None:
    """Before, each of these (the commonest on phones in their languages) stayed in the words
    shown for the reply."""
    reply = f"Thanks, it works.\n\n{device}\n\nOn Mon, 1 Dec 2026, Desk <s@d.t> wrote:\n> x"
    assert new_text(reply) == "Thanks, it works."


def test_a_customers_last_sentence_like_a_device_line_but_longer_is_kept() -> None:
    body = "I ordered a phone.\nEnviado desde el almacén, nunca llegó, ni hoy ni ayer ni nunca"
    assert new_text(body) == body


def test_a_reports_list_of_a_messages_headers_is_not_taken_for_a_quote() -> None:
    report = ("This report relates to a message you sent with these header fields:\n\n"
              "  Message-id: <1@oxy.example>\n  Date: Sun, 23 Sep 2001 20:10:55 -0700\n"
              '  From: "Ian" <ian@oxy.example>\n  To: Ravers <list@raves.example>\n'
              "  Subject: yeah\n\nYour message cannot be delivered to the following "
              "recipients:\n\n  Recipient address: ann@example.com")
    assert new_text(report) == report
