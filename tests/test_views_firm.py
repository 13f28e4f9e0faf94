"""Pure helpers of the firm screens and the demo accounts (no Streamlit)."""

from __future__ import annotations

import pandas as pd
import pytest

from symbiosis.db import Actor, NotFound, PermissionDenied, Repository
from symbiosis.db.accounts import AccountRepository
from symbiosis.services.demo_accounts import DEMO_ACCOUNTS, DemoAccount, create_demo_accounts
from symbiosis.services.firm_self_service import (
    load_firm,
    save_profile,
    save_valid,
    upload_streams,
    validate_profile,
    validate_stream_rows,
)
from symbiosis.services.importing import SAMPLE_DIR
from symbiosis.views.auth import display_name
from symbiosis.views.firm import firm_id_in_view, number_cell, profile_cells, raw_table
from symbiosis.views.firm_streams import (
    EDITOR_COLUMNS,
    category_options,
    changed_rows,
    editor_frame,
    editor_rows,
    months_cell,
    pending_rows,
    rows_to_fix,
    stream_cells,
    streams_table,
    unit_options,
    with_pending,
)
from symbiosis.views.kept_rows import kept_messages
from tests._registry_helpers import stream, tiny_registry

SYSTEM = Actor.system("test")
F1 = Actor("scierie", "firm", "F1")


@pytest.fixture
def tiny_repo(tmp_path):
    with Repository.from_url(f"sqlite:///{tmp_path / 'tiny.db'}") as repo:
        reg = tiny_registry()
        repo.upsert_firms(SYSTEM, reg.firms)
        repo.upsert_streams(SYSTEM, reg.streams)
        yield repo


# -- sign-in ---------------------------------------------------------------------------------------


def test_display_name_falls_back_to_the_user_id():
    users = pd.DataFrame({"user_id": ["a", "b"], "display_name": ["Anne", ""]})
    assert display_name(users, "a") == "Anne"
    assert display_name(users, "b") == "b"
    assert display_name(users.iloc[:0], "c") == "c"


# -- demo accounts ---------------------------------------------------------------------------------


def test_demo_accounts_are_one_table_with_every_role_and_real_sample_firms():
    roles = {a.role for a in DEMO_ACCOUNTS}
    assert roles == {"advisor", "program_manager", "firm"}
    assert [a.user_id for a in DEMO_ACCOUNTS][:2] == ["conseillere", "gestionnaire"]
    sample = set(pd.read_csv(SAMPLE_DIR / "firms.csv", dtype=str)["firm_id"])
    firms = [a for a in DEMO_ACCOUNTS if a.role == "firm"]
    assert len(firms) >= 3 and all(a.firm_id in sample for a in firms)
    assert all(len(a.password) >= 8 for a in DEMO_ACCOUNTS)


def test_create_demo_accounts_is_idempotent_and_skips_missing_firms(tiny_repo):
    accounts = (
        DemoAccount("c", "motdepasse-c", "advisor", None, "C"),
        DemoAccount("f1", "motdepasse-f1", "firm", "F1", "F1"),
        DemoAccount("f9", "motdepasse-f9", "firm", "F9", "F9"),
    )
    assert create_demo_accounts(tiny_repo, SYSTEM, accounts) == ["c", "f1"]
    assert create_demo_accounts(tiny_repo, SYSTEM, accounts) == []
    assert (
        AccountRepository(tiny_repo).sign_in("f1", "motdepasse-f1").actor is None
    )  # demo accounts: sample registries only
    AccountRepository(tiny_repo).mark_sample(SYSTEM, tiny_repo.firms(SYSTEM)["firm_id"])
    assert AccountRepository(tiny_repo).sign_in("f1", "motdepasse-f1").actor == Actor("f1", "firm", "F1")
    assert AccountRepository(tiny_repo).sign_in("f1", "motdepasse-c").actor is None


