"""The n-grams a stored model scores with are scikit-learn's, without scikit-learn."""

from __future__ import annotations

from collections import Counter

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from hubdesk.triage.evaluation import datasets
from hubdesk.triage.ngrams import char_wb_ngrams, word_ngrams
from hubdesk.triage.text import prepare

AWKWARD = [
    "", " ", "a", "I", "ab", "a b c", "  spaced \t out\n\nlines  ", "Ünïcödé ÉCOLE Straße",
    "e-mail a_b@c.d, 12 34 5678!", "ΑΒΓ δεζ", "日本語のテキスト", "can't won’t", "x" * 30,
    "REFUND!!! NOW??", "mixed123 tokens_with_underscores",
]


def _analysers(char_range: tuple[int, int]):
    word = TfidfVectorizer(ngram_range=(1, 2)).build_analyzer()
    char = TfidfVectorizer(analyzer="char_wb", ngram_range=char_range).build_analyzer()
    return word, char


def _differing(texts: list[str], char_range: tuple[int, int]) -> list[str]:
    word, char = _analysers(char_range)
    return [text for text in texts
            if Counter(word(text)) != Counter(word_ngrams(text))
            or Counter(char(text)) != Counter(char_wb_ngrams(text, *char_range))]


@pytest.mark.parametrize("char_range", [(2, 5), (3, 5)])
def test_the_same_ngrams_as_scikit_learn_on_awkward_texts(char_range, examples):
    texts = AWKWARD + [prepare(text).text for text, _ in examples]
    assert _differing(texts, char_range) == []


def test_the_same_ngrams_as_scikit_learn_on_banking77(shared_data):
    data = datasets.banking77(shared_data)
    texts = [prepare(text).text for text, _ in data.train[::4] + data.test]
    assert len(texts) > 5000
    assert _differing(texts, (2, 5)) == []


def test_one_message_scores_the_features_scikit_learn_gives_it(examples):
    """The single-message path (columns remembered word by word) against the fitted
    vectorizers' batch transform, twice over so remembered words are used too, and after a
    round trip through pickling, as a stored model is loaded."""
    import pickle

    import numpy as np

    from hubdesk.triage.intent.features import NgramFeaturizer

    texts = [prepare(text).text for text, _ in examples]
    featurizer = NgramFeaturizer()
    featurizer.fit_transform(texts)
    tried = AWKWARD + texts[:300] + ["refund refund refund please", "Refund, REFUND; refund!"]
    expected = featurizer.transform(tried).toarray()
    stored = pickle.loads(pickle.dumps(featurizer))
    for scorer in (featurizer, stored, stored):
        for row, text in zip(expected, tried, strict=True):
            index, values = scorer.transform_one(text)
            got = np.zeros_like(row)
            got[index] = values
            np.testing.assert_allclose(got, row, rtol=1e-5, atol=1e-6, err_msg=text)


def test_a_refitted_featurizer_scores_one_message_with_its_new_weights(examples):
    """Weights worked out for the single-message path belong to one fit: after fitting
    again, on other texts, one message scores as the new fit's batch transform does."""
    import numpy as np

    from hubdesk.triage.intent.features import NgramFeaturizer

    texts = [prepare(text).text for text, _ in examples]
    featurizer = NgramFeaturizer()
    featurizer.fit_transform(texts[::2])
    featurizer.transform_one(texts[0])
    featurizer.fit_transform(texts[1::2])
    tried = texts[:100]
    expected = featurizer.transform(tried).toarray()
    for row, text in zip(expected, tried, strict=True):
        index, values = featurizer.transform_one(text)
        got = np.zeros_like(row)
        got[index] = values
        np.testing.assert_allclose(got, row, rtol=1e-5, atol=1e-6, err_msg=text)
