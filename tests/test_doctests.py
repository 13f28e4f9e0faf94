"""The tiny hand-checkable examples are in the docstrings and run as doctests in ``make test``."""

from __future__ import annotations

import doctest
import tomllib
from pathlib import Path

import pytest

from symbiosis.engine.allocation import solve
from symbiosis.engine.candidates import generate_candidates
from symbiosis.pipeline import run

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("function", [run, solve, generate_candidates], ids=lambda f: f.__name__)
def test_each_entry_point_has_a_runnable_example(function):
    examples = doctest.DocTestFinder().find(function)[0].examples
    assert len(examples) >= 3 and any(f"{function.__name__}(" in e.source for e in examples)


def test_make_test_collects_the_package_doctests():
    options = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"][
        "ini_options"
    ]
    assert "symbiosis" in options["testpaths"] and "--doctest-modules" in options["addopts"]
