"""Repository round-trips and writes, on SQLite and on PostgreSQL (``db_url`` runs both)."""

from __future__ import annotations

import datetime as dt
import threading

import numpy as np
import pandas as pd
import pytest
from sqlalchemy.exc import IntegrityError

from symbiosis.db import NotFound, Repository
from symbiosis.db.accounts import AccountRepository
from symbiosis.registry import Registry
from symbiosis.schemas import FIRMS, STREAMS, SchemaError, validate_frame


def _assert_frames_equal(left: pd.DataFrame, right: pd.DataFrame, schema) -> None:
    """Equal values column by column (str as text, NaN == NaN, dates as days)."""
    key = list(schema.key)
    left = left.sort_values(key).reset_index(drop=True)
    right = right.sort_values(key).reset_index(drop=True)
    for col in schema.columns:
        a, b = left[col.name], right[col.name]
        if col.dtype == "str":
            assert a.fillna("").astype(str).tolist() == b.fillna("").astype(str).tolist(), col.name
        elif col.dtype == "datetime":
            assert pd.to_datetime(a).tolist() == pd.to_datetime(b).tolist(), col.name
        else:
            np.testing.assert_array_equal(a.to_numpy(), b.to_numpy(), err_msg=col.name)


@pytest.fixture
def rich_streams(make_streams, stream_row) -> pd.DataFrame:
    """Streams exercising every type: NaN and values, dates, bools, masks, unicode, 0.1-style floats."""
    return make_streams(
        stream_row(
            "S-1",
            "F1",
            "supply",
            description="Sciure de résineux « humide », 45 % d'eau",
            moisture_pct=45.0,
            temperature_c=-12.5,
            hazardous=True,
            waste_code="030105",
            density_t_per_m3=0.25,
            density_source="declared",
            months_mask=0b0000_1111_0000,
            availability="seasonal",
            disposal_cost_cad_per_unit=0.1 + 0.2,
        ),
        stream_row(
            "S-2",
            "F1",
            "demand",
            kind="energy",
            category_id="heat_low",
            quantity_unit="MWh/yr",
            mass_t_per_yr=float("nan"),
            availability="one_off",
            months_mask=0,
            start_date=pd.Timestamp("2026-06-01"),
            end_date=pd.Timestamp("2026-08-31"),
            purchase_price_cad_per_unit=1e-9,
            max_distance_km=80.0,
            min_lot_per_yr=12.5,
            temperature_c=55.0,
            return_temperature_c=22.5,  # the firm's own loop (NaN on the others: the category's)
        ),
        stream_row(
            "S-3",
            "F2",
            "supply",
            quality_notes="ÉÀÇ — œuvre ✓",
            purity_pct=99.999,
            quantity_per_yr=0.0,
            mass_t_per_yr=0.0,
        ),
    )


@pytest.fixture
def firms_f1_f2(make_firms, firm_row) -> pd.DataFrame:
    return make_firms(
        firm_row(
            "F1",
            "Scierie Péribonka ltée",
            park_id="parc-alma",
            accepts_hazardous=True,
            lat=48.883_123_456_789,
            lon=-72.231_987_654_321,
        ),
        firm_row(
            "F2",
            "Serres Boréales",
            contact_name="",
            contact_email="",
            contact_phone="",
            confidentiality="confidential",
            coord_source="municipality",
        ),
    )


def test_firms_round_trip(repo, system, firms_f1_f2):
    assert repo.upsert_firms(system, firms_f1_f2) == 2
    back = repo.firms(system)
    assert validate_frame(back, FIRMS) == []
    assert list(back.columns) == FIRMS.names
    assert back["accepts_hazardous"].dtype == bool and back["lat"].dtype == "float64"
    assert pd.api.types.is_string_dtype(back["firm_id"])
    _assert_frames_equal(back, firms_f1_f2, FIRMS)
    assert back.loc[back.firm_id == "F1", "name"].item() == "Scierie Péribonka ltée"


def test_streams_round_trip(repo, system, firms_f1_f2, rich_streams):
    repo.upsert_firms(system, firms_f1_f2)
    assert repo.upsert_streams(system, rich_streams) == 3
    back = repo.streams(system)
    assert validate_frame(back, STREAMS) == []
    assert list(back.columns) == STREAMS.names
    assert back["months_mask"].dtype == "int64" and back["hazardous"].dtype == bool
    assert back["start_date"].dtype == "datetime64[ns]"
    _assert_frames_equal(back, rich_streams, STREAMS)
    s1 = back.set_index("stream_id").loc["S-1"]
    assert s1["disposal_cost_cad_per_unit"] == 0.1 + 0.2  # exact double, not 0.3
    assert np.isnan(s1["purity_pct"]) and s1["months_mask"] == 0b0000_1111_0000


