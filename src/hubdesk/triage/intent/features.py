"""TF-IDF over word and character n-grams, with a fast path for one message at a time.

scikit-learn's vectorizers are built for batches: transforming a single message through a
feature union costs about a millisecond of Python and sparse-matrix bookkeeping. Triage sees
one message at a time, so `transform_one` reuses the fitted vocabularies and idf weights and
returns plain (index, value) arrays, about ten times faster and numerically identical. A stored
featurizer keeps only those vocabularies and weights, and its n-grams come from `ngrams.py`:
scoring loads neither scikit-learn nor SciPy.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

import numpy as np

from hubdesk.triage.arrays import Float32Array, IntArray
from hubdesk.triage.ngrams import char_wb_ngrams, word_ngrams

if TYPE_CHECKING:
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer

WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
# Words whose n-gram columns a scoring process remembers: a few MB at most.
WORDS_REMEMBERED = 16_384
# Longer "words" are not remembered: in Japanese, Chinese or Thai a whole sentence has no
# space in it, is rarely seen twice, and its columns take up to a thousand times a word's
# (remembering them grew a process by 90 MB every thousand 2,000-character messages).
LONGEST_WORD_REMEMBERED = 32


def _word_vectorizer() -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(ngram_range=WORD_NGRAMS, sublinear_tf=True, lowercase=True,
                           dtype=np.float32)


def _char_vectorizer() -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    # char_wb keeps n-grams inside word boundaries: robust to typos and inflections
    # ("refunded", "refund", "refnd") without the noise of n-grams spanning two words.
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=CHAR_NGRAMS, sublinear_tf=True, min_df=2,
        dtype=np.float32
    )


class _FastPart:
    """One fitted vectorizer reduced to what a single-message transform needs: no
    scikit-learn object, so a stored model loads and scores without scikit-learn."""

    def __init__(self, vectorizer: TfidfVectorizer, offset: int) -> None:
        self.kind = str(vectorizer.analyzer)
        self.ngram_range: tuple[int, int] = tuple(vectorizer.ngram_range)
        self.vocabulary: dict[str, int] = dict(vectorizer.vocabulary_)
        self.idf = vectorizer.idf_.astype(np.float32)
        self.offset = offset

    @property
    def analyse(self) -> Callable[[str], list[str]]:
        ngrams = char_wb_ngrams if self.kind == "char_wb" else word_ngrams
        return partial(ngrams, low=self.ngram_range[0], high=self.ngram_range[1])

    def columns(self, text: str) -> list[int]:
        """The columns of the text's n-grams in the whole feature space (offset added), once
        per occurrence."""
        if self.kind == "char_wb":
            return self._char_columns(text)
        vocabulary, offset = self.vocabulary, self.offset
        return [vocabulary[gram] + offset for gram in self.analyse(text) if gram in vocabulary]

    def _char_columns(self, text: str) -> list[int]:
        """The vocabulary columns of the text's character n-grams, word by word: a word's
        n-grams never depend on its neighbours, and the words of support messages repeat, so
        each word's columns are worked out once and remembered (a bounded number of them)."""
        columns_of = self.__dict__.get("_columns_of")
        if columns_of is None:
            columns_of = self.__dict__["_columns_of"] = lru_cache(WORDS_REMEMBERED)(
                self._word_columns)
        found: list[int] = []
        for word in text.lower().split():
            if len(word) <= LONGEST_WORD_REMEMBERED:
                found += columns_of(word)
            else:
                found += self._word_columns(word)
        return found

    def _word_columns(self, word: str) -> tuple[int, ...]:
        vocabulary, offset = self.vocabulary, self.offset
        low, high = self.ngram_range
        return tuple(vocabulary[gram] + offset for gram in char_wb_ngrams(word, low, high)
                     if gram in vocabulary)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("_columns_of", None)  # a cache of this process, rebuilt on use
        return state


class NgramFeaturizer:
    def __init__(self) -> None:
        # Present while training; a stored featurizer keeps only its fast parts.
        self.word: TfidfVectorizer | None = _word_vectorizer()
        self.char: TfidfVectorizer | None = _char_vectorizer()
        self._fast: tuple[_FastPart, _FastPart] | None = None

    @property
    def dimension(self) -> int:
        word, char = self._parts()
        return len(word.vocabulary) + len(char.vocabulary)

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        import scipy.sparse as sp

        assert self.word is not None and self.char is not None
        # The vectorizers are untyped; hstack with format="csr" answers a CSR matrix.
        matrix: sp.csr_matrix = sp.hstack(
            [self.word.fit_transform(texts), self.char.fit_transform(texts)], format="csr"
        )
        self._fast = None
        self.__dict__.pop("_joined_idf", None)  # the previous fit's weights
        return matrix

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        import scipy.sparse as sp

        if self.word is None or self.char is None:
            return self._transform_stored(texts)
        matrix: sp.csr_matrix = sp.hstack(
            [self.word.transform(texts), self.char.transform(texts)], format="csr"
        )
        return matrix

    def _transform_stored(self, texts: Sequence[str]) -> sp.csr_matrix:
        """A stored featurizer's batch: its single-message rows stacked."""
        import scipy.sparse as sp

        rows = [self.transform_one(text) for text in texts]
        pointers = np.cumsum([0, *(len(index) for index, _ in rows)])
        columns = np.concatenate([index for index, _ in rows]) if rows else np.empty(0)
        values = np.concatenate([value for _, value in rows]) if rows else np.empty(0)
        matrix: sp.csr_matrix = sp.csr_matrix(
            (values.astype(np.float32), columns, pointers), shape=(len(rows), self.dimension)
        )
        matrix.sort_indices()
        return matrix

    def transform_one(self, text: str) -> tuple[IntArray, Float32Array]:
        """One message's non-zero columns and their values, as `transform` gives them.

        Both parts are counted and weighted together (numpy's fixed cost per call is most of
        the time at this size) and each part is then normalised on its own, as a feature
        union of two vectorizers does."""
        word, char = self._parts()
        found = word.columns(text) + char.columns(text)
        if not found:
            return np.empty(0, np.int64), np.empty(0, np.float32)
        index, tf = np.unique(np.asarray(found, np.int64), return_counts=True)
        values = np.log(tf.astype(np.float32))
        values += 1.0
        values *= self._idf()[index]
        split = int(np.searchsorted(index, char.offset))  # word columns come first
        squares = values * values
        for part in (slice(0, split), slice(split, None)):
            norm = math.sqrt(float(squares[part].sum()))
            if norm:
                values[part] /= norm
        return index, values

    def _idf(self) -> Float32Array:
        idf = self.__dict__.get("_joined_idf")
        if idf is None:
            word, char = self._parts()
            idf = self.__dict__["_joined_idf"] = np.concatenate([word.idf, char.idf])
        return idf

    def _parts(self) -> tuple[_FastPart, _FastPart]:
        if self._fast is None:
            assert self.word is not None and self.char is not None
            self._fast = (
                _FastPart(self.word, 0),
                _FastPart(self.char, len(self.word.vocabulary_)),
            )
        return self._fast

    def __getstate__(self) -> dict[str, Any]:
        # Only what scoring needs: a server loading the model then never imports scikit-learn.
        # Models stored before keep their vectorizers and build the fast parts from them.
        state = self.__dict__.copy()
        state.pop("_joined_idf", None)  # derived from the parts when first needed
        state["_fast"] = self._parts()
        state["word"] = state["char"] = None
        return state
