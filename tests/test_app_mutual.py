"""The mutualisation pages, headless: data and plan, groups, shared assets, tours, and a firm's groups."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.db import Actor, Repository
from symbiosis.db.mutual_inputs import replace_mutual_rows
from symbiosis.i18n import t
from symbiosis.mutual import MutualConfig, MutualData, run_mutual
from symbiosis.mutual.records import record_mutual_proposals
from symbiosis.mutual.result import LEVERS
from symbiosis.registry import Registry
from symbiosis.schemas import FIRMS, STREAMS, with_optional_columns
from symbiosis.services.synergy_store import SynergyRepository
from symbiosis.views.mutual import LEVER_FRAMES, combine_levers
from tests._app_helpers import APP, ROOT, point_app_at
from tests._page_text import drawn_in_order
from tests._registry_helpers import firm, stream

ADVISOR = Actor(user_id="c", role="advisor", firm_id=None)
PAGES = ("mutual_data.py", "mutual_purchasing.py", "mutual_assets.py", "mutual_routes.py")
POINTS = {
    "A": (48.40, -71.00),
    "B": (48.41, -71.01),
    "C": (48.42, -71.02),
    "H": (48.40, -71.02),
    "R": (48.43, -71.05),
}


def _registry() -> Registry:
    firms = pd.DataFrame([firm(f, f"Atelier {f}", "Saguenay", *p) for f, p in POINTS.items()])[FIRMS.names]
    rows = [stream(f"S{f}", f, "supply", "ferrous_scrap", 10.0) for f in POINTS]
    streams = pd.DataFrame(rows).pipe(with_optional_columns, STREAMS)[STREAMS.names]
    return Registry(firms, streams).validate()


def _data() -> MutualData:
    nan = float("nan")
    purchases = pd.DataFrame(
        {
            "purchase_id": ["PA", "PB", "PC"],
            "firm_id": list("ABC"),
            "category_id": "nitrile_gloves",
            "description": "",
            "quantity_per_yr": 500.0,
            "unit": "boîte",
            "months_mask": 4095,
            "price_cad_per_unit": 12.0,
            "max_distance_km": nan,
        }
    )
    offers = pd.DataFrame(
        [
            {
                "offer_id": "OH",
                "firm_id": "H",
                "asset_type": "press",
                "description": "",
                "hours_per_week": 8.0,
                "days_mask": 31,
                "periods_mask": 3,
                "months_mask": 4095,
                "cost_cad_per_h": 50.0,
                "fixed_cost_cad_per_yr": 5000.0,
                "host_hours_per_yr": 500.0,
                "max_distance_km": nan,
            }
        ]
    )
    needs = pd.DataFrame(
        [
            {
                "need_id": "NA",
                "firm_id": "A",
                "asset_type": "press",
                "description": "",
                "hours_per_week": 4.0,
                "days_mask": 31,
                "periods_mask": 2,
                "months_mask": 4095,
                "alternative_cost_cad_per_h": 140.0,
                "max_distance_km": nan,
            }
        ]
    )
    treatment = pd.DataFrame(
        {
            "need_id": ["UA", "UB", "UC"],
            "firm_id": list("ABC"),
            "treatment_type": "oily_water",
            "description": "",
            "quantity_per_yr": 300.0,
            "unit": "m³",
            "current_cost_cad_per_unit": 200.0,
        }
    )
    pickups = pd.DataFrame(
        {
            "pickup_id": ["KA", "KB", "KC"],
            "firm_id": list("ABC"),
            "residue_id": "cardboard_occ",
            "description": "",
            "quantity_t_per_yr": 15.0,
            "period_weeks": 1,
            "window_start_min": 450,
            "window_end_min": 990,
            "receiver_id": "",
            "current_cost_cad_per_pickup": 150.0,
        }
    )
    receivers = pd.DataFrame(
        [
            {
                "receiver_id": "RR",
                "name": "Récupération R",
                "firm_id": "R",
                "lat": 48.43,
                "lon": -71.05,
                "residues": "cardboard_occ",
                "trucks": 1,
            }
        ]
    )
    return MutualData(purchases, offers, needs, treatment, pickups, receivers)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = tmp_path_factory.mktemp("mutual") / "registry.db"
    registry = _registry()
    with Repository.from_url(f"sqlite:///{path}") as repo:
        repo.upsert_firms(Actor.system("test"), registry.firms)
        repo.upsert_streams(Actor.system("test"), registry.streams)
        _store(repo, _data())
    return path


def _store(repo: Repository, data: MutualData) -> None:
    """Store the levers' tables in the registry, as an advisor's imports would."""
    for name, frame in data.__dict__.items():
        if isinstance(frame, pd.DataFrame) and name != "unit_specs":
            replace_mutual_rows(repo, ADVISOR, name, frame, firm_ids=set(frame["firm_id"].dropna()) - {""})


@pytest.fixture
def db(template, tmp_path, monkeypatch):
    import shutil

    path = tmp_path / "registry.db"
    shutil.copy(template, path)
    return point_app_at(path, monkeypatch)


def _page(page: str, actor: Actor | None, lang: str = "fr") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["lang"] = lang
    if actor is not None:
        at.session_state["actor"] = actor
    at.run()
    return at.switch_page(f"app_pages/{page}").run()


def _planned_page(page: str, lang: str = "fr") -> AppTest:
    """Open ``page`` as the advisor; on the data page, plan the four levers (asked for by a button)."""
    at = _page(page, ADVISOR, lang)
    if page == "mutual_data.py":
        at.button(key="mutual_plan").click().run()
    return at


@pytest.mark.parametrize("page", PAGES)
def test_each_lever_page_shows_its_proposals(db, page):
    at = _planned_page(page)
    assert not at.exception, at.exception
    assert at.dataframe
    assert any("Données : registre" in c.value for c in at.caption)


def test_the_data_page_plans_and_records_the_proposals(db):
    at = _page("mutual_data.py", ADVISOR, "en")
    assert not at.exception and not at.dataframe  # the four planners run on demand, not on opening
    assert not [b for b in at.button if b.key == "mutual_record"]
    at.button(key="mutual_plan").click().run()
    summary = at.dataframe[0].value
    assert list(summary["Lever"]) == [
        "Group purchasing",
        "Shared equipment and services",
        "Shared treatment units",
        "Shared collection routes",
    ]
    assert (summary["Proposals"] > 0).all()
    at.button(key="mutual_record").click().run()
    assert not at.exception and re.fullmatch(
        r"\d+ mutualisation proposals recorded or refreshed\.", at.success[0].value
    )
    with Repository.from_url(f"sqlite:///{db}", migrate=False) as repo:
        types = set(SynergyRepository(repo).synergies(ADVISOR)["synergy_type"])
    assert types == {"group_purchase", "shared_service", "mutualisation"}


def test_a_lever_page_plans_its_lever_only_and_the_data_page_reuses_it(db):
    # the first mutualisation page of a session used to plan all four levers (2.3-2.6 s of CPU on the
    # sample region, group purchasing and the tours about 1 s each) whatever it showed
    at = _page("mutual_purchasing.py", ADVISOR)
    assert not at.exception
    plans = at.session_state["mutual.plans"]
    assert [key[0] for key in plans] == ["purchasing"]
    purchasing = next(iter(plans.values()))
    assert purchasing.info["routes"].status == "skipped" and purchasing.tours.empty
    at.switch_page("app_pages/mutual_assets.py").run()
    assert not at.exception
    assert sorted(key[0] for key in at.session_state["mutual.plans"]) == ["purchasing", "sharing", "units"]
    at.switch_page("app_pages/mutual_data.py").run()
    assert not at.exception and not at.dataframe  # routes not planned yet: the summary waits for the button
    at.button(key="mutual_plan").click().run()
    plans = at.session_state["mutual.plans"]
    assert sorted(key[0] for key in plans) == sorted(LEVERS)
    assert next(p for k, p in plans.items() if k[0] == "purchasing") is purchasing  # not planned twice
    assert (at.dataframe[0].value["Propositions"] > 0).all()


def test_editing_the_unit_table_replans_the_shared_units_only(db):
    from app_pages.mutual_state import UNIT_SPECS
    from symbiosis.mutual.reference import load_treatment_units

    at = _page("mutual_assets.py", ADVISOR)
    at.switch_page("app_pages/mutual_purchasing.py").run()
    before = dict(at.session_state["mutual.plans"])
    at.session_state[UNIT_SPECS] = load_treatment_units().assign(investment_cad=5e7)
    at.switch_page("app_pages/mutual_assets.py").run()
    assert not at.exception
    after = at.session_state["mutual.plans"]
    assert sorted(key[0] for key in after) == ["purchasing", "sharing", "units"]  # one plan per lever
    unchanged = {key[0] for key in after if key in before and after[key] is before[key]}
    assert unchanged == {"purchasing", "sharing"}  # the units only were planned again
    assert any("Aucune proposition" in i.value for i in at.info)  # with the edited table


def test_the_levers_planned_apart_make_the_plan_of_all_four():
    firms, data = _registry().firms, _data()
    whole = run_mutual(firms, data)
    parts = {lever: run_mutual(firms, data, MutualConfig(levers=(lever,))) for lever in LEVERS}
    combined = combine_levers(parts)
    for frames in LEVER_FRAMES.values():
        for name in frames:
            timed = [c for c in getattr(whole, name).columns if c.endswith("_s")]  # solve times differ
            pd.testing.assert_frame_equal(
                getattr(combined, name).drop(columns=timed),
                getattr(whole, name).drop(columns=timed),
                check_dtype=False,
            )
    assert {k: v.objective_cad_per_yr for k, v in combined.info.items()} == {
        k: v.objective_cad_per_yr for k, v in whole.info.items()
    }
    pd.testing.assert_frame_equal(combined.summary(), whole.summary())
    alone = combine_levers(parts, ("routes",))
    assert list(alone.info) == ["routes"] and alone.purchase_groups.empty and not alone.tours.empty


def test_the_tours_map_draws_offline(db):
    at = _page("mutual_routes.py", ADVISOR)
    spec = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    assert spec.get("mapProvider") in (None, "")  # Streamlit writes a placeholder style: no URL, no tile
    text = json.dumps(spec)
    assert (
        "http" not in str(spec.get("mapStyle") or "")
        and "carto" not in text.lower()
        and "https://" not in text
    )
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids[0] == "basemap-land" and "basemap-water" in ids and ids[-1] == "basemap-labels"
    assert {"tours", "stops", "receivers"} <= set(ids)  # the tours on the bundled basemap, names on top
    view = spec["initialViewState"]  # fitted to the stops and the receiver, not a fixed zoom on the mean
    lats = [p[0] for p in POINTS.values()] + [48.43]
    assert min(lats) <= view["latitude"] <= max(lats) and view["zoom"] > 9


@pytest.mark.parametrize("page", [*PAGES, "firm_mutual.py"])
def test_pages_refuse_the_wrong_role(db, page):
    wrong = Actor("f", "firm", "A") if page != "firm_mutual.py" else ADVISOR
    at = AppTest.from_file(str(ROOT / "app_pages" / page), default_timeout=30)
    at.session_state["actor"] = wrong
    at.run()
    assert not at.exception and "Accès refusé" in at.error[0].value and not at.dataframe


def _qualified_group(db) -> tuple[pd.DataFrame, str]:
    """The sample's first purchasing group recorded and qualified by the advisor: its synergies, its id."""
    result = run_mutual(_registry().firms, _data())
    with Repository.from_url(f"sqlite:///{db}", migrate=False) as repo:
        store = SynergyRepository(repo)
        record_mutual_proposals(store, ADVISOR, result)
        group = result.purchase_groups.iloc[0]["group_id"]
        syn = store.synergies(ADVISOR)
        for sid in syn.loc[syn["demand_id"] == group, "synergy_id"]:
            store.transition(ADVISOR, sid, "qualified")
    return syn, group


