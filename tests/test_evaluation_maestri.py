"""The MAESTRI split: exchanges written up as declarations, run through the harness, tabulated.

A tiny hand-made frame in the MAESTRI layout (no MAESTRI text) checks the conversion; the real folder
(``../shared/reference/maestri``, never copied into the repository) is run end-to-end where it exists,
and only structural facts are asserted: the split is measured, not tuned on.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest

from symbiosis import kb
from symbiosis.cli import main
from symbiosis.evaluation import CAUSES
from symbiosis.evaluation.cases import CaseError, corpus_maestri_cases, read_maestri_exchanges
from symbiosis.evaluation.maestri import (
    cited_exchanges,
    convert_exchanges,
    maestri_cases,
)
from symbiosis.evaluation.maestri_report import (
    TO_CONFIRM,
    evaluate_maestri,
    maestri_cause_table,
    maestri_table,
)
from symbiosis.evaluation.nace import nace_to_scian
from symbiosis.ingest import read_table

MAESTRI = Path(__file__).resolve().parents[2] / "shared" / "reference" / "maestri"

# id, case, NACE provider, provider, NACE receiver, receiver, waste, EWC, intermediate, final use, status
_ROWS = [
    (
        "9,1,1",
        "9",
        "2410",
        "Steel mill",
        "2351",
        "Cement works",
        "Granulated slag",
        "100202",
        "",
        "Raw material",
    ),
    ("9,1,2", "9", "2410", "Steel mill", "3511", "Power station", "Blast furnace gas", "100299#", "", "Fuel"),
    ("9,1,3", "9", "1711", "Pulp mill", "0322", "Fish farm", "Warm cooling water", "", "", "Process heat"),
    (
        "9,2,1",
        "10",
        "1920",
        "Refinery",
        "2014",
        "Solvent plant",
        "Spent oil",
        "130701*",
        "Re-refined",
        "Fuel",
    ),
    (
        "9,1,1",
        "9",
        "2410",
        "Steel mill",
        "2351",
        "Cement works",
        "Granulated slag",
        "100202",
        "",
        "Raw material",
    ),
    ("9,2,2", "10", "2410", "Steel mill", "2351", "Cement works", "", "100202", "", "Raw material"),
    ("9,2,3", "10", "??", "Unknown", "2351", "Cement works", "Mill scale", "100210", "", "Raw material"),
]


def _frame() -> pd.DataFrame:
    columns = (
        "Database-ID",
        "Case Number",
        "NACE code - Providing industry",
        "Providing industry (according to original database)",
        "NACE code - Receiving industry",
        "Receiving industry (according to original database)",
        "Waste description",
        "EWC code",
        "Intermediate process(es)",
        "Final use",
    )
    frame = pd.DataFrame(_ROWS, columns=list(columns))
    frame["Status of development"] = ["Implemented", "Planned", "Implemented", "Planned", "", "", ""]
    frame["Country"] = "Nowhere"
    return frame


@pytest.fixture(scope="module")
def conversion():
    return convert_exchanges(_frame(), hazardous_codes=frozenset({"130701"}))


def test_every_exchange_is_converted_or_skipped_with_its_reason(conversion):
    assert list(conversion.expected["exchange_id"]) == ["9,1,1", "9,1,2", "9,1,3", "9,2,1"]
    assert dict(zip(conversion.skipped["exchange_id"], conversion.skipped["reason"], strict=True)) == {
        "9,1,1": "duplicate_id",
        "9,2,2": "no_waste_description",
        "9,2,3": "providing_sector_unreadable",
    }
    assert conversion.n_exchanges == len(_ROWS)


def test_each_exchange_is_two_firms_a_supply_a_demand_and_the_documented_pair(conversion):
    assert len(conversion.firms) == 8 and conversion.firms["firm_id"].is_unique
    streams = conversion.streams.set_index("stream_id")
    for _, pair in conversion.expected.iterrows():
        supply, demand = streams.loc[pair["supply_id"]], streams.loc[pair["demand_id"]]
        assert (supply["direction"], demand["direction"]) == ("supply", "demand")
        assert supply["firm_id"].endswith("-P") and demand["firm_id"].endswith("-R")
        assert (supply["quantity"], supply["unit"]) == (demand["quantity"], demand["unit"])
    slag = streams.loc["M9-1-1-S"]
    assert "Granulated slag" in slag["description"] and "steel mill" in slag["description"]
    assert slag["waste_code"] == "100202"
    assert "raw material" in streams.loc["M9-1-1-D", "description"]
    assert "Re-refined" in streams.loc["M9-2-1-D", "description"]  # the intermediate process is said
    assert streams.loc["M9-1-2-S", "waste_code"] == "100299"  # markers dropped


def test_units_fit_the_kind_of_material(conversion):
    units = dict(zip(conversion.expected["exchange_id"], conversion.expected["kind"], strict=True))
    assert units == {"9,1,1": "material", "9,1,2": "energy", "9,1,3": "water", "9,2,1": "material"}
    by_stream = conversion.streams.set_index("stream_id")["unit"]
    assert (by_stream["M9-1-1-S"], by_stream["M9-1-2-S"], by_stream["M9-1-3-S"]) == (
        "t/yr",
        "MWh/yr",
        "m3/yr",
    )


def test_sectors_read_from_nace_and_hazardous_receivers_accept_it(conversion):
    firms = conversion.firms.set_index("firm_id")
    assert firms.loc["M9-1-1-P", "scian_code"] == "3311" and firms.loc["M9-1-1-R", "scian_code"] == "3273"
    assert firms.loc["M9-1-3-R", "scian_code"] == "114"
    assert firms.loc["M9-2-1-R", "accepts_hazardous"] == "yes"
    assert set(firms.drop(index="M9-2-1-R")["accepts_hazardous"]) == {"no"}
    assert nace_to_scian("2442") == "3313" and nace_to_scian("x") is None


def _km(a: pd.Series, b: pd.Series) -> float:
    dlat = math.radians(b["lat"] - a["lat"])
    dlon = math.radians(b["lon"] - a["lon"]) * math.cos(math.radians(a["lat"]))
    return 6371.0 * math.hypot(dlat, dlon)


def test_partners_sit_a_few_km_apart_in_one_small_region_deterministically(conversion):
    firms = conversion.firms.set_index("firm_id")
    for slug in ("M9-1-1", "M9-1-2", "M9-1-3", "M9-2-1"):
        assert 1.0 < _km(firms.loc[f"{slug}-P"], firms.loc[f"{slug}-R"]) < 2.0
    assert _km(firms.iloc[0], firms.iloc[-1]) < 5.0
    again = convert_exchanges(_frame(), hazardous_codes=frozenset({"130701"}))
    pd.testing.assert_frame_equal(again.firms, conversion.firms)
    pd.testing.assert_frame_equal(again.streams, conversion.streams)


def test_variants_and_layouts_make_importable_cases(conversion):
    [code] = maestri_cases(conversion, variant="code")
    [text] = maestri_cases(conversion, variant="text")
    code_streams = read_table(code.streams_bytes, filename="streams.csv").frame
    text_streams = read_table(text.streams_bytes, filename="streams.csv").frame
    assert "waste_code" in code_streams.columns and "waste_code" not in text_streams.columns
    assert not text_streams["description"].str.contains(r"\d{6}").any()
    assert len(code.expected) == 4 and code.meta["variant"] == "code" and code.language == "en"
    parks = maestri_cases(conversion, variant="code", layout="park")
    assert [c.name for c in parks] == ["maestri_code_9", "maestri_code_10"]
    assert [len(c.expected) for c in parks] == [3, 1]
    firms = read_table(parks[1].firms_bytes, filename="firms.csv").frame
    assert set(firms["firm_id"]) == {"M9-2-1-P", "M9-2-1-R"}
    with pytest.raises(ValueError):
        maestri_cases(conversion, variant="pictures")


def test_cited_exchanges_are_read_from_the_rules_evidence():
    rules = pd.DataFrame(
        {"evidence_ref": ["MAESTRI:1.12.10|Smith 2001", "EXPERT:kb", None, "MAESTRI:30.31.6"]}
    )
    assert cited_exchanges(rules) == frozenset({"1,12,10", "30,31,6"})
    assert len(cited_exchanges(kb.load_rules())) > 100  # the shipped rules do cite MAESTRI


def test_reader_refuses_a_folder_without_the_file_or_its_columns(tmp_path):
    with pytest.raises(CaseError, match=r"maestri_exchanges\.csv"):
        read_maestri_exchanges(tmp_path)
    (tmp_path / "maestri_exchanges.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CaseError, match="Database-ID"):
        read_maestri_exchanges(tmp_path)
    _frame().to_csv(tmp_path / "maestri_exchanges.csv", index=False)
    assert list(read_maestri_exchanges(tmp_path)["Database-ID"]) == [r[0] for r in _ROWS]


@pytest.fixture(scope="module")
def small_evaluation():
    rules = kb.load_rules()
    rules.loc[rules.index[0], "evidence_ref"] = "MAESTRI:9.1.1"  # one exchange cited, the rest not
    return evaluate_maestri(_frame(), rules=rules, corpus={"10": "holdout"})


def test_corpus_cases_say_which_maestri_cases_they_were_written_from(tmp_path):
    for name, split, text in (
        ("a_en", "tune", "MAESTRI exchanges database, case 8, rows 8,35,1-10"),
        ("b_en", "holdout", "EU MAESTRI exchanges database, case 1 (from X et al.) and MAESTRI case 8"),
        ("c_en", "holdout", "no database cited"),
    ):
        (tmp_path / name).mkdir()
        (tmp_path / name / "streams.csv").write_text("stream_id\n", encoding="utf-8")
        (tmp_path / name / "case.toml").write_text(f'split = "{split}"\n', encoding="utf-8")
        (tmp_path / name / "SOURCES.md").write_text(text, encoding="utf-8")
    assert corpus_maestri_cases([tmp_path]) == {"8": "tune", "1": "holdout"}


def test_the_split_is_grouped_by_the_corpus_publications(small_evaluation):
    table = maestri_table(small_evaluation, by="corpus").set_index(["variant", "corpus"])
    assert table.loc[("code", "holdout"), "expected"] == 1  # exchange 9,2,1 (MAESTRI case 10)
    assert table.loc[("code", "none"), "expected"] == 3
    assert table.loc[("code", "independent"), "expected"] == 2  # case 9, not cited
    assert ("code", "tune") not in table.index
    assert table.loc[("code", "all"), "expected"] == 4
    with pytest.raises(ValueError):
        maestri_table(small_evaluation, by="country")


def test_small_split_runs_end_to_end_with_figures_per_variant_and_evidence(small_evaluation):
    pairs = small_evaluation.pairs
    assert len(pairs) == 8 and set(pairs["variant"]) == {"code", "text"}
    assert set(pairs.loc[pairs["cited"], "exchange_id"]) == {"9,1,1"}
    table = maestri_table(small_evaluation).set_index(["variant", "evidence"])
    for variant in ("code", "text"):
        assert table.loc[(variant, "cited"), "expected"] == 1
        assert table.loc[(variant, "not_cited"), "expected"] == 3
        for column in ("candidates_found", "allocated", "to_confirm", "classified"):
            parts = table.loc[(variant, "cited"), column] + table.loc[(variant, "not_cited"), column]
            assert parts == table.loc[(variant, "all"), column]
    shares = table[["recall_candidates", "share_allocated", "top1", "top3"]].stack().dropna()
    assert shares.between(0, 1).all()
    # the allocated pairs are candidates, and every miss has a cause
    assert not (pairs["allocated"] & ~pairs["candidate"]).any()
    assert (pairs["cause"].ne("") | pairs["allocated"]).all()


def test_cause_table_counts_every_miss_once(small_evaluation):
    pairs = small_evaluation.pairs
    causes = maestri_cause_table(small_evaluation)
    for variant in ("code", "text"):
        missed = int((~pairs.loc[pairs["variant"] == variant, "allocated"]).sum())
        assert causes.get(f"{variant}/all", pd.Series(dtype=int)).sum() == missed
    assert set(causes["cause"]) <= {*CAUSES, TO_CONFIRM}


def test_classification_is_checked_against_the_waste_code(small_evaluation):
    pairs = small_evaluation.pairs
    slag = pairs[(pairs["exchange_id"] == "9,1,1") & (pairs["variant"] == "code")].iloc[0]
    listed = kb.load_categories().set_index("category_id")["waste_codes"]
    assert slag["classified"]
    assert slag["top1"] == ("100202" in str(listed.get(slag["supply_category"], "")).split("|"))
    assert (pairs["top3"] | ~pairs["top1"]).all()  # top-1 implies top-3


def test_command_runs_the_split_from_a_folder(capsys, tmp_path):
    _frame().to_csv(tmp_path / "maestri_exchanges.csv", index=False)
    assert main(["evaluate", "--maestri", str(tmp_path), "--json", "--misses"]) == 0
    payload = json.loads(capsys.readouterr().out)["maestri"]
    assert payload["exchanges"] == len(_ROWS) and len(payload["skipped"]) == 3
    assert {(r["variant"], r["evidence"]) for r in payload["totals"]} == {
        (v, e) for v in ("code", "text") for e in ("cited", "not_cited", "all")
    } - {("code", "cited"), ("text", "cited")}  # the shipped rules cite none of the made-up ids
    assert main(["evaluate", "--maestri", str(tmp_path / "nowhere")]) == 2
    assert "maestri_exchanges.csv" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.skipif(not (MAESTRI / "maestri_exchanges.csv").is_file(), reason="MAESTRI folder absent")
def test_the_real_maestri_exchanges_run_end_to_end():
    exchanges = read_maestri_exchanges(MAESTRI)
    evaluation = evaluate_maestri(exchanges)
    conversion = evaluation.conversion
    ids = set(exchanges["Database-ID"])
    assert set(conversion.expected["exchange_id"]) | set(conversion.skipped["exchange_id"]) == ids
    assert conversion.n_exchanges == len(exchanges)
    assert conversion.skipped["reason"].ne("").all()
    assert set(conversion.firms["scian_code"].str[:2]) <= {
        "11", "21", "22", "23", "31", "32", "33", "41", "44", "45", "48", "49", "51", "52", "53", "54",
        "55", "56", "61", "62", "71", "72", "81", "91",
    }  # fmt: skip
    assert sum(e.n_rejected for e in evaluation.evaluations) == 0  # nothing refused for its scale
    table = maestri_table(evaluation)
    assert set(table["variant"]) == {"code", "text"}
    assert set(table["evidence"]) == {"cited", "not_cited", "all"}
    shares = table[["recall_candidates", "share_allocated", "top1", "top3"]].stack().dropna()
    assert shares.between(0, 1).all()
    all_rows = table[table["evidence"] == "all"]
    assert (all_rows["expected"] == len(conversion.expected)).all()


def test_the_to_confirm_cause_is_labelled_from_the_catalogue_in_both_languages():
    from symbiosis.evaluation.maestri_report import _cause_label

    assert _cause_label(TO_CONFIRM, "fr").startswith("catégorie déduite à confirmer")
    assert _cause_label(TO_CONFIRM, "en").startswith("inferred category to confirm")
    assert _cause_label("no_rule", "en") == CAUSES["no_rule"].get("en")


def test_the_quality_bench_takes_the_maestri_folder_from_the_runner(tmp_path, capsys):
    from benchmarks.__main__ import _split_options
    from benchmarks.bench_quality import maestri_rows

    assert _split_options(["quality", "--maestri", "../m", "--layout", "park"]) == (
        ["quality"],
        {"maestri": "../m", "layout": "park"},
    )
    _frame().to_csv(tmp_path / "maestri_exchanges.csv", index=False)
    rows = maestri_rows(tmp_path)
    assert "MAESTRI (region): 7 exchanges, 3 skipped" in capsys.readouterr().out
    totals = [r for r in rows if r["kind"] == "maestri_total"]
    assert {(r["variant"], r["evidence"]) for r in totals} >= {("code", "all"), ("text", "all")}
    [timing] = [r for r in rows if r["kind"] == "maestri_timing"]
    assert timing["skipped"] == 3 and timing["cpu_s"] >= 0
