import pytest

from hubdesk.triage.pii import PiiDetector, iban_valid, luhn_valid, mask, mask_coarse


@pytest.fixture(scope="module")
def detector() -> PiiDetector:
    return PiiDetector()


def entities(detector: PiiDetector, text: str) -> list[tuple[str, str]]:
    return [(span.entity, text[span.start : span.end]) for span in detector.detect(text)]


def test_checksums():
    assert luhn_valid("4539148803436467")
    assert not luhn_valid("4539148803436468")
    assert iban_valid("GB82 WEST 1234 5698 7654 32")
    assert not iban_valid("GB82 WEST 1234 5698 7654 33")


def test_card_numbers_are_found_only_when_luhn_valid(detector):
    assert entities(detector, "card 4539 1488 0343 6467 please") == [
        ("CREDIT_CARD", "4539 1488 0343 6467")
    ]
    assert entities(detector, "order number 4539148803436468") == []


def test_iban_with_spaces_stops_before_the_next_word(detector):
    text = "send it to GB82 WEST 1234 5698 7654 32 to pay"
    assert entities(detector, text) == [("IBAN_CODE", "GB82 WEST 1234 5698 7654 32")]


def test_email_ssn_ip_and_phone(detector):
    text = "Mail ana@example.com, SSN 123-45-6789, from 10.0.0.1, call +44 20 7946 0958"
    assert entities(detector, text) == [
        ("EMAIL_ADDRESS", "ana@example.com"),
        ("US_SSN", "123-45-6789"),
        ("IP_ADDRESS", "10.0.0.1"),
        ("PHONE_NUMBER", "+44 20 7946 0958"),
    ]


def test_never_issued_ssns_are_not_ssns_and_dates_are_not_phones(detector):
    assert "US_SSN" not in dict(entities(detector, "ref 000-12-3456"))
    assert entities(detector, "on 2024-01-15 10:30") == []


def test_secrets_are_found(detector):
    assert entities(detector, "my password: hunter22") == [("SECRET", "hunter22")]


def test_mask_keeps_the_last_four_card_digits_and_leaves_the_rest(detector):
    text = "card 4539 1488 0343 6467, mail ana@example.com"
    masked = mask(text, detector.detect(text))
    assert masked == "card [CARD ****6467], mail ana@example.com"
    assert (
        detector.mask(text, {"EMAIL_ADDRESS"}) == "card 4539 1488 0343 6467, mail [EMAIL_ADDRESS]"
    )


def test_coarse_mask_removes_every_long_digit_run():
    assert mask_coarse("x 4539 1488 0343 6467 y 123") == "x [REDACTED] y 123"


def test_junk_and_empty_text(detector):
    assert detector.detect("") == ()
    assert isinstance(detector.detect(bytes(range(256)).decode("latin-1") * 20), tuple)
