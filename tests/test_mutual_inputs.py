"""The levers' inputs in the registry: round trip, replace semantics, one transaction, confidentiality.

Every test runs on SQLite and on PostgreSQL (``two_firms`` stands on the ``db_url`` fixture).
"""

from __future__ import annotations

import pandas as pd
import pytest

from symbiosis.db import Actor, PermissionDenied, Repository
from symbiosis.db import mutual_inputs as store
from symbiosis.mutual.tables import MUTUAL_TABLES
from symbiosis.services.mutual_inputs import (
    MutualImport,
    firm_tables,
    import_mutual_file,
    load_mutual_inputs,
    row_counts,
    save_firm_rows,
    validate_firm_rows,
)
from symbiosis.views.mutual_cells import editor_frame, editor_rows

PURCHASES = (
    "id_achat;id_entreprise;categorie;quantite;unite;mois;prix\n"
    "PA1;A;nitrile_gloves;500;boîte;;12,5\n"
    "PA2;A;lubricants;4 400;L;5-9;5,22\n"
    "PB1;B;nitrile_gloves;300;boîte;;13\n"
)
FILES = {
    "purchases": PURCHASES,
    "capacity_offers": (
        "id_offre;id_entreprise;type_equipement;heures_par_semaine;jours;periodes;cout_horaire;couts_fixes\n"
        "OA;A;press;16;lun-jeu;matin;82,7;43 000\n"
    ),
    "capacity_needs": (
        "id_besoin;id_entreprise;type_equipement;heures_par_semaine;jours;periodes;cout_actuel\n"
        "NB;B;press;3;mar-ven;après-midi;207\n"
    ),
    "treatment_needs": (
        "id_besoin;id_entreprise;type_traitement;quantite;unite;cout_actuel\n"
        "UA;A;oily_water;280;m³;136\nUB;B;wood_grinding;280;t;53,7\n"
    ),
    "pickups": (
        "id_collecte;id_entreprise;residu;quantite;unite;frequence;plage_horaire;cout_actuel\n"
        "KA;A;ferrous_scrap;11;t/an;aux 4 semaines;07:30-16:30;230\n"
        "KB;B;cardboard_occ;250;kg/collecte;hebdomadaire;08:00-12:00;\n"
    ),
    "receivers": (
        "id_receveur;nom;id_entreprise;latitude;longitude;residus;camions\n"
        "RB;Récupération B;B;48.43;-71.05;cardboard_occ|ferrous_scrap;2\n"
    ),
}


def _import(ns, table: str, text: str, actor: Actor | None = None, name: str | None = None):
    return import_mutual_file(
        ns.repo,
        actor or ns.advisor,
        text.encode("utf-8"),
        name or f"{table}.csv",
        table=table,
        time_budget_s=None,
    )


def test_every_table_round_trips_through_the_registry(two_firms):
    for table, text in FILES.items():
        imported = _import(two_firms, table, text)
        assert imported.refused is None and imported.result.report.n_rejected == 0, table
    stored = load_mutual_inputs(two_firms.repo, two_firms.advisor)
    assert set(stored.sources.values()) == {"stored"}
    for table in MUTUAL_TABLES:
        expected = _import(two_firms, table, FILES[table]).result.valid  # validated again: same rows
        got = getattr(stored.data, table)
        assert list(got.columns) == list(MUTUAL_TABLES[table].names)
        pd.testing.assert_frame_equal(
            got.sort_values(got.columns[0]).reset_index(drop=True),
            expected.sort_values(expected.columns[0]).reset_index(drop=True),
            check_dtype=False,
        )
    pickups = stored.data.pickups.set_index("pickup_id")
    assert pickups.at["KB", "quantity_t_per_yr"] == pytest.approx(0.25 * 52)  # 250 kg a week, in t/yr
    assert pickups.at["KA", "window_start_min"] == 450 and pickups.at["KA", "period_weeks"] == 4


