"""Integrity of the corpus of documented industrial-symbiosis cases (``tests/data/cases/``).

Cheap checks, no engine run: the files of every case directory, unique ids, pairs that reference a
supply and a demand of their case, documented sources, identical English and French twins, the frozen
tune/holdout split, List-of-Waste codes, units, categories, and the corpus totals issue 9 asks for.
"""

from __future__ import annotations

import csv
import hashlib
import re
import tomllib
from functools import cache
from pathlib import Path

import pytest

from symbiosis.kb import load_categories, load_waste_codes, normalise_waste_code
from symbiosis.numbers import parse_number
from symbiosis.units import unit_table

CASES = Path(__file__).parent / "data" / "cases"
FILES = ("firms.csv", "streams.csv", "expected.csv", "forbidden.csv", "case.toml", "SOURCES.md")
LANGS = ("en", "fr")
DIRECTION = {"supply": "supply", "offre": "supply", "demand": "demand", "demande": "demand"}
STATUS = {"implemented", "planned", "studied"}
SPLITS = {"tune", "holdout"}
MIN_CASES, MIN_EXPECTED, MIN_FORBIDDEN = 10, 250, 40
MIN_NOISE_SHARE = 0.20


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _case_ids() -> list[str]:
    return sorted({d.name.rsplit("_", 1)[0] for d in CASES.iterdir() if d.is_dir()})


def _dirs() -> list[Path]:
    return sorted(d for d in CASES.iterdir() if d.is_dir())


@cache
def _case(directory: Path) -> dict:
    streams = _read(directory / "streams.csv")
    return {
        "firms": _read(directory / "firms.csv"),
        "streams": streams,
        "by_id": {s["stream_id"]: s for s in streams},
        "expected": _read(directory / "expected.csv"),
        "forbidden": _read(directory / "forbidden.csv"),
        "toml": tomllib.loads((directory / "case.toml").read_text(encoding="utf-8")),
        "sources_md": (directory / "SOURCES.md").read_text(encoding="utf-8"),
    }


def _readme_table() -> dict[str, dict[str, str]]:
    """Rows of the README table whose header starts with ``| case | split |``, keyed by case."""
    lines = (CASES / "README.md").read_text(encoding="utf-8").splitlines()
    rows: dict[str, dict[str, str]] = {}
    header: list[str] | None = None
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")] if line.startswith("|") else None
        if cells is None:
            if rows:
                break
            header = None
            continue
        if cells[:2] == ["case", "split"]:
            header = cells
        elif header and not set(line) <= set("|-: "):
            rows[cells[0]] = dict(zip(header, cells, strict=False))
    return rows


def test_corpus_has_enough_cases_each_in_both_languages():
    ids = _case_ids()
    assert len(ids) >= MIN_CASES
    names = {d.name for d in _dirs()}
    for case in ids:
        assert {f"{case}_{lang}" for lang in LANGS} <= names, f"{case} lacks a language directory"
    assert len(names) == 2 * len(ids), "every directory must be <case>_en or <case>_fr"


@pytest.mark.parametrize("directory", _dirs(), ids=lambda d: d.name)
def test_case_directory_is_complete_and_consistent(directory):
    for name in FILES:
        assert (directory / name).is_file(), f"{directory.name} lacks {name}"
    case = _case(directory)
    toml = case["toml"]
    assert toml["language"] == directory.name.rsplit("_", 1)[1]
    assert toml["split"] in SPLITS
    assert toml["name"] and toml["country"] and toml["sectors"] and toml["sources"]

    firm_ids = [f["firm_id"] for f in case["firms"]]
    assert len(firm_ids) == len(set(firm_ids)), "duplicate firm_id"
    stream_ids = [s["stream_id"] for s in case["streams"]]
    assert len(stream_ids) == len(set(stream_ids)), "duplicate stream_id"
    for s in case["streams"]:
        assert s["firm_id"] in firm_ids, f"{s['stream_id']}: unknown firm {s['firm_id']}"
        assert s["direction"] in DIRECTION, f"{s['stream_id']}: direction {s['direction']!r}"
        assert s["description"].strip(), f"{s['stream_id']}: empty description"

    by_id = case["by_id"]
    expected = [(e["supply_id"], e["demand_id"]) for e in case["expected"]]
    forbidden = [(f["supply_id"], f["demand_id"]) for f in case["forbidden"]]
    assert len(expected) == len(set(expected)), "duplicate expected pair"
    assert len(forbidden) == len(set(forbidden)), "duplicate forbidden pair"
    assert not set(expected) & set(forbidden), "a pair is both expected and forbidden"
    for supply_id, demand_id in expected + forbidden:
        assert DIRECTION[by_id[supply_id]["direction"]] == "supply", f"{supply_id} is not a supply"
        assert DIRECTION[by_id[demand_id]["direction"]] == "demand", f"{demand_id} is not a demand"
    for supply_id, demand_id in expected:
        assert by_id[supply_id]["firm_id"] != by_id[demand_id]["firm_id"], "an expected pair inside one firm"
    for row in case["expected"]:
        assert row["status"] in STATUS, f"status {row['status']!r}"
        assert re.search(rf"\*\*{re.escape(row['source'])}\*\*", case["sources_md"]), (
            f"source key {row['source']!r} is not cited in SOURCES.md"
        )
    for row in case["forbidden"]:
        assert row["reason"].strip(), "a forbidden pair without its reason"

    in_pairs = {x for pair in expected for x in pair}
    noise = sum(s not in in_pairs for s in stream_ids) / len(stream_ids)
    assert noise >= MIN_NOISE_SHARE, f"only {noise:.0%} of streams outside the expected pairs"


