"""Shared fixtures: database URLs (SQLite always, PostgreSQL when configured), a repository, two firms.

``db_url`` is parametrised over ``sqlite`` (a file in ``tmp_path``) and ``postgres``. The PostgreSQL
case uses ``DATABASE_URL_TEST`` (written by ``scripts/test-services.sh``) and gives each test a fresh
schema, dropped afterwards, so that runs in parallel do not see each other. Without a server the
PostgreSQL case is skipped, unless ``SYMBIOSIS_REQUIRE_SERVICES=1`` (CI, ``make test``), where it
fails: a missing service cannot pass silently.
"""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from symbiosis.db import Actor, Repository
from symbiosis.schemas import FIRMS, STREAMS
from tests._registry_helpers import stream

pytest_plugins = ["pytester"]  # tests/test_db_fixtures.py runs this conftest in an inner session

PG_SKIP = "PostgreSQL not available: set DATABASE_URL_TEST or run scripts/test-services.sh"


def _unavailable(reason: str) -> None:
    if os.environ.get("SYMBIOSIS_REQUIRE_SERVICES") == "1":
        pytest.fail(f"SYMBIOSIS_REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(PG_SKIP)


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The ``DATABASE_URL_TEST`` server, checked once per session (skip or fail when absent)."""
    url = os.environ.get("DATABASE_URL_TEST", "")
    if not url:
        _unavailable("DATABASE_URL_TEST is not set")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except OperationalError as exc:
        _unavailable(f"PostgreSQL at DATABASE_URL_TEST does not answer: {exc.orig}")
    finally:
        engine.dispose()
    return url


@pytest.fixture
def postgres_url(postgres_server_url: str) -> Iterator[str]:
    """A URL on a fresh, empty schema of the test server (dropped after the test)."""
    schema = f"symbiosis_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_server_url)
    quoted = admin.dialect.identifier_preparer.quote_identifier(schema)
    with admin.begin() as conn:
        conn.exec_driver_sql("CREATE SCHEMA " + quoted)
    url = make_url(postgres_server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.exec_driver_sql("SET LOCAL lock_timeout = '10s'")
            conn.exec_driver_sql("DROP SCHEMA " + quoted + " CASCADE")
        admin.dispose()


@pytest.fixture
def postgres_app_url(postgres_url: str) -> str:
    """The app role's URL (``DATABASE_APP_URL_TEST``: a role that owns nothing) on ``postgres_url``'s schema.

    Migrate with ``Repository.from_url(app_url, owner_url=postgres_url)``: the owner migrates and
    grants the app role what the app needs.
    """
    app = os.environ.get("DATABASE_APP_URL_TEST", "")
    if not app:
        _unavailable("DATABASE_APP_URL_TEST is not set (scripts/test-services.sh creates the app role)")
    options = make_url(postgres_url).query["options"]
    return make_url(app).update_query_dict({"options": options}).render_as_string(hide_password=False)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashes() -> Iterator[None]:
    """scrypt at a test cost in this process (the OWASP cost is checked in tests/test_reliability_signin.py).

    Every fixture that creates an account would otherwise spend 0.3 s of CPU on it; processes the
    tests start (the CLI, the app in a browser) keep the real cost.
    """
    from symbiosis.db import passwords

    default = passwords.DEFAULT_PARAMS
    passwords.DEFAULT_PARAMS = passwords.ScryptParams(2**10, 8, 1)
    yield
    passwords.DEFAULT_PARAMS = default


@pytest.fixture(autouse=True, scope="session")
def _server_secret(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One server secret for the session's non-SQLite registries (never the user's config folder)."""
    path = tmp_path_factory.mktemp("secret") / "server.secret"
    previous = os.environ.get("SYMBIOSIS_SECRET_FILE")
    if previous is None:
        os.environ["SYMBIOSIS_SECRET_FILE"] = str(path)
    yield
    if previous is None:
        os.environ.pop("SYMBIOSIS_SECRET_FILE", None)


#: The registry ``make run`` serves (``symbiosis.settings.DEFAULT_DB`` under the checkout).
CHECKOUT_REGISTRY = Path(__file__).resolve().parents[1] / "data" / "symbiosis.db"


def _stamp(path: Path) -> tuple[int, int] | None:
    return (path.stat().st_mtime_ns, path.stat().st_size) if path.exists() else None


#: The checkout's registry before anything is collected (importing a module could open it).
_REGISTRY_BEFORE = _stamp(CHECKOUT_REGISTRY)


@pytest.fixture(autouse=True, scope="session")
def _default_registry_outside_the_checkout(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """``SYMBIOSIS_DB`` in a session folder unless the run sets it: a test that opens the default
    registry would otherwise create an empty ``data/symbiosis.db`` in the checkout, which ``make run``
    then serves instead of building the sample (the demo accounts no longer sign in). The session fails
    if the checkout's registry was created or changed anyway."""
    previous = os.environ.get("SYMBIOSIS_DB")
    if previous is None:
        os.environ["SYMBIOSIS_DB"] = str(tmp_path_factory.mktemp("default-registry") / "symbiosis.db")
    yield
    if previous is None:
        os.environ.pop("SYMBIOSIS_DB", None)
    if _stamp(CHECKOUT_REGISTRY) != _REGISTRY_BEFORE:
        pytest.fail(f"a test created or changed the checkout's registry {CHECKOUT_REGISTRY}", pytrace=False)


@pytest.fixture(autouse=True, scope="session")
def _knowledge_base_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The knowledge base's disk cache in a session folder (never the user's cache folder); the
    processes the tests start inherit it."""
    previous = os.environ.get("SYMBIOSIS_CACHE_DIR")
    if previous is None:
        os.environ["SYMBIOSIS_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if previous is None:
        os.environ.pop("SYMBIOSIS_CACHE_DIR", None)


#: This process's own ``__main__`` (pytest's, or an xdist worker's), as collection found it.
_REAL_MAIN = sys.modules["__main__"]


@pytest.fixture(autouse=True)
def _main_module_restored() -> Iterator[None]:
    """Put this process's ``__main__`` back after each test.

    Streamlit's script runner installs the page it runs as ``sys.modules["__main__"]`` and leaves it
    there (``AppTest`` runs pages in this process). A process started later with the *spawn* method —
    a Dask worker of ``tests/test_scaleout_cluster.py``, a sandboxed import — re-runs the parent's
    ``__main__`` file first: the last page a test ran, without a session, which crashed the worker
    ("Nanny failed to start worker process") whenever that module ran after a page test in the same
    process.
    """
    yield
    sys.modules["__main__"] = _REAL_MAIN


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """URL of an empty database: an SQLite file in ``tmp_path``, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def repo(db_url: str) -> Iterator[Repository]:
    """A repository on a migrated, empty database (each dialect of ``db_url``)."""
    repository = Repository.from_url(db_url)
    try:
        yield repository
    finally:
        repository.close()


@pytest.fixture
def system() -> Actor:
    """The command-line actor (reads and writes everything)."""
    return Actor.system("pytest")


def _firm_row(firm_id: str, name: str, **over: Any) -> dict[str, Any]:
    """One FIRMS row with defaults (personal information filled, to test its blanking)."""
    row = dict(
        firm_id=firm_id,
        name=name,
        scian_code="321114",
        park_id="",
        municipality="Alma",
        lat=48.55,
        lon=-71.65,
        coord_source="declared",
        contact_name="Jeanne Tremblay",
        contact_email="jt@example.org",
        contact_phone="418-555-0101",
        accepts_hazardous=False,
        confidentiality="members",
    )
    row.update(over)
    return row


def _stream_row(stream_id: str, firm_id: str, direction: str = "supply", **over: Any) -> dict[str, Any]:
    """One STREAMS row with defaults: 1 200,5 t/yr of sawdust, typed as a firm would (see
    :func:`tests._registry_helpers.stream`, the one place the defaults are written)."""
    over = {"quantity_as_typed": "1 200,5", "category_score": float("nan"), **over}
    return stream(stream_id, firm_id, direction, over.pop("category_id", "wood_sawdust"), 1200.5, **over)


@pytest.fixture
def firm_row() -> Callable[..., dict[str, Any]]:
    """Factory: ``firm_row(firm_id, name, **over)`` → one valid FIRMS row."""
    return _firm_row


@pytest.fixture
def stream_row() -> Callable[..., dict[str, Any]]:
    """Factory: ``stream_row(stream_id, firm_id, direction="supply", **over)`` → one valid STREAMS row."""
    return _stream_row


@pytest.fixture
def make_firms() -> Callable[..., pd.DataFrame]:
    """Factory: ``make_firms(row, ...)`` → a FIRMS frame from :func:`_firm_row` dicts."""
    return lambda *rows: pd.DataFrame(list(rows), columns=FIRMS.names)


@pytest.fixture
def make_streams() -> Callable[..., pd.DataFrame]:
    """Factory: ``make_streams(row, ...)`` → a STREAMS frame from :func:`_stream_row` dicts."""
    return lambda *rows: pd.DataFrame(list(rows), columns=STREAMS.names)


@pytest.fixture
def two_firms(repo: Repository, system: Actor, make_firms, make_streams) -> SimpleNamespace:
    """Two firms (A: a sawmill, B: a greenhouse) with two streams each, and an actor per role."""
    repo.upsert_firms(
        system,
        make_firms(
            _firm_row("A", "Scierie Péribonka ltée"),
            _firm_row("B", "Serres Boréales", contact_name="Luc Gagnon"),
        ),
    )
    repo.upsert_streams(
        system,
        make_streams(
            _stream_row("A-1", "A", "supply"),
            _stream_row("A-2", "A", "demand", category_id="heat_low"),
            _stream_row("B-1", "B", "demand"),
            _stream_row("B-2", "B", "supply", category_id="organic_waste"),
        ),
    )
    return SimpleNamespace(
        repo=repo,
        system=system,
        a=Actor("alice", "firm", "A"),
        b=Actor("bruno", "firm", "B"),
        advisor=Actor("adele", "advisor"),
        manager=Actor("marc", "program_manager"),
    )
