"""The layer contracts of ``pyproject.toml`` (``lint-imports`` in ``make test``) and proof that they bite.

Each probe copies the package's modules to a temporary folder, adds one module with a deliberately
wrong import, and runs the project's own contracts on the copy: the checker must name the broken
contract. The unchanged copy must pass, so that a failure can only come from the probe.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(tree: Path) -> subprocess.CompletedProcess[str]:
    """Run the project's contracts on the package copy under ``tree/src``."""
    env = {**os.environ, "PYTHONPATH": str(tree / "src")}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _not_source(path: Path) -> bool:
    """Files the import graph does not need: data, caches."""
    return path.name == "__pycache__" or (path.is_file() and path.suffix != ".py")


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package's modules (no data files) with the project's pyproject.toml."""
    tree = tmp_path_factory.mktemp("layers")
    shutil.copytree(
        ROOT / "symbiosis",
        tree / "src" / "symbiosis",
        ignore=lambda folder, names: [n for n in names if _not_source(Path(folder) / n)],
    )
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return tree


def test_the_real_package_keeps_every_contract():
    result = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_unchanged_copy_keeps_every_contract(package_copy):
    result = _lint(package_copy)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Analyzed" in result.stdout and "0 broken" in result.stdout


#: (module of the copy, source added to it, the contract that must break). A module that does not
#: exist is created for the probe; an existing one gets the line appended.
PROBES = [
    ("views/_probe.py", "import symbiosis.db\n", "Views are pure"),
    ("views/_probe.py", "from symbiosis.services import importing\n", "Views are pure"),
    ("engine/_probe.py", "from symbiosis.services import report_source\n", "The engine imports neither"),
    ("engine/_probe.py", "import symbiosis.views.registry\n", "The engine imports neither"),
    ("reports/_probe.py", "import streamlit\n", "never imports streamlit"),
    ("engine/_probe.py", "from symbiosis import pipeline\n", "Layers"),
    ("kb/_probe.py", "import symbiosis.views.map\n", "Layers"),
    ("reports/_probe.py", "import sqlalchemy\n", "Only db, services, settings"),
    # every KB table module imports kb.tables: kb.tables importing one of them back closes a circle
    ("kb/tables.py", "from symbiosis.kb import categories\n", "No import cycle"),
    # ingest imports io (the formula escape): io importing ingest is a cycle between packages
    ("io/_probe.py", "import symbiosis.ingest.reader\n", "No import cycle"),
]


@pytest.mark.parametrize(("path", "source", "contract"), PROBES, ids=[f"{p}:{c}" for p, _, c in PROBES])
def test_a_forbidden_import_breaks_its_contract(package_copy, path, source, contract):
    probe = package_copy / "src" / "symbiosis" / path
    original = probe.read_text(encoding="utf-8") if probe.exists() else None
    probe.write_text((original or "") + source, encoding="utf-8")
    try:
        result = _lint(package_copy)
    finally:
        if original is None:
            probe.unlink()
        else:
            probe.write_text(original, encoding="utf-8")
    assert result.returncode != 0, result.stdout
    broken = [line for line in result.stdout.splitlines() if " BROKEN" in line]
    assert any(contract in line for line in broken), result.stdout
