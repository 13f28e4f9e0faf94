"""Reports name each synergy's Québec authorisation pathway in words and its receiver's authorisation.

Issue 10 item 7: the pathway (never its code) and the reference of the receiver's authorisation are
columns of the synergies sheet (XLSX), table (PDF) and CSV, for proposals of a matching run and for
tracked synergies; in anonymised mode a reference is printed only where its receiver may be named.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.engine.factors import load_factors
from symbiosis.engine.permits import PATHWAYS, pathway_label
from symbiosis.i18n import t
from symbiosis.labels import pathway_label as words
from symbiosis.pipeline import run
from symbiosis.reports import gather_report, lines_from_result, render_report
from symbiosis.reports.lines import lines_from_ledger
from tests.test_reports import _all_outputs, _pdf_text
from tests.test_reports_fixtures import SECRET_NAMES, report_registry

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
SECRET_REFERENCE = "AM-7610-C1-SECRET"
PUBLIC_REFERENCE = "AM-7610-P4-PUBLIC"


def _synergy_sheet(data, lang: str) -> pd.DataFrame:
    book = openpyxl.load_workbook(io.BytesIO(render_report(data, "xlsx", lang)))
    sheet = book[t("reports.sheet.synergies", lang)]
    rows = list(sheet.iter_rows(values_only=True))
    return pd.DataFrame(rows[1:], columns=rows[0])


@pytest.fixture(scope="module")
def sample_with_permits():
    """The sample region with its authorisations file, matched once: (registry, proposal lines)."""
    from symbiosis.ingest import import_tables, read_table
    from symbiosis.ingest.permits import validate_permits
    from symbiosis.registry import Registry
    from symbiosis.services.importing import default_context

    ctx = default_context()
    batch = import_tables(
        (SAMPLE / "firms.csv").read_bytes(),
        (SAMPLE / "streams.csv").read_bytes(),
        geocoder=ctx.geocoder,
        parks=ctx.parks,
        categories=ctx.categories,
        waste_codes=ctx.waste_codes,
    )
    permits = validate_permits(
        read_table((SAMPLE / "permits.csv").read_bytes(), filename="permits.csv"),
        known_firm_ids=set(batch.firms.valid["firm_id"]),
        categories=ctx.categories,
    ).valid
    registry = Registry(batch.firms.valid, batch.streams.valid, permits)
    return registry, lines_from_result(run(registry, MatchConfig()))


def test_pathway_words_join_several_pathways_and_say_none_or_not_assessed():
    both = words("ministerial_authorisation|hazmat_permit", "fr")
    assert (
        both == f"{pathway_label('ministerial_authorisation', 'fr')} ; {pathway_label('hazmat_permit', 'fr')}"
    )
    assert words("hazmat_permit", "en") == "hazardous materials permit (RMD)"
    assert words("", "fr") == "aucune" and words(None, "en") == "none"
    assert words("unassessed", "fr").startswith("non évaluée")
    assert words("some_new_pathway", "en") == "some new pathway"  # never the raw code


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_proposal_report_names_each_pathway_in_words_and_the_receivers_reference(
    sample_with_permits, lang, tmp_path
):
    registry, lines = sample_with_permits
    with_ref = lines[lines["permit_reference"].ne("")]
    assert len(with_ref) and lines["pathway"].ne("").sum() > len(with_ref) / 2
    data = gather_report(registry.firms, lines, load_factors())
    sheet = _synergy_sheet(data, lang)
    col, ref_col = t("reports.col.pathway", lang), t("reports.col.permit_reference", lang)
    assert {col, ref_col} <= set(sheet.columns)
    expected = {words(p, lang) for p in lines["pathway"]}
    assert set(sheet[col]) == expected and len(expected) >= 3
    sep = " ; " if lang == "fr" else "; "  # one authorisation per pathway, joined in words
    assert set(sheet[ref_col].dropna()) == {r.replace("|", sep) for r in with_ref["permit_reference"]}
    assert any(sep in r for r in sheet[ref_col].dropna())
    csv = render_report(data, "csv", lang).decode("utf-8-sig")
    pdf = _pdf_text(render_report(data, "pdf", lang), tmp_path)
    top = data.synergies.sort_values("net_value_cad_per_yr", ascending=False).head(40)
    for code in PATHWAYS:  # words everywhere, never a code
        assert code not in csv and code not in pdf and code not in set(sheet[col])
    assert words("hazmat_permit", lang) in csv
    assert t("reports.col.pathway", lang).split()[0] in pdf and t("labels.pathway.none", lang) in pdf
    shown = [r for r in top["permit_reference"] if r]
    assert shown and all(r in pdf for ref in shown for r in ref.split("|"))


def _tracked_synergies() -> pd.DataFrame:
    figures = {"pathway": "mrf_authorisation", "permit_reference": "MRF 2024-118"}
    return pd.DataFrame(
        {
            "synergy_id": ["syn-a", "syn-b", "syn-c"],
            "supply_firm_id": ["P1", "P1", "P3"],
            "demand_firm_id": ["P4", "P2", "P2"],
            "supply_category_id": "wood_sawdust",
            "demand_category_id": "biomass_fuel_wood",
            "kind": "material",
            "flow_per_yr": [800.0, 900.0, 100.0],
            "flow_unit": "t/yr",
            "road_distance_km": [2.0, 60.0, 5.0],
            "estimate": [
                {"figures": figures},
                {"figures": {"pathway": None, "permit_reference": None}},
                {"figures": {}},  # recorded before pathways were named
            ],
            "status": ["contacted", "qualified", "proposed"],
            "stage_reached": ["contacted", "qualified", "proposed"],
            "status_changed_at": pd.to_datetime(["2026-03-01", "2026-05-10", "2026-05-11"]),
        }
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_tracked_synergies_report_the_pathway_frozen_with_their_estimate(lang):
    registry = report_registry()
    lines = lines_from_ledger(_tracked_synergies(), pd.DataFrame())
    assert list(lines["pathway"]) == ["mrf_authorisation", "", "unassessed"]
    data = gather_report(registry.firms, lines, load_factors(), source="synergies")
    sheet = _synergy_sheet(data, lang).set_index(t("reports.col.synergy_id", lang))
    col, ref_col = t("reports.col.pathway", lang), t("reports.col.permit_reference", lang)
    assert sheet.loc["syn-a", col] == pathway_label("mrf_authorisation", lang)
    assert sheet.loc["syn-a", ref_col] == "MRF 2024-118"
    assert sheet.loc["syn-b", col] == t("labels.pathway.none", lang)
    assert sheet.loc["syn-c", col] == t("labels.pathway.unassessed", lang)
    assert "MRF 2024-118" in render_report(data, "csv", lang).decode("utf-8-sig")


def _lines_with_references(lines: pd.DataFrame) -> pd.DataFrame:
    """Every synergy needs a ministerial authorisation; C1's and P4's references are on file."""
    reference = lines["demand_firm_id"].map({"C1": SECRET_REFERENCE, "P4": PUBLIC_REFERENCE}).fillna("")
    return lines.assign(pathway="ministerial_authorisation", permit_reference=reference)


def test_anonymised_report_prints_no_reference_of_a_receiver_it_may_not_name(tmp_path):
    registry = report_registry()
    lines = _lines_with_references(lines_from_result(run(registry, MatchConfig())))
    assert {"C1", "P4"} <= set(lines["demand_firm_id"])
    anonymised = gather_report(registry.firms, lines, load_factors(), anonymised=True)
    outputs = _all_outputs(anonymised)
    outputs["pdf-fr"] = _pdf_text(render_report(anonymised, "pdf", "fr"), tmp_path)
    outputs["pdf-en"] = _pdf_text(render_report(anonymised, "pdf", "en"), tmp_path)
    for where, text in outputs.items():
        for secret in (SECRET_REFERENCE, *SECRET_NAMES):
            assert secret not in text, (where, secret)
    # a receiver that may be named keeps its reference, with the pathway in words
    assert PUBLIC_REFERENCE in outputs["xlsx-fr"] and PUBLIC_REFERENCE in outputs["csv-en"]
    assert pathway_label("ministerial_authorisation", "fr") in outputs["csv-fr"]
    named = gather_report(registry.firms, lines, load_factors())
    assert SECRET_REFERENCE in render_report(named, "csv", "fr").decode("utf-8-sig")


def test_a_recorded_proposal_keeps_its_pathway_and_reference_through_the_database(tmp_path):
    import dataclasses

    from symbiosis.db import Actor, Repository
    from symbiosis.reports import parse_territory
    from symbiosis.services.report_source import match_result, report_data
    from symbiosis.services.synergy_store import SynergyRepository
    from tests.test_reports_fixtures import seed_db

    seed_db(tmp_path / "r.db")
    system, advisor = Actor.system("test"), Actor("adele", "advisor")
    with Repository.from_url(f"sqlite:///{tmp_path / 'r.db'}") as repo:
        result = match_result(repo.load_registry(system))
        to_p4 = result.exchanges["demand_firm_id"].eq("P4")
        exchanges = result.exchanges.assign(
            pathway=to_p4.map({True: "ministerial_authorisation", False: ""}),
            permit_reference=to_p4.map({True: PUBLIC_REFERENCE, False: ""}),
        )
        SynergyRepository(repo).record_proposals(system, dataclasses.replace(result, exchanges=exchanges))
        data = report_data(repo, advisor, territory=parse_territory("region"))
    assert data.source == "synergies"
    rows = data.synergies.set_index("demand_name")
    assert rows.loc["Chaufferie d'Alma", "pathway"] == "ministerial_authorisation"
    assert rows.loc["Chaufferie d'Alma", "permit_reference"] == PUBLIC_REFERENCE
    assert set(data.synergies.loc[data.synergies["demand_name"] != "Chaufferie d'Alma", "pathway"]) == {""}
    sheet = _synergy_sheet(data, "fr").set_index(t("reports.col.demand_name", "fr"))
    assert sheet.loc["Chaufferie d'Alma", t("reports.col.pathway", "fr")] == pathway_label(
        "ministerial_authorisation", "fr"
    )
