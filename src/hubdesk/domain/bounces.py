"""What a returned message (a bounce) says about the mail the desk sent: which message it
returns, and whether that message was given up or is only late.

A delivery report (RFC 3464) names each recipient's outcome; the bounces older servers write
as plain text (qmail's "failure notice", Exim's "Mail delivery failed", Notes' "DELIVERY
FAILURE") are failures by what they are, unless their subject says they only warn of a
delay. Pure rules over a `ParsedMail`.
"""

from __future__ import annotations

import re
from datetime import timedelta

from hubdesk.domain.mail import ParsedMail, addresses_in

# The subject of a warning that the message is late, not lost (Exim's "Warning: message …
# delayed 24 hours", Postfix's "Delayed Mail (still being retried)", Exchange's "Delivery
# delayed:", and as their translations word it).
_DELAY_SUBJECT = re.compile(
    r"\b(?:delay(?:ed)?|warning|still being retried|verz[öo]gert|retard(?:é|e|ée)?|"
    r"retrasad[oa]|ritardat[oa]|vertraagd|försenad|forsinket|opóźnion[ea]|задерж)",
    re.IGNORECASE)
_MAX_RECIPIENTS_NAMED = 5
MAX_REASON = 500
# How long after sending a bounce is still taken for the desk's mail by its recipient alone:
# servers give up on a message after up to five days of retries.
RETURNED_WITHIN = timedelta(days=5)
# A plain-text bounce's text names the failed address near its top; a copy of the returned
# message may follow, naming many more.
_TEXT_SEARCHED = 4_000
_MAX_ADDRESSES = 5


def returned_ids(mail: ParsedMail) -> tuple[str, ...]:
    """The Message-IDs a bounce may be about, nearest first: those it answers or reports on,
    then those of the copy of the returned message in its text."""
    return tuple(dict.fromkeys((*mail.thread_ids(), *mail.returned_message_ids)))


def undelivered(mail: ParsedMail) -> str | None:
    """Why the message a bounce returns was not delivered, in the receiving servers' words;
    None when the bounce only warns of a delay (or reports a delivery)."""
    reports = [r for r in mail.recipient_reports if r.action]
    failed = [r for r in reports if r.action == "failed"]
    if reports and not failed:
        return None
    if failed:
        named = "; ".join(
            f"{r.recipient}: {r.diagnostic or r.status or 'failed'}" if r.recipient
            else r.diagnostic or r.status or "failed"
            for r in failed[:_MAX_RECIPIENTS_NAMED])
        more = len(failed) - _MAX_RECIPIENTS_NAMED
        return f"returned undelivered: {named}{f' (and {more} more)' if more > 0 else ''}" \
            [:MAX_REASON]
    if _DELAY_SUBJECT.search(mail.subject or ""):
        return None
    subject = " ".join((mail.subject or "").split())
    return (f"returned undelivered: {subject}" if subject else "returned undelivered")[
        :MAX_REASON]


def failed_addresses(mail: ParsedMail, own_addresses: frozenset[str]) -> tuple[str, ...]:
    """The addresses a bounce says the mail could not reach, lower-cased: its delivery
    report's failed recipients, or, for a plain-text bounce without one, the addresses near
    the top of its text that are not the desk's or the bouncing server's own. For a bounce
    that quotes no Message-ID the desk knows: the mail it returns is then found by whom it
    was sent to (`RETURNED_WITHIN`)."""
    reported = [r.recipient for r in mail.recipient_reports if r.action == "failed"]
    if not reported and not mail.recipient_reports:
        reported = addresses_in(mail.text[:_TEXT_SEARCHED])
    ignored = {*own_addresses, (mail.from_address or "").lower()}
    found = dict.fromkeys(a.strip().strip("<>").lower() for a in reported)
    return tuple(a for a in found if "@" in a and a not in ignored)[:_MAX_ADDRESSES]
