"""The new words of a reply: quoted history and signatures stripped for display.

Mail clients quote the message they answer under an attribution line ("On Mon, ... wrote:"),
a separator ("-----Original Message-----", Outlook's "From: ... Sent: ..." block, Notes'
sender, date, "To:" and "Subject:" block) or with "> " prefixes; signatures start with "-- "
or a phone client's "Sent from my ...". The rules know the wording of Gmail, Outlook and
Apple Mail in English, German, French, Spanish, Italian, Dutch and Portuguese, Outlook's
header block in many more (`FROM_WORDS`, `DATE_WORDS`); in any other language, a line naming
an address and ending in a colon right above quoted lines, or in the client's word for
"wrote" (`WROTE_WORDS`), is an attribution too. Only what comes after the first such
marker is cut; a reply written below the quote (rare, but it happens) keeps everything. The
original is never changed: this is for display.
"""

from __future__ import annotations

import re

from hubdesk.domain.mail import addresses_in

# The words mail clients write for the header fields of a message they quote or forward, in
# each language they are translated into: Outlook's "From:"/"Sent:"/"To:"/"Subject:" block,
# Gmail's and Thunderbird's forwarded-message lines. The one list both the quoting rules here
# and the forwarding rules (`forwarding.py`) read.
FROM_WORDS = ("From", "Von", "De", "De la", "Da", "Van", "Från", "Fra", "Od", "От", "Від",
              "Lähettäjä", "Kimden", "Feladó", "Από", "מאת", "من", "Từ", "Dari", "Šalje",
              "差出人", "发件人", "寄件者", "보낸 사람")
DATE_WORDS = ("Sent", "Date", "Gesendet", "Datum", "Envoyé", "Envoye", "Enviado", "Enviada",
              "Enviado el", "Enviado em", "Enviada em", "Inviato", "Verzonden", "Data", "Dato",
              "Skickat", "Sendt", "Wysłano", "Отправлено", "Дата", "Надіслано", "Изпратено",
              "Lähetetty", "Päivämäärä", "Odesláno", "Odoslané", "Poslano", "Gönderildi",
              "Tarih", "Elküldve", "Trimis", "Στάλθηκε", "Ημερομηνία", "נשלח", "תאריך",
              "تاريخ الإرسال", "التاريخ", "Đã gửi", "Ngày", "Dikirim", "Tanggal", "送信日時",
              "日付", "发送时间", "發送時間", "日期", "寄件日期", "보낸 날짜", "날짜")
SUBJECT_WORDS = ("Subject", "Betreff", "Objet", "Oggetto", "Onderwerp", "Asunto", "Assunto",
                 "Emne", "Ämne", "Temat", "Тема", "Aihe", "Předmět", "Predmet", "Konu",
                 "Tárgy", "Subiect", "Θέμα", "נושא", "الموضوع", "Chủ đề", "Subjek", "Perihal",
                 "件名", "主题", "主旨", "제목")
TO_WORDS = ("To", "An", "À", "A", "Para", "Aan", "Til", "Till", "Do", "Кому", "До", "Komu",
            "Címzett", "Kime", "Către", "Προς", "אל", "إلى", "Đến", "Kepada", "Prima", "Za",
            "宛先", "收件人", "收件者", "받는 사람", "Cc", "Kopie", "Kopia", "Копия", "Bcc",
            "Reply", "Antwort")
# The verb of a reply's attribution line, as Gmail, Apple Mail, Thunderbird and the Chinese
# clients write it after the quoted sender's address ("… <ann@example.com> wrote:").
WROTE_WORDS = ("wrote", "schrieb", "a écrit", "escribió", "ha scritto", "schreef", "escreveu",
               "skrev", "napisał", "napisała", "napisał(a)", "napsal", "napsala",
               "napsal(a)", "написал", "написала", "написал(а)", "написав", "написала",
               "kirjoitti", "ezt írta", "yazdı", "a scris", "έγραψε", "כתב", "كتب", "đã viết",
               "menulis", "写道", "寫道", "님이 작성", "작성", "pisze", "пишет", "írta")


