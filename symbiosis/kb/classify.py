"""Suggest resource categories and EU waste codes from a free-text description (French or English).

Method (offline, no model download)
-----------------------------------
Each category is described by *phrases*: its French and English labels and synonyms
(``categories.csv``), the extra synonyms and abbreviations of ``classifier_synonyms.csv``, its id,
the English descriptions and French labels of its EU List of Waste codes (weight ``LOW_WEIGHT``),
trade terms (``classifier_terms.csv``, exact hits only) and example declarations
(``classifier_examples.csv``, likeness only, weight ``EXAMPLE_PHRASE_WEIGHT``): see :data:`ROLES`.
Texts are normalised (:mod:`symbiosis.kb._text`: accents, ligatures, numbers, units and punctuation
removed, light plural/gender stripping, spelling variants folded) and embedded as character n-grams
(3–5, word-boundary aware) weighted by TF-IDF, the IDF counted over categories (one document per
category). In a query, words that name the source ("... *from the digester*", "... *au séchoir*") weigh
``CONTEXT_WEIGHT``; words that only say a stream exists or is wanted ("surplus", "cherche") weigh 0;
unknown words of 6+ letters are corrected to a close phrase word (typos).

A category's score, in [0, 1], blends three similarities of the query with the category and the
category's posterior probability under a naive Bayes reading of the same n-grams:

``score = W_PHRASE · best phrase cosine + W_DOC · category-document cosine + W_EXACT · exact hit
+ W_BAYES · posterior``

The *posterior* is that of a multinomial naive Bayes model fitted on every phrase read by likeness
(labels, synonyms, List-of-Waste wording and example declarations; smoothing :data:`BAYES_ALPHA`),
with a uniform prior over every category: the text alone says how likely each is, and the
declaration then rules some out (:class:`Declaration`), as it does the similarities. The
similarities ask which phrase a text resembles most; the model weighs every n-gram of the text
against every phrase of each category at once, so that many weak clues (an origin, a use, a state)
add up where no single phrase is close.

The *exact hit* of a phrase is ``0.5 + 0.5 × coverage`` when every word of the phrase is in the query
(0 otherwise), ``coverage`` being the share of the query's word weight the phrase covers; a category
takes its best phrase. All four terms are in [0, 1] and the weights sum to 1. The score is a
similarity, not a probability: rank by it, and read a top score under ~0.3 as "unsure".

Heat is split by temperature band and steam by pressure band: when the text (or the declared
``temperature_c``) gives a temperature (``60 °C``, ``140 degrés``, ``300 F``) or a pressure
(``10 bar``, ``150 psig``) and heat or steam is what the text is about, the band that contains the
value is put first (the bands are read from the category labels, e.g. ``"Rejets thermiques 60–90 °C"``,
``"(3,5–15 bar)"``; a steam band's temperature range from the categories' ``temperature_low_c`` and
``temperature_high_c``). A stated pressure decides over a stated temperature.

What the declaration says besides its text narrows the choice (:class:`Declaration`): the
**direction** keeps the categories that appear on that side of a rule (a supply is never put in a
category nothing can receive from), the **unit** keeps the resource kinds it can measure (m³ is water,
or a material with a density; MWh, GJ and kW are energy; t is a material), and a **waste code** lifts
the categories that list it (:data:`WASTE_CODE_BONUS`).
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse

from symbiosis.kb._cache import cached_arrays
from symbiosis.kb._ngrams import NgramSpace, fit_space
from symbiosis.kb._text import (
    demand_head,
    parse_band,
    parse_pressure_bar,
    parse_temperature_c,
    tokens,
    weighted_tokens,
)
from symbiosis.kb.categories import load_categories
from symbiosis.kb.generic import is_generic
from symbiosis.kb.tables import split_list
from symbiosis.kb.waste_codes import load_waste_codes

__all__ = [
    "RECEIVING_SERVICES",
    "Declaration",
    "Suggestion",
    "allowed_categories",
    "categories_on_side",
    "classify",
    "classify_many",
    "text_vectors",
    "waste_code_suggestions",
]

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).with_name("data")
SYNONYMS_FILE = DATA_DIR / "classifier_synonyms.csv"
#: Trade terms (``category_id, lang, term``): jargon, abbreviations and regional words firms type for
#: a category. Unlike a synonym, a term scores only when *every* one of its words is in the text (the
#: exact-hit part of the score): its words are common elsewhere ("grenaille *usée*", "eau *potable*"),
#: and letting them count by partial likeness pulled texts that share one ordinary word.
TERMS_FILE = DATA_DIR / "classifier_terms.csv"
#: Example declarations (``category_id, lang, direction, text``): how firms describe a stream of the
#: category in a declaration, written by domain writers who never saw the evaluation sets. An example
#: counts by likeness only (weight :data:`EXAMPLE_PHRASE_WEIGHT`): it is one more phrase a description
#: can resemble, read the way a declaration is read (its words of origin and of wanting weigh what they
#: weigh in a query), never an exact hit (its ordinary words would then name the category) and not part
#: of the category's document (its many words would dilute the labels' n-grams).
EXAMPLES_FILE = DATA_DIR / "classifier_examples.csv"
#: How each role of phrase scores: by n-gram likeness, by exact hit, and in the category's document.
ROLES = {
    "synonym": (True, True, True),
    "term": (False, True, False),
    "example": (True, False, False),
}

#: Weight of the naive Bayes posterior in the score (module docstring).
W_BAYES = 0.15
#: Weights of the three similarities in the score: they share what the posterior leaves in the
#: proportions 0.55, 0.2, 0.25, so that the four weights sum to 1 and the score stays in [0, 1].
W_PHRASE, W_DOC, W_EXACT = ((1.0 - W_BAYES) * w for w in (0.55, 0.2, 0.25))
#: Additive smoothing of the naive Bayes n-gram probabilities (per n-gram, on L2-normalised phrases).
BAYES_ALPHA = 0.01
#: Weight of a List-of-Waste description relative to a label or synonym.
LOW_WEIGHT = 0.75
#: Weight of an example declaration relative to a label or synonym.
EXAMPLE_PHRASE_WEIGHT = 0.8
#: Weight of a phrase written in the other language when ``lang`` is given.
OTHER_LANG_WEIGHT = 0.9
#: How many of the best categories are searched for a heat band when a temperature is given.
HEAT_WINDOW = 5
#: A fuel gas read first gives way to the heat band of a declared temperature only when that band
#: scores at least this share of the gas's score (:func:`_apply_band`).
GAS_AS_HEAT = 0.5
#: Added to the score of a category that lists the declared waste code (the code is the firm's own
#: classification of the residue: it should decide between close descriptions).
WASTE_CODE_BONUS = 0.3
#: Factor on the score of a generated List-of-Waste sub-chapter category: it is described only by the
#: list's wording, so it should win only where no specific category fits (or its code is declared).
GENERIC_WEIGHT = 0.8
#: Least difflib similarity for an unknown word to be read as a typo of a known one.
TYPO_CUTOFF = 0.85
_BATCH = 256  # queries scored together (dense n-gram block of _BATCH × ~11k floats)


@dataclass(frozen=True)
class Suggestion:
    """One suggested resource category for a description.

    Parameters
    ----------
    category_id
        Id of the category in ``categories.csv``.
    family, kind
        Family of the category and its resource kind (material, energy, water, capacity, logistics,
        service).
    waste_codes
        Six-digit EU List of Waste codes of the category (no spaces, no star), possibly empty.
    label_fr, label_en
        Labels of the category.
    score
        Similarity of the description with the category, in [0, 1] (see the module docstring).
    """

    category_id: str
    family: str
    kind: str
    waste_codes: tuple[str, ...]
    label_fr: str
    label_en: str
    score: float


@dataclass(frozen=True)
class Declaration:
    """What a declaration says besides its text; every field optional.

    Parameters
    ----------
    direction
        ``"supply"`` or ``"demand"``.
    unit
        The unit as typed (``"m³/an"``, ``"MWh/yr"``, ``"kW"``…).
    temperature_c
        The declared temperature, °C (a heat band is chosen by it).
    waste_code
        A List-of-Waste code (6 digits, spaces and star allowed).
    density_declared
        Whether the row gives its own density (a volume unit then fits any material).
    """

    direction: str | None = None
    unit: str | None = None
    temperature_c: float | None = None
    waste_code: str | None = None
    density_declared: bool = False


@dataclass(frozen=True)
class _Index:
    """Everything the scorer needs, built once from the knowledge base."""

    categories: tuple[Suggestion, ...]  # score 0; copied with the real score
    space: NgramSpace
    phrases: sparse.csr_matrix  # phrase × n-gram, L2-normalised
    phrase_starts: np.ndarray  # first phrase row of each category (phrases sorted by category)
    phrase_weight: np.ndarray
    phrase_lang: np.ndarray  # "fr", "en" or "" (both)
    documents: sparse.csr_matrix  # category × n-gram, L2-normalised
    phrase_tokens: sparse.csr_matrix  # phrase × word, binary
    phrase_len: np.ndarray  # words per phrase
    words: dict[str, int]
    corrections: dict[str, str]  # typo cache, filled as queries come
    heat_bands: tuple[tuple[int, float, float], ...]  # (category row, low °C, high °C)
    pressure_bands: tuple[tuple[int, float, float], ...]  # (category row, low bar, high bar)
    steam_temperature_bands: tuple[tuple[int, float, float], ...]  # the pressure bands, in °C
    log_likelihood: np.ndarray  # category × n-gram: log probability of the n-gram (naive Bayes)


def _clean_code(code: str) -> str:
    return re.sub(r"[^0-9]", "", str(code))


_CROSS_REFERENCE = re.compile(r"(?<!\s)\s++(?:other than|autres? que)\b.*$", re.IGNORECASE)  # linear


def _low_descriptions() -> dict[str, tuple[str, str]]:
    """Return ``{code: (English description, French label)}`` of the EU List of Waste, for matching.

    Cross-references ("other than those mentioned in 16 11 01") are cut; the catch-all "wastes not
    otherwise specified" entries are left out (they describe nothing).
    """
    frame = load_waste_codes()
    out = {}
    for code, text_en, text_fr in zip(frame["code"], frame["description_en"], frame["label_fr"], strict=True):
        text_en = _CROSS_REFERENCE.sub("", text_en)
        if "not otherwise specified" not in text_en.lower():
            out[_clean_code(code)] = (text_en, _CROSS_REFERENCE.sub("", text_fr))
    return out


def _extra_synonyms() -> pd.DataFrame:
    """Return the classifier's own synonyms, trade terms and example declarations, and the rules'
    receiving processes as demand examples (``category_id, lang, synonym, direction, role``:
    ``direction`` is an example's, ``""`` otherwise; ``role`` a key of :data:`ROLES`)."""
    parts = []
    for path, column, role in (
        (SYNONYMS_FILE, "synonym", "synonym"),
        (TERMS_FILE, "term", "term"),
        (EXAMPLES_FILE, "text", "example"),
    ):
        if path.exists():
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, comment="#")
            frame = frame.rename(columns={column: "synonym"})
            frame = frame.reindex(columns=["category_id", "lang", "synonym", "direction"], fill_value="")
            parts.append(frame.assign(role=role))
    parts.append(_receiving_processes())
    return pd.concat(parts, ignore_index=True)