def test_a_firm_sees_its_group_anonymised_then_named(db):
    syn, group = _qualified_group(db)
    with Repository.from_url(f"sqlite:///{db}", migrate=False) as repo:
        store = SynergyRepository(repo)
        for f in "BC":
            mine = syn.loc[(syn["demand_id"] == group) & (syn["supply_firm_id"] == f), "synergy_id"].iloc[0]
            store.consent(Actor(f"u{f}", "firm", f), mine, "accept")
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["actor"] = Actor("uA", "firm", "A")
    at.run()
    at = at.switch_page("app_pages/firm_mutual.py").run()
    assert not at.exception
    partners = at.dataframe[1].value
    assert "Atelier B" not in partners.to_csv()
    assert any("2 membres sur 3 ont accepté" in c.value for c in at.caption)
    at.radio[0].set_value("accept")
    at.button[0].click().run()
    assert not at.exception
    named = at.dataframe[1].value
    assert set(named["Membre"]) == {"Atelier B", "Atelier C"}


def test_the_advisors_unit_table_changes_the_shared_units(db):
    from app_pages.mutual_state import UNIT_SPECS
    from symbiosis.mutual.reference import load_treatment_units

    at = AppTest.from_file(APP, default_timeout=90)
    at.session_state["actor"] = ADVISOR
    at.session_state[UNIT_SPECS] = load_treatment_units().assign(investment_cad=5e7)
    at.run()
    at = at.switch_page("app_pages/mutual_assets.py").run()
    assert not at.exception
    assert any("Aucune proposition" in i.value for i in at.info)  # no unit pays back at 50 M$
    assert at.get("arrow_data_frame") or at.dataframe
    [editor] = [e for e in at.data_editor if "investment_cad" in e.value.columns]
    config = json.loads(editor.proto.columns)
    headers = {column: config[column]["label"] for column in editor.value.columns}
    assert (
        headers["investment_cad"] == "Investissement ($)" and headers["lifetime_yr"] == "Durée de vie (ans)"
    )
    assert all(label != column for column, label in headers.items())  # every column under its label