@pytest.mark.parametrize("case_id", _case_ids())
def test_english_and_french_twins_declare_the_same_registry(case_id):
    en, fr = (_case(CASES / f"{case_id}_{lang}") for lang in LANGS)
    assert [f["firm_id"] for f in en["firms"]] == [f["firm_id"] for f in fr["firms"]]
    for a, b in zip(en["firms"], fr["firms"], strict=True):
        assert (a["scian_code"], a["lat"], a["lon"]) == (b["scian_code"], b["lat"], b["lon"]), a["firm_id"]
    for a, b in zip(en["streams"], fr["streams"], strict=True):
        key = a["stream_id"]
        assert key == b["stream_id"]
        assert (a["firm_id"], DIRECTION[a["direction"]]) == (b["firm_id"], DIRECTION[b["direction"]]), key
        assert (a["category_id"], a["waste_code"]) == (b["category_id"], b["waste_code"]), key
        assert a["description"] != b["description"], f"{key}: French description is a copy"
        assert _number(a["quantity"], "en") == pytest.approx(_number(b["quantity"], "fr")), key

    def pairs(case: dict, name: str, extra: tuple[str, ...]) -> list[tuple[str, ...]]:
        return [(r["supply_id"], r["demand_id"], *(r[k] for k in extra)) for r in case[name]]

    assert pairs(en, "expected", ("source", "status")) == pairs(fr, "expected", ("source", "status"))
    assert pairs(en, "forbidden", ()) == pairs(fr, "forbidden", ())
    assert (en["toml"]["split"], en["toml"]["sources"]) == (fr["toml"]["split"], fr["toml"]["sources"])


def _number(text: str, lang: str) -> float:
    parsed = parse_number(text, locale="en_CA" if lang == "en" else "fr_CA")
    assert parsed is not None and parsed.value is not None, f"unreadable number {text!r}"
    return float(parsed.value)


@pytest.mark.parametrize("directory", _dirs(), ids=lambda d: d.name)
def test_codes_units_and_categories_exist(directory):
    low = load_waste_codes().set_index("code")["hazardous"]
    known = set(load_categories()["category_id"])
    lang = directory.name.rsplit("_", 1)[1]
    units = set(unit_table()[f"unit_{lang}"])
    yes = {"en": "yes", "fr": "oui"}[lang]
    for s in _case(directory)["streams"]:
        key = s["stream_id"]
        category = s["category_id"]
        assert category in known, f"{key}: {category!r} is not a category of the knowledge base"
        assert s["unit"] in units, f"{key}: unit {s['unit']!r} is not a {lang} unit of the list"
        assert _number(s["quantity"], lang) > 0, key
        if s["waste_code"]:
            code = normalise_waste_code(s["waste_code"])
            assert code in low.index, f"{key}: {s['waste_code']!r} is not in the List of Waste"
            assert s["waste_code"].strip().endswith("*") == bool(low[code]), f"{key}: asterisk vs the list"
            if low[code]:
                assert s["hazardous"] == yes, f"{key}: hazardous code but not flagged hazardous"


def test_totals_meet_issue_9():
    english = [_case(CASES / f"{c}_en") for c in _case_ids()]
    assert sum(len(c["expected"]) for c in english) >= MIN_EXPECTED
    assert sum(len(c["forbidden"]) for c in english) >= MIN_FORBIDDEN


def test_split_is_the_frozen_rule_and_matches_the_readme():
    table = _readme_table()
    ids = _case_ids()
    assert sorted(table) == ids, "the README table must list every case once"
    order = sorted(ids, key=lambda c: hashlib.sha256(c.encode("utf-8")).hexdigest())
    n_tune = round(0.6 * len(order))
    rule = {c: "tune" if i < n_tune else "holdout" for i, c in enumerate(order)}
    for case_id in ids:
        en = _case(CASES / f"{case_id}_en")
        assert table[case_id]["split"] == rule[case_id] == en["toml"]["split"], case_id
        row = table[case_id]
        assert int(row["exchanges"]) == len(en["expected"]), f"{case_id}: README exchanges"
        assert int(row["forbidden"]) == len(en["forbidden"]), f"{case_id}: README forbidden"
        assert int(row["streams"]) == len(en["streams"]), f"{case_id}: README streams"
    count = {c: len(_case(CASES / f"{c}_en")["expected"]) for c in ids}
    exchanges = {s: sum(n for c, n in count.items() if rule[c] == s) for s in SPLITS}
    assert 0.5 <= exchanges["tune"] / sum(exchanges.values()) <= 0.7
