"""``symbiosis sample``: writes the three files, reports counts, refuses nonsense."""

from __future__ import annotations

import json

import pandas as pd

from symbiosis.cli import main


def test_writes_firms_streams_and_readme(tmp_path, capsys):
    out = tmp_path / "region"
    assert main(["sample", "--out", str(out), "--firms", "30", "--seed", "4", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["firms"] == 30 and result["streams"] > 30
    firms = pd.read_csv(out / "firms.csv", dtype=str, keep_default_na=False)
    streams = pd.read_csv(out / "streams.csv", dtype=str, keep_default_na=False)
    assert len(firms) == 30 and len(streams) == result["streams"]
    readme = (out / "README.md").read_text(encoding="utf-8")
    assert "--firms 30 --seed 4" in readme and "GeoNames" in readme
    assert (out / "streams.csv").read_bytes().decode("utf-8")  # UTF-8


def test_plain_output_and_bad_count(tmp_path, capsys):
    assert main(["sample", "--out", str(tmp_path), "--firms", "12"]) == 0
    assert "12" in capsys.readouterr().out
    assert main(["sample", "--out", str(tmp_path), "--firms", "0"]) == 2
