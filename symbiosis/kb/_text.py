"""Text normalisation for the free-text classifier: accents, ligatures, units, light stemming, n-grams.

Everything here is pure and language-light: the same rules serve French and English, because firms
mix both ("SPL broyé 40 t/yr"). The pipeline is

``raw`` → :func:`normalize` (lower case, accents and ligatures folded, ordinals kept as words,
temperatures, numbers and units removed, punctuation to spaces) → :func:`tokens` or
:func:`weighted_tokens` (stop words dropped, spelling variants folded, :func:`stem` applied) →
:mod:`symbiosis.kb._ngrams` (character n-grams and TF-IDF). Temperatures, pressures and the bands
of category labels are parsed here too, before numbers are dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from functools import lru_cache

import numpy as np

__all__ = [
    "GENERIC_WORDS",
    "STOPWORDS",
    "demand_head",
    "masks_of_texts",
    "normalize",
    "parse_band",
    "parse_heat_band",
    "parse_pressure_bar",
    "parse_temperature_c",
    "stem",
    "tokens",
    "weighted_tokens",
]

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "³": "3", "²": "2"})

#: A number, possibly with a French decimal comma or thousands spaces ("1 200,5").
# It starts only where a number starts (not inside a run of digits or of digit groups) and never gives
# digits back: linear on any text, where "\d+" alone rescans a run of digits from each of its digits.
_NUMBER = r"(?<![\d.,])(?<!\d[ \u00a0\u202f])\d++(?:[ \u00a0\u202f]\d{3})*+(?:[.,]\d++)?+"

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

#: Chemical symbols of the metals residues are recovered for, with their English and French names.
_ELEMENTS: Mapping[str, str] = {
    "Ni": "nickel",
    "Co": "cobalt",
    "Zn": "zinc",
    "Cu": "copper cuivre",
    "Pb": "lead plomb",
    "Cr": "chromium chrome",
    "Mn": "manganese",
    "Mo": "molybdenum molybdene",
    "Sn": "tin etain",
    "Cd": "cadmium",
    "Hg": "mercury mercure",
    "Fe": "iron fer",
    "Al": "aluminium",
    "Ti": "titanium titane",
}
_SYMBOL = "|".join(sorted(_ELEMENTS, key=len, reverse=True))
#: Two or more symbols written as a list ("Ni/Co", "Zn, Pb", "Cu + Zn"), case as written: a symbol
#: alone is too often a word or an abbreviation ("Co-digestion", "V") to be read as a metal.
_ELEMENT_LIST = re.compile(rf"\b(?:{_SYMBOL})(?:\s*[/,+&]\s*(?:{_SYMBOL})\b)+")


def _element_names(match: re.Match[str]) -> str:
    """The list as written, then the metals' names ("Ni/Co" → "Ni/Co nickel cobalt")."""
    names = (_ELEMENTS[s] for s in re.findall(rf"\b(?:{_SYMBOL})\b", match.group(0)))
    return f"{match.group(0)} {' '.join(names)} "


#: Two words that name one thing only together, written as one word: "waste" alone only says that a
#: stream is a residue (:data:`GENERIC_WORDS`), but "waste water" is wastewater, not water.
_COMPOUNDS = re.compile(r"\b(waste) (waters?)\b")

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
_CONTEXT_CUES = _wordset(
    "from in at inside au dans chez provenant provenance issu issue issus issues after apres"
)
#: In a *supply*, a preposition then a possessive ("by-product *of our* agricultural company",
#: « boues *de notre* usine de pâte ») opens a clause naming the declaring firm's own plant: a source,
#: weighed as one (:data:`CONTEXT_WEIGHT`). In a demand the same words name the use ("*for our*
#: particleboard line", « *pour nos* plateaux moulés ») and keep their weight.
_OWNER_CUES = _wordset("of for to by from in at into pour de du des a au aux dans chez par")
_POSSESSIVES = _wordset("our my their notre nos mon ma mes leur leurs")
#: In a *demand*, words after a "for what use" cue ("for the kiln", "pour les serres", "as reductant")
#: name the need, and words inside parentheses are usually examples of what is accepted
#: ("fuel for the kiln (SPL, solvents, tyres)"): the first weigh USE_WEIGHT, the others EXAMPLE_WEIGHT.
USE_WEIGHT = 1.0
EXAMPLE_WEIGHT = 0.5
_USE_CUES = _wordset("for pour as comme into replace remplacer remplacement substitute substitution feed")
_CLAUSE_SPLIT = re.compile(r"([,;:()\[\]\n]|\.(?!\d))")
#: Use cues that are only cues (not also words of a material, as "feed" and "substitution" are).
_HEAD_CUES = _wordset("for pour as comme into replace remplacer remplacement substitute")
_WORD = re.compile(r"\w+")
#: How a stream is shipped ("en vrac ou en sacs", "in bulk bags", "en barils") says nothing of what it
#: is: a packaging word right after one of these prepositions weighs :data:`CONTEXT_WEIGHT`.
_SHIPPING_CUES = _wordset("en in on sur")
_PACKAGING = _wordset(
    """
    vrac sac sacs big balle balles ballot ballots baril barils bac bacs conteneur conteneurs citerne
    citernes palette palettes tote totes
    bulk bag bags bale bales drum drums bin bins container containers tanker tankers pallet pallets
    """
)

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


