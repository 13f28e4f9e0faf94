"""Shared set-up of the app's headless tests: a small registry database and its baseline run."""

from __future__ import annotations

import shutil
from pathlib import Path

from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor, Repository
from symbiosis.engine.config import MatchConfig
from symbiosis.pipeline import run
from symbiosis.registry import Registry
from symbiosis.results import MatchResult
from symbiosis.sample import generate_streams_canonical

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


def build_template(folder: Path, reader: Actor) -> tuple[Path, Registry, MatchResult]:
    """Write a 240-stream sample registry in ``folder``; return it as ``reader`` sees it and its run."""
    path = folder / "registry.db"
    reg = generate_streams_canonical(n_streams=240, territory="slsj", seed=7)
    with Repository.from_url(f"sqlite:///{path}") as repo:
        system = Actor.system("test")
        repo.upsert_firms(system, reg.firms)
        repo.upsert_streams(system, reg.streams)
        loaded = repo.load_registry(reader)
    return path, loaded, run(loaded, MatchConfig())


def use_copy(template_db: Path, tmp_path: Path, monkeypatch) -> Path:
    """Point the app at a fresh copy of ``template_db`` (tests may write to it)."""
    path = tmp_path / "registry.db"
    shutil.copy(template_db, path)
    return point_app_at(path, monkeypatch)


def point_app_at(db_path: Path, monkeypatch) -> Path:
    """Make the app read the SQLite registry at ``db_path`` (and not $DATABASE_URL)."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SYMBIOSIS_DB", str(db_path))
    return db_path


def run_page(page: str, actor: Actor | None, lang: str = "fr", *, timeout_s: float = 60) -> AppTest:
    """Run one page file of ``app_pages/`` headless as ``actor`` (``None``: not signed in)."""
    at = AppTest.from_file(str(ROOT / "app_pages" / page), default_timeout=timeout_s)
    at.session_state["lang"] = lang
    if actor is not None:
        at.session_state["actor"] = actor
    return at.run()


def run_via_navigation(page: str, actor: Actor | None, lang: str = "fr", *, timeout_s: float = 60) -> AppTest:
    """Run ``app.py`` as ``actor`` and switch to ``app_pages/<page>`` through the navigation."""
    at = AppTest.from_file(APP, default_timeout=timeout_s)
    at.session_state["lang"] = lang
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    return at.switch_page(f"app_pages/{page}").run()


def write_tiny_template(folder: Path) -> Path:
    """Write the tiny two-firm registry (``tests._registry_helpers.tiny_registry``) in ``folder``."""
    from tests._registry_helpers import tiny_registry

    path = folder / "template.db"
    with Repository.from_url(f"sqlite:///{path}") as repo:
        system = Actor.system("test")
        reg = tiny_registry()
        repo.upsert_firms(system, reg.firms)
        repo.upsert_streams(system, reg.streams)
    return path


def open_copy(template_db: Path, tmp_path: Path, monkeypatch):
    """Point the app at a fresh copy of ``template_db`` and yield a repository on it (a fixture body)."""
    path = use_copy(template_db, tmp_path, monkeypatch)
    with Repository.from_url(f"sqlite:///{path}", migrate=False) as repo:
        yield repo


def tiny_repo_fixtures(folder: str):
    """The two fixtures a page module on the tiny registry needs: ``template_db`` (written once per
    module in ``folder``) and ``repo`` (a fresh copy per test, the app pointed at it).

    ``template_db, repo = tiny_repo_fixtures("firm_place")`` at module level registers both.
    """
    import pytest

    @pytest.fixture(scope="module")
    def template_db(tmp_path_factory) -> Path:
        return write_tiny_template(tmp_path_factory.mktemp(folder))

    @pytest.fixture
    def repo(template_db, tmp_path, monkeypatch):
        yield from open_copy(template_db, tmp_path, monkeypatch)

    return template_db, repo


def run_file(path: str, actor: Actor | None, lang: str = "fr", *, firm: str | None = None) -> AppTest:
    """Run one page file headless as ``actor`` (``firm``: the ``?firm=`` of its address)."""
    at = AppTest.from_file(path, default_timeout=30)
    at.session_state["lang"] = lang
    if actor is not None:
        at.session_state["actor"] = actor
    if firm is not None:
        at.query_params["firm"] = firm
    return at.run()