def test_reimporting_replaces_the_named_firms_rows_and_leaves_the_others(two_firms):
    _import(two_firms, "purchases", PURCHASES)
    again = _import(
        two_firms,
        "purchases",
        "id_achat;id_entreprise;categorie;quantite;prix\nPA1;A;nitrile_gloves;900;12\n",
    )
    assert again.outcome.firms == ("A",) and again.outcome.removed == 1 and again.outcome.written == 1
    text = again.summary("fr")
    assert "1 entreprise nommée dans le fichier (A)" in text and "1 ligne absente du fichier retirée" in text
    assert "other firms' rows are unchanged" in again.summary("en")
    rows = load_mutual_inputs(two_firms.repo, two_firms.advisor).data.purchases.set_index("purchase_id")
    assert sorted(rows.index) == ["PA1", "PB1"]  # PA2 left with A's old file; B untouched
    assert rows.at["PA1", "quantity_per_yr"] == 900.0 and rows.at["PB1", "quantity_per_yr"] == 300.0
    audit = two_firms.repo.audit(two_firms.advisor, table="mutual_purchases")
    assert {"delete", "update", "insert"} <= set(audit["action"])
    batches = two_firms.repo.import_batches(two_firms.advisor)
    assert batches["report"].iloc[0]["replaced"]["removed"] == 1


def test_a_rejected_row_keeps_its_stored_version_and_a_firm_named_only_by_rejects_keeps_all(two_firms):
    _import(two_firms, "purchases", PURCHASES)
    bad = (
        "id_achat;id_entreprise;categorie;quantite;prix\nPA1;A;nitrile_gloves;beaucoup;12\nPB1;B;gants;3;1\n"
    )
    result = _import(two_firms, "purchases", bad)
    assert result.result.report.n_rejected == 2 and result.outcome.removed == 0
    rows = load_mutual_inputs(two_firms.repo, two_firms.advisor).data.purchases
    assert sorted(rows["purchase_id"]) == ["PA1", "PA2", "PB1"]  # nothing lost
    mixed = (
        "id_achat;id_entreprise;categorie;quantite;prix\n"
        "PA1;A;nitrile_gloves;beaucoup;12\nPA3;A;lubricants;10;5\n"
    )
    outcome = _import(two_firms, "purchases", mixed).outcome
    assert outcome.kept == ("PA1",) and outcome.removed == 1  # PA2 gone, PA1 kept as it was, PA3 new
    assert "1 ligne déjà enregistrée conservée telle quelle, car sa nouvelle version" in _import(
        two_firms, "purchases", mixed
    ).summary("fr")
    rows = load_mutual_inputs(two_firms.repo, two_firms.advisor).data.purchases.set_index("purchase_id")
    assert sorted(rows.index) == ["PA1", "PA3", "PB1"] and rows.at["PA1", "quantity_per_yr"] == 500.0


def test_an_import_that_fails_stores_nothing_not_even_its_batch(two_firms, monkeypatch):
    _import(two_firms, "purchases", PURCHASES)
    before = len(two_firms.repo.import_batches(two_firms.advisor))
    # A's file reuses B's purchase id: B is not named, its row must not move: refused whole
    steal = "id_achat;id_entreprise;categorie;quantite;prix\nPA1;A;lubricants;1;1\nPB1;A;lubricants;2;2\n"
    refused = _import(two_firms, "purchases", steal)
    assert refused.outcome is None and "PB1" in refused.refused.fr and "another firm" in refused.refused.en
    rows = load_mutual_inputs(two_firms.repo, two_firms.advisor).data.purchases.set_index("purchase_id")
    assert rows.at["PB1", "firm_id"] == "B" and rows.at["PA1", "category_id"] == "nitrile_gloves"
    assert sorted(rows.index) == ["PA1", "PA2", "PB1"]
    assert len(two_firms.repo.import_batches(two_firms.advisor)) == before
    assert "denied" in set(two_firms.repo.audit(two_firms.advisor)["action"])

    def broken(*_a, **_k):  # the batch cannot be written: the rows written before it roll back
        raise RuntimeError("disk full")

    monkeypatch.setattr(store, "insert_batch", broken)
    with pytest.raises(RuntimeError):
        _import(
            two_firms, "purchases", "id_achat;id_entreprise;categorie;quantite;prix\nPA9;A;lubricants;1;1\n"
        )
    rows = load_mutual_inputs(two_firms.repo, two_firms.advisor).data.purchases
    assert sorted(rows["purchase_id"]) == ["PA1", "PA2", "PB1"]


