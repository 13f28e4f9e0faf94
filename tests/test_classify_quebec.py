"""The classifier on 240 Québec declarations written by someone who never saw it.

The declarations are in ``tests/data/classification_quebec``.

The split was frozen before the first run (SHA-256 of the id); words were added looking at the tune
half only, the held-back half was measured once after (2026-12-07: top-1 85.0 %, top-3 97.2 %; the
code of the session's start gave 85.0 % / 96.3 %), and a second time after the trade terms written
without sight of it (88.8 % / 97.2 %). The floors sit just below the recorded figures:
a change that loses two held-back rows fails here and must be weighed in docs/match-quality.md.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest

from symbiosis.evaluation.declarations import (
    accuracy_table,
    classify_declarations,
    is_held_back,
    read_declarations,
)

FOLDER = Path(__file__).resolve().parent / "data" / "classification_quebec"
FROZEN_SHA256 = "7d1441f67acf240fca7703cc2634e7644fdbe90bba5addff97fb591f07425039"


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    scored = classify_declarations(read_declarations(FOLDER / "declarations.csv"))
    return accuracy_table(scored).set_index(["split", "group"])


def test_the_file_and_its_split_are_the_frozen_ones():
    data = (FOLDER / "declarations.csv").read_bytes()
    assert hashlib.sha256(data).hexdigest() == FROZEN_SHA256  # relabelling a row is a new yardstick
    assert FROZEN_SHA256 in (FOLDER / "README.md").read_text(encoding="utf-8")
    frame = read_declarations(FOLDER / "declarations.csv")
    assert frame["split"].value_counts().to_dict() == {"tune": 133, "holdout": 107}
    by_hand = int(hashlib.sha256(b"QC001").hexdigest(), 16) % 2 == 1
    assert is_held_back("QC001") is by_hand


@pytest.mark.parametrize(
    ("split", "group", "top1", "top3"),
    [
        ("holdout", "all", 0.87, 0.95),
        ("holdout", "fr", 0.86, 0.95),
        ("holdout", "en", 0.87, 0.94),
        ("tune", "all", 0.90, 0.93),
    ],
)
def test_accuracy_stays_above_its_floor(table, split, group, top1, top3):
    row = table.loc[(split, group)]
    assert row["top1"] >= top1 and row["top3"] >= top3, row.to_dict()


HEADER = "decl_id,lang,direction,unit,temperature_c,waste_code,description,category_id\n"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "decl_id,lang,direction,unit,description\nX1,fr,supply,t/an,Sciure\n",
            "colonnes manquantes / missing columns: temperature_c",
        ),
        (
            HEADER + "X1,fr,supply,t/an,,,Sciure,wood_sawdust\nX1,fr,supply,t/an,,,Écorces,bark\n",
            "repeated ids: X1",
        ),
        (
            HEADER + "X1,fr,supply,t/an,,,Sciure,wood_sawdust\nX2,fr,supply,t/an,,,Écorces,\n",
            "empty “category_id” on rows 3",
        ),
    ],
)
def test_a_malformed_file_is_refused_in_both_languages(tmp_path, text, message):
    path = tmp_path / "labelled.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        read_declarations(path)


def test_the_evaluate_command_measures_a_regions_labelled_declarations(capsys, tmp_path):
    """``symbiosis evaluate --declarations FILE``: an advisor measures the classifier on their own
    region's labelled declarations without Python; a malformed file is refused with exit code 2."""
    import json

    from symbiosis.cli import main

    path = tmp_path / "labelled.csv"
    path.write_text(
        HEADER
        + "A1,fr,supply,t/an,,,Retailles d'acier,ferrous_scrap\n"
        + "A2,fr,supply,t/an,,,Écorces de sapin,wood_bark\n"
        + "A3,en,demand,t/yr,,,zzz qqq,wood_chips\n",
        encoding="utf-8",
    )
    assert main(["evaluate", "--declarations", str(path), "--json", "--misses"]) == 0
    payload = json.loads(capsys.readouterr().out)["declarations"]
    total = {(r["split"], r["group"]): r for r in payload["accuracy"]}
    assert sum(r["n"] for key, r in total.items() if key[1] == "all") == 3
    assert [m["decl_id"] for m in payload["misses"]] == ["A3"]
    assert main(["evaluate", "--declarations", str(path)]) == 0
    assert "labelled declarations" in capsys.readouterr().out
    path.write_text("decl_id,description\nA1,Sciure\n", encoding="utf-8")
    assert main(["evaluate", "--declarations", str(path)]) == 2
    assert "missing columns" in capsys.readouterr().err
