"""Personal data in a message: found by pattern, confirmed by checksum where one exists.

Card numbers must pass the Luhn check and IBANs the ISO 13616 mod-97 check, which is what
keeps an order number from being masked as a card. Phone numbers go through Google's
libphonenumber (the `phonenumbers` package). Names and street addresses have no checksum:
they are found from cues ("my name is", "123 Main Street") and reported with lower confidence.
Everything here is regular expressions and arithmetic: nothing is loaded or downloaded.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator

import phonenumbers

from hubdesk.domain.triage import PiiSpan

# Masked in stored text for everyone without the "sensitive data" permission.
MASKED_BY_DEFAULT = frozenset({"CREDIT_CARD", "IBAN_CODE", "US_SSN", "SECRET"})

_EMAIL = re.compile(
    r"\b[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}\b"
)
_CARD = re.compile(r"(?<![\w.+-])(?:\d[ -]?){11,18}\d(?![\d])")
_IBAN_COMPACT = re.compile(r"\b[A-Za-z]{2}\d{2}[A-Za-z0-9]{11,30}\b")
_IBAN_GROUPED = re.compile(r"\b[A-Za-z]{2}\d{2}(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,4})?\b")
_DATE_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}(?::\d{2}){0,2})?\b")
_SSN = re.compile(r"(?<![\d-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\d-])")
_SSN_CONTEXT = re.compile(r"\b(ssn|social\s+security|ss#|tax\s+id|tin)\b", re.I)
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
_PHONE = re.compile(
    r"(?:(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,5}\)[\s.-]?)?\d{2,5}(?:[\s.-]\d{2,5}){1,4}"
    r"|(?<![\w+])\+?\d{7,15})"
    r"(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?![\w])"
)
_PHONE_CONTEXT = re.compile(
    r"\b(phone|tel|telephone|mobile|cell|call|fax|whatsapp|sms|text)\b", re.I
)
_STREET_SUFFIX = (
    r"Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
    r"Terrace|Square|Sq|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Trail|Crescent|Close|Row|Alley|"
    r"Strasse|Straße|Str|Gasse|Weg|Platz|Rue|Calle|Via|Viale|Rua|Avenida|Katu|Gatan|Vej|Laan"
)
_ADDRESS = re.compile(
    r"\b\d{1,6}[A-Za-z]?\s+(?:[A-Z0-9][\w'’.-]*\s+){0,4}(?:" + _STREET_SUFFIX + r")\b\.?"
    r"(?:,?\s+(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor)\.?\s*#?\w+)?"
    r"|\b[A-Z][\w'’-]*(?:" + _STREET_SUFFIX.lower() + r")\s+\d{1,5}[A-Za-z]?\b",
)
_PERSON_CUE = re.compile(
    r"\b(?:[Mm]y name is|[Nn]ame:|I am|I'm|[Tt]his is|[Dd]ear|[Rr]egards,|[Tt]hanks,|"
    r"[Ss]incerely,|[Cc]ustomer:|Mr\.?|Mrs\.?|Ms\.?|Miss|Dr\.?)\s+"
    r"(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof)\.?\s+)?"
    r"((?!(?:Mr|Mrs|Ms|Dr|Miss|Prof)\b)(?:[A-Z][a-zà-ÿ'’-]+)(?:\s+[A-Z][a-zà-ÿ'’-]+){0,2})"
)
_SECRET = re.compile(
    r"\b(?:password|passcode|passwd|pwd|pin|cvv|cvc|security\s+code|api[\s_-]?key|token|secret)"
    r"\s*(?:is|:|=)\s*(\S{3,64})"
    r"|\b(sk-[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abp]-[\w-]{10,})\b",
    re.I,
)


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = ord(char) - 48
        if position % 2:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def iban_valid(candidate: str) -> bool:
    iban = candidate.replace(" ", "").upper()
    if not 15 <= len(iban) <= 34:
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


def ssn_valid(area: str, group: str, serial: str) -> bool:
    # Never issued: area 000, 666 or 9xx; group 00; serial 0000.
    return area not in ("000", "666") and area[0] != "9" and group != "00" and serial != "0000"


Recognizer = Callable[[str], Iterator[PiiSpan]]


def _emails(text: str) -> Iterator[PiiSpan]:
    for match in _EMAIL.finditer(text):
        yield PiiSpan("EMAIL_ADDRESS", match.start(), match.end(), 0.99, "regex")


def _cards(text: str) -> Iterator[PiiSpan]:
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        # Only a run of one repeated digit is refused: 4111 1111 1111 1111 and its kind pass the
        # checksum and are pasted by real people, so they are masked like any other card.
        if 12 <= len(digits) <= 19 and len(set(digits)) > 1 and luhn_valid(digits):
            yield PiiSpan("CREDIT_CARD", match.start(), match.end(), 0.99, "luhn")


def _ibans(text: str) -> Iterator[PiiSpan]:
    for match in _IBAN_COMPACT.finditer(text):
        if iban_valid(match.group()):
            yield PiiSpan("IBAN_CODE", match.start(), match.end(), 0.99, "mod97")
    for match in _IBAN_GROUPED.finditer(text):
        # The last group may be the next word ("... 3000 to"): drop groups until it checks.
        candidate = match.group()
        while candidate.count(" ") >= 3:
            if iban_valid(candidate):
                yield PiiSpan(
                    "IBAN_CODE", match.start(), match.start() + len(candidate), 0.99, "mod97"
                )
                break
            candidate = candidate.rsplit(" ", 1)[0]


def _ssns(text: str) -> Iterator[PiiSpan]:
    has_context = _SSN_CONTEXT.search(text) is not None
    for match in _SSN.finditer(text):
        area, separator, group, serial = match.groups()
        if not ssn_valid(area, group, serial):
            continue
        if separator or has_context:
            yield PiiSpan("US_SSN", match.start(), match.end(), 0.9 if separator else 0.7, "regex")


def _ips(text: str) -> Iterator[PiiSpan]:
    for pattern in (_IPV4, _IPV6):
        for match in pattern.finditer(text):
            try:
                ipaddress.ip_address(match.group())
            except ValueError:
                continue
            yield PiiSpan("IP_ADDRESS", match.start(), match.end(), 0.95, "regex")


def _phones(text: str, region: str) -> Iterator[PiiSpan]:
    has_context = _PHONE_CONTEXT.search(text) is not None
    dates = [match.span() for match in _DATE_TIME.finditer(text)]
    for match in _PHONE.finditer(text):
        if any(start < match.end() and match.start() < end for start, end in dates):
            continue
        candidate = match.group()
        digits = sum(char.isdigit() for char in candidate)
        if not 7 <= digits <= 15:
            continue
        confidence = _phone_confidence(candidate, region, has_context)
        if confidence:
            yield PiiSpan("PHONE_NUMBER", match.start(), match.end(), confidence, "phonenumbers")


def _phone_confidence(candidate: str, region: str, has_context: bool) -> float:
    try:
        plain = re.sub(r"\s?(?:x|ext\.?)\s?\d{1,5}$", "", candidate)
        parsed = phonenumbers.parse(plain, None if plain.startswith("+") else region)
        if phonenumbers.is_valid_number(parsed):
            return 0.95
        if phonenumbers.is_possible_number(parsed) and has_context:
            return 0.8
    except phonenumbers.NumberParseException:
        pass
    # Formatted like a phone number ("(37) 788-063", "60-56-85-91") from a country we
    # cannot validate without knowing it: report it, with less confidence.
    groups = len(re.findall(r"\d+", candidate))
    shaped = candidate.startswith(("+", "(", "0")) or groups >= 3 or (groups == 2 and has_context)
    return 0.6 if shaped else (0.5 if has_context else 0.0)


def _addresses(text: str) -> Iterator[PiiSpan]:
    for match in _ADDRESS.finditer(text):
        yield PiiSpan("STREET_ADDRESS", match.start(), match.end(), 0.6, "regex")


def _people(text: str) -> Iterator[PiiSpan]:
    for match in _PERSON_CUE.finditer(text):
        yield PiiSpan("PERSON", match.start(1), match.end(1), 0.5, "cue")


def _secrets(text: str) -> Iterator[PiiSpan]:
    for match in _SECRET.finditer(text):
        group = 1 if match.group(1) else 2
        yield PiiSpan("SECRET", match.start(group), match.end(group), 0.8, "regex")


# Checked spans first: when two spans overlap, the earlier recognizer here wins.
_PRIORITY = (
    "SECRET",
    "CREDIT_CARD",
    "IBAN_CODE",
    "EMAIL_ADDRESS",
    "US_SSN",
    "IP_ADDRESS",
    "STREET_ADDRESS",
    "PHONE_NUMBER",
    "PERSON",
)


_HAS_DIGIT = re.compile(r"\d")
_SECRET_HINT = re.compile(
    r"pass|pwd|pin|cvv|cvc|security|api|token|secret|sk-|AKIA|gh[pousr]_|xox", re.I
)
_PERSON_HINT = re.compile(r"name|I am|I'm|this is|dear|regards|thanks|sincerely|customer|M[rs]|Dr")


class PiiDetector:
    def __init__(self, default_region: str = "US", entities: Iterable[str] | None = None) -> None:
        self.default_region = default_region
        self.entities = frozenset(entities) if entities is not None else frozenset(_PRIORITY)

    def detect(self, text: str) -> tuple[PiiSpan, ...]:
        if not text:
            return ()
        found: list[PiiSpan] = []
        for entity, recognizer in self._recognizers(text):
            if entity in self.entities:
                found.extend(recognizer(text))
        return _resolve_overlaps(found)

    def mask(self, text: str, entities: Iterable[str] = MASKED_BY_DEFAULT) -> str:
        """Detect and mask in one go, for text that was not analysed (e.g. a long tail)."""
        chosen = frozenset(entities)
        only_masked = PiiDetector(self.default_region, chosen & self.entities)
        return mask(text, only_masked.detect(text), chosen)

    def _recognizers(self, text: str) -> list[tuple[str, Recognizer]]:
        """Only the recognizers whose cheap precondition holds: most texts skip most of them."""
        region = self.default_region
        chosen: list[tuple[str, Recognizer]] = []
        if _SECRET_HINT.search(text):
            chosen.append(("SECRET", _secrets))
        if "@" in text:
            chosen.append(("EMAIL_ADDRESS", _emails))
        if _HAS_DIGIT.search(text):
            chosen += [
                ("CREDIT_CARD", _cards),
                ("IBAN_CODE", _ibans),
                ("US_SSN", _ssns),
                ("IP_ADDRESS", _ips),
                ("STREET_ADDRESS", _addresses),
                ("PHONE_NUMBER", lambda value: _phones(value, region)),
            ]
        if _PERSON_HINT.search(text):
            chosen.append(("PERSON", _people))
        return chosen


def _resolve_overlaps(spans: list[PiiSpan]) -> tuple[PiiSpan, ...]:
    """Among overlapping spans keep the higher-priority (then longer) one; O(n log n)."""
    rank = {entity: index for index, entity in enumerate(_PRIORITY)}
    kept: list[PiiSpan] = []
    cluster: list[PiiSpan] = []
    cluster_end = -1
    for span in sorted(spans, key=lambda s: s.start):
        if cluster and span.start >= cluster_end:
            kept.extend(_choose(cluster, rank))
            cluster = []
        cluster.append(span)
        cluster_end = max(cluster_end, span.end) if len(cluster) > 1 else span.end
    kept.extend(_choose(cluster, rank))
    return tuple(sorted(kept, key=lambda s: s.start))


def _choose(cluster: list[PiiSpan], rank: dict[str, int]) -> list[PiiSpan]:
    chosen: list[PiiSpan] = []
    for span in sorted(cluster, key=lambda s: (rank.get(s.entity, 99), s.start - s.end)):
        if not any(span.overlaps(other) for other in chosen):
            chosen.append(span)
    return chosen


def mask(text: str, spans: Iterable[PiiSpan], entities: Iterable[str] = MASKED_BY_DEFAULT) -> str:
    """Replace the chosen kinds of personal data; cards keep their last four digits."""
    chosen = frozenset(entities)
    pieces = []
    cursor = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.entity not in chosen or span.start < cursor:
            continue
        pieces.append(text[cursor : span.start])
        pieces.append(_placeholder(span.entity, text[span.start : span.end]))
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)


# Every run of 9+ digits (cards, SSNs, account numbers) and every IBAN-shaped token.
_COARSE = re.compile(r"\d(?:[ -]?\d){8,22}|\b[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}")
COARSE_PLACEHOLDER = "[REDACTED]"


def mask_coarse(text: str) -> str:
    """Over-mask, in one fast pass, text too long to analyse (about 50 ms per megabyte).

    Used for the part of a huge message past the analysed length: nobody reads a pasted log's
    ten-thousandth line, and a card number must not survive there either.
    """
    return _COARSE.sub(COARSE_PLACEHOLDER, text)


def _placeholder(entity: str, value: str) -> str:
    if entity == "CREDIT_CARD":
        digits = re.sub(r"\D", "", value)
        return f"[CARD ****{digits[-4:]}]"
    return f"[{entity}]"
