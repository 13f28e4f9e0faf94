"""The registry location: --db wins, then DATABASE_URL, then SYMBIOSIS_DB, then the default file."""

from pathlib import Path

import pytest

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


def test_the_sample_registrys_server_secret_is_never_committed(monkeypatch):
    """``make run`` writes the secret beside ``data/symbiosis.db``: git must ignore both."""
    import shutil
    import subprocess

    from symbiosis.settings import secret_file

    monkeypatch.delenv("SYMBIOSIS_SECRET_FILE", raising=False)
    root = Path(__file__).resolve().parents[1]
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    secret = secret_file(f"sqlite:///{root / 'data' / 'symbiosis.db'}")
    assert secret is not None and secret.name == "symbiosis.db.secret"
    for path in (root / "data" / "symbiosis.db", secret):
        ignored = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=root, check=False)
        assert ignored.returncode == 0, f"{path.relative_to(root)} is not ignored by .gitignore"
