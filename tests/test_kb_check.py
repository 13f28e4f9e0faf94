"""The knowledge-base checker: passes on the shipped files, and every check fires on a broken frame."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from symbiosis.findings import Finding
from symbiosis.kb import check as kbcheck
from symbiosis.kb.check import check_categories, check_knowledge_base, check_rules, format_report, has_errors
from symbiosis.kb.generic import generic_categories
from symbiosis.kb.tables import read_package_csv
from symbiosis.kb.waste_codes import load_waste_codes

# The shared reference folder sits beside the checkout (``../shared``); the test skips without it.
MAESTRI_DIR = Path(__file__).resolve().parents[2] / "shared" / "reference" / "maestri"


@pytest.fixture(scope="module")
def raw_categories() -> pd.DataFrame:
    """categories.csv as shipped, with the generated List-of-Waste sub-chapter categories the rules use."""
    specific = read_package_csv("categories.csv")
    return pd.concat([specific, generic_categories(specific, load_waste_codes())], ignore_index=True)


@pytest.fixture(scope="module")
def raw_rules() -> pd.DataFrame:
    return read_package_csv("rules.csv")


def _checks(issues, severity="error") -> set[str]:
    return {i.code for i in issues if i.severity == severity}


def test_shipped_knowledge_base_has_no_error():
    issues = check_knowledge_base()
    assert not has_errors(issues), format_report(issues, lang="en")


def test_unbroken_raw_frames_are_clean(raw_rules, raw_categories):
    """The baseline the break tests below start from."""
    assert check_categories(raw_categories) == []
    assert check_rules(raw_rules, raw_categories) == []


def test_module_entry_point_exits_zero_on_shipped_data():
    done = subprocess.run(
        [sys.executable, "-m", "symbiosis.kb.check", "--lang", "en"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 errors" in done.stdout


def test_main_exits_one_when_a_rule_is_broken(monkeypatch, raw_rules, capsys):
    broken = raw_rules.copy()
    broken.loc[0, "evidence_ref"] = ""
    real = kbcheck.read_package_csv
    monkeypatch.setattr(
        kbcheck, "read_package_csv", lambda name: broken if name == "rules.csv" else real(name)
    )
    assert kbcheck.main(["--lang", "fr"]) == 1
    assert "missing_evidence" in capsys.readouterr().out


def _set(row: int, **values) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def apply(frame: pd.DataFrame) -> pd.DataFrame:
        frame = frame.copy()
        for col, value in values.items():
            frame.loc[frame.index[row], col] = value
        return frame

    return apply


def _row_of(frame: pd.DataFrame, supply: str, demand: str) -> int:
    hit = (frame["supply_category_id"] == supply) & (frame["demand_category_id"] == demand)
    return int(hit.to_numpy().nonzero()[0][0])


def _duplicate_last(frame: pd.DataFrame, **overrides) -> pd.DataFrame:
    extra = frame.tail(1).assign(**overrides)
    return pd.concat([frame, extra], ignore_index=True)


RULE_BREAKS = {
    "missing_evidence": lambda f: _set(0, evidence_ref="")(f),
    "missing_evidence_note": lambda f: _set(0, evidence_note=" ")(f),
    "unknown_category": lambda f: _set(0, supply_category_id="unobtainium")(f),
    "duplicate_rule_id": lambda f: _set(1, rule_id=f.loc[0, "rule_id"])(f),
    "duplicate_pair": lambda f: _duplicate_last(f, rule_id="KB9999"),
    "bad_r_code": lambda f: _set(0, r_code="R14")(f),
    "bad_yield": lambda f: _set(0, yield_ratio="0")(f),
    "bad_yield_text": lambda f: _set(0, yield_ratio="beaucoup")(f),
    "bad_distance": lambda f: _set(0, max_transport_km="-1")(f),
    "bad_pretreatment": lambda f: _set(0, pretreatment="magic")(f),
    "bad_evidence_type": lambda f: _set(0, evidence_type="hearsay")(f),
    "bad_maestri_ref": lambda f: _set(0, evidence_ref="MAESTRI:case one")(f),
    "bad_literature_ref": lambda f: _set(
        _row_of(f, "whey", "animal_feed_ingredient"), evidence_ref="Someone"
    )(f),
    "hazard_not_flagged": lambda f: _set(
        _row_of(f, "al_spent_pot_lining", "cement_alt_fuel"), hazardous="false"
    )(f),
    "hazard_to_food_feed": lambda f: _duplicate_last(
        f,
        rule_id="KB9999",
        supply_category_id="used_oil_lubricating",
        demand_category_id="animal_feed_ingredient",
        hazardous="true",
        requires_authorisation="cfia_feed",
    ),
    "missing_authorisation": lambda f: _set(
        _row_of(f, "whey", "animal_feed_ingredient"), requires_authorisation=""
    )(f),
    "bad_authorisation": lambda f: _set(0, requires_authorisation="a friend said ok")(f),
    # wood ash (t/yr) to a heat demand (MWh/yr) with a 1:1 yield and no stated conversion
    "kind_mismatch": lambda f: _duplicate_last(
        f,
        rule_id="KB9999",
        supply_category_id="ash_wood_boiler",
        demand_category_id="heat_space_heating",
        pretreatment="none",
        evidence_note="ash is warm",
    ),
    "bad_selector": lambda f: _duplicate_last(
        f, rule_id="KB9999", supply_category_id="=", demand_category_id="wood_bark"
    ),
    "unknown_category_family": lambda f: _duplicate_last(
        f, rule_id="KB9999", supply_category_id="family:no_such_family"
    ),
    "unknown_category_tag": lambda f: _duplicate_last(f, rule_id="KB9999", demand_category_id="tag:nothing"),
    "unknown_exception": lambda f: _set(0, except_categories="unobtainium")(f),
    "bad_yield_basis": lambda f: _set(0, yield_basis="vibes")(f),
    "bad_checks": lambda f: _set(0, checks="smell")(f),
    # an LHV yield needs the LHV of every supply it selects (ash has none)
    "missing_lhv": lambda f: _duplicate_last(
        f,
        rule_id="KB9999",
        supply_category_id="ash_wood_boiler",
        demand_category_id="cement_alt_fuel",
        yield_basis="lhv",
    ),
    # a family statement that would send a hazardous member (oily grinding sludge) to feed
    "hazard_to_food_feed_family": lambda f: _duplicate_last(
        f,
        rule_id="KB9999",
        supply_category_id="family:metals_scrap",
        demand_category_id="animal_feed_ingredient",
        requires_authorisation="cfia_feed",
    ),
    "kind_mismatch_capacity_to_service": lambda f: _duplicate_last(
        f,
        rule_id="KB9999",
        supply_category_id="storage_outdoor_yard",
        demand_category_id="service_training",
        pretreatment="cleaning",
        evidence_note="cross-kind: a yard becomes a classroom",
    ),
}
EXPECTED_CHECK = {
    "missing_evidence_note": "missing_evidence",
    "unknown_category_family": "unknown_category",
    "unknown_category_tag": "unknown_category",
    "hazard_to_food_feed_family": "hazard_to_food_feed",
    "bad_yield_text": "bad_yield",
    "kind_mismatch_capacity_to_service": "kind_mismatch",
}


@pytest.mark.parametrize("broken", sorted(RULE_BREAKS))
def test_each_rule_check_fires(broken, raw_rules, raw_categories):
    issues = check_rules(RULE_BREAKS[broken](raw_rules), raw_categories)
    assert EXPECTED_CHECK.get(broken, broken) in _checks(issues)


def test_justified_cross_kind_rule_passes(raw_rules, raw_categories):
    ok = _duplicate_last(
        raw_rules,
        rule_id="KB9999",
        supply_category_id="wood_offcuts",
        demand_category_id="heat_greenhouse",
        yield_ratio="3.2",
        pretreatment="grinding",
        evidence_note="cross-kind: 3.8 MWh/t x 85 % boiler",
    )
    assert "kind_mismatch" not in _checks(check_rules(ok, raw_categories))


def test_rule_columns_must_match(raw_rules, raw_categories):
    assert _checks(check_rules(raw_rules.drop(columns="evidence_note"), raw_categories)) == {"columns"}


CATEGORY_BREAKS = {
    "unknown_waste_code": _set(0, waste_codes="999999"),
    "unit_kind_mismatch": _set(0, canonical_unit="MWh/yr"),
    "unknown_kind": _set(0, kind="vibes"),
    "unknown_family": _set(0, family="misc"),
    "category_id_format": _set(0, category_id="Ferraille Lourde"),
    "duplicate_category": _set(1, category_id="ferrous_scrap"),
    "bad_density": _set(0, default_density_t_per_m3="-2"),
    "missing_label": _set(0, label_en=""),
    "hazard_flag": _set(0, waste_codes="130205", hazardous="false"),
    "code_family": _set(0, waste_codes="020501"),  # a dairy code on ferrous scrap
    "bad_band": _set(0, temperature_low_c="90", temperature_high_c="60"),
    "bad_return_temperature": _set(0, temperature_return_c="40"),  # a return with no band
    "bad_return_temperature_above": _set(
        0, temperature_low_c="40", temperature_high_c="60", temperature_return_c="45"
    ),  # a return above the use's low end
    "bad_property": _set(0, energy_mwh_per_t="0.6"),  # ferrous scrap is not energy
    "bad_property_per_m3": _set(0, energy_mwh_per_m3="0.005"),  # nor a gas measured by volume
}
EXPECTED_CATEGORY_CHECK = {
    "bad_property_per_m3": "bad_property",
    "bad_return_temperature_above": "bad_return_temperature",
}


def test_a_base_that_leaves_codes_without_category_is_refused():
    issues = check_categories(read_package_csv("categories.csv"), complete=True)  # without the generics
    assert "low_not_covered" in _checks(issues)


@pytest.mark.parametrize("broken", sorted(CATEGORY_BREAKS))
def test_each_category_check_fires(broken, raw_categories):
    expected = EXPECTED_CATEGORY_CHECK.get(broken, broken)
    assert expected in _checks(check_categories(CATEGORY_BREAKS[broken](raw_categories)))


def test_report_is_bilingual_and_counts(raw_rules, raw_categories):
    issues = check_rules(_set(0, r_code="R99")(raw_rules), raw_categories)
    fr, en = format_report(issues, lang="fr"), format_report(issues, lang="en")
    assert "\n1 erreur, " in fr and "\n1 error, " in en
    assert "invalide" in fr and "invalid" in en


@pytest.mark.skipif(not MAESTRI_DIR.exists(), reason="MAESTRI reference data not on this machine")
def test_the_count_line_writes_each_languages_plural():
    def report(errors: int, warnings: int, lang: str) -> str:
        found = [Finding(code=f"e{i}") for i in range(errors)]
        found += [Finding(code=f"w{i}", severity="warning") for i in range(warnings)]
        return format_report(found, lang=lang).splitlines()[-1]

    assert report(0, 1, "fr") == "0 erreur, 1 avertissement"
    assert report(2, 2, "fr") == "2 erreurs, 2 avertissements"
    assert report(0, 1, "en") == "0 errors, 1 warning"
    assert report(1, 2, "en") == "1 error, 2 warnings"


def test_every_cited_maestri_case_exists(raw_rules):
    enriched = pd.read_csv(MAESTRI_DIR / "maestri_exchanges.csv", dtype=str, keep_default_na=False)
    original = pd.read_csv(
        MAESTRI_DIR / "maestri_original_exchanges_sheet.csv",
        dtype=str,
        keep_default_na=False,
        header=None,
        skiprows=4,
    )
    known = {s.replace(",", ".").replace(" ", "") for s in [*enriched["Database-ID"], *original[1]]}
    priors = read_package_csv("sector_priors.csv")
    cited = {
        ref.strip()[len("MAESTRI:") :]
        for refs in [*raw_rules["evidence_ref"], *priors["evidence_ref"]]
        for ref in refs.split("|")
        if ref.strip().startswith("MAESTRI:")
    }
    assert cited and cited <= known, sorted(cited - known)


def test_a_statement_that_names_no_pair_is_a_warning(raw_rules, raw_categories):
    # every supply of the family excepted: nothing left to pair
    empty = _duplicate_last(
        raw_rules,
        rule_id="KB9999",
        supply_category_id="family:glass",
        demand_category_id="=",
        hazardous="false",
        except_categories="glass_cullet_container|glass_flat|glass_powder_scm|"
        "glass_cullet_feed|low_1011|low_1011_haz",
    )
    issues = check_rules(empty, raw_categories)
    assert "unused_statement" in _checks(issues, "warning") and not has_errors(issues)


def test_concrete_rules_from_the_loader_check_clean():
    from symbiosis.kb import load_categories, load_rules

    assert not has_errors(check_rules(load_rules(), load_categories()))


def test_every_pretreatment_of_the_shipped_rules_has_a_cost():
    from symbiosis.kb.check import check_rules
    from symbiosis.kb.tables import read_package_csv

    issues = check_rules(read_package_csv("rules.csv"))
    assert [i for i in issues if i.code == "pretreatment_without_cost"] == []


def test_a_pretreatment_without_a_cost_is_an_error():
    from symbiosis.kb.check import check_rules
    from symbiosis.kb.tables import read_package_csv

    rules = read_package_csv("rules.csv").head(3).assign(pretreatment="piping")
    issues = check_rules(rules, pretreatment_costs={"none": 0.0, "water:piping": 0.0})
    assert {i.code for i in issues if i.severity == "error"} >= {"pretreatment_without_cost"}
    assert not [
        i
        for i in check_rules(rules, pretreatment_costs={"piping": 0.0})
        if i.code == "pretreatment_without_cost"
    ]
