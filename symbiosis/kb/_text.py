"""Text normalisation for the free-text classifier: accents, ligatures, units, light stemming, n-grams.

Everything here is pure and language-light: the same rules serve French and English, because firms
mix both ("SPL broyé 40 t/yr"). The pipeline is

``raw`` → :func:`normalize` (lower case, accents and ligatures folded, temperatures, numbers and
units removed, punctuation to spaces) → :func:`tokens` (stop words dropped, :func:`stem` applied) →
:func:`char_ngrams` (word-boundary aware character n-grams, 3 to 5 characters).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy import sparse

__all__ = [
    "GENERIC_WORDS",
    "STOPWORDS",
    "NgramSpace",
    "char_ngrams",
    "fit_space",
    "normalize",
    "parse_heat_band",
    "parse_temperature_c",
    "stem",
    "tokens",
    "weighted_tokens",
]

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "³": "3", "²": "2"})

#: A number, possibly with a French decimal comma or thousands spaces ("1 200,5").
_NUMBER = r"\d+(?:[ \u00a0\u202f]\d{3})*(?:[.,]\d+)?"

# "60 °C", "60°C", "60C", "60 deg C", "140 degrés", "140 degres celsius", "300 F", "300 °F".
_TEMPERATURE = re.compile(
    rf"(?P<sign>[-−])?(?P<value>{_NUMBER})\s*"
    r"(?:(?:°|º|deg(?:re|ré)?s?\.?|degrees?)\s*(?P<unit1>[cf](?![a-z]))?|(?P<unit2>[cf])(?![a-z])|celsius)",
    re.IGNORECASE,
)


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Units and quantity words that say nothing about *what* the resource is.
_UNITS = _wordset(
    """
    t tm tms tonne tonnes ton tons tonnage kg kgs g mg lb lbs livre livres
    m m2 m3 mc l litre litres liter liters gal gallon gallons hl ml
    kw kwh mw mwh gw gwh gj mj btu hp cv kva
    an ans annee annees annuel annuelle annuellement yr yrs year years yearly annual annually
    mois month months mensuel mensuelle monthly semaine semaines sem week weeks weekly hebdo
    jour jours jr day days daily quotidien h hr hrs heure heures hour hours
    pct pourcent percent ppm env approx environ ca
    celsius fahrenheit deg degre degres degree degrees psi psig kpa
    """
)

#: French and English function words, dropped before matching.
STOPWORDS: frozenset[str] = _wordset(
    """
    a au aux avec c ce ces cet cette chaque comme d dans de des du elle en entre est et etc il ils j
    l la le les leur leurs lors mais me n ne nos notre nous on ou par pas peu plus pour qu que qui
    s sa sans se ses son sont sur ta tous tout toute toutes tres un une vos votre y
    an and any are as at be by each for from has have in into is it its of on or our per so some such
    than that the their them these this those to us very was we were which with without you your
    via
    """
)

#: Words that say a stream exists or is wanted, not what it is ("surplus", "cherche", "available").
GENERIC_WORDS: frozenset[str] = _wordset(
    """
    surplus excedent excedentaire excedentaires excess extra disponible disponibles available
    recherche recherchons cherche cherchons besoin besoins need needs needed looking seek seeks seeking
    want wants wanted accepte acceptons accepts accept offre offrons offer offers
    donner vendre sale free gratuit gratuitement actuellement currently
    dechet dechets waste wastes residu residus residue residues matiere matieres material materials
    produit produits product products
    """
)

#: Spelling variants folded to one form before stemming (British/American, Québec/France).
_SPELLING: Mapping[str, str] = {
    "aluminum": "aluminium",
    "alu": "aluminium",
    "tyre": "tire",
    "tyres": "tires",
    "fiber": "fibre",
    "fibers": "fibres",
    "sulfur": "sulphur",
    "sulfuric": "sulphuric",
    "molding": "moulding",
    "molded": "moulded",
    "mold": "mould",
    "molds": "moulds",
    "color": "colour",
    "colors": "colours",
    "desinkage": "desencrage",
    "deinking": "desencrage",
    "ecorses": "ecorces",
    "premiere": "first",
    "premier": "first",
    "deuxieme": "second",
    "seconde": "second",
    "troisieme": "third",
    "ecorse": "ecorce",
}

#: Weight of words that follow a "comes from" cue (see :func:`weighted_tokens`).
CONTEXT_WEIGHT = 0.5
_CONTEXT_CUES = _wordset("from in at inside au dans chez provenant provenance issu issue issus issues")
_CLAUSE = re.compile(r"[,;:()\[\]\n]|\.(?!\d)")

# "1re", "1ère", "1st", "2e", "2nd", "3rd": ordinals survive number removal, as words.
_ORDINAL = re.compile(r"\b([123])(?:st|nd|rd|re|ere|er|e|eme|ieme)\b")
_ORDINAL_WORDS = {"1": "first", "2": "second", "3": "third"}

_NON_WORD = re.compile(r"[^a-z0-9]+")
_NUMERIC_TOKEN = re.compile(r"^\d")  # "12m3", "40t", "2x": numbers with units glued on


def _fold(text: str) -> str:
    """Lower-case, expand ligatures and strip accents (``"Œufs Brûlés"`` → ``"oeufs brules"``)."""
    text = text.translate(_LIGATURES).lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(_LIGATURES)


def parse_temperature_c(text: str) -> float | None:
    """Return the highest temperature written in ``text``, in degrees Celsius, or None.

    Understands ``60 °C``, ``60°C``, ``60C``, ``140 degrés``, ``85 deg C``, ``90 celsius`` and
    Fahrenheit (``300 °F``, ``300F``). A bare number is not a temperature.

    Parameters
    ----------
    text
        Free text as typed.
    """
    found: list[float] = []
    for match in _TEMPERATURE.finditer(text):
        raw = re.sub(r"[ \u00a0\u202f]", "", match.group("value")).replace(",", ".")
        value = float(raw) * (-1 if match.group("sign") else 1)
        unit = (match.group("unit1") or match.group("unit2") or "c").lower()
        found.append((value - 32.0) * 5.0 / 9.0 if unit == "f" else value)
    return max(found) if found else None


_BAND = re.compile(
    r"(?:(?P<lo>\d+)\s*(?:°\s*C)?\s*(?:-|–|—|à|to)\s*(?P<hi>\d+)"
    r"|(?P<lt><|≤|under|moins de|below)\s*(?P<lt_v>\d+)"
    r"|(?P<gt>>|≥|over|plus de|above)\s*(?P<gt_v>\d+))\s*°\s*C",
    re.IGNORECASE,
)


def parse_heat_band(label: str) -> tuple[float, float] | None:
    """Return the ``(low, high)`` °C band written in a label, or None.

    ``"Rejets thermiques 60–90 °C"`` → ``(60, 90)``; ``"< 30 °C"`` or ``"below 30 °C"`` →
    ``(-273, 30)``; ``"> 150 °C"`` or ``"above 150 °C"`` → ``(150, 10000)``. A band is read as
    ``low <= t < high``.

    Parameters
    ----------
    label
        A category label (French or English).
    """
    match = _BAND.search(label)
    if match is None:
        return None
    if match.group("lo"):
        return float(match.group("lo")), float(match.group("hi"))
    if match.group("lt"):
        return -273.0, float(match.group("lt_v"))
    return float(match.group("gt_v")), 10_000.0


def normalize(text: str) -> str:
    """Return ``text`` folded to plain lower-case words, without numbers, units or punctuation.

    Parameters
    ----------
    text
        Free text as typed by a firm (French or English).

    Examples
    --------
    >>> normalize("Rejets thermiques à 60 °C, ~2 MW (œuvre)")
    'rejets thermiques a oeuvre'
    >>> normalize("SPL 1re coupe / 2nd cut")
    'spl first coupe second cut'
    """
    text = _TEMPERATURE.sub(" ", text)
    text = _ORDINAL.sub(lambda m: f" {_ORDINAL_WORDS[m.group(1)]} ", _fold(text))
    words = _NON_WORD.sub(" ", text).split()
    return " ".join(w for w in words if w not in _UNITS and not _NUMERIC_TOKEN.match(w))


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Strip light French/English plural and gender endings so that variants meet.

    Rules (applied once, in order): ``-eaux``→``-eau``, ``-aux``→``-al``, ``-ies``→``-y``, a final
    ``-s`` or ``-x`` (not ``-ss``), then every final ``-e``, keeping at least three letters. Both
    ``"usées"`` and ``"usé"`` give ``"use"``; ``"copeaux"`` gives ``"copeau"``; ``"métaux"`` gives
    ``"metal"``.

    Parameters
    ----------
    word
        One normalised word (lower case, no accents).
    """
    if len(word) <= 3:
        return word
    if word.endswith("eaux"):
        word = word[:-1]
    elif word.endswith("aux"):
        word = word[:-3] + "al"
    elif word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word[-1] in "sx" and not word.endswith("ss"):
        word = word[:-1]
    while len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def _keep(word: str) -> bool:
    return word not in STOPWORDS and len(word) > 1


