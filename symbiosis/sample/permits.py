"""Québec authorisations of the sample region's receivers, written as a permits file.

``data/permit_profiles.csv`` says which sectors hold which authorisation (type, probability,
categories and waste codes covered, a fictional reference prefix). A firm holds a hazardous-materials
permit only when its sector's profile gives one and the firm's ``accepts_hazardous`` draw says so;
its ``accepts_hazardous`` flag then matches what it holds.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

__all__ = ["PERMIT_COLUMNS", "draw_permits", "hazardous_holders", "load_permit_profiles"]

PERMIT_COLUMNS: tuple[str, ...] = (
    "permit_id",
    "firm_id",
    "permit_type",
    "reference",
    "categories",
    "waste_codes",
    "valid_until",
    "conditions",
)


@lru_cache(maxsize=1)
def _profiles() -> pd.DataFrame:
    with (
        resources.files("symbiosis.sample")
        .joinpath("data", "permit_profiles.csv")
        .open("r", encoding="utf-8") as fh
    ):
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
    frame["p"] = frame["p"].astype(float)
    frame["hazardous_holder"] = frame["hazardous_holder"].str.lower().eq("true")
    return frame


def load_permit_profiles() -> pd.DataFrame:
    """The permit profiles of the sample sectors (a fresh copy)."""
    return _profiles().copy()


def hazardous_holders(firms: pd.DataFrame) -> np.ndarray:
    """Which firms may hold a hazardous-materials permit: their sector has one and their draw says so."""
    sectors = set(_profiles().loc[_profiles()["hazardous_holder"], "sector_id"])
    return firms["sector_id"].isin(sectors).to_numpy(bool) & firms["accepts_hazardous_flag"].to_numpy(bool)


def draw_permits(firms: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Draw each firm's authorisations from its sector's profiles, as a text permits file.

    Parameters
    ----------
    firms
        ``firm_id``, ``sector_id`` and ``accepts_hazardous_flag`` (the firms' hazardous draw).
    rng
        Random generator.

    Returns
    -------
    pandas.DataFrame
        :data:`PERMIT_COLUMNS`, every cell a string; one row per authorisation held.
    """
    profiles = _profiles()
    merged = firms[["firm_id", "sector_id", "accepts_hazardous_flag"]].merge(profiles, on="sector_id")
    draw = rng.random(len(merged)) < merged["p"].to_numpy(float)
    held = np.where(merged["hazardous_holder"], merged["accepts_hazardous_flag"].astype(bool), draw)
    merged = merged[held].reset_index(drop=True)
    number = rng.integers(10_000, 99_999, size=len(merged))
    years = rng.integers(2027, 2033, size=len(merged))
    return pd.DataFrame(
        {
            "permit_id": [f"A{i:04d}" for i in range(1, len(merged) + 1)],
            "firm_id": merged["firm_id"].astype(str),
            "permit_type": merged["permit_type"].astype(str),
            "reference": [f"{p}-{n}" for p, n in zip(merged["reference_prefix"], number, strict=True)],
            "categories": merged["categories"].astype(str),
            "waste_codes": merged["waste_codes"].astype(str),
            "valid_until": [f"{y}-12-31" for y in years],
            "conditions": merged["conditions_fr"].astype(str),
        },
        columns=list(PERMIT_COLUMNS),
    )
