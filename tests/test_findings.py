"""One type for what every check finds: the import report, the cell readers, the KB checker, the
factor table and the allocation checker all return :class:`symbiosis.findings.Finding`."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pandas as pd
import pytest

import symbiosis
from symbiosis.engine.allocation import check_solution, make_problem, solve
from symbiosis.engine.factors import check_factors
from symbiosis.findings import Finding, has_errors
from symbiosis.i18n import Text
from symbiosis.ingest.fields import read_float, read_text
from symbiosis.ingest.report import file_issue
from symbiosis.kb.check import check_rules
from symbiosis.kb.priors import check_sector_priors, load_sector_priors

PACKAGE = Path(symbiosis.__file__).parent


def test_a_cell_finding_is_placed_and_speaks_both_languages():
    _, problems = read_float("douze", locale="fr")
    (problem,) = problems
    assert isinstance(problem, Finding) and problem.row is None and problem.found is None
    placed = problem.placed(7, "quantite", "douze")
    assert (placed.row, placed.column, placed.found) == (7, "quantite", "douze")
    assert placed.message("fr").startswith("Ligne 7, colonne « quantite » : on attendait")
    assert placed.message("en").startswith("Row 7, column “quantite”: expected")
    assert problem.placed(7, "q", "x").found == "x"  # the cell as typed when the reader set none
    shown = dataclasses.replace(problem, found="12 douzaines").placed(7, "q", "x")
    assert shown.found == "12 douzaines"  # a reader's own wording wins


def test_a_table_finding_names_its_location():
    finding = Finding(
        code="bad_share", location="3219/supply/wood_bark", detail=Text("part invalide", "bad share")
    )
    assert finding.message("fr") == "3219/supply/wood_bark : part invalide"
    assert finding.message("en") == "3219/supply/wood_bark: bad share"
    assert has_errors([finding]) and not has_errors([dataclasses.replace(finding, severity="warning")])


def test_an_unknown_severity_is_refused():
    with pytest.raises(ValueError, match="severity"):
        Finding(code="x", severity="fatal")


def test_every_check_returns_findings():
    broken_priors = load_sector_priors().head(3).assign(typical_share="2")
    problem = make_problem([{"stream_id": "s", "capacity": 10}], [{"stream_id": "d", "capacity": 10}], [])
    allocation = dataclasses.replace(solve(problem), objective=5.0)
    rules = pd.DataFrame({"rule_id": ["r1"]})
    found = {
        "import report": [file_issue("file.empty", Text("un fichier", "a file"), "", Text("a", "b"))],
        "cell reader": list(read_text("=1+1")[1]),
        "kb rules": check_rules(rules),
        "sector priors": check_sector_priors(broken_priors),
        "factor table": check_factors(pd.DataFrame({"factor_id": ["f"]})),
        "allocation": check_solution(problem, allocation),
    }
    for where, findings in found.items():
        assert findings, where
        assert all(type(f) is Finding and f.code and f.message("fr") and f.message("en") for f in findings), (
            where
        )


def _imports(module: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
    return names


def test_findings_is_a_bottom_module_and_kb_check_priors_have_no_cycle():
    assert {n for n in _imports(PACKAGE / "findings.py") if n.startswith("symbiosis")} == {"symbiosis.i18n"}
    assert "symbiosis.kb.check" not in _imports(PACKAGE / "kb" / "priors.py")


def test_the_baselines_check_returns_findings_with_their_rows(tmp_path):
    from symbiosis.engine.baselines import BaselineError, check_baselines, load_baselines

    table = load_baselines().astype(str).head(3)
    assert check_baselines(table) == []
    broken = table.assign(source=["", table["source"].iat[1], ""], year=["x", "2020", "2021"])
    found = {f.code: f for f in check_baselines(broken)}
    assert set(found) == {"empty_source", "year_not_a_number"}
    assert found["empty_source"].location == f"{table['applies_to'].iat[0]}, {table['applies_to'].iat[2]}"
    assert "source vide" in found["empty_source"].message("fr")
    assert "empty source" in found["empty_source"].message("en")
    broken.to_csv(tmp_path / "baselines.csv", index=False)
    with pytest.raises(BaselineError, match="year not a number"):
        load_baselines(tmp_path / "baselines.csv")


def test_a_table_missing_columns_says_column_or_columns():
    from symbiosis.engine.baselines import BASELINE_COLUMNS, check_baselines
    from symbiosis.engine.factors import FACTOR_COLUMNS

    for check, columns in ((check_factors, FACTOR_COLUMNS), (check_baselines, BASELINE_COLUMNS)):
        one = check(pd.DataFrame(columns=list(columns[1:])))[0].detail
        two = check(pd.DataFrame(columns=list(columns[2:])))[0].detail
        assert one.fr.startswith("colonne manquante [") and one.en.startswith("missing column [")
        assert two.fr.startswith("colonnes manquantes [") and two.en.startswith("missing columns [")
