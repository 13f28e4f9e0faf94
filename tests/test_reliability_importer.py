"""The importer's edges lose no valid row, and the hostile files of issue #12 are answered at once.

Each case of the issue's item 8 is here at its real size where that is cheap (the reader's caps),
else with the cap lowered (the logic is the same): blank lines, a bad UTF-8 byte, a cell longer than
the csv module's limit, a NUL byte, an over-wide row, a 100,000-row file, a crash between the rows and
their batch, line breaks in a name.
"""

from __future__ import annotations

import time
import tomllib
from pathlib import Path

import pandas as pd
import pytest

import symbiosis.ingest.reader as reader
from symbiosis.db import Actor, Repository
from symbiosis.ingest import import_tables, read_table
from symbiosis.ingest.reader import MAX_BYTES, MAX_CELL_CHARS, MAX_COLUMNS, MAX_ROWS
from symbiosis.services.importing import default_context, import_into_registry, import_permits
from tests import _hostile
from tests._hostile import template_header, valid_stream_row

pytestmark = pytest.mark.reliability

HEADER = template_header()
SYSTEM = Actor.system("pytest")
FIRMS = "id_entreprise;nom;code_scian;municipalite\nF-001;Scierie Éloïse;321114;Alma\n".encode()


def _csv(rows: list[list[str]], *, blank_every: int = 0) -> bytes:
    lines = [";".join(HEADER)]
    for i, row in enumerate(rows, start=1):
        lines.append(";".join(row))
        if blank_every and i % blank_every == 0:
            lines.append("" if i % 2 else ";;;")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _validate(data: bytes, filename: str = "flux.csv"):
    ctx = default_context()
    return import_tables(
        None,
        data,
        geocoder=ctx.geocoder,
        parks=ctx.parks,
        categories=ctx.categories,
        waste_codes=ctx.waste_codes,
        existing_firm_ids={"F-001"},
        streams_filename=filename,
    ).streams


def _rows(n: int) -> list[list[str]]:
    return [valid_stream_row(HEADER, i) for i in range(1, n + 1)]


@pytest.fixture
def sqlite_repo(tmp_path):
    repo = Repository.from_url(f"sqlite:///{tmp_path / 'r.db'}")
    yield repo
    repo.close()


def test_blank_lines_never_count_against_the_row_cap():
    data = _csv(_rows(MAX_ROWS - 10), blank_every=1600)  # 49,990 rows and 31 blank lines
    raw = read_table(data, filename="flux.csv")
    assert not raw.has_file_error and len(raw.frame) == MAX_ROWS - 10


def test_blank_lines_do_not_lose_rows_through_the_whole_import(sqlite_repo, monkeypatch):
    monkeypatch.setattr(reader, "MAX_ROWS", 200)
    data = _csv(_rows(190), blank_every=6)
    batch = import_into_registry(sqlite_repo, SYSTEM, firms_bytes=FIRMS, streams_bytes=data)
    assert batch.streams.report.n_valid == 190
    assert len(sqlite_repo.streams(SYSTEM)) == 190


def test_a_file_over_the_cap_is_refused_whole_with_its_count():
    data = ("id_flux;id_entreprise;quantite\n" + "".join(f"S{i};F-001;1\n" for i in range(100_000))).encode()
    assert len(data) < MAX_BYTES
    raw = read_table(data, filename="flux.csv")
    assert raw.has_file_error and raw.frame.empty
    issue = next(i for i in raw.issues if i.code == "file.too_large")
    assert issue.found == "100\u00a0000 lignes / rows"
    assert "100\u00a0000" in issue.message("fr") and "Nothing was imported" in issue.message("en")


def test_one_invalid_utf8_byte_rejects_that_row_only_and_the_others_keep_their_accents():
    lines = _csv(_rows(5)).split(b"\n")
    lines[3] = lines[3].replace("Écorces".encode(), b"\xc9corces")  # one cp1252 byte in row 4
    result = _validate(b"\n".join(lines))
    assert result.report.n_valid == 4 and result.report.n_rejected == 1
    bad = [i for i in result.report.errors]
    assert [(i.row, i.code) for i in bad] == [(4, "row.encoding")]
    assert set(result.valid["description"]) == {"Écorces de résineux"}
    assert (result.valid["months_mask"] == 0b000011100000).all()  # juin-août read on every good row


