from hubdesk.domain.triage import IntentPrediction, SentimentSignals
from hubdesk.triage.priority import PriorityRules, PrioritySuggester
from hubdesk.triage.similarity import PastTicket, SimilarityIndex

CALM = SentimentSignals(0.0, 0.1, 0.1, False, 0.9)
ANGRY = SentimentSignals(-0.8, 0.9, 0.8, True, 0.9, ("repeated_contact",))
NO_INTENT = IntentPrediction(None, 0.0, "none", abstained=True)


def test_an_outage_from_an_angry_vip_is_urgent_with_reasons():
    suggestion = PrioritySuggester().suggest(
        "your service is down again", ANGRY, NO_INTENT, customer_tier="VIP"
    )
    assert suggestion.priority == "urgent"
    assert {r.rule for r in suggestion.reasons} == {
        "keyword:outage",
        "signal:angry",
        "signal:urgent",
        "signal:repeated",
        "tier:vip",
    }


def test_a_plain_question_is_normal_and_a_category_can_raise_it():
    rules = PriorityRules(category_weights={"card_compromised": 3})
    question = PrioritySuggester(rules).suggest("how do I change my address?", CALM, NO_INTENT)
    assert question.priority == "normal" and question.reasons == ()
    compromised = IntentPrediction("card_compromised", 0.9, "v1")
    raised = PrioritySuggester(rules).suggest("someone has my card", CALM, compromised)
    assert raised.priority == "high"


def test_similar_tickets_and_duplicates():
    index = SimilarityIndex(
        [
            PastTicket(1, "My card has not arrived yet", customer_id=7, is_open=True),
            PastTicket(2, "Card still not arrived after two weeks", resolution="Reissued card"),
            PastTicket(3, "How do I reset my password?"),
        ]
    )
    found = index.similar("my card has not arrived", customer_id=7)
    assert [m.ticket_id for m in found][:2] == [1, 2]
    assert found[0].likely_duplicate and not found[1].likely_duplicate
    assert found[1].resolution == "Reissued card"
    assert [m.ticket_id for m in index.likely_duplicates("my card has not arrived", 7)] == [1]
    assert index.likely_duplicates("my card has not arrived", 8) == []


def test_an_empty_index_finds_nothing():
    assert SimilarityIndex([]).similar("anything") == []
