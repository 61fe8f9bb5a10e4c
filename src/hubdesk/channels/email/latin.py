"""Which Latin charset undeclared 8-bit text is in: Western, Central European or Turkish.

Their accented letters stand alone between ASCII letters alike, so the bytes' shape cannot
tell them apart (`guessing.py` reads runs of bytes as other scripts). Spelling can: each
language writes a small, known set of letters beyond ASCII. Polish read as Windows-1252
puts symbols inside words ("dotar³o", "proszê ¿e"), Czech gives letters no single Western
language has together ("ø" beside "ì" and "ý"), Turkish gives Icelandic letters beside
"ç" and "ü". So text is read as Windows-1252, as ever, unless that reading puts symbols
between letters or uses letters no Western alphabet holds together (one letter of a name
from elsewhere is forgiven); then the Central European and Turkish charsets are tried, and
one is kept only if its reading is spelt in one of their alphabets, with no symbol inside
a word. Otherwise the text stays Windows-1252, unreadable as it came, never misread.
"""

from __future__ import annotations

import re

from hubdesk.channels.email.charsets import decoded_strictly

# Letters beyond ASCII each language writes, in small letters. "ª", "º" (Spanish and
# Portuguese ordinals) and "µ" (the micro sign) are letters to Python; they are allowed
# everywhere.
_ANYWHERE = "ªºµ"
WESTERN_ALPHABETS = tuple(frozenset(letters + _ANYWHERE) for letters in (
    "àâæçéèêëîïôœùûüÿ",  # French
    "äöüß",  # German
    "áéíñóúü",  # Spanish
    "áâãàçéêíóôõú",  # Portuguese
    "àèéìíîòóùú",  # Italian
    "àçèéíïòóúüŀ",  # Catalan
    "áäéëèêíïóöôúüûç",  # Dutch
    "æøåéóü",  # Danish, Norwegian
    "åäöéü",  # Swedish
    "äöåšž",  # Finnish
))
_ANY_WESTERN = frozenset().union(*WESTERN_ALPHABETS)
# Icelandic is not among them: its "ð", "þ" and "ý" are where Windows-1252 puts Turkish's
# "ğ", "ş" and "ı". Icelandic text still reads as Windows-1252, as no other charset spells
# its "á", "é" and "æ" (see `latin_charset`).
# Turkish first: its "ş" read as Windows-1250 is Romanian "ţ", while Central European text
# read as Windows-1254 keeps letters Turkish lacks ("ã", "è") or symbols ("³").
OTHER_ALPHABETS = {
    # Turkish; "İ" in small letters is "i" and a combining dot.
    "cp1254": (frozenset("çğıöşüâîû\u0307" + _ANYWHERE),),
    "cp1250": tuple(frozenset(letters + _ANYWHERE) for letters in (
        "ąćęłńóśźż",  # Polish
        "áčďéěíňóřšťúůýž",  # Czech
        "áäčďéíĺľňóôŕšťúýž",  # Slovak
        "áéíóöőúüű",  # Hungarian
        "čćđšžäöü",  # Slovenian, Croatian, Bosnian (with German names)
        "ăâîşţ",  # Romanian
        "ëç",  # Albanian
    )),
}
# Words as runs of letters ("km²" is the word "km").
_WORD = re.compile(r"[^\W\d_²³¹¼½¾]+")
# ISO-8859-2 and -9 put some of the same letters on other bytes.
SAME_LETTERS_ELSEWHERE = {"cp1250": "iso8859_2", "cp1254": "iso8859_9"}
# Western text may hold one word from another Western language ("Søren" in German, "á" in
# Danish) whose letters its own alphabet lacks; letters of none (Turkish read as Windows-1252
# gives "ð" and "þ") are not forgiven.
FORGIVEN_WORDS = 1


def latin_charset(payload: bytes) -> str | None:
    """A Central European or Turkish charset, when ``payload`` read as Windows-1252 is
    misspelt and read in that charset is spelt right; None otherwise."""
    western = decoded_strictly(payload, "cp1252")
    if western is not None and not _symbols_inside_words(western):
        misspelt, letters = _misspelt(western, WESTERN_ALPHABETS)
        if misspelt == 0 or (misspelt <= FORGIVEN_WORDS and letters <= _ANY_WESTERN):
            return None
    for charset, alphabets in OTHER_ALPHABETS.items():
        for candidate in (charset, SAME_LETTERS_ELSEWHERE[charset]):
            text = decoded_strictly(payload, candidate)
            if text is not None and not _symbols_inside_words(text) \
                    and _misspelt(text, alphabets)[0] == 0:
                return candidate
    return None


def _misspelt(text: str, alphabets: tuple[frozenset[str], ...]) -> tuple[int, set[str]]:
    """How many words of ``text`` hold a letter beyond ASCII that the alphabet fitting
    ``text`` best lacks, and those letters."""
    words = {word.lower() for word in _WORD.findall(text) if not word.isascii()}
    letters_of = [{ch for ch in word if ord(ch) > 127} for word in words]
    best: tuple[int, set[str]] = (0, set())
    for index, alphabet in enumerate(alphabets):
        outside = [letters - alphabet for letters in letters_of if not letters <= alphabet]
        if index == 0 or len(outside) < best[0]:
            best = (len(outside), set().union(*outside))
    return best


# Symbols no word is written with, where Central European letters fall when read as
# Windows-1252 ("³" for "ł", "¿" for "ż", "¹" for ISO-8859-2's "š"). Apostrophes, dashes,
# the soft hyphen and the middle dot do stand inside words, and are not among them.
_NEVER_INSIDE_WORDS = re.compile("[¹²³¼½¾±¶¿¡§¤¦¬¯°×÷¢£¥©®«»]")
# Of those, the ones that open or close words in Western text: "¿Qué", "¡Hola" (never
# closing one: "ju¿" is Polish "już"), «quotes» (»either way« in German), "Windows®"; and
# units, "m³", "km²".
_OPENING_WORDS = frozenset("¿¡")
_CLOSING_WORDS = frozenset("©®")
_AT_EITHER_EDGE = frozenset("«»")
_C1_CONTROL = re.compile("[\x80-\x9f]")
_UNIT = re.compile(r"(?<![^\W\d_])(?:[cdkm]?m|[a-z]?m)[²³]$")


def _symbols_inside_words(text: str) -> bool:
    """Whether a symbol no word holds stands between two letters, or opens or ends a word
    of two letters or more ("³" ends "reprezentowa³", "¶" opens "¶ledztwa"), or a control
    character (a byte the charset leaves undefined) is there at all."""
    padded = f"  {text}  "
    for found in _NEVER_INSIDE_WORDS.finditer(padded):
        index, ch = found.start(), found[0]
        before, after = padded[index - 1].isalpha(), padded[index + 1].isalpha()
        if before and after:
            return True
        if ch in _AT_EITHER_EDGE or (ch in _OPENING_WORDS and not before) \
                or (ch in _CLOSING_WORDS and not after):
            continue
        if (before and padded[index - 2].isalpha()
                and not _UNIT.search(padded[max(0, index - 4):index + 1])) \
                or (after and padded[index + 2].isalpha() and not padded[index - 1].isalnum()):
            return True
    return _C1_CONTROL.search(text) is not None
