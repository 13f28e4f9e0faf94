"""Shared treatment units: least-transport site, size, economics by hand, members who would lose, checker."""

from __future__ import annotations

import dataclasses
import math

import pandas as pd
import pytest

from symbiosis.engine.config import TransportConfig
from symbiosis.mutual import UnitConfig, check_units, plan_units
from symbiosis.mutual.units import annuity_factor
from symbiosis.places.distance import haversine_km

TRANSPORT = TransportConfig(
    detour_factor=1.0, cost_cad_per_t_km=0.2, cost_cad_per_trip=100.0, truck_payload_t=25.0
)
CONFIG = UnitConfig(discount_rate=0.0, radius_km=60.0)
NO_PARKS = pd.DataFrame(columns=["park_id", "name", "lat", "lon"])
SPECS = pd.DataFrame(
    {
        "treatment_type": "oily_water",
        "size_id": ["small", "medium"],
        "label_fr": "",
        "label_en": "",
        "unit": "m³",
        "capacity_per_yr": [1500.0, 5000.0],
        "investment_cad": [100000.0, 300000.0],
        "fixed_cost_cad_per_yr": [5000.0, 9000.0],
        "variable_cost_cad_per_unit": [10.0, 8.0],
        "lifetime_yr": [10.0, 10.0],
        "t_per_unit": [1.0, 1.0],
        "evidence_type": "expert_note",
        "evidence_note": "",
    }
)
FIRMS = pd.DataFrame(
    {
        "firm_id": ["A", "B", "C", "D", "Z"],
        "name": ["A", "B", "C", "D", "Z"],
        "lat": [48.40, 48.40, 48.40, 48.45, 49.60],
        "lon": [-71.00, -71.05, -71.10, -71.05, -72.50],
    }
)


def _needs(quantities=(400.0, 600.0, 300.0), costs=(180.0, 160.0, 200.0), firms=("A", "B", "C")):
    return pd.DataFrame(
        {
            "need_id": [f"N{f}" for f in firms],
            "firm_id": list(firms),
            "treatment_type": "oily_water",
            "description": "",
            "quantity_per_yr": list(quantities),
            "unit": "m³",
            "current_cost_cad_per_unit": list(costs),
        }
    )


def _plan(needs, parks=NO_PARKS):
    return plan_units(needs, FIRMS, parks, SPECS, config=CONFIG, transport=TRANSPORT)


def test_the_unit_sits_where_the_members_haul_the_fewest_tonne_km_and_is_sized_to_fit():
    plan = _plan(_needs())
    (unit,) = plan.units.to_dict("records")
    d = float(haversine_km(48.40, -71.00, 48.40, -71.05))  # A–B and B–C are equally far
    # t·km at A: 600d + 300·2d = 1200d; at B: 400d + 300d = 700d; at C: 800d + 600d = 1400d
    assert unit["site_id"] == "B" and unit["site_kind"] == "member"
    assert unit["transport_t_km_per_yr"] == pytest.approx(700 * d)
    assert unit["size_id"] == "small" and unit["quantity_per_yr"] == 1300.0
    haulage = 700 * d * 0.2 + (16 + 12) * 100.0  # ceil(400/25) + ceil(300/25) trips; B hauls nothing
    current = 400 * 180 + 600 * 160 + 300 * 200
    assert unit["haulage_cost_cad_per_yr"] == pytest.approx(haulage)
    assert unit["saving_cad_per_yr"] == pytest.approx(current - 10000 - 5000 - 1300 * 10 - haulage)
    assert unit["payback_yr"] == pytest.approx(100000 / (current - 5000 - 13000 - haulage))
    assert check_units(plan, _needs(), FIRMS, NO_PARKS, SPECS, config=CONFIG, transport=TRANSPORT) == []


def test_a_park_is_chosen_when_it_needs_less_transport_than_any_member_site():
    # three firms on a triangle: a park near its centre beats each corner
    park = pd.DataFrame({"park_id": ["mid"], "name": ["Parc du milieu"], "lat": [48.415], "lon": [-71.05]})
    needs = _needs(quantities=(400.0, 400.0, 400.0), firms=("A", "C", "D"), costs=(180.0, 180.0, 180.0))
    (unit,) = _plan(needs, park).units.to_dict("records")
    assert (unit["site_kind"], unit["site_id"]) == ("park", "mid")


def test_members_share_capital_and_fixed_costs_pro_rata_of_quantity():
    plan = _plan(_needs())
    members = plan.members.set_index("firm_id")
    assert members["capital_and_fixed_share_cad_per_yr"].to_dict() == pytest.approx(
        {"A": 15000 * 400 / 1300, "B": 15000 * 600 / 1300, "C": 15000 * 300 / 1300}
    )
    assert members["saving_cad_per_yr"].sum() == pytest.approx(plan.units.at[0, "saving_cad_per_yr"])


def test_a_firm_beyond_the_radius_or_that_would_lose_is_left_out():
    needs = _needs(
        quantities=(400.0, 600.0, 300.0, 100.0), costs=(180.0, 160.0, 5.0, 180.0), firms=("A", "B", "C", "Z")
    )
    plan = _plan(needs)
    assert set(plan.members["firm_id"]) == {"A", "B"}  # C pays 5 $/m³ today; Z is ~150 km away
    assert (plan.members["saving_cad_per_yr"] >= 0).all()


def test_no_unit_when_nobody_would_save():
    assert _plan(_needs(costs=(1.0, 1.0, 1.0))).units.empty