def test_an_advisor_offers_a_recorded_group_to_its_members_in_one_step(db):
    from symbiosis.db import NotFound, PermissionDenied
    from symbiosis.services.mutual_consent import firm_items, offer_item

    at = _page("mutual_purchasing.py", ADVISOR)
    at.button(key="mutual_offer_group").click().run()  # nothing recorded yet: says so, stores nothing
    assert not at.exception and "enregistrez d'abord" in at.warning[0].value
    result = run_mutual(_registry().firms, _data())
    group = result.purchase_groups.iloc[0]["group_id"]
    with Repository.from_url(f"sqlite:///{db}", migrate=False) as repo:
        record_mutual_proposals(SynergyRepository(repo), ADVISOR, result)
        assert firm_items(repo, Actor("uA", "firm", "A")).empty  # proposed parts stay internal
        with pytest.raises(PermissionDenied):
            offer_item(repo, Actor("uA", "firm", "A"), group)
        with pytest.raises(NotFound):
            offer_item(repo, ADVISOR, "GA-unknown")

    at = _page("mutual_purchasing.py", ADVISOR)
    at.button(key="mutual_offer_group").click().run()
    assert not at.exception and "Proposé à 3 membres :" in at.success[0].value
    with Repository.from_url(f"sqlite:///{db}", migrate=False) as repo:
        for firm_id in "ABC":  # each member now sees the group and may decide
            items = firm_items(repo, Actor(f"u{firm_id}", "firm", firm_id))
            assert list(items["item_id"]) == [group] and items["my_status"].iat[0] == "qualified"
        assert offer_item(repo, ADVISOR, group) == 0  # a second offer moves nothing
    at.button(key="mutual_offer_group").click().run()
    assert "Déjà proposé" in at.success[0].value


