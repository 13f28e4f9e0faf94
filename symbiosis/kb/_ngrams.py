"""Character n-grams and the TF-IDF space the classifier embeds texts in (scipy.sparse, no scikit-learn)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import sparse

__all__ = ["LENGTH_DAMPING", "NgramSpace", "char_ngrams", "fit_space"]


def char_ngrams(words: Iterable[str], *, n_min: int = 3, n_max: int = 5) -> list[str]:
    """Return word-boundary-aware character n-grams of ``words`` (each word padded with spaces).

    Like scikit-learn's ``analyzer="char_wb"``: n-grams never span two words, and the padding lets an
    n-gram mark the beginning or end of a word (``" spl"``, ``"spl "``). A word shorter than
    ``n_min`` yields itself, padded.

    Parameters
    ----------
    words
        Stemmed tokens.
    n_min, n_max
        Shortest and longest n-gram length.
    """
    grams: list[str] = []
    for word in words:
        grams.extend(_word_ngrams(word, n_min, n_max))
    return grams


#: Exponent of the per-word damping of long words in :meth:`NgramSpace.counts` (0 = none).
LENGTH_DAMPING = 0.25


@lru_cache(maxsize=65536)
def _length_damping(word: str) -> float:
    return (9.0 / max(len(_word_ngrams(word, 3, 5)), 1)) ** LENGTH_DAMPING


@lru_cache(maxsize=65536)
def _word_ngrams(word: str, n_min: int, n_max: int) -> tuple[str, ...]:
    padded = f" {word} "
    if len(padded) <= n_min:
        return (padded,)
    return tuple(padded[i : i + n] for n in range(n_min, n_max + 1) for i in range(len(padded) - n + 1))


@dataclass(frozen=True)
class NgramSpace:
    """A fitted character n-gram TF-IDF space: the n-gram vocabulary and its inverse document frequency.

    ``idf = ln((1 + N) / (1 + df)) + 1`` (scikit-learn's smoothed form), with ``N`` the number of
    fitting documents; term frequency is sub-linear (``1 + ln tf``); rows are L2-normalised.
    N-grams never seen at fit time are ignored when transforming.

    Parameters
    ----------
    vocabulary
        Column index of every n-gram.
    idf
        Inverse document frequency per column.
    """

    vocabulary: Mapping[str, int]
    idf: np.ndarray
    _columns: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False, compare=False)

    def columns(self, word: str) -> np.ndarray:
        """Return the columns of the n-grams of one word (repeated n-grams repeated), cached."""
        cols = self._columns.get(word)
        if cols is None:
            found = (self.vocabulary.get(gram) for gram in _word_ngrams(word, 3, 5))
            cols = np.fromiter((c for c in found if c is not None), dtype=np.int64)
            self._columns[word] = cols
        return cols

    def counts(
        self, token_lists: Sequence[Sequence[str]], weights: Sequence[Sequence[float]] | None = None
    ) -> sparse.csr_matrix:
        """Return n-gram counts (one row per token list), each word's n-grams counted with its weight.

        A word's n-grams also count ``(9 / n_grams) ** LENGTH_DAMPING`` (9: a four-letter word), so
        that one long word ("specification") does not outweigh the short word that names the
        resource ("chaux").
        """
        parts: list[np.ndarray] = [np.zeros(0, dtype=np.int64)]
        row_of_word: list[int] = []
        weight_of_word: list[float] = []
        for i, words in enumerate(token_lists):
            word_weights = weights[i] if weights is not None else [1.0] * len(words)
            for word, weight in zip(words, word_weights, strict=True):
                if weight > 0.0:
                    parts.append(self.columns(word))
                    row_of_word.append(i)
                    weight_of_word.append(weight * _length_damping(word))
        lengths = np.array([len(p) for p in parts[1:]], dtype=np.int64)
        rows = np.repeat(np.asarray(row_of_word, dtype=np.int64), lengths)
        data = np.repeat(np.asarray(weight_of_word, dtype=np.float64), lengths)
        shape = (len(token_lists), len(self.idf))
        matrix = sparse.csr_matrix((data, (rows, np.concatenate(parts))), shape=shape)
        matrix.sum_duplicates()
        return matrix

    def weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        """Return ``counts`` as sub-linear TF-IDF rows, L2-normalised (empty rows stay empty).

        Term frequency is ``1 + ln(c)`` for counts above 1 and ``c`` itself below (weighted words).
        """
        weighted = counts.astype(np.float64, copy=True).tocsr()
        tf = weighted.data
        weighted.data = np.where(tf > 1.0, 1.0 + np.log(np.maximum(tf, 1.0)), tf) * self.idf[weighted.indices]
        row_nnz = np.diff(weighted.indptr)
        rows = np.repeat(np.arange(weighted.shape[0]), row_nnz)
        norms = np.sqrt(np.bincount(rows, weights=weighted.data**2, minlength=weighted.shape[0]))
        weighted.data /= np.repeat(np.where(norms > 0.0, norms, 1.0), row_nnz)
        return weighted

    def transform(
        self, token_lists: Sequence[Sequence[str]], weights: Sequence[Sequence[float]] | None = None
    ) -> sparse.csr_matrix:
        """Return L2-normalised TF-IDF rows of ``token_lists`` (words optionally weighted)."""
        return self.weigh(self.counts(token_lists, weights)).tocsr()


def fit_space(documents: Sequence[Sequence[str]]) -> NgramSpace:
    """Fit an :class:`NgramSpace` on ``documents`` (each a list of stemmed tokens).

    Parameters
    ----------
    documents
        The fitting corpus; document frequency counts in how many documents an n-gram appears.
    """
    vocabulary: dict[str, int] = {}
    df: list[int] = []
    for words in documents:
        # First-occurrence order, not a set's: a set of strings iterates in the order of their hashes,
        # which Python salts per process (PYTHONHASHSEED), so the columns — and the order in which a
        # sparse dot product sums them, to the last bit — would differ between processes (issue #16).
        for gram in dict.fromkeys(char_ngrams(words)):
            col = vocabulary.setdefault(gram, len(vocabulary))
            if col == len(df):
                df.append(0)
            df[col] += 1
    n_docs = len(documents)
    idf = np.log((1.0 + n_docs) / (1.0 + np.asarray(df, dtype=np.float64))) + 1.0
    return NgramSpace(vocabulary=vocabulary, idf=idf)
