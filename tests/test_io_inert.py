"""The one escape of every export: no live formula in a cell, whatever the separator a reader picks."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from symbiosis.io.inert import CELL_BREAKS, csv_bytes, escape_text, is_live_formula, live_cells

#: The payloads of issue #12 (item 4): a trigger at the start, after a CR, after a separator.
PAYLOADS = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    '=HYPERLINK("http://x","y")',
    "Acme\r=cmd|' /C calc'!A0",
    "x;=cmd",
    "x,=cmd",
    "x\t=cmd",
    "x\n@cmd",
    "a; -A1",
    'q"; =1',
    "Scierie ; +33 1",
    "ok\u2028=1",
    "＝1+1",
]


def _text(frame: pd.DataFrame, **kw) -> str:
    return csv_bytes(frame, **kw).decode("utf-8")


def test_every_payload_is_inert_with_comma_semicolon_and_tab():
    frame = pd.DataFrame({"name": PAYLOADS, "value": range(len(PAYLOADS))})
    for sep in (",", ";"):
        assert live_cells(_text(frame, sep=sep)) == []
    raw = frame.to_csv(index=False)  # what pandas alone writes: live formulas with both separators
    assert {s for s, _, _ in live_cells(raw)} >= {",", ";"}


def test_the_carriage_return_case_of_the_issue():
    escaped = escape_text("Acme\r=cmd|' /C calc'!A0")
    assert escaped == "Acme\r'=cmd|' /C calc'!A0"
    assert escape_text("x;=cmd") == "x;'=cmd" and escape_text("a, -b") == "a, '-b"


def test_numbers_stay_numbers():
    frame = pd.DataFrame({"value": [-12.5, 3.0], "text": ["-12,5", "-1.5e3"]})
    text = _text(frame)
    assert "-12.5," in text and '"-12,5"' in text and '"-1.5e3"' in text
    assert not is_live_formula("-12,5") and is_live_formula("-12,5+A1") and is_live_formula("  =1")


def test_text_without_triggers_is_unchanged():
    for text in ["Bois - écorces", "Écorces, sciures; copeaux", "1 200,5 t/an", "a@b.org", "x=y"]:
        assert escape_text(text) == text


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("=+-@ab 1,;\"'.") + list(CELL_BREAKS)), max_size=30))
def test_no_text_becomes_a_formula_once_escaped(text):
    frame = pd.DataFrame({"cell": [text]})
    for sep in (",", ";"):
        assert live_cells(_text(frame, sep=sep)) == [], repr(text)


#: The rule for numbers, decided once: (cell as typed, what every export writes).
DECISIONS = [
    ("-12,5", "-12,5"),  # a French decimal: a number, kept
    ("-1e3", "-1e3"),  # scientific notation: a number, kept
    ("+3", "+3"),  # a signed number: kept
    (" -12.5 ", " -12.5 "),  # spaces around a number: still a number
    ("=1+1", "'=1+1"),  # a formula
    ("-12,5+A1", "'-12,5+A1"),  # a number followed by a formula: a formula
    ("+33 6 12 34 56 78", "'+33 6 12 34 56 78"),  # a phone number: a spreadsheet would evaluate it
    ("+1-418-555-0100", "'+1-418-555-0100"),  # idem
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1+1", "'\t'=1+1"),  # a tab before the trigger: marked, and again where a reader cuts
    ("\r=1+1", "'\r'=1+1"),  # a carriage return before the trigger: idem
    ("-", "'-"),  # a lone sign is not a number
    ("Bois - écorces", "Bois - écorces"),  # a dash inside text is harmless
]


def test_the_rule_for_numbers_is_one_decision_table():
    for typed, written in DECISIONS:
        assert escape_text(typed) == written, typed
        assert is_live_formula(typed) == (typed != written), typed
        assert not is_live_formula(escape_text(typed)), typed
    assert escape_text(-12.5) == -12.5 and escape_text(-3) == -3  # a typed number is never touched


def test_the_importer_warns_about_exactly_what_exports_escape():
    from symbiosis.ingest.fields import read_text

    for typed, _ in DECISIONS:
        kept, problems = read_text(typed)
        warned = any(p.code == "text.formula_like" for p in problems)
        assert warned == (escape_text(kept) != kept), typed
