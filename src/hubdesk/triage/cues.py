"""Skipping regular expressions that cannot match: the words a pattern needs, checked first.

Most of triage's patterns look for phrases ("legal action", "charged twice", "my name is").
Python's engine tries such a pattern at every position of a message, which costs about ten
microseconds each; finding out that none of the words a match would need is in the message
costs one. `CuedPattern` works those words (cues) out from the pattern itself, once, so a
pattern edited later, or written by a desk for its own priority rules, keeps a correct filter
without anyone maintaining a word list beside it.

A cue set is a set of lower-case ASCII strings one of which every match of the pattern
contains. The check is exact, not a heuristic: ASCII letters match, case-insensitively,
exactly four characters outside ASCII (dotted and dotless i, the long s and the Kelvin sign),
and the text is compared with those read as their ASCII twins (`_comparable`).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Iterator
from functools import lru_cache
from typing import Any

try:  # the standard library's own parser of patterns (private, hence looked up by name)
    _sre: Any = importlib.import_module("re._constants")
    _parse: Any = importlib.import_module("re._parser")
except ImportError:  # pragma: no cover - an interpreter without them only loses the filter
    _sre = _parse = None

# A cue shorter than this is in nearly every message: a filter of it would only cost time.
MIN_CUE_LENGTH = 2
# Texts up to this long are lowered once for all the patterns that look at them in turn.
REMEMBERED_CHARACTERS = 65_536
# The only characters outside ASCII that an ASCII letter matches when case is ignored.
_ASCII_TWINS = str.maketrans({"İ": "i", "ı": "i", "ſ": "s", "K": "k"})


class CuedPattern:
    """A compiled pattern with its cues: `search`, `findall` and `finditer` answer as the
    pattern's own do, without running it when the text holds none of the cues."""

    __slots__ = ("cues", "regex")

    def __init__(self, pattern: str | re.Pattern[str], flags: int = 0) -> None:
        self.regex = re.compile(pattern, flags) if isinstance(pattern, str) else pattern
        self.cues = required_cues(self.regex.pattern, self.regex.flags)

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    def may_match(self, text: str) -> bool:
        cues = self.cues
        if cues is None:
            return True
        comparable = _comparable(text)
        return any(cue in comparable for cue in cues)

    def search(self, text: str) -> re.Match[str] | None:
        return self.regex.search(text) if self.may_match(text) else None

    def findall(self, text: str) -> list[Any]:
        return self.regex.findall(text) if self.may_match(text) else []

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        return self.regex.finditer(text) if self.may_match(text) else iter(())


def _comparable(text: str) -> str:
    if len(text) > REMEMBERED_CHARACTERS:  # a pasted log: not worth keeping two copies of
        return _lowered(text)
    return _remembered(text)


def _lowered(text: str) -> str:
    return (text if text.isascii() else text.translate(_ASCII_TWINS)).lower()


# The stages of one message ask for the same text in turn.
_remembered = lru_cache(maxsize=8)(_lowered)


def required_cues(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Strings one of which every match of ``pattern`` contains (lower-case ASCII, each at
    least `MIN_CUE_LENGTH` long), or None when the pattern promises none."""
    if _parse is None:
        return None
    try:
        parsed = _parse.parse(pattern, flags)
    except re.error:
        return None
    cues = _in_sequence(list(parsed))
    if not cues or min(map(len, cues)) < MIN_CUE_LENGTH:
        return None
    return frozenset(cues)


def _in_sequence(items: list[tuple[Any, Any]]) -> set[str] | None:
    """The best cue set of a sequence: a run of plain characters, or what one of its
    mandatory parts needs; the one whose shortest cue is longest."""
    candidates: list[set[str]] = []
    run: list[str] = []
    for op, value in items:
        letter = _plain_character(op, value)
        if letter is not None:
            run.append(letter)
            continue
        if run:
            candidates.append({"".join(run)})
            run = []
        needed = _in_item(op, value)
        if needed:
            candidates.append(needed)
    if run:
        candidates.append({"".join(run)})
    if not candidates:
        return None
    return max(candidates, key=lambda cues: (min(map(len, cues)), -len(cues)))


def _in_item(op: Any, value: Any) -> set[str] | None:
    if op is _sre.SUBPATTERN:
        _group, _added, _removed, inner = value
        return _in_sequence(list(inner))
    if op is _sre.ATOMIC_GROUP:
        return _in_sequence(list(value))
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
        low, _high, inner = value
        return _in_sequence(list(inner)) if low >= 1 else None
    if op is _sre.BRANCH:
        union: set[str] = set()
        for branch in value[1]:
            needed = _in_sequence(list(branch))
            if not needed:
                return None  # one branch needs nothing: the alternation needs nothing
            union |= needed
        return union
    return None


def _plain_character(op: Any, value: Any) -> str | None:
    """The character an item matches, lower-cased, when it is one ASCII character (or a class
    of one letter in both cases, as in ``[Mm]y``)."""
    if op is _sre.LITERAL:
        return chr(value).lower() if value < 128 else None
    if op is _sre.IN and len(value) == 2 and all(kind is _sre.LITERAL for kind, _ in value):
        first, second = (chr(code) for _, code in value)
        if first.isascii() and second.isascii() and first.lower() == second.lower():
            return first.lower()
    return None
