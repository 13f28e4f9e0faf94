"""The registry location: --db wins, then DATABASE_URL, then SYMBIOSIS_DB, then the default file."""

from symbiosis.settings import DEFAULT_DB, database_url


def test_precedence(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SYMBIOSIS_DB", raising=False)
    assert database_url() == f"sqlite:///{DEFAULT_DB}"
    monkeypatch.setenv("SYMBIOSIS_DB", "/tmp/a.db")
    assert database_url() == "sqlite:////tmp/a.db"
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"
    assert database_url("b.db") == "sqlite:///b.db"
    assert database_url("sqlite:///c.db") == "sqlite:///c.db"


def test_print_json_is_strict_json(capsys):
    import json

    import numpy as np

    from symbiosis.commands._common import print_json

    print_json({"a": float("nan"), "b": [np.float64(1.5), np.int64(2), float("inf")], "c": "é"})
    out = capsys.readouterr().out
    assert json.loads(out) == {"a": None, "b": [1.5, 2, None], "c": "é"}
    assert "é" in out