def test_a_cp1252_file_is_still_read_whole():
    data = _csv(_rows(3)).decode().encode("cp1252")
    result = _validate(data)
    assert result.report.n_valid == 3 and set(result.valid["description"]) == {"Écorces de résineux"}


@pytest.mark.parametrize("length", [MAX_CELL_CHARS + 1, 131_073, 1_000_000])
def test_an_over_long_cell_rejects_its_row_only(length):
    rows = _rows(4)
    rows[1][HEADER.index("description")] = "x" * length
    result = _validate(_csv(rows))
    assert result.report.n_valid == 3
    assert [(i.row, i.code, i.column) for i in result.report.errors] == [
        (3, "row.cell_too_long", "description")
    ]
    assert len(result.rejected.iloc[0]["description"]) < 200  # the rejected-rows file stays small


def test_a_nul_byte_rejects_its_row_only():
    rows = _rows(4)
    rows[2][HEADER.index("description")] = "Écorces\x00 de pin"
    result = _validate(_csv(rows))
    assert result.report.n_valid == 3 and [i.code for i in result.report.errors] == ["row.nul"]


def test_a_binary_file_is_still_not_a_table():
    assert read_table(b"\x00\x01\x02" * 100, filename="f.csv").issues[0].code == "file.not_a_table"


def test_an_over_wide_row_is_rejected_alone():
    rows = _rows(4)
    rows[0] = rows[0] + ["x"] * (MAX_COLUMNS + 5)
    result = _validate(_csv(rows))
    assert result.report.n_valid == 3 and [i.code for i in result.report.errors] == ["row.too_wide"]


def test_trailing_empty_cells_are_not_width():
    rows = _rows(2)
    rows[0] = rows[0] + [""] * (MAX_COLUMNS * 3)
    assert _validate(_csv(rows)).report.n_valid == 2


def test_an_over_wide_header_refuses_the_file_with_its_width():
    data = (";".join(f"c{i}" for i in range(MAX_COLUMNS + 1)) + "\n1\n").encode()
    issue = read_table(data, filename="f.csv").issues[0]
    assert issue.code == "file.too_large" and issue.found == f"{MAX_COLUMNS + 1} colonnes / columns"


def test_line_breaks_and_controls_in_a_text_cell_become_spaces_with_a_warning():
    rows = _rows(2)
    rows[0][HEADER.index("description")] = "\"Acme\r=cmd|' /C calc'!A0\n\u202eévil\x07\""
    result = _validate(_csv(rows))
    assert result.report.n_valid == 2
    description = result.valid.loc[result.valid["stream_id"] == "S-00001", "description"].iloc[0]
    assert description == "Acme =cmd|' /C calc'!A0 évil"
    codes = {i.code for i in result.report.warnings if i.row == 2}
    assert "description.control_characters" in codes


def test_rows_and_their_batch_are_stored_together_or_not_at_all(sqlite_repo, monkeypatch):
    import symbiosis.db.repository as repository

    def crash(*_args, **_kwargs):
        raise RuntimeError("power cut between the rows and their batch")

    monkeypatch.setattr(repository, "insert_batch", crash)
    with pytest.raises(RuntimeError):
        import_into_registry(sqlite_repo, SYSTEM, firms_bytes=FIRMS)
    assert sqlite_repo.firms(SYSTEM).empty and sqlite_repo.import_batches(SYSTEM).empty


PERMITS = (
    b"id_autorisation;id_entreprise;type_autorisation;reference_autorisation;categories_couvertes\n"
    b"P-1;F-001;Guide MRF;MRF 2024-118;ash_wood_boiler\n"
    b"P-2;F-404;exemption;;ash_wood_boiler\n"
)