def words_pattern(words: tuple[str, ...]) -> str:
    """A regular expression matching any of ``words``, the longest first ("Enviado el"
    before "Enviado"), spaces inside them as any run of spaces."""
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(word).replace(r"\ ", r"\s+") for word in ordered)


_ATTRIBUTION = re.compile(
    r"^\s*(On\b.{0,200}\bwrote:|Am\b.{0,200}\bschrieb.{0,80}:|Le\b.{0,200}\ba [ée]crit\s*:|"
    r"El\b.{0,200}\bescribi[óo]:|Il giorno\b.{0,200}\bha scritto:|"
    r"Op\b.{0,200}\bschreef.{0,80}:|Em\b.{0,200}\bescreveu:|"
    r"\d.{0,200}\bkeltezéssel\b.{0,200}\bírta:)\s*$", re.IGNORECASE)
# In any language: a line naming an address and ending in its client's word for "wrote",
# perhaps with the date in brackets after it ("… <ann@example.com> ezt írta (időpont: …):",
# "… <ann@example.com> 在 2026年2月29日 19:47 写道："), whether quoted lines follow it or, as
# some clients write them, the earlier message's lines unmarked (`_ends_in_wrote`).
_WROTE = tuple(sorted((word.casefold() for word in WROTE_WORDS), key=len, reverse=True))
# The date some clients bracket after the verb is no longer than this.
_BRACKETED_DATE = 120
_CLOCK = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
_OPENER = re.compile(r"^\s*(On|Am|Le|El|Il giorno|Op|Em)\s", re.IGNORECASE)
_SEPARATOR = re.compile(
    r"^\s*(-{2,}\s*(Original Message|Urspr[üu]ngliche Nachricht|Message d'origine|"
    r"Mensaje original|Messaggio originale|Oorspronkelijk bericht|Mensagem original|"
    r"Original[- ]Nachricht|Forwarded message|Weitergeleitete Nachricht|"
    r"Ursprungligt meddelande|"
    r"Oprindelig meddelelse|Opprinnelig melding|Oryginalna wiadomość|Исходное сообщение|"
    r"Alkuperäinen viesti|Původní zpráva|Orijinal Mesaj|Eredeti üzenet|元のメッセージ|"
    r"原始邮件|原始郵件|원본 메시지)\s*-{2,}|_{20,})\s*$", re.IGNORECASE)
# Outlook's header block: "From:" followed within a few lines by "Sent:"/"Date:".
_OUTLOOK_FROM = re.compile(
    rf"^\s*\*?(?:{words_pattern(FROM_WORDS)})\s*[:：]\*?\s", re.IGNORECASE)
_OUTLOOK_SENT = re.compile(
    rf"^\s*\*?(?:{words_pattern(DATE_WORDS)})\s*[:：]\*?\s", re.IGNORECASE)
_OUTLOOK_SUBJECT = re.compile(
    rf"^\s*\*?(?:{words_pattern(SUBJECT_WORDS)})\s*[:：]\*?\s", re.IGNORECASE)
# A header line of the quoted message ("To: …", "Тема: …;") that a client writes above its
# attribution; no longer than a list of addresses.
_QUOTED_HEADER = re.compile(
    rf"^\s*(?:{words_pattern(TO_WORDS + SUBJECT_WORDS)})\s*[:：][^\n]{{0,500}}$", re.IGNORECASE)
# HCL (Lotus) Notes quotes a message under a block of its own: the sender (a name, "Ann
# Lee@ACME" or "\"Ann Lee\" <ann@example.com> on 10/09/2026 11:02 AM"), the date on that
# line or the next, then "To:", "cc:" and "Subject:" lines; and forwards under a rule naming
# who forwarded it and when.
NOTES_FORWARD = re.compile(
    r"^\s*-{3,}\s*(?:Forwarded by|Weitergeleitet von|Transf[ée]r[ée] par|Reenviado por|"
    r"Inoltrato da|Doorgestuurd door|Encaminhado por)\s.{1,200}?-{3,}\s*$", re.IGNORECASE)