def test_init_sample_creates_the_demo_accounts_once(tmp_path, capsys):
    from symbiosis.cli import main

    db = tmp_path / "sample.db"
    assert main(["init", "--db", str(db), "--sample"]) == 0
    assert "conseillere, gestionnaire" in capsys.readouterr().out
    assert main(["init", "--db", str(db), "--sample"]) == 0
    assert "demo accounts created: -" in capsys.readouterr().out
    with Repository.from_url(f"sqlite:///{db}") as repo:
        for account in DEMO_ACCOUNTS:
            actor = AccountRepository(repo).sign_in(account.user_id, account.password).actor
            assert actor == Actor(account.user_id, account.role, account.firm_id)


def test_a_firm_may_not_create_accounts(tiny_repo):
    with pytest.raises(PermissionDenied):
        create_demo_accounts(tiny_repo, F1, DEMO_ACCOUNTS[:1])


# -- access ----------------------------------------------------------------------------------------


def test_firm_in_view_defaults_to_the_actors_own():
    assert firm_id_in_view(F1.firm_id, None) == "F1"
    assert firm_id_in_view(F1.firm_id, " ") == "F1"
    assert firm_id_in_view(F1.firm_id, "F2") == "F2"  # the repository then refuses


def test_load_firm_refuses_another_firm_and_audits_it(tiny_repo):
    assert load_firm(tiny_repo, F1, "F1")["name"] == "Scierie Péribonka"
    with pytest.raises(PermissionDenied):
        load_firm(tiny_repo, F1, "F2")
    assert "scierie" in set(tiny_repo.audit(SYSTEM, action="denied")["actor_id"])
    with pytest.raises(NotFound):
        load_firm(tiny_repo, Actor("c", "advisor"), "F9")


# -- profile ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [
        (48.43, "fr", "48,43"),
        (-71.07, "en", "-71.07"),
        (1200.5, "fr", "1 200,5"),
        (float("nan"), "fr", ""),
        (None, "en", ""),
    ],
)
def test_number_cell_writes_what_the_importer_reads(value, lang, text):
    assert number_cell(value, lang) == text


def test_profile_round_trips_through_the_importer(tiny_repo):
    firm = load_firm(tiny_repo, F1, "F1")
    result = validate_profile(profile_cells(firm, "fr"), "F1", lang="fr")
    assert result.report.ok and not result.report.issues
    assert save_profile(tiny_repo, F1, result) == 0  # nothing changed
    row = result.valid.iloc[0]
    assert (row["lat"], row["lon"], row["coord_source"]) == (48.88, -72.23, "declared")


def test_profile_keeps_a_park_position_as_a_park_position():
    firm = {
        "firm_id": "F1",
        "name": "X",
        "scian_code": "321111",
        "park_id": "alma-sud",
        "municipality": "Alma",
        "lat": 48.5,
        "lon": -71.6,
        "coord_source": "park",
        "accepts_hazardous": False,
        "confidentiality": "members",
    }
    cells = profile_cells(firm, "fr")
    assert cells["lat"] == cells["lon"] == "" and cells["accepts_hazardous"] == "non"
    assert validate_profile(cells, "F1").valid.iloc[0]["coord_source"] == "park"


def test_profile_errors_name_row_column_and_fix_and_the_firm_id_is_forced(tiny_repo):
    cells = {**profile_cells(load_firm(tiny_repo, F1, "F1")), "firm_id": "F2", "scian_code": "12x"}
    result = validate_profile(cells, "F1", lang="en")
    assert result.valid.empty
    issue = result.report.errors[0]
    assert (issue.row, issue.column, issue.code) == (1, "scian_code", "scian_code.invalid")
    assert issue.fix.en


def test_a_firm_cannot_save_another_firms_profile(tiny_repo):
    cells = profile_cells(load_firm(tiny_repo, SYSTEM, "F2"))
    with pytest.raises(PermissionDenied):
        save_profile(tiny_repo, F1, validate_profile(cells, "F2"))


# -- streams ---------------------------------------------------------------------------------------


def test_months_cell():
    assert months_cell(0xFFF) == ""
    assert months_cell(0b1110_0000_0111) == "1,2,3,10,11,12"


