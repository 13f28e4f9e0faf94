"""The evaluation harness on a small fictional case whose every outcome is known by hand."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from symbiosis.cli import main
from symbiosis.evaluation import (
    CaseError,
    cause_table,
    evaluate_case,
    find_cases,
    read_case,
    total_table,
)
from symbiosis.evaluation.harness import without_categories
from symbiosis.ingest import read_table

MINI = Path(__file__).resolve().parent / "data" / "evaluation" / "mini_fr"


@pytest.fixture(scope="module")
def evaluations():
    case = read_case(MINI)
    return {mode: evaluate_case(case, mode=mode) for mode in ("given", "inferred")}


def _pair(evaluation, supply: str, demand: str):
    pairs = evaluation.pairs.set_index(["supply_id", "demand_id"])
    return pairs.loc[(supply, demand)]


def test_found_allocated_and_the_cause_of_each_miss_with_categories_given(evaluations):
    given = evaluations["given"]
    summary = given.summary()
    assert (summary["expected"], summary["candidates_found"], summary["allocated"]) == (5, 3, 3)
    assert summary["recall_candidates"] == pytest.approx(0.6)
    # Spent pot lining reaches the permitted kiln ~280 km away: no hidden 150 km cap.
    assert _pair(given, "S2", "D2")["allocated"]
    assert _pair(given, "S5", "D5")["cause"] == "no_rule"
    assert _pair(given, "S6", "D1")["cause"] == "import_rejected"  # bark typed in MWh/an
    assert summary["streams_rejected"] == 1
    assert given.causes() == {"no_rule": 1, "import_rejected": 1}


def test_forbidden_pair_is_never_proposed(evaluations):
    for evaluation in evaluations.values():
        assert evaluation.summary()["forbidden_proposed"] == 0
        assert not evaluation.forbidden["candidate"].any()


def test_inferred_mode_removes_the_categories_and_measures_the_classifier(evaluations):
    inferred = evaluations["inferred"]
    assert inferred.summary()["classified"] == 10
    assert 0.0 < inferred.summary()["top1"] <= inferred.summary()["top3"] <= 1.0
    # Bark typed in MWh/an is now read as energy by its unit: the miss is the inferred category's.
    assert _pair(inferred, "S6", "D1")["cause"] == "category_inferred"
    assert _pair(inferred, "S1", "D1")["allocated"]


def test_without_categories_drops_only_the_category_column():
    raw = read_table(without_categories(MINI.joinpath("streams.csv").read_bytes()), filename="s.csv")
    assert "category_id" not in raw.header_map.values()
    assert {"stream_id", "description", "quantity", "unit", "waste_code"} <= set(raw.header_map.values())
    assert len(raw.frame) == 10


def test_totals_pool_exchanges_and_causes_are_labelled(evaluations):
    totals = total_table(list(evaluations.values()))
    row = totals[(totals["mode"] == "given") & (totals["language"] == "all")].iloc[0]
    assert row["expected"] == 5 and row["share_allocated"] == pytest.approx(0.6)
    causes = cause_table(list(evaluations.values()), lang="fr").set_index("cause")
    assert causes.loc["no_rule", "label"] == "aucune règle"
    assert causes.loc["no_rule", "given/tune"] == 1


def test_a_miss_the_allocation_makes_is_told_from_one_the_declared_quantities_force(tmp_path):
    """Whey for two expected pig farms, enough for one; bark expected at a far boiler, taken by a near one."""
    case = tmp_path / "competition_fr"
    shutil.copytree(MINI, case)
    firms = (MINI / "firms.csv").read_text(encoding="utf-8")
    (case / "firms.csv").write_text(
        firms + "F8,Ferme Deux,112120,Saint-Prime,48.60,-72.34,non,public\n"
        "F9,Chaufferie Proche,221330,Dolbeau-Mistassini,48.87,-72.22,non,public\n",
        encoding="utf-8",
    )
    (case / "streams.csv").write_text(
        "stream_id,firm_id,direction,category_id,waste_code,description,quantity,unit\n"
        'S3,F5,offre,whey,,lactosérum liquide,"1 000",t/an\n'
        'D3,F6,demande,animal_feed_ingredient,,ingrédient pour l\'alimentation des porcs,"1 500",t/an\n'
        'D8,F8,demande,animal_feed_ingredient,,ingrédient pour l\'alimentation des porcs,"1 500",t/an\n'
        'S1,F1,offre,wood_bark,,écorces de sapin et d\'épinette,"5 000",t/an\n'
        'D1,F2,demande,biomass_fuel_wood,,biomasse forestière pour la chaudière,"5 000",t/an\n'
        'D9,F9,demande,biomass_fuel_wood,,biomasse forestière pour la chaudière,"5 000",t/an\n',
        encoding="utf-8",
    )
    (case / "expected.csv").write_text(
        "supply_id,demand_id,source,status,note\n"
        "S3,D3,test,implemented,whey to one farm\n"
        "S3,D8,test,implemented,whey to the other farm\n"
        "S1,D1,test,implemented,bark to the far boiler (D9 is nearer and not listed)\n",
        encoding="utf-8",
    )
    (case / "forbidden.csv").write_text("supply_id,demand_id,reason\n", encoding="utf-8")
    evaluation = evaluate_case(read_case(case), mode="given")
    causes = {(r.supply_id, r.demand_id): r.cause for r in evaluation.pairs.itertuples()}
    # The 1,000 t go to one farm; the other could only be served by taking them from the first.
    assert sorted([causes[("S3", "D3")], causes[("S3", "D8")]]) == ["", "expected_competition"]
    # The far boiler would be served if only expected pairs competed: the allocation chose D9.
    assert causes[("S1", "D1")] == "not_selected"


def test_cases_are_found_by_folder_and_split(tmp_path):
    for name, split in (("a_fr", "tune"), ("b_fr", "holdout")):
        shutil.copytree(MINI, tmp_path / name)
        toml = (tmp_path / name / "case.toml").read_text().replace('split = "tune"', f'split = "{split}"')
        (tmp_path / name / "case.toml").write_text(toml)
    assert [p.name for p in find_cases([tmp_path])] == ["a_fr", "b_fr"]
    assert [p.name for p in find_cases([tmp_path], split="holdout")] == ["b_fr"]
    (tmp_path / "a_fr" / "expected.csv").unlink()
    with pytest.raises(CaseError, match=r"expected\.csv"):
        read_case(tmp_path / "a_fr")


def test_command_prints_json_and_refuses_a_missing_case(capsys, tmp_path):
    assert main(["evaluate", str(MINI), "--mode", "given", "--json", "--misses"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["cases"][0]["expected"] == 5
    assert {m["cause"] for m in payload["misses"]} == {"no_rule", "import_rejected"}
    assert main(["evaluate", str(tmp_path / "nowhere")]) == 2
    assert "cannot evaluate" in capsys.readouterr().err


def test_a_miss_whose_supply_its_own_firm_reuses_says_so(tmp_path):
    """Two sawmills each throw away bark and buy boiler biomass: the documented exchange (F1's bark to
    F2's boiler) would be one leg of a swap, so each burns its own instead, and the miss says so
    rather than 'not selected by the allocation'."""
    case = tmp_path / "own_reuse_fr"
    shutil.copytree(MINI, case)
    (case / "streams.csv").write_text(
        "stream_id,firm_id,direction,category_id,waste_code,description,quantity,unit\n"
        'S1,F1,offre,wood_bark,,écorces de sapin et d\'épinette,"5 000",t/an\n'
        'D0,F1,demande,biomass_fuel_wood,,biomasse pour notre propre chaudière,"5 000",t/an\n'
        'S2,F2,offre,wood_bark,,écorces de sapin,"5 000",t/an\n'
        'D1,F2,demande,biomass_fuel_wood,,biomasse forestière pour la chaudière,"5 000",t/an\n',
        encoding="utf-8",
    )
    (case / "expected.csv").write_text(
        "supply_id,demand_id,source,status,note\nS1,D1,test,implemented,bark to the boiler\n",
        encoding="utf-8",
    )
    (case / "forbidden.csv").write_text("supply_id,demand_id,reason\n", encoding="utf-8")
    evaluation = evaluate_case(read_case(case), mode="given")
    [pair] = evaluation.pairs.itertuples()
    assert (pair.candidate, pair.allocated, pair.cause) == (True, False, "own_reuse")
    assert "own_reuse" in set(cause_table([evaluation], lang="en")["cause"])
