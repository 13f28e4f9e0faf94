"""Every regular expression of the package runs in linear time on hostile text (issue #12, item 1).

The patterns are collected, not listed by hand: every compiled pattern held by a module of the
package, and every pattern literal passed to ``re.compile/match/search/fullmatch/sub/split/findall/
finditer`` in its source. Each is run (``search``, ``match`` and a full ``finditer`` scan) on text
made of long runs of the characters that make backtracking patterns blow up (spaces, tabs, digits,
brackets, dots, commas, ``@``…), at twice the importer's cell cap. A linear pattern takes about a
millisecond there; a quadratic one takes a tenth of a second to seconds, by machine (``\\s*-\\s*`` on
10,000 spaces: 0.14 s on a quiet 2-core machine, ~3 s on a loaded one). The verdict never rests on
an absolute time, which depends on the machine: a pattern slower than a floor far above any linear
pattern's time is timed again on a quarter of the text, and fails when its time grows faster than
the text (a sixteenth for a quadratic pattern, a quarter for a linear one).
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import time
from pathlib import Path

import pytest

import symbiosis
from symbiosis.ingest.reader import MAX_CELL_CHARS

pytestmark = pytest.mark.reliability

#: Modules whose patterns never see text from outside: the sample generator's own names.
TRUSTED_INPUT_ONLY = ("symbiosis.sample.",)
N = 2 * MAX_CELL_CHARS
#: Linear patterns take about a millisecond on the hostile texts; slower ones are timed for growth.
FLOOR_S = 0.05
_RUNS = (
    " ",
    "\t",
    "1",
    "(",
    "[",
    ")",
    ".",
    ",",
    "a",
    "@",
    "-",
    "1 ",
    "1,",
    "a.",
    "@a",
    "a@",
    "1 111",
    "\u00a0",
    "°",
    "x ",
    "é",
    "_",
    "\r\n",
    "a ",
    "9.",
)
_CALLS = {"compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer"}


def _modules():
    for info in pkgutil.walk_packages(symbiosis.__path__, "symbiosis."):
        if (
            ".migrations" in info.name
            or info.name.endswith("__main__")
            or info.name.startswith(TRUSTED_INPUT_ONLY)
        ):
            continue
        yield importlib.import_module(info.name)


def _literal_patterns(path: Path, module: str):
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
            continue
        first = node.args[0]
        if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
            continue
        func = node.func
        with_re = isinstance(func.value, ast.Name) and func.value.id == "re" and func.attr in _CALLS
        pandas_regex = func.attr in ("replace", "contains", "match", "extract", "split") and any(
            k.arg == "regex" and isinstance(k.value, ast.Constant) and k.value.value for k in node.keywords
        )
        if with_re or pandas_regex:
            yield f"{module}:{node.lineno}", re.compile(first.value)


def _patterns() -> dict[str, re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    for module in _modules():
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern):
                found[f"{module.__name__}.{name}"] = value
        found.update(_literal_patterns(Path(module.__file__), module.__name__))
    return found


PATTERNS = _patterns()


def _hostile_texts():
    for run in _RUNS:
        body = run * (N // len(run))
        yield body
        yield "1" + body + "1"
        yield "a@b" + body + " "
        yield "(" + body


def test_the_collection_finds_the_patterns_of_the_importer():
    names = set(PATTERNS)
    assert {
        "symbiosis.numbers._LEADING_NUMBER",
        "symbiosis.ingest.fields._RANGE",
        "symbiosis.units.table._PER",
        "symbiosis.kb._text._TEMPERATURE",
    } <= names
    assert len(PATTERNS) >= 40


def _scan(pattern: re.Pattern[str], text: str) -> float:
    """CPU seconds of a search, a match and a full scan: CPU time, not wall time, so that a machine
    busy with other processes does not lengthen one scan and not the other (a linear pattern was
    measured 13× slower on four times the text at a load average of 20)."""
    start = time.process_time()
    pattern.search(text)
    pattern.match(text)
    for _ in pattern.finditer(text):
        pass
    return time.process_time() - start


def _best_of_three(pattern: re.Pattern[str], text: str, first: float | None = None) -> float:
    """The fastest of three scans: a pause of a loaded machine lengthens one run, not all three."""
    runs = [first] if first is not None else []
    runs += [_scan(pattern, text) for _ in range(3 - len(runs))]
    return min(runs)


def _linearity_failure(pattern: re.Pattern[str]) -> str | None:
    """Why ``pattern`` is not linear on the hostile texts, or None when it is."""
    worst, text_of_worst = max((_scan(pattern, text), text) for text in _hostile_texts())
    if worst < FLOOR_S:
        return None
    # Slow: a pause of the machine, or a pattern that is not linear? Best of three on the same text,
    # then on a quarter of it: a linear pattern takes about a quarter of the time, a quadratic one a
    # sixteenth.
    full = _best_of_three(pattern, text_of_worst, first=worst)
    if full < FLOOR_S:
        return None
    growth = full / max(_best_of_three(pattern, text_of_worst[: len(text_of_worst) // 4]), 1e-9)
    if growth < 8:
        return None
    shown = f"{text_of_worst[:12]!r}… ({len(text_of_worst)} chars)"
    return f"took {full:.2f} s on {shown}, {growth:.0f}× its time on a quarter of it"


def test_the_audit_catches_a_quadratic_pattern():
    assert _linearity_failure(re.compile(r"\s*\(docs/[\w./-]+\)")) is not None
    assert _linearity_failure(re.compile(r"(?<!\s)\s*\(docs/[\w./-]+\)")) is None


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_pattern_is_linear_on_hostile_text(name):
    failure = _linearity_failure(PATTERNS[name])
    assert failure is None, f"{name} {failure}"
