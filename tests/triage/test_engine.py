import pytest

from hubdesk.domain.triage import TriageResult
from hubdesk.triage.engine import TriageConfig, TriageEngine


@pytest.fixture(scope="module")
def engine(small_classifier) -> TriageEngine:
    return TriageEngine(TriageConfig(languages=("en", "de", "fr")), intent=small_classifier)


BAD_INPUTS = [
    "",
    None,
    b"\x00\xff\xfe\x80 binary \x01",
    "😀😀😀🔥🔥",
    "<html><script>alert('x')</script><p>Bonjour, ma carte est bloquée</p></html>",
    "Привет! 你好 hello مرحبا mixed scripts",
    "a" * 1_000_000,
    "\u202e\u200b\ufeff",
    12345,
]


@pytest.mark.parametrize("value", BAD_INPUTS, ids=range(len(BAD_INPUTS)))
def test_bad_input_returns_a_result(engine, value):
    result = engine.analyse(value)
    assert isinstance(result, TriageResult)
    assert result.errors == ()


def test_a_real_message(engine):
    result = engine.analyse(
        "I was charged twice and my card 4539 1488 0343 6467 still has not arrived!!!",
        customer_tier="vip",
    )
    assert result.intent.category == "card_arrival"
    assert result.intent.model_version == engine.model_version
    assert result.language.code == "en"
    assert "[CARD ****6467]" in result.masked_text
    assert [span.entity for span in result.pii] == ["CREDIT_CARD"]
    rules = {reason.rule for reason in result.priority.reasons}
    assert {"keyword:charged_twice", "tier:vip"} <= rules


def test_a_german_message_is_not_scored_with_the_english_lexicon(engine):
    result = engine.analyse("Ich habe die Rechnung bezahlt, aber die Karte wurde zweimal "
                            "belastet. Können Sie mir bitte helfen?")
    assert result.language.code == "de"
    assert result.signals.sentiment == 0.0 and not result.signals.difficult_contact


def test_a_late_french_order_is_not_read_as_an_english_insult(engine):
    result = engine.analyse("Bonjour, ma commande est en retard et je n'ai toujours rien "
                            "reçu. Je rappellerai plus tard.")
    assert result.language.code == "fr"
    assert not result.abuse.abusive and result.abuse.terms == ()


def test_a_huge_message_is_truncated_and_its_tail_still_masked(engine):
    result = engine.analyse("hello " * 10_000 + " card 4539 1488 0343 6467")
    assert result.truncated
    assert "6467" not in result.masked_text


def test_a_failing_stage_leaves_a_neutral_verdict(small_classifier):
    class Broken:
        version = "broken-1"

        def predict(self, text):
            raise RuntimeError("model file damaged")

    result = TriageEngine(intent=Broken()).analyse("refund please")  # type: ignore[arg-type]
    assert result.errors == ("intent",)
    assert result.intent.abstained


def test_the_budget_skips_stages_but_never_personal_data():
    result = TriageEngine(TriageConfig(budget_ms=0.0)).analyse("mail me at a@example.com")
    assert "intent" in result.skipped
    assert result.pii[0].entity == "EMAIL_ADDRESS"


def test_a_threat_is_found_however_busy_the_machine_is():
    busy = TriageEngine(TriageConfig(budget_ms=0.0))
    result = busy.analyse("I know where you live and I will find you.")
    assert "abuse" not in result.skipped
    assert result.abuse.abusive
    assert "threat" in result.abuse.kinds


def test_without_a_model_every_ticket_goes_to_humans(tmp_path):
    from hubdesk.triage.intent.store import ModelStore

    engine = TriageEngine.with_stored_model(store=ModelStore(tmp_path))
    result = engine.analyse("refund please")
    assert result.intent.abstained and result.intent.model_version == "none"


def test_result_is_json_ready(engine):
    import json

    assert json.dumps(engine.analyse("thanks!").to_dict())


def test_the_json_view_holds_what_asdict_gives(engine):
    from dataclasses import asdict

    result = engine.analyse("URGENT!!! Card 4111 1111 1111 1111 charged twice, call me on "
                            "+44 20 7946 0958 or I cancel. Jane Doe")
    assert result.pii and result.intent.alternatives is not None
    assert result.to_dict() == asdict(result)
