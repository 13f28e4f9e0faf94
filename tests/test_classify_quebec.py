"""The classifier on 240 Québec declarations written by someone who never saw it.

The declarations are in ``tests/data/classification_quebec``.

The split was frozen before the first run (SHA-256 of the id); words were added looking at the tune
half only, the held-back half was measured once after (2026-12-07: top-1 85.0 %, top-3 97.2 %; the
code of the session's start gave 85.0 % / 96.3 %), and a second time after the trade terms written
without sight of it (88.8 % / 97.2 %). The floors sit just below the recorded figures:
a change that loses two held-back rows fails here and must be weighed in docs/match-quality.md.
The example declarations (fourth session of 2026-12-07) lost one English held-back row of the first
batch (34 → 33 of 38; the English floor, one row below the figure, failed): weighed there, and that
floor moved to 0.86.

A second batch (``declarations_2.csv``, 240 rows) was written later the same day by another writer
under the same rule; frozen the same way, first run after the trade terms: 73.3 % top-1, 89.2 %
top-3 on all of it (held-back half 71.2 % / 85.6 %): the first batch's figures were the easier text.
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
#: Each batch's file, its SHA-256 when its split was frozen, and its (tune, held-back) row counts.
BATCHES = {
    "declarations.csv": ("7d1441f67acf240fca7703cc2634e7644fdbe90bba5addff97fb591f07425039", (133, 107)),
    "declarations_2.csv": ("83371d599f42716a7d5e34aeb14dffea1bad504d29c736ee00845e3702719778", (115, 125)),
}


@pytest.fixture(scope="module")
def tables() -> dict[str, pd.DataFrame]:
    return {
        name: accuracy_table(classify_declarations(read_declarations(FOLDER / name))).set_index(
            ["split", "group"]
        )
        for name in BATCHES
    }


@pytest.mark.parametrize("name", list(BATCHES))
def test_the_file_and_its_split_are_the_frozen_ones(name):
    frozen, (tune, held) = BATCHES[name]
    data = (FOLDER / name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == frozen  # relabelling a row is a new yardstick
    assert frozen in (FOLDER / "README.md").read_text(encoding="utf-8")
    frame = read_declarations(FOLDER / name)
    assert frame["split"].value_counts().to_dict() == {"tune": tune, "holdout": held}
    by_hand = int(hashlib.sha256(b"QC001").hexdigest(), 16) % 2 == 1
    assert is_held_back("QC001") is by_hand


@pytest.mark.parametrize(
    ("name", "split", "group", "top1", "top3"),
    [
        ("declarations.csv", "holdout", "all", 0.87, 0.95),
        ("declarations.csv", "holdout", "fr", 0.86, 0.95),
        ("declarations.csv", "holdout", "en", 0.86, 0.94),
        ("declarations.csv", "tune", "all", 0.90, 0.93),
        ("declarations_2.csv", "holdout", "all", 0.69, 0.84),
        ("declarations_2.csv", "holdout", "fr", 0.65, 0.83),
        ("declarations_2.csv", "holdout", "en", 0.75, 0.84),
        ("declarations_2.csv", "tune", "all", 0.73, 0.91),
    ],
)
def test_accuracy_stays_above_its_floor(tables, name, split, group, top1, top3):
    row = tables[name].loc[(split, group)]
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