def test_the_checker_catches_a_site_that_is_not_the_least_transport_one():
    plan = _plan(_needs())
    moved = dataclasses.replace(plan, units=plan.units.assign(site_id="A"))
    found = check_units(moved, _needs(), FIRMS, NO_PARKS, SPECS, config=CONFIG, transport=TRANSPORT)
    assert "site_not_best" in {p.code for p in found}
    assert any("least-transport" in p.message("en") and "moindre transport" in p.message("fr") for p in found)


def test_annuity_factor():
    assert annuity_factor(0.0, 10) == pytest.approx(0.1)
    assert annuity_factor(0.06, 15) == pytest.approx(0.06 * 1.06**15 / (1.06**15 - 1))
    assert math.isinf(annuity_factor(0.06, 0))


def test_the_advisors_unit_table_is_checked_and_used():
    from symbiosis.mutual import MutualConfig, MutualData, run_mutual
    from symbiosis.mutual.reference import check_unit_table

    bad = SPECS.assign(lifetime_yr=[10.0, 0.0], size_id=["small", ""])
    clean, problems = check_unit_table(bad)
    said = [p.get("en") for p in problems]
    assert len(clean) == 1 and any(p.startswith("Row 2, “Lifetime") for p in said), said
    assert any(p.startswith("Row 2, “") and "required" in p for p in said)
    costly = SPECS.assign(investment_cad=[5e7, 5e7], size_id=["huge", "huger"])
    firms = FIRMS.assign(name=FIRMS["firm_id"])
    config = MutualConfig(levers=("units",), units=CONFIG, transport=TRANSPORT)
    shared = run_mutual(firms, MutualData(treatment_needs=_needs(), unit_specs=SPECS), config).units
    assert shared["size_id"].tolist() == ["small"]
    assert run_mutual(firms, MutualData(treatment_needs=_needs(), unit_specs=costly), config).units.empty


def _typed(**cells: str) -> pd.DataFrame:
    """The unit table as its editor gives it back: every number a text typed by the advisor."""
    return SPECS.astype({c: object for c in cells}).assign(**{c: [v, "1"] for c, v in cells.items()})


@pytest.mark.parametrize(
    ("lang", "capacity", "investment", "expected"),
    [("fr", "12,5", "120 000", (12.5, 120_000.0)), ("en", "12.5", "120000", (12.5, 120_000.0))],
)
def test_a_unit_table_typed_as_text_is_read_as_the_advisor_writes_numbers(
    lang, capacity, investment, expected
):
    # the editor's number cells read « 12,5 » as 125 in an English browser (and in a whole-number
    # column in any browser): the cells are text now, read here
    from symbiosis.mutual.reference import check_unit_table

    clean, problems = check_unit_table(_typed(capacity_per_yr=capacity, investment_cad=investment), lang=lang)
    assert problems == []
    assert (clean.at[0, "capacity_per_yr"], clean.at[0, "investment_cad"]) == expected
    assert clean["capacity_per_yr"].dtype == float  # never a whole-number column that drops the comma


def test_a_unit_number_that_cannot_be_read_for_sure_is_refused_by_row_and_column_in_both_languages():
    from symbiosis.mutual.reference import check_unit_table

    clean, problems = check_unit_table(_typed(investment_cad="1,200", lifetime_yr="0,5"))
    assert len(clean) == 1  # the second row stands
    said = [p.get("fr").replace("\u00a0", " ") for p in problems]
    assert said == [
        "Ligne 1, « Investissement ($) » : « 1,200 » n'est pas un nombre d'au moins 0 ; "
        "écrivez-le en chiffres, par exemple 12,5 ou 120 000.",
        "Ligne 1, « Durée de vie (ans) » : « 0,5 » n'est pas un nombre d'au moins 1 ; "
        "écrivez-le en chiffres, par exemple 12,5 ou 120 000.",
    ]
    assert problems[0].get("en").startswith("Row 1, “Investment ($)”: “1,200” is not a number of at least 0")


def test_a_unit_file_reads_french_numbers_and_never_makes_1_200_into_1_2(tmp_path):
    # the file reader turned every comma into a point: « 1,200 » $ became 1.2 $, silently
    from symbiosis.mutual.files import read_unit_table

    path = tmp_path / "unites_traitement.csv"
    head = "treatment_type;size_id;unit;capacity_per_yr;investment_cad;fixed_cost_cad_per_yr;"
    head += "variable_cost_cad_per_unit;lifetime_yr;t_per_unit\n"
    path.write_text(
        head
        + "oily_water;small;m³;1 500,5;120 000;5000;12,5;15;1\n"
        + "oily_water;big;m³;3000;1,200;0;0;15;1\n"
    )
    clean, problems = read_unit_table(path)
    assert clean is not None and clean["size_id"].tolist() == ["small"]
    assert clean.iloc[0][["capacity_per_yr", "investment_cad", "variable_cost_cad_per_unit"]].tolist() == [
        1500.5,
        120_000.0,
        12.5,
    ]
    [problem] = problems
    assert problem.startswith("unites_traitement.csv: Ligne 2, « Investissement ($) » : « 1,200 »")


def test_the_unit_editor_shows_each_number_as_the_interface_language_writes_it():
    from symbiosis.views.mutual import unit_editor_frame

    french = unit_editor_frame(SPECS, "fr")
    assert french.at[0, "investment_cad"].replace("\u00a0", " ").replace("\u202f", " ") == "100 000"
    assert unit_editor_frame(SPECS.assign(t_per_unit=[0.5, 1.0]), "fr").at[0, "t_per_unit"] == "0,5"
    assert unit_editor_frame(SPECS, "en").at[0, "investment_cad"] == "100000"  # « 100,000 »: ambiguous
    assert french.at[0, "size_id"] == "small"  # words untouched
