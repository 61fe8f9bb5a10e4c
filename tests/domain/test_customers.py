import pytest

from hubdesk.domain.customers import IdentityKind, display_name_from_email, normalise_identity
from hubdesk.domain.errors import ValidationFailed


def test_emails_compare_case_insensitively():
    assert normalise_identity(IdentityKind.EMAIL, " Jane.Doe@Example.COM ") == \
        "jane.doe@example.com"


@pytest.mark.parametrize("bad", ["", "no-at-sign", "a@b", "two@@x.com", "sp ace@x.com"])
def test_bad_emails_are_refused(bad):
    with pytest.raises(ValidationFailed):
        normalise_identity(IdentityKind.EMAIL, bad)


def test_phone_numbers_keep_plus_and_digits():
    assert normalise_identity(IdentityKind.PHONE, "+49 (30) 123-4567") == "+49301234567"
    assert normalise_identity(IdentityKind.PHONE, "0049 30 1234567") == "+49301234567"
    with pytest.raises(ValidationFailed):
        normalise_identity(IdentityKind.PHONE, "12")


def test_display_name_from_email():
    assert display_name_from_email("jane.doe-smith@x.com") == "Jane Doe Smith"
    assert display_name_from_email("123@x.com") == "123@x.com"
