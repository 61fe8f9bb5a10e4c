"""Central European and Turkish text sent without a charset (or labelled Latin-1) is read in
its own charset when Windows-1252 would misspell it; Western text, with names, units and
punctuation of its own, is read as Windows-1252 as ever."""

from __future__ import annotations

import pytest

from hubdesk.channels.email.decoding import decode_text
from hubdesk.channels.email.guessing import guess_charset
from hubdesk.channels.email.parsing import StdlibMailParser

OTHER = [
    ("Dzień dobry, moje zamówienie jeszcze nie dotarło. Proszę sprawdzić, gdzie jest paczka.",
     ("cp1250", "iso8859_2")),
    ("Zamówiłem dwa bilety, ale dostałem tylko jeden.", ("cp1250", "iso8859_2")),
    ("Dobrý den, moje objednávka ještě nedorazila. Prosím zkontrolujte, kde je balík.",
     ("cp1250", "iso8859_2")),
    ("Dobrý deň, moja objednávka ešte neprišla. Prosím, skontrolujte, kde je balík.",
     ("cp1250", "iso8859_2")),
    ("Bună ziua, comanda mea nu a sosit încă. Vă rog să verificaţi unde este coletul.",
     ("cp1250", "iso8859_2")),
    ("Merhaba, siparişim hâlâ gelmedi. Lütfen paketin nerede olduğunu kontrol eder misiniz?",
     ("cp1254", "iso8859_9")),
    ("Faturamı ödedim ama hesabım hâlâ kapalı.", ("cp1254", "iso8859_9")),
    # Short, with one word Windows-1252 would misspell and one it would not.
    ("Ama değilse daha natürel tonlar kullan.", ("cp1254", "iso8859_9")),
    ("İstanbul'daki şubeniz kapalı mı?", ("cp1254", "iso8859_9")),
]
LABELS = [None, "us-ascii", "iso-8859-1", "windows-1252"]


@pytest.mark.parametrize("label", LABELS)
@pytest.mark.parametrize(("text", "charsets"), OTHER)
def test_central_european_and_turkish_text_is_read_in_its_charset(text, charsets, label):
    for charset in charsets:
        decoded, declared_right = decode_text(text.encode(charset), label)
        assert decoded == text
        assert not declared_right


WESTERN = [
    "Søren's café crème was the best in town",  # a Danish name in French words
    "Grüße aus São Paulo, José Müller",
    "Bitte 5 m³ Wasser und 3 km² Fläche liefern, Grüße",
    "«Guillemets» et Windows® 11, ¿Qué tal? ¡Hola! 20 °C, ±5 %, § 12",
    "Góðan daginn, pöntunin mín er ekki komin. Þórður Ægisson, Ólafsfjörður",
    "Naïve façade, œuvre, Noël, l’été dernier – déjà vu",
    "Hyvää päivää, tilaukseni ei ole vielä saapunut. Kiitos, Jyväskylä",
    "Obrigado pela atenção, 1º andar, nº 25, à tarde",
    "Første behandling á 1,5 time incl.",  # a letter Danish borrows from its neighbours
    "Det skal være en ½ time, 170 km² i alt",
    "Thanks a lot, Þórður",
]


@pytest.mark.parametrize("text", WESTERN)
def test_western_text_with_names_units_and_symbols_stays_windows_1252(text):
    raw = text.encode("cp1252")
    assert guess_charset(raw) is None
    assert decode_text(raw, None)[0] == text


def test_a_mail_without_a_charset_shows_its_polish_text_and_subject():
    body = "Paczka nie dotarła, proszę o zwrot pieniędzy. Łukasz Żółć".encode("cp1250")
    raw = (b"From: lukasz@example.pl\r\nTo: support@desk.test\r\n"
           b"Subject: " + "Zwrot pieniędzy za zamówienie".encode("cp1250") + b"\r\n"
           b"Message-ID: <pl@example.pl>\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/plain\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + body)
    parsed = StdlibMailParser().parse(raw)
    assert parsed.text == "Paczka nie dotarła, proszę o zwrot pieniędzy. Łukasz Żółć"
    assert parsed.subject == "Zwrot pieniędzy za zamówienie"


def test_the_texts_charset_is_guessed_once_however_many_headers_ask(monkeypatch):
    """Each 8-bit header is read in the charset the text shows: the text's bytes (a large
    body, perhaps) are read for it once per message, not once per header."""
    from hubdesk.channels.email import parsing

    calls = []
    real = parsing.guess_charset
    monkeypatch.setattr(parsing, "guess_charset",
                        lambda payload: calls.append(len(payload)) or real(payload))
    headers = b"".join(b"X-Note-%d: " % i + "zamówienie łódź".encode("cp1250") + b"\r\n"
                       for i in range(300))
    raw = (b"From: a@example.pl\r\nTo: support@desk.test\r\n" + headers +
           b"Content-Type: text/plain\r\n\r\n" + "Paczka nie dotarła.".encode("cp1250"))
    read = dict(StdlibMailParser().headers(raw))
    assert read["X-Note-299"] == "zamówienie łódź"
    assert len(calls) == 1