@pytest.mark.parametrize("page", PAGES)
def test_each_lever_page_writes_words_not_the_planners_codes(db, page):
    from tests._page_text import _strings, codes_in

    at = _planned_page(page)
    assert not at.exception
    # the unit editor edits the reference table itself, row by row, by its ids: it is left out
    frames = [f.value for f in at.dataframe if "treatment_type" not in f.value.columns]
    cells = [text for frame in frames for text in _strings(frame)]
    shown = [*cells, *(m.value for m in at.metric), *(c.value for c in at.caption)]
    shown += [e.label for e in at.get("expander")]
    assert codes_in("\n".join(shown)) == {}
    assert not any(c in cells for c in ("firm_id", "purchase_id", "pickup_id", "need_id", "is_hub"))


# -- the tables in the registry: the advisor's imports, a firm's own rows ---------------------------


def _submit(at: AppTest) -> AppTest:
    """Click the upload form's submit button."""
    labels = ("Valider et enregistrer les fichiers", "Check and store the files")
    return next(b for b in at.button if b.label in labels).click().run()


def test_an_advisors_file_is_stored_and_the_next_session_plans_from_it(db):
    at = _page("mutual_data.py", ADVISOR)
    before = at.metric[0].value
    text = (
        "id_achat;id_entreprise;categorie;quantite;unite;prix\n"
        "PA;A;nitrile_gloves;900;boîte;12\nPX;A;gants;1;x;1\n"
    )
    at.file_uploader(key="mutual_files").upload("achats.csv", text.encode("utf-8"), "text/csv")
    at = _submit(at)
    assert not at.exception, at.exception
    assert "2 lignes lues : 1 acceptée, 1 rejetée" in at.error[0].value
    report = at.dataframe[0].value
    assert report["Ligne"].tolist() == [3] and report["Colonne"].iloc[0] == "categorie"
    summary = at.info[0].value
    assert "1 entreprise nommée dans le fichier (A)" in summary and "inchangées" in summary
    assert at.download_button(key="mutual_rejected_download").label.startswith(
        "Télécharger les lignes refusées"
    )
    assert "achats.csv" in [t.value for t in at.text]
    assert before == "3" and at.metric[0].value == "3"  # A's PA replaced (900 boxes), PB and PC kept
    with Repository.from_url(f"sqlite:///{db}", migrate=False) as repo:
        stored = repo.import_batches(ADVISOR)
        assert stored["source_filename"].iloc[0] == "achats.csv" and stored["rejected_count"].iloc[0] == 1
    again = _page("mutual_data.py", Actor("autre", "advisor"))  # another advisor, another session
    assert not again.exception and again.metric[0].value == "3"
    assert any("Données : registre" in c.value for c in again.caption)


