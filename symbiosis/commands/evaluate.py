"""``symbiosis evaluate CASE_DIR …``: how many documented exchanges the engine finds, and why it misses
others."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from symbiosis.commands._common import print_json

NAME = "evaluate"
HELP = (
    "mesurer les échanges documentés retrouvés (rappel, allocation, paires interdites) / "
    "measure how many documented exchanges are found (recall, allocation, forbidden pairs)"
)

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the case directories, ``--mode``, ``--split``, ``--config``, ``--misses`` and ``--json``."""
    parser.add_argument(
        "cases",
        metavar="CASE_DIR",
        nargs="*",
        type=Path,
        help="a case directory, or a folder of cases / un dossier de cas, ou un dossier de dossiers",
    )
    parser.add_argument(
        "--maestri",
        metavar="FOLDER",
        type=Path,
        default=None,
        help=(
            "also evaluate the MAESTRI exchanges of this folder (maestri_exchanges.csv, read in place; "
            "categories always inferred, --mode does not apply) / "
            "évaluer aussi les échanges MAESTRI de ce dossier"
        ),
    )
    parser.add_argument(
        "--declarations",
        metavar="FILE",
        type=Path,
        default=None,
        help=(
            "also measure the classifier on labelled declarations (CSV: decl_id, lang, direction, unit, "
            "temperature_c, waste_code, description, category_id): top-1 and top-3 per split, language "
            "and direction / mesurer aussi le classement sur des déclarations étiquetées"
        ),
    )
    parser.add_argument(
        "--layout",
        choices=("region", "park"),
        default="region",
        help="MAESTRI: every exchange in one region (default) or one case per publication",
    )
    parser.add_argument(
        "--mode",
        choices=("inferred", "given", "both"),
        default="inferred",
        help="categories inferred by the classifier (default), given by hand, or both",
    )
    parser.add_argument(
        "--split", choices=("tune", "holdout"), default=None, help="only the cases of this split (case.toml)"
    )
    parser.add_argument(
        "--config",
        metavar="FILE",
        type=Path,
        default=None,
        help="scenario file (.toml, .yaml, .json) / fichier de scénario",
    )
    parser.add_argument("--misses", action="store_true", help="list every missed exchange with its cause")
    parser.add_argument("--lang", choices=("fr", "en"), default="fr", help="language of the cause labels")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")


def run(args: argparse.Namespace) -> int:
    """Evaluate every case and the MAESTRI split; exit 0, or 2 when a case or the scenario cannot be read."""
    from symbiosis.engine.config import MatchConfig
    from symbiosis.evaluation import (
        CaseError,
        cause_table,
        evaluate_case,
        find_cases,
        format_table,
        miss_table,
        read_case,
        total_table,
    )
    from symbiosis.evaluation.cases import read_maestri_exchanges
    from symbiosis.evaluation.declarations import read_declarations
    from symbiosis.services.config_files import read_config

    try:
        config = read_config(args.config) if args.config else MatchConfig()
        paths = find_cases(args.cases, split=args.split)
        cases = [read_case(p) for p in paths]
        exchanges = read_maestri_exchanges(args.maestri) if args.maestri else None
        labelled = read_declarations(args.declarations) if args.declarations else None
    except (OSError, ValueError, TypeError, CaseError) as exc:
        print(f"Évaluation impossible / cannot evaluate: {exc}", file=sys.stderr)
        return 2
    if not cases and exchanges is None and labelled is None:
        print("Aucun cas trouvé / no case found", file=sys.stderr)
        return 2
    declarations = _declarations(labelled, args) if labelled is not None else None
    maestri = _maestri(exchanges, args, config, paths) if exchanges is not None else None
    if not cases:
        return _print_without_cases(maestri, declarations, args)
    modes = ("inferred", "given") if args.mode == "both" else (args.mode,)
    evaluations = [evaluate_case(case, mode=mode, config=config) for mode in modes for case in cases]
    from symbiosis.evaluation import case_table

    per_case, totals = case_table(evaluations), total_table(evaluations)
    causes, misses = cause_table(evaluations, lang=args.lang), miss_table(evaluations)
    if args.json:
        payload = {
            "cases": per_case.to_dict(orient="records"),
            "totals": totals.to_dict(orient="records"),
            "causes": causes.to_dict(orient="records"),
        }
        if args.misses:
            payload["misses"] = misses.to_dict(orient="records")
        if maestri is not None:
            payload["maestri"] = maestri
        if declarations is not None:
            payload["declarations"] = declarations
        print_json(payload)
        return 0
    print(format_table(per_case))
    print()
    print(format_table(totals))
    if len(causes):
        print()
        print(causes.to_string(index=False))
    if args.misses and len(misses):
        print()
        print(misses.to_string(index=False))
    if maestri is not None:
        print()
        _print_maestri(maestri)
    if declarations is not None:
        print()
        _print_declarations(declarations)
    return 0


