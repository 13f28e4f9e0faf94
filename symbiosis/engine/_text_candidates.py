"""Text matches: supplies paired with demands of the same kind whose descriptions are close.

Private to :mod:`symbiosis.engine.candidates`. The similarity is the cosine of the classifier's
L2-normalised character n-gram TF-IDF rows (``symbiosis.kb.classify.text_vectors``). The distinct
descriptions are tabulated first, so that only streams whose description has a close counterpart are
paired spatially (the full enumeration of every same-kind pair within reach stays for the cases the
table cannot answer exactly).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np
import pandas as pd

from symbiosis.engine import _candidate_pairs as _pairs
from symbiosis.engine._candidate_pairs import CHECKS, Pairs, Side
from symbiosis.engine.config import MatchConfig

__all__ = ["TextVectors", "text_candidates"]

logger = logging.getLogger("symbiosis.engine.candidates")

#: ``texts -> scipy.sparse`` matrix of L2-normalised rows (scipy ships no type information: ``Any``).
TextVectors = Callable[[Sequence[str]], Any]


def text_candidates(
    sup: Side,
    dem: Side,
    kept: Pairs,
    rule_arr: _pairs.RuleArrays,
    config: MatchConfig,
    text_vectors: TextVectors | None,
) -> Pairs:
    """Text-matched pairs passing every check (``rule = -1``) for the supplies of ``config.text_scope``."""
    if config.text_similarity_threshold > 1.0:
        return Pairs.empty()
    vectorise = text_vectors or _default_text_vectors()
    wanted = np.ones(sup.n, dtype=bool)
    if config.text_scope == "unmatched":
        wanted[kept.s] = False
    wanted &= sup.has_text
    if not wanted.any() or not dem.has_text.any():
        return Pairs.empty()
    threshold = config.text_similarity_threshold
    close = _close_texts(sup, dem, wanted, vectorise, threshold)
    if close is not None:
        if not close.table.any():
            return Pairs.empty()  # no two descriptions are close: no pair within reach can be either
        found = _text_pairs_of_close_texts(sup, dem, kept, wanted, close, rule_arr, config)
        if found is not None:
            return found
    raw = _pairs.text_pairs(sup, dem, wanted, config)
    if config.text_scope == "all":
        raw = raw.take(~_pairs.rule_keyed(raw, kept, dem.n))
    if raw.n == 0:
        return raw
    # Vectorise only the distinct descriptions of streams that have a partner within reach.
    s_used, s_pos = np.unique(raw.s, return_inverse=True)
    d_used, d_pos = np.unique(raw.d, return_inverse=True)
    texts = np.concatenate([sup.text[s_used], dem.text[d_used]]).astype(str)
    distinct, rows = np.unique(texts, return_inverse=True)
    logger.debug("text candidates: %d pairs, %d distinct descriptions", raw.n, len(distinct))
    vectors = vectorise(list(distinct))
    if len(distinct) ** 2 <= _DENSE_SIMILARITY_MAX:  # few distinct texts: one small matrix product
        table = np.asarray((vectors @ vectors.T).todense())
        sim = table[rows[s_pos], rows[len(s_used) + d_pos]]
    else:
        sim = _row_cosines(vectors, rows[s_pos], rows[len(s_used) + d_pos])
    raw = raw.with_similarity(sim).take(sim >= config.text_similarity_threshold)
    return raw.take(_pairs.first_failure(raw, sup, dem, rule_arr, config) == len(CHECKS))


@dataclass(frozen=True)
class _CloseTexts:
    """Similarities between the distinct descriptions of the wanted supplies and of the demands."""

    sim: np.ndarray  # (supply texts, demand texts)
    table: np.ndarray  # sim >= threshold
    s_code: np.ndarray  # per supply row: its text's row (-1: not wanted)
    d_code: np.ndarray  # per demand row: its text's column (-1: no text)


def _close_texts(
    sup: Side, dem: Side, wanted: np.ndarray, vectorise: TextVectors, threshold: float
) -> _CloseTexts | None:
    """The similarity table of the distinct descriptions, when they are few enough to tabulate.

    Its entries are bit for bit those of the pair-by-pair path's dense table (the same rows in one
    sparse product). None when that path would not be the dense one.
    """
    has = dem.has_text
    s_text, s_inv = np.unique(sup.text[wanted].astype(str), return_inverse=True)
    d_text, d_inv = np.unique(dem.text[has].astype(str), return_inverse=True)
    if (len(s_text) + len(d_text)) ** 2 > _DENSE_SIMILARITY_MAX:
        return None
    vectors = vectorise([*s_text, *d_text])
    sim = np.asarray((vectors[: len(s_text)] @ vectors[len(s_text) :].T).todense())
    s_code, d_code = np.full(sup.n, -1), np.full(dem.n, -1)
    s_code[wanted], d_code[has] = s_inv, d_inv
    return _CloseTexts(sim, sim >= threshold, s_code, d_code)


def _text_pairs_of_close_texts(
    sup: Side,
    dem: Side,
    kept: Pairs,
    wanted: np.ndarray,
    close: _CloseTexts,
    rule_arr: _pairs.RuleArrays,
    config: MatchConfig,
) -> Pairs | None:
    """Text pairs found among the streams whose description has a close counterpart only.

    Enumerated per (description, kind) of the supplies against the demands whose description is close
    to it: far fewer pairs (25 million → a few thousand at 100,000 streams), the same pairs and
    similarities as the full enumeration. The order of the pairs differs, which only matters when both
    ends of a pair have more than K text matches (K-nearest ties): then None, and the caller enumerates
    all.
    """
    parts = [Pairs.empty()]
    rows = np.flatnonzero(wanted & (close.s_code >= 0))
    by_text_and_kind = pd.Series(rows).groupby([close.s_code[rows], sup.kind[rows]]).indices
    groups = cast(dict[tuple[int, str], np.ndarray], by_text_and_kind)  # keys are (code, kind) pairs
    for (text, kind), at in groups.items():
        partners = np.flatnonzero(close.table[text])
        didx = np.flatnonzero(np.isin(close.d_code, partners) & (dem.kind == kind))
        if len(partners) == 0 or len(didx) == 0:
            continue
        radius = config.text_radius_for_kind(str(kind))
        s, d, chord = _pairs._block(sup, dem, rows[at], didx, radius, {})
        parts.append(
            Pairs(
                s,
                d,
                np.full(len(s), -1),
                np.full(len(s), radius),
                _pairs.chord_to_km(chord),
                np.full(len(s), np.nan),
            )
        )
    raw = Pairs.concat(parts)
    if config.text_scope == "all":
        raw = raw.take(~_pairs.rule_keyed(raw, kept, dem.n))
    sim = close.sim[close.s_code[raw.s], close.d_code[raw.d]]
    raw = raw.with_similarity(sim).take(sim >= config.text_similarity_threshold)
    raw = raw.take(_pairs.first_failure(raw, sup, dem, rule_arr, config) == len(CHECKS))
    # K-nearest keeps a text pair when it is among its supply's or its demand's K nearest text matches:
    # the order of the pairs (ties) can only matter for a pair whose supply and demand both have more.
    k = config.k_nearest
    crowded = (np.bincount(raw.s)[raw.s] > k) & (np.bincount(raw.d)[raw.d] > k) if k > 0 and raw.n else []
    return None if np.any(crowded) else raw


_DENSE_SIMILARITY_MAX = 4_000_000


def _default_text_vectors() -> TextVectors:
    from symbiosis.kb.classify import text_vectors  # a module of this package: always importable

    return text_vectors


def _row_cosines(vectors: Any, rows_a: np.ndarray, rows_b: np.ndarray, *, chunk: int = 200_000) -> np.ndarray:
    """Dot product of paired rows of a sparse row-normalised matrix, chunked."""
    out = np.empty(len(rows_a))
    for start in range(0, len(rows_a), chunk):
        a = vectors[rows_a[start : start + chunk]]
        b = vectors[rows_b[start : start + chunk]]
        out[start : start + chunk] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
    return out
