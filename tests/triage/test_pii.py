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


def people(detector: PiiDetector, text: str) -> list[str]:
    return [value for entity, value in entities(detector, text) if entity == "PERSON"]


def addresses(detector: PiiDetector, text: str) -> list[str]:
    return [value for entity, value in entities(detector, text) if entity == "STREET_ADDRESS"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Yesterday Deborah Whitfield phoned about the refund.", ["Deborah Whitfield"]),
        ("Could you ask Melissa to call me back?", ["Melissa"]),
        ("The parcel went to Harold T. McAllister instead.", ["Harold T. McAllister"]),
        ("Will Patterson has the same problem.", ["Will Patterson"]),
        ("Kind regards,\nOkonkwo Adebayo", ["Okonkwo Adebayo"]),
        ("Dear Ms. Vasquez-Lindqvist, thanks for writing.", ["Vasquez-Lindqvist"]),
        ("Hi, I'm Priyanka Raghunathan from the Leeds office.", ["Priyanka Raghunathan"]),
        ("My name is Tomasz Wiśniewski.", ["Tomasz Wiśniewski"]),
        ("I spoke with Gregory on the phone.", ["Gregory"]),
    ],
)
def test_person_names_from_the_name_list_and_cues(detector, text, expected):
    assert people(detector, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Will you refund me? I would like to mark this as urgent.",
        "Dear Valued Customer, your order ships on Monday.",
        "Hi Team, the April invoice is wrong. May I get a copy?",
        "I am Very upset and I'm French, so please answer in French.",
        "My bill from Georgia Power doubled since Christmas.",
        "Regards, Billing Department",
        "The Jackson Street branch and Lincoln Park store were closed.",
        "Hello Support, the Alexa app and the Chase card both fail.",
        "Grace period ends in August. Faith Healing Ministries is not us.",
    ],
)
def test_words_places_and_companies_are_not_people(detector, text):
    assert people(detector, text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ship to 1600 Willow Creek Rd, Apt 12B please", "1600 Willow Creek Rd, Apt 12B"),
        ("we moved to 88 Harbour View, Portsmouth PO1 3AX last week", None),
        ("It's 4 Larkspur Crescent, Dunmore, OH 43017.", "4 Larkspur Crescent, Dunmore, OH 43017"),
        ("Adresse: Lindenstraße 27, 50674 Köln", "Lindenstraße 27, 50674 Köln"),
        ("Livraison au 17 rue des Acacias, 69003 Lyon", "17 rue des Acacias, 69003 Lyon"),
        ("Enviar a Calle de Toledo 41, Madrid", "Calle de Toledo 41"),
        ("Abito in Via Garibaldi, 22", "Via Garibaldi, 22"),
        ("My address is 9 Orchard Close, Little Hadley.", "9 Orchard Close, Little Hadley"),
        ("Post it to PO Box 5521, Fairview, TN 37062", "PO Box 5521, Fairview, TN 37062"),
        ("Send to 230 Marlow, Riverton, WY 82501", "230 Marlow, Riverton, WY 82501"),
        ("Storgatan 14, 114 55 Stockholm", "Storgatan 14, 114 55 Stockholm"),
    ],
)
def test_street_addresses(detector, text, expected):
    found = addresses(detector, text)
    if expected is None:
        assert len(found) == 1 and found[0].startswith("88 Harbour View")
    else:
        assert found == [expected]


@pytest.mark.parametrize(
    "text",
    [
        "I bought 3 Large Pizzas on August 12 and the last 4 digits are 1234.",
        "I contacted you via Chat 2 times and sent 3 via DHL.",
        "Please send it to Sarah by 5 May.",
        "Order 55 was shipped in Spring 2024, the First 3 items were fine.",
        "Drive 2 hours down the road to 3 stores.",
    ],
)
def test_numbers_next_to_capitals_are_not_addresses(detector, text):
    assert addresses(detector, text) == []


def test_a_phone_number_does_not_reach_back_over_a_line_break(detector):
    text = "PO Box 311, Garnet, MT 59601\n406 555 0143 is my number"
    found = entities(detector, text)
    assert ("STREET_ADDRESS", "PO Box 311, Garnet, MT 59601") in found
    assert ("PHONE_NUMBER", "406 555 0143") in found


def test_names_and_addresses_are_reported_but_not_masked_by_default(detector):
    text = "Jennifer Okafor, 12 Baker Street, card 4539 1488 0343 6467"
    assert mask(text, detector.detect(text)) == (
        "Jennifer Okafor, 12 Baker Street, card [CARD ****6467]"
    )


@pytest.mark.parametrize("written", [
    "4539148803436467", "4539 1488 0343 6467", "4539-1488-0343-6467", "4539.1488.0343.6467",
    "4539 1488-0343.6467", "4539\u00a01488\u00a00343\u00a06467",
    "4539\u20131488\u20130343\u20136467",
])
def test_card_numbers_are_masked_in_every_separator_form(detector, written):
    assert detector.mask(f"my card is {written}.") == "my card is [CARD ****6467]."


def test_dotted_numbers_that_are_not_cards_stay(detector):
    assert luhn_valid("192168100209")  # twelve digits that pass the checksum: still an address
    assert detector.mask("from 192.168.100.209 at 10.20.30.40") == (
        "from 192.168.100.209 at 10.20.30.40")
    assert detector.mask("card 4539.1488.0343.6468") == "card 4539.1488.0343.6468"  # no Luhn