def _receiving_processes() -> pd.DataFrame:
    """Each rule's receiving process as an English demand phrase of its demand category.

    A firm states a need by what it does with the input ("capping of our tailings area", "co-digestion
    of trap grease"): the knowledge base already names what each receiver does (``rules.csv``,
    ``receiving_process``), so those words describe the demand categories too.
    """
    from symbiosis.kb.rules import load_rules

    rules = load_rules()
    text = rules["receiving_process"].astype("string").fillna("").str.strip()
    keep = text.ne("")
    frame = pd.DataFrame(
        {
            "category_id": rules.loc[keep, "demand_category_id"].astype(str),
            "lang": "en",
            "synonym": text[keep].astype(str),
            "direction": "demand",
        }
    ).drop_duplicates()
    return frame.assign(role="example").reset_index(drop=True)


def _category_phrases(
    row: pd.Series, extra: dict[str, list[tuple[str, str, str, str]]], low: dict[str, tuple[str, str]]
) -> list[tuple[str, str, float, str, str]]:
    """Return ``(text, lang, weight, role, direction)`` of every phrase describing one category
    (``role``: how the phrase scores, a key of :data:`ROLES`; ``direction``: an example's)."""
    phrases = [(row["category_id"].replace("_", " "), "", 1.0, "synonym", "")]
    phrases += [(row["label_fr"], "fr", 1.0, "synonym", ""), (row["label_en"], "en", 1.0, "synonym", "")]
    phrases += [(s, "fr", 1.0, "synonym", "") for s in split_list(row["synonyms_fr"])]
    phrases += [(s, "en", 1.0, "synonym", "") for s in split_list(row["synonyms_en"])]
    phrases += [
        (s, lang, EXAMPLE_PHRASE_WEIGHT if role == "example" else 1.0, role, direction)
        for s, lang, role, direction in extra.get(row["category_id"], [])
    ]
    codes = [_clean_code(c) for c in split_list(row["waste_codes"])]
    phrases += [(low[c][0], "en", LOW_WEIGHT, "synonym", "") for c in codes if c in low]
    phrases += [(low[c][1], "fr", LOW_WEIGHT, "synonym", "") for c in codes if c in low and low[c][1]]
    return phrases


