"""The ``db_url`` fixture skips PostgreSQL without a server, and fails instead when CI requires it."""

from __future__ import annotations

from pathlib import Path

import pytest

_INNER_TEST = "def test_uses_db(db_url):\n    assert db_url\n"


@pytest.mark.parametrize(
    ("require", "outcome"), [("", {"passed": 1, "skipped": 1}), ("1", {"passed": 1, "errors": 1})]
)
def test_missing_postgres_skips_or_fails(pytester, monkeypatch, require, outcome):
    monkeypatch.delenv("DATABASE_URL_TEST", raising=False)
    monkeypatch.setenv("SYMBIOSIS_REQUIRE_SERVICES", require)
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text("utf-8"))
    pytester.makepyfile(test_inner=_INNER_TEST)
    result = pytester.runpytest_inprocess("-p", "no:cacheprovider", "-o", "addopts=")
    result.assert_outcomes(**outcome)
    if require:
        result.stdout.fnmatch_lines(["*SYMBIOSIS_REQUIRE_SERVICES=1 but DATABASE_URL_TEST is not set*"])