_NOTES_DATE = re.compile(r"\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b.{0,20}?\b\d{1,2}[:.]\d{2}\b")
_NOTES_TO = re.compile(r"^\s*To\s*:", re.IGNORECASE)
_NOTES_SUBJECT = re.compile(r"^\s*Subject\s*:\s*(.*)$", re.IGNORECASE)
_NOTES_MIDDLE = re.compile(r"^\s*(?:cc|bcc)\s*:", re.IGNORECASE)
_SIGNATURE = re.compile(r"^(-- ?|—)\s*$")
_RULE_CHARACTERS = "-_="
# A device's or an app's line under a message: "Sent from my Samsung Galaxy smartphone.",
# "Sent from my Verizon, Samsung Galaxy smartphone", "Sent from Mail for Windows", "Skickat
# från min iPhone", "iPhoneから送信", "Отправлено из мобильной Яндекс Почты", "iPhone'umdan
# gönderildi", "從我的iPhone傳送"; and Outlook's mobile app's, in its languages ("Get Outlook
# for iOS", "Scarica Outlook per Android", "Outlook for Android からダウンロード"), with the
# link it carries once written as plain text ("<https://aka.ms/…>"). A few words and no
# punctuation but commas and a closing period; and only where nothing but quoted history
# follows (`_ends_the_words`), as "Sent from the warehouse on Monday." may be the customer's.
_DEVICE = r"[\w&'’-]+,?(?: [\w&'’-]+,?){0,5}"
_OUTLOOK_APP = (r"(?:Get|Download|Holen Sie sich|Obtenir|T[ée]l[ée]charger|Obtener|Descargar|"
                r"Obter|Baixe o|Baixar o|Scarica|Ottieni|Download) Outlook "
                r"(?:for|f[üu]r|pour|para|per|voor|för|dla) \w+|Outlook for \w+ からダウンロード")
_LINK = r"(?:\s*<https?://[^\s<>]{1,200}>)?"
_DEVICE_LINE = re.compile(
    rf"^(Sent (?:from|with|via) {_DEVICE}|{_OUTLOOK_APP}|Von meinem {_DEVICE} gesendet|"
    rf"Gesendet (?:von|mit|aus) {_DEVICE}|Envoy[ée] (?:de|depuis|à partir de|avec) {_DEVICE}|"
    rf"Enviado (?:desde|con|de|do|da) {_DEVICE}|Enviada (?:desde|de|do) {_DEVICE}|"
    rf"Inviato (?:da|dal|dalla|con) {_DEVICE}|"
    rf"Verzonden (?:vanaf|met|van) {_DEVICE}|Verstuurd (?:vanaf|met|van) {_DEVICE}|"
    rf"Skickat (?:från|med) {_DEVICE}|Sendt (?:fra|med) {_DEVICE}|Lähetetty \w+|"
    rf"Wysłane z {_DEVICE}|Odesláno z \S+|Отправлено с(?: моего)? \S+|"
    rf"Отправлено из {_DEVICE}|Надіслано з {_DEVICE}|"
    r"(?:\S+ ){0,2}\S+(?:[uıü]mdan|[iı]mden) gönderildi|"
    rf"Στάλθηκε από {_DEVICE}|Trimis de pe {_DEVICE}|Elküldve (?:az )?\S+|"
    rf"Dikirim dari {_DEVICE}|Được gửi từ {_DEVICE}|أُ?رسلت من {_DEVICE}|"
    r"נשלח מ\S+(?: שלי)?|ส่งจาก \S+(?: \S+)?|"
    rf"\S+ ?から送信|发自我的 ?\S+|從我的 ?\S+? ?傳送|\S+에서 보냄){_LINK}\.?\s*$", re.IGNORECASE)


def _is_quote(line: str) -> bool:
    return line.lstrip().startswith(">")


