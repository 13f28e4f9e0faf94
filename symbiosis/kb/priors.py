"""Sector priors: the streams a firm of a given SCIAN/NAICS Canada sector is likely to have.

French practitioners guess a firm's residues and needs from its sector code before it declares
anything (the "deductive" approach). ``data/sector_priors.csv`` holds, per SCIAN prefix (2 to 6
digits), the likely supply and demand categories with a ``typical_share``: the share of firms of that
sector expected to have the stream (0-1). :func:`infer_streams` applies the *longest matching
prefix* of each firm's code: a smelter (331313) gets the 331313 rows only, not those of 3313.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from symbiosis.findings import Finding
from symbiosis.i18n import Text
from symbiosis.kb.categories import load_categories
from symbiosis.kb.tables import read_package_csv, split_list
from symbiosis.schemas import DIRECTIONS

__all__ = ["INFERRED_COLUMNS", "PRIOR_COLUMNS", "check_sector_priors", "infer_streams", "load_sector_priors"]

PRIOR_COLUMNS: tuple[str, ...] = (
    "scian_prefix",
    "direction",
    "category_id",
    "typical_share",
    "evidence_ref",
    "evidence_note",
)
INFERRED_COLUMNS: tuple[str, ...] = (
    "firm_id",
    "scian_code",
    "scian_prefix",
    "direction",
    "category_id",
    "kind",
    "family",
    "typical_share",
    "inferred",
    "evidence_ref",
)
_PREFIX = re.compile(r"^\d{2,6}$")


@lru_cache(maxsize=1)
def _priors() -> pd.DataFrame:
    frame = read_package_csv("sector_priors.csv")
    frame["typical_share"] = pd.to_numeric(frame["typical_share"], errors="coerce").astype("float64")
    return frame


def load_sector_priors() -> pd.DataFrame:
    """Return the shipped sector priors (columns :data:`PRIOR_COLUMNS`, ``typical_share`` float 0-1)."""
    return _priors().copy()


def _longest_prefix(codes: pd.Series, prefixes: pd.Index) -> pd.Series:
    """For each code, the longest element of ``prefixes`` it starts with (NaN when none)."""
    clean = codes.astype("string").fillna("").str.replace(r"\D", "", regex=True)
    best = pd.Series(pd.NA, index=codes.index, dtype="string")
    for length in range(6, 1, -1):  # longest first; fill only what is still missing
        head = clean.str.slice(0, length)
        hit = best.isna() & (clean.str.len() >= length) & head.isin(prefixes)
        best = best.mask(hit, head)
    return best


def infer_streams(
    firms: pd.DataFrame,
    *,
    priors: pd.DataFrame | None = None,
    categories: pd.DataFrame | None = None,
    min_share: float = 0.0,
) -> pd.DataFrame:
    """Guess the likely supply and demand categories of firms from their SCIAN code.

    Parameters
    ----------
    firms
        Frame with ``firm_id`` and ``scian_code`` (2 to 6 digits; other characters are ignored).
    priors
        Sector priors (default: :func:`load_sector_priors`).
    categories
        Categories, for the ``kind`` and ``family`` columns (default: the shipped ones).
    min_share
        Keep only priors whose ``typical_share`` is at least this.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`INFERRED_COLUMNS`, one row per (firm, direction, category), ``inferred`` is
        True; sorted by firm, direction and decreasing share. Firms whose code matches no prefix get
        no row.
    """
    priors = load_sector_priors() if priors is None else priors
    categories = load_categories() if categories is None else categories
    priors = priors.assign(typical_share=pd.to_numeric(priors["typical_share"], errors="coerce"))
    priors = priors[priors["typical_share"] >= min_share]
    base = firms[["firm_id", "scian_code"]].copy()
    base["scian_prefix"] = _longest_prefix(base["scian_code"], pd.Index(priors["scian_prefix"].unique()))
    base = base.dropna(subset=["scian_prefix"]).astype({"scian_prefix": str})
    out = base.merge(
        priors[["scian_prefix", "direction", "category_id", "typical_share", "evidence_ref"]],
        on="scian_prefix",
        how="inner",
    )
    out = out.merge(categories[["category_id", "kind", "family"]], on="category_id", how="left")
    out["inferred"] = True
    out = out.sort_values(
        ["firm_id", "direction", "typical_share", "category_id"], ascending=[True, True, False, True]
    )
    return out[list(INFERRED_COLUMNS)].reset_index(drop=True)


def check_sector_priors(priors: pd.DataFrame, categories: pd.DataFrame | None = None) -> list[Finding]:
    """Check a sector-priors table: prefixes, directions, known categories, shares, evidence, duplicates."""
    categories = load_categories() if categories is None else categories
    if list(priors.columns) != list(PRIOR_COLUMNS):
        message = Text("colonnes inattendues", "unexpected columns")
        return [Finding(severity="error", code="columns", location="sector_priors", detail=message)]
    known = set(categories["category_id"])
    shares = pd.to_numeric(priors["typical_share"], errors="coerce")
    duplicated = priors.duplicated(["scian_prefix", "direction", "category_id"])
    issues: list[Finding] = []
    for row, share, dup in zip(priors.itertuples(index=False), shares, duplicated, strict=True):
        item = f"{row.scian_prefix}/{row.direction}/{row.category_id}"
        problems = [
            (
                not _PREFIX.match(str(row.scian_prefix)),
                "bad_scian_prefix",
                "préfixe SCIAN invalide",
                "invalid SCIAN prefix",
            ),
            (row.direction not in DIRECTIONS, "bad_direction", "sens invalide", "invalid direction"),
            (row.category_id not in known, "unknown_category", "catégorie inconnue", "unknown category"),
            (not 0 < share <= 1, "bad_share", "part hors de ]0, 1]", "share outside (0, 1]"),
            (
                not split_list(row.evidence_ref) or not str(row.evidence_note).strip(),
                "missing_evidence",
                "a priori sans preuve",
                "prior without evidence",
            ),
            (dup, "duplicate_prior", "a priori en double", "duplicate prior"),
        ]
        issues.extend(
            Finding(severity="error", code=check, location=item, detail=Text(fr, en))
            for bad, check, fr, en in problems
            if bad
        )
    return issues
