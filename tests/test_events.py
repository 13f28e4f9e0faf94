"""Event planner: a hand-checked optimum, the 60/15/8 instance against the greedy, the checker, agendas."""

from __future__ import annotations

import io
import shutil
import subprocess

import openpyxl
import pytest

from symbiosis.events import (
    Instance,
    Meeting,
    Pair,
    PlannerConfig,
    Schedule,
    build_model,
    check_schedule,
    greedy_schedule,
    instance_from_proposals,
    random_instance,
    solve,
)
from symbiosis.events.agenda import (
    Timing,
    agenda_pdf_bytes,
    agenda_xlsx_bytes,
    firm_agendas,
    master_schedule,
    quality_text,
)

FAST = PlannerConfig(time_limit_s=5.0, workers=1, seed=1)


def tiny() -> Instance:
    """4 firms, 1 table, 2 slots; A is only there in slot 0.

    Greedy places B–C (10) in slot 0, then cannot place A–B (A is gone in slot 1): 10 + 7 = 17.
    The optimum meets A–B in slot 0 and B–C in slot 1: 8 + 10 = 18 (no two pairs exceed it: the
    three weights are 10, 8, 7 and only two meetings fit).
    """
    pairs = (Pair("B", "C", 10), Pair("A", "B", 8), Pair("C", "D", 7))
    return Instance(("A", "B", "C", "D"), pairs, tables=1, slots=2, unavailable=frozenset({("A", 1)}))


def test_tiny_case_optimum_known_by_hand():
    inst = tiny()
    greedy = greedy_schedule(inst)
    assert greedy.objective == 17 and check_schedule(inst, greedy) == []
    best = solve(inst, FAST)
    assert best.status == "optimal" and best.method == "cp-sat"
    assert best.objective == 18 and best.bound == 18 and best.gap == 0
    assert check_schedule(inst, best) == []
    assert {(inst.pairs[m.pair].a, inst.pairs[m.pair].b, m.slot) for m in best.meetings} == {
        ("A", "B", 0),
        ("B", "C", 1),
    }


def test_sixty_firms_fifteen_tables_eight_slots_beats_or_equals_greedy():
    inst = random_instance(60, tables=15, slots=8, seed=3)
    greedy = greedy_schedule(inst)
    plan = solve(inst, PlannerConfig(time_limit_s=30.0, workers=1, seed=1))  # proves optimality in ~3 s
    assert plan.status in ("optimal", "feasible") and plan.method == "cp-sat"
    assert check_schedule(inst, plan) == [] and check_schedule(inst, greedy) == []
    assert plan.objective >= greedy.objective
    assert plan.objective <= plan.bound + 1e-6
    assert len(plan.meetings) <= 15 * 8


def test_availability_and_must_meet_are_respected():
    inst = random_instance(30, tables=5, slots=6, seed=5, p_unavailable=0.2, n_must=4)
    plan = solve(inst, FAST)
    assert plan.status in ("optimal", "feasible")
    assert check_schedule(inst, plan) == []
    met = {m.pair for m in plan.meetings}
    assert all(i in met for i, p in enumerate(inst.pairs) if p.must_meet)


def test_impossible_must_meets_are_reported_infeasible():
    pairs = (Pair("A", "B", 1, must_meet=True), Pair("A", "C", 1, must_meet=True))
    inst = Instance(("A", "B", "C"), pairs, tables=2, slots=1)
    assert solve(inst, FAST).status == "infeasible"
    away = Instance(("A", "B"), (Pair("A", "B", 3, must_meet=True),), 1, 1, frozenset({("A", 0)}))
    assert solve(away, FAST).status == "infeasible"  # no slot where both are present


def test_an_event_without_pairs_is_an_empty_optimal_schedule():
    plan = solve(Instance(("A", "B"), (), tables=1, slots=1), FAST)
    assert plan.status == "optimal" and plan.meetings == () and plan.objective == 0


