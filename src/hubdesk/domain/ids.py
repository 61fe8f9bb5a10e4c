"""The ids records carry: positive integers a signed 64-bit column holds.

One bound for every layer that reads an id from outside (API paths and queries, list
cursors, console forms), so a number no column can hold is refused where it is read instead
of reaching the database as an error."""

from __future__ import annotations

LARGEST_ID = 2**63 - 1

# Every number of this many digits is an id a column can hold; one digit more may not be.
ID_DIGITS = len(str(LARGEST_ID)) - 1


def is_storable_id(number: int) -> bool:
    return 1 <= number <= LARGEST_ID
