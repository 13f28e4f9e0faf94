"""The funnel: counts per status, reached stages and conversion rates, by group, on a hand-made set."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from symbiosis.synergy.funnel import funnel, funnel_columns

FIRMS = pd.DataFrame(
    {
        "firm_id": ["A", "B", "C", "D"],
        "park_id": ["p1", "p1", "", "p2"],
        "scian_code": ["321114", "321999", "111422", "331313"],
        "municipality": ["Alma", "Alma", "Roberval", "Saguenay"],
    }
)
CATEGORIES = pd.DataFrame(
    {"category_id": ["wood_sawdust", "al_dross"], "family": ["wood_forestry", "aluminium_residues"]}
)


def _synergies() -> pd.DataFrame:
    rows = [  # id, supplier, receiver, category, status, furthest stage, created
        ("s1", "A", "B", "wood_sawdust", "verified", "verified", "2026-02-01"),
        ("s2", "A", "C", "wood_sawdust", "rejected", "contacted", "2026-03-01"),
        ("s3", "D", "B", "al_dross", "in_discussion", "in_discussion", "2026-04-01"),
        ("s4", "D", "C", "al_dross", "proposed", "proposed", "2026-05-01"),
        ("s5", "A", "B", "wood_sawdust", "implemented", "implemented", "2025-06-01"),  # no trial
    ]
    columns = [
        "synergy_id",
        "supply_firm_id",
        "demand_firm_id",
        "supply_category_id",
        "status",
        "stage_reached",
        "created_at",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["created_at"] = pd.to_datetime(frame["created_at"], utc=True)
    return frame.assign(supply_id=frame.synergy_id + "-s")


def test_counts_reached_stages_and_rates_overall():
    out = funnel(_synergies(), FIRMS, categories=CATEGORIES)
    assert out.columns.tolist() == funnel_columns()
    row = out[out.dimension == "all"].iloc[0]
    assert (row.n_synergies, row.n_firms, row.n_verified, row.n_rejected, row.n_proposed) == (5, 4, 1, 1, 1)
    assert [
        row[f"reached_{s}"]
        for s in ("proposed", "qualified", "contacted", "in_discussion", "trial", "implemented", "verified")
    ] == [5, 4, 4, 3, 2, 2, 1]
    assert row.rate_proposed_qualified == pytest.approx(4 / 5)
    assert row.rate_in_discussion_trial == pytest.approx(2 / 3)
    assert row.rate_trial_implemented == 1.0  # s5 skipped the trial: counted as passed
    assert row.rate_proposed_implemented == pytest.approx(2 / 5)


def test_by_park_sector_and_family():
    out = funnel(_synergies(), FIRMS, categories=CATEGORIES).set_index(["dimension", "group"])
    assert out.loc[("park", "p1"), "n_synergies"] == 4  # s1, s2, s3, s5 (B or A in p1)
    assert out.loc[("park", "p1"), "n_firms"] == 2 and out.loc[("park", "p2"), "n_firms"] == 1
    assert out.loc[("park", "none"), "n_synergies"] == 2  # C: s2, s4
    assert out.loc[("park", "p2"), "reached_in_discussion"] == 1
    assert out.loc[("sector", "31-33"), "n_synergies"] == 5
    assert out.loc[("sector", "11"), "n_rejected"] == 1
    assert out.loc[("family", "wood_forestry"), "rate_proposed_implemented"] == pytest.approx(2 / 3)
    assert np.isnan(out.loc[("family", "aluminium_residues"), "rate_trial_implemented"])  # 0 reached trial


def test_period_territory_and_k_suppression():
    syn = _synergies()
    in_2026 = funnel(syn, FIRMS, categories=CATEGORIES, start=dt.date(2026, 1, 1), end=dt.date(2027, 1, 1))
    assert in_2026.set_index("dimension").loc["all", "n_synergies"] == 4
    roberval = funnel(syn, FIRMS, categories=CATEGORIES, territory=["Le Domaine-du-Roy"])
    assert roberval.set_index("dimension").loc["all", "n_synergies"] == 2  # C's s2 and s4
    safe = funnel(syn, FIRMS, categories=CATEGORIES, k=3).set_index(["dimension", "group"])
    assert safe.loc[("park", "p2"), "suppressed"] and np.isnan(safe.loc[("park", "p2"), "n_synergies"])
    assert not safe.loc[("all", "all"), "suppressed"] and safe.loc[("all", "all"), "n_synergies"] == 5
