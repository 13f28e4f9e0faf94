"""Reports: the sample region in both languages and formats, formula safety, anonymisation, territories."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import openpyxl
import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.engine.factors import load_factors
from symbiosis.i18n import t, tn
from symbiosis.pipeline import run
from symbiosis.reports import gather_report, lines_from_result, parse_territory, render_report
from symbiosis.reports.data import MIN_FIRMS_PER_CELL
from symbiosis.reports.pdf import MAX_SYNERGY_ROWS, format_number
from symbiosis.reports.tables import SHEETS
from tests.test_reports_fixtures import HOSTILE, SECRET_COORDS, SECRET_NAMES, report_registry

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
HEADINGS = (
    "reports.doc_title",
    "reports.section.kpis",
    "reports.section.by_status",
    "reports.section.by_territory",
    "reports.section.map",
    "reports.section.methodology",
    "reports.section.notes",
)


def _need(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if os.environ.get("SYMBIOSIS_REQUIRE_SERVICES") == "1":
            pytest.fail(f"SYMBIOSIS_REQUIRE_SERVICES=1 but {tool} (poppler-utils) is missing", pytrace=False)
        pytest.skip(f"{tool} not installed: apt-get install poppler-utils")
    return path


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf)
    out = subprocess.run([_need("pdftotext"), "-layout", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode("utf-8").replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture(scope="module")
def sample():
    """The committed sample region, imported and matched once (registry, lines)."""
    from symbiosis.ingest import import_tables
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
    registry = Registry(batch.firms.valid, batch.streams.valid)
    return registry, lines_from_result(run(registry, MatchConfig()))


@pytest.fixture(scope="module")
def sample_report(sample):
    registry, lines = sample
    return gather_report(registry.firms, lines, load_factors())


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sample_pdf_has_headings_kpis_and_drawn_pages(sample_report, lang, tmp_path):
    pdf = render_report(sample_report, "pdf", lang)
    text = _pdf_text(pdf, tmp_path)
    for key in HEADINGS:
        assert t(key, lang) in text, key
    for key in ("n_synergies", "co2e_avoided_t_per_yr", "tonnes_t_per_yr"):
        shown = format_number(sample_report.kpi(key), lang).replace("\u00a0", " ")
        assert shown in text, (key, shown)
    (tmp_path / "r.pdf").write_bytes(pdf)
    subprocess.run(
        [_need("pdftoppm"), "-r", "30", "-png", str(tmp_path / "r.pdf"), str(tmp_path / "p")], check=True
    )
    pages = sorted(tmp_path.glob("p-*.png"))
    assert len(pages) >= 5
    for n in (1, len(pages)):
        assert t("reports.page_number", lang, n=n, total=len(pages)) in text
    from PIL import Image

    for page in pages:
        ink = np.asarray(Image.open(page).convert("L")) < 200
        assert ink.mean() > 0.002, f"{page.name} is blank"
    map_ink = np.asarray(Image.open(pages[2]).convert("L")) < 200
    assert map_ink.mean() > 0.01  # the map page draws points and links
    # The note on the rows left out heads the synergies' table: after a table that filled its page,
    # it stood alone on a page of its own.
    rest = len(sample_report.synergies) - MAX_SYNERGY_ROWS
    assert rest > 0
    note = tn("reports.top_rows", rest, lang, shown=MAX_SYNERGY_ROWS).replace("\u00a0", " ")
    heading = t("reports.section.synergies", lang)
    assert text.index(heading) < text.index(note) < text.index(heading) + 400


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_sample_xlsx_has_every_sheet_and_no_formula(sample_report, lang):
    book = openpyxl.load_workbook(io.BytesIO(render_report(sample_report, "xlsx", lang)))
    assert book.sheetnames == [t(f"reports.sheet.{k}", lang)[:31] for k in SHEETS]
    for sheet in book.worksheets:
        assert sheet.max_row >= 2, sheet.title
        assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row), sheet.title
    synergies = book[t("reports.sheet.synergies", lang)]
    assert synergies.max_row - 1 == int(sample_report.kpi("n_synergies"))
    method = book[t("reports.sheet.methodology", lang)]
    header = [c.value for c in method[1]]
    assert t("reports.col.source", lang) in header and t("reports.col.year", lang) in header


def test_no_figure_of_the_report_reads_minus_zero(sample_report, tmp_path):
    """A synergy losing 0.03 t CO2e was written « -0.0 » in the CSV (73 rows of the sample) and a
    funnel cell « -0 » in the PDF."""
    import csv
    import math

    rows = list(csv.reader(io.StringIO(render_report(sample_report, "csv", "fr").decode("utf-8-sig"))))
    assert len(rows) > 1
    assert not [cell for row in rows for cell in row if cell in {"-0", "-0.0"}]
    book = openpyxl.load_workbook(io.BytesIO(render_report(sample_report, "xlsx", "fr")))
    zeros = [
        c.coordinate
        for s in book.worksheets
        for r in s.iter_rows()
        for c in r
        if isinstance(c.value, float) and c.value == 0 and math.copysign(1.0, c.value) < 0
    ]
    assert zeros == []
    assert format_number(-0.3, "fr") == "0" and format_number(-0.04, "en", 1) == "0.0"


def test_the_methodology_notes_are_in_the_reports_language(sample_report):
    """The French workbook and PDF printed every factor's note in English (« A by-product sold today
    is already used… »)."""
    from symbiosis.reports.tables import methodology_table

    factors = load_factors()
    assert factors["note_fr"].fillna("").str.strip().ne("").all()  # every factor says it in French
    fr = methodology_table(sample_report, "fr")[t("reports.col.note", "fr")]
    en = methodology_table(sample_report, "en")[t("reports.col.note", "en")]
    assert len(fr) == len(en) > 5 and not fr.eq(en).any()
    assert fr.str.contains("estimation").any() and not fr.str.contains("estimate").any()
    assert en.str.contains("estimate").any()


def test_kpis_sum_the_lines_and_split_estimated_from_verified(sample, sample_report):
    _, lines = sample
    assert sample_report.kpi("n_synergies") == len(lines)
    assert sample_report.kpi("co2e_avoided_t_per_yr") == pytest.approx(lines["co2e_avoided_t_per_yr"].sum())
    assert sample_report.kpi("co2e_avoided_t_per_yr", "verified") == 0.0
    assert set(sample_report.methodology["year"]) and sample_report.methodology["source"].str.len().min() > 0


@pytest.fixture(scope="module")
def small():
    registry = report_registry()
    return registry, lines_from_result(run(registry, MatchConfig()))


def _all_outputs(data) -> dict[str, str]:
    out = {}
    for lang in ("fr", "en"):
        book = openpyxl.load_workbook(io.BytesIO(render_report(data, "xlsx", lang)))
        cells = (c.value for s in book.worksheets for r in s.iter_rows() for c in r)
        out[f"xlsx-{lang}"] = "\n".join(map(str, cells))
        out[f"csv-{lang}"] = render_report(data, "csv", lang).decode("utf-8-sig")
    out["geojson"] = render_report(data, "geojson").decode("utf-8")
    return out


def test_hostile_name_is_inert_in_xlsx_and_csv(small):
    registry, lines = small
    data = gather_report(registry.firms, lines, load_factors())
    book = openpyxl.load_workbook(io.BytesIO(render_report(data, "xlsx", "fr")))
    cells = [c for s in book.worksheets for r in s.iter_rows() for c in r if "HYPERLINK" in str(c.value)]
    assert cells and all(c.data_type == "s" and str(c.value).startswith("'=") for c in cells)
    csv = render_report(data, "csv", "en").decode("utf-8-sig")
    assert "'" + HOSTILE.replace('"', '""') in csv
    assert "," + HOSTILE.replace('"', '""') not in csv and "\n" + HOSTILE not in csv


def test_anonymised_mode_leaks_no_name_or_coordinate_of_non_consenting_firms(small, tmp_path):
    registry, lines = small
    data = gather_report(registry.firms, lines, load_factors(), anonymised=True)
    outputs = _all_outputs(data)
    outputs["pdf-fr"] = _pdf_text(render_report(data, "pdf", "fr"), tmp_path)
    coords = [f"{v:.5f}".rstrip("0") for lat, lon in SECRET_COORDS for v in (lat, lon)]
    coords += [f"{v:.3f}" for lat, lon in SECRET_COORDS for v in (lat, lon)]
    for where, text in outputs.items():
        for secret in (*SECRET_NAMES, "C1", "M1", *coords):
            assert secret not in text, (where, secret)
    points = [
        f["geometry"]["coordinates"]
        for f in json.loads(outputs["geojson"])["features"]
        if f["geometry"]["type"] == "Point"
    ]
    for lat, lon in SECRET_COORDS:  # drawn at their MRC's public centroid, never at their own site
        assert all(abs(p[0] - lon) > 1e-4 or abs(p[1] - lat) > 1e-4 for p in points)
    labels = {
        f["properties"]["label"]
        for f in json.loads(outputs["geojson"])["features"]
        if f["geometry"]["type"] == "Point"
    }
    assert {"MRC Maria-Chapdelaine", "MRC Le Domaine-du-Roy"} <= labels
    # the non-consenting firms still count in the aggregates
    assert data.kpi("n_synergies") == len(lines)
    assert "Scierie Publique" in outputs["xlsx-fr"]


def test_anonymised_firm_groups_count_each_synergy_once(sample):
    """The « firms engaged » sheet summed its hidden firms' counts: a synergy between two firms of one
    MRC counted twice (709 synergies for Ville de Saguenay in a report of 675, 454 by territory)."""
    registry, lines = sample
    data = gather_report(registry.firms, lines, load_factors(), anonymised=True)
    groups = data.firms[data.firms["firm"].eq("")].set_index("mrc")
    by_mrc = data.by_territory.set_index("mrc")["n_synergies"]
    assert len(groups) >= 3
    for mrc, row in groups.iterrows():
        assert row["n_synergies"] <= by_mrc[mrc] <= data.kpi("n_synergies"), mrc
    # the map's (and the GeoJSON's) point of each MRC counted them the same way
    points = data.points[~data.points["named"]].set_index("label")["n_synergies"]
    assert len(points) == len(groups)
    for mrc, row in groups.iterrows():
        assert points[f"MRC {mrc}"] == row["n_synergies"], mrc


def test_anonymised_firm_groups_of_fewer_than_three_firms_hide_their_count(small):
    registry, lines = small
    data = gather_report(registry.firms, lines, load_factors(), anonymised=True)
    groups = data.firms[data.firms["firm"].eq("")]
    small_groups = groups[groups["n_firms"] < MIN_FIRMS_PER_CELL]
    assert len(small_groups) and small_groups["n_synergies"].isna().all()


def test_named_mode_lists_every_firm(small):
    registry, lines = small
    data = gather_report(registry.firms, lines, load_factors())
    assert set(SECRET_NAMES) <= set(data.firms["firm"])


def test_territory_filter_keeps_synergies_touching_the_territory(small):
    registry, lines = small
    factors = load_factors()
    by = {
        spec: gather_report(registry.firms, lines, factors, territory=parse_territory(spec))
        for spec in (
            "region",
            "mrc:Maria-Chapdelaine",
            "municipality:Roberval",
            "mrc:Lac-Saint-Jean-Est",
            "municipalité:alma",
        )
    }
    assert by["region"].kpi("n_synergies") == 5
    assert by["mrc:Maria-Chapdelaine"].kpi("n_synergies") == 1  # P1 → C1 only
    assert by["municipality:Roberval"].kpi("n_synergies") == 1  # P1 → M1 only
    assert by["mrc:Lac-Saint-Jean-Est"].kpi("n_synergies") == 4  # every exchange of P1 (Alma)
    assert by["municipalité:alma"].kpi("n_synergies") == 4
    assert set(by["mrc:Maria-Chapdelaine"].by_territory["mrc"]) == {"Lac-Saint-Jean-Est", "Maria-Chapdelaine"}


def test_parse_territory_rejects_unknown_kinds():
    with pytest.raises(ValueError):
        parse_territory("county:X")
    with pytest.raises(ValueError):
        parse_territory("mrc:")
    assert parse_territory("").spec == "region"


@pytest.mark.parametrize("anonymised", [False, True])
def test_a_territory_without_synergies_still_renders_every_format(small, anonymised):
    registry, lines = small
    data = gather_report(
        registry.firms,
        lines,
        load_factors(),
        territory=parse_territory("park:nowhere"),
        anonymised=anonymised,
    )
    assert data.kpi("n_synergies") == 0 and data.synergies.empty
    for fmt in ("pdf", "xlsx", "csv", "geojson"):
        assert render_report(data, fmt, "en")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_methodology_names_each_factor_apart_and_cites_our_method_in_the_readers_language(
    sample_report, lang
):
    """Four factors of « every resource » (a by-product sold, reused in-house, a paid treatment, heat
    or water released) read « Élimination évitée — toutes les ressources » alike: their fate tells them
    apart. The project's own method is cited in the reader's language, never a repository path."""
    from symbiosis.reports.tables import methodology_table

    table = methodology_table(sample_report, lang)
    factor = table[t("reports.col.factor_id", lang)]
    assert not factor.duplicated().any(), factor[factor.duplicated(keep=False)].tolist()
    sources = set(table[t("reports.col.source", lang)])
    assert not [s for s in sources if "docs/" in s]
    if lang == "fr":
        assert "symbiosis impact method" not in sources


def test_the_pdf_territory_table_gives_tonnes_diverted_and_whole_place_names(sample_report, tmp_path):
    """The dashboard's breakdown gives tonnes diverted by territory; the PDF's dropped them for room,
    and still cut « Lac-Saint-Jean-Est » mid-word: place names now get the room, figures share the rest."""
    text = _pdf_text(render_report(sample_report, "pdf", "fr"), tmp_path)
    section = text[text.index(t("reports.section.by_territory", "fr")) :]
    assert "Détournées" in section[:600]  # the column header (wrapped over two lines in the PDF)
    rows = [line for line in section.splitlines() if line.startswith("Lac-Saint-Jean-Es")]
    assert rows and all(line.startswith("Lac-Saint-Jean-Est ") for line in rows)
    diverted = sample_report.by_territory["diverted_t_per_yr"]
    assert format_number(float(diverted.iloc[0]), "fr").replace("\u00a0", " ") in section


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_no_word_of_the_pdf_is_cut_between_two_lines(sample_report, lang, tmp_path):
    """The methodology's « Synergies » column printed its header « Synergie » over « s » (the column
    was narrower than the word) and the territory table « Métabetchouan–Lac-à-la-Cro » over « ix »:
    every column now holds its longest word whole."""
    text = _pdf_text(render_report(sample_report, "pdf", lang), tmp_path)
    method = text[text.index(t("reports.section.methodology", lang)) :]
    header = next(line for line in method.splitlines() if line.startswith(t("reports.col.factor_id", lang)))
    assert header.rstrip().endswith(t("reports.col.n_synergies", lang))
    assert "Métabetchouan–Lac-à-la-Croix" in text
    lone = [line for line in text.splitlines() if line.strip() in {"s", "ix"}]
    assert not lone


def test_a_table_column_narrower_than_its_words_is_widened_from_the_others_room():
    from symbiosis.reports.pdf import ReportPDF, _fitted_widths

    pdf = ReportPDF("t", "fr")
    head, body = ["Facteur", "Synergies"], [["Élimination évitée (sous-produit)", "133"]]
    shares = _fitted_widths(pdf, head, body, (170, 5), 6.5)
    assert shares[1] > 5 and sum(shares) == pytest.approx(175)
    assert pdf.epw * shares[1] / sum(shares) > pdf.get_string_width("Synergies")  # in bold, wider still
    # words that cannot all fit: the given shares stand
    assert _fitted_widths(pdf, ["x" * 400, "y" * 400], [], (1, 1), 8) == (1.0, 1.0)


@pytest.mark.parametrize(("lang", "na"), [("fr", "s.o."), ("en", "n/a")])
def test_the_pdf_tells_a_hidden_figure_from_one_that_does_not_apply(small, lang, na, tmp_path):
    """« — » stood for both: a conversion with no previous stage, and (said the note) a cell hidden for
    confidentiality — while the hidden cells were in fact blank. Each has its own mark, explained."""
    registry, lines = small
    data = gather_report(registry.firms, lines, load_factors(), anonymised=True)
    assert data.by_territory["n_synergies"].isna().all()  # every MRC has fewer than 3 firms: hidden
    text = _pdf_text(render_report(data, "pdf", lang), tmp_path)
    page = text[text.index(t("reports.section.by_status", lang)) : text.index(t("reports.section.map", lang))]
    title = t("reports.doc_title", lang)
    rows = [line.split() for line in page.splitlines() if line[:1].isupper() and title not in line]
    assert rows and all("—" not in row for row in rows)  # no cell is a bare dash any more
    first = next(line for line in page.splitlines() if line.startswith(t("synergy.status.proposed", lang)))
    assert f" {na} " in first  # the first stage has no previous one
    place = next(line for line in page.splitlines() if line.startswith("Lac-Saint-Jean-Est"))
    assert place.split()[1:] == ["x", "2", "x", "x", "x", "x"]  # hidden, but the count of firms is kept
    assert t("reports.mark.not_applicable_note", lang) in " ".join(page.split())
    assert t("reports.suppressed", lang, k=3) in " ".join(page.split())
