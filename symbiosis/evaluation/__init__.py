"""Measure match quality on documented exchanges: recall among candidates, share allocated, forbidden pairs.

>>> from symbiosis.evaluation import evaluate_case, read_case          # doctest: +SKIP
>>> report = evaluate_case(read_case("tests/data/cases/kalundborg_en"))  # doctest: +SKIP
>>> report.summary()["recall_candidates"]                               # doctest: +SKIP

``symbiosis evaluate CASE_DIR …`` is the command-line door; see :mod:`symbiosis.evaluation.harness`
for the miss causes. ``symbiosis evaluate --maestri FOLDER`` runs the second split, the MAESTRI
exchanges written up as declarations (:mod:`symbiosis.evaluation.maestri`,
:mod:`symbiosis.evaluation.maestri_report`). A region's labelled declarations measure the classifier
alone (:mod:`symbiosis.evaluation.declarations`).
"""

from symbiosis.evaluation.cases import Case, CaseError, find_cases, read_case, read_maestri_exchanges
from symbiosis.evaluation.declarations import (
    accuracy_table,
    classify_declarations,
    read_declarations,
)
from symbiosis.evaluation.harness import CAUSES, MODES, CaseEvaluation, evaluate_case
from symbiosis.evaluation.maestri_report import (
    MaestriEvaluation,
    evaluate_maestri,
    maestri_cause_table,
    maestri_table,
)
from symbiosis.evaluation.report import case_table, cause_table, format_table, miss_table, total_table

__all__ = [
    "CAUSES",
    "MODES",
    "Case",
    "CaseError",
    "CaseEvaluation",
    "MaestriEvaluation",
    "accuracy_table",
    "case_table",
    "cause_table",
    "classify_declarations",
    "evaluate_case",
    "evaluate_maestri",
    "find_cases",
    "format_table",
    "maestri_cause_table",
    "maestri_table",
    "miss_table",
    "read_case",
    "read_declarations",
    "read_maestri_exchanges",
    "total_table",
]