def _suggestion(row: pd.Series) -> Suggestion:
    codes = tuple(dict.fromkeys(_clean_code(c) for c in split_list(row["waste_codes"])))
    return Suggestion(
        category_id=str(row["category_id"]),
        family=str(row["family"]),
        kind=str(row["kind"]),
        waste_codes=tuple(c for c in codes if len(c) == 6),
        label_fr=str(row["label_fr"]),
        label_en=str(row["label_en"]),
        score=0.0,
    )


def _phrase_table(
    categories: pd.DataFrame, extra: pd.DataFrame, low: dict[str, tuple[str, str]]
) -> tuple[list[list[str]], list[list[float]], list[str], list[float], list[int], list[str]]:
    """Return the tokens, their weights, and the language, weight, category row and role of every
    phrase, grouped by category (an example's tokens weighted as a declaration's, the others' 1)."""
    unknown = set(extra["category_id"]) - set(categories["category_id"])
    if unknown:
        logger.warning("classifier synonyms for unknown categories ignored: %s", sorted(unknown))
    by_category: dict[str, list[tuple[str, str, str, str]]] = {}
    directions = extra["direction"] if "direction" in extra else pd.Series("", index=extra.index)
    roles_given = extra["role"] if "role" in extra else pd.Series("synonym", index=extra.index)
    for cid, lang, synonym, direction, role in zip(
        extra["category_id"], extra["lang"], extra["synonym"], directions, roles_given, strict=True
    ):
        by_category.setdefault(cid, []).append((synonym, lang, role, direction or ""))
    texts, token_weights, langs, weights, owner, roles = [], [], [], [], [], []
    for i, (_, row) in enumerate(categories.iterrows()):
        for text, lang, weight, role, direction in _category_phrases(row, by_category, low):
            if role == "example":
                pairs = weighted_tokens(text, direction=direction)
                texts.append([w for w, _ in pairs])
                token_weights.append([x for _, x in pairs])
            else:
                texts.append(tokens(text))
                token_weights.append([1.0] * len(texts[-1]))
            langs.append(lang)
            weights.append(weight)
            owner.append(i)
            roles.append(role)
    return texts, token_weights, langs, weights, owner, roles


def _log_likelihood(phrases: sparse.csr_matrix, phrase_starts: np.ndarray) -> np.ndarray:
    """Return the (category × n-gram) log probabilities of a multinomial naive Bayes model whose
    training documents are the phrases read by likeness (rows of ``phrases``, grouped by category)."""
    n_categories, n_phrases = len(phrase_starts), phrases.shape[0]
    owner = np.repeat(np.arange(n_categories), np.diff(np.append(phrase_starts, n_phrases)))
    membership = sparse.csr_matrix(
        (np.ones(n_phrases), (owner, np.arange(n_phrases))), shape=(n_categories, n_phrases)
    )
    counts = np.asarray((membership @ phrases).todense())
    smoothed = counts + BAYES_ALPHA
    return np.log(smoothed / smoothed.sum(axis=1, keepdims=True))


def _word_matrix(texts: list[list[str]]) -> tuple[dict[str, int], sparse.csr_matrix]:
    """Return the word vocabulary of the phrases and the binary phrase × word matrix."""
    words: dict[str, int] = {}
    for toks in texts:
        for w in toks:
            words.setdefault(w, len(words))
    rows = [i for i, toks in enumerate(texts) for _ in set(toks)]
    cols = [words[w] for toks in texts for w in set(toks)]
    return words, sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(texts), len(words)))


def _bands(categories: pd.DataFrame, unit: str) -> tuple[tuple[int, float, float], ...]:
    """Return ``(category row, low, high)`` of every energy category whose label has a band in ``unit``."""
    bands = []
    labels = categories["label_fr"] + " " + categories["label_en"]
    for i, (kind, label) in enumerate(zip(categories["kind"], labels, strict=True)):
        band = parse_band(label, unit)
        if band is not None and kind == "energy":
            bands.append((i, *band))
    return tuple(bands)


def _temperature_columns(
    categories: pd.DataFrame, rows: tuple[tuple[int, float, float], ...]
) -> tuple[tuple[int, float, float], ...]:
    """The ``temperature_low_c``/``temperature_high_c`` band of each category of ``rows`` that has one.

    Steam is labelled by pressure, but a firm often states only its temperature (superheated steam at
    320 °C): the knowledge base's own temperature columns give each pressure band its range.
    """
    if "temperature_low_c" not in categories or "temperature_high_c" not in categories:
        return ()
    low = pd.to_numeric(categories["temperature_low_c"], errors="coerce").to_numpy(float)
    high = pd.to_numeric(categories["temperature_high_c"], errors="coerce").to_numpy(float)
    return tuple(
        (i, float(low[i]), float(high[i])) for i, _, _ in rows if np.isfinite(low[i]) and np.isfinite(high[i])
    )


