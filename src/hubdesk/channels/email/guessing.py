"""The charset of 8-bit text that declares none, or declares ASCII or Latin-1 wrongly.

Mail without a charset is read as Windows-1252 (`decoding.py`), which is right for Western
European text: its few bytes above 127 stand alone between ASCII letters ("café", "Grüße").
Text in another script is made of those bytes: Russian, Greek or Chinese words are runs of
them, and as Windows-1252 they become "Ïðèâåò". Old clients, web forms and bulk mailers send
such text undeclared, or labelled "us-ascii" or "iso-8859-1".

So where the bytes above 127 come in runs, the usual charsets of each script are tried
strictly, and a decoding is kept only if its letters read as that script reads:
- Korean, Japanese, Chinese (two-byte charsets, tried in that order): Korean text is mostly
  Hangul; Japanese always holds kana; Chinese is Han, and Big5 rather than GB when many
  second bytes are ASCII letters, which GB2312 never uses. Half-width katakana do not count:
  Chinese read as Shift_JIS is full of them.
- Cyrillic: Windows-1251, KOI8-R (as KOI8-U), IBM 866, ISO-8859-5 and Mac Cyrillic all give
  Cyrillic letters, but only the right one gives nothing else, mostly lowercase (KOI8-R read
  as Windows-1251 swaps the cases), with the share of vowels Slavic languages have.
In every script, a reading that puts its letters inside Latin words is refused: that is
Western text with a run of accented letters ("éèêëàâ") read in the wrong charset.
Nothing is guessed where bytes cannot tell: Central European Latin (Windows-1250) from
Western, whose bytes stand alone alike; Greek, Hebrew and Arabic from each other and from
Cyrillic, whose single-byte charsets put letters on the same bytes. Such text stays
Windows-1252, as before. Undeclared Thai cannot be told from Chinese by its bytes either (a
well-formed Thai reading of short Chinese lines is common); it is read as Chinese, as
unreadable as before.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

# At least this many bytes above 127, most of them in runs of three or more, before a
# script other than Latin is considered.
MIN_HIGH_BYTES = 6
MIN_SHARE_IN_RUNS = 0.6
MIN_DISTINCT_BYTES = 6
# The share of a decoding's letters beyond ASCII that must be of the charset's script.
MIN_SCRIPT_SHARE = 0.9
# For single-byte charsets, whose every byte is some letter: the share of its characters
# beyond ASCII that must be letters of the script.
STRICT_SCRIPT_SHARE = 0.97

# Western text read in another script's charset puts that script's letters inside Latin
# words ("caractиres", "Ma馻na"): past this share of them, the reading is refused. Real text
# meets Latin letters only where a brand name runs into a word ("iPhone手机").
MAX_INSIDE_LATIN_WORDS = 0.1

# Enough text to tell the script by; cut after an ASCII byte, never inside a character.
SAMPLE_BYTES = 16 * 1024

_ASCII = frozenset(range(128))
_HIGH_RUN = re.compile(rb"[\x80-\xff]+")
_PAIR_WITH_ASCII_TRAIL = re.compile(rb"[\x81-\xfe][\x40-\x7e]")
_PAIR = re.compile(rb"[\x81-\xfe][\x40-\x7e\x80-\xfe]")


def guess_charset(payload: bytes) -> str | None:
    """The charset ``payload`` most likely is in, if its bytes say it is not Latin text:
    judged by its start, so a long text costs no more than a letter."""
    payload = _start(payload)
    runs = [len(run) for run in _HIGH_RUN.findall(payload)]
    high = sum(runs)
    if high < MIN_HIGH_BYTES or sum(n for n in runs if n >= 3) < MIN_SHARE_IN_RUNS * high \
            or len(set(payload) - _ASCII) < MIN_DISTINCT_BYTES:
        return None  # a rule of dashes or a row of bullets is not a script
    return _two_byte(payload) or _single_byte(payload)


def _start(payload: bytes) -> bytes:
    if len(payload) <= SAMPLE_BYTES:
        return payload
    cut = max(payload.rfind(byte, 0, SAMPLE_BYTES) for byte in (b" ", b"\n"))
    return payload[:cut + 1] if cut > 0 else payload[:SAMPLE_BYTES]


def _two_byte(payload: bytes) -> str | None:
    # Korean is looked for in EUC-KR proper: its Windows superset reads almost any bytes as
    # Hangul. Text found Korean is read in the superset.
    korean = decoded_strictly(payload, "euc_kr")
    if korean is not None and _share(korean, _is_hangul) >= 0.8 \
            and _inside_latin_words(korean, _is_hangul) <= MAX_INSIDE_LATIN_WORDS:
        return "cp949"
    for japanese in ("euc_jp", "cp932"):
        text = decoded_strictly(payload, japanese)
        if text is not None and _share(text, _is_cjk) >= MIN_SCRIPT_SHARE \
                and _share(text, _is_kana) >= 0.1 \
                and _inside_latin_words(text, _is_cjk) <= MAX_INSIDE_LATIN_WORDS:
            return japanese
    pairs = len(_PAIR.findall(payload))
    ascii_trails = len(_PAIR_WITH_ASCII_TRAIL.findall(payload))
    chinese = ("big5hkscs", "gb18030") if pairs and ascii_trails >= 0.2 * pairs \
        else ("gb18030", "big5hkscs")
    for charset in chinese:
        text = decoded_strictly(payload, charset)
        # Counted over every character, not only letters: a reading that gives symbols,
        # kana or Cyrillic letters from the charset's other rows is not Chinese.
        if text is not None and _share_of_all(text, _is_chinese) >= MIN_SCRIPT_SHARE \
                and _inside_latin_words(text, _is_han) <= MAX_INSIDE_LATIN_WORDS:
            return charset
    return None


# KOI8-U is KOI8-R with the Ukrainian letters added where KOI8-R has box drawing.
_CYRILLIC = ("cp1251", "koi8_u", "cp866", "iso8859_5", "mac_cyrillic")
_VOWELS = frozenset("аеёиоуыэюяіїєў")
# Russian, Ukrainian and Bulgarian text is 28-60 % vowels even in short, consonant-heavy
# lines; Greek, Hebrew or Arabic bytes read as Cyrillic give about a fifth.
_VOWEL_SHARE = (0.28, 0.6)
_MIN_LOWERCASE = 0.7


def _single_byte(payload: bytes) -> str | None:
    """A Cyrillic charset: the one whose reading is nothing but Cyrillic letters (the most
    nearly so), most of them lowercase, with as many vowels as Slavic languages have."""
    best: tuple[tuple[float, float], str] | None = None
    for charset in _CYRILLIC:
        text = decoded_strictly(payload, charset)
        if text is None:
            continue
        beyond = [ch for ch in text if ord(ch) > 127]
        letters = [ch for ch in beyond if ch.isalpha() and _is_cyrillic(ch)]
        share = len(letters) / len(beyond)
        if share < STRICT_SCRIPT_SHARE \
                or _inside_latin_words(text, _is_cyrillic) > MAX_INSIDE_LATIN_WORDS:
            continue
        lower = sum(ch.islower() for ch in letters) / len(letters)
        vowels = sum(ch.lower() in _VOWELS for ch in letters) / len(letters)
        if lower < _MIN_LOWERCASE or not _VOWEL_SHARE[0] <= vowels <= _VOWEL_SHARE[1]:
            continue
        score = (share, lower)
        if best is None or score > best[0]:
            best = (score, charset)
    return best[1] if best is not None else None


def decoded_strictly(payload: bytes, charset: str) -> str | None:
    """``payload`` in ``charset``, or None where it is not (or the charset is unknown)."""
    try:
        return payload.decode(charset)
    except (UnicodeDecodeError, LookupError):
        return None


def _share(text: str, wanted: Callable[[str], bool]) -> float:
    """The share of ``text``'s letters beyond ASCII for which ``wanted`` holds."""
    letters = [ch for ch in text if ord(ch) > 127 and ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if wanted(ch)) / len(letters)


def _inside_latin_words(text: str, wanted: Callable[[str], bool]) -> float:
    """The share of ``text``'s characters for which ``wanted`` holds that touch an ASCII
    letter."""
    found = touching = 0
    for index, ch in enumerate(text):
        if ord(ch) > 127 and wanted(ch):
            found += 1
            before = text[index - 1] if index else ""
            after = text[index + 1:index + 2]
            touching += (before.isascii() and before.isalpha()) \
                or (after.isascii() and after.isalpha())
    return touching / found if found else 0.0


def _share_of_all(text: str, wanted: Callable[[str], bool]) -> float:
    """The share of ``text``'s characters beyond ASCII for which ``wanted`` holds."""
    beyond = [ch for ch in text if ord(ch) > 127]
    return sum(1 for ch in beyond if wanted(ch)) / len(beyond) if beyond else 0.0


def _is_chinese(ch: str) -> bool:
    """Han, or the punctuation and full-width forms Chinese text is written with."""
    return _is_han(ch) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _is_cyrillic(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("CYRILLIC")


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"


def _is_kana(ch: str) -> bool:
    return "\u3040" <= ch <= "\u30ff"


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def _is_cjk(ch: str) -> bool:
    return _is_han(ch) or _is_kana(ch)