def test_raw_table_uses_language_headers_and_given_row_numbers():
    raw = raw_table([{"quantity": "12,5"}], ["quantity", "unit"], lang="fr", row_numbers=[7])
    assert list(raw.frame.columns) == ["quantite", "unite"]
    assert raw.source_rows == (7,) and raw.header_map == {"quantite": "quantity", "unite": "unit"}


def test_stream_cells_round_trip_through_the_importer():
    stored = pd.DataFrame(
        [
            stream(
                "S9",
                "F1",
                "supply",
                "wood_bark",
                1200,
                description="écorces",
                quantity_as_typed="1 200",
                months_mask=0b1_1111_0000,
                availability="seasonal",
                disposal_cost_cad_per_unit=5.5,
                confidentiality="public",
            )
        ]
    )
    cells = stream_cells(stored.iloc[0], "fr")
    assert cells["months"] == "5,6,7,8,9" and cells["disposal_cost_cad_per_unit"] == "5,5"
    assert cells["direction"] == "offre"
    row = validate_stream_rows([cells], "F1").valid.iloc[0]
    for column in (
        "stream_id",
        "category_id",
        "quantity_per_yr",
        "months_mask",
        "availability",
        "disposal_cost_cad_per_unit",
        "confidentiality",
        "description",
    ):
        assert row[column] == stored.iloc[0][column], column


def test_validate_stream_rows_gives_every_row_the_firm():
    result = validate_stream_rows(
        [
            {
                "firm_id": "F2",
                "direction": "demand",
                "category_id": "wood_bark",
                "quantity": "10",
                "unit": "t/an",
            }
        ],
        "F1",
        lang="en",
    )
    assert result.valid["firm_id"].tolist() == ["F1"]


def test_category_options_put_the_three_suggestions_first(tiny_repo):
    from symbiosis.kb import load_categories

    categories = load_categories()
    options = category_options("brasque usée des cuves", categories, lang="fr")
    assert options[0] == "al_spent_pot_lining"
    assert sorted(options) == sorted(categories["category_id"])
    assert category_options("  ", categories)[0] == categories.sort_values("label_fr")["category_id"].iloc[0]


def test_streams_table_keeps_numbers_numeric_and_units_in_words(tiny_repo):
    """#11.9: numeric columns sorted as text because they were pre-formatted strings."""
    table = streams_table(tiny_repo.streams(F1), "fr")
    assert table["Quantité par an"].tolist() == [1200.0]  # the screen writes it « 1 200 »
    assert table["Unité"].tolist() == ["t/an"]
    assert table["Confidentialité"].tolist() == ["Membres du réseau"]


def test_streams_table_says_which_categories_no_person_chose(tiny_repo):
    streams = tiny_repo.streams(F1)
    typed = streams_table(streams, "fr")
    assert "à confirmer" not in typed["Catégorie"].iloc[0]
    inferred = streams.assign(category_source="inferred")
    french = streams_table(inferred, "fr")["Catégorie"].iloc[0]
    assert (
        french.startswith(typed["Catégorie"].iloc[0]) and "(déduite de la description, à confirmer)" in french
    )
    english = streams_table(inferred.assign(category_source="corrected"), "en")
    assert english["Category"].iloc[0].endswith("(inferred from the description, to confirm)")


def test_english_editor_shows_the_unit_from_its_own_list(tiny_repo):
    """The walk: the English table's unit column was blank — « t/an » is not among its choices."""
    streams = tiny_repo.streams(F1).assign(unit_as_typed="t/an")
    assert editor_frame(streams, "en")["unit"].tolist() == ["t/yr"] * len(streams)
    assert editor_frame(streams, "en")["unit"].isin(unit_options("en")).all()
    assert editor_frame(streams, "fr")["unit"].tolist() == ["t/an"] * len(streams)


