"""What customers write and agents answer, per category: templates combined at random.

Every text is assembled from small parts (subject, opening, detail, closing) with slots such as
``{order}`` filled from believable values, so a few hundred lines give many thousands of
distinct, readable conversations. Everything draws from the ``random.Random`` passed in, so the
same seed always gives the same organisation.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass

from hubdesk.demo import phrases, replies
from hubdesk.domain.tickets import Channel, Priority


@dataclass(frozen=True)
class Category:
    name: str
    department: str | None
    tags: tuple[str, ...]
    weight: float
    priorities: tuple[float, float, float, float]  # low, normal, high, urgent
    channels: tuple[float, float, float, float, float]  # email, chat, web, phone, api


CATEGORIES: tuple[Category, ...] = (
    Category("billing", "Billing", ("invoice", "payment", "vat", "double-charge"), 14,
             (0.15, 0.6, 0.2, 0.05), (0.55, 0.15, 0.2, 0.1, 0.0)),
    Category("shipping", "Shipping", ("delivery", "tracking", "courier", "address-change"), 18,
             (0.1, 0.65, 0.2, 0.05), (0.45, 0.3, 0.15, 0.1, 0.0)),
    Category("login", "Tech Support", ("password", "2fa", "sso", "locked-out"), 12,
             (0.05, 0.55, 0.3, 0.1), (0.3, 0.4, 0.2, 0.1, 0.0)),
    Category("refunds", "Billing", ("refund", "chargeback", "return"), 11,
             (0.1, 0.6, 0.25, 0.05), (0.6, 0.15, 0.2, 0.05, 0.0)),
    Category("bugs", "Tech Support", ("bug", "app", "web", "export"), 10,
             (0.15, 0.5, 0.25, 0.1), (0.5, 0.1, 0.3, 0.0, 0.1)),
    Category("cancellations", "Sales", ("cancellation", "retention", "downgrade"), 8,
             (0.2, 0.6, 0.15, 0.05), (0.55, 0.2, 0.15, 0.1, 0.0)),
    Category("outages", "Tech Support", ("outage", "status", "api-errors"), 4,
             (0.0, 0.2, 0.4, 0.4), (0.4, 0.2, 0.1, 0.1, 0.2)),
    Category("returns", "Shipping", ("return", "damaged", "exchange"), 9,
             (0.15, 0.65, 0.15, 0.05), (0.55, 0.2, 0.2, 0.05, 0.0)),
    Category("account", None, ("profile", "gdpr", "email-change"), 7,
             (0.3, 0.6, 0.08, 0.02), (0.5, 0.2, 0.25, 0.05, 0.0)),
    Category("sales", "Sales", ("pricing", "quote", "upgrade", "trial"), 7,
             (0.25, 0.6, 0.13, 0.02), (0.5, 0.2, 0.2, 0.1, 0.0)),
)
_CATEGORY_WEIGHTS = [c.weight for c in CATEGORIES]
_PRIORITIES = tuple(Priority)
_CHANNELS = (Channel.EMAIL, Channel.CHAT, Channel.WEB, Channel.PHONE, Channel.API)

PRODUCTS = ("Aurora desk lamp", "Nimbus office chair", "Fjord standing desk", "Pixel webcam",
            "Echo noise-cancelling headset", "Tundra backpack", "Solis monitor arm",
            "Kestrel mechanical keyboard", "Lumen ring light", "Atlas docking station",
            "Cascade water bottle", "Orbit wireless charger")
PLANS = ("Starter", "Team", "Business", "Enterprise")
CARRIERS = ("DHL", "UPS", "DPD", "GLS", "PostNL", "Colissimo", "Royal Mail", "FedEx")
CITIES = ("Berlin", "Munich", "Lyon", "Paris", "Amsterdam", "Madrid", "Manchester", "Dublin",
          "Vienna", "Zurich", "Brussels", "Leeds", "Hamburg", "Toulouse", "Utrecht", "Seville")
BROWSERS = ("Chrome 126", "Firefox 128", "Safari 17", "Edge 126", "the iOS app", "the Android app")
FEATURES = ("the CSV export", "the invoice PDF", "the order history page", "the mobile checkout",
            "saved addresses", "the team dashboard", "bulk upload", "the search filter",
            "notification e-mails", "the API webhook")
ERRORS = ("500 Internal Server Error", "error code E-4012", "a blank white page",
          "'Something went wrong'", "a spinning wheel that never stops", "error 403 Forbidden",
          "a timeout after 30 seconds", "'payment method declined'")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


def pick_category(rng: random.Random) -> Category:
    return rng.choices(CATEGORIES, weights=_CATEGORY_WEIGHTS)[0]


def pick_priority(rng: random.Random, category: Category, vip: bool) -> Priority:
    priority = rng.choices(_PRIORITIES, weights=category.priorities)[0]
    if vip and priority in (Priority.LOW, Priority.NORMAL) and rng.random() < 0.5:
        return Priority.HIGH
    return priority


def pick_channel(rng: random.Random, category: Category) -> Channel:
    return rng.choices(_CHANNELS, weights=category.channels)[0]


def pick_tags(rng: random.Random, category: Category, vip: bool) -> tuple[str, ...]:
    tags = [category.name, *rng.sample(category.tags, k=rng.randint(0, 2))]
    if vip:
        tags.append("vip")
    if rng.random() < 0.06:
        tags.append(rng.choice(("repeat-contact", "social-media", "angry", "follow-up")))
    return tuple(dict.fromkeys(tags))


def slots(rng: random.Random) -> dict[str, str]:
    """Believable values for every placeholder a template may use."""
    cents = rng.choice((990, 1490, 2490, 4990, 7900, 12900, 19900, 34900))
    return {
        "order": f"{rng.choice('ABCDHK')}-{rng.randint(10000, 99999)}",
        "invoice": f"INV-{rng.randint(2024, 2026)}-{rng.randint(1000, 9999)}",
        "amount": f"€{cents // 100}.{cents % 100:02d}",
        "product": rng.choice(PRODUCTS),
        "plan": rng.choice(PLANS),
        "carrier": rng.choice(CARRIERS),
        "tracking": "".join(rng.choices(string.ascii_uppercase + string.digits, k=12)),
        "city": rng.choice(CITIES),
        "browser": rng.choice(BROWSERS),
        "feature": rng.choice(FEATURES),
        "error": rng.choice(ERRORS),
        "days": str(rng.randint(2, 14)),
        "month": rng.choice(MONTHS),
        "seats": str(rng.choice((5, 10, 12, 25, 40, 80, 150))),
    }


def _fill(template: str, values: dict[str, str]) -> str:
    return template.format_map(values)


@dataclass(frozen=True)
class Contact:
    """The first message of a ticket."""

    subject: str
    body: str


def compose_contact(rng: random.Random, category: Category, language: str, first_name: str,
                    values: dict[str, str] | None = None) -> Contact:
    values = {**(values or slots(rng)), "name": first_name}
    lang = language if language in phrases.SUBJECTS[category.name] else "en"
    subject = _fill(rng.choice(phrases.SUBJECTS[category.name][lang]), values)
    parts = [rng.choice(phrases.GREETINGS[lang]),
             _fill(rng.choice(phrases.OPENINGS[category.name][lang]), values)]
    details = phrases.DETAILS[category.name][lang]
    parts.extend(_fill(d, values) for d in rng.sample(details, k=min(len(details),
                                                                     rng.randint(1, 2))))
    parts.append(rng.choice(phrases.ASKS[lang]))
    parts.append(_fill(rng.choice(phrases.SIGN_OFFS[lang]), values))
    return Contact(subject, "\n\n".join(parts))


def compose_agent_reply(rng: random.Random, category: Category, language: str,
                        customer_first_name: str, agent_first_name: str,
                        values: dict[str, str]) -> str:
    lang = language if language in replies.AGENT_REPLIES[category.name] else "en"
    names = {**values, "name": customer_first_name, "agent": agent_first_name}
    return "\n\n".join((
        _fill(rng.choice(replies.AGENT_GREETINGS[lang]), names),
        _fill(rng.choice(replies.AGENT_REPLIES[category.name][lang]), names),
        _fill(rng.choice(replies.AGENT_SIGN_OFFS[lang]), names)))


def compose_agent_question(rng: random.Random, language: str, customer_first_name: str,
                           agent_first_name: str, values: dict[str, str]) -> str:
    lang = language if language in replies.AGENT_QUESTIONS else "en"
    names = {**values, "name": customer_first_name, "agent": agent_first_name}
    return "\n\n".join((
        _fill(rng.choice(replies.AGENT_GREETINGS[lang]), names),
        _fill(rng.choice(replies.AGENT_QUESTIONS[lang]), names),
        _fill(rng.choice(replies.AGENT_SIGN_OFFS[lang]), names)))


def compose_customer_followup(rng: random.Random, language: str, first_name: str,
                              values: dict[str, str]) -> str:
    lang = language if language in phrases.FOLLOW_UPS else "en"
    names = {**values, "name": first_name}
    return "\n\n".join((_fill(rng.choice(phrases.FOLLOW_UPS[lang]), names),
                        _fill(rng.choice(phrases.SIGN_OFFS[lang]), names)))


def compose_thanks(rng: random.Random, language: str, first_name: str) -> str:
    lang = language if language in phrases.THANKS else "en"
    return _fill(rng.choice(phrases.THANKS[lang]), {"name": first_name})


def compose_survey_comment(rng: random.Random, language: str, good: bool) -> str:
    pool = phrases.SURVEY_COMMENTS["good" if good else "bad"]
    return rng.choice(pool.get(language) or pool["en"])


def compose_note(rng: random.Random, category: Category, values: dict[str, str]) -> str:
    """Internal notes are written in the team's working language, English."""
    pool = replies.NOTES[category.name] + replies.GENERAL_NOTES
    return _fill(rng.choice(pool), values)


def compose_handoff_note(rng: random.Random, department: str, values: dict[str, str]) -> str:
    return _fill(rng.choice(replies.HANDOFF_NOTES), {**values, "department": department})


def compose_liaison_note(rng: random.Random, values: dict[str, str]) -> str:
    return _fill(rng.choice(replies.LIAISON_NOTES), values)


SEARCH_TERMS = ("refund", "invoice", "tracking", "password", "damaged", "cancel", "export",
                "charged twice", "delivery", "login", "outage", "VAT", "courier", "upgrade",
                "return label", "two-factor", "webhook", "parcel", "subscription", "quote",
                "Rechnung", "Lieferung", "remboursement", "colis", "Nimbus office chair",
                "Aurora", "error", "address", "Kestrel keyboard", "timeout")