def test_the_last_upload_reports_survive_a_page_reload_until_dismissed(db):
    # the reports were drawn once, in the run that imported the files: any rerun, a reload lost them
    from symbiosis.db.accounts import AccountRepository

    with Repository.from_url(f"sqlite:///{db}", migrate=False) as repo:
        accounts = AccountRepository(repo)
        accounts.create_account(Actor.system("test"), "c", "correct horse battery", "advisor")
        token = accounts.start_session(ADVISOR)

    def signed_in() -> AppTest:  # a new browser session, resumed from the signed-in one
        at = AppTest.from_file(APP, default_timeout=90)
        for key, value in {"lang": "fr", "actor": ADVISOR, "session_token": token}.items():
            at.session_state[key] = value
        at.run()
        return at.switch_page("app_pages/mutual_data.py").run()

    at = signed_in()
    text = (
        "id_achat;id_entreprise;categorie;quantite;unite;prix\n"
        "PA;A;nitrile_gloves;900;boîte;12\nPX;A;gants;1;x;1\n"
    )
    at.file_uploader(key="mutual_files").upload("achats.csv", text.encode("utf-8"), "text/csv")
    at.file_uploader(key="mutual_files").upload("notes.csv", b"a,b\n1,2\n", "text/csv")
    _submit(at)
    reloaded = signed_in()
    assert not reloaded.exception
    assert "2 lignes lues : 1 acceptée, 1 rejetée" in reloaded.error[0].value
    assert "Fichier importé : Achats récurrents" in [h.value for h in reloaded.subheader]
    assert "1 entreprise nommée dans le fichier (A)" in reloaded.info[0].value
    assert reloaded.download_button(key="mutual_rejected_download").label.startswith("Télécharger")
    assert {"achats.csv", "notes.csv"} <= {t.value for t in reloaded.text}
    assert any("notes.csv" in e.value for e in reloaded.error)  # the file not recognised, said again
    reloaded.button(key="mutual_dismiss").click().run()
    again = signed_in()
    assert not any("lignes lues" in e.value for e in again.error)


def test_a_file_that_is_no_levers_table_is_named_and_stores_nothing(db):
    at = _page("mutual_data.py", ADVISOR, "en")
    at.file_uploader(key="mutual_files").upload("notes.csv", b"a,b\n1,2\n", "text/csv")
    at = _submit(at)
    assert not at.exception and "notes.csv" in at.error[0].value and "not recognised" in at.error[0].value


def _firm_page(firm_id: str, lang: str = "fr") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["actor"] = Actor(f"u{firm_id}", "firm", firm_id)
    at.run()
    return at.switch_page("app_pages/firm_mutual_data.py").run()


def test_a_firm_edits_its_own_rows_and_never_sees_another_firms(db):
    at = _firm_page("A")
    assert not at.exception, at.exception
    shown = at.data_editor[0].value
    assert shown["purchase_id"].tolist() == ["PA"]  # B's and C's purchases are not there
    editor = at.data_editor[0].proto  # a row added shows empty cells, not Streamlit's grey « None »
    assert editor.HasField("placeholder") and editor.placeholder == ""
    texts = [c for c in json.loads(editor.columns).values() if c.get("type_config", {}).get("type") == "text"]
    assert texts and all(c.get("default") == "" for c in texts)
    assert shown["category_id"].iloc[0] == "Gants de nitrile jetables"  # words, not the list's ids
    at.session_state["firm_mutual_editor_purchases_0"] = {
        "edited_rows": {0: {"quantity_per_yr": "-5"}},
        "added_rows": [
            {
                "category_id": "Huiles et graisses lubrifiantes",
                "quantity_per_yr": "40",
                "price_cad_per_unit": "5,5",
            }
        ],
        "deleted_rows": [],
    }
    at.run()
    at = at.button(key="firm_mutual_check").click().run()
    assert not at.exception
    report = at.dataframe[-1].value  # the editor first, then the report
    assert report["Ligne"].tolist() == [1] and report["Colonne"].tolist() == ["Quantité par an"]
    at = at.button(key="firm_mutual_save").click().run()
    assert not at.exception and at.success[0].value.startswith("Enregistré : 1 ligne ajoutée ou modifiée, ")
    assert "PA" in at.success[0].value  # kept as stored: its new version was refused
    with Repository.from_url(f"sqlite:///{db}", migrate=False) as repo:
        from symbiosis.services.mutual_inputs import load_mutual_inputs

        rows = load_mutual_inputs(repo, ADVISOR).data.purchases
    mine = rows[rows["firm_id"] == "A"].set_index("purchase_id")
    assert mine.at["PA", "quantity_per_yr"] == 500.0 and set(mine["category_id"]) == {
        "nitrile_gloves",
        "lubricants",
    }
    assert sorted(rows.loc[rows["firm_id"] != "A", "purchase_id"]) == ["PB", "PC"]
    other = AppTest.from_file(str(ROOT / "app_pages" / "firm_mutual_data.py"), default_timeout=30)
    other.session_state["actor"] = Actor("uA", "firm", "A")
    other.query_params["firm"] = "B"
    other.run()
    assert not other.exception and other.error and not other.data_editor  # B's page: refused


