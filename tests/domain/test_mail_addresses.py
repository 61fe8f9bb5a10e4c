"""Addresses found in text as a search for them finds them, in time linear in its length."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from hubdesk.domain.mail import addresses_in

SEARCH = re.compile(r"[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab.@-!_é <>,;\n", max_size=60))
def test_the_addresses_a_search_finds(text):
    assert addresses_in(text) == SEARCH.findall(text)


def test_addresses_among_other_text():
    assert addresses_in("Ann <ann@example.com>, bob@example.org; x@y, a@b.c!d@e.f") == [
        "ann@example.com", "bob@example.org", "a@b.c", "!d@e.f"]
    assert addresses_in("x" * 1_000_000 + "@example.com") == ["x" * 1_000_000 + "@example.com"]