def test_checker_finds_every_broken_rule():
    inst = tiny()
    bad = Schedule("feasible", (Meeting(0, 0, 0), Meeting(1, 0, 0), Meeting(1, 1, 0), Meeting(2, 5, 3)), 99)
    found = check_schedule(inst, bad)
    problems = "\n".join(f.message("en") for f in found)
    assert all(f.detail is not None and f.detail.fr != f.detail.en for f in found)
    assert {"pair_repeated", "firm_double_booked", "table_double_booked", "slot_out_of_range"} <= {
        f.code for f in found
    }
    for expected in (
        "pair 1 scheduled 2 times",
        "firm B has 2 meetings in slot 0",
        "table 0 holds 2",
        "slot 5 outside",
        "table 3 outside",
        "not available",
        "objective 99",
    ):
        assert expected in problems


def test_model_names_its_constraints():
    text = str(build_model(tiny()).model.proto)
    assert "Meeting-x[0,0]" in text and "Firm-slot[B,0]" in text


def _proposals():
    import pandas as pd

    return pd.DataFrame(
        {
            "supply_firm_id": ["F1", "F1", "F2", "F3"],
            "demand_firm_id": ["F2", "F3", "F3", "F9"],
            "net_value_cad_per_yr": [12_000.0, 3_000.0, 500.0, 99_000.0],
            "supply_label_fr": ["Sciure", "Sciure", "Écorces", "Ferraille"],
            "demand_label_fr": ["Granules", "Chaudière", "Chaudière", "Fonderie"],
        }
    )


def test_instance_from_proposals_sums_value_per_pair_and_keeps_attendees_only():
    inst = instance_from_proposals(
        _proposals(),
        ["F1", "F2", "F3"],
        tables=2,
        slots=2,
        names={"F1": "Scierie", "F2": "Granules", "F3": "Serres"},
        must_meet=[("F3", "F2")],
    )
    assert [(p.a, p.b, p.weight, p.must_meet) for p in inst.pairs] == [
        ("F1", "F2", 12, False),
        ("F1", "F3", 3, False),
        ("F2", "F3", 1, True),
    ]
    assert "Sciure → Granules (Scierie)" in inst.pairs[0].why


def test_agendas_and_master_schedule(tmp_path):
    inst = instance_from_proposals(
        _proposals(),
        ["F1", "F2", "F3"],
        tables=2,
        slots=3,
        names={"F1": "Scierie", "F2": "Granules", "F3": "Serres"},
    )
    plan = solve(inst, FAST)
    agendas = firm_agendas(inst, plan, "fr", Timing("08:30", 15))
    assert len(agendas) == 3 * 3
    scierie = agendas[agendas["firm_id"].eq("F1")].dropna(subset=["table"])
    assert set(scierie["counterpart"]) == {"Granules", "Serres"}
    assert agendas["time"].iloc[0] == "08:30–08:45"
    grid = master_schedule(inst, plan, "en")
    assert list(grid.columns) == ["Slot", "Time", "Table 1", "Table 2"]
    cells = grid.iloc[:, 2:]
    assert (cells != "— free —").sum().sum() == len(plan.meetings) == 3
    assert (cells == "— free —").sum().sum() == 2 * 3 - 3 and not (cells == "").any().any()  # never blank
    book = openpyxl.load_workbook(io.BytesIO(agenda_xlsx_bytes(inst, plan, "fr")))
    assert book.sheetnames == ["Sommaire", "Horaire général", "Agendas"]
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(agenda_pdf_bytes(inst, plan, "fr", greedy=greedy_schedule(inst)))
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True).stdout.decode()
        assert "Horaire général" in text and "Agenda de Scierie" in text and "Granules" in text


@pytest.mark.parametrize(
    ("objective", "bound", "fr", "en"),
    [
        (98, 100.0, "il vaut au moins 98 % du meilleur horaire possible", "worth at least 98 % of the best"),
        (4, 100.0, "le temps de calcul n'a pas suffi", "computing time was too short"),
    ],
)
def test_the_schedule_quality_says_what_the_figure_means(objective, bound, fr, en):
    # « au plus 96 % sous le meilleur horaire possible » read as a failed plan; the figure was how far
    # the solver's proof had got (its bound), not how poor the schedule was
    schedule = Schedule("feasible", (), objective, bound, "cp-sat")
    assert fr in quality_text(schedule, "fr") and en in quality_text(schedule, "en")
    assert "96" not in quality_text(schedule, "fr") and "au plus" not in quality_text(schedule, "fr")
