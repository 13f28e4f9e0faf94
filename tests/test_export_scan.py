"""Every export is inert (issue #12, items 4 and 8): formula payloads in every text field, no live formula.

A registry whose every free-text field (firm name, contact, phone, stream description and quality
notes, synergy note, owner, next action, consent note) holds one of the payloads ``=``, ``+``,
``-``, ``@``, tab, carriage return and ``=HYPERLINK(...)`` is exported every way the app and the
command line can; each CSV is read with ``,``, ``;`` and tab as separator (and cut at every line
break, as a reader that ignores quotes would), each XLSX cell is read back. A cell is live when it
would run as a formula (:func:`symbiosis.io.inert.is_live_formula`: a number, or a text that is
exactly a plain number, is not one).
"""

from __future__ import annotations

import dataclasses
import io
import re

import openpyxl
import pandas as pd
import pytest

from symbiosis.db import Actor, Repository
from symbiosis.events.agenda import agenda_xlsx_bytes, plan_event
from symbiosis.events.instance import PlannerConfig
from symbiosis.ingest import RawTable, rejected_file, validate_streams
from symbiosis.io.export import write_results
from symbiosis.io.inert import CELL_BREAKS, is_live_formula, live_cells
from symbiosis.reports.export import export_report
from symbiosis.services.importing import default_context
from symbiosis.services.report_source import load_source, match_result
from tests._export_fixtures import PAYLOADS, hostile_db

ADVISOR = Actor("adele", "advisor")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    path = hostile_db(tmp_path_factory.mktemp("hostile") / "registry.db")
    with Repository.from_url(f"sqlite:///{path}") as repo:
        registry = repo.load_registry(ADVISOR)
        yield load_source(repo, ADVISOR), registry, match_result(registry)


def xlsx_live_cells(content: bytes) -> list[tuple[str, str]]:
    """Formula cells, and text cells a spreadsheet would run, of a workbook."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    found.append((sheet.title, str(cell.value)))
                elif isinstance(cell.value, str):
                    pieces = re.split("[" + re.escape(CELL_BREAKS) + "]", cell.value)
                    found += [(sheet.title, p) for p in pieces if is_live_formula(p)]
    return found


def _payloads_present(text: str) -> bool:
    return "HYPERLINK" in text and "cmd|" in text


@pytest.mark.parametrize("anonymised", [False, True])
@pytest.mark.parametrize("lang", ["fr", "en"])
def test_report_csv_and_xlsx_are_inert(hostile, anonymised, lang):
    source, _, _ = hostile
    csv = export_report(source, "csv", lang, anonymised=anonymised).content.decode("utf-8-sig")
    assert live_cells(csv) == []
    xlsx = export_report(source, "xlsx", lang, anonymised=anonymised).content
    assert xlsx_live_cells(xlsx) == []
    if not anonymised:  # the payloads are there (as inert text), so the scan saw them
        assert _payloads_present(csv)


def test_raw_pandas_would_have_written_live_formulas(hostile):
    source, _, _ = hostile
    data = source.data()
    raw = data.synergies.to_csv(index=False)
    assert {sep for sep, _, _ in live_cells(raw)} >= {",", ";"}


def test_results_exports_are_inert(hostile, tmp_path):
    _, registry, result = hostile
    names = registry.firms.set_index("firm_id")["name"]
    exchanges = result.exchanges.assign(
        supply_firm_name=result.exchanges["supply_firm_id"].map(names),
        demand_firm_name=result.exchanges["demand_firm_id"].map(names),
    )
    result = dataclasses.replace(result, exchanges=exchanges)
    csv = write_results(result, tmp_path / "r.csv").read_text("utf-8-sig")
    assert live_cells(csv) == [] and _payloads_present(csv)
    assert xlsx_live_cells(write_results(result, tmp_path / "r.xlsx").read_bytes()) == []


def test_agendas_are_inert(hostile):
    _, registry, result = hostile
    instance, schedule, greedy = plan_event(
        result.exchanges, registry.firms, None, tables=3, slots=3, config=PlannerConfig(time_limit_s=2.0)
    )
    content = agenda_xlsx_bytes(instance, schedule, "fr", greedy=greedy)
    assert xlsx_live_cells(content) == []
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert any("HYPERLINK" in str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r)


def test_rejected_rows_file_is_inert():
    rows = [[p, "F1", "offre", "wood_sawdust", p, "-5", "t/an"] for p in PAYLOADS]
    header = ["id_flux", "id_entreprise", "sens", "categorie", "description", "quantite", "unite"]
    canonical = ["stream_id", "firm_id", "direction", "category_id", "description", "quantity", "unit"]
    raw = RawTable(
        pd.DataFrame(rows, columns=header, dtype=object),
        source_rows=tuple(range(2, 2 + len(rows))),
        header_map=dict(zip(header, canonical, strict=True)),
        lang="fr",
        filename="flux.csv",
    )
    ctx = default_context()
    result = validate_streams(
        raw, categories=ctx.categories, waste_codes=ctx.waste_codes, known_firm_ids={"F1"}
    )
    assert len(result.rejected) == len(PAYLOADS)
    for sep in (";", ","):
        text = rejected_file(result, delimiter=sep).decode("utf-8-sig")
        assert live_cells(text) == [] and _payloads_present(text)
    assert xlsx_live_cells(rejected_file(result, "xlsx")) == []


def test_rejected_rows_and_results_exports_write_the_same_escape(hostile, tmp_path):
    """Both paths write a cell exactly as :func:`escape_text` makes it: one rule, not two."""
    from symbiosis.io.inert import escape_text

    cells = ["-12,5", "+33 6 12 34 56 78", "=1+1", "@SUM(A1)", "Acme\r=cmd"]
    rows = [[f"S{i}", "F1", "offre", "nope", c, "-5", "t/an"] for i, c in enumerate(cells)]
    header = ["id_flux", "id_entreprise", "sens", "categorie", "description", "quantite", "unite"]
    canonical = ["stream_id", "firm_id", "direction", "category_id", "description", "quantity", "unit"]
    raw = RawTable(
        pd.DataFrame(rows, columns=header, dtype=object),
        source_rows=tuple(range(2, 2 + len(rows))),
        header_map=dict(zip(header, canonical, strict=True)),
        lang="fr",
        filename="flux.csv",
    )
    ctx = default_context()
    result = validate_streams(
        raw, categories=ctx.categories, waste_codes=ctx.waste_codes, known_firm_ids={"F1"}
    )
    rejected = pd.read_csv(io.BytesIO(rejected_file(result)), sep=";", dtype=str, keep_default_na=False)
    assert rejected["description"].tolist() == [escape_text(c) for c in cells]
    assert rejected["quantite"].tolist() == ["-5"] * len(cells)  # a negative number stays a number

    _, _, match = hostile
    names = (cells * len(match.exchanges))[: len(match.exchanges)]
    match = dataclasses.replace(match, exchanges=match.exchanges.assign(supply_firm_name=names))
    exported = pd.read_csv(write_results(match, tmp_path / "r.csv"), dtype=str, keep_default_na=False)
    assert exported["supply_firm_name"].tolist() == [escape_text(c) for c in names]
