from hypothesis import given
from hypothesis import strategies as st

from hubdesk.triage.text import (
    MAX_ANALYSED_CHARACTERS,
    capital_count,
    coerce_to_text,
    is_mostly_symbols,
    letter_count,
    prepare,
)


def test_scripts_and_tags_are_removed_and_words_kept():
    prepared = prepare("<p>Hello <b>there</b></p><script>steal(document.cookie)</script>&amp; bye")
    assert prepared.text == "Hello there & bye"


def test_plain_text_with_angle_brackets_is_left_alone():
    assert prepare("2 < 3 and 5 > 4").text == "2 < 3 and 5 > 4"


def test_a_megabyte_is_cut_to_the_analysed_length():
    prepared = prepare("word " * 200_000)
    assert prepared.truncated
    assert len(prepared.text) <= MAX_ANALYSED_CHARACTERS
    assert prepared.original_length == 1_000_000


def test_bytes_none_and_objects_become_text():
    assert coerce_to_text(b"caf\xc3\xa9 \xff") == "café \ufffd"
    assert coerce_to_text(None) == ""
    assert coerce_to_text(42) == "42"


def test_control_characters_become_spaces():
    assert prepare("a\x00b\x07c").text == "a b c"


def test_emoji_only_counts_as_symbols():
    assert is_mostly_symbols("😀😀 👍")
    assert not is_mostly_symbols("hello 😀")


@given(st.text() | st.text(alphabet=st.characters(max_codepoint=127)))
def test_letters_and_capitals_are_counted_as_each_character_would_say(text: str) -> None:
    assert letter_count(text) == sum(map(str.isalpha, text))
    assert capital_count(text) == sum(map(str.isupper, filter(str.isalpha, text)))


def test_every_ascii_character_is_counted_as_python_reads_it() -> None:
    every = "".join(map(chr, range(128)))
    assert letter_count(every) == 52
    assert capital_count(every) == 26
    assert (letter_count("Straße Ⅻ"), capital_count("Straße Ⅻ")) == (6, 1)