def test_permits_and_their_batch_are_stored_together_or_not_at_all(sqlite_repo, monkeypatch):
    import symbiosis.db.repository as repository

    import_into_registry(sqlite_repo, SYSTEM, firms_bytes=FIRMS)
    batches_before = len(sqlite_repo.import_batches(SYSTEM))
    real_insert_batch = repository.insert_batch

    def crash(*_args, **_kwargs):
        raise RuntimeError("power cut between the permits and their batch")

    monkeypatch.setattr(repository, "insert_batch", crash)
    with pytest.raises(RuntimeError):
        import_permits(sqlite_repo, SYSTEM, PERMITS, filename="autorisations.csv")
    assert sqlite_repo.permits(SYSTEM).empty
    assert len(sqlite_repo.import_batches(SYSTEM)) == batches_before

    monkeypatch.setattr(repository, "insert_batch", real_insert_batch)
    result = import_permits(sqlite_repo, SYSTEM, PERMITS, filename="autorisations.csv")
    assert result.report.n_rejected == 1  # F-404 is not in the registry
    assert list(sqlite_repo.permits(SYSTEM)["permit_id"]) == ["P-1"]
    batches = sqlite_repo.import_batches(SYSTEM)
    assert len(batches) == batches_before + 1
    assert "autorisations.csv" in set(batches["source_filename"])
    rejected_only = PERMITS.decode().splitlines()[0] + "\nP-3;F-404;exemption;;*\n"
    nothing = import_permits(sqlite_repo, SYSTEM, rejected_only.encode(), filename="vide.csv")
    assert nothing.report.n_valid == 0  # no valid row: the batch (with its report) is still recorded
    assert len(sqlite_repo.import_batches(SYSTEM)) == batches_before + 2


@pytest.mark.parametrize("name", sorted(_hostile.ALL))
def test_the_hostile_files_of_the_issue_are_answered_at_once_without_losing_the_good_row(name):
    data = _hostile.ALL[name]()
    start = time.perf_counter()
    result = _validate(data, name)
    took = time.perf_counter() - start
    assert took < 10, f"{name}: {took:.1f} s (quadratic work is back: it took minutes before)"
    assert "S-00001" in set(result.valid["stream_id"])  # the valid row of the file is kept
    if "tabs" in name:
        assert [i.code for i in result.report.errors] == ["row.cell_too_long"]


def test_the_hostile_xlsx_is_small_and_refused_in_the_worker_too(sqlite_repo):
    data = _hostile.quantity_tabs_xlsx()
    assert len(data) < 8 * 1024
    batch = import_into_registry(
        sqlite_repo,
        SYSTEM,
        firms_bytes=FIRMS,
        streams_bytes=data,
        streams_filename="q.xlsx",
        time_budget_s=60,
    )
    assert batch.streams.report.n_valid == 1 and batch.streams.report.n_rejected == 1
    assert list(sqlite_repo.streams(SYSTEM)["stream_id"]) == ["S-00001"]


def test_a_budget_that_runs_out_stores_nothing(sqlite_repo):
    from symbiosis.sandbox import BudgetExceeded

    big = _csv(_rows(20_000))
    with pytest.raises(BudgetExceeded):
        import_into_registry(sqlite_repo, SYSTEM, firms_bytes=FIRMS, streams_bytes=big, time_budget_s=0.05)
    assert sqlite_repo.firms(SYSTEM).empty and sqlite_repo.import_batches(SYSTEM).empty


def test_streamlit_refuses_uploads_over_the_importer_cap():
    config = tomllib.loads((Path(__file__).parents[1] / ".streamlit" / "config.toml").read_text("utf-8"))
    assert config["server"]["maxUploadSize"] * 1024 * 1024 == MAX_BYTES


def test_valid_rows_are_the_rows_that_were_valid():
    rows = _rows(6)
    rows[4][HEADER.index("quantite")] = "douze"
    result = _validate(_csv(rows))
    assert list(result.valid["stream_id"]) == ["S-00001", "S-00002", "S-00003", "S-00004", "S-00006"]
    assert isinstance(result.rejected, pd.DataFrame) and list(result.rejected["id_flux"]) == ["S-00005"]
