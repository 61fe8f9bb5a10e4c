"""The n-grams TF-IDF features are made of, without importing scikit-learn.

Training fits scikit-learn's vectorizers; scoring one message needs only their vocabularies,
idf weights and the n-grams of the message. These functions produce the same n-grams as the
vectorizers' analysers with the options triage uses (lower-cased text, the default token
pattern of words of two or more characters, `char_wb` n-grams inside padded words), so a
server that only scores never loads scikit-learn and SciPy (about 110 MB resident). The tests
compare both on every text of the shared data sets.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def word_ngrams(text: str, low: int = 1, high: int = 2) -> list[str]:
    """Word n-grams of `low`..`high` words, over the words of two or more characters."""
    tokens = _TOKEN.findall(text.lower())
    grams = list(tokens) if low == 1 else []
    for size in range(max(low, 2), min(high, len(tokens)) + 1):
        grams += [" ".join(tokens[start : start + size])
                  for start in range(len(tokens) - size + 1)]
    return grams


def char_wb_ngrams(text: str, low: int = 2, high: int = 5) -> list[str]:
    """Character n-grams inside each word padded with one space on each side; a padded word
    shorter than `low` counts once, whole, and none longer than the word is made."""
    grams: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        length = len(padded)
        if length < low:
            grams.append(padded)
            continue
        for size in range(low, min(high, length) + 1):
            grams += [padded[start : start + size] for start in range(length - size + 1)]
    return grams