def _declarations(labelled, args: argparse.Namespace) -> dict:
    """The classifier on labelled declarations, as records: ``accuracy`` per split, language and
    direction, and with ``--misses`` each declaration whose category was not read first."""
    from symbiosis.evaluation.declarations import accuracy_table, classify_declarations

    scored = classify_declarations(labelled)
    out = {"accuracy": accuracy_table(scored).round(4).to_dict(orient="records")}
    if args.misses:
        columns = ["decl_id", "split", "lang", "direction", "description", "category_id", "inferred", "top3"]
        out["misses"] = scored.loc[~scored["top1"], columns].to_dict(orient="records")
    return out


def _print_declarations(declarations: dict) -> None:
    import pandas as pd

    print("Déclarations étiquetées / labelled declarations (top-1, top-3):")
    print(pd.DataFrame(declarations["accuracy"]).to_string(index=False))
    if declarations.get("misses"):
        print()
        print(pd.DataFrame(declarations["misses"]).to_string(index=False))


def _maestri(exchanges, args: argparse.Namespace, config, corpus_paths) -> dict:
    """The MAESTRI split's tables as records (``totals``, ``by_corpus``, ``causes``, ``skipped``,
    ``misses``); the corpus cases given beside it say which publications the corpus also used."""
    from symbiosis.evaluation.cases import corpus_maestri_cases
    from symbiosis.evaluation.maestri_report import evaluate_maestri, maestri_cause_table, maestri_table

    corpus = corpus_maestri_cases(corpus_paths)
    evaluation = evaluate_maestri(exchanges, layout=args.layout, config=config, corpus=corpus)
    pairs = evaluation.pairs
    out = {
        "layout": evaluation.layout,
        "exchanges": evaluation.conversion.n_exchanges,
        "totals": maestri_table(evaluation).to_dict(orient="records"),
        "by_corpus": maestri_table(evaluation, by="corpus").to_dict(orient="records") if corpus else [],
        "causes": maestri_cause_table(evaluation, lang=args.lang).to_dict(orient="records"),
        "skipped": evaluation.conversion.skipped.to_dict(orient="records"),
    }
    if args.misses:
        missed = pairs[pairs["cause"].fillna("") != ""]
        out["misses"] = missed[
            [
                "variant",
                "exchange_id",
                "cited",
                "supply_id",
                "demand_id",
                "candidate",
                "cause",
                "supply_category",
            ]
        ].to_dict(orient="records")
    return out


def _print_maestri(maestri: dict) -> None:
    import pandas as pd

    from symbiosis.evaluation import format_table

    print(
        f"MAESTRI ({maestri['layout']}): {maestri['exchanges']} exchanges, {len(maestri['skipped'])} skipped"
    )
    print(format_table(pd.DataFrame(maestri["totals"])))
    if maestri["by_corpus"]:
        print()
        print(format_table(pd.DataFrame(maestri["by_corpus"])))
    if maestri["causes"]:
        print()
        print(pd.DataFrame(maestri["causes"]).to_string(index=False))
    for title in ("skipped", "misses"):
        if maestri.get(title):
            print()
            print(pd.DataFrame(maestri[title]).to_string(index=False))


def _print_without_cases(maestri: dict | None, declarations: dict | None, args: argparse.Namespace) -> int:
    if args.json:
        payload = {"maestri": maestri} if maestri is not None else {}
        print_json({**payload, **({"declarations": declarations} if declarations is not None else {})})
        return 0
    if maestri is not None:
        _print_maestri(maestri)
    if declarations is not None:
        if maestri is not None:
            print()
        _print_declarations(declarations)
    return 0