def test_a_firms_pickups_read_back_in_english(db):
    at = _firm_page("B", "en")
    at.radio(key="firm_mutual_table").set_value("pickups").run()
    shown = at.data_editor[0].value
    assert shown.iloc[0][["residue_id", "frequency", "window", "unit"]].tolist() == [
        "Corrugated cardboard",
        "weekly",
        "07:30-16:30",
        "t/yr",
    ]


def test_the_shared_assets_page_follows_a_language_switch_and_names_sizes_in_words(db):
    # the plan is kept for the session: its slot words and unit sizes must still follow the reader's
    # language (a plan made in French once showed « mar. après-midi » on the English page, and a
    # unit's size was the table's id, « small », in French)
    at = _page("mutual_assets.py", ADVISOR)
    assert not at.exception
    french = "\n".join(m.value for m in at.markdown)
    assert "après-midi" in french and "small" not in french and "petite" in french
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    sharing = at.dataframe[0].value
    assert sharing["Slots"].tolist() == ["Fri PM"]
    english = "\n".join(m.value for m in at.markdown)
    assert "après-midi" not in english and "Fri PM" in english and "small" in english
    units = next(f.value for f in at.dataframe if "Size" in f.value.columns)
    assert units["Size"].tolist() == ["small"]
    at.session_state["lang"] = "fr"
    at.run()
    units = next(f.value for f in at.dataframe if "Taille" in f.value.columns)
    assert units["Taille"].tolist() == ["petite"]


