"""What triage proposes to the agent, from stored summaries alone."""

from hubdesk.domain.intake import proposed_categories


def _summary(*alternatives):
    return {"intent": {"alternatives": [list(a) for a in alternatives]}}


def test_the_current_category_comes_first_then_triages_proposals_once_each():
    summaries = [_summary(("refund", 0.6), ("billing", 0.3)), None,
                 _summary(("billing", 0.7), ("delivery", 0.2)), {"intent": {}}]
    assert proposed_categories("complaint", summaries) == \
        ["complaint", "refund", "billing", "delivery"]
    assert proposed_categories(None, []) == []
    assert proposed_categories("refund", [_summary(("refund", 0.9))]) == ["refund"]
