"""The charset of 8-bit text that declares none, or declares ASCII or Latin-1 wrongly.

Mail without a charset is read as Windows-1252 (`decoding.py`), which is right for Western
European text: its few bytes above 127 stand alone between ASCII letters ("café", "Grüße").
Text in another script is made of those bytes: Russian, Greek or Chinese words are runs of
them, and as Windows-1252 they become "Ïðèâåò". Old clients, web forms and bulk mailers send
such text undeclared, or labelled "us-ascii" or "iso-8859-1".

So where the bytes above 127 come in runs, the usual charsets of each script are tried
strictly, and a decoding is kept only if its letters read as that script's languages are
written:
- Korean, Japanese, Chinese (two-byte charsets, tried in that order): Korean text is mostly
  Hangul syllables, spaced between words; Japanese always holds kana; Chinese is Han, mostly
  of its charset's common characters, and Big5 rather than GB when many second bytes are
  ASCII letters, which GB2312 never uses. Half-width katakana do not count: Chinese read as
  Shift_JIS is full of them.
- Arabic script (Windows-1256, ISO-8859-6): nothing but its letters, the article "al-" (or
  Persian's own letters), teh marbuta only where words end; a line without the article only
  if spelt as Arabic is and no other script fits.
- Hebrew (Windows-1255, ISO-8859-8): final letter forms where words end and only there, and
  vowel points, if any, written on letters.
- Greek (Windows-1253, ISO-8859-7): mostly lowercase, one accent per word and about one
  letter in ten accented, its rarest letters rare, its words ending in a vowel, "ς" or "ν".
- Cyrillic, last, as the other scripts' bytes can pass for it: Windows-1251, KOI8-R (as
  KOI8-U), IBM 866, ISO-8859-5 and Mac Cyrillic all give Cyrillic letters, but only the right
  one gives nothing else, mostly lowercase (KOI8-R read as Windows-1251 swaps the cases),
  with the share of vowels Slavic languages have, all of one alphabet (Russian, Ukrainian,
  Belarusian, Bulgarian, Serbian or Macedonian) and capitals only where words begin.
In every script, a reading that puts its letters inside Latin words is refused: that is
Western text with a run of accented letters ("éèêëàâ") read in the wrong charset.
Where the bytes stand alone, the text is Latin: Western, or Central European or Turkish
when Windows-1252 would misspell it (`latin.py`). Greek written all in capitals is still
read as KOI8 Cyrillic (its capitals sit on KOI8's small letters, in nearly the same
order).
Thai is looked for before the two-byte charsets, as its bytes read as Big5 or EUC-JP are
often well-formed Han and kana: a reading as Windows-874 spelt as Thai is spelt is kept
(`thai.py`), unless an Arabic, Hebrew, Greek or Cyrillic reading meets its own rules too.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from hubdesk.channels.email.charsets import decoded_strictly, share_inside_latin_words
from hubdesk.channels.email.latin import latin_charset
from hubdesk.channels.email.thai import THAI_CHARSET, is_thai

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
        # Latin text, or a rule of dashes or a row of bullets: not another script.
        return latin_charset(payload) if high else None
    if is_thai(payload):
        # Thai is spelt as few misreadings are, but a short Arabic or Russian line can be
        # too; their own rules are stricter.
        return _single_byte(payload) or THAI_CHARSET
    two_byte = _two_byte(payload)
    if two_byte is not None and not _rare_han(payload, two_byte):
        return two_byte
    return _single_byte(payload) or two_byte or latin_charset(payload)


# Both Chinese charsets put the characters in common use first: GB2312's first level (lead
# bytes up to 0xD7) and Big5's frequent block (up to 0xC67E) hold nearly every character a
# text uses (the rest are under a tenth of a line's Han in all but the shortest lines).
# Other scripts' bytes read as Chinese fall anywhere, mostly on rare characters. A reading
# with many is doubtful: a single-byte script's reading that meets its own rules wins.
_COMMON_HAN_END = {"gb18030": ("gb2312", b"\xd8"), "big5hkscs": ("big5", b"\xc9\x40")}
_MAX_RARE_HAN = 0.15


def _rare_han(payload: bytes, charset: str) -> bool:
    if charset not in _COMMON_HAN_END:
        return False
    table, first_rare = _COMMON_HAN_END[charset]
    han = [ch for ch in payload.decode(charset) if _is_han(ch)]
    rare = sum(1 for ch in han
               if (code := ch.encode(table, "replace")) == b"?" or code >= first_rare)
    return rare > _MAX_RARE_HAN * len(han)


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
            and not _jamo_as_kana(korean) and not _unspaced(korean) \
            and share_inside_latin_words(korean, _is_hangul) <= MAX_INSIDE_LATIN_WORDS:
        return "cp949"
    for japanese in ("euc_jp", "cp932"):
        text = decoded_strictly(payload, japanese)
        if text is not None and _share(text, _is_cjk) >= MIN_SCRIPT_SHARE \
                and _share(text, _is_kana) >= 0.1 \
                and share_inside_latin_words(text, _is_cjk) <= MAX_INSIDE_LATIN_WORDS:
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
                and share_inside_latin_words(text, _is_han) <= MAX_INSIDE_LATIN_WORDS:
            return charset
    return None


# Korean is written in syllables; its letters alone (jamo) stand in short runs of one or two
# letters repeated: laughter "ㅋㅋㅋ", tears "ㅠㅠ", "ㅇㅋ". EUC-JP's hiragana sit where EUC-KR
# has the jamo, and its kanji where it has syllables and Hanja, so Japanese read as Korean
# gives jamo one by one between syllables and runs of several different ones.
_JAMO_RUN = re.compile("[\u3130-\u318f]+")
_MAX_LETTERS_IN_A_JAMO_RUN = 2


def _jamo_as_kana(text: str) -> bool:
    for run in _JAMO_RUN.finditer(text):
        before = text[run.start() - 1:run.start()]
        after = text[run.end():run.end() + 1]
        if len(set(run.group())) > _MAX_LETTERS_IN_A_JAMO_RUN \
                or (len(run.group()) == 1 and before.isalpha() and after.isalpha()):
            return True
    return False


# Korean puts spaces between its words, every few syllables; Chinese and Japanese put none
# between their characters, and read as Korean give a line of syllables without a space.
_SYLLABLES_WITHOUT_A_SPACE = 10
_SYLLABLE_BEFORE_A_SPACE = re.compile("[\uac00-\ud7a3]\\s")


def _unspaced(text: str) -> bool:
    syllables = sum(1 for ch in text if "\uac00" <= ch <= "\ud7a3")
    return syllables >= _SYLLABLES_WITHOUT_A_SPACE \
        and _SYLLABLE_BEFORE_A_SPACE.search(text) is None


# KOI8-U is KOI8-R with the Ukrainian letters added where KOI8-R has box drawing.
_CYRILLIC = ("cp1251", "koi8_u", "cp866", "iso8859_5", "mac_cyrillic")
_VOWELS = frozenset("аеёиоуыэюяіїєў")
# Russian, Ukrainian and Bulgarian text is 28-60 % vowels even in short, consonant-heavy
# lines; Greek, Hebrew or Arabic bytes read as Cyrillic give about a fifth.
_VOWEL_SHARE = (0.28, 0.6)
_MIN_LOWERCASE = 0.7


def _single_byte(payload: bytes) -> str | None:
    # Cyrillic last: the other scripts' bytes can pass for it (Greek read as ISO-8859-5,
    # Arabic as KOI8), while Cyrillic read in their charsets meets their own rules only by
    # chance (French letters among the Arabic, final forms inside Hebrew words, the rarest
    # Greek letters). Only Arabic without its article comes after it: a short Russian line
    # in Windows-1251 read as ISO-8859-6 is often spelt as such a line is.
    return _arabic(payload, marked=True) or _hebrew(payload) or _greek(payload) \
        or _cyrillic(payload) or _arabic(payload, marked=False)


def _cyrillic(payload: bytes) -> str | None:
    """A Cyrillic charset: the one whose reading is nothing but Cyrillic letters of one
    alphabet (the most nearly so, with its capitals where capitals go), most of them
    lowercase, with as many vowels as Slavic languages have."""
    best: tuple[tuple[float, float, float], str] | None = None
    for charset in _CYRILLIC:
        text = decoded_strictly(payload, charset)
        if text is None:
            continue
        beyond = _beyond_ascii(text)
        letters = [ch for ch in beyond if ch.isalpha() and _is_cyrillic(ch)]
        if len(letters) < STRICT_SCRIPT_SHARE * len(beyond) or not letters \
                or share_inside_latin_words(text, _is_cyrillic) > MAX_INSIDE_LATIN_WORDS:
            continue
        lower = sum(ch.islower() for ch in letters) / len(letters)
        vowels = sum(ch.lower() in _VOWELS for ch in letters) / len(letters)
        if lower < _MIN_LOWERCASE or not _VOWEL_SHARE[0] <= vowels <= _VOWEL_SHARE[1] \
                or _outside_alphabet(letters) > MAX_OUTSIDE_ALPHABET:
            continue
        # The most nearly all letters, punctuation included (Mac Cyrillic's capitals read
        # as Windows-1251 are quotes and dashes), then the fewest letters outside the
        # alphabet (or Serbian and Macedonian small letters), then the fewest capitals where
        # small letters belong (ISO-8859-5 read as KOI8 has many); ties go to the commoner
        # charset (Windows-1251 text without "я" or the capitals Mac Cyrillic reads
        # differently is the same text in both).
        share = len(letters) / sum(1 for ch in text if ord(ch) > 127)
        score = (share, -_outside_alphabet(letters), -_case_slips(text) / len(letters))
        if best is None or score > best[0]:
            best = (score, charset)
    return best[1] if best is not None else None


def _case_slips(text: str) -> int:
    """Capitals where a word has small letters: after a small letter ("дВа"), or between a
    letter and a small one ("ДВа"); not a word's first letter, nor a word in capitals."""
    padded = f" {text} "
    return sum(1 for index in range(1, len(padded) - 1)
               if padded[index].isupper() and (padded[index - 1].islower() or (
                   padded[index - 1].isalpha() and padded[index + 1].islower())))


