"""Counterpart descriptions: bands, sector groups, and the finest level that k firms fit (hand cases)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from symbiosis.synergy.anonymise import (
    LEVELS,
    REGION,
    build_directory,
    describe_counterparts,
    distance_band,
    quantity_band,
    scian_sector,
    sector_group,
)


def test_distance_and_quantity_bands_at_their_edges():
    km = pd.Series([0.0, 9.99, 10.0, 49.9, 50.0, 150.0, 150.1, float("nan")])
    assert distance_band(km).tolist() == [
        "lt10",
        "lt10",
        "10_50",
        "10_50",
        "50_150",
        "gt150",
        "gt150",
        "unknown",
    ]
    assert distance_band(km, coarse=True).tolist() == ["lt50"] * 4 + ["gt50"] * 3 + ["unknown"]
    q = pd.Series([5.0, 10.0, 999.0, 1000.0, 25_000.0])
    assert quantity_band(q).tolist() == ["lt10", "10_100", "100_1000", "1000_10000", "gt10000"]


def test_scian_sectors_and_their_groups():
    codes = pd.Series(["321114", "331313", "484110", "11", "9999", "", "541330"])
    assert scian_sector(codes).tolist() == ["31-33", "31-33", "48-49", "11", "", "", "54"]
    assert sector_group(codes).tolist() == [
        "manufacturing",
        "manufacturing",
        "trade_transport",
        "primary",
        "",
        "",
        "services",
    ]


CATEGORIES = pd.DataFrame(
    {
        "category_id": ["wood_sawdust", "wood_bark", "al_dross"],
        "family": ["wood", "wood", "metals"],
        "kind": ["material"] * 3,
    }
)
PRIORS = pd.DataFrame(
    {
        "scian_prefix": ["3211", "3211", "3313"],
        "direction": ["supply", "supply", "supply"],
        "category_id": ["wood_sawdust", "wood_bark", "al_dross"],
        "typical_share": [0.9, 0.9, 0.9],
        "evidence_ref": ["x"] * 3,
        "evidence_note": ["x"] * 3,
    }
)


def _firms() -> pd.DataFrame:
    # the viewer in Alma; four sawmills within 10 km in the same MRC; one smelter; one outside
    rows = [
        ("V", "424510", "Alma", 48.550, -71.650),
        ("S1", "321111", "Alma", 48.560, -71.640),
        ("S2", "321111", "Alma", 48.540, -71.660),
        ("S3", "321112", "Hébertville", 48.570, -71.660),
        ("S4", "321113", "Alma", 48.555, -71.600),
        ("A1", "331313", "Alma", 48.530, -71.700),
        ("X1", "321111", "Montréal", 45.50, -73.56),
    ]
    return pd.DataFrame(rows, columns=["firm_id", "scian_code", "municipality", "lat", "lon"])


def _ask(*counterparts: tuple[str, str, float], k: int) -> pd.DataFrame:
    directory = build_directory(_firms(), categories=CATEGORIES, priors=PRIORS)
    asked = pd.DataFrame(
        [
            {
                "counterpart_firm_id": f,
                "counterpart_category_id": c,
                "counterpart_direction": "supply",
                "road_distance_km": km,
                "flow_per_yr": 50.0,
            }
            for f, c, km in counterparts
        ]
    )
    return describe_counterparts("V", asked, directory, k=k)


def test_four_sawmills_nearby_let_the_finest_level_be_shown():
    [row] = _ask(("S1", "wood_sawdust", 2.0), k=4).to_dict("records")
    assert (
        row["counterpart_sector"],
        row["area_level"],
        row["distance_band"],
        row["counterpart_category"],
    ) == ("manufacturing", "mrc", "lt10", "wood_sawdust")
    assert row["area"] == "Lac-Saint-Jean-Est" and row["anonymity"] == 4 and row["quantity_band"] == "10_100"


def test_a_stricter_k_coarsens_until_enough_firms_fit():
    [row] = _ask(("S1", "wood_sawdust", 2.0), k=5).to_dict("records")
    assert row["anonymity"] >= 5  # four sawmills and a smelter: only the family "metals"…
    [row] = _ask(("S1", "wood_sawdust", 2.0), k=6).to_dict("records")
    assert row["anonymity"] == 6 and row["counterpart_category_level"] == "withheld"  # all 6 other firms
    assert row["area_level"] == "withheld" and row["counterpart_sector"] == ""


def test_a_unique_counterpart_is_never_narrowed_below_k():
    [row] = _ask(("A1", "al_dross", 4.0), k=3).to_dict("records")
    assert row["anonymity"] >= 3
    assert row["counterpart_category_level"] != "category" or row["counterpart_category"] != "al_dross"


def test_a_registry_smaller_than_k_withholds_everything():
    [row] = _ask(("S1", "wood_sawdust", 2.0), k=50).to_dict("records")
    assert LEVELS[-1].category == "withheld" and row["counterpart_category_level"] == "withheld"
    shown = (row["counterpart_sector"], row["area_level"], row["distance_band"])
    assert shown == ("", "withheld", "withheld")
    assert row["anonymity"] == 6


def test_the_region_is_named_when_the_mrc_is_too_narrow():
    rows = _ask(("S3", "wood_sawdust", 5.0), k=4)
    assert rows["area"].iloc[0] in ("Lac-Saint-Jean-Est", REGION) and np.all(rows["anonymity"] >= 4)


def _same_directory(a, b) -> None:
    for name in ("firm_ids", "group", "mrc", "lat", "lon"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    assert a.implied.keys() == b.implied.keys()
    assert all(np.array_equal(a.implied[key], b.implied[key]) for key in a.implied)
    assert a.families == b.families


def test_the_directory_is_built_once_per_registry_and_rebuilt_when_anything_it_reads_changes():
    """build_directory keeps its result keyed on the content it reads: each change below must give
    the directory built afresh (a key missing a column would return the stale one)."""
    from symbiosis.synergy.anonymise import _build_directory

    def fresh(firms, categories=CATEGORIES, priors=PRIORS, territories=None):
        return _build_directory(firms, categories=categories, priors=priors, territories=territories)

    firms = _firms()
    first = build_directory(firms, categories=CATEGORIES, priors=PRIORS)
    assert build_directory(_firms(), categories=CATEGORIES, priors=PRIORS) is first  # not rebuilt
    assert not first.lat.flags.writeable and not first.group.flags.writeable
    firms.loc[0, "lat"] = 0.0  # the caller edits its frame afterwards: the kept directory does not move
    assert first.lat[0] == 48.550

    changes = {
        "scian_code": ("S1", "scian_code", "331313"),
        "municipality": ("S1", "municipality", "Montréal"),
        "lat": ("S4", "lat", 48.9),
        "lon": ("S4", "lon", -71.0),
        "firm_id": ("S2", "firm_id", "S2b"),
    }
    for what, (firm, column, value) in changes.items():
        changed = _firms()
        changed.loc[changed["firm_id"] == firm, column] = value
        got = build_directory(changed, categories=CATEGORIES, priors=PRIORS)
        assert got is not first, what
        _same_directory(got, fresh(changed))
    fewer = _firms().iloc[:-1]
    _same_directory(build_directory(fewer, categories=CATEGORIES, priors=PRIORS), fresh(fewer))
    reordered = _firms().iloc[::-1].reset_index(drop=True)
    _same_directory(build_directory(reordered, categories=CATEGORIES, priors=PRIORS), fresh(reordered))

    other_family = CATEGORIES.assign(family=["wood", "bark", "metals"])
    got = build_directory(_firms(), categories=other_family, priors=PRIORS)
    _same_directory(got, fresh(_firms(), categories=other_family))
    other_priors = PRIORS.assign(direction=["supply", "demand", "supply"])
    got = build_directory(_firms(), categories=CATEGORIES, priors=other_priors)
    _same_directory(got, fresh(_firms(), priors=other_priors))
    territories = pd.DataFrame({"municipality": ["Alma"], "mrc": ["Ailleurs"]})
    got = build_directory(_firms(), categories=CATEGORIES, priors=PRIORS, territories=territories)
    _same_directory(got, fresh(_firms(), territories=territories))
    assert list(got.mrc) == ["Ailleurs", "Ailleurs", "Ailleurs", "", "Ailleurs", "Ailleurs", ""]