def outlook_block(lines: list[str], index: int) -> bool:
    """Whether Outlook's header block of a quoted message ("From:", then "Sent:" within
    three lines) starts at ``lines[index]``; or Outlook.com's, which starts with the date
    ("Date:", "Subject:", then "From:" naming an address, in that order: a report listing a
    message's headers in another order is not a quote)."""
    if _OUTLOOK_FROM.match(lines[index]):
        return any(_OUTLOOK_SENT.match(line) for line in lines[index + 1:index + 4])
    return _OUTLOOK_SENT.match(lines[index]) is not None and index + 2 < len(lines) \
        and _OUTLOOK_SUBJECT.match(lines[index + 1]) is not None \
        and _OUTLOOK_FROM.match(lines[index + 2]) is not None \
        and bool(addresses_in(lines[index + 2]))


# A sender's line with its date is a name, an address and a date: never longer.
_NOTES_SENDER_CHARACTERS = 300


def notes_block(lines: list[str], index: int) -> tuple[str, str, int] | None:
    """Notes' header block of a quoted or forwarded message starting at ``lines[index]``:
    its sender's line (and the date's, where it has one of its own), its subject, and the
    index of the line after the block; None where there is none."""
    to = next((n for n in (index + 1, index + 2)
               if n < len(lines) and _NOTES_TO.match(lines[n])), None)
    if to is None or _NOTES_TO.match(lines[index]) or _is_quote(lines[index]):
        return None
    sender = " ".join(line.strip() for line in lines[index:to])
    if not lines[index].strip() or len(sender) > _NOTES_SENDER_CHARACTERS \
            or not _NOTES_DATE.search(sender):
        return None
    after = to + 1
    while after < len(lines) and _NOTES_MIDDLE.match(lines[after]):
        after += 1
    subject = _NOTES_SUBJECT.match(lines[after]) if after < len(lines) else None
    if subject is None:
        return None
    return sender, subject.group(1).strip(), after + 1


def new_text(body: str) -> str:
    """``body`` without the history it quotes and without the sender's signature."""
    lines = body.replace("\r\n", "\n").split("\n")
    kept = lines[:_cut(lines, signatures=True)]
    if all(_rule_or_blank(line) for line in kept):
        return body.strip()  # all quote (a rule above it is no words): show it whole
    return "\n".join(kept).strip()


def _rule_or_blank(line: str) -> bool:
    """Whether ``line`` is blank or a rule of dashes, with or without a title in it ("-----
    Original Nachricht ----", a webmail's rule in any language): not the sender's words,
    though no rule here knows its wording."""
    text = line.strip()
    return not text or (len(text) <= 100 and text[:2].strip(_RULE_CHARACTERS) == ""
                        and text[-2:].strip(_RULE_CHARACTERS) == "")


def quotes_history(body: str) -> bool:
    """Whether ``body`` quotes an earlier message (a signature is not one)."""
    lines = body.replace("\r\n", "\n").split("\n")
    return _cut(lines, signatures=False) < len(lines)


def _cut(lines: list[str], *, signatures: bool) -> int:
    """The index of the line where quoted history (or, with ``signatures``, the sender's
    signature) begins; ``len(lines)`` without any."""
    quoted_from = _all_quoted_from(lines)
    for index, line in enumerate(lines):
        if _starts_history(lines, index):
            return _header_lines_above(lines, index)
        if _is_quote(line) and index >= quoted_from:
            return _header_lines_above(lines, _attribution_above(lines, index))
        if signatures and (_SIGNATURE.match(line) or (
                _DEVICE_LINE.match(line) and _ends_the_words(lines, index))):
            return index
    return len(lines)


def _attribution_above(lines: list[str], index: int) -> int:
    """``index``, or the line above it (blank lines between) where that is the attribution
    of the quote starting at ``lines[index]`` though it names no address, as Thunderbird
    writes it: a line ending in a colon with a time or its language's "wrote" ("Den
    2026-12-01 kl. 10:02, skrev Desk:", "01.12.2026 10:02, Desk пишет:")."""
    above = index - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    if above < 0:
        return index
    text = lines[above].strip()
    if len(text) > _ATTRIBUTION_CHARACTERS or not text.endswith((":", "：")):
        return index
    return above if _ends_in_wrote(text) or _CLOCK.search(text) else index