def test_empty_database_reads_typed_empty_frames(repo, system):
    firms, streams = repo.firms(system), repo.streams(system)
    assert firms.empty and list(firms.columns) == FIRMS.names
    assert streams["months_mask"].dtype == "int64" and streams["hazardous"].dtype == bool
    assert validate_frame(streams, STREAMS) == []


def test_upsert_updates_and_skips_unchanged(repo, system, firms_f1_f2, rich_streams):
    repo.upsert_firms(system, firms_f1_f2)
    repo.upsert_streams(system, rich_streams)
    assert repo.upsert_streams(system, rich_streams) == 0  # same file again: nothing written
    changed = rich_streams.copy()
    changed.loc[changed.stream_id == "S-3", "quantity_per_yr"] = 42.0
    assert repo.upsert_streams(system, changed) == 1
    back = repo.streams(system).set_index("stream_id")
    assert back.loc["S-3", "quantity_per_yr"] == 42.0 and len(back) == 3
    update = repo.audit(system, table="streams", row_key="S-3", action="update").iloc[0]
    assert update["before"] == {"quantity_per_yr": 0.0} and update["after"] == {"quantity_per_yr": 42.0}


def test_upsert_updates_different_columns_of_different_rows(repo, system, firms_f1_f2, rich_streams):
    repo.upsert_firms(system, firms_f1_f2)
    repo.upsert_streams(system, rich_streams)
    changed = rich_streams.set_index("stream_id")
    changed.loc["S-1", "description"] = "Sciure sèche"
    changed.loc["S-2", ["quantity_per_yr", "end_date"]] = [99.0, pd.Timestamp("2026-09-30")]
    changed.loc["S-3", "hazardous"] = True
    new_row = rich_streams.iloc[[0]].assign(stream_id="S-4")
    frame = pd.concat([changed.reset_index(), new_row], ignore_index=True)
    assert repo.upsert_streams(system, frame) == 4
    _assert_frames_equal(repo.streams(system), frame, STREAMS)
    after = repo.audit(system, action="update").set_index("row_key")["after"]
    assert after["S-2"] == {"quantity_per_yr": 99.0, "end_date": "2026-09-30"}
    assert after["S-3"] == {"hazardous": True}


def test_invalid_frame_is_refused_before_any_write(repo, system, firms_f1_f2, rich_streams):
    repo.upsert_firms(system, firms_f1_f2)
    bad = rich_streams.copy()
    bad.loc[0, "direction"] = "sideways"
    with pytest.raises(SchemaError, match="direction"):
        repo.upsert_streams(system, bad)
    assert repo.streams(system).empty


def test_non_boolean_flags_are_refused(repo, system, firms_f1_f2):
    bad = firms_f1_f2.astype({"accepts_hazardous": object})
    bad.loc[0, "accepts_hazardous"] = "oui"
    with pytest.raises(SchemaError, match="accepts_hazardous"):
        repo.upsert_firms(system, bad)


def test_stream_of_unknown_firm_is_refused_and_nothing_is_written(
    repo, system, firms_f1_f2, make_streams, stream_row
):
    repo.upsert_firms(system, firms_f1_f2)
    frame = make_streams(stream_row("ok", "F1"), stream_row("orphan", "NOPE"))
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"):
        repo.upsert_streams(system, frame)
    assert repo.streams(system).empty  # all or nothing: "ok" was rolled back too
    assert repo.audit(system, table="streams").empty


def test_delete_firm_cascades_to_streams_and_users(repo, system, firms_f1_f2, rich_streams):
    repo.upsert_firms(system, firms_f1_f2)
    repo.upsert_streams(system, rich_streams)
    AccountRepository(repo).create_account(system, "f1-user", "correct horse", "firm", "F1")
    repo.delete_firm(system, "F1")
    assert repo.firms(system).firm_id.tolist() == ["F2"]
    assert repo.streams(system).stream_id.tolist() == ["S-3"]
    assert repo.users(system).empty
    deleted = repo.audit(system, action="delete")
    assert sorted(deleted.row_key) == ["F1", "S-1", "S-2", "f1-user"]
    assert all("password_hash" not in (b or {}) for b in deleted.before)
    with pytest.raises(NotFound):
        repo.delete_firm(system, "F1")


