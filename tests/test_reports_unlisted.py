"""A report that lists no synergy says why, once: the PDF and the workbook in place of the list, and
beside a CSV that stays a header row for machines (the reports page's caption, the CLI's warning)."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.engine.factors import load_factors
from symbiosis.i18n import t
from symbiosis.pipeline import run
from symbiosis.reports import gather_report, lines_from_result, parse_territory, render_report
from symbiosis.reports.export import export_report
from symbiosis.reports.source import ReportSource
from symbiosis.reports.unlisted import UNLISTED_REASONS, headers_only_note, list_note, unlisted_reason
from tests.test_reports_fixtures import report_registry

#: The MRC of the confidential firm C1 only: every synergy there has a firm that may not be named.
SECRET_MRC = "mrc:Maria-Chapdelaine"


@pytest.fixture(scope="module")
def small():
    registry = report_registry()
    return registry, lines_from_result(run(registry, MatchConfig()))


def _data(small, territory: str = "region", *, anonymised: bool = False, declined=()):
    registry, lines = small
    return gather_report(
        registry.firms,
        lines,
        load_factors(),
        territory=parse_territory(territory),
        anonymised=anonymised,
        declined=declined,
    )


def test_each_reason_is_told_apart(small):
    _, lines = small
    assert unlisted_reason(_data(small)) is None  # some synergy is listed
    assert unlisted_reason(_data(small, "park:nowhere")) == "none"
    assert unlisted_reason(_data(small, "park:nowhere", anonymised=True)) == "none"  # not « withheld »
    assert unlisted_reason(_data(small, SECRET_MRC)) is None  # named mode lists them
    assert unlisted_reason(_data(small, SECRET_MRC, anonymised=True)) == "withheld"
    everyone = list(zip(lines["synergy_id"], lines["supply_firm_id"], strict=True))  # each supplier declines
    assert unlisted_reason(_data(small, declined=everyone)) == "declined"
    assert unlisted_reason(_data(small, SECRET_MRC, anonymised=True, declined=everyone)) == "declined"


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_reason_has_its_own_sentences(lang):
    assert len({list_note(reason, lang) for reason in UNLISTED_REASONS}) == len(UNLISTED_REASONS)
    # The PDF prints the same sentences as the workbook: none may send its reader to a "sheet".
    assert not [
        n for n in map(lambda r: list_note(r, lang), UNLISTED_REASONS) if re.search(r"feuille|sheet", n)
    ]
    notes = {headers_only_note(reason, lang) for reason in UNLISTED_REASONS}
    assert len(notes) == len(UNLISTED_REASONS)
    assert all(
        n.startswith(("Ce fichier CSV ne contient que la ligne d'en-têtes", "This CSV file holds"))
        for n in notes
    )


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_workbook_prints_the_same_reason_where_the_list_would_be(small, lang):
    data = _data(small, SECRET_MRC, anonymised=True)
    book = openpyxl.load_workbook(io.BytesIO(render_report(data, "xlsx", lang)))
    sheet = book[t("reports.sheet.synergies", lang)[:31]]
    assert [c.value for row in sheet.iter_rows() for c in row] == [
        t("reports.col.notes", lang),
        list_note("withheld", lang),
    ]
    empty = _data(small, "park:nowhere", anonymised=True)
    book = openpyxl.load_workbook(io.BytesIO(render_report(empty, "xlsx", lang)))
    text = [c.value for s in book.worksheets for row in s.iter_rows() for c in row if c.value]
    assert list_note("none", lang) in text and list_note("withheld", lang) not in text


def test_the_export_carries_the_reason_and_the_csv_stays_a_header_row(small):
    registry, lines = small
    source = ReportSource(registry.firms, lines, load_factors())
    territory = parse_territory(SECRET_MRC)
    file = export_report(source, "csv", "fr", anonymised=True, territory=territory)
    assert file.unlisted == "withheld"
    assert file.content.decode("utf-8-sig").strip().count("\n") == 0  # the header row, no prose
    assert export_report(source, "csv", "fr", anonymised=False, territory=territory).unlisted is None
    assert export_report(
        source, "pdf", "fr", anonymised=True, territory=parse_territory("park:x")
    ).unlisted == ("none")


def test_the_pdf_prints_the_same_reason_where_the_list_would_be(small, monkeypatch):
    from symbiosis.reports import pdf

    said = []
    monkeypatch.setattr(pdf, "list_note", lambda reason, lang: said.append(reason) or reason)
    assert render_report(_data(small, SECRET_MRC, anonymised=True), "pdf", "fr").startswith(b"%PDF")
    assert said == ["withheld"]