def _header_lines_above(lines: list[str], index: int) -> int:
    """Where history starting at ``lines[index]`` begins once the header lines some clients
    write above their attribution are taken with it (Yandex's "Кому: …;" and "Тема: …;"
    above "04.05.2026, 18:58, "Desk" <support@desk.example>:")."""
    start = index
    above = index - 1
    while above >= 0 and (not lines[above].strip() or _QUOTED_HEADER.match(lines[above])):
        if lines[above].strip():
            start = above
        above -= 1
    return start


def _starts_history(lines: list[str], index: int) -> bool:
    """Whether quoted history begins at ``lines[index]`` with an attribution, a separator or
    Outlook's header block."""
    line = lines[index]
    if _introduces_quote(lines, index) or _attribution(line) or _SEPARATOR.match(line) \
            or NOTES_FORWARD.match(line) or outlook_block(lines, index) \
            or notes_block(lines, index) is not None:
        return True
    # An attribution wrapped over two lines by the client ("On Mon, ... Ann\n<a@b> wrote:")
    return _OPENER.match(line) is not None and index + 1 < len(lines) and \
        not _is_quote(lines[index + 1]) and _attribution(f"{line} {lines[index + 1]}")


def _ends_the_words(lines: list[str], index: int) -> bool:
    """Whether nothing follows ``lines[index]`` but blank lines, or quoted history."""
    after = next((n for n in range(index + 1, len(lines)) if lines[n].strip()), None)
    return after is None or _is_quote(lines[after]) or _starts_history(lines, after)


# An attribution is a name, a date and an address at most: a longer line is never one, and
# its match would try every way of splitting a long line.
_ATTRIBUTION_CHARACTERS = 1_000


def _introduces_quote(lines: list[str], index: int) -> bool:
    """Whether ``lines[index]`` (or it and the next, where a client wrapped it) names an
    address and ends in a colon right above quoted lines: the attribution of a reply in any
    language ("Den tis 1 dec. 2026 kl 10:02 skrev Desk <support@desk.example>:", "Desk
    <support@desk.example> 于2026年12月1日 10:02写道：")."""
    for end in (index, index + 1):
        if end >= len(lines) or (end > index and _is_quote(lines[end])):
            return False  # a quoted line is never the rest of an unquoted attribution
        text = " ".join(lines[index:end + 1]).strip()
        if len(text) > _ATTRIBUTION_CHARACTERS:
            return False
        if text.endswith((":", "：")):
            after = next((line for line in lines[end + 1:end + 3] if line.strip()), "")
            return _is_quote(after) and bool(addresses_in(text))
    return False


def _attribution(line: str) -> bool:
    if len(line.strip()) > _ATTRIBUTION_CHARACTERS:
        return False
    if _ATTRIBUTION.match(line) is not None:
        return True
    # Only a line ending in a colon is searched for its "wrote": searching every line of a
    # long message for it cost ten times the rest of the rules together.
    return _ends_in_wrote(line) and bool(addresses_in(line))


def _ends_in_wrote(line: str) -> bool:
    """Whether ``line`` ends in a client's word for "wrote" and a colon, a bracketed date
    between them allowed. Read from the line's end (a search of the line from its start
    for any of the words cost more than all the other rules together)."""
    tail = line.rstrip()
    if not tail.endswith((":", "：")):
        return False
    tail = tail[:-1].rstrip()
    if tail.endswith(")") and not tail.casefold().endswith(_WROTE):  # "napisał(a)" is a verb
        opening = tail.rfind("(", max(0, len(tail) - _BRACKETED_DATE))
        if opening < 0:
            return False
        tail = tail[:opening].rstrip()
    tail = " ".join(tail[-2 * _BRACKETED_DATE:].split()).casefold()
    if not tail.endswith(_WROTE):
        return False
    word = next(word for word in _WROTE if tail.endswith(word))
    before = tail[:-len(word)]
    return not before or not before[-1].isalpha()


def _all_quoted_from(lines: list[str]) -> int:
    """The first line from which every line is quoted or blank (one pass from the end, not
    one per quoted line: a long quote followed by one line of text would take hours)."""
    start = len(lines)
    while start > 0 and (_is_quote(lines[start - 1]) or not lines[start - 1].strip()):
        start -= 1
    return start