# ISO-8859-7 differs from Windows-1253 only in a few symbols and capital alpha with tonos.
_GREEK = ("cp1253", "iso8859_7")
_GREEK_VOWELS = frozenset("αεηιουωάέήίόύώϊϋΐΰ")
_GREEK_TONOS = frozenset("άέήίόύώΐΰ")
# Greek's rarest letters: xi (under half a percent of letters), upsilon with diaeresis, and
# both with tonos as well (a few words in a book). Cyrillic read as Greek makes them of its
# commonest letters ("о", "а", "ы").
_GREEK_RAREST = frozenset("ξϋΐΰ")
_MAX_RAREST_SHARE = 0.06
# Modern Greek marks the stressed vowel of every word of two syllables or more: about one
# letter in ten carries a tonos; another script's bytes read as Greek give almost none.
_MIN_TONOS_SHARE = 0.03


# The alphabets written in Cyrillic, as small letters. A reading whose letters fit none of
# them is a misreading: Windows-1251 capitals read as Mac Cyrillic give Macedonian "ќ" and
# "ѕ" among Russian words, KOI8 read as ISO-8859-5 gives Serbian "ђ" beside "ы".
_RUSSIAN = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")
_CYRILLIC_ALPHABETS = (
    _RUSSIAN,
    _RUSSIAN - frozenset("ёъыэ") | frozenset("іїєґ"),  # Ukrainian
    _RUSSIAN - frozenset("ищъ") | frozenset("іў"),  # Belarusian
    _RUSSIAN - frozenset("ёыэ"),  # Bulgarian
    _RUSSIAN - frozenset("ёйщъыьэюя") | frozenset("ђјљњћџ"),  # Serbian
    _RUSSIAN - frozenset("ёйщъыьэюя") | frozenset("ѓѕјљњќџ"),  # Macedonian
)
# A name or a word from a neighbouring language: a few letters outside the text's alphabet.
MAX_OUTSIDE_ALPHABET = 0.02