def test_editor_rows_keep_the_stored_cells_the_table_does_not_show(tiny_repo):
    streams = pd.DataFrame(
        [
            stream(
                "S9",
                "F1",
                "supply",
                "wood_bark",
                10,
                description="écorces",
                moisture_pct=45.0,
                max_distance_km=80.0,
            )
        ]
    )
    stored = editor_frame(streams, "fr")
    assert list(stored.columns) == list(EDITOR_COLUMNS)
    edited = stored.copy()
    edited.loc[0, "quantity"] = "20"
    edited.loc[1] = ["", "demande", "wood_bark", "écorces pour chaudière", "5", "t/an", "", "membres"]
    assert changed_rows(stored, edited) == [0, 1]
    rows = editor_rows(edited, streams, [0, 1], "fr")
    assert (rows[0]["moisture_pct"], rows[0]["max_distance_km"], rows[0]["quantity"]) == ("45", "80", "20")
    assert rows[1]["description"] == "écorces pour chaudière" and "moisture_pct" not in rows[1]


def _bad_and_good_rows() -> list[dict[str, str]]:
    row = {"unit": "t/an", "direction": "offre", "category_id": "wood_bark"}
    return [{**row, "stream_id": "S1", "quantity": "20"}, {**row, "stream_id": "", "quantity": "beaucoup"}]


def test_refused_editor_rows_stay_pending_with_their_messages():
    rows = _bad_and_good_rows()
    result = validate_stream_rows(rows, "F1", row_numbers=[1, 4])
    assert len(result.valid) == 1
    pending = pending_rows(rows, [1, 4], result.report)
    assert len(pending) == 1 and pending[0]["quantity"] == "beaucoup"
    stored = pd.DataFrame(
        [["S1", "offre", "wood_bark", "", "10", "t/an", "", "membres"]],
        columns=list(EDITOR_COLUMNS),
        dtype=object,
    )
    frame = with_pending(stored, pending)
    assert frame["quantity"].tolist() == ["10", "beaucoup"] and frame["errors"].iloc[0] == ""
    # the table's header, not the file's « quantite »
    assert frame["errors"].iloc[1].startswith("Ligne 2, colonne « Quantité » : on attendait un nombre")
    replaced = with_pending(stored, [{**pending[0], "stream_id": "S1"}])
    assert replaced["quantity"].tolist() == ["beaucoup"]
    english = with_pending(stored, pending, "en")["errors"].iloc[1]
    assert english.startswith("Row 2, column “Quantity”: expected a number, found “beaucoup”.")


def test_a_kept_row_reads_in_the_language_the_table_is_drawn_in():
    # kept in French, read again in English after a reload: « offre », « Écorces », « t/an » in an
    # English table could not be picked again, and re-checked as English they were misread
    rows = _bad_and_good_rows()
    result = validate_stream_rows(rows, "F1", row_numbers=[1, 4])
    pending = pending_rows(rows, [1, 4], result.report, labels={"wood_bark": "Écorces"})
    stored = pd.DataFrame(columns=list(EDITOR_COLUMNS), dtype=object)
    english = with_pending(stored, pending, "en", labels={"wood_bark": "Bark"}).iloc[0]
    assert (english["direction"], english["category_id"], english["unit"]) == ("supply", "Bark", "t/yr")
    french = with_pending(stored, pending, "fr", labels={"wood_bark": "Écorces"}).iloc[0]
    assert (french["direction"], french["category_id"], french["unit"]) == ("offre", "Écorces", "t/an")
    assert english["quantity"] == french["quantity"] == "beaucoup"


def test_a_kept_row_is_named_by_the_line_where_it_stands_after_the_save():
    # checked as line 4 (a new row under three others); once the valid rows are saved it stands
    # on the line after the stored streams: « Ligne 4 » sent the firm to another row
    rows = _bad_and_good_rows()
    result = validate_stream_rows(rows, "F1", row_numbers=[1, 4])
    pending = pending_rows(rows, [1, 4], result.report)
    stored = pd.DataFrame(
        [[f"S{i}", "offre", "wood_bark", "", "10", "t/an", "", "membres"] for i in (1, 2)],
        columns=list(EDITOR_COLUMNS),
        dtype=object,
    )
    frame = with_pending(stored, pending)
    assert frame["quantity"].iloc[2] == "beaucoup"
    assert frame["errors"].iloc[2].startswith("Ligne 3, colonne « Quantité »")
    assert with_pending(stored, [{**pending[0], "stream_id": "S2"}])["errors"].iloc[1].startswith("Ligne 2,")


