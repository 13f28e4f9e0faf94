"""The standard-library registry reader gives the repository's frames, under the same access rules."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pandas as pd
import pytest

from symbiosis.cli import main
from symbiosis.db import Actor, Repository
from symbiosis.db.sqlite_read import READ_ERRORS, load_registry, sqlite_file


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    """The bundled sample region (300 firms, 1,092 streams, 69 permits, dates, contacts)."""
    path = tmp_path_factory.mktemp("sample") / "sample.db"
    assert main(["init", "--db", str(path), "--sample"]) == 0
    return path


def _repository_registry(path, actor):
    with Repository.from_url(f"sqlite:///{path}", migrate=False) as repo:
        return repo.load_registry(actor)


def _same(left, right) -> None:
    for name in ("firms", "streams", "permits"):
        a, b = getattr(left, name), getattr(right, name)
        if a is None or b is None:
            assert a is None and b is None, name
            continue
        pd.testing.assert_frame_equal(a, b, check_exact=True, obj=name)


@pytest.mark.parametrize(
    "actor",
    [
        Actor.system("cli"),
        Actor("pm", "program_manager"),
        Actor("adv", "advisor"),
    ],
    ids=["system", "program_manager", "advisor"],
)
def test_the_frames_are_the_repository_frames(sample_db, actor):
    fast = load_registry(sample_db, actor)
    _same(fast, _repository_registry(sample_db, actor))
    assert fast.streams["start_date"].notna().sum() == 11  # dates read as the ORM reads them
    assert len(fast.permits) == 69


def test_a_program_manager_sees_no_contact(sample_db):
    firms = load_registry(sample_db, Actor("pm", "program_manager")).firms
    assert (firms[["contact_name", "contact_email", "contact_phone"]] == "").all().all()
    assert (load_registry(sample_db, Actor.system("cli")).firms["contact_email"] != "").any()


def test_a_firm_reads_its_own_firm_streams_and_permits(sample_db):
    everything = load_registry(sample_db, Actor.system("cli"))
    holder = everything.permits["firm_id"].iloc[0]
    actor = Actor("u1", "firm", holder)
    own = load_registry(sample_db, actor)
    assert set(own.firms["firm_id"]) == {holder}
    assert set(own.streams["firm_id"]) <= {holder}
    assert set(own.permits["firm_id"]) == {holder}
    _same(own, _repository_registry(sample_db, actor))


def test_an_empty_registry_reads_as_empty_frames_without_permits(tmp_path):
    path = tmp_path / "empty.db"
    Repository.from_url(f"sqlite:///{path}").close()
    registry = load_registry(path, Actor.system("cli"))
    assert registry.permits is None and len(registry.firms) == 0 and len(registry.streams) == 0
    _same(registry, _repository_registry(path, Actor.system("cli")))


def test_a_registry_not_yet_migrated_to_the_return_temperature_reads_with_it_empty(tmp_path):
    # `symbiosis match` reads the file read-only, never migrating it: a registry written before
    # 0007 must still be matched, each use taking its category's return temperature
    from alembic import command

    from symbiosis.db import make_engine
    from symbiosis.db.migrate import alembic_config
    from tests._registry_helpers import firm, stream

    path, system = tmp_path / "old.db", Actor.system("cli")
    with Repository.from_url(f"sqlite:///{path}") as repo:
        repo.upsert_firms(system, pd.DataFrame([firm("F1", "Serres du Lac", "Alma", 48.55, -71.65)]))
        repo.upsert_streams(system, pd.DataFrame([stream("S1", "F1", "demand", "wood_chips", 10.0)]))
    engine, config = make_engine(f"sqlite:///{path}"), alembic_config()
    try:
        with engine.connect() as connection:
            config.attributes["connection"] = connection
            command.downgrade(config, "0006_session_drafts")
            connection.commit()
    finally:
        engine.dispose()
    columns = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(streams)")}
    assert "return_temperature_c" not in columns and "min_temperature_c" in columns
    registry = load_registry(path, system)
    assert registry.streams["stream_id"].tolist() == ["S1"]
    assert registry.streams["return_temperature_c"].isna().all()


def test_a_file_that_is_not_a_registry_raises_a_read_error_and_is_left_alone(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database")
    with pytest.raises(READ_ERRORS):
        load_registry(bad, Actor.system("cli"))
    assert bad.read_bytes() == b"this is not a database"
    unmigrated = tmp_path / "plain.db"
    sqlite3.connect(unmigrated).execute("CREATE TABLE firms (firm_id TEXT)").connection.close()
    with pytest.raises(sqlite3.OperationalError):
        load_registry(unmigrated, Actor.system("cli"))
    missing = tmp_path / "missing.db"
    with pytest.raises(READ_ERRORS):
        load_registry(missing, Actor.system("cli"))
    assert not missing.exists()  # opened read-only: never created


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///data/r.db", "data/r.db"),
        ("sqlite:////abs/r.db", "/abs/r.db"),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("sqlite:///file:r.db?mode=ro&uri=true", None),
        ("sqlite:///r.db?timeout=3", None),
        ("postgresql+psycopg://u:p@h/db", None),
    ],
)
def test_only_plain_sqlite_files_are_read_directly(url, expected):
    found = sqlite_file(url)
    assert (None if found is None else str(found)) == expected


def test_reading_imports_neither_sqlalchemy_nor_the_models(sample_db):
    probe = (
        "import sys\nfrom symbiosis.db import Actor\nfrom symbiosis.db.sqlite_read import load_registry\n"
        f"load_registry({str(sample_db)!r}, Actor.system('cli'))\n"
        "print(sorted(m for m in ('sqlalchemy', 'symbiosis.db.models', 'symbiosis.db.repository') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_package_still_gives_its_public_names():
    import symbiosis.db as db
    from symbiosis.db import migrate
    from symbiosis.db.migrate import migrate as migrate_function

    assert migrate is migrate_function and db.migrate is migrate_function  # the function, not the module
    assert set(db.__all__) <= set(dir(db))
    with pytest.raises(AttributeError):
        db.no_such_name  # noqa: B018