def test_a_firms_decision_refused_by_the_pipeline_is_said_in_words(db, monkeypatch):
    # the advisor closes the group between the member's page and its click: the refusal was the
    # pipeline's English exception text (« a rejected synergy is not open to consent ») on a French page
    from symbiosis.synergy.status import TransitionError

    _qualified_group(db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["actor"] = Actor("uA", "firm", "A")
    at.run()
    at = at.switch_page("app_pages/firm_mutual.py").run()

    def closed_meanwhile(self, actor, synergy_id, decision, **kwargs):
        raise TransitionError(
            "a rejected synergy is not open to consent", code="not_open_to_consent", status="rejected"
        )

    monkeypatch.setattr(SynergyRepository, "consent", closed_meanwhile)
    at.radio[0].set_value("accept")
    at.button[0].click().run()
    assert not at.exception
    [error] = at.error
    assert "Abandonnée" in error.value
    assert "not open" not in error.value and "rejected" not in error.value


def test_a_firms_refused_rows_stay_in_its_table_after_the_save(db):
    # the save emptied the editor of every refused row: a new purchase typed with a typo was gone,
    # and an edited row went back to its stored version, the firm's typing lost
    at = _saved_with_two_rows_kept(db)
    assert not at.exception
    assert "2 lignes à corriger restent" in at.success[0].value
    kept = at.data_editor[0].value
    assert sorted(kept["quantity_per_yr"]) == ["-5", "40", "beaucoup"]
    assert kept.loc[kept["purchase_id"] == "PA", "quantity_per_yr"].tolist() == ["-5"]  # shown as typed
    at = at.button(key="firm_mutual_check").click().run()  # checked again: the same two rows refused
    report = at.dataframe[-1].value
    refused = kept.iloc[[n - 1 for n in report["Ligne"]]]
    assert sorted(refused["quantity_per_yr"]) == ["-5", "beaucoup"]


def test_a_firms_unsaved_changes_survive_the_language_switch(db):
    # the table's words and headers changed with the language: a new editor, the changes gone
    at = _firm_page("A")
    at.session_state["firm_mutual_editor_purchases_0"] = {
        "edited_rows": {0: {"quantity_per_yr": "1 200"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert any(c.value.startswith("The table keeps the language you edited it in") for c in at.caption)
    assert at.data_editor[0].value["category_id"].iloc[0] == "Gants de nitrile jetables"  # still French
    at = at.button(key="firm_mutual_check").click().run()
    assert not at.exception
    assert "1 accepted" in at.success[0].value


def _saved_with_two_rows_kept(db) -> AppTest:
    """A firm's purchases saved with one valid new row and two refused: its stored PA edited to « -5 »
    and a new row « beaucoup » typed under the valid one."""
    at = _firm_page("A")
    at.session_state["firm_mutual_editor_purchases_0"] = {
        "edited_rows": {0: {"quantity_per_yr": "-5"}},
        "added_rows": [
            {
                "category_id": "Huiles et graisses lubrifiantes",
                "quantity_per_yr": "40",
                "price_cad_per_unit": "5,5",
            },
            {
                "category_id": "Gants de nitrile jetables",
                "quantity_per_yr": "beaucoup",
                "price_cad_per_unit": "3",
            },
        ],
        "deleted_rows": [],
    }
    at.run()
    at = at.button(key="firm_mutual_check").click().run()
    return at.button(key="firm_mutual_save").click().run()


def test_a_firms_kept_rows_are_listed_under_its_table_by_the_line_where_they_stand(db):
    # the kept rows came back with no message until the firm checked the table again, and the
    # check named them by the line they were typed on (« Ligne 3 ») wherever they stood after the save
    at = _saved_with_two_rows_kept(db)
    assert not at.exception
    kept = at.data_editor[0].value
    lines = {q: i + 1 for i, q in enumerate(kept["quantity_per_yr"])}
    # the list quotes what was typed as typed: Markdown escaped (« \\: »), read here unescaped
    [listed] = [w.value.replace("\\", "") for w in at.warning if "à corriger dans le tableau" in w.value]
    assert listed.startswith("2 lignes restent à corriger dans le tableau :\n")
    assert f"- Ligne {lines['-5']}, colonne « Quantité par an » :" in listed
    assert f"- Ligne {lines['beaucoup']}, colonne « Quantité par an » : on attendait un nombre" in listed
    errors = dict(zip(kept["quantity_per_yr"], kept["errors"], strict=True))
    assert errors["40"] == "" and errors["beaucoup"].startswith(f"Ligne {lines['beaucoup']}, colonne")
    at.session_state["lang"] = "en"  # the kept rows' messages follow the reader's language
    at.run()
    [listed] = [w.value.replace("\\", "") for w in at.warning if "left to fix" in w.value]
    assert f"- Row {lines['beaucoup']}, column “Quantity per year”: expected a number" in listed


def test_a_firms_save_is_confirmed_by_its_buttons_not_above_the_title(db):
    at = _saved_with_two_rows_kept(db)
    drawn = drawn_in_order(at)
    saved = next(i for i, (kind, value) in enumerate(drawn) if kind == "success" and "Enregistré" in value)
    editor = next(i for i, (kind, _) in enumerate(drawn) if kind == "dataframe")
    assert editor < saved  # under the table and its buttons, where the firm clicked


def test_a_firms_decision_is_confirmed_under_its_form_not_above_the_title(db):
    # the form is at the bottom of the page, under the group's tables: « Décision enregistrée »
    # was shown above the title, out of sight
    _qualified_group(db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["actor"] = Actor("uA", "firm", "A")
    at.run()
    at = at.switch_page("app_pages/firm_mutual.py").run()
    at.radio[0].set_value("accept")
    at.button[0].click().run()
    assert not at.exception
    drawn = drawn_in_order(at)
    done = next(i for i, (kind, _) in enumerate(drawn) if kind == "success")
    partners = [i for i, (kind, _) in enumerate(drawn) if kind == "dataframe"][-1]
    assert partners < done


def test_the_advisors_record_and_offer_are_confirmed_by_their_buttons(db):
    # the buttons are under the plan and under each group: their word was shown above the title
    at = _planned_page("mutual_data.py")
    at.button(key="mutual_record").click().run()
    drawn = drawn_in_order(at)
    recorded = next(i for i, (kind, value) in enumerate(drawn) if kind == "success")
    assert [i for i, (kind, _) in enumerate(drawn) if kind == "dataframe"][-1] < recorded
    at = at.switch_page("app_pages/mutual_purchasing.py").run()
    at.button(key="mutual_offer_group").click().run()
    assert not at.exception
    drawn = drawn_in_order(at)
    offered = next(i for i, (kind, value) in enumerate(drawn) if kind == "success")
    assert next(i for i, (kind, _) in enumerate(drawn) if kind == "dataframe") < offered


def test_the_chosen_table_stays_chosen_when_a_save_changes_its_count(db):
    # each choice reads « Capacités offertes (0) »; the browser keeps the choice by its words, so
    # once a save made it « (1) » no table was shown chosen (the walk's finding): the page now
    # tells the browser the choice again whenever the words change
    at = _firm_page("A")
    at.radio(key="firm_mutual_table").set_value("capacity_offers").run()
    at.session_state["firm_mutual_editor_capacity_offers_0"] = {
        "edited_rows": {},
        "added_rows": [
            {
                "asset_type": "Presse",
                "hours_per_week": "12,5",
                "days": "lun-ven",
                "periods": "matin",
                "cost_cad_per_h": "85,50",
                "fixed_cost_cad_per_yr": "1 200",
                "host_hours_per_yr": "400",
            }
        ],
        "deleted_rows": [],
    }
    at.run()
    at = at.button(key="firm_mutual_check").click().run()
    at = at.button(key="firm_mutual_save").click().run()
    assert not at.exception
    chooser = at.radio(key="firm_mutual_table")
    assert chooser.value == "capacity_offers" and chooser.options[1] == "Capacités offertes (1)"
    assert chooser.proto.set_value and chooser.proto.raw_value == "Capacités offertes (1)"
    at.session_state["lang"] = "en"  # the words change with the language too
    at.run()
    chooser = at.radio(key="firm_mutual_table")
    assert chooser.proto.set_value and chooser.proto.raw_value == "Capacity offers (1)"


@pytest.mark.parametrize(
    ("lang", "unit", "accepted"), [("fr", "boîte", "1 acceptée"), ("en", "box", "1 accepted")]
)
def test_a_firms_purchases_show_their_unit_in_its_language(db, lang, unit, accepted):
    # the English table showed « boîte », the French word the category table stores
    at = _firm_page("A", lang)
    assert not at.exception
    assert at.data_editor[0].value["unit"].tolist() == [unit]
    at = at.button(key="firm_mutual_check").click().run()  # the word shown is read back as the unit
    assert not at.exception and accepted in at.success[0].value and not at.error


@pytest.mark.parametrize(("lang", "unit"), [("fr", "boîte"), ("en", "box")])
def test_a_firms_group_partners_are_counted_in_its_language(db, lang, unit):
    _qualified_group(db)
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["actor"] = Actor("uA", "firm", "A")
    at.run()
    at = at.switch_page("app_pages/firm_mutual.py").run()
    assert not at.exception
    quantities = at.dataframe[1].value.iloc[:, -1].tolist()  # « 100 to 1,000 box »: bands, anonymised
    assert quantities and all(q.endswith(f" {unit}") for q in quantities), quantities
    if lang == "en":
        assert "boîte" not in " ".join(str(d.value.to_csv()) for d in at.dataframe)


@pytest.mark.parametrize(("lang", "typed", "wrong"), [("fr", "12,5", "1,200"), ("en", "12.5", "beaucoup")])
def test_the_unit_editor_reads_numbers_as_the_advisor_types_them(db, lang, typed, wrong):
    # its number cells read what was typed in the browser's language, not the page's: a French page
    # in an English browser took « 12,5 » m³/an as 125 (and « 1 500,5 » as 15005), silently
    from app_pages.mutual_state import UNIT_SPECS

    at = _page("mutual_assets.py", ADVISOR, lang)
    [editor] = [e for e in at.data_editor if "capacity_per_yr" in e.value.columns]
    assert isinstance(editor.value.at[0, "capacity_per_yr"], str)  # a text cell, read by the app
    apply = t("mutual.assets.apply_units", lang)
    at.session_state["unit_editor"] = {
        "edited_rows": {0: {"capacity_per_yr": typed}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at = next(b for b in at.button if b.label == apply).click().run()
    assert not at.exception and not at.error
    assert at.session_state[UNIT_SPECS].at[0, "capacity_per_yr"] == 12.5
    at.session_state["unit_editor"] = {
        "edited_rows": {1: {"investment_cad": wrong}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at = next(b for b in at.button if b.label == apply).click().run()
    [error] = at.error
    said = error.value.replace("\\", "")
    assert said.startswith(
        ("Ligne 2, « Investissement ($) » : « 1,200 »", "Row 2, “Investment ($)”: “beaucoup”")
    )
    assert at.session_state[UNIT_SPECS].at[0, "capacity_per_yr"] == 12.5  # the table applied before stands