def tokens(text: str) -> list[str]:
    """Return the stemmed content words of ``text`` (normalised, stop words dropped).

    Parameters
    ----------
    text
        Free text as typed, or already normalised.
    """
    return [stem(_SPELLING.get(w, w)) for w in normalize(text).split() if _keep(_SPELLING.get(w, w))]


def weighted_tokens(text: str) -> list[tuple[str, float]]:
    """Return ``(stemmed word, weight)`` pairs: words naming where a stream comes from weigh less.

    In "biogas from the anaerobic digester" or "planures séchées au séchoir", what follows
    ``from``/``in``/``at``/``au``/``dans``/``provenant``/``issu`` up to the next punctuation mark
    describes the source, not the resource: those words get :data:`CONTEXT_WEIGHT`, the others 1.
    :data:`GENERIC_WORDS` ("surplus", "cherche", "résidus") get 0: they carry no n-gram weight but
    still count as present when checking that every word of a phrase ("surplus alimentaires") is there.

    Parameters
    ----------
    text
        Free text as typed.
    """
    out: list[tuple[str, float]] = []
    for clause in _CLAUSE.split(text):
        weight = 1.0
        for word in normalize(clause).split():
            word = _SPELLING.get(word, word)
            if word in _CONTEXT_CUES:
                weight = CONTEXT_WEIGHT
            elif _keep(word):
                out.append((stem(word), 0.0 if word in GENERIC_WORDS else weight))
    return out


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
        for gram in set(char_ngrams(words)):
            col = vocabulary.setdefault(gram, len(vocabulary))
            if col == len(df):
                df.append(0)
            df[col] += 1
    n_docs = len(documents)
    idf = np.log((1.0 + n_docs) / (1.0 + np.asarray(df, dtype=np.float64))) + 1.0
    return NgramSpace(vocabulary=vocabulary, idf=idf)
