"""Customers, their identities on every channel, and their organisations."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from hubdesk.domain.errors import ValidationFailed


class IdentityKind(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    CHAT = "chat"


class Tier(StrEnum):
    STANDARD = "standard"
    PREMIUM = "premium"
    VIP = "vip"


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_identity(kind: IdentityKind, value: str) -> str:
    """One spelling per identity, so the same customer is always found again.

    E-mail addresses compare case-insensitively (the local part is case-sensitive in theory,
    never in practice); phone numbers keep a leading + and their digits only.
    """
    text = value.strip()
    if kind is IdentityKind.EMAIL:
        text = text.lower()
        if not _EMAIL.match(text) or len(text) > 320:
            raise ValidationFailed(f"{value!r} is not an e-mail address", {"email": "invalid"})
        return text
    if kind is IdentityKind.PHONE:
        digits = re.sub(r"\D", "", text)
        if not 5 <= len(digits) <= 17:
            raise ValidationFailed(f"{value!r} is not a phone number", {"phone": "invalid"})
        return _phone_spelling(text)
    if not text or len(text) > 200:
        raise ValidationFailed("a chat handle needs 1 to 200 characters", {"chat": "invalid"})
    return text


def _phone_spelling(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return ("+" if text.startswith(("+", "00")) else "") + digits.removeprefix(
        "00" if text.startswith("00") else "")


_PHONE_LIKE = re.compile(r"\+?[\d\s().\-/]+")


def search_spelling(query: str) -> str:
    """A search as identities are stored: the start of a phone number typed with spaces or
    dashes ("0161 555-12") is looked for as its digits ("016155512"); anything else as typed."""
    text = query.strip()
    if _PHONE_LIKE.fullmatch(text) and sum(c.isdigit() for c in text) >= 3:
        return _phone_spelling(text)
    return text


@dataclass(frozen=True)
class Identity:
    kind: IdentityKind
    value: str


@dataclass(frozen=True)
class SenderBlock:
    """Why and by whom a customer's contacts are kept out of the queues."""

    at: datetime
    by_agent_id: int
    reason: str


@dataclass
class Organisation:
    id: int | None
    name: str
    domains: tuple[str, ...] = ()
    tier: Tier = Tier.STANDARD
    notes: str = ""


@dataclass
class Customer:
    id: int | None
    name: str
    identities: list[Identity] = field(default_factory=list)
    organisation_id: int | None = None
    tier: Tier = Tier.STANDARD
    language: str | None = None
    notes: str = ""
    custom_fields: dict[str, Any] = field(default_factory=dict)
    blocked: SenderBlock | None = None

    @property
    def is_vip(self) -> bool:
        return self.tier is Tier.VIP

    @property
    def primary_email(self) -> str | None:
        return next((i.value for i in self.identities if i.kind is IdentityKind.EMAIL), None)


def display_name_from_email(email: str) -> str:
    """A readable name for a customer who only gave an address: jane.doe@x → Jane Doe."""
    local = email.split("@", 1)[0]
    words = [w for w in re.split(r"[._\-+]+", local) if w and not w.isdigit()]
    return " ".join(w.capitalize() for w in words) or email


_TIER_RANK = {Tier.STANDARD: 0, Tier.PREMIUM: 1, Tier.VIP: 2}


def merged_customer(kept: Customer, absorbed: Customer) -> Customer:
    """One person known under two records (two addresses, a phone and an e-mail): ``kept``
    takes ``absorbed``'s identities; what ``kept`` lacks (organisation, language, custom
    fields) comes from ``absorbed``; the higher tier wins, so a VIP is never served as a
    standard customer for having written from another address; notes are joined; and a
    block on either stays, since it protected agents from this person."""
    if kept.id is not None and kept.id == absorbed.id:
        raise ValidationFailed("a customer cannot be merged into themselves",
                               {"source_id": "the same customer"})
    seen = set(kept.identities)
    identities = list(kept.identities) + [i for i in absorbed.identities if i not in seen]
    notes = "\n\n".join(text for text in (kept.notes.strip(), absorbed.notes.strip()) if text)
    tier = max(kept.tier, absorbed.tier, key=_TIER_RANK.__getitem__)
    return Customer(
        id=kept.id, name=kept.name, identities=identities,
        organisation_id=kept.organisation_id if kept.organisation_id is not None
        else absorbed.organisation_id,
        tier=tier, language=kept.language or absorbed.language, notes=notes,
        custom_fields={**absorbed.custom_fields, **kept.custom_fields},
        blocked=kept.blocked or absorbed.blocked)
