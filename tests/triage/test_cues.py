"""The cue filter in front of triage's patterns: which words it requires, and that it never
skips a text the pattern would have matched."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubdesk.triage import abuse, pii, pii_names, signals
from hubdesk.triage.cues import REMEMBERED_CHARACTERS, CuedPattern, required_cues
from hubdesk.triage.priority import PrioritySuggester


def _product_patterns() -> list[CuedPattern]:
    found = [value for module in (signals, abuse, pii, pii_names)
             for value in vars(module).values() if isinstance(value, CuedPattern)]
    found += [pattern for pattern, _, _ in PrioritySuggester()._keywords]
    return found


PRODUCT_PATTERNS = _product_patterns()


def test_the_words_a_phrase_needs_are_its_cues() -> None:
    assert required_cues(r"\b(lawyers?|sue|legal\s+action)\b", re.I) == {"lawyer", "sue",
                                                                          "action"}
    # The most selective mandatory part wins: the longer shortest word.
    assert required_cues(r"\b(refund|money back)\s+(now|today)\b") == {"refund", "money back"}
    # A letter written in both cases is still that letter.
    assert required_cues(r"[Mm]y name is") == {"my name is"}


@pytest.mark.parametrize("pattern", [
    r"\d{3}-\d{4}",  # no letters at all
    r"(?:refund|)\s*\d+",  # an alternative that needs nothing
    r"\b(a|an|the)\b",  # only cues of one letter: in every message anyway
    r"\u00e9t\u00e9",  # letters outside ASCII around a single one inside
    r"(",  # not a pattern
])
def test_a_pattern_that_promises_no_word_is_always_run(pattern: str) -> None:
    assert required_cues(pattern, re.I) is None


def test_every_product_pattern_but_a_few_has_cues() -> None:
    assert len(PRODUCT_PATTERNS) >= 15
    with_cues = [pattern for pattern in PRODUCT_PATTERNS if pattern.cues]
    assert len(with_cues) == len(PRODUCT_PATTERNS)


def test_a_text_without_the_cues_is_not_searched_and_answers_like_the_pattern() -> None:
    legal = CuedPattern(r"\b(lawyers?|court)\b", re.I)
    assert not legal.may_match("Where is my parcel?")
    assert legal.search("Where is my parcel?") is None
    assert legal.findall("Where is my parcel?") == []
    assert list(legal.finditer("Where is my parcel?")) == []
    assert legal.search("My LAWYER will call").group() == "LAWYER"  # type: ignore[union-attr]
    assert legal.findall("court, then a lawyer") == ["court", "lawyer"]


@pytest.mark.parametrize("text", ["PİN is 4821", "my pın is 4821", "paſſword: hunter2",
                                  "API KEY = abc"])
def test_letters_outside_ascii_that_case_folding_matches_are_read_as_their_twins(
        text: str) -> None:
    # "İ", "ı", "ſ" and the Kelvin sign match ASCII letters when case is ignored.
    assert pii._SECRET.regex.search(text)
    assert pii._SECRET.may_match(text)
    assert pii._SECRET.search(text)


@pytest.mark.parametrize("cued", PRODUCT_PATTERNS, ids=lambda cued: cued.pattern[:40])
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.filter_too_much])
@given(data=st.data())
def test_whatever_a_product_pattern_matches_holds_one_of_its_cues(
        cued: CuedPattern, data: st.DataObject) -> None:
    text = data.draw(st.from_regex(cued.regex))
    variant = data.draw(st.sampled_from([str.upper, str.lower, str.swapcase, str.title]))
    for candidate in (text, variant(text)):
        if cued.regex.search(candidate):
            assert cued.may_match(candidate), candidate


def test_a_text_too_long_to_remember_is_filtered_the_same_way() -> None:
    legal = CuedPattern(r"\b(lawyers?|court)\b", re.I)
    padding = "x" * (REMEMBERED_CHARACTERS + 1)
    assert not legal.may_match(padding + " parcel")
    assert legal.search(padding + " My LAWYER").group() == "LAWYER"  # type: ignore[union-attr]
