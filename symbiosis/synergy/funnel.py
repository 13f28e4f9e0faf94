"""The facilitators' funnel: synergies per status and conversion rates, overall and by group.

Pure: frames in, one frame out. A synergy counts as having *reached* a stage when the furthest
stage it ever held (``stage_reached``, kept even after a rejection) is that stage or a later one,
so the trial, which is optional, counts as passed by a synergy implemented without one; every
conversion rate is then between 0 and 1.

Groups: ``all``; ``park`` and ``sector`` (SCIAN 2022 sector) of the two firms — a synergy between
two parks counts once in each, so the rows of one dimension may sum to more than ``all``; and
``family`` of the exchanged (supply) category.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable

import numpy as np
import pandas as pd

from symbiosis.synergy.anonymise import firm_areas, scian_sector
from symbiosis.synergy.status import PIPELINE, STATUSES

__all__ = ["DIMENSIONS", "NO_PARK", "funnel", "funnel_columns", "select_synergies"]

DIMENSIONS: tuple[str, ...] = ("all", "park", "sector", "family")
#: Group of firms outside any industrial park.
NO_PARK = "none"


def funnel_columns() -> list[str]:
    """Return the columns of :func:`funnel`, in order."""
    rates = [f"rate_{a}_{b}" for a, b in itertools.pairwise(PIPELINE)]
    return [
        "dimension",
        "group",
        "n_synergies",
        "n_firms",
        *(f"n_{s}" for s in STATUSES),
        *(f"reached_{s}" for s in PIPELINE),
        *rates,
        "rate_proposed_implemented",
        "suppressed",
    ]


def _utc(when: dt.date | dt.datetime) -> pd.Timestamp:
    stamp = pd.Timestamp(when)
    return stamp.tz_convert("UTC") if stamp.tzinfo else stamp.tz_localize("UTC")


def select_synergies(
    synergies: pd.DataFrame,
    firms: pd.DataFrame,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    territory: Iterable[str] | None = None,
) -> pd.DataFrame:
    """Keep the synergies created in ``[start, end)`` with a firm in ``territory``.

    Parameters
    ----------
    territory
        Municipality or MRC names (e.g. ``["Alma"]``, ``["Maria-Chapdelaine"]``); None keeps all.
    """
    keep = pd.Series(True, index=synergies.index)
    created = pd.to_datetime(synergies["created_at"], utc=True)
    if start is not None:
        keep &= created >= _utc(start)
    if end is not None:
        keep &= created < _utc(end)
    if territory is not None:
        names = set(territory)
        areas = firm_areas(firms)
        inside = set(areas.loc[areas["municipality"].isin(names) | areas["mrc"].isin(names), "firm_id"])
        keep &= synergies["supply_firm_id"].isin(inside) | synergies["demand_firm_id"].isin(inside)
    return synergies[keep]


def _long(synergies: pd.DataFrame, firms: pd.DataFrame, family: pd.Series) -> pd.DataFrame:
    """One row per synergy, dimension, group and firm that puts the synergy in the group."""
    f = firms.assign(
        park=firms["park_id"].astype("string").fillna("").replace("", NO_PARK),
        sector=scian_sector(firms["scian_code"]).replace("", "unknown"),
    ).set_index("firm_id")
    base = synergies[["synergy_id", "status", "stage_reached"]]
    fam = synergies["supply_category_id"].map(family).fillna("unknown").replace("", "unknown")
    parts = []
    for side in ("supply_firm_id", "demand_firm_id"):
        firm = synergies[side]
        parts.append(base.assign(dimension="all", group="all", firm_id=firm))
        parts.append(base.assign(dimension="family", group=fam, firm_id=firm))
        for dim in ("park", "sector"):
            parts.append(base.assign(dimension=dim, group=firm.map(f[dim]).fillna("unknown"), firm_id=firm))
    return pd.concat(parts, ignore_index=True)


def funnel(
    synergies: pd.DataFrame,
    firms: pd.DataFrame,
    streams: pd.DataFrame | None = None,
    categories: pd.DataFrame | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    territory: Iterable[str] | None = None,
    k: int | None = None,
) -> pd.DataFrame:
    """Count synergies per status and conversion rates, overall and by park, sector and family.

    Parameters
    ----------
    synergies
        Frame of :meth:`SynergyRepository.synergies`.
    firms
        Firms frame (``firm_id, park_id, scian_code, municipality``).
    streams
        Streams frame; fills a synergy's supply category when it has none.
    categories
        Knowledge-base categories (``category_id, family``); loaded from :mod:`symbiosis.kb` when None.
    start, end, territory
        Keep synergies created in ``[start, end)`` involving a firm of these municipalities or MRCs
        (:func:`select_synergies`).
    k
        When given, a group of fewer than ``k`` distinct firms has its counts blanked (NaN) and
        ``suppressed`` True: what is published never singles out a firm. ``n_firms`` counts the
        firms *of the group* (the park's or sector's firms; both firms for ``all`` and ``family``).

    Returns
    -------
    pandas.DataFrame
        :func:`funnel_columns`: ``n_<status>`` (current status), ``reached_<stage>`` (reached at
        least), ``rate_<a>_<b>`` = reached b / reached a for consecutive stages (NaN when a is 0),
        ``rate_proposed_implemented``.
    """
    if categories is None:
        from symbiosis.kb import load_categories

        categories = load_categories()
    syn = select_synergies(synergies, firms, start=start, end=end, territory=territory).copy()
    if streams is not None and not syn.empty:
        by_stream = streams.set_index("stream_id")["category_id"]
        blank = syn["supply_category_id"].astype("string").fillna("") == ""
        syn.loc[blank, "supply_category_id"] = syn.loc[blank, "supply_id"].map(by_stream)
    family = categories.drop_duplicates("category_id").set_index("category_id")["family"]
    every = _long(syn, firms, family)
    long = every.drop_duplicates(["synergy_id", "dimension", "group"])
    stage = long["stage_reached"].map({s: i for i, s in enumerate(PIPELINE)}).fillna(0).to_numpy()
    for i, s in enumerate(PIPELINE):
        long[f"reached_{s}"] = stage >= i
    for s in STATUSES:
        long[f"n_{s}"] = long["status"] == s
    counted = [*(f"n_{s}" for s in STATUSES), *(f"reached_{s}" for s in PIPELINE)]
    grouped = long.groupby(["dimension", "group"], sort=False)
    out = grouped[counted].sum().astype(int)
    out["n_synergies"] = grouped.size()
    out["n_firms"] = every.groupby(["dimension", "group"], sort=False)["firm_id"].nunique()
    out = out.reset_index()
    for a, b in itertools.pairwise(PIPELINE):
        out[f"rate_{a}_{b}"] = out[f"reached_{b}"] / out[f"reached_{a}"].replace(0, np.nan)
    out["rate_proposed_implemented"] = out["reached_implemented"] / out["reached_proposed"].replace(0, np.nan)
    out["suppressed"] = False
    if k is not None:
        small = out["n_firms"] < k
        numbers = [c for c in funnel_columns() if c.startswith(("n_", "reached_", "rate_"))]
        out[numbers] = out[numbers].astype(float)
        out.loc[small, numbers] = np.nan
        out["suppressed"] = small
    order = {d: i for i, d in enumerate(DIMENSIONS)}
    out = out.sort_values(["dimension", "group"], key=lambda s: s.map(order) if s.name == "dimension" else s)
    return out[funnel_columns()].reset_index(drop=True)