def _build_index(categories: pd.DataFrame, extra: pd.DataFrame, low: dict[str, tuple[str, str]]) -> _Index:
    """Fit the n-gram space and the phrase, document and word matrices."""
    categories = categories.reset_index(drop=True)
    texts, token_weights, langs, weights, owner, roles = _phrase_table(categories, extra, low)
    by_likeness, by_exact_hit, in_document = np.array([ROLES[r] for r in roles], dtype=bool).reshape(-1, 3).T
    docs: list[list[str]] = [[] for _ in range(len(categories))]
    for toks, i, kept in zip(texts, owner, in_document, strict=True):
        if kept:
            docs[i].extend(toks)
    space = fit_space(docs)
    likeness = sparse.diags(by_likeness.astype(float)) @ space.transform(texts, token_weights)
    # The words of the phrases that can be hit exactly are also the typo correction's vocabulary: an
    # example's words are not (its writer's typos would become words, and a French word the labels
    # lack, « biogaz », would no longer be corrected to the labels' "biogas").
    words, phrase_tokens = _word_matrix(
        [toks if hit else [] for toks, hit in zip(texts, by_exact_hit, strict=True)]
    )
    pressure_bands = _bands(categories, "bar")
    phrases = sparse.csr_matrix(likeness)
    phrase_starts = np.searchsorted(np.asarray(owner), np.arange(len(categories)))
    return _Index(
        categories=tuple(_suggestion(row) for _, row in categories.iterrows()),
        space=space,
        phrases=phrases,
        phrase_starts=phrase_starts,
        phrase_weight=np.asarray(weights),
        phrase_lang=np.asarray(langs),
        documents=space.transform(docs),
        phrase_tokens=phrase_tokens,
        phrase_len=np.asarray(phrase_tokens.sum(axis=1)).ravel(),
        words=words,
        corrections={},
        heat_bands=_bands(categories, "C"),
        pressure_bands=pressure_bands,
        steam_temperature_bands=_temperature_columns(categories, pressure_bands),
        log_likelihood=_log_likelihood(phrases, phrase_starts),
    )


@lru_cache(maxsize=1)
def _index() -> _Index:
    """Return the index built from the packaged knowledge base (built once per machine, then cached on
    disk by :mod:`symbiosis.kb._cache`, and once per process in memory)."""
    return cached_arrays(
        "classifier-index",
        lambda: _build_index(load_categories(), _extra_synonyms(), _low_descriptions()),
        _index_arrays,
        _index_from_arrays,
    )


_MATRICES = ("phrases", "documents", "phrase_tokens")
_BANDS = ("heat_bands", "pressure_bands", "steam_temperature_bands")
_CATEGORY_FIELDS = ("category_id", "family", "kind", "label_fr", "label_en")


def _index_arrays(index: _Index) -> dict[str, np.ndarray]:
    """Return the index as plain arrays (no Python objects) for the disk cache."""
    out: dict[str, np.ndarray] = {
        "vocabulary": np.array(list(index.space.vocabulary), dtype=str),
        "vocabulary_columns": np.fromiter(index.space.vocabulary.values(), dtype=np.int64),
        "idf": index.space.idf,
        "phrase_starts": index.phrase_starts,
        "phrase_weight": index.phrase_weight,
        "phrase_lang": index.phrase_lang,
        "phrase_len": index.phrase_len,
        "words": np.array(list(index.words), dtype=str),
        "word_columns": np.fromiter(index.words.values(), dtype=np.int64),
        "waste_codes": np.array(["|".join(c.waste_codes) for c in index.categories], dtype=str),
    }
    for name in _CATEGORY_FIELDS:
        out[f"category_{name}"] = np.array([getattr(c, name) for c in index.categories], dtype=str)
    for name in _MATRICES:
        matrix = getattr(index, name)
        out[f"{name}_data"], out[f"{name}_indices"] = matrix.data, matrix.indices
        out[f"{name}_indptr"], out[f"{name}_shape"] = matrix.indptr, np.array(matrix.shape, dtype=np.int64)
    for name in _BANDS:
        out[name] = np.array(getattr(index, name), dtype=np.float64).reshape(-1, 3)
    return out


def _index_from_arrays(arrays: dict[str, np.ndarray]) -> _Index:
    """Return the index the arrays of :func:`_index_arrays` hold; ValueError when they do not fit."""
    vocabulary = dict(zip(arrays["vocabulary"].tolist(), arrays["vocabulary_columns"].tolist(), strict=True))
    words = dict(zip(arrays["words"].tolist(), arrays["word_columns"].tolist(), strict=True))
    fields = {name: arrays[f"category_{name}"].tolist() for name in _CATEGORY_FIELDS}
    categories = tuple(
        Suggestion(
            **{name: fields[name][i] for name in _CATEGORY_FIELDS},
            waste_codes=tuple(c for c in codes.split("|") if c),
            score=0.0,
        )
        for i, codes in enumerate(arrays["waste_codes"].tolist())
    )
    matrices = {
        name: sparse.csr_matrix(
            (arrays[f"{name}_data"], arrays[f"{name}_indices"], arrays[f"{name}_indptr"]),
            shape=tuple(int(n) for n in arrays[f"{name}_shape"]),
        )
        for name in _MATRICES
    }
    n_phrases, n_grams = matrices["phrases"].shape
    consistent = (
        sorted(vocabulary.values()) == list(range(n_grams)) == list(range(len(arrays["idf"])))
        and matrices["documents"].shape == (len(categories), n_grams)
        and matrices["phrase_tokens"].shape == (n_phrases, len(words))
        and len(arrays["phrase_weight"])
        == len(arrays["phrase_lang"])
        == len(arrays["phrase_len"])
        == n_phrases
        and len(arrays["phrase_starts"]) == len(categories)
    )
    if not consistent:
        raise ValueError("classifier index arrays do not fit together")
    bands = {
        name: tuple((int(i), float(low), float(high)) for i, low, high in arrays[name].tolist())
        for name in _BANDS
    }
    return _Index(
        categories=categories,
        space=NgramSpace(vocabulary=vocabulary, idf=arrays["idf"]),
        phrases=matrices["phrases"],
        phrase_starts=arrays["phrase_starts"],
        phrase_weight=arrays["phrase_weight"],
        phrase_lang=arrays["phrase_lang"],
        documents=matrices["documents"],
        phrase_tokens=matrices["phrase_tokens"],
        phrase_len=arrays["phrase_len"],
        words=words,
        corrections={},
        **bands,
        log_likelihood=_log_likelihood(matrices["phrases"], arrays["phrase_starts"]),
    )


