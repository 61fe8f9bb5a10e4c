"""What the product hashes passwords with (the suite's own processes hash at a lower cost,
tests/conftest.py): argon2id at no less than OWASP's recommended minimum."""

from __future__ import annotations

from argon2 import Type

from hubdesk.services import auth
from tests.conftest import PRODUCT_HASHER

# OWASP's Password Storage Cheat Sheet: argon2id with at least 19 MiB and two passes.
LEAST_MEMORY_KIB = 19 * 1024
LEAST_PASSES = 2


def test_the_product_hashes_with_argon2id_at_no_less_than_the_recommended_cost():
    assert PRODUCT_HASHER.type is Type.ID
    assert PRODUCT_HASHER.memory_cost >= LEAST_MEMORY_KIB
    assert PRODUCT_HASHER.time_cost >= LEAST_PASSES


def test_a_hash_made_by_the_product_is_checked_at_its_own_cost():
    stored = PRODUCT_HASHER.hash("correct horse battery")
    assert f"m={PRODUCT_HASHER.memory_cost},t={PRODUCT_HASHER.time_cost}" in stored
    assert auth.password_matches(stored, "correct horse battery")
    assert not auth.password_matches(stored, "correct horse battery!")
