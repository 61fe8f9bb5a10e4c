"""Word lists shared by the anger and abuse detectors, read once from installed packages.

The profanity list is better-profanity's own word list, read as data: its matching code builds
every spelling variant of every word and costs milliseconds per message, while a set lookup
over the message's words costs microseconds.

That list is made for censoring, so it holds every word with an offensive sense, ordinary
ones among them: a hardware shop's "screw", a clinic's "stroke" and "oral", "Virgin Media",
a liquor shop's "vodka", "gay" and "HIV". Only its swear words, slurs and sexual vulgarities
(`STRONG_WORDS` and the words holding one of `STRONG_STEMS`) count as profanity here; and
not where the message's language uses the word innocently (`FALSE_FRIENDS`: Swedish "till
slut" is "in the end", French "en retard" is "late").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?|[@$][^\W_]+|[^\W_]*[*@$][^\W_*@$]+", re.U)
# Customers disguise swear words with digits and symbols ("sh1t", "a$$"); undo the common ones.
_DISGUISE = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"}
)


def word_set(words: str) -> frozenset[str]:
    """A set of words written as one space-separated string, for readable word lists."""
    return frozenset(words.split())


@lru_cache(maxsize=8)  # the anger and abuse detectors read the same message in turn
def words_of(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(text))


@lru_cache(maxsize=32_768)  # a desk's messages share most of their words
def undisguise(word: str) -> str:
    return word.lower().translate(_DISGUISE)


# A word of the list is profane if it holds one of these (after undoing disguises).
STRONG_STEMS = (
    "fuck", "fuk", "fcuk", "fvck", "fxck", "phuck", "phuk", "phuq", "shit", "cunt", "cnut",
    "twat", "twunt", "wank", "whore", "hoer", "bitch", "biatch", "asshole", "arsehole",
    "butthole", "bastard", "dickhead", "cocksuck", "cockmunch", "cokmunch", "cockface",
    "cockhead", "motherf", "mothaf", "muthaf", "mutherf", "muthrf", "mthrf", "nigg", "niglet",
    "kike", "kyke", "spic", "spik", "chink", "gook", "wetback", "paki", "wigger", "pussy",
    "slut", "skank", "jackass", "dumbass", "dumass", "douche", "piss", "prick", "tosser",
    "bellend", "knobhead", "knobend", "knobjo", "nobhead", "nobjo", "tard", "faggot", "fagot",
    "faggit", "fagg", "blowjob", "handjob", "footjob", "gangbang", "deepthroat", "jerkoff",
    "jackoff", "cumshot", "rimjob", "dildo", "clit", "cunnil", "cunil", "fellat", "felch",
    "jizz", "jizm", "jism", "smegma", "titties", "titty", "tittie", "boner", "masturbat",
    "masterbat", "stfu", "gtfo", "foad", "gfy", "pussi",
)
# Short ones that only count as themselves: as stems they would take other words of the list
# with them (Portuguese "massa" holds "ass").
STRONG_WORDS = frozenset({"ass", "asses", "dick", "dicks", "fag", "fags", "nig", "dyke",
                          "dykes"})
# Profane words that are everyday words of another language, by ISO 639-1 code.
FALSE_FRIENDS: dict[str, frozenset[str]] = {
    "fr": frozenset({"tard", "retard"}),  # late, delay
    "sv": frozenset({"slut", "prick"}),  # end, dot
    "da": frozenset({"slut", "fag"}),  # end, subject
    "de": frozenset({"ass", "dick"}),  # ace, thick
    "nb": frozenset({"slut"}),
    "nn": frozenset({"slut"}),
    "no": frozenset({"slut"}),
}


def _is_strong(word: str) -> bool:
    return word in STRONG_WORDS or any(stem in word for stem in STRONG_STEMS)


@lru_cache(maxsize=1)
def _profanity_entries() -> tuple[frozenset[str], frozenset[tuple[str, ...]]]:
    """The single profane words, and the phrases as tuples of words."""
    try:
        raw = (
            resources.files("better_profanity")
            .joinpath("profanity_wordlist.txt")
            .read_text(encoding="utf-8")
        )
    except (ModuleNotFoundError, FileNotFoundError):
        raw = ""
    single: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    for line in raw.splitlines():
        entry = line.strip().lower()
        if not entry or not _is_strong(undisguise("".join(entry.split()))):
            continue
        parts = tuple(entry.split())
        if len(parts) == 1:
            single.add(parts[0])
        else:
            phrases.add(parts)
    return frozenset(single), frozenset(phrases)


@lru_cache(maxsize=64)
def profane_words(language: str | None = None) -> frozenset[str]:
    """The profane single words, but for those ``language`` uses innocently."""
    return _profanity_entries()[0] - FALSE_FRIENDS.get(language or "", frozenset())


def profane_terms_in(words: Sequence[str], language: str | None = None) -> list[str]:
    """Profane words and phrases among `words` (already split), in order of appearance;
    ``language`` is the message's, when known."""
    single = profane_words(language)
    phrases = _profanity_entries()[1]
    lowered = [undisguise(word) for word in words]
    found = [word for word, plain in zip(words, lowered, strict=True) if plain in single]
    if phrases:
        # Only where a phrase can begin: most words begin none.
        openers = _phrase_openers()
        starts = [index for index, plain in enumerate(lowered) if plain in openers]
        for size in (2, 3):
            for start in starts:
                if start + size <= len(lowered) and \
                        tuple(lowered[start : start + size]) in phrases:
                    found.append(" ".join(words[start : start + size]))
    return found


@lru_cache(maxsize=1)
def _phrase_openers() -> frozenset[str]:
    return frozenset(phrase[0] for phrase in _profanity_entries()[1])


def mask_term(term: str) -> str:
    """What the console shows of an offensive word: enough to recognise, not to read."""
    if len(term) <= 2:
        return "*" * len(term)
    return term[0] + "*" * (len(term) - 2) + term[-1]

