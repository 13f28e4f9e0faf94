"""Named substances: what a description says the stream *is*, as a bit mask per stream.

Categories group residues by what receivers do with them, and some groups are wide on purpose
(``inorganic_chemicals``, ``spent_acids``, ``cement_raw_material``, ``olefins_feedstock``): a rule
between two of them cannot tell that a buyer of *anhydrous ammonia* has no use for *iron chloride
solids*, or that a *propylene* line does not take *ethylene*. The descriptions can: firms name the
substance they offer or want. :data:`SUBSTANCES_FILE` lists about forty substances (gypsum, lime,
ash, slag, sulphur, the mineral acids, ammonia, hydrogen, CO2, the olefins, the metals, the
polymers, sugars…), each with the French and English words that name it.

:func:`substance_bits` reads a description into a mask (bit *i* = substance *i* is named):

* a **supply** is read whole: every substance it mentions, its origin included, may be what it is
  ("slag from copper smelting" names slag and copper). Reading more only ever widens what it may be.
  Its category adds the substances the table's ``supply_categories`` column ties to it, whatever the
  words (a stream of ``fgd_gypsum`` is gypsum; wood ash is also spread as a calcium amendment);
* a **demand** is read by its *head*, the words before its first use cue ("*Sulphur* for sulphuric
  acid", "*Gypsum* as set retarder", "*Chaux vive* pour la caustification"): what follows names what
  the buyer makes, not what it takes. Examples in parentheses widen a head that names a substance
  ("Calcium source (lime mud, carbide slag)"), but never make a spec out of a head that names none
  ("Alternative fuels (SPL, solvents, tyres)" takes other fuels too).

:mod:`symbiosis.engine.quality` uses the masks as one more specification the demand states: a pair
whose two sides both name substances, none in common, is refused (``quality_spec``). A side that
names none is never judged.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from symbiosis.kb._text import _fold, masks_of_texts

__all__ = ["SUBSTANCES_FILE", "category_bits", "load_substances", "substance_bits", "substance_labels"]

logger = logging.getLogger(__name__)

SUBSTANCES_FILE = Path(__file__).with_name("data") / "substances.csv"

#: Words after which a demand says what it is *for* (read on folded text: no accents, lower case).
_USE_CUE = re.compile(
    r"\b(?:for|pour|as|comme|into|to replace|replace|remplacer|en remplacement|substitute|substitution)\b"
)
_PARENTHESES = re.compile(r"\(([^()]*)\)")


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    table = pd.read_csv(SUBSTANCES_FILE, dtype=str, keep_default_na=False)
    if len(table) > 63:
        raise ValueError(f"{SUBSTANCES_FILE.name}: at most 63 substances fit one int64 mask")
    return table


def load_substances() -> pd.DataFrame:
    """The substance table, a copy: ``substance_id``, ``label_fr``, ``label_en``, ``pattern`` (a regular
    expression on folded text: lower case, no accents), ``supply_categories`` (``|``-separated) and
    ``note``."""
    return _table().copy()


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern[str]:
    parts = [f"(?P<s{i}>{p})" for i, p in enumerate(_table()["pattern"])]
    return re.compile("|".join(parts))


def _bits_of(folded: str) -> int:
    bits = 0
    for match in _pattern().finditer(folded):
        bits |= 1 << int(str(match.lastgroup)[1:])
    return bits


@lru_cache(maxsize=65536)
def _bits(text: str, demand: bool) -> int:
    folded = _fold(text)
    if not demand:
        return _bits_of(folded)
    examples = " ; ".join(_PARENTHESES.findall(folded))
    plain = _PARENTHESES.sub(" ; ", folded)
    cue = _USE_CUE.search(plain)
    head = _bits_of(plain[: cue.start()] if cue else plain)
    return head | _bits_of(examples) if head else 0


def substance_bits(texts: Sequence[str] | pd.Series | np.ndarray, *, direction: str) -> np.ndarray:
    """Per description, the mask of the substances it names (``int64``; 0: none named).

    Parameters
    ----------
    texts
        Descriptions as typed (French or English; missing values read as empty).
    direction
        ``"supply"`` reads the whole text; ``"demand"`` reads its head (see the module docstring).

    Examples
    --------
    >>> a, b = substance_bits(["Gypse FGD", "Gypsum as set retarder for cement"], direction="demand")
    >>> bool(a == b != 0)
    True
    >>> int(substance_bits(["Alternative fuels (solvents, tyres)"], direction="demand")[0])
    0
    """
    demand = direction == "demand"
    return masks_of_texts(texts, lambda text: _bits(text, demand))


@lru_cache(maxsize=1)
def _category_masks() -> dict[str, int]:
    masks: dict[str, int] = {}
    for i, categories in enumerate(_table()["supply_categories"]):
        for category in filter(None, categories.split("|")):
            masks[category] = masks.get(category, 0) | 1 << i
    return masks


def category_bits(categories: Sequence[str] | pd.Series | np.ndarray) -> np.ndarray:
    """Per supply category id, the mask of the substances its streams are (``int64``; 0: none tied)."""
    values = pd.Series(np.asarray(categories, dtype=object)).fillna("").astype(str)
    return values.map(_category_masks()).fillna(0).to_numpy(np.int64)


def substance_labels(bits: int, lang: str = "fr") -> list[str]:
    """Labels (``lang``: ``"fr"`` or ``"en"``) of the substances set in one mask, in table order."""
    column = "label_fr" if lang == "fr" else "label_en"
    return [label for i, label in enumerate(_table()[column]) if bits >> i & 1]