def _correct(index: _Index, word: str) -> str:
    """Return ``word``, or the closest phrase word when it is an unknown word of 6+ letters (typos).

    The candidate must start with the same letter and be at least ``TYPO_CUTOFF`` similar (difflib
    ratio): "lactoserrum" becomes "lactoserum", but "specification" stays (not "rectification") and
    short words such as "sapin" are never corrected (not "salin").
    """
    if word in index.words or len(word) < 6:
        return word
    if word not in index.corrections:
        same_initial = [w for w in index.words if w[0] == word[0]]
        close = difflib.get_close_matches(word, same_initial, n=1, cutoff=TYPO_CUTOFF)
        index.corrections[word] = close[0] if close else word
    return index.corrections[word]


@lru_cache(maxsize=4)
def _sides() -> dict[str, frozenset[str]]:
    """Categories found on each side of a concrete rule (identity rules count on both)."""
    from symbiosis.kb.rules import load_rules

    rules = load_rules()
    return {
        "supply": frozenset(rules["supply_category_id"]),
        "demand": frozenset(rules["demand_category_id"]),
    }


#: Categories that name a *receiving service*: a firm that offers one (spare treatment capacity) is,
#: for the engine, a receiver of what it treats — its offer is recorded as a demand.
RECEIVING_SERVICES = frozenset({"wastewater_treatment_capacity", "treatment_recovery_service"})


def categories_on_side(direction: str) -> frozenset[str]:
    """Categories a stream of ``direction`` (``"supply"`` / ``"demand"``) can be matched under: those
    on that side of a concrete rule (identity rules count on both); empty for another word."""
    return _sides().get(direction, frozenset())


def _unit_kinds(unit: str, *, density_declared: bool) -> tuple[frozenset[str], bool] | None:
    """Kinds a unit can measure and whether it is a volume (``None`` for a unit not in the list)."""
    from symbiosis.units.table import read_unit

    match = read_unit(unit)
    if match is None:
        return None
    is_volume = match.unit.dimension.startswith("volume") and not density_declared
    return frozenset(match.unit.kinds), is_volume


def _is_mass(unit: str) -> bool:
    from symbiosis.units.table import read_unit

    match = read_unit(unit)
    return match is not None and match.unit.dimension == "mass_rate"


def allowed_categories(declaration: Declaration) -> frozenset[str] | None:
    """Category ids a declaration can belong to by its direction and unit (``None``: no restriction).

    Examples
    --------
    >>> "water_cooling" in allowed_categories(Declaration(unit="m³/an"))
    True
    >>> "heat_low_30_60c" in allowed_categories(Declaration(unit="m³/an"))
    False
    >>> "cement_raw_material" in allowed_categories(Declaration(direction="supply"))
    False
    """
    return _allowed(declaration.direction or "", declaration.unit or "", declaration.density_declared)


@lru_cache(maxsize=256)
def _allowed(direction: str, unit: str, density_declared: bool) -> frozenset[str] | None:
    cats = load_categories()
    keep = pd.Series(True, index=cats.index)
    if direction in ("supply", "demand"):
        keep &= cats["category_id"].isin(_sides()[direction])
    kinds = _unit_kinds(unit, density_declared=density_declared) if unit.strip() else None
    if kinds is not None:
        allowed_kinds, is_volume = kinds
        fits = cats["kind"].isin(allowed_kinds)
        if "material" in allowed_kinds and not is_volume and _is_mass(unit):  # steam declared in t/h
            fits |= cats["energy_mwh_per_t"].fillna(0) > 0
        if is_volume:  # a volume of a material converts to tonnes only with a density
            fits &= (cats["kind"] != "material") | (cats["default_density_t_per_m3"] > 0)
            if "energy_mwh_per_m3" in cats:  # a gas declared by volume (biogas in m³/h)
                fits |= cats["energy_mwh_per_m3"].fillna(0) > 0
        keep &= fits
    if keep.all():
        return None
    return frozenset(cats.loc[keep, "category_id"])


def _code_bonus(index: _Index, code: str | None) -> np.ndarray:
    digits = _clean_code(code or "")
    bonus = np.zeros(len(index.categories))
    if len(digits) == 6:
        for i, cat in enumerate(index.categories):
            if digits in cat.waste_codes:
                bonus[i] = WASTE_CODE_BONUS
    return bonus


_Query = list[tuple[str, float]]


def _query_words(index: _Index, text: str, direction: str | None = None) -> _Query:
    return [(_correct(index, w), weight) for w, weight in weighted_tokens(text, direction=direction)]


def _embed(index: _Index, queries: Sequence[_Query]) -> sparse.csr_matrix:
    return index.space.transform([[w for w, _ in q] for q in queries], [[x for _, x in q] for q in queries])


