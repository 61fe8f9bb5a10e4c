"""Whether undeclared 8-bit text is Thai (TIS-620, as Windows-874 extends it).

Thai's bytes fill the same high rows as Chinese, Japanese and Korean ones, so a reading in
the other scripts' charsets is often well formed too: Thai read as Big5 or EUC-JP gives real
Han and kana. What tells Thai apart is its spelling, which few byte strings meet by chance:
- a vowel written above or below a letter (sara i, sara u, mai han-akat…) sits on a
  consonant, and a tone mark on a consonant or on such a vowel;
- a vowel written before its consonant (sara e, sara ai…) has one after it, and one
  written after (sara a, sara aa, sara am) has a consonant or a mark before it;
- letters dropped from the language (kho khuat, kho khon, lu) and old signs (fongman,
  angkhankhu, khomut) are not written, and Thai digits stand together, as numbers, not
  alone between letters.
Chinese read as Thai gives lone Thai digits and misplaced vowels; Japanese kana read as
Thai repeat the consonant its charset's kana row falls on at every other character (kho
khwai for hiragana, kho khon for katakana): a reading with that rhythm is not Thai.
"""

from __future__ import annotations

import re

from hubdesk.channels.email.charsets import decoded_strictly, share_inside_latin_words

THAI_CHARSET = "cp874"

_CONSONANTS = frozenset(chr(code) for code in range(0x0E01, 0x0E2F))
_ABOVE_OR_BELOW = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a")
# Tone marks, and the signs written above a letter like them (mai taikhu, thanthakhat…).
_TONE_AND_SIGNS = frozenset("\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d")
_LEADING = frozenset("\u0e40\u0e41\u0e42\u0e43\u0e44")
_FOLLOWING = frozenset("\u0e30\u0e32\u0e33\u0e45")
_OUT_OF_USE = frozenset("\u0e03\u0e05\u0e26\u0e4e\u0e4f\u0e5a\u0e5b")
_DIGITS = frozenset(chr(code) for code in range(0x0E50, 0x0E5A))

# The share of Thai characters beyond ASCII a reading must have; a misplaced sign or two is
# a typing slip, more is a misreading.
_MIN_THAI_SHARE = 0.97
_MAX_MISPLACED = 0.05
_MAX_INSIDE_LATIN_WORDS = 0.1
# Three kana in a row read as Thai: "ค" and another character, three times over.
_KANA_RHYTHM = re.compile("(?:\u0e04[^\u0e04]){3,}")
_MAX_KANA_RHYTHM = 0.2


def is_thai(payload: bytes) -> bool:
    """Whether ``payload`` read as Windows-874 is Thai as it is spelt."""
    text = decoded_strictly(payload, THAI_CHARSET)
    if text is None:
        return False
    beyond = [ch for ch in text if ord(ch) > 127]
    thai = [ch for ch in beyond if _is_thai(ch)]
    if not thai or len(thai) < _MIN_THAI_SHARE * len(beyond) \
            or share_inside_latin_words(text, _is_thai) > _MAX_INSIDE_LATIN_WORDS:
        return False
    checked, misplaced = _spelling_slips(text)
    kana_rhythm = sum(len(run) for run in _KANA_RHYTHM.findall(text))
    return checked > 0 and misplaced <= _MAX_MISPLACED * checked \
        and kana_rhythm <= _MAX_KANA_RHYTHM * len(thai)


def _spelling_slips(text: str) -> tuple[int, int]:
    """How many of ``text``'s characters have a place Thai spelling sets, and how many of
    them stand elsewhere."""
    checked = misplaced = 0
    for index, ch in enumerate(text):
        before = text[index - 1] if index else ""
        after = text[index + 1:index + 2]
        if ch in _ABOVE_OR_BELOW:
            wrong = before not in _CONSONANTS
        elif ch in _TONE_AND_SIGNS:
            wrong = before not in _CONSONANTS and before not in _ABOVE_OR_BELOW
        elif ch in _LEADING:
            wrong = after not in _CONSONANTS
        elif ch in _FOLLOWING:
            wrong = before not in _CONSONANTS and before not in _TONE_AND_SIGNS
        elif ch in _DIGITS:
            wrong = (before.isalpha() and before not in _DIGITS) \
                or (after.isalpha() and after not in _DIGITS)
        elif ch in _OUT_OF_USE:
            wrong = True
        else:
            continue
        checked += 1
        misplaced += wrong
    return checked, misplaced


def _is_thai(ch: str) -> bool:
    return "\u0e00" <= ch <= "\u0e7f"
