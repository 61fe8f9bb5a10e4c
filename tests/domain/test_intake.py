"""What triage proposes to the agent, from stored summaries alone."""

from hubdesk.domain.intake import mask_cards, proposed_categories


def _summary(*alternatives):
    return {"intent": {"alternatives": [list(a) for a in alternatives]}}


def test_the_current_category_comes_first_then_triages_proposals_once_each():
    summaries = [_summary(("refund", 0.6), ("billing", 0.3)), None,
                 _summary(("billing", 0.7), ("delivery", 0.2)), {"intent": {}}]
    assert proposed_categories("complaint", summaries) == \
        ["complaint", "refund", "billing", "delivery"]
    assert proposed_categories(None, []) == []
    assert proposed_categories("refund", [_summary(("refund", 0.9))]) == ["refund"]


def test_card_numbers_are_masked_without_triage_in_any_separator_form():
    for written in ("4532015112830366", "4532 0151 1283 0366", "4532-0151-1283-0366",
                    "4532.0151.1283.0366", "4532 0151-1283.0366"):
        assert mask_cards(f"card {written}, thanks") == "card [CARD ****0366], thanks"


def test_a_card_followed_by_more_digits_is_still_found():
    assert mask_cards("4532 0151 1283 0366 12 times") == "[CARD ****0366] 12 times"
    assert mask_cards("4532 0151 1283 0366 2024") == "[CARD ****0366] 2024"


def test_numbers_failing_the_checksum_are_not_cards():
    assert mask_cards("order 4532.0151.1283.0367") == "order 4532.0151.1283.0367"
    # Passes the checksum, but one repeated digit is a placeholder, not a card.
    assert mask_cards("0000 0000 0000 0000") == "0000 0000 0000 0000"