def _outside_alphabet(letters: list[str]) -> float:
    """The share of ``letters`` outside the Cyrillic alphabet they fit best."""
    counts: dict[str, int] = {}
    for ch in letters:
        counts[ch.lower()] = counts.get(ch.lower(), 0) + 1
    return min(sum(n for ch, n in counts.items() if ch not in alphabet)
               for alphabet in _CYRILLIC_ALPHABETS) / len(letters)


def _greek(payload: bytes) -> str | None:
    """A Greek charset whose reading is Greek letters, mostly lowercase, with Greek's share
    of vowels and accents, and its final sigma only where words end."""
    for charset in _GREEK:
        text = decoded_strictly(payload, charset)
        letters = _letters_of_script(text, _is_greek) if text is not None else None
        if text is None or letters is None:
            continue
        lower = [ch for ch in letters if ch.islower()]
        if len(lower) < _MIN_LOWERCASE * len(letters):
            continue
        vowels = sum(ch in _GREEK_VOWELS for ch in lower) / len(lower)
        accented = sum(ch in _GREEK_TONOS for ch in lower) / len(lower)
        rarest = sum(ch in _GREEK_RAREST for ch in lower) / len(lower)
        if _VOWEL_SHARE[0] <= vowels <= _VOWEL_SHARE[1] and accented >= _MIN_TONOS_SHARE \
                and rarest <= _MAX_RAREST_SHARE and _twice_accented(text) <= MAX_MISPLACED \
                and _foreign_endings(text) <= _MAX_FOREIGN_ENDINGS \
                and _misplaced_finals(text, "ς", _is_greek) <= MAX_MISPLACED:
            return charset
    return None


