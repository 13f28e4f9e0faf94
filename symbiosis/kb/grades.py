"""Grades a demand requires (food, feed, pharmaceutical, potable, clean fill) and grades a supply states.

A buyer of *food-grade* CO2, *feed-grade* lime or *potable-quality* water cannot take a residue that is
not certified for it, however well the categories match; nor can a site that asks for *clean fill* take
a slag or a red mud (fill from a residue is a valorisation with its own permit). Firms say so in words,
in French or English ("CO2 food grade (EIGA/ISBT)", « Carbonate de calcium de qualité alimentaire »,
"potable quality source only"). :func:`required_grades` reads what a demand *requires*: the grades named
in its head (before its use cue: "CO2 *for* liquefaction *to* food grade" makes food-grade CO2, it does
not buy it), in its parentheses, or in a clause that says *only* / *uniquement*. A negation
("non-potable", « eau non potable ») never requires. :func:`stated_grades` reads the grades a supply
states anywhere in its text ("DDGS – feed grade", "liquid CO2, industrial grade").

:mod:`symbiosis.engine.quality` turns them into the ``grade`` specification: a supply stating
grades none of which meets a requirement is refused; a supply stating none is an uncertainty to
clear with the supplier (listed, not proposed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pandas as pd

from symbiosis.kb._text import _fold, masks_of_texts

__all__ = ["GRADES", "grade_labels", "grade_violation", "required_grades", "stated_grades"]

_NOT = r"(?<!non )(?<!non-)(?<!not )(?<!pas )"

#: Grade name → pattern on folded text (lower case, no accents). Order gives the bit.
GRADES: dict[str, str] = {
    "food": _NOT + r"(?:food[ -]grade|food[ -]contact|product contact|contact (?:produit|alimentaire)"
    r"|qualite alimentaire(?! animale)|grade alimentaire"
    r"|(?:brewing|malting|distilling)[ -]grade|qualite (?:brassicole|maltiere))",
    "feed": _NOT + r"(?:feed[ -]grade|qualite alimentaire animale|qualite fourragere)",
    "pharmaceutical": _NOT + r"(?:pharma(?:ceutical)?[ -]grade|qualite pharmaceutique|\busp\b|\bwfi\b)",
    "potable": _NOT + r"(?:\bpotable\b|drinking[ -]water quality)",
    # Fill that must be natural and uncontaminated (excavated soil, quarry sand): a residue used as
    # fill is a valorisation that needs its own authorisation, not "clean fill".
    "clean_fill": _NOT + r"(?:\bclean (?:fill|soil|earth|sand|excavated)|uncontaminated (?:soil|fill|earth)"
    r"|(?:remblais?|sols?|terres?|sable) (?:propres?|non contamines?|non contaminees?))",
    "industrial": r"(?:industrial[ -]grade|technical[ -]grade|tech grade|qualite (?:industrielle|technique))",
}
_BIT = {name: 1 << i for i, name in enumerate(GRADES)}
#: Per required grade, the stated grades that meet it (pharmaceutical meets food, food meets feed).
_MEETS: dict[str, int] = {
    "food": _BIT["food"] | _BIT["pharmaceutical"],
    "feed": _BIT["feed"] | _BIT["food"] | _BIT["pharmaceutical"],
    "pharmaceutical": _BIT["pharmaceutical"],
    "potable": _BIT["potable"] | _BIT["pharmaceutical"],
    "clean_fill": _BIT["clean_fill"],
}
_LABELS = {
    "food": ("qualité alimentaire", "food grade"),
    "feed": ("qualité alimentaire animale", "feed grade"),
    "pharmaceutical": ("qualité pharmaceutique", "pharmaceutical grade"),
    "potable": ("qualité eau potable", "potable quality"),
    "clean_fill": ("remblai propre (non contaminé)", "clean fill (uncontaminated)"),
    "industrial": ("qualité industrielle", "industrial grade"),
}
_PATTERN = re.compile("|".join(f"(?P<{name}>{p})" for name, p in GRADES.items()))
_USE_CUE = re.compile(r"\b(?:for|pour|as|comme|into|to|a)\b")
_PARENTHESES = re.compile(r"\(([^()]*)\)")
_CLAUSE = re.compile(r"[,;:\n]| - | – ")
_ONLY = re.compile(r"\b(?:only|uniquement|seulement|exclusively|exclusivement|required|requise?|exigee?)\b")


def _bits(text: str) -> int:
    bits = 0
    for match in _PATTERN.finditer(text):
        bits |= _BIT[str(match.lastgroup)]
    return bits


@lru_cache(maxsize=65536)
def _required(text: str) -> int:
    folded = _fold(text)
    plain = _PARENTHESES.sub(" ; ", folded)
    cue = _USE_CUE.search(plain)
    head = plain[: cue.start()] if cue else plain
    insisted = " ; ".join(c for c in _CLAUSE.split(folded) if _ONLY.search(c))
    bits = _bits(head) | _bits(" ; ".join(_PARENTHESES.findall(folded))) | _bits(insisted)
    return bits & ~_BIT["industrial"]  # nobody *requires* a lower grade


@lru_cache(maxsize=65536)
def _stated(text: str) -> int:
    return _bits(_fold(text))


def required_grades(texts: Sequence[str] | pd.Series | np.ndarray) -> np.ndarray:
    """Per demand description, the mask of the grades it requires (0: none).

    Examples
    --------
    >>> [grade_labels(int(b), "en") for b in required_grades(
    ...     ["CO2 food grade (EIGA/ISBT)", "Raw CO2 for liquefaction to food grade", "Eau non potable"])]
    [['food grade'], [], []]
    """
    return masks_of_texts(texts, _required)


def stated_grades(texts: Sequence[str] | pd.Series | np.ndarray) -> np.ndarray:
    """Per supply description, the mask of the grades it states (0: none)."""
    return masks_of_texts(texts, _stated)


def grade_violation(stated: np.ndarray, required: np.ndarray) -> np.ndarray:
    """Whether a supply that states grades meets none of some grade the demand requires."""
    unmet = np.zeros(len(stated), dtype=bool)
    for name, meets in _MEETS.items():
        unmet |= ((required & _BIT[name]) != 0) & ((stated & meets) == 0)
    return unmet & (stated != 0)


def grade_labels(bits: int, lang: str = "fr") -> list[str]:
    """Labels (``lang``: ``"fr"`` or ``"en"``) of the grades set in one mask."""
    k = 0 if lang == "fr" else 1
    return [_LABELS[name][k] for name in GRADES if bits & _BIT[name]]