def _exact_hits(index: _Index, queries: Sequence[_Query]) -> np.ndarray:
    """Return (phrase × query) exact-hit strength: 0, or ``0.5 + 0.5 × coverage`` when every word of
    the phrase is in the query, ``coverage`` being the share of the query's word weight it covers."""
    present = np.zeros((len(index.words), len(queries)))
    weighted = np.zeros((len(index.words), len(queries)))
    total = np.full(len(queries), 1e-9)
    for j, q in enumerate(queries):
        for w, weight in q:
            total[j] += weight
            if w in index.words:
                present[index.words[w], j] = 1.0
                weighted[index.words[w], j] = max(weighted[index.words[w], j], weight)
    full = (index.phrase_tokens @ present >= index.phrase_len[:, None]) & (index.phrase_len[:, None] > 0)
    coverage = np.minimum((index.phrase_tokens @ weighted) / total[None, :], 1.0)
    return np.where(full, 0.5 + 0.5 * coverage, 0.0)


def _posterior(index: _Index, embedded: sparse.csr_matrix) -> np.ndarray:
    """Return the (query × category) naive Bayes posterior of the queries' n-gram weights
    (``embedded``: query × n-gram, sparse), with a uniform prior over every category.

    Over every category, not only those a declaration allows: the text alone says how likely each
    category is, and the declaration then rules some out (:func:`classify_many`). Spread over the
    allowed ones only, the least unlikely of them would take the whole posterior from a text that
    names none of them (« écorces » declared in MWh: a steam band)."""
    log_joint = np.asarray(embedded @ index.log_likelihood.T)
    log_joint -= log_joint.max(axis=1, keepdims=True)
    joint = np.exp(log_joint)
    evidence = (embedded.getnnz(axis=1) > 0)[:, None]  # a text with no n-gram says nothing: no posterior
    return np.where(evidence, joint / joint.sum(axis=1, keepdims=True), 0.0)


def _scores(
    index: _Index, texts: Sequence[str], lang: str | None, directions: Sequence[str | None] | None = None
) -> np.ndarray:
    """Return the (query × category) score matrix, in [0, 1]."""
    similarity, posterior = _score_parts(index, texts, lang, directions)
    return similarity + W_BAYES * posterior


