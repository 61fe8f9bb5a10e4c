"""Quick checks on small slices of the public data sets (skipped where they are absent)."""

from itertools import islice

import pytest

from hubdesk.triage.evaluation import datasets
from hubdesk.triage.language import LanguageDetector
from hubdesk.triage.pii import PiiDetector


def test_pii_recall_on_the_checksummed_entities(shared_data):
    records = datasets.presidio_synthetic(shared_data)[:400]
    detector = PiiDetector()
    wanted = {"CREDIT_CARD", "IBAN_CODE", "EMAIL_ADDRESS", "US_SSN"}
    missed = []
    for record in records:
        spans = detector.detect(record["full_text"])
        for gold in record["spans"]:
            if gold["entity_type"] in wanted and not any(
                span.entity == gold["entity_type"]
                and span.start < gold["end_position"]
                and gold["start_position"] < span.end
                for span in spans
            ):
                missed.append(gold["entity_value"])
    assert missed == []


def test_language_on_the_first_sentences_of_each_language(shared_data):
    samples = list(datasets.language_samples(shared_data, "sentences"))
    by_language: dict[str, list[str]] = {}
    for text, code in samples:
        by_language.setdefault(code, []).append(text)
    detector = LanguageDetector(sorted(by_language))
    checked = [(text, code) for code, texts in by_language.items() for text in texts[:30]]
    correct = sum(detector.detect(text).code == code for text, code in checked)
    assert correct / len(checked) >= 0.97


def test_a_small_banking77_slice_trains_and_predicts(shared_data):
    from hubdesk.triage.intent.training import train_intent_classifier

    data = datasets.banking77(shared_data)
    categories = sorted({label for _, label in data.train})[:8]
    train = [pair for pair in data.train if pair[1] in categories][:400]
    test = [pair for pair in data.test if pair[1] in categories][:80]
    model = train_intent_classifier(train)
    accuracy = sum(
        max(model.predict(text).alternatives, key=lambda a: a[1])[0] == label
        for text, label in test
    ) / len(test)
    assert accuracy >= 0.8


@pytest.mark.parametrize("loader", ["uci_sentiment", "davidson", "clinc150"])
def test_the_other_readers_parse(shared_data, loader):
    loaded = getattr(datasets, loader)(shared_data)
    assert loaded
    if loader == "clinc150":
        assert any(label == "oos" for _, label in islice(reversed(loaded.test), 5))


def test_goemotions_anger_labels(shared_data):
    rows = datasets.goemotions_anger(shared_data, "dev")
    share = sum(label for _, label in rows) / len(rows)
    assert 0.05 < share < 0.25


def test_bitext_read_through_its_own_column_names_trains_and_predicts(shared_data):
    """Bitext names its text `instruction` and has both a coarse `category` and an `intent`."""
    from hubdesk.triage.intent.training import train_intent_classifier

    path = (shared_data / "bitext_customer_support"
            / "Bitext_Sample_Customer_Support_Training_Dataset.csv")
    if not path.exists():
        pytest.skip(f"{path} is absent")
    rows = datasets.read_examples(path, datasets.Columns("instruction", "intent"))
    intents = sorted({label for _, label in rows})[:8]
    chosen = [pair for pair in rows if pair[1] in intents]
    train = [pair for n, pair in enumerate(chosen) if n % 5][:600]
    test = [pair for n, pair in enumerate(chosen) if not n % 5][:120]
    model = train_intent_classifier(train)
    best = model.classes[model.log_proba([text for text, _ in test]).argmax(axis=1)]
    accuracy = sum(guess == label for guess, (_, label) in zip(best, test, strict=True))
    assert accuracy / len(test) >= 0.9
