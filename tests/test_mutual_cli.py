"""``symbiosis match --levers``: the levers on a registry, bad rows counted, JSON and workbook outputs."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest

import symbiosis.kb
from symbiosis.cli import main
from symbiosis.db import Actor, Repository

from .test_pipeline import RULES, tiny_registry

PURCHASES = """id_achat;id_entreprise;categorie;quantite_par_an;unite;prix_cad_par_unite
A1;A;propane;20 000;L;0,85
A2;B;propane;20 000;L;0,85
A3;D;propane;15 000;L;0,85
A4;Z;propane;15 000;L;0,85
"""
PICKUPS = """pickup_id,firm_id,residue_id,quantity,unit,frequency
K1,A,cardboard_occ,20,t/an,weekly
K2,B,cardboard_occ,15,t/an,weekly
K3,D,cardboard_occ,10,t/an,fortnightly
"""
RECEIVERS = """receiver_id,name,firm_id,lat,lon,residues,trucks
R1,Récupération C,C,48.55,-71.35,cardboard_occ,1
"""


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.setattr(symbiosis.kb, "load_rules", lambda *a, **k: RULES, raising=False)
    path = tmp_path / "reg.db"
    reg = tiny_registry()
    with Repository.from_url(f"sqlite:///{path}") as repo:
        repo.upsert_firms(Actor.system("test"), reg.firms)
        repo.upsert_streams(Actor.system("test"), reg.streams)
    return path


@pytest.fixture
def folder(tmp_path):
    out = tmp_path / "mutual"
    out.mkdir()
    (out / "achats.csv").write_text(PURCHASES, encoding="utf-8")
    (out / "pickups.csv").write_text(PICKUPS, encoding="utf-8")
    (out / "receivers.csv").write_text(RECEIVERS, encoding="utf-8")
    return out


def test_levers_as_json_with_explanations_and_the_bad_row_counted(db, folder, capsys):
    assert main(["match", "--db", str(db), "--json", "--levers", "--mutual-dir", str(folder)]) == 0
    captured = capsys.readouterr()
    levers = json.loads(captured.out)["levers"]
    assert "purchases: 4 lignes lues : 3 acceptées, 1 rejetée" in captured.err
    info = levers["levers"]
    assert info["purchasing"]["status"] == "optimal" and info["routes"]["status"] == "ok"
    assert info["sharing"]["status"] == "empty"
    group = [m for m in levers["memberships"] if m["lever"] == "purchasing"]
    assert {m["firm_id"] for m in group} == {"A", "B", "D"}  # 55 000 L reach the 50 000 L tier together
    texts = {e["lever"]: e["explanation"] for e in levers["explanations"]}
    assert "Firm A" in texts["purchasing"] and "Récupération C" in texts["routes"]


def test_levers_summary_and_workbook(db, folder, tmp_path, capsys):
    out = tmp_path / "levers.xlsx"
    assert (
        main(["match", "--db", str(db), "--levers", "--mutual-dir", str(folder), "--levers-out", str(out)])
        == 0
    )
    text = capsys.readouterr().out
    assert "Achats groupés : meilleur plan, prouvé," in text and "Collectes partagées" in text
    levers = text[text.index("Mutualisation (estimations)") :]
    assert "optimal" not in levers and "empty" not in levers  # words, not the planner's codes
    # counts in words with French plurals (0 and 1 singular), amounts the French way, whole dollars
    assert re.search(r"prouvé, 1 proposition, 3 entreprises, \d+ \$/an, [\d,]+ t CO2e/an", levers), levers
    assert "aucune donnée pour ce levier, 0 proposition, 0 entreprise, 0 $/an, 0 t CO2e/an" in levers
    assert not re.search(r"\d\.\d", levers.split("Statut")[0]), levers  # « 4,4 t », never « 4.4 t »
    assert main(["match", "--db", str(db), "--levers", "--mutual-dir", str(folder), "--lang", "en"]) == 0
    text = capsys.readouterr().out
    assert "Group purchasing: best plan, proven," in text and "Shared equipment and services: no data" in text
    assert re.search(r"proven, 1 proposal, 3 firms, [\d,]+ \$/yr", text) and "0 proposals, 0 firms" in text
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == [
        "Mutualisation",
        "Achats groupés",
        "Équipements partagés",
        "Unités communes",
        "Collectes partagées",
    ]


def test_a_missing_folder_is_an_argument_error(db, tmp_path, capsys):
    assert main(["match", "--db", str(db), "--levers", "--mutual-dir", str(tmp_path / "nowhere")]) == 2
    assert "folder not found" in capsys.readouterr().err


def test_the_report_command_adds_the_lever_sections(db, folder, tmp_path):
    out = tmp_path / "rapport.xlsx"
    assert main(["report", "--db", str(db), "--levers", "--mutual-dir", str(folder), "--out", str(out)]) == 0
    names = openpyxl.load_workbook(out).sheetnames
    assert {"Mutualisation", "Achats groupés", "Collectes partagées"} <= set(names)


def test_a_unit_table_in_the_folder_is_the_advisors(db, folder, capsys):
    (folder / "besoins_traitement.csv").write_text(
        "need_id,firm_id,treatment_type,quantity_per_yr,unit,current_cost_cad_per_unit\n"
        "U1,A,oily_water,400,m³,200\nU2,B,oily_water,300,m³,200\n",
        encoding="utf-8",
    )
    (folder / "unites_traitement.csv").write_text(
        "treatment_type;size_id;unit;capacity_per_yr;investment_cad;fixed_cost_cad_per_yr;"
        "variable_cost_cad_per_unit;lifetime_yr;t_per_unit\n"
        "oily_water;soumission-2027;m³;1 000;90 000;9 000;10,5;12;1\n",
        encoding="utf-8",
    )
    assert main(["match", "--db", str(db), "--json", "--levers", "--mutual-dir", str(folder)]) == 0
    levers = json.loads(capsys.readouterr().out)["levers"]
    texts = [e["explanation"] for e in levers["explanations"] if e["lever"] == "units"]
    assert len(texts) == 1 and "soumission-2027" in texts[0] and "90\u00a0000" in texts[0]
    assert "Traitement des eaux huileuses" in texts[0]


def test_levers_default_to_the_registrys_tables(db, folder, capsys):
    assert main(["match", "--db", str(db), "--json", "--levers"]) == 0  # nothing stored, not a sample
    info = json.loads(capsys.readouterr().out)["levers"]["levers"]
    assert {lever["status"] for lever in info.values()} == {"empty"}
    files = [str(folder / name) for name in ("achats.csv", "pickups.csv", "receivers.csv")]
    assert main(["import", *files, "--db", str(db)]) == 1  # firm Z is not in the registry: one row refused
    capsys.readouterr()
    assert main(["match", "--db", str(db), "--json", "--levers"]) == 0
    info = json.loads(capsys.readouterr().out)["levers"]["levers"]
    assert info["purchasing"]["status"] == "optimal" and info["routes"]["status"] == "ok"