def _score_parts(
    index: _Index, texts: Sequence[str], lang: str | None, directions: Sequence[str | None] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Return the (query × category) similarity (the three weighted terms) and naive Bayes posterior
    (unweighted) of :func:`_scores`."""
    directions = directions if directions is not None else [None] * len(texts)
    queries = [_query_words(index, t, d) for t, d in zip(texts, directions, strict=True)]
    embedded = _embed(index, queries)  # query × n-gram, sparse
    q = embedded.toarray().T  # n-gram × query, dense: small batches only
    weight = index.phrase_weight.copy()
    if lang in ("fr", "en"):
        weight[(index.phrase_lang != lang) & (index.phrase_lang != "")] *= OTHER_LANG_WEIGHT
    phrase_cos = (index.phrases @ q) * weight[:, None]
    best_phrase = np.maximum.reduceat(phrase_cos, index.phrase_starts, axis=0)
    exact = np.maximum.reduceat(_exact_hits(index, queries) * weight[:, None], index.phrase_starts, axis=0)
    doc_cos = index.documents @ q
    similarity = (W_PHRASE * best_phrase + W_DOC * doc_cos + W_EXACT * exact).T
    return similarity, _posterior(index, embedded)


#: Score step between the outlets of a material a demand names (:func:`_outlet_first`).
OUTLET_STEP = 0.01


@lru_cache(maxsize=1)
def _outlets() -> dict[int, np.ndarray]:
    """Per category row, the rows of the other categories a rule lets it supply (its outlets)."""
    from symbiosis.kb.rules import load_rules

    position = {c.category_id: i for i, c in enumerate(_index().categories)}
    rules = load_rules()
    outlets: dict[int, set[int]] = {}
    for supply, demand in zip(rules["supply_category_id"], rules["demand_category_id"], strict=True):
        if supply != demand and supply in position and demand in position:
            outlets.setdefault(position[supply], set()).add(position[demand])
    return {i: np.array(sorted(rows), dtype=np.intp) for i, rows in outlets.items()}


def _outlet_first(scores: np.ndarray, fits: np.ndarray, head: np.ndarray | None = None) -> np.ndarray:
    """A demand whose text names a material only a supply can be wants it through an outlet.

    "Source-separated food waste" reads best as *mixed food waste*, a category no rule receives
    as such: the demand is one of its outlets (a digester's or a composting site's feedstock…). The
    outlet of that material the text reads best (among those the declaration allows) takes the
    material's score, so it comes first; where the best category fits the declaration, nothing moves.

    The material is the one the demand's *head* names (``head``: the scores of the text before its
    first use cue, :func:`~symbiosis.kb._text.demand_head`), not one named after the cue: in "urban
    waste wanted as raw material, for our biogas plant" the firm makes biogas, it does not want
    biogas's outlets (it wants a digester's feedstock). A head that names nothing names no material.
    """
    if head is not None:
        named = int(np.argmax(head))
        if head[named] <= 0.0:
            return scores
    else:
        named = int(np.argmax(scores))
    if fits[named] or scores[named] <= 0.0:
        return scores
    outlets = _outlets().get(named)
    if outlets is None:
        return scores
    outlets = outlets[fits[outlets]]
    if not len(outlets):
        return scores
    order = outlets[np.argsort(-scores[outlets], kind="stable")]
    top = float(scores[named])
    scores = scores.copy()
    scores[order] = np.maximum(scores[order], top - OUTLET_STEP * np.arange(len(order)))
    return scores


#: A material a demand names counts among "several materials" when it reads at least this share of
#: the best category's score (:func:`_common_outlet_first`).
SEVERAL_MATERIALS_SHARE = 0.6


def _named_categories(index: _Index, text: str) -> dict[int, frozenset[int]]:
    """The categories ``text`` names in full (an exact hit of one of their phrases), each with the
    words of its hits."""
    hits = _exact_hits(index, [_query_words(index, text, "demand")])[:, 0]
    rows = np.flatnonzero(hits > 0)
    owners = np.searchsorted(index.phrase_starts, rows, side="right") - 1
    named: dict[int, set[int]] = {}
    for row, owner in zip(rows, owners, strict=True):
        named.setdefault(int(owner), set()).update(index.phrase_tokens[row].indices.tolist())
    return {c: frozenset(words) for c, words in named.items()}


def _common_outlet_first(
    index: _Index, scores: np.ndarray, fits: np.ndarray, text: str, similarity: np.ndarray | None = None
) -> np.ndarray:
    """A demand that names several materials of one family wants what they have in common: an outlet.

    "Containerboard mill buying OCC and mixed paper bales", "UCO, yellow grease and rendered animal
    fat": each material alone reads as that material (an identity rule matches it with its own kind
    only), while the firm wants any of them — the recovered-fibre or biodiesel feedstock their rules
    share. When the demand's head (:func:`~symbiosis.kb._text.demand_head`) names in full two materials
    of one family by different words, each reading at least :data:`SEVERAL_MATERIALS_SHARE` of the best
    score, their common outlet that fits the declaration comes first — one the text also names if any,
    else the one it reads best. A material named with its own use ("binder / GGBS": one is the other's
    outlet) is not several materials, and nothing moves.

    The share is read on ``similarity`` (the text's likeness to each category, :func:`_score_parts`)
    when given: the naive Bayes posterior picks *one* category, and of a text naming two materials the
    second would otherwise fall below the share by the first one's posterior alone.
    """
    top = float(scores.max()) if len(scores) else 0.0
    if top <= 0.0:
        return scores
    read = np.where(fits, similarity, 0.0) if similarity is not None else scores
    named = _named_categories(index, demand_head(text))
    outlets = _outlets()
    materials = [
        c
        for c in named
        if c in outlets
        and index.categories[c].kind == "material"
        and read[c] >= SEVERAL_MATERIALS_SHARE * float(read.max())
    ]
    best: int | None = None
    for i, a in enumerate(materials):
        for b in materials[i + 1 :]:
            if index.categories[a].family != index.categories[b].family:
                continue
            if named[a] <= named[b] or named[b] <= named[a]:
                continue  # one name inside the other: one material, read twice
            if b in outlets[a] or a in outlets[b]:
                continue
            common = np.intersect1d(outlets[a], outlets[b])
            common = common[fits[common]]
            if not len(common):
                continue
            said = common[np.isin(common, list(named))]
            pool = said if len(said) else common
            pick = int(pool[np.argmax(scores[pool])])
            if best is None or scores[pick] > scores[best]:
                best = pick
    if best is None or int(np.argmax(scores)) == best:
        return scores
    scores = scores.copy()
    scores[best] = top + OUTLET_STEP
    return scores


@lru_cache(maxsize=1)
def _temperature_ranges() -> dict[str, tuple[float, float]]:
    """Each category's own temperature range (``temperature_low_c``, ``temperature_high_c``), where
    the knowledge base gives both ends."""
    categories = load_categories()
    low = pd.to_numeric(categories["temperature_low_c"], errors="coerce").to_numpy(float)
    high = pd.to_numeric(categories["temperature_high_c"], errors="coerce").to_numpy(float)
    return {
        c: (float(lo), float(hi))
        for c, lo, hi in zip(categories["category_id"], low, high, strict=True)
        if np.isfinite(lo) and np.isfinite(hi)
    }


def _holds_temperature(category_id: str, value: float) -> bool:
    """Whether a category's own temperature range holds ``value`` (True where it has none)."""
    low, high = _temperature_ranges().get(category_id, (-np.inf, np.inf))
    return low <= value <= high


def _apply_band(
    index: _Index,
    scores: np.ndarray,
    value: float | None,
    bands: tuple[tuple[int, float, float], ...],
    *,
    declared: bool = False,
) -> np.ndarray:
    """Put first the band (heat in °C, steam in bar) containing ``value``, when the text is about it.

    Applies when the best category is one of the bands, or when a band is among the ``HEAT_WINDOW``
    best and the best category is not another energy category (steam for a heat band, a heat use such
    as a greenhouse) — a fuel gas excepted when the band reads at least :data:`GAS_AS_HEAT` as well:
    hot flue gas "at 250 °C" is heat to recover, raw biogas "at 38 °C" stays a fuel. A heat use blocks
    a temperature the firm ``declared`` (its column, not a number read in the text) only if its own
    range holds it: « Chaleur pour les bassins » needing 70 °C is no fish farm's heat (20–35 °C),
    whatever the words say (steam is left to its own bands). The band taken gets the best score plus
    0.05; the other bands are halved.
    """
    if value is None or not bands:
        return scores
    order = np.argsort(-scores, kind="stable")
    band_rows = {i for i, _, _ in bands}
    first = int(order[0])
    in_window = band_rows & set(order[:HEAT_WINDOW].tolist())
    category = index.categories[first]
    if category.family == "energy_gas" and in_window:
        # A fuel gas is read by its heating value: a temperature makes it heat only where the text
        # reads as heat about as well ("flue gas … 250 °C … thermal"), not "biogas at 38 °C".
        blocking = max(scores[i] for i in in_window) < GAS_AS_HEAT * scores[first]
    else:
        steam = first in {i for i, _, _ in index.pressure_bands}  # read by its own bands, after
        blocking = category.kind == "energy" and (
            not declared or steam or _holds_temperature(category.category_id, value)
        )
    if first not in band_rows and (not in_window or blocking):
        return scores
    scores = scores.copy()
    best = float(scores[first])
    taken = _band_of(value, bands)
    for i, _, _ in bands:
        scores[i] = min(1.0, best + 0.05) if i == taken else 0.5 * scores[i]
    return scores


def _band_of(value: float, bands: tuple[tuple[int, float, float], ...]) -> int | None:
    """Return the category row of the band that contains ``value``, or None.

    Bands are read as their labels write them: ``"3,5–15 bar"`` holds both ends, ``"> 15 bar"`` and
    ``"< 3,5 bar"`` hold neither (15 bar is medium pressure, 3.5 bar too). Where two ranges share an
    end (``30–60 °C`` and ``60–90 °C``), the value goes to the higher one.
    """
    containing = [
        (low, i)
        for i, low, high in bands
        if (value > low if np.isinf(high) else value >= low)
        and (value < high if np.isinf(low) else value <= high)
    ]
    return max(containing)[1] if containing else None


def classify_many(
    texts: Sequence[str],
    *,
    lang: str | None = None,
    top: int = 3,
    declarations: Sequence[Declaration | None] | None = None,
) -> list[list[Suggestion]]:
    """Return the ``top`` suggestions of each text (see :func:`classify`), scored in one pass.

    ``declarations``, aligned with ``texts``, narrows each text's categories by its direction, unit,
    temperature and waste code (:class:`Declaration`).
    """
    index = _index()
    texts = list(texts)
    if not texts:
        return []
    declared = list(declarations) if declarations is not None else [None] * len(texts)
    if len(declared) != len(texts):
        raise ValueError("declarations must be aligned with texts")
    directions = [d.direction if d is not None else None for d in declared]
    ids = np.array([c.category_id for c in index.categories], dtype=object)
    parts = [
        _score_parts(index, texts[i : i + _BATCH], lang, directions[i : i + _BATCH])
        for i in range(0, len(texts), _BATCH)
    ]
    similarity = np.vstack([p[0] for p in parts])
    scores = similarity + W_BAYES * np.vstack([p[1] for p in parts])
    generic = np.array([is_generic(c) for c in ids], dtype=bool)
    scores[:, generic] *= GENERIC_WEIGHT
    similarity[:, generic] *= GENERIC_WEIGHT
    heads = _head_scores(index, texts, directions, lang, generic)
    out = []
    for k, (text, row, decl) in enumerate(zip(texts, scores, declared, strict=True)):
        decl = decl or Declaration()
        row = row + _code_bonus(index, decl.waste_code)  # a code alone is enough to suggest
        allowed = allowed_categories(decl)
        if allowed is not None:
            fits = np.isin(ids, list(allowed))
            if decl.direction == "demand":
                row = _outlet_first(row, fits, heads.get(k))
                row = _common_outlet_first(index, np.where(fits, row, 0.0), fits, text, similarity[k])
            row = np.where(fits, row, 0.0)
        temperature = decl.temperature_c if decl.temperature_c is not None else parse_temperature_c(text)
        stated = decl.temperature_c is not None
        row = _apply_band(index, row, temperature, index.heat_bands, declared=stated)
        row = _apply_band(index, row, temperature, index.steam_temperature_bands, declared=stated)
        row = _apply_band(index, row, parse_pressure_bar(text), index.pressure_bands)  # pressure wins
        order = np.argsort(-row, kind="stable")[: max(top, 0)]
        out.append([_with_score(index.categories[i], row[i]) for i in order if row[i] > 0.0])
    return out


def _head_scores(
    index: _Index,
    texts: Sequence[str],
    directions: Sequence[str | None],
    lang: str | None,
    generic: np.ndarray,
) -> dict[int, np.ndarray]:
    """Scores of each demand's head (its text before the first use cue), by position in ``texts``.

    Only demands whose head differs from the whole text are scored again; the others map to their
    whole text's scores through :func:`_outlet_first`'s default.
    """
    heads = {
        k: demand_head(t) for k, (t, d) in enumerate(zip(texts, directions, strict=True)) if d == "demand"
    }
    rows = [k for k, head in heads.items() if head.strip() != texts[k].strip()]
    out: dict[int, np.ndarray] = {}
    for i in range(0, len(rows), _BATCH):
        batch = rows[i : i + _BATCH]
        scored = _scores(index, [heads[k] for k in batch], lang, ["demand"] * len(batch))
        scored[:, generic] *= GENERIC_WEIGHT
        out.update(zip(batch, scored, strict=True))
    return out


def _with_score(base: Suggestion, score: float) -> Suggestion:
    return replace(base, score=round(float(np.clip(score, 0.0, 1.0)), 4))


def classify(
    text: str,
    *,
    lang: str | None = None,
    top: int = 3,
    direction: str | None = None,
    unit: str | None = None,
    temperature_c: float | None = None,
    waste_code: str | None = None,
    density_declared: bool = False,
) -> list[Suggestion]:
    """Suggest the resource categories a free-text description most likely belongs to.

    Parameters
    ----------
    text
        A description as a firm types it, in French or English ("brasque usée 40 t/an").
    lang
        ``"fr"`` or ``"en"`` to prefer phrases of that language slightly; None for no preference.
    top
        How many suggestions to return at most (fewer when nothing matches at all).
    direction, unit, temperature_c, waste_code, density_declared
        What the declaration says besides its text (see :class:`Declaration`); each narrows or
        orders the categories.

    Returns
    -------
    list of Suggestion
        Best first; the score is a similarity in [0, 1] (a matching waste code adds
        :data:`WASTE_CODE_BONUS` before clipping).

    Examples
    --------
    >>> classify("eau de refroidissement tiède", unit="m³/an", top=1)[0].kind
    'water'
    """
    declaration = Declaration(direction, unit, temperature_c, waste_code, density_declared)
    return classify_many([text], lang=lang, top=top, declarations=[declaration])[0]


def waste_code_suggestions(text: str, *, lang: str | None = None, top: int = 5) -> list[tuple[str, float]]:
    """Return likely EU List of Waste codes for ``text``: ``(code, score)``, best first.

    A code takes the score of the best-scoring category that lists it.
    """
    best: dict[str, float] = {}
    for suggestion in classify(text, lang=lang, top=max(top, 10)):
        for code in suggestion.waste_codes:
            best.setdefault(code, suggestion.score)
    return list(best.items())[:top]


def text_vectors(texts: Sequence[str]) -> sparse.csr_matrix:
    """Return L2-normalised character n-gram TF-IDF rows of ``texts`` in the classifier's fitted space.

    The dot product of two rows is the cosine similarity of the two descriptions, so that
    "descriptions close to each other" can be found without re-fitting anything.

    Parameters
    ----------
    texts
        Free-text descriptions (any language).
    """
    index = _index()
    return _embed(index, [_query_words(index, t) for t in texts])