_GREEK_WORD = re.compile(r"[\u0370-\u03ff]+")


# Greek words end in a vowel, "ς" or "ν" (a few in "ρ"); Cyrillic read as Greek ends its
# words in whatever its letters became ("θμεννξ"). Loanwords ("γκολ") are the exceptions.
_GREEK_ENDINGS = _GREEK_VOWELS | frozenset("ςνρ")
_MAX_FOREIGN_ENDINGS = 0.15


def _foreign_endings(text: str) -> float:
    words = [word.lower() for word in _GREEK_WORD.findall(text) if len(word) > 1]
    return sum(word[-1] not in _GREEK_ENDINGS for word in words) / len(words) if words \
        else 0.0


def _twice_accented(text: str) -> float:
    """The share of Greek words with an accent that have more than one: a word has one."""
    accented = [sum(ch in _GREEK_TONOS for ch in word) for word in _GREEK_WORD.findall(text)]
    accented = [count for count in accented if count]
    return sum(count > 1 for count in accented) / len(accented) if accented else 0.0


# Five Hebrew letters have a form used only at the end of a word.
_HEBREW_FINALS = "ךםןףץ"
# Words are spelt, not random: a final form inside a word (or the like) is a misreading,
# past a slip.
MAX_MISPLACED = 0.1


def _hebrew(payload: bytes) -> str | None:
    """Hebrew (Windows-1255, or ISO-8859-8 as written by older clients): a reading of Hebrew
    letters whose final forms stand where words end, one at least."""
    for charset in ("cp1255", "iso8859_8"):
        text = decoded_strictly(payload, charset)
        if text is None or _letters_of_script(text, _is_hebrew) is None:
            continue
        finals = sum(ch in _HEBREW_FINALS for ch in text)
        if finals and _misplaced_finals(text, _HEBREW_FINALS, _is_hebrew) <= MAX_MISPLACED \
                and _unfinished_words(text) <= MAX_MISPLACED \
                and _loose_points(text) <= MAX_MISPLACED:
            return charset
    return None


_HEBREW_WORD = re.compile(r"[\u05d0-\u05ea]+")
_WITH_A_FINAL_FORM = frozenset("כמנפצ")