_BAND_NUMBER = r"\d+(?:[.,]\d+)?"
_BAND_UNITS = {"C": r"°\s*C", "bar": r"bars?\b"}


@lru_cache(maxsize=8)
def _band_pattern(unit: str) -> re.Pattern[str]:
    return re.compile(
        rf"(?:(?P<lo>{_BAND_NUMBER})\s*(?:{_BAND_UNITS[unit]})?\s*(?:-|–|—|à|to)\s*(?P<hi>{_BAND_NUMBER})"
        rf"|(?P<lt><|≤|under|moins de|below)\s*(?P<lt_v>{_BAND_NUMBER})"
        rf"|(?P<gt>>|≥|over|plus de|above)\s*(?P<gt_v>{_BAND_NUMBER}))\s*{_BAND_UNITS[unit]}",
        re.IGNORECASE,
    )


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse_band(label: str, unit: str = "C") -> tuple[float, float] | None:
    """Return the ``(low, high)`` band written in a label, in ``unit`` ("C" for °C, "bar"), or None.

    ``"Rejets thermiques 60–90 °C"`` → ``(60, 90)``; ``"< 30 °C"`` or ``"below 30 °C"`` →
    ``(-inf, 30)``; ``"> 150 °C"`` or ``"above 150 °C"`` → ``(150, inf)``;
    ``parse_band("Vapeur moyenne pression (3,5–15 bar)", "bar")`` → ``(3.5, 15)``. A band is read as
    ``low <= value < high``.

    Parameters
    ----------
    label
        A category label (French or English).
    unit
        ``"C"`` or ``"bar"``.
    """
    match = _band_pattern(unit).search(label)
    if match is None:
        return None
    if match.group("lo"):
        return _number(match.group("lo")), _number(match.group("hi"))
    if match.group("lt"):
        return -np.inf, _number(match.group("lt_v"))
    return _number(match.group("gt_v")), np.inf


def parse_heat_band(label: str) -> tuple[float, float] | None:
    """Return the ``(low, high)`` °C band of a heat label (:func:`parse_band` in °C), or None."""
    return parse_band(label, "C")


_PRESSURE = re.compile(
    rf"(?:(?P<low>{_NUMBER})\s*+(?:(?:bars?g?|psig?|kpa|mpa)\s*+)?(?:-|–|—|à|a|to)\s*+)?"
    rf"(?P<value>{_NUMBER})\s*(?P<unit>bars?g?|psig?|kpa|mpa)\b",
    re.IGNORECASE,
)
_TO_BAR = {"bar": 1.0, "psi": 0.0689476, "kpa": 0.01, "mpa": 10.0}


def parse_pressure_bar(text: str) -> float | None:
    """Return the highest pressure written in ``text``, in bar, or None.

    Understands ``10 bar``, ``10 barg``, ``150 psi``, ``150 psig``, ``800 kPa``, ``1,5 MPa``; gauge and
    absolute are not told apart (the bands are wide). A range (``13-20 bar``, ``15 à 20 bars``) counts
    by its lower end: what a supply guarantees, and the least a demand can take (steam at the lower
    pressure serves it, through a let-down if need be, only if that end is met).

    Parameters
    ----------
    text
        Free text as typed.
    """
    found = []
    for match in _PRESSURE.finditer(text):
        written = match.group("low") or match.group("value")
        value = float(re.sub(r"[ \u00a0\u202f]", "", written).replace(",", "."))
        unit = match.group("unit").lower().rstrip("g").rstrip("s")
        found.append(value * _TO_BAR[unit])
    return max(found) if found else None


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
    text = _ELEMENT_LIST.sub(_element_names, text)
    text = _ORDINAL.sub(lambda m: f" {_ORDINAL_WORDS[m.group(1)]} ", _fold(text))
    text = _COMPOUNDS.sub(lambda m: m.group(1) + m.group(2), _NON_WORD.sub(" ", text))
    words = text.split()
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


_PARENTHESES = re.compile(r"\(([^()]*)\)")


def masks_of_texts(texts: object, read: Callable[[str], int]) -> np.ndarray:
    """``read`` (text → bit mask) of each text, computed once per distinct text (``int64``, aligned).

    Missing values read as empty text. Used by the substance and grade readers
    (:mod:`symbiosis.kb.substances`, :mod:`symbiosis.kb.grades`).
    """
    import pandas as pd

    values = pd.Series(np.asarray(texts, dtype=object)).fillna("").astype(str)
    codes, uniques = pd.factorize(values)
    per_text = np.fromiter((read(t) for t in uniques), dtype=np.int64, count=len(uniques))
    return per_text[codes] if len(codes) else np.zeros(0, dtype=np.int64)


