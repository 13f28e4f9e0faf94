"""Generic categories: every code of the EU List of Waste reaches a category, so a code alone is matchable.

The specific categories of ``categories.csv`` list the codes they cover. Every other code of the List
of Waste (842 codes) falls into a **generic category of its sub-chapter**, generated here: one for
its non-hazardous codes and one for its hazardous codes (``low_0501`` and ``low_0501_haz``), labelled
as such ("Déchets non classés ailleurs — Déchets provenant du raffinage du pétrole (LED 05 01)"), in
the family ``low_families.csv`` gives the sub-chapter, tagged ``generic_low`` (and
``generic_low_haz``). The rules reach them through those tags: the same waste to a firm that takes
it, or to an authorised treatment or recovery facility.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from symbiosis.kb.tables import CATEGORY_COLUMNS, read_package_csv, split_list

__all__ = ["GENERIC_PREFIX", "generic_categories", "is_generic", "low_families"]

GENERIC_PREFIX = "low_"


def is_generic(category_id: str) -> bool:
    """Whether a category id is a generated List-of-Waste sub-chapter category."""
    return str(category_id).startswith(GENERIC_PREFIX)


@lru_cache(maxsize=1)
def _families() -> pd.DataFrame:
    return read_package_csv("low_families.csv")


def low_families() -> dict[str, str]:
    """``{sub-chapter code (4 digits): family}`` for every sub-chapter of the List of Waste."""
    frame = _families()
    return dict(zip(frame["sub_chapter_code"], frame["family"], strict=True))


def _spaced(sub_chapter: str) -> str:
    return f"{sub_chapter[:2]} {sub_chapter[2:]}"


def generic_categories(specific: pd.DataFrame, waste_codes: pd.DataFrame) -> pd.DataFrame:
    """Generic categories for the List-of-Waste codes no specific category lists.

    Parameters
    ----------
    specific
        The categories of ``categories.csv`` (their ``waste_codes`` column).
    waste_codes
        The List of Waste (:func:`symbiosis.kb.load_waste_codes`).

    Returns
    -------
    pandas.DataFrame
        :data:`~symbiosis.kb.tables.CATEGORY_COLUMNS` rows (raw text, like ``categories.csv``), one
        per (sub-chapter, hazardous) group that has unclaimed codes, sorted by id.
    """
    claimed = {code for codes in specific["waste_codes"] for code in split_list(codes)}
    free = waste_codes[~waste_codes["code"].isin(claimed)].copy()
    if free.empty:
        return pd.DataFrame(columns=list(CATEGORY_COLUMNS))
    hazardous = free["hazardous"].astype(str).str.lower().isin(("true", "1"))
    free["category_id"] = GENERIC_PREFIX + free["sub_chapter_code"] + np.where(hazardous, "_haz", "")
    free["is_haz"] = hazardous
    families = low_families()
    rows = []
    for cid, group in free.groupby("category_id", sort=True):
        first = group.iloc[0]
        sub = str(first["sub_chapter_code"])
        haz = bool(first["is_haz"])
        fr_title = str(first.get("sub_chapter_fr", "") or first["sub_chapter"])
        suffix_fr, suffix_en = (" — dangereux", " — hazardous") if haz else ("", "")
        rows.append(
            {
                "category_id": cid,
                "family": families.get(sub, "waste_treatment"),
                "kind": "material",
                "canonical_unit": "t/yr",
                "default_density_t_per_m3": "",
                "hazardous": "true" if haz else "false",
                "label_fr": f"Déchets non classés ailleurs — {fr_title} (LED {_spaced(sub)}){suffix_fr}",
                "label_en": (
                    f"Wastes not classed elsewhere — {first['sub_chapter']} (LoW {_spaced(sub)}){suffix_en}"
                ),
                "synonyms_fr": "",
                "synonyms_en": "",
                "waste_codes": "|".join(group["code"]),
                "tags": "generic_low_haz" if haz else "generic_low",
                "temperature_low_c": "",
                "temperature_high_c": "",
                "lhv_mwh_per_t": "",
                "energy_mwh_per_t": "",
                "energy_mwh_per_m3": "",
                "temperature_return_c": "",
            }
        )
    return pd.DataFrame(rows, columns=list(CATEGORY_COLUMNS))