def test_a_firm_sees_and_writes_only_its_own_rows(two_firms):
    for table, text in FILES.items():
        _import(two_firms, table, text)
    mine = load_mutual_inputs(two_firms.repo, two_firms.a)
    for table in MUTUAL_TABLES:
        frame = getattr(mine.data, table)
        assert table != "receivers" or frame.empty  # the advisor's list
        assert set(frame.get("firm_id", pd.Series(dtype=str))) <= {"A"}, table
    assert "PB1" not in mine.data.purchases["purchase_id"].tolist()
    with pytest.raises(PermissionDenied):
        firm_tables(two_firms.repo, two_firms.a, "B")
    # a firm's file naming another firm: those rows are rejected and say so; B's rows stay
    upload = _import(two_firms, "purchases", PURCHASES, actor=two_firms.a)
    codes = {i.code for i in upload.result.report.issues}
    assert "firm_id.other_firm" in codes and upload.outcome.firms == ("A",)
    assert "PB1" in set(load_mutual_inputs(two_firms.repo, two_firms.advisor).data.purchases["purchase_id"])
    refused = _import(two_firms, "receivers", FILES["receivers"], actor=two_firms.a)
    assert refused.outcome is None and "advisors" in refused.refused.en
    with pytest.raises(PermissionDenied):  # the store itself refuses a firm writing another's rows
        store.replace_mutual_rows(
            two_firms.repo, two_firms.a, "purchases", mine.data.purchases.iloc[:0], firm_ids={"B"}
        )
    read_only = _import(two_firms, "purchases", PURCHASES, actor=two_firms.manager)  # reads, never writes
    assert read_only.outcome is None and "may read the registry" in read_only.refused.en


def test_a_firms_edited_table_round_trips_and_replaces_only_its_rows(two_firms):
    for table, text in FILES.items():
        _import(two_firms, table, text)
    repo, a = two_firms.repo, two_firms.a
    for lang in ("fr", "en"):
        for table, stored in firm_tables(repo, a, "A").items():
            rows, numbers = editor_rows(editor_frame(stored, table, lang), table)
            result = validate_firm_rows(rows, table, "A", lang=lang, row_numbers=numbers)
            assert result.report.n_rejected == 0, (table, lang, result.report.to_frame(lang))
            pd.testing.assert_frame_equal(
                result.valid.reset_index(drop=True), stored.reset_index(drop=True), check_dtype=False
            )
    stored = firm_tables(repo, a, "A")["purchases"]
    frame = editor_frame(stored, "purchases", "fr")
    frame.loc[frame["purchase_id"] == "PA1", "quantity_per_yr"] = "-3"  # a typo: refused, PA1 kept
    frame = frame[frame["purchase_id"] != "PA2"]  # removed by the firm
    new = ["", "Huiles et graisses lubrifiantes", "", "20", "L", "", "4,5", ""]
    frame.loc[len(frame)] = new  # a new row, its category by its label
    rows, numbers = editor_rows(frame, "purchases")
    result = validate_firm_rows(rows, "purchases", "A", lang="fr", row_numbers=numbers)
    [issue] = [i for i in result.report.issues if i.severity == "error"]
    assert issue.row == 1 and issue.column == "Quantité par an"  # the editor's header, not an import name
    assert "Ligne 1" in issue.message("fr") and "sans signe moins" in issue.message("fr")
    assert "minus" in issue.message("en")
    outcome = save_firm_rows(repo, a, "purchases", result)
    assert outcome.kept == ("PA1",) and outcome.removed == 1 and outcome.written == 1
    rows = load_mutual_inputs(repo, two_firms.advisor).data.purchases
    assert set(rows.loc[rows["firm_id"] == "A", "category_id"]) == {"nitrile_gloves", "lubricants"}
    assert rows.loc[rows["firm_id"] == "B", "purchase_id"].tolist() == ["PB1"]


