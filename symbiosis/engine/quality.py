"""Quality specifications of a demand against the declared values of a supply, vectorised over pairs.

A demand may declare what it accepts: a minimum purity, a maximum moisture, a minimum temperature,
a maximum contaminant content, the particle-size classes it takes, and that it refuses hazardous
residues. A supply declares its own values. For each pair and each spec:

* both sides declared and the supply is outside the spec → the pair is **rejected**
  (:func:`spec_violation`, candidate check ``quality_spec``);
* the demand declares the spec but the supply gives no value → an **uncertainty**: the pair stays,
  and :func:`spec_unknown` names the spec (``candidates.spec_unknown``, shown in explanations);
* the demand declares nothing → nothing to check.

Two specs are read from the descriptions rather than declared in a column:

* the **substance** each side names (:mod:`symbiosis.kb.substances`). A demand whose head names
  substances ("*Gypsum* as set retarder") refuses a supply that names others and none of them
  ("Coal fly ash"); either side naming none leaves the pair alone;
* the **grade** a demand requires (food, feed, pharmaceutical, potable; :mod:`symbiosis.kb.grades`):
  a supply stating grades that do not meet it ("industrial grade") is refused, a supply stating none
  is an uncertainty like any undeclared value.

A missing value is never a pass and never a rejection: it is a question to ask the supplier.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

import numpy as np
import pandas as pd

from symbiosis.i18n import Text, TextTable

__all__ = [
    "SPECS",
    "SPEC_LABELS",
    "SPEC_UNKNOWN_TEXT",
    "QualityArrays",
    "spec_unknown",
    "spec_unknown_code",
    "spec_violation",
    "spec_violations",
]

#: Spec codes, in the order they are checked and named.
SPECS: tuple[str, ...] = (
    "purity",
    "moisture",
    "temperature",
    "contaminant",
    "particle_size",
    "grade",
    "hazardous",
    "substance",
)
#: Specs a supply can leave undeclared (an uncertainty, :func:`spec_unknown_code`), in bit order.
UNKNOWABLE: tuple[str, ...] = ("purity", "moisture", "temperature", "contaminant", "particle_size", "grade")
SPEC_LABELS: Mapping[str, Text] = TextTable("quality.spec")
_SIZES = ("fine", "granular", "coarse", "bulky")


def _num(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[col], errors="coerce").to_numpy(float)


def _size_bits(values: pd.Series | None, n: int) -> np.ndarray:
    """Bit ``i`` set when class ``_SIZES[i]`` is named (``|``, ``,`` or space separated)."""
    if values is None:
        return np.zeros(n, dtype=np.int64)
    text = values.astype("string").fillna("").str.lower()
    bits = np.zeros(n, dtype=np.int64)
    for i, size in enumerate(_SIZES):
        bits |= np.where(text.str.contains(size, regex=False).to_numpy(bool), 1 << i, 0)
    return bits


def _flag(frame: pd.DataFrame, col: str) -> np.ndarray:
    if col not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    values = frame[col]
    if pd.api.types.is_bool_dtype(values):
        return values.fillna(False).to_numpy(bool)
    return (
        values.astype("string")
        .fillna("")
        .str.strip()
        .str.lower()
        .isin(["true", "1", "yes", "oui", "vrai"])
        .to_numpy(bool)
    )


def _substances(frame: pd.DataFrame, direction: str) -> np.ndarray:
    if "description" not in frame.columns:
        return np.zeros(len(frame), dtype=np.int64)
    from symbiosis.kb.substances import category_bits, substance_bits  # this project's: importable

    named = substance_bits(frame["description"], direction=direction)
    if direction == "supply" and "category_id" in frame.columns:
        named = named | category_bits(frame["category_id"])
    return named


def _grades(frame: pd.DataFrame, direction: str) -> np.ndarray:
    if "description" not in frame.columns:
        return np.zeros(len(frame), dtype=np.int64)
    from symbiosis.kb.grades import required_grades, stated_grades  # this project's: importable

    read = required_grades if direction == "demand" else stated_grades
    return read(frame["description"])


@dataclass(frozen=True)
class QualityArrays:
    """Declared values (supplies) or specs (demands) of one side, as arrays aligned with its streams."""

    purity: np.ndarray
    moisture: np.ndarray
    temperature: np.ndarray
    contaminant: np.ndarray
    size_bits: np.ndarray
    hazardous: np.ndarray
    carries_heat: np.ndarray | None = None
    substances: np.ndarray | None = None  # mask of the substances the description names (kb.substances)
    grades: np.ndarray | None = None  # supplies: grades stated; demands: grades required (kb.grades)

    @classmethod
    def empty(cls, n: int) -> QualityArrays:
        """No value declared for ``n`` streams."""
        nan = np.full(n, np.nan)
        return cls(nan, nan, nan, nan, np.zeros(n, np.int64), np.zeros(n, bool))

    def take(self, rows: np.ndarray) -> QualityArrays:
        """The streams at ``rows`` (positions, in that order): every array is one value per stream."""
        changes = {f.name: getattr(self, f.name) for f in fields(self)}
        return replace(self, **{k: v[rows] for k, v in changes.items() if v is not None})

    @classmethod
    def of_supplies(cls, frame: pd.DataFrame) -> QualityArrays:
        """What supplies declare: purity, moisture, temperature, contaminants, size class, hazard."""
        kind = frame["kind"].astype(str).to_numpy() if "kind" in frame else np.full(len(frame), "")
        return cls(
            _num(frame, "purity_pct"),
            _num(frame, "moisture_pct"),
            _num(frame, "temperature_c"),
            _num(frame, "contaminant_pct"),
            _size_bits(frame.get("particle_size"), len(frame)),
            _flag(frame, "hazardous"),
            np.isin(kind, ("energy", "water")),
            _substances(frame, "supply"),
            _grades(frame, "supply"),
        )

    @classmethod
    def of_demands(cls, frame: pd.DataFrame) -> QualityArrays:
        """What demands accept: minimum purity and temperature, maximum moisture and contaminants,
        the size classes, and whether they refuse hazardous residues."""
        return cls(
            _num(frame, "min_purity_pct"),
            _num(frame, "max_moisture_pct"),
            _num(frame, "min_temperature_c"),
            _num(frame, "max_contaminant_pct"),
            _size_bits(frame.get("accepted_particle_sizes"), len(frame)),
            _flag(frame, "rejects_hazardous"),
            substances=_substances(frame, "demand"),
            grades=_grades(frame, "demand"),
        )


def spec_violations(
    s: np.ndarray, d: np.ndarray, sup: QualityArrays, dem: QualityArrays
) -> dict[str, np.ndarray]:
    """Per spec code, which pairs (supply ``s``, demand ``d`` positions) break a declared spec."""
    from symbiosis.kb.grades import grade_violation  # this project's: importable

    bits_s, bits_d = sup.size_bits[s], dem.size_bits[d]
    named_s, named_d = _named(sup, s), _named(dem, d)
    return {
        "purity": sup.purity[s] < dem.purity[d],
        "moisture": sup.moisture[s] > dem.moisture[d],
        "temperature": sup.temperature[s] < dem.temperature[d],
        "contaminant": sup.contaminant[s] > dem.contaminant[d],
        "particle_size": (bits_s != 0) & (bits_d != 0) & ((bits_s & bits_d) == 0),
        "grade": grade_violation(_graded(sup, s), _graded(dem, d)),
        "hazardous": sup.hazardous[s] & dem.hazardous[d],
        "substance": (named_s != 0) & (named_d != 0) & ((named_s & named_d) == 0),
    }


def _graded(side: QualityArrays, rows: np.ndarray) -> np.ndarray:
    return side.grades[rows] if side.grades is not None else np.zeros(len(rows), dtype=np.int64)


def _named(side: QualityArrays, rows: np.ndarray) -> np.ndarray:
    return side.substances[rows] if side.substances is not None else np.zeros(len(rows), dtype=np.int64)


def spec_violation(s: np.ndarray, d: np.ndarray, sup: QualityArrays, dem: QualityArrays) -> np.ndarray:
    """Whether each pair breaks at least one spec both sides declared (NaN comparisons are False)."""
    out = np.zeros(len(s), dtype=bool)
    for broken in spec_violations(s, d, sup, dem).values():
        out |= broken
    return out


def spec_unknown_code(s: np.ndarray, d: np.ndarray, sup: QualityArrays, dem: QualityArrays) -> np.ndarray:
    """Per pair, a bit per spec (in :data:`SPECS` order) the demand declares but the supply leaves empty."""
    # A fuel burned for heat has no temperature to state: only heat and water carry one.
    heat = sup.carries_heat[s] if sup.carries_heat is not None else np.ones(len(s), dtype=bool)
    unknown = (
        np.isfinite(dem.purity[d]) & ~np.isfinite(sup.purity[s]),
        np.isfinite(dem.moisture[d]) & ~np.isfinite(sup.moisture[s]),
        np.isfinite(dem.temperature[d]) & ~np.isfinite(sup.temperature[s]) & heat,
        np.isfinite(dem.contaminant[d]) & ~np.isfinite(sup.contaminant[s]),
        (dem.size_bits[d] != 0) & (sup.size_bits[s] == 0),
        (_graded(dem, d) != 0) & (_graded(sup, s) == 0),
    )
    code = np.zeros(len(s), dtype=np.int64)
    for i, flags in enumerate(unknown):
        code |= np.where(flags, 1 << i, 0)
    return code


#: Text of each :func:`spec_unknown_code` value: the unknown specs' codes joined by ``|``.
SPEC_UNKNOWN_TEXT = np.array(
    ["|".join(n for i, n in enumerate(UNKNOWABLE) if c >> i & 1) for c in range(1 << len(UNKNOWABLE))],
    dtype=object,
)


def spec_unknown(s: np.ndarray, d: np.ndarray, sup: QualityArrays, dem: QualityArrays) -> np.ndarray:
    """Per pair, the specs the demand declares but the supply leaves empty, joined by ``|``."""
    return SPEC_UNKNOWN_TEXT[spec_unknown_code(s, d, sup, dem)]
