"""Run every ``benchmarks/bench_*.py`` module's ``main()``, save its rows as JSON, print one table.

Usage: ``python -m benchmarks [name ...] [--option VALUE ...]`` where a name filters modules
(``allocation`` runs ``bench_allocation`` only) and an option goes to the modules whose ``main()``
takes it (``python -m benchmarks quality --maestri ../shared/reference/maestri``).
"""

from __future__ import annotations

import importlib
import inspect
import json
import logging
import platform
import sys
import time
from pathlib import Path

import pandas as pd

log = logging.getLogger("benchmarks")

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"


def _modules(filters: list[str]) -> list[str]:
    names = sorted(p.stem for p in HERE.glob("bench_*.py"))
    return [n for n in names if not filters or any(f in n for f in filters)]


def _machine() -> dict:
    import os

    return {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }


def _split_options(argv: list[str]) -> tuple[list[str], dict[str, str]]:
    """Module name filters, and ``--option VALUE`` pairs as keyword arguments (``--a-b`` -> ``a_b``)."""
    filters, options = [], {}
    args = iter(argv)
    for arg in args:
        if arg.startswith("--"):
            options[arg[2:].replace("-", "_")] = next(args, "")
        else:
            filters.append(arg)
    return filters, options


def _run(name: str, options: dict[str, str] | None = None) -> list[dict]:
    module = importlib.import_module(f"benchmarks.{name}")
    accepted = inspect.signature(module.main).parameters
    kwargs = {k: v for k, v in (options or {}).items() if k in accepted}
    t = time.perf_counter()
    rows = module.main(**kwargs)
    log.info("%s finished in %.1f s", name, time.perf_counter() - t)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(
        json.dumps({"machine": _machine(), "rows": rows}, indent=2, default=str)
    )
    return rows


def main(argv: list[str]) -> int:
    """Run the selected benchmark modules and print their rows as one table."""
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    rows, failed = [], []
    filters, options = _split_options(argv)
    for name in _modules(filters):
        try:
            rows.extend(_run(name, options))
        except Exception:  # one broken module must not hide the others' figures
            log.exception("%s failed", name)
            failed.append(name)
    if rows:
        table = pd.DataFrame(rows)
        with pd.option_context("display.max_columns", None, "display.width", 200):
            sys.stdout.write(table.astype(object).where(table.notna(), "").to_string(index=False) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