def test_the_rows_to_fix_are_listed_in_words_as_typed():
    rows = _bad_and_good_rows()
    rows[1]["quantity"] = "**beaucoup**"
    result = validate_stream_rows(rows, "F1", row_numbers=[1, 2])
    stored = pd.DataFrame(columns=list(EDITOR_COLUMNS), dtype=object)
    table = with_pending(stored, pending_rows(rows, [1, 2], result.report))
    said = rows_to_fix(table, "fr")
    assert said.startswith("1 ligne reste à corriger dans le tableau :\n- Ligne 1, colonne « Quantité »")
    assert "\\*\\*beaucoup\\*\\*" in said  # shown as typed, not in bold
    english = with_pending(stored, pending_rows(rows, [1, 2], result.report), "en")
    assert rows_to_fix(english, "en").startswith(
        "1 row is left to fix in the table:\n- Row 1, column “Quantity”"
    )
    assert rows_to_fix(with_pending(stored, []), "fr") == ""


def test_a_kept_row_with_two_problems_says_each_as_its_own_sentence():
    # the two messages came joined by « | » in the row's cell and in one item of the list under the
    # table: « … un nombre. | Ligne 1, colonne « Unité » … »
    rows = [{"direction": "dehors", "category_id": "wood_bark", "quantity": "beaucoup", "unit": "t/an"}]
    result = validate_stream_rows(rows, "F1", row_numbers=[1])
    stored = pd.DataFrame(columns=list(EDITOR_COLUMNS), dtype=object)
    for lang, heading, first, second in (
        (
            "fr",
            "1 ligne reste à corriger dans le tableau :",
            "- Ligne 1, colonne « Sens »",
            "- Ligne 1, colonne « Quantité »",
        ),
        (
            "en",
            "1 row is left to fix in the table:",
            "- Row 1, column “Direction”",
            "- Row 1, column “Quantity”",
        ),
    ):
        table = with_pending(stored, pending_rows(rows, [1], result.report), lang)
        cell = table["errors"].iloc[0]
        assert "|" not in cell and len(kept_messages(cell)) == 2 and cell.count(" • ") == 1, cell
        said = rows_to_fix(table, lang).replace("\\", "").splitlines()
        assert said[0] == heading and len(said) == 3, said
        assert said[1].startswith(first) and said[2].startswith(second), said
        assert all(line.rstrip().endswith(".") for line in said[1:]), said


def test_save_valid_stores_only_valid_rows(tiny_repo):
    result = validate_stream_rows(
        [
            {"direction": "offre", "category_id": "wood_bark", "quantity": "3", "unit": "t/an"},
            {"quantity": "x"},
        ],
        "F1",
    )
    assert save_valid(tiny_repo, F1, result) == 1
    assert len(tiny_repo.streams(F1)) == 2


BAD = (
    b"stream_id,firm_id,direction,category_id,quantity,unit\n"
    b"S10,F1,supply,wood_bark,10,t/an\nS11,F2,supply,wood_bark,10,t/an\n"
)


def test_upload_reports_rows_of_another_firm_in_plain_words(tiny_repo):
    outcome = upload_streams(tiny_repo, F1, BAD, "flux.csv")
    assert outcome.refused is None
    issue = outcome.report.errors[0]
    assert issue.code == "firm_id.other_firm" and "F1" in issue.fix.fr and "F1" in issue.expected.en
    assert sorted(tiny_repo.streams(F1)["stream_id"]) == ["S1", "S10"]
    assert tiny_repo.import_batches(F1)["source_filename"].tolist() == ["flux.csv"]