def weighted_tokens(text: str, *, direction: str | None = None) -> list[tuple[str, float]]:
    """Return ``(stemmed word, weight)`` pairs: words naming where a stream comes from weigh less.

    Read once per process for each (text, reading): the pipeline reads the same descriptions at every
    run (text matches, runner-up categories), and normalising them was a sixth of candidate generation.

    In "biogas from the anaerobic digester" or "planures séchées au séchoir", what follows
    ``from``/``in``/``at``/``au``/``dans``/``provenant``/``issu`` up to the next punctuation mark
    describes the source, not the resource: those words get :data:`CONTEXT_WEIGHT`, the others 1;
    so do, in a supply, the words after a preposition and a possessive ("by-product of our sawmill").
    :data:`GENERIC_WORDS` ("surplus", "cherche", "résidus") get 0: they carry no n-gram weight but
    still count as present when checking that every word of a phrase ("surplus alimentaires") is there.
    For a ``direction="demand"`` text, words after a use cue ("for", "pour", "as", "to replace") get
    :data:`USE_WEIGHT` and words in parentheses :data:`EXAMPLE_WEIGHT`.

    Parameters
    ----------
    text
        Free text as typed.
    direction
        ``"demand"`` to read the need the way a demand states it; anything else reads it plainly.
    """
    return list(_weighted_tokens(text, direction == "demand"))


@lru_cache(maxsize=65536)
def _weighted_tokens(text: str, demand: bool) -> tuple[tuple[str, float], ...]:
    parts = [(text, 1.0)]
    if demand:
        examples = " ".join(_PARENTHESES.findall(text))
        parts = [(_PARENTHESES.sub(" ; ", text), 1.0), (examples, EXAMPLE_WEIGHT)]
    out: list[tuple[str, float]] = []
    for part, scale in parts:
        pieces = _CLAUSE_SPLIT.split(part)
        weight, outer = 1.0, [1.0]
        for n in range(0, len(pieces), 2):
            separator = pieces[n - 1] if n else ""
            if separator == "(":  # a parenthesis qualifies what precedes it: "from X (Y)"
                outer.append(weight)
            elif separator == ")":
                weight = outer.pop() if len(outer) > 1 else 1.0
            else:
                weight, outer = 1.0, [1.0]
            words = [_SPELLING.get(w, w) for w in normalize(pieces[n]).split()]
            shipping = False
            for k, word in enumerate(words):
                shipping = word in _PACKAGING and (shipping or (k > 0 and words[k - 1] in _SHIPPING_CUES))
                if not demand and word in _POSSESSIVES and k > 0 and words[k - 1] in _OWNER_CUES:
                    weight = CONTEXT_WEIGHT
                    continue
                if word in _CONTEXT_CUES:
                    weight = CONTEXT_WEIGHT
                    continue
                if demand and word in _USE_CUES:
                    weight = USE_WEIGHT
                # A cue that is also a word ("feed", "substitution") still says what is wanted:
                # "combustibles de *substitution*", "protein *feed*".
                if _keep(word):
                    generic = word in GENERIC_WORDS or _in_generic_pair(words, k)
                    own = min(weight, CONTEXT_WEIGHT) if shipping else weight
                    out.append((stem(word), 0.0 if generic else own * scale))
    return tuple(out)


def demand_head(text: str) -> str:
    """The part of a demand's text before its first use cue: what the demand names as the material.

    In "Urban waste wanted as raw material, for our biogas plant" the head is "Urban waste "; the
    rest says what the firm makes with it (biogas), which is not what it wants. A text that starts
    with a use cue has an empty head.

    Examples
    --------
    >>> demand_head("Sulphur (liquid or solid) for sulphuric acid")
    'Sulphur (liquid or solid) '
    >>> demand_head("Protein feed for pigs")
    'Protein feed '
    >>> demand_head("Pour nos serres : chaleur")
    ''
    """
    for match in _WORD.finditer(text):
        if _fold(match.group()) in _HEAD_CUES:
            return text[: match.start()]
    return text


#: Two-word expressions that only say "an input" ("raw material", "matière première"): the word that
#: is not already generic ("raw", "première") weighs nothing in them, so that "raw material for
#: clinker" is not read as *raw water* by its shared letters.
_GENERIC_PAIRS: frozenset[tuple[str, str]] = frozenset(
    (first, second)
    for firsts, seconds in (
        (("raw",), ("material", "materials")),
        (("matiere", "matieres"), ("premiere", "premieres")),
    )
    for first in firsts
    for second in seconds
)


def _in_generic_pair(words: list[str], k: int) -> bool:
    before = (words[k - 1], words[k]) if k > 0 else None
    after = (words[k], words[k + 1]) if k + 1 < len(words) else None
    return before in _GENERIC_PAIRS or after in _GENERIC_PAIRS
