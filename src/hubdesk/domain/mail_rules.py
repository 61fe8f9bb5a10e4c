"""What an incoming e-mail means: written by a machine or a person, which ticket it answers,
and who should not be written back to. Pure rules over a `ParsedMail`."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from hubdesk.domain.mail import Automatic, ParsedMail, addresses_in

# "[#1234]" as Hubdesk writes it in subjects; also tolerated: "[#1234 ]", "[ #1234]".
_TOKEN = re.compile(r"\[\s*#(\d{1,12})\s*\]")
_PLUS = re.compile(r"^[^@+]+\+(?:t|ticket)?-?(\d{1,12})@", re.IGNORECASE)
# The commonest words of a returned message's subject: an auto-reply's too where the message
# answers another, and a bounce's where its text has a server's words (`_BOUNCE_SUBJECT`).
_RETURNED_WORDS = (r"undeliver(?:able|ed)|delivery status notification|mail delivery failed|"
                   r"returned mail|failure notice|nicht zustellbar|non remis")
# Subjects auto-responders put in front of the original subject, in several languages
# (Exchange's and Outlook's "Automatic reply:" as each of their languages words it).
_AUTO_SUBJECT = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office|abwesenheit|"
    r"absence|r[ée]ponse automatique|respuesta autom[áa]tica|risposta automatica|"
    r"automatisch antwoord|afwezig|fuera de la oficina|fora do escrit[óo]rio|"
    r"automatische antwort|automatisk svar|automaattinen vastaus|odpowied[źz] automatyczna|"
    r"automatick[áa] odpov[ěe][ďd]|automatikus v[áa]lasz|otomatik yan[ıi]t|"
    r"автоматический ответ|автоматична відповідь|resposta autom[áa]tica|"
    r"αυτόματη απάντηση|תשובה אוטומטית|رد تلقائي|自動応答|自動返信|自动回复|自動回覆|"
    rf"자동 회신|자동 응답|{_RETURNED_WORDS})", re.IGNORECASE)
# A returned message's subject as mail servers word it: those words, and gateways' "Delivery
# Failure", "Mail could not be delivered", "Mail Delivery Warning" and their translations.
_BOUNCE_SUBJECT = re.compile(
    rf"^\s*(?:{_RETURNED_WORDS}|non-?deliver(?:y|able)|delivery (?:failure|failed|has "
    r"failed|problem|report|warning|delayed|notification)|delayed mail|"
    r"(?:mail|message) delivery (?:failed|failure|warning)|"
    r"(?:mail|message) (?:could not|couldn't|was not|not) (?:be )?delivered|"
    r"failed mail|unzustellbar|non recapitabile|non distribuable|no se pudo entregar|"
    r"onbestelbaar)", re.IGNORECASE)
# What only a mail server writes in the text of a message it returns: an SMTP reply with its
# enhanced status ("550 5.1.1", "550-5.1.1"), "SMTP error" or the command it failed at, and the
# way Exim, Postfix and sendmail introduce themselves.
_SERVERS_WORDS = re.compile(
    r"\b[45]\d\d[ -][45]\.\d{1,3}\.\d{1,3}\b|\bSMTP (?:error|code|reply)|\bRCPT TO\b|"
    r"\bremote host said\b|mail delivery (?:software|subsystem|system)|"
    r"could not be delivered to (?:one or more|the following|all)(?: of its)? "
    r"(?:recipients?|users?|address(?:es)?)|"
    r"(?:the following|your) (?:mail|message|e-?mail) (?:could not|couldn't|was not) "
    r"(?:be )?delivered|"
    r"\blines of (?:your|the) (?:original )?message follows?\b|"
    r"below this line is a copy of the message", re.IGNORECASE)
# A server writes the failure near the top: a returned copy below may quote anything.
_SERVERS_WORDS_WITHIN = 4_000
# A read receipt's subject as mail clients word it in their languages: Outlook's "Read:" and
# "Not read:" (deleted unread), Thunderbird's "Return Receipt (displayed) - …".
_RECEIPT_SUBJECT = re.compile(
    r"^\s*(?:(?:not |un)?read|(?:nicht |un)?gelesen|(?:non )?lu|(?:no )?le[íi]do|(?:non )?letto|"
    r"(?:niet )?gelezen|(?:o)?l[äa]st|(?:u)?l[æa]st|(?:ikke )?lest|luettu|lukematon|"
    r"(?:nie)?przeczytan[ayeo]|(?:n[ãa]o )?lido|(?:не )?прочитано|(?:не )?прочитане|okundu|"
    r"olvasott|olvasatlan|(?:ne)?p[řr]e[čc]teno|已读|已讀|未读|未讀|開封済み|읽음)\s*[:：]|"
    r"^\s*(?:return|read) receipt\b|^\s*lesebest[äa]tigung\b|^\s*accus[ée] de lecture\b",
    re.IGNORECASE)
_BOUNCE_SENDER = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)
_NO_REPLY_SENDER = re.compile(r"^(no-?reply|do-?not-?reply|bounce[s]?)[-+.@]",
                              re.IGNORECASE)


@dataclass(frozen=True)
class RatePolicy:
    """A sender writing more than ``limit`` messages within ``window_seconds`` is treated
    as a loop (another robot answering ours): their messages are kept, not answered."""

    limit: int = 20
    window_seconds: int = 600


def customer_address(mail: ParsedMail, own_addresses: frozenset[str] = frozenset()
                     ) -> tuple[str | None, str | None]:
    """The address (and name) of the customer a message is from: its Reply-To, where the
    sender asks for answers to go (a web shop's contact form sends as itself on the
    customer's behalf, a mailing list as the list), unless that is one of the desk's own
    addresses or the list's own (a list sending answers back to itself); else its
    sender."""
    reply_to = (mail.reply_to or "").lower()
    to_the_list = f"mailto:{reply_to}" in mail.signals.get("list-post", "").lower()
    if reply_to and reply_to not in own_addresses and reply_to != (mail.from_address or "") \
            and not to_the_list:
        return reply_to, mail.reply_to_name
    return mail.from_address, mail.from_name


def automatic_reason(mail: ParsedMail, *, own_addresses: frozenset[str] = frozenset(),
                     recent_from_sender: int = 0,
                     rate: RatePolicy = RatePolicy()) -> Automatic | None:
    """Why ``mail`` was written by a machine (and must never be answered), or None."""
    signals = mail.signals
    sender = (mail.from_address or "").lower()
    if _bounce(mail):
        return Automatic.BOUNCE
    if (sender and sender in own_addresses and not _relayed_for_another(mail, own_addresses)) \
            or "x-hubdesk-ticket" in signals:
        return Automatic.LOOP  # our own mail came back to us
    if _loop_mark(signals):
        return Automatic.LOOP
    auto_submitted = signals.get("auto-submitted", "").strip().lower()
    if auto_submitted and not auto_submitted.startswith("no"):
        return Automatic.AUTO_REPLY
    if _says_autoreply(signals):
        return Automatic.AUTO_REPLY
    if _machine_precedence(signals):
        return Automatic.AUTO_REPLY
    if mail.is_report or _content_class(signals) == "urn:content-classes:mdn" \
            or _null_return_path(signals):
        return Automatic.AUTO_REPLY  # read receipts, other reports, the empty sender's mail
    if _relayed(signals) and not _desks_own_list(mail, own_addresses):
        return Automatic.MAILING_LIST
    if _says_automatic(mail.subject or "") and (
            _NO_REPLY_SENDER.match(sender) or mail.in_reply_to or mail.references
            or subject_ticket(mail.subject) is not None):
        return Automatic.AUTO_REPLY
    if recent_from_sender >= rate.limit:
        return Automatic.RATE_LIMITED
    return None


def _bounce(mail: ParsedMail) -> bool:
    """Whether ``mail`` returns a message: a delivery report, a mailer-daemon's or
    postmaster's mail, or an Exchange non-delivery report by its content class or the
    header Exchange Online marks its own with (sent as ordinary mixed mail, from an address
    of the sender's organisation)."""
    if mail.is_report and (mail.report_type or "").lower() == "delivery-status":
        return True
    return bool(_BOUNCE_SENDER.match(mail.from_address or "")) \
        or _content_class(mail.signals) == "urn:content-classes:dsn" \
        or "x-ms-exchange-message-is-ndr" in mail.signals \
        or _returned_by_a_server(mail)


def _returned_by_a_server(mail: ParsedMail) -> bool:
    """Whether a plain message is a server's bounce by its envelope or its words: sent from
    a mailer-daemon's or postmaster's envelope address under another From (a scanning
    gateway's), or under a returned message's subject with a server's words in its text or
    the returned message's Message-ID. A subject alone is never enough: "Delivery failed"
    is as likely a customer's word about a parcel."""
    envelope = addresses_in(mail.signals.get("return-path", ""))
    if envelope and _BOUNCE_SENDER.match(envelope[0]):
        return True
    if not _BOUNCE_SUBJECT.match(mail.subject or ""):
        return False
    return bool(mail.returned_message_ids) \
        or _SERVERS_WORDS.search(mail.text[:_SERVERS_WORDS_WITHIN]) is not None


def _loop_mark(signals: dict[str, str]) -> bool:
    """Whether X-Loop marks the message as a ticket system's own automatic mail ("yes",
    a system's name). One that names an address was added by whatever passed the message on
    (a mail server's forwarding rule, procmail's ``formail -A "X-Loop: support@…"``, a
    list) to stop its own loops: it says nothing of who wrote the message, and a desk
    whose mail is forwarded to it that way gets it on every customer's message."""
    value = signals.get("x-loop", "").strip()
    return bool(value) and "@" not in value


def _content_class(signals: dict[str, str]) -> str:
    """Exchange's Content-Class: what kind of item it sent (a receipt, a report…)."""
    return signals.get("content-class", "").strip().lower()


def _says_automatic(subject: str) -> bool:
    """Whether the subject is an auto-responder's or a read receipt's. Taken as a robot's
    only where the message also answers another (its references, or the ``[#id]`` token
    every mail of the desk's subject carries): some clients' out-of-office replies and read
    receipts carry none of the standard headers, and answering them writes to a robot."""
    return bool(_AUTO_SUBJECT.match(subject) or _RECEIPT_SUBJECT.match(subject))


def _null_return_path(signals: dict[str, str]) -> bool:
    """Whether the message came with the empty envelope sender (``Return-Path: <>``, written
    by the server that delivered it) that only delivery reports, read receipts and
    auto-responders send with (RFC 5321 4.5.5, RFC 3834): no person's mail can be answered
    there."""
    return signals.get("return-path", "").replace(" ", "") == "<>"


def _relayed_for_another(mail: ParsedMail, own_addresses: frozenset[str]) -> bool:
    """Whether a message from one of the desk's own addresses is a group's relay of someone
    else's: a Google Group that is the support address rewrites its customers' From to its
    own (where their domain's DMARC asks it to) and names them in Reply-To."""
    reply_to = (mail.reply_to or "").lower()
    return _relayed(mail.signals) and bool(reply_to) and reply_to not in own_addresses


def _machine_precedence(signals: dict[str, str]) -> bool:
    """Precedence as a robot sets it. A mailing list sets it on every message it relays, a
    person's too ("list" by Google Groups and Mailman 3, "bulk" by Mailman 2): where support
    mail reaches the desk through a group, its customers' mail must not be taken for a
    robot's, so a relayed message is judged by its author's own marks instead."""
    precedence = signals.get("precedence", "").strip().lower()
    if precedence == "auto_reply":
        return True
    return precedence in ("bulk", "junk") and not _relayed(signals)


def _desks_own_list(mail: ParsedMail, own_addresses: frozenset[str]) -> bool:
    """Whether a list relayed ``mail`` as the desk's own group (its List-Post or List-Id is a
    support address, as a Google Group that is the support address names itself) or someone
    wrote to the desk through it (a support address in To or Cc); a post to a list the desk
    merely subscribes to is the list's traffic, not a message to the desk."""
    if not own_addresses:
        return True  # a desk without support addresses cannot tell its lists from others
    post = mail.signals.get("list-post", "").lower()
    list_id = mail.signals.get("list-id", "").lower()
    written_to = [*addresses_in(mail.signals.get("to", "")), *mail.cc]
    return any(base_address(address) in own_addresses for address in written_to) or any(
        f"mailto:{own}" in post or own.replace("@", ".") in list_id for own in own_addresses)


def _relayed(signals: dict[str, str]) -> bool:
    """Whether a mailing list or group relayed the message (it names itself in List-Id)."""
    return bool(signals.get("list-id", "").strip())


# Headers that auto-responders of one mail system or another add, each marking an auto-reply
# by being there.
_AUTOREPLY_HEADERS = ("x-autoreply", "x-autorespond", "x-autoreply-from", "x-mail-autoreply",
                      "x-autogenerated")


def _says_autoreply(signals: dict[str, str]) -> bool:
    """The auto-responders' own marks: `_AUTOREPLY_HEADERS`, a machine-generated flag
    (FirstClass's) or a message class naming an autoresponder. Microsoft's
    X-Auto-Response-Suppress is not such a mark: it asks the receiver not to answer with
    one, and Exchange and Outlook set it (``All``, ``DR, OOF, AutoReply``) on ordinary mail
    too, such as a person's message to a distribution group the desk's mailbox is in."""
    if any(name in signals for name in _AUTOREPLY_HEADERS):
        return True
    return signals.get("x-fc-machinegenerated", "").strip().lower() == "true" \
        or "autoresponder" in signals.get("x-post-messageclass", "").lower()


# Microsoft's spam confidence level: 5 and above is junk; -1 marks mail the organisation
# trusts (a transport rule's bypass).
_JUNK_SCL = 5
# Exchange Online Protection's spam filtering verdict: spam, or made spam by a mail flow rule.
_EOP_SPAM = re.compile(r"(?:^|;)\s*SFV\s*:\s*(?:SPM|SKS)\s*(?:;|$)", re.IGNORECASE)


def flagged_as_spam(signals: dict[str, str]) -> bool:
    """Whether the receiving server's filter marked the message as spam: SpamAssassin's and
    Rspamd's ``X-Spam-Flag: YES``, ``X-Spam-Status: Yes, …`` or ``X-Spam: Yes``, Exchange's
    spam confidence level of 5 or more, or Exchange Online's ``SFV:SPM`` verdict. Only the
    topmost of each header is read, the one the receiving server wrote (SpamAssassin
    replaces any the sender put there). A sender can only mark their own mail this way, never
    unmark it: "No" and a missing header are the same."""
    if signals.get("x-spam-flag", "").strip().lower() == "yes" \
            or signals.get("x-spam", "").strip().lower() in ("yes", "true") \
            or signals.get("x-spam-status", "").strip().lower().startswith("yes"):
        return True
    level = signals.get("x-ms-exchange-organization-scl", "").strip()
    if level.lstrip("-").isdigit() and int(level) >= _JUNK_SCL:
        return True
    return bool(_EOP_SPAM.search(signals.get("x-forefront-antispam-report", "")))


_AUTH_RESULT = re.compile(r"(?:^|;)\s*(dmarc|dkim|spf)\s*=\s*([a-z]+)", re.IGNORECASE)


def sender_failed_authentication(signals: dict[str, str]) -> bool:
    """Whether the receiving server found the From forged: its Authentication-Results (the
    topmost, the one it added) says DMARC failed, or, without a DMARC verdict, SPF failed and
    no DKIM signature passed. Mail without such a verdict is not judged: many desks receive
    mail from servers that check nothing, and a forger's own header added below the
    receiving server's is never the one read."""
    verdicts: dict[str, set[str]] = {}
    for method, result in _AUTH_RESULT.findall(signals.get("authentication-results", "")):
        verdicts.setdefault(method.lower(), set()).add(result.lower())
    dmarc = verdicts.get("dmarc", set()) - {"none", "neutral", "temperror", "permerror"}
    if dmarc:
        return "pass" not in dmarc and "fail" in dmarc
    return bool(verdicts.get("spf", set()) & {"fail", "softfail"}) \
        and "pass" not in verdicts.get("dkim", set())


def may_answer(sender: str | None) -> bool:
    """Whether an automatic message (an acknowledgement) may go to ``sender``."""
    if not sender:
        return False
    return not (_BOUNCE_SENDER.match(sender) or _NO_REPLY_SENDER.match(sender))


def subject_ticket(subject: str) -> int | None:
    """The ticket a subject names with Hubdesk's token, ``[#1234]``."""
    found = _TOKEN.search(subject or "")
    return int(found.group(1)) if found else None


def plus_ticket(addresses: tuple[str, ...], support: frozenset[str]) -> int | None:
    """The ticket named by plus-addressing a support address: ``support+1234@example.com``."""
    for address in addresses:
        found = _PLUS.match(address)
        if found and base_address(address) in support:
            return int(found.group(1))
    return None


def base_address(address: str) -> str:
    """``support+1234@example.com`` → ``support@example.com`` (lower case)."""
    local, _, domain = address.strip().lower().rpartition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def with_token(subject: str, ticket_id: int) -> str:
    """The subject of mail about ticket ``ticket_id``, carrying its token once."""
    if subject_ticket(subject) == ticket_id:
        return subject
    return f"{_TOKEN.sub('', subject).strip()} [#{ticket_id}]".strip()


# What mail clients put in front of a subject they answer or forward, in the languages of
# their menus (Outlook's translations among them), with the counters some add ("Re[2]:").
_ANSWER_WORDS = ("re|aw|sv|vs|antw|antwort|odp|ynt|res|rif|r|ref|réf|rép|rv|tr|fw|fwd|wg|"
                 "enc|i|pd|doorst|vl|továbbítás|отв|ответ|πρθ|απ|σχετ|回复|答复|"
                 "回覆|转发|轉寄|返信|転送|답장|전달")
_ANSWER_PREFIX = re.compile(rf"^\s*(?:(?:{_ANSWER_WORDS})\.?\s*(?:\[\d+\]|\(\d+\))?\s*[:：]\s*)+",
                            re.IGNORECASE)
# Tags a mail gateway writes in front ("[EXTERNAL]", "[SPAM?]"), before or after the prefix.
_GATEWAY_TAG = re.compile(r"^\s*\[[^\]#]{1,30}\]\s*")


def bare_subject(subject: str) -> str:
    """``subject`` without the "Re:", "Fwd:", "AW:"… mail clients put in front of it, nor the
    tags mail gateways add there."""
    text = subject or ""
    while True:
        shorter = _ANSWER_PREFIX.sub("", _GATEWAY_TAG.sub("", text))
        if shorter == text:
            return text
        text = shorter


def answers_something(subject: str) -> bool:
    """Whether the subject says the message answers or forwards an earlier one."""
    return bool(_ANSWER_PREFIX.match(_GATEWAY_TAG.sub("", subject or "")))


def conversation_of(subject: str) -> str:
    """What two subjects of one conversation have in common: the bare subject without
    Hubdesk's token, in one case, its words separated by single spaces."""
    return " ".join(_TOKEN.sub(" ", bare_subject(subject)).casefold().split())


def reply_subject(subject: str, ticket_id: int) -> str:
    bare = bare_subject(subject)
    return with_token(f"Re: {bare}" if bare else f"Ticket #{ticket_id}", ticket_id)


@dataclass(frozen=True)
class ThreadChoice:
    """Which ticket a message belongs to, and by which evidence."""

    ticket_id: int
    by: str  # "references", "subject token", "plus address", "reply subject"


def choose_thread(by_reference: int | None, subject: str, recipients: tuple[str, ...],
                  support: frozenset[str],
                  requester_of: dict[int, bool]) -> ThreadChoice | None:
    """The ticket to thread into. Message-IDs we sent or received are the strongest evidence;
    a subject token or a plus address is taken only when the sender is that ticket's
    requester or copied on it (``requester_of[ticket_id]``), so a stranger cannot write into
    someone else's ticket by guessing a number. Without any of them, see `reply_to_own`."""
    if by_reference is not None:
        return ThreadChoice(by_reference, "references")
    token = subject_ticket(subject)
    if token is not None and requester_of.get(token):
        return ThreadChoice(token, "subject token")
    plus = plus_ticket(recipients, support)
    if plus is not None and requester_of.get(plus):
        return ThreadChoice(plus, "plus address")
    return None


# How long after its last change a ticket still takes a reply that lost its references.
REPLY_SUBJECT_DAYS = 30


def reply_to_own(subject: str, own_tickets: Iterable[tuple[int, str]]) -> ThreadChoice | None:
    """The sender's own recent ticket (``own_tickets``: id and subject, newest first) that a
    reply which lost its references answers: "RE: My parcel never arrived" from the customer
    whose ticket is "My parcel never arrived". Clients and gateways that drop References and
    In-Reply-To would otherwise open a second ticket for every answer."""
    key = conversation_of(subject)
    if not key or not answers_something(subject):
        return None
    for ticket_id, ticket_subject in own_tickets:
        if conversation_of(ticket_subject) == key:
            return ThreadChoice(ticket_id, "reply subject")
    return None


def candidate_tickets(subject: str, recipients: tuple[str, ...],
                      support: frozenset[str]) -> tuple[int, ...]:
    """The tickets a subject token or plus address name (to ask who their requesters are)."""
    found = [subject_ticket(subject), plus_ticket(recipients, support)]
    return tuple(dict.fromkeys(n for n in found if n is not None))


@dataclass(frozen=True)
class MailRouting:
    """The desk's support addresses, each routing its mail to a team (or to no team), and
    the address mail about a ticket is sent from."""

    addresses: tuple[tuple[str, int | None], ...] = ()
    default_sender: str | None = None
    rate: RatePolicy = RatePolicy()

    @classmethod
    def of(cls, addresses: dict[str, int | None], default_sender: str | None = None,
           rate: RatePolicy | None = None) -> MailRouting:
        return cls(tuple((base_address(a), team) for a, team in addresses.items()),
                   default_sender.lower() if default_sender else None, rate or RatePolicy())

    @property
    def support(self) -> frozenset[str]:
        return frozenset(address for address, _ in self.addresses)

    @property
    def configured(self) -> bool:
        return bool(self.addresses)

    def accepts(self, recipient: str) -> bool:
        return base_address(recipient) in self.support

    def team_for(self, recipients: tuple[str, ...]) -> int | None:
        """The team of the first support address the message was sent to."""
        teams = dict(self.addresses)
        for recipient in recipients:
            base = base_address(recipient)
            if base in teams:
                return teams[base]
        return None

    def sender_for(self, team_id: int | None) -> str | None:
        """The team's own support address, else the default sender, else the first one."""
        for address, team in self.addresses:
            if team is not None and team == team_id:
                return address
        if self.default_sender:
            return self.default_sender
        return self.addresses[0][0] if self.addresses else None