def test_the_sample_is_read_only_on_a_sample_registry_with_nothing_stored(tmp_path):
    from symbiosis.cli import main

    db = tmp_path / "sample.db"
    assert main(["init", "--db", str(db), "--sample", "--json"]) == 0
    advisor = Actor("c", "advisor")
    with Repository.from_url(f"sqlite:///{db}") as repo:
        loaded = load_mutual_inputs(repo, advisor)
        assert set(loaded.sources.values()) == {"sample"} and len(loaded.data.purchases) > 1000
        assert load_mutual_inputs(repo, Actor("f", "firm", "F0001")).data.empty  # firms: only what is stored
        text = "id_achat;id_entreprise;categorie;quantite;prix\nX1;F0001;lubricants;10;5\n"
        import_mutual_file(repo, advisor, text.encode(), "achats.csv")
        loaded = load_mutual_inputs(repo, advisor)
        assert loaded.sources["purchases"] == "stored" and loaded.data.purchases["purchase_id"].tolist() == [
            "X1"
        ]
        assert loaded.sources["pickups"] == "sample"  # the other tables are still the sample's
    with Repository.from_url(f"sqlite:///{tmp_path / 'real.db'}") as repo:
        assert load_mutual_inputs(repo, advisor).source == "empty"  # not a sample: never the fictional rows


def test_deleting_a_firm_erases_what_it_declared(two_firms):
    _import(two_firms, "purchases", PURCHASES)
    two_firms.repo.delete_firm(two_firms.advisor, "B")
    rows = load_mutual_inputs(two_firms.repo, two_firms.advisor).data.purchases
    assert sorted(rows["purchase_id"]) == ["PA1", "PA2"]
    audit = two_firms.repo.audit(two_firms.advisor, table="mutual_purchases", action="delete")
    assert audit["row_key"].tolist() == ["PB1"] and audit["before"].iloc[0]["quantity_per_yr"] == 300.0


def test_symbiosis_import_stores_the_levers_tables_beside_firms(tmp_path, capsys):
    import json

    from symbiosis.cli import main
    from symbiosis.services.importing import SAMPLE_DIR

    firms = tmp_path / "entreprises.csv"
    lines = (SAMPLE_DIR / "firms.csv").read_text(encoding="utf-8").splitlines()
    firms.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")  # F0001..F0003
    ids = [line.split(",")[0] for line in lines[1:4]]
    purchases = tmp_path / "export_du_mois.csv"  # recognised by its headers, not its name
    purchases.write_text(
        "id_achat;id_entreprise;categorie;quantite;prix\n"
        f"X1;{ids[0]};lubricants;10;5\nX2;{ids[1]};nitrile_gloves;20;12\nX3;F9999;lubricants;1;1\n",
        encoding="utf-8",
    )
    db = tmp_path / "r.db"
    code = main(
        ["import", str(firms), str(purchases), "--db", str(db), "--json", "--rejected", str(tmp_path)]
    )
    out = json.loads(capsys.readouterr().out)
    assert code == 1  # one purchase names a firm the registry does not hold
    assert out["firms"]["accepted"] == 3 and out["purchases"]["accepted"] == 2
    assert out["purchases"]["replaced"]["firms"] == sorted(ids[:2])
    assert (tmp_path / "export_du_mois_rejected.csv").is_file()
    (tmp_path / "achats.csv").write_text(
        f"id_achat;id_entreprise;categorie;quantite;prix\nX4;{ids[0]};lubricants;3;5\n"
    )
    assert main(["import", str(tmp_path / "achats.csv"), "--db", str(db)]) == 0
    assert "1 ligne absente du fichier retirée" in capsys.readouterr().out
    with Repository.from_url(f"sqlite:///{db}") as repo:
        rows = load_mutual_inputs(repo, Actor("c", "advisor")).data.purchases
    assert sorted(rows["purchase_id"]) == ["X2", "X4"]  # the second firm's row untouched