def _unfinished_words(text: str) -> float:
    """The share of Hebrew words ending in the middle form of a letter that has a final
    one: a word's last "מ" is written "ם"."""
    words = [word for word in _HEBREW_WORD.findall(text) if len(word) > 1]
    return sum(word[-1] in _WITH_A_FINAL_FORM for word in words) / len(words) if words \
        else 0.0


# A letter carries at most a vowel, a dagesh and a shin's dot.
_MAX_POINTS_ON_A_LETTER = 3


def _loose_points(text: str) -> float:
    """The share of Hebrew vowel points not written on a letter, or beyond the most one
    letter carries. (Cyrillic in KOI8 read as Windows-1255 is mostly points.)"""
    points = loose = on_this_letter = 0
    carrier = False
    for ch in text:
        if "\u05b0" <= ch <= "\u05c7" and not ch.isalpha():
            points += 1
            on_this_letter += 1
            loose += not carrier or on_this_letter > _MAX_POINTS_ON_A_LETTER
        else:
            carrier = ch.isalpha() and _is_hebrew(ch)
            on_this_letter = 0
    return loose / points if points else 0.0


# The article "al-" begins most Arabic sentences' nouns; Persian and Urdu, which use it less,
# have letters Arabic lacks. Cyrillic read as Arabic has neither (its bytes for them are
# capitals, or KOI8's box drawing).
_ARABIC_ARTICLE = "ال"
_PERSIAN_LETTERS = frozenset("پچژگکی")


def _arabic(payload: bytes, *, marked: bool) -> str | None:
    """Arabic script (Windows-1256, ISO-8859-6): a reading of nothing but its letters, its
    teh marbuta only where words end. Other scripts' bytes read as Windows-1256 give French
    accented letters among the Arabic ones, and ISO-8859-6 leaves most of their bytes
    undefined. ``marked``: with the article or Persian's letters; a short line may have
    neither, and is then taken for Arabic only if spelt as Arabic is (`_spelt_as_arabic`)
    and no other script's reading fits."""
    for charset in ("cp1256", "iso8859_6"):
        text = decoded_strictly(payload, charset)
        if text is None or _letters_of_script(text, _is_arabic) is None \
                or _misplaced_finals(text, "\u0629", _is_arabic) > MAX_MISPLACED:
            continue
        if (_ARABIC_ARTICLE in text or not _PERSIAN_LETTERS.isdisjoint(text)) if marked \
                else _spelt_as_arabic(text):
            return charset
    return None


_ARABIC_WORD = re.compile("[\u0621-\u064a\u0671-\u06d3]+")
# The letters a word may begin with before a hamza under alef: "wa-", "fa-", "bi-", "ka-",
# "li-" and the article.
_ARABIC_PREFIXES = frozenset("\u0627\u0644\u0648\u0628\u0641\u0643")
# Letters that never join the letter after them: a hamza standing alone inside a word
# follows one of them (after any other it sits on a seat: "\u0626", "\u0624").
_NOT_JOINING = frozenset("\u0627\u0623\u0625\u0622\u062f\u0630\u0631\u0632\u0648\u0624\u0621\u0629")


def _spelt_as_arabic(text: str) -> bool:
    """Alef maqsura only where words end, hamza under alef only where a word (after its
    prefixes) begins, and a hamza on the line only after a letter that does not join. The
    Cyrillic bytes that read as Arabic put them anywhere: Russian "a", "e" and "i" in KOI8
    are those letters."""
    if _misplaced_finals(text, "\u0649", _is_arabic) > MAX_MISPLACED:
        return False
    hamzas = slips = 0
    for word in _ARABIC_WORD.findall(text):
        for index, ch in enumerate(word):
            if ch == "\u0625":
                hamzas += 1
                slips += not _ARABIC_PREFIXES.issuperset(word[:index])
            elif ch == "\u0621":
                hamzas += 1
                slips += 0 < index < len(word) - 1 and word[index - 1] not in _NOT_JOINING
    return slips <= MAX_MISPLACED * hamzas


