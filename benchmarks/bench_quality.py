"""Match-quality benchmark: ``symbiosis evaluate`` on every case of the corpus of documented symbioses.

For each case (``tests/data/cases/<case>_<lang>``) and mode (categories ``inferred`` by the classifier,
or ``given`` by hand): recall among candidates, share allocated, forbidden pairs proposed, candidates
per expected pair and classification top-1/top-3; then totals per mode × split × language, and the
causes of the misses. The **held-back** (``holdout``) figures are the ones to report: the knowledge
base and the classifier were tuned on the ``tune`` cases only (split frozen in
``tests/data/cases/README.md`` before the first run).

Targets on the held-back cases, categories inferred, per language: ≥ 95 % of documented exchanges
among candidates, ≥ 75 % allocated, 0 forbidden pairs proposed; classification top-1 ≥ 85 % and
top-3 ≥ 95 %.

Run with ``python -m benchmarks quality`` or ``python -m benchmarks.bench_quality``; the tables are
printed and the rows written to ``benchmarks/results/bench_quality.json`` by the runner.

``--maestri FOLDER`` (``python -m benchmarks quality --maestri ../shared/reference/maestri``) adds the
second split: the MAESTRI exchanges read in place (never copied), each written up as a providing and a
receiving firm's declarations in one region, run with the EWC code given and with the text only; figures
for the exchanges a rule cites and for those none cites (see
:mod:`symbiosis.evaluation.maestri_report`). Measured, not tuned on: no threshold applies.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

import pandas as pd

__all__ = ["CASES", "TARGETS", "evaluate_corpus", "maestri_rows", "main"]

log = logging.getLogger(__name__)

CASES = Path(__file__).resolve().parents[1] / "tests" / "data" / "cases"
#: Held-back targets (issue 9), categories inferred, per language.
TARGETS: dict[str, float] = {
    "recall_candidates": 0.95,
    "share_allocated": 0.75,
    "forbidden_proposed": 0,
    "top1": 0.85,
    "top3": 0.95,
}


def evaluate_corpus(root: Path = CASES, modes: tuple[str, ...] = ("inferred", "given")) -> list:
    """Every case under ``root`` in every mode (a list of :class:`~symbiosis.evaluation.CaseEvaluation`)."""
    from symbiosis.evaluation import evaluate_case, find_cases, read_case

    cases = [read_case(p) for p in find_cases([root])]
    return [evaluate_case(case, mode=mode) for mode in modes for case in cases]


def maestri_rows(folder: str | Path, *, layout: str = "region") -> list[dict]:
    """Evaluate the MAESTRI split of ``folder``, print its tables, return its rows (totals, causes, time)."""
    from symbiosis.evaluation import format_table
    from symbiosis.evaluation.cases import corpus_maestri_cases, read_maestri_exchanges
    from symbiosis.evaluation.maestri_report import evaluate_maestri, maestri_cause_table, maestri_table

    start_wall, start_cpu = time.perf_counter(), time.process_time()
    corpus = corpus_maestri_cases([CASES])
    evaluation = evaluate_maestri(read_maestri_exchanges(folder), layout=layout, corpus=corpus)
    wall, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
    totals, causes = maestri_table(evaluation), maestri_cause_table(evaluation)
    by_corpus = maestri_table(evaluation, by="corpus")
    skipped = evaluation.conversion.skipped
    with pd.option_context("display.width", 250, "display.max_columns", None):
        sys.stdout.write(
            f"\nMAESTRI ({layout}): {evaluation.conversion.n_exchanges} exchanges, {len(skipped)} skipped\n"
            + format_table(totals)
            + "\n\n"
            + format_table(by_corpus)
            + "\n\n"
            + causes.to_string(index=False)
            + "\n"
        )
    load = os.getloadavg()[0]
    log.info("quality/maestri %s: %.1f s wall, %.1f s CPU (load %.2f)", layout, wall, cpu, load)
    base = {"bench": "quality", "split": "maestri", "layout": layout}
    rows = [{**base, "kind": "maestri_total", **r} for r in totals.to_dict(orient="records")]
    rows += [{**base, "kind": "maestri_by_corpus", **r} for r in by_corpus.to_dict(orient="records")]
    rows += [{**base, "kind": "maestri_causes", **r} for r in causes.to_dict(orient="records")]
    rows.append(
        {
            **base,
            "kind": "maestri_timing",
            "skipped": len(skipped),
            "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2),
            "load_avg_1min": round(load, 2),
        }
    )
    return rows


def main(maestri: str | None = None, layout: str = "region") -> list[dict]:
    """Evaluate the corpus (and the MAESTRI split when ``maestri`` names its folder), print the tables,
    return one row per case, mode and total."""
    from symbiosis.evaluation import case_table, cause_table, format_table, total_table

    start_wall, start_cpu = time.perf_counter(), time.process_time()
    evaluations = evaluate_corpus()
    wall, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
    per_case, totals = case_table(evaluations), total_table(evaluations)
    causes = cause_table(evaluations)
    with pd.option_context("display.width", 250, "display.max_columns", None):
        sys.stdout.write(
            format_table(per_case)
            + "\n\n"
            + format_table(totals)
            + "\n\n"
            + causes.to_string(index=False)
            + "\n"
        )
    load = os.getloadavg()[0]
    log.info(
        "quality: %d evaluations in %.1f s wall, %.1f s CPU (load %.2f)", len(evaluations), wall, cpu, load
    )
    rows = [{"bench": "quality", "kind": "case", **r} for r in per_case.to_dict(orient="records")]
    rows += [{"bench": "quality", "kind": "total", **r} for r in totals.to_dict(orient="records")]
    rows += [{"bench": "quality", "kind": "causes", **r} for r in causes.to_dict(orient="records")]
    rows.append(
        {
            "bench": "quality",
            "kind": "timing",
            "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2),
            "load_avg_1min": round(load, 2),
        }
    )
    if maestri:
        rows += maestri_rows(maestri, layout=layout)
    return rows


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--maestri", metavar="FOLDER", default=None, help="also run the MAESTRI split")
    parser.add_argument("--layout", choices=("region", "park"), default="region")
    options = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    main(maestri=options.maestri, layout=options.layout)
