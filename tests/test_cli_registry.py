"""``symbiosis init`` and ``symbiosis import``: the registry is built from files and keeps good rows."""

from __future__ import annotations

import json

import pytest

from symbiosis.cli import main
from symbiosis.db import Actor, Repository

FIRMS_FR = (
    "id_entreprise;nom;code_scian;parc;municipalite;latitude;longitude;accepte_dangereux;confidentialite\n"
    "A1;Scierie du Nord;321111;;Dolbeau-Mistassini;48,88;-72,23;non;membres\n"
    "A2;Serres du Lac;111419;;Alma;;;non;membres\n"
    "A3;Usine Fantôme;332710;;Villeinconnue;;;non;membres\n"
)
STREAMS_FR = (
    "id_flux;id_entreprise;sens;categorie;description;quantite;unite;disponibilite;mois\n"
    "X1;A1;offre;wood_sawdust;sciure de résineux;12,5;t/an;continu;\n"
    "X2;A2;demande;wood_sawdust;copeaux pour chaudière;douze;t/an;continu;\n"
    "X3;A1;offre;wood_bark;écorces;1 200,5;t/an;saisonnier;5-10\n"
)


@pytest.fixture
def db(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return tmp_path / "reg.db"


def test_import_keeps_good_rows_reports_bad_ones_and_writes_rejected(db, tmp_path, capsys):
    firms, streams = tmp_path / "entreprises.csv", tmp_path / "flux.csv"
    firms.write_text(FIRMS_FR, encoding="utf-8")
    streams.write_text(STREAMS_FR, encoding="utf-8")
    code = main(
        ["import", str(firms), str(streams), "--db", str(db), "--rejected", str(tmp_path / "rej"), "--json"]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 1
    assert out["firms"]["accepted"] == 2 and out["firms"]["rejected"] == 1
    assert out["streams"]["accepted"] == 2 and out["streams"]["rejected"] == 1
    bad = next(i for i in out["streams"]["issues"] if i["severity"] == "error")
    assert bad["row"] == 3 and "douze" in bad["message_fr"] and "douze" in bad["message_en"]
    registry = Repository.from_url(f"sqlite:///{db}").load_registry(Actor.system("t"))
    qty = registry.streams.set_index("stream_id")["quantity_per_yr"]
    assert qty["X1"] == pytest.approx(12.5) and qty["X3"] == pytest.approx(1200.5)
    assert registry.firms.set_index("firm_id").loc["A2", "coord_source"] == "municipality"
    rejected = (tmp_path / "rej" / "flux_rejected.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(rejected) == 2 and rejected[1].replace('"', "").startswith("X2;A2;demande")
    assert not (tmp_path / "rej" / "entreprises_rejected.csv").read_text(encoding="utf-8-sig").count("A1;")


def test_import_missing_file_exit_code(db, tmp_path, capsys):
    assert main(["import", str(tmp_path / "nope.csv"), "--db", str(db)]) == 2


def test_init_sample_builds_the_region(db, capsys):
    assert main(["init", "--db", str(db), "--sample", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["firms"]["rejected"] == 0 and summary["streams"]["rejected"] == 0
    registry = Repository.from_url(f"sqlite:///{db}").load_registry(Actor.system("t"))
    assert len(registry.firms) >= 300 and len(registry.streams) >= 1000
    assert registry.firms["municipality"].nunique() >= 12
    assert registry.streams["quantity_per_yr"].notna().all()
    assert (registry.streams["quantity_per_yr"] > 0).all()
    # idempotent: a second init keeps the same rows
    assert main(["init", "--db", str(db), "--sample", "--json"]) == 0
    again = Repository.from_url(f"sqlite:///{db}").load_registry(Actor.system("t"))
    assert len(again.streams) == len(registry.streams)


def test_reimport_records_accepted_rows_not_rows_changed(db, tmp_path):
    firms = tmp_path / "entreprises.csv"
    firms.write_text(FIRMS_FR, encoding="utf-8")
    for _ in range(2):
        main(["import", str(firms), "--db", str(db), "--json"])
    batches = Repository.from_url(f"sqlite:///{db}").import_batches(Actor.system("t"))
    assert batches["accepted_count"].tolist() == [2, 2]