def test_each_registry_table_mirrors_its_frame_schema():
    from symbiosis.db.models_mutual import MUTUAL_INPUT_TABLES

    assert set(MUTUAL_INPUT_TABLES) == set(MUTUAL_TABLES)
    types = {"str": "VARCHAR", "float": "FLOAT", "int": "INTEGER"}
    for name, schema in MUTUAL_TABLES.items():
        table = MUTUAL_INPUT_TABLES[name]
        assert [c.name for c in table.columns] == schema.names, name
        assert [c.name for c in table.primary_key.columns] == list(schema.key), name
        for col in schema.columns:
            column = table.c[col.name]
            assert column.nullable == (not col.required), (name, col.name)
            assert str(column.type) == ("TEXT" if col.name == "description" else types[col.dtype]), col.name
        owner = table.c["firm_id"].foreign_keys
        assert bool(owner) == (name != "receivers"), name


def test_opening_the_database_loads_neither_the_levers_nor_pint():
    import subprocess
    import sys

    probe = (
        "import sys; import symbiosis.db.metadata; "
        "print(sorted(m for m in ('pint', 'symbiosis.mutual') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _summary(
    lang: str, *, firms: tuple[str, ...], written: int, removed: int, kept: tuple[str, ...] = ()
) -> str:
    outcome = store.ReplaceOutcome("purchases", firms, written, removed, kept, None)
    return MutualImport("achats.csv", "purchases", outcome=outcome).summary(lang)


def test_the_import_summary_counts_in_each_languages_plural():
    assert _summary("fr", firms=("A",), written=1, removed=1, kept=("P1",)) == (
        "Lignes remplacées pour 1 entreprise nommée dans le fichier (A) ; les lignes des autres entreprises "
        "sont inchangées. 1 ligne ajoutée ou modifiée, 1 ligne absente du fichier retirée. 1 ligne déjà "
        "enregistrée conservée telle quelle, car sa nouvelle version est refusée (P1)."
    )
    assert _summary("fr", firms=("A", "B"), written=2, removed=0, kept=("P1", "P2")) == (
        "Lignes remplacées pour 2 entreprises nommées dans le fichier (A, B) ; les lignes des autres "
        "entreprises sont inchangées. 2 lignes ajoutées ou modifiées, 0 ligne absente du fichier retirée. 2 "
        "lignes déjà enregistrées conservées telles quelles, car leur nouvelle version est refusée (P1, P2)."
    )
    assert _summary("en", firms=("A",), written=1, removed=2) == (
        "Rows replaced for 1 firm named in the file (A); other firms' rows are unchanged. "
        "1 row added or changed, 2 rows absent from the file removed."
    )
    assert _summary("en", firms=("A", "B"), written=0, removed=1, kept=("P1",)).endswith(
        "0 rows added or changed, 1 row absent from the file removed. "
        "1 stored row kept as it was, because its new version was refused (P1)."
    )


def test_the_receivers_summary_and_a_firms_save_count_rows_in_each_languages_plural():
    receivers = store.ReplaceOutcome("receivers", (), 1, 2, (), None)
    said = MutualImport("receveurs.csv", "receivers", outcome=receivers)
    assert said.summary("fr") == "Liste des receveurs remplacée : 1 ligne ajoutée ou modifiée, 2 retirées."
    assert said.summary("en") == "List of receivers replaced: 1 row added or changed, 2 removed."
    saved = store.ReplaceOutcome("purchases", ("A",), 2, 1, (), None)
    assert row_counts(saved, "fr") == {"written": "2 lignes ajoutées ou modifiées", "removed": "1 retirée"}
    assert row_counts(saved, "en") == {"written": "2 rows added or changed", "removed": "1 removed"}