def test_update_and_delete_stream(repo, system, firms_f1_f2, rich_streams):
    repo.upsert_firms(system, firms_f1_f2)
    repo.upsert_streams(system, rich_streams)
    assert repo.update_stream(system, "S-3", quantity_per_yr=7.5, end_date=dt.date(2027, 1, 31))
    assert not repo.update_stream(system, "S-3", quantity_per_yr=7.5)
    row = repo.streams(system).set_index("stream_id").loc["S-3"]
    assert row["quantity_per_yr"] == 7.5 and row["end_date"] == pd.Timestamp("2027-01-31")
    with pytest.raises(SchemaError):
        repo.update_stream(system, "S-3", months_mask=-1)
    with pytest.raises(ValueError, match="cannot update"):
        repo.update_stream(system, "S-3", colour="blue")
    repo.delete_stream(system, "S-3")
    assert "S-3" not in repo.streams(system).stream_id.tolist()
    with pytest.raises(NotFound):
        repo.delete_stream(system, "S-3")
    assert repo.audit(system, row_key="S-3").action.tolist() == ["delete", "update", "insert"]


def test_stream_filters(repo, system, firms_f1_f2, rich_streams):
    repo.upsert_firms(system, firms_f1_f2)
    repo.upsert_streams(system, rich_streams)
    assert repo.streams(system, firm_id="F1").stream_id.tolist() == ["S-1", "S-2"]
    assert repo.streams(system, direction="supply").stream_id.tolist() == ["S-1", "S-3"]
    with pytest.raises(ValueError, match="direction"):
        repo.streams(system, direction="both")


def test_load_registry(repo, system, firms_f1_f2, rich_streams):
    repo.upsert_firms(system, firms_f1_f2)
    repo.upsert_streams(system, rich_streams)
    registry = repo.load_registry(system)
    assert isinstance(registry, Registry)
    assert registry.supplies.stream_id.tolist() == ["S-1", "S-3"]
    assert registry.supplies.loc[0, "accepts_hazardous"]


def test_record_import(repo, system, firms_f1_f2):
    batch = repo.record_import(
        system,
        source_filename="flux_2026.xlsx",
        accepted=12,
        rejected=3,
        report={"rows": [{"row": 4, "column": "quantité", "found": "beaucoup"}]},
    )
    batches = repo.import_batches(system)
    assert batches.batch_id.tolist() == [batch]
    assert batches.loc[0, "report"]["rows"][0]["found"] == "beaucoup"
    assert batches.loc[0, "created_at"].tzinfo is not None
    with pytest.raises(ValueError):
        repo.record_import(
            system, source_filename="x.csv", accepted=0, rejected=0, report={"x": float("nan")}
        )


def test_bulk_upsert_of_many_streams(repo, system, make_firms, firm_row, make_streams, stream_row):
    repo.upsert_firms(system, make_firms(*(firm_row(f"F{i}", f"Firme {i}") for i in range(20))))
    streams = make_streams(
        *(stream_row(f"S{i:05d}", f"F{i % 20}", quantity_per_yr=float(i)) for i in range(3000))
    )
    assert repo.upsert_streams(system, streams) == 3000
    back = repo.streams(system)
    assert len(back) == 3000 and back.quantity_per_yr.sum() == sum(range(3000))
    assert len(repo.audit(system, action="insert", limit=None)) == 3020


def test_from_url_creates_folder_and_is_idempotent(tmp_path, system, firms_f1_f2):
    url = f"sqlite:///{tmp_path / 'nested' / 'data' / 'x.db'}"
    with Repository.from_url(url) as repo:
        repo.upsert_firms(system, firms_f1_f2)
    with Repository.from_url(url) as repo:  # second open: migration is a no-op, data kept
        assert len(repo.firms(system)) == 2
    assert (tmp_path / "nested" / "data" / "x.db").exists()


def test_concurrent_writers_and_readers_all_succeed(repo, system, firms_f1_f2, make_streams, stream_row):
    """Writers queue on the write lock (BEGIN IMMEDIATE + busy_timeout) instead of failing."""
    repo.upsert_firms(system, firms_f1_f2)
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for i in range(3):
                frame = make_streams(stream_row(f"W{worker}-{i}", f"F{1 + worker % 2}"))
                repo.upsert_streams(system, frame)
                repo.update_stream(system, f"W{worker}-{i}", quantity_per_yr=float(i))
                repo.streams(system, firm_id=f"F{1 + worker % 2}")
        except BaseException as exc:  # collected and re-raised by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(repo.streams(system)) == 9
    assert len(repo.audit(system, table="streams", limit=None)) == 18