def _letters_of_script(text: str, script: Callable[[str], bool]) -> list[str] | None:
    """The letters of ``text`` beyond ASCII, when nearly all its characters beyond ASCII
    are of ``script`` and none of its letters sits inside Latin words; else None."""
    beyond = _beyond_ascii(text)
    letters = [ch for ch in beyond if ch.isalpha() and script(ch)]
    if not letters or len([ch for ch in beyond if script(ch)]) < STRICT_SCRIPT_SHARE * \
            len(beyond) or share_inside_latin_words(text, script) > MAX_INSIDE_LATIN_WORDS:
        return None
    return letters


# What text in any script is typeset with: dashes, quotes, the ellipsis, bullets, spaces
# that do not break and marks of writing direction.
_TYPOGRAPHY = frozenset("\u2012\u2013\u2014\u2015\u00ab\u00bb\u2039\u203a\u201c\u201d"
                        "\u201e\u2018\u2019\u201a\u2026\u2022\u00b7\u00a0\u2009\u202f"
                        "\u200e\u200f\u061c")


def _beyond_ascii(text: str) -> list[str]:
    """``text``'s characters beyond ASCII but its typography where it stands outside words:
    every script's text has dashes, guillemets, ellipses and bullets ("— «Да»",
    "• جاهزية"), while a misreading puts such signs inside words."""
    if _TYPOGRAPHY.isdisjoint(text):
        return [ch for ch in text if ord(ch) > 127]
    kept = []
    for index, ch in enumerate(text):
        if ord(ch) <= 127:
            continue
        if ch in _TYPOGRAPHY:
            before = text[index - 1] if index else ""
            after = text[index + 1:index + 2]
            if not (before.isalpha() and after.isalpha()):
                continue
        kept.append(ch)
    return kept


def _misplaced_finals(text: str, finals: str, script: Callable[[str], bool]) -> float:
    """The share of ``finals`` (letters written only where a word ends) that a letter of
    the script follows."""
    found = misplaced = 0
    for index, ch in enumerate(text):
        if ch in finals:
            found += 1
            after = text[index + 1:index + 2]
            misplaced += bool(after) and after.isalpha() and script(after)
    return misplaced / found if found else 0.0


def _share(text: str, wanted: Callable[[str], bool]) -> float:
    """The share of ``text``'s letters beyond ASCII for which ``wanted`` holds."""
    letters = [ch for ch in text if ord(ch) > 127 and ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if wanted(ch)) / len(letters)


def _share_of_all(text: str, wanted: Callable[[str], bool]) -> float:
    """The share of ``text``'s characters beyond ASCII for which ``wanted`` holds."""
    beyond = [ch for ch in text if ord(ch) > 127]
    return sum(1 for ch in beyond if wanted(ch)) / len(beyond) if beyond else 0.0


def _is_chinese(ch: str) -> bool:
    """Han, or the punctuation and full-width forms Chinese text is written with."""
    return _is_han(ch) or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef"


def _is_greek(ch: str) -> bool:
    return "\u0370" <= ch <= "\u03ff" or "\u1f00" <= ch <= "\u1fff"


def _is_hebrew(ch: str) -> bool:
    return "\u0590" <= ch <= "\u05ff" or "\ufb1d" <= ch <= "\ufb4f"


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" \
        or "\ufb50" <= ch <= "\ufdff" or "\ufe70" <= ch <= "\ufeff"


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u052f" or "\u1c80" <= ch <= "\u1c8f" \
        or "\u2de0" <= ch <= "\u2dff" or "\ua640" <= ch <= "\ua69f"


def _is_hangul(ch: str) -> bool:
    return "\uac00" <= ch <= "\ud7a3" or "\u1100" <= ch <= "\u11ff" or "\u3130" <= ch <= "\u318f"


def _is_kana(ch: str) -> bool:
    return "\u3040" <= ch <= "\u30ff"


def _is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


def _is_cjk(ch: str) -> bool:
    return _is_han(ch) or _is_kana(ch)
