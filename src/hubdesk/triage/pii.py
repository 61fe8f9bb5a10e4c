"""Personal data in a message: found by pattern, confirmed by checksum where one exists.

Card numbers must pass the Luhn check and IBANs the ISO 13616 mod-97 check, which is what
keeps an order number from being masked as a card. Phone numbers go through Google's
libphonenumber (the `phonenumbers` package). Names and street addresses have no checksum:
they are found from patterns and cues ("123 Main Street", "my name is") and, for names, a list
of given names read once from an installed package (`pii_names.py`); they are reported with
lower confidence and not masked by default. Nothing is downloaded.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterable, Iterator

import phonenumbers

from hubdesk.domain.intake import CARD_SEPARATORS, card_placeholder, card_spans
from hubdesk.domain.intake import luhn_valid as luhn_valid  # where the checksum is read from
from hubdesk.domain.triage import PiiSpan
from hubdesk.triage.cues import CuedPattern
from hubdesk.triage.pii_names import people

# Masked in stored text for everyone without the "sensitive data" permission.
MASKED_BY_DEFAULT = frozenset({"CREDIT_CARD", "IBAN_CODE", "US_SSN", "SECRET"})

_EMAIL = re.compile(
    r"\b[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@(?:[A-Za-z0-9-]{1,63}\.){1,8}[A-Za-z]{2,24}\b"
)
_IBAN_COMPACT = re.compile(r"\b[A-Za-z]{2}\d{2}[A-Za-z0-9]{11,30}\b")
_IBAN_GROUPED = re.compile(r"\b[A-Za-z]{2}\d{2}(?: [A-Za-z0-9]{4}){2,7}(?: [A-Za-z0-9]{1,4})?\b")
_DATE_TIME = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[ T]\d{2}(?::\d{2}){0,2})?\b")
_SSN = re.compile(r"(?<![\d-])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\d-])")
_SSN_CONTEXT = CuedPattern(r"\b(ssn|social\s+security|ss#|tax\s+id|tin)\b", re.I)
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_IPV6 = re.compile(r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])")
# Separators stay on one line: a postcode at the end of one line is not part of a number below.
_PHONE = re.compile(
    r"(?:(?<![\w+])(?:\+\d{1,3}[ \t.-]?)?(?:\(\d{1,5}\)[ \t.-]?)?\d{2,5}(?:[ \t.-]\d{2,5}){1,4}"
    r"|(?<![\w+])\+?\d{7,15})"
    r"(?:\s?(?:x|ext\.?)\s?\d{1,5})?(?![\w])"
)
_PHONE_CONTEXT = CuedPattern(
    r"\b(phone|tel|telephone|mobile|cell|call|fax|whatsapp|sms|text)\b", re.I
)
# Street-type words that follow the street's name ("12 Baker Street", "5 Elm Ave").
_STREET_SUFFIX = (
    r"Street|St|Avenue|Ave|Av|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|"
    r"Terrace|Ter|Square|Sq|Parkway|Pkwy|Circle|Cir|Highway|Hwy|Trail|Trl|Crescent|Cres|Close|"
    r"Row|Alley|Plaza|Grove|Gardens|Mews|Walk|Heights|Loop|Pike|Path|Cove|Expressway|Freeway|"
    r"Turnpike|Wharf|Quay|Broadway|Ridge|Crossing|Xing|Creek|Springs|Meadows?|Hollow|Knoll|"
    r"Estates?|Manor|Landing|Harbou?r|Vista|Glen|Junction|Shores?|Falls|Pines|Run|"
    r"Commons|Hill|Rise|View|Vale|Parade|Esplanade|Embankment|Drove|Wynd|Causeway|"
    r"Strasse|Straße|Str|Gasse|Weg|Platz|Allee"
)
# Long forms, also accepted in lower case after a capitalised name ("12 Baker street").
_STREET_SUFFIX_LOWER = r"street|avenue|road|boulevard|lane|drive|court|place|terrace|square"
# Street-type words that come first ("rue de Rivoli", "Calle Mayor", "Via Roma").
_STREET_PREFIX = (
    r"Rue|Avenue|Boulevard|Bd|Chemin|Impasse|Allée|Quai|Route|Calle|C/|Carrer|Carrera|Avenida|"
    r"Avda\.?|Av\.|Paseo|Plaza|Camino|Via|Viale|Piazza|Piazzale|Corso|Largo|Vicolo|Rua|"
    r"Travessa|Praça|Alameda|Estrada|Ulica|ul\."
)
_STREET_PREFIX_LOWER = r"rue|avenue|boulevard|chemin|impasse|allée|quai|calle|avenida|rua"
# Compound street names, mostly Germanic ("Hauptstraße 5", "Hammarvägen 15").
_STREET_COMPOUND = (
    r"straße|strasse|str\.?|gasse|weg|platz|allee|damm|straat|laan|plein|gracht|kade|singel|"
    r"gatan|vägen|gata|väg|vej|gade|veien|veg|katu|tie|utca|ulica"
)
_NAME_WORD = r"[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’.-]*"
_STREET_NAME = rf"(?:{_NAME_WORD}|\d+(?:st|nd|rd|th)|[A-Z]\.?)"
_PARTICLES = r"(?:de|del|de la|de las|de los|des|du|di|della|delle|dei|da|do|dos|das|la|le|les)"
_HOUSE = r"\d{1,5}(?:[-/]\d{1,4})?[A-Za-z]?"
_UNIT = (
    r"(?:,?[ \t]*(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|Bldg|Building|#)\.?"
    r"[ \t]*#?\w{1,6})?"
)
_CITY = r"[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’.-]+(?:[ \t][A-ZÀ-ÖØ-ÞĀ-ſ][\w'’.-]+){0,2}"
_UK_POSTCODE = r"[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}"
# European postcodes written before the town: 10115, 00-950, 1100-053, 114 55, 1012 AB.
_EU_POSTCODE = r"(?:\d{4}-\d{3}|\d{4,5}|\d{2}-\d{3}|\d{3}[ \t]\d{2}|\d{4}[ \t]?[A-Z]{2})"
_POSTCODE_AFTER = rf"(?:[A-Z]{{2}}[ \t]+\d{{5}}(?:-\d{{4}})?|\d{{5}}(?:-\d{{4}})?|{_UK_POSTCODE})"
# Town with a postcode after the street: ", Springfield, IL 62704", ", 10115 Berlin".
_TOWN_WITH_POSTCODE = (
    rf"(?:,?[ \t]*\n?[ \t]*(?:{_CITY},?[ \t]+{_POSTCODE_AFTER}|{_EU_POSTCODE}[ \t]+{_CITY})"
    rf"(?![\w]))"
)
# Optional after a street that was found anyway; a US state alone is enough there.
_TOWN = rf"(?:{_TOWN_WITH_POSTCODE}|,[ \t]*{_CITY},?[ \t]+[A-Z]{{2}}(?![\w]))?"
_ADDRESS = re.compile(
    # 12 Baker Street, 350 5th Ave, 221B Baker St. Apt 4
    rf"\b{_HOUSE}[ \t]+(?:(?:{_STREET_NAME}[ \t]+){{1,4}}(?:{_STREET_SUFFIX})\b\.?"
    rf"|(?:{_NAME_WORD}[ \t]+){{1,3}}(?:{_STREET_SUFFIX_LOWER})\b)"
    rf"{_UNIT}{_TOWN}"
    # 12 rue de la Paix, 5, avenue Foch
    rf"|\b{_HOUSE},?[ \t]+(?:{_STREET_PREFIX}|{_STREET_PREFIX_LOWER})[ \t]+"
    rf"(?:{_PARTICLES}[ \t]+)?{_NAME_WORD}(?:[ \t]+(?:{_PARTICLES}[ \t]+)?{_NAME_WORD}){{0,3}}"
    rf"{_TOWN}"
    # Calle Mayor 5, Via Roma, 10, Berliner Straße 12
    rf"|\b(?:{_STREET_PREFIX})[ \t]+(?:{_PARTICLES}[ \t]+)?{_NAME_WORD}"
    rf"(?:[ \t]+(?:{_PARTICLES}[ \t]+)?{_NAME_WORD}){{0,3}},?[ \t]+(?:n[º°o.][ \t]*)?{_HOUSE}\b"
    rf"{_UNIT}{_TOWN}"
    rf"|\b(?:{_NAME_WORD}[ \t]+){{1,2}}(?:Straße|Strasse|Str\.|Weg|Platz|Allee|Gasse)[ \t]+"
    rf"{_HOUSE}\b{_TOWN}"
    # Hauptstraße 5, Hammarvägen 15a
    rf"|\b[A-ZÀ-ÖØ-ÞĀ-ſ][\w'’-]*(?:{_STREET_COMPOUND})[ \t]+{_HOUSE}\b{_TOWN}"
    # No street-type word, but a town and postcode after it: "12 Elm, Springfield, IL 62704"
    rf"|\b{_HOUSE},?[ \t]+(?:{_NAME_WORD}[ \t]+){{0,3}}{_NAME_WORD}{_UNIT}{_TOWN_WITH_POSTCODE}"
    rf"|\b(?:{_NAME_WORD}[ \t]+){{0,2}}{_NAME_WORD}[ \t]+{_HOUSE}{_UNIT}{_TOWN_WITH_POSTCODE}"
    # PO Box 1234
    r"|\b(?:P\.?[ \t]?O\.?[ \t]?Box|Post Office Box|Postfach|Apartado|Casilla)[ \t]+\d{1,6}\b"
    rf"{_TOWN}"
)
# "My address is ...", "Address: ...": the rest of the line, when it has a number.
_ADDRESS_CUE = CuedPattern(
    r"\b(?:(?:[Mm]y|[Oo]ur|[Tt]he|[Nn]ew|[Hh]ome|[Pp]ostal|[Mm]ailing|[Bb]illing|[Ss]hipping|"
    r"[Dd]elivery|[Ss]treet)[ \t]+address[ \t]*(?:is|:|=|-)|[Aa]ddress[ \t]*:|"
    r"(?:I|[Ww]e)[ \t]+live[ \t]+at|[Ll]ocated[ \t]+at|[Rr]esid(?:e|ing)[ \t]+at|"
    r"(?:[Ss]hip|[Dd]eliver|[Ss]end|[Mm]ail|[Pp]ost)(?:ped|ed)?(?:[ \t]+(?:it|them|this|that))?"
    r"[ \t]+to(?=[ \t]+\d{1,5}[A-Za-z]?,?[ \t]+[A-ZÀ-ÖØ-ÞĀ-ſ]))[ \t]*"
    r"([^\n]{6,100}?)(?=[ \t]*(?:\n|$|[.!?;](?:\s|$))|[ \t]+(?:and|but|please|so|thanks)\b)"
)
_ADDRESS_LIKE = re.compile(r"\d.*[A-ZÀ-ÖØ-ÞĀ-ſ][a-zß-öø-ÿ]|[A-ZÀ-ÖØ-ÞĀ-ſ][a-zß-öø-ÿ].*\d")
_SECRET = CuedPattern(
    r"\b(?:password|passcode|passwd|pwd|pin|cvv|cvc|security\s+code|api[\s_-]?key|token|secret)"
    r"\s*(?:is|:|=)\s*(\S{3,64})"
    r"|\b(sk-[A-Za-z0-9]{20,}|AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|xox[abp]-[\w-]{10,})\b",
    re.I,
)


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
    # The same finder masks stored text when triage is not loaded (`domain.intake`).
    for start, end in card_spans(text):
        yield PiiSpan("CREDIT_CARD", start, end, 0.99, "luhn")


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
    for match in _ADDRESS_CUE.finditer(text):
        if _ADDRESS_LIKE.search(match.group(1)):
            yield PiiSpan("STREET_ADDRESS", match.start(1), match.end(1), 0.5, "cue")


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


# Every kind of personal data the detector reports, most important first.
PII_ENTITIES = _PRIORITY

_HAS_DIGIT = re.compile(r"\d")
_HAS_CAPITALISED_WORD = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-ſ][a-zß-öø-ÿ]")


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
        if _SECRET.may_match(text):
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
        if _HAS_CAPITALISED_WORD.search(text):
            chosen.append(("PERSON", people))
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
_COARSE = re.compile(
    rf"\d(?:[{CARD_SEPARATORS}]?\d){{8,22}}|\b[A-Za-z]{{2}}\d{{2}}(?: ?[A-Za-z0-9]){{11,30}}"
)
COARSE_PLACEHOLDER = "[REDACTED]"


def mask_coarse(text: str) -> str:
    """Over-mask, in one fast pass, text too long to analyse (about 50 ms per megabyte).

    Used for the part of a huge message past the analysed length: nobody reads a pasted log's
    ten-thousandth line, and a card number must not survive there either.
    """
    return _COARSE.sub(COARSE_PLACEHOLDER, text)


def _placeholder(entity: str, value: str) -> str:
    if entity == "CREDIT_CARD":
        return card_placeholder(value)
    return f"[{entity}]"
