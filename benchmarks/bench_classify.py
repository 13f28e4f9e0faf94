"""Free-text classifier benchmark: accuracy on the labelled set, index build time, query latency.

Accuracy is top-1 and top-3 per language on the ``holdout`` split (the honest figure: synonyms and
weights were tuned on ``tune`` only) and on ``tune``, with no language hint and with the language
given. Writes ``benchmarks/results/classify.json``. Run with ``python -m benchmarks`` (all modules)
or ``python -m benchmarks.bench_classify``.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

from symbiosis.kb import classify as clf
from symbiosis.kb import load_categories

__all__ = ["accuracy", "main"]

ROOT = Path(__file__).resolve().parents[1]
LABELLED = ROOT / "tests" / "data" / "classification_labelled.csv"
#: Declarations of the home region written by someone who never saw the classifier (issue 9).
#: The two batches of Québec declarations, each written by someone who never saw the classifier.
QUEBEC = {
    "quebec": ROOT / "tests" / "data" / "classification_quebec" / "declarations.csv",
    "quebec2": ROOT / "tests" / "data" / "classification_quebec" / "declarations_2.csv",
}
RESULTS = Path(__file__).resolve().parent / "results" / "classify.json"


def accuracy(frame: pd.DataFrame, *, use_lang: bool = False) -> dict[str, float | int]:
    """Return ``n``, ``top1`` and ``top3`` of the classifier on a labelled frame (one language)."""
    lang = frame["lang"].iloc[0] if use_lang and len(frame) else None
    results = clf.classify_many(list(frame["text"]), lang=lang, top=3)
    ids = [[s.category_id for s in r] for r in results]
    truth = list(frame["category_id"])
    return {
        "n": len(frame),
        "top1": round(float(np.mean([r[:1] == [t] for r, t in zip(ids, truth, strict=True)])), 4),
        "top3": round(float(np.mean([t in r for r, t in zip(ids, truth, strict=True)])), 4),
    }


def _accuracy_table(labelled: pd.DataFrame) -> list[dict]:
    rows = []
    for (split, lang), group in labelled.groupby(["split", "lang"], sort=True):
        for use_lang in (False, True):
            scores = accuracy(group, use_lang=use_lang)
            rows.append({"split": split, "lang": lang, "lang_hint": use_lang, **scores})
    return rows


def _family_table(labelled: pd.DataFrame) -> list[dict]:
    """Holdout top-3 per family (no language hint), to see where the classifier is weak."""
    categories = load_categories()
    family_of = dict(zip(categories["category_id"], categories["family"], strict=True))
    holdout = labelled[labelled["split"] == "holdout"]
    holdout = holdout.assign(family=holdout["category_id"].map(family_of))
    return [{"family": fam, **accuracy(group)} for fam, group in holdout.groupby("family", sort=True)]


def _timings(texts: list[str]) -> dict[str, float]:
    clf._index.cache_clear()
    start = time.perf_counter()
    clf._index()
    build_s = time.perf_counter() - start
    clf.classify(texts[0])  # warm the typo cache path once
    latencies = []
    for text in texts:
        start = time.perf_counter()
        clf.classify(text)
        latencies.append(time.perf_counter() - start)
    start = time.perf_counter()
    clf.classify_many(texts)
    batch_s = time.perf_counter() - start
    lat_ms = np.asarray(latencies) * 1000.0
    return {
        "index_build_s": round(build_s, 3),
        "query_ms_median": round(float(np.median(lat_ms)), 3),
        "query_ms_p95": round(float(np.percentile(lat_ms, 95)), 3),
        "batch_queries_per_s": round(len(texts) / batch_s, 1),
    }


def main() -> list[dict]:
    """Measure the classifier, print a report, write ``benchmarks/results/classify.json``.

    Returns one row per measurement (``benchmark``, ``case``, ...), the shape ``python -m benchmarks``
    tabulates: accuracy rows per split, language and language hint, then one timing row.
    """
    labelled = pd.read_csv(LABELLED, dtype=str, keep_default_na=False)
    timings = _timings(list(labelled["text"]))
    index = clf._index()
    result = {
        "labelled_rows": len(labelled),
        "sizes": labelled.groupby(["split", "lang"]).size().rename("n").reset_index().to_dict("records"),
        "categories": len(index.categories),
        "phrases": int(index.phrases.shape[0]),
        "ngram_features": int(index.phrases.shape[1]),
        "accuracy": _accuracy_table(labelled),
        "holdout_by_family": _family_table(labelled),
        "quebec_declarations": _quebec_table(),
        **timings,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    _print(result)
    rows = []
    for r in result["accuracy"]:
        case = f"{r['split']}_{r['lang']}" + ("_hint" if r["lang_hint"] else "")
        rows.append({"benchmark": "classify", "case": case, **r})
    for r in result["quebec_declarations"]:
        rows.append({"benchmark": "classify", "case": f"{r['batch']}_{r['split']}_{r['group']}", **r})
    rows.append({"benchmark": "classify", "case": "timing", "n": len(labelled), **timings})
    return rows


def _quebec_table() -> list[dict]:
    """Top-1 / top-3 on the Québec declarations (direction, unit, temperature and waste code given,
    as the importer reads them), per split and language, direction, and in total."""
    from symbiosis.evaluation.declarations import accuracy_table, classify_declarations, read_declarations

    rows = []
    for batch, path in QUEBEC.items():
        table = accuracy_table(classify_declarations(read_declarations(path)))
        rows += [
            {
                "batch": batch,
                **r,
                "n": int(r["n"]),
                "top1": round(float(r["top1"]), 4),
                "top3": round(float(r["top3"]), 4),
            }
            for r in table.to_dict("records")
        ]
    return rows


def _print(result: dict) -> None:
    print(
        f"classify: {result['categories']} categories, {result['phrases']} phrases, "
        f"{result['ngram_features']} n-grams; labelled rows {result['labelled_rows']}"
    )
    print(f"{'split':8} {'lang':4} {'hint':5} {'n':>4} {'top1':>6} {'top3':>6}")
    for row in result["accuracy"]:
        print(
            f"{row['split']:8} {row['lang']:4} {('yes' if row['lang_hint'] else 'no'):5} "
            f"{row['n']:>4} {row['top1']:>6.3f} {row['top3']:>6.3f}"
        )
    print("Québec declarations (direction, unit, temperature, waste code given):")
    for row in result["quebec_declarations"]:
        print(
            f"{row['batch']:8} {row['split']:8} {row['group']:7} {row['n']:>4} "
            f"{row['top1']:>6.3f} {row['top3']:>6.3f}"
        )
    print(
        f"index build {result['index_build_s']:.3f} s; query median {result['query_ms_median']:.2f} ms, "
        f"p95 {result['query_ms_p95']:.2f} ms; batch {result['batch_queries_per_s']:.0f} queries/s"
    )
    print(f"results written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