def test_upload_reusing_another_firms_stream_id_rejects_that_row_and_stores_the_others(tiny_repo):
    """The walk: one row reusing another firm's stream id refused the whole file, its good rows lost."""
    data = (
        b"stream_id,firm_id,direction,category_id,quantity,unit\n"
        b"S3,F1,supply,wood_bark,10,t/an\nS12,F1,supply,wood_bark,12,t/an\n"
    )
    outcome = upload_streams(tiny_repo, F1, data, "flux.csv")
    assert outcome.refused is None
    [issue] = outcome.report.errors
    assert (issue.row, issue.column, issue.code, issue.found) == (2, "stream_id", "stream_id.taken", "S3")
    assert "another firm" in issue.fix.en and "autre entreprise" in issue.fix.fr
    assert "your own firm" in issue.expected.en and "votre entreprise" in issue.expected.fr
    assert outcome.batch.streams.rejected["stream_id"].tolist() == ["S3"]
    assert sorted(tiny_repo.streams(F1)["stream_id"]) == ["S1", "S12"]
    assert tiny_repo.streams(SYSTEM).set_index("stream_id").loc["S3", "firm_id"] == "F3"


def test_upload_of_a_stream_taken_meanwhile_is_refused_not_raised(tiny_repo, monkeypatch):
    """The repository stays the guard: a stream id taken between the check and the write."""
    monkeypatch.setattr(Repository, "streams_of_other_firms", lambda self, actor, ids: [])
    data = b"stream_id,firm_id,direction,category_id,quantity,unit\nS3,F1,supply,wood_bark,10,t/an\n"
    outcome = upload_streams(tiny_repo, F1, data, "flux.csv")
    assert outcome.batch is None and outcome.report is None
    assert "S3" in outcome.refused.fr and "another firm" in outcome.refused.en
    assert tiny_repo.streams(SYSTEM).set_index("stream_id").loc["S3", "firm_id"] == "F3"


def test_streams_of_other_firms_names_only_ids_the_actor_may_not_write(tiny_repo):
    assert tiny_repo.streams_of_other_firms(F1, ["S1", "S3", "S99", "S3"]) == ["S3"]
    assert tiny_repo.streams_of_other_firms(Actor("c", "advisor"), ["S1", "S3"]) == []


def test_rejected_rows_file_says_another_firms_id_like_the_screen(tiny_repo):
    """#11.9: the file said the firm id did not exist where the screen rightly said it was another firm's."""
    from symbiosis.ingest import rejected_file

    outcome = upload_streams(tiny_repo, F1, BAD, "flux.csv")
    text = rejected_file(outcome.batch.streams).decode("utf-8-sig")  # an English file: English messages
    screen = outcome.report.errors[0].message("en")
    assert screen in text and "your own firm's streams: write F1" in text
    assert text.count("F2") == 2  # the row's cell and the message quoting it, nothing else


def test_a_negative_quantity_is_told_to_drop_the_sign():
    """#11.9: a negative quantity got the hint 'write a number in digits'."""
    result = validate_stream_rows(
        [{"direction": "offre", "category_id": "wood_bark", "quantity": "-5", "unit": "t/an"}], "F1"
    )
    issue = result.report.errors[0]
    assert "sans signe moins" in issue.fix.fr and "minus sign" in issue.fix.en
    assert "en chiffres" not in issue.fix.fr


def test_category_options_hold_only_categories_the_engine_can_match_on_that_side(tiny_repo):
    """An offer is never given mulch (only ever received) to pick; a demand never dairy sludge (only
    ever offered); spare treatment capacity stays on the offer's list (recorded as a demand)."""
    from symbiosis.kb import load_categories

    categories = load_categories()
    offers = category_options("Paillis d'écorce", categories, direction="supply", unit="t/an")
    wants = category_options("Boues de laiterie", categories, direction="demand", unit="t/an")
    assert "landscaping_mulch" not in offers and "landscaping_mulch" in wants
    assert "dairy_sludge" in offers and "dairy_sludge" not in wants
    assert "wastewater_treatment_capacity" in offers
    assert len(offers) < len(categories) and len(wants) < len(categories)
