"""The advisor pages (map, exchanges, scenarios, network), driven headless with AppTest.

A small Saguenay–Lac-Saint-Jean registry is written once per module; each test seeds the session's
run cache with its baseline (computed once) so that only the scenario tests run the pipeline.
"""

from __future__ import annotations

import json
from collections import OrderedDict

import pytest
from streamlit.testing.v1 import AppTest

from app_pages.results_state import _RUNS
from symbiosis.db import Actor, Repository
from symbiosis.engine.network import hubs
from symbiosis.numbers import format_number
from symbiosis.views.scenario import config_key, registry_key
from tests._app_helpers import APP, ROOT, build_template, use_copy

ADVISOR_PAGES = ("advisor_map.py", "advisor_exchanges.py", "advisor_scenario.py", "advisor_network.py")
ADVISOR = Actor(user_id="c", role="advisor", firm_id=None)
OTHERS = {
    "firm": Actor(user_id="f", role="firm", firm_id="F00001"),
    "program_manager": Actor(user_id="g", role="program_manager", firm_id=None),
    "anonymous": None,
}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A registry DB and the baseline result on it (computed once)."""
    return build_template(tmp_path_factory.mktemp("advisor"), ADVISOR)


@pytest.fixture
def db(template, tmp_path, monkeypatch):
    return use_copy(template[0], tmp_path, monkeypatch)


def _page(page: str, actor: Actor | None, template=None, lang: str = "fr") -> AppTest:
    """Run ``page`` through ``app.py`` as ``actor``, the baseline pre-computed when ``template`` is given."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    if actor is not None:
        at.session_state["actor"] = actor
    if template is not None:
        _, registry, result = template
        key = (registry_key(registry), config_key(result.config))
        at.session_state[_RUNS] = OrderedDict({key: result})
    at.run()
    return at.switch_page(f"app_pages/{page}").run()


def _direct(page: str, actor: Actor | None) -> AppTest:
    """Run the page file alone (no navigation): its own guard must refuse."""
    at = AppTest.from_file(str(ROOT / "app_pages" / page), default_timeout=30)
    if actor is not None:
        at.session_state["actor"] = actor
    return at.run()


@pytest.mark.parametrize("page", ADVISOR_PAGES)
@pytest.mark.parametrize("role", list(OTHERS))
def test_advisor_pages_refuse_other_roles(db, page, role):
    at = _direct(page, OTHERS[role])
    assert not at.exception
    assert "Accès refusé" in at.error[0].value
    assert not at.get("deck_gl_json_chart") and not at.dataframe


@pytest.mark.parametrize("role", list(OTHERS))
def test_advisor_pages_are_not_in_other_roles_navigation(db, role):
    at = AppTest.from_file(APP, default_timeout=30)
    if OTHERS[role] is not None:
        at.session_state["actor"] = OTHERS[role]
    at.run()
    assert not at.exception
    shown = str(at)
    assert not any(title in shown for title in ("Scénarios", "Réseau de symbiose", "Échanges proposés"))
    assert not at.get("deck_gl_json_chart")


def _deck(at: AppTest) -> dict:
    return json.loads(at.get("deck_gl_json_chart")[0].proto.json)


def _layer(spec: dict, layer_id: str) -> dict:
    return next(layer for layer in spec["layers"] if layer["id"] == layer_id)


def _mass(exchanges) -> float:
    return float(exchanges["mass_t_per_yr"].fillna(0.0).sum())


def test_map_is_flat_offline_over_the_basemap_with_arcs_summed_between_parks(db, template):
    at = _page("advisor_map.py", ADVISOR, template)
    assert not at.exception
    assert at.title[0].value == "Carte des échanges"
    spec = _deck(at)
    ids = [layer["id"] for layer in spec["layers"]]
    assert ids[:5] == ["basemap-land", "basemap-water", "basemap-rivers", "basemap-borders", "basemap-mrc"]
    assert ids[5:] == ["parks", "firms", "within", "exchanges", "basemap-labels"]  # names stay readable
    assert spec["initialViewState"]["pitch"] == 0
    assert spec.get("mapProvider") in (None, "")
    style = str(spec.get("mapStyle") or "")
    assert "http" not in style and "mapbox" not in style
    text = json.dumps(spec)
    assert "carto" not in text.lower() and "https://" not in text
    assert json.loads(at.get("deck_gl_json_chart")[0].proto.tooltip) == {"text": "{tooltip}"}
    result = template[2]
    arcs, rings = _layer(spec, "exchanges")["data"], _layer(spec, "within")["data"]
    assert len(arcs) < len(result.exchanges)  # summed between parks at the regional view
    assert len(_layer(spec, "firms")["data"]) == len(template[1].firms)
    drawn = arcs + rings  # arcs between places and rings within one: every exchange, every tonne
    assert sum(d["n_exchanges"] for d in drawn) == len(result.exchanges)
    assert sum(d["tonnes_t_per_yr"] for d in drawn) == pytest.approx(_mass(result.exchanges))
    labels = {d["text"] for d in _layer(spec, "basemap-labels")["data"]}
    assert {"Lac Saint-Jean", "Rivière Saguenay", "Le Fjord-du-Saguenay"} <= labels
    assert any("Additionnés" in r.value or "additionnés" in c.value for r in at.radio for c in at.caption)


def test_map_arcs_sum_to_the_exchanged_tonnes(template):
    from symbiosis.views.map import MapFilters, map_layers

    registry, result = template[1], template[2]
    layers = map_layers(registry.firms, result.exchanges, _parks(), MapFilters())
    assert layers.arcs_aggregated
    assert layers.arcs["tonnes_t_per_yr"].sum() == pytest.approx(_mass(result.exchanges))
    assert layers.arcs["n_exchanges"].sum() == len(result.exchanges)


def _parks():
    from symbiosis.places import load_parks

    return load_parks()


def test_map_park_filter_zooms_to_what_it_keeps_one_arc_per_exchange(db, template):
    at = _page("advisor_map.py", ADVISOR, template)
    region = _deck(at)["initialViewState"]
    exchanges, firms = template[2].exchanges, template[1].firms
    park_of = firms.set_index("firm_id")["park_id"]
    busiest = exchanges["supply_firm_id"].map(park_of).replace("", None).value_counts().index[0]
    at.selectbox[0].set_value(busiest).run()
    assert not at.exception
    spec = _deck(at)
    view = spec["initialViewState"]
    assert view["zoom"] > region["zoom"] and view["pitch"] == 0
    in_park = firms[firms["park_id"].eq(busiest)]
    kept = exchanges[
        exchanges["supply_firm_id"].map(park_of).eq(busiest)
        | exchanges["demand_firm_id"].map(park_of).eq(busiest)
    ]
    ends = firms[firms["firm_id"].isin(set(kept["supply_firm_id"]) | set(kept["demand_firm_id"]))]
    assert ends["lat"].min() <= view["latitude"] <= ends["lat"].max()
    assert ends["lon"].min() <= view["longitude"] <= ends["lon"].max()
    assert len(in_park)
    arcs, rings = _layer(spec, "exchanges")["data"], _layer(spec, "within")["data"]
    assert len(arcs) + len(rings) == len(kept)  # one per exchange (a firm feeding itself: a ring)


def test_map_filters_narrow_the_arcs(db, template):
    at = _page("advisor_map.py", ADVISOR, template)
    at.radio[0].set_value("firms").run()
    before = len(_layer(_deck(at), "exchanges")["data"])
    median = float(template[2].exchanges["net_value_cad_per_yr"].median())
    at.text_input(key="map.min_value").set_value(format_number(median, decimals=2)).run()
    after = len(_layer(_deck(at), "exchanges")["data"])
    assert 0 < after < before
    at.slider[0].set_value(1).run()
    assert len(_layer(_deck(at), "exchanges")["data"]) < after


def test_map_legend_sits_beside_the_map(db, template):
    at = _page("advisor_map.py", ADVISOR, template)
    with_deck = [c for c in at.columns if c.get("deck_gl_json_chart")]
    assert len(with_deck) == 1
    siblings = [c for c in at.columns if any("Légende" in m.value for m in c.markdown)]
    assert siblings and siblings[0] is not with_deck[0]
    assert "Agriculture et forêt" in " ".join(h.proto.body for h in siblings[0].get("html"))
    legend_text = " ".join(c.value for c in siblings[0].caption)
    assert "approximatives" in legend_text and "tonnes" in legend_text


def test_map_in_english(db, template):
    at = _page("advisor_map.py", ADVISOR, template, lang="en")
    assert not at.exception
    assert at.title[0].value == "Exchange map"
    assert any("Basemap: GSHHG" in c.value for c in at.caption)


def test_exchanges_table_drilldown_and_unmatched(db, template):
    at = _page("advisor_exchanges.py", ADVISOR, template)
    assert not at.exception
    result = template[2]
    table = at.dataframe[0].value
    assert len(table) == len(result.exchanges)
    assert list(table.columns[:3]) == ["Fournisseur", "Receveur", "Catégorie"]
    assert any("Règle" in m.value or "Aucune règle" in m.value for m in at.markdown)
    assert "Distance par la route (estimation)" in at.dataframe[1].value.iloc[:, 0].tolist()
    assert len(at.get("arrow_vega_lite_chart")) >= 2 or len(at.get("vega_lite_chart")) >= 2
    reasons = at.dataframe[2].value
    assert len(reasons) == len(result.unmatched_supplies)
    assert set(reasons["Raison"]) <= set(result.unmatched_supplies["reason_fr"])
    own = at.dataframe[4].value  # the firms' own reuses, listed apart
    listed = result.internal_opportunities
    assert at.subheader[-1].value == "Réemplois internes" and len(own) == len(listed) > 0
    assert own["Quantité par an"].sum() == pytest.approx(listed["max_flow_per_yr"].round(1).sum())
    second = result.exchanges["candidate_id"].iloc[1]
    at.selectbox[3].set_value(second).run()
    assert not at.exception
    assert at.selectbox[3].value == second
    median = float(result.exchanges["net_value_cad_per_yr"].median())
    at.text_input(key="exchanges.min_value").set_value(format_number(median, decimals=2)).run()
    assert 0 < len(at.dataframe[0].value) < len(result.exchanges)


def test_exchanges_in_english_and_search(db, template):
    at = _page("advisor_exchanges.py", ADVISOR, template, lang="en")
    assert at.title[0].value == "Proposed exchanges"
    assert "Supplier" in at.dataframe[0].value.columns
    at.text_input[0].input("zzz-nothing-matches").run()
    assert not any("Supplier" in d.value.columns for d in at.dataframe)  # no empty table, the reason instead
    assert "No exchange matches" in at.info[0].value


def test_the_exchanges_shown_download_as_csv_and_xlsx_in_the_readers_language(db, template):
    # the page offered only the grid's own download (comma CSV, codes): the rows as filtered and
    # sorted, in words, for a French spreadsheet
    import csv
    import io

    at = _page("advisor_exchanges.py", ADVISOR, template)
    assert not at.exception
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Télécharger ces lignes (CSV)", "Télécharger ces lignes (Excel)"]
    median = float(template[2].exchanges["net_value_cad_per_yr"].median())
    at.text_input(key="exchanges.min_value").set_value(format_number(median, decimals=2)).run()
    at.selectbox(key="exchanges.sort").set_value("distance").run()
    assert not at.exception
    shown = at.dataframe[0].value
    files = at.session_state["exchange_files.files"]
    rows = list(csv.reader(io.StringIO(files["csv"].content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0] == list(shown.columns) and len(rows) == len(shown) + 1 < len(template[2].exchanges) + 1
    assert [r[0] for r in rows[1:]] == shown["Fournisseur"].tolist()  # the rows as filtered and sorted
    assert files["xlsx"].name == "echanges-proposes.xlsx"
    at.session_state["lang"] = "en"
    at.run()
    assert at.download_button(key="exchange_files.download.csv").label == "Download these rows (CSV)"
    english = at.session_state["exchange_files.files"]["csv"].content.decode("utf-8-sig")
    assert english.startswith('"Supplier","Receiver"')


def _metrics(at: AppTest) -> dict:
    return {m.label: m for m in at.metric}


def test_scenario_excluding_the_biggest_hub_lowers_the_value(db, template):
    at = _page("advisor_scenario.py", ADVISOR, template)
    assert not at.exception
    assert "Aucun scénario" in at.info[0].value
    hub = hubs(template[2].graph, top=1)["firm_id"].iloc[0]
    at.selectbox[0].set_value(hub)
    at.button[0].click().run()
    assert not at.exception
    value = _metrics(at)["Valeur nette ($/an)"]
    assert value.delta.startswith("-")
    gone = at.dataframe[1].value
    assert len(gone) > 0


def test_scenario_hypothetical_receiver_stays_in_memory(db, template):
    at = _page("advisor_scenario.py", ADVISOR, template)
    supply = template[1].streams.query("direction == 'supply' and kind == 'material'")["category_id"]
    at.checkbox[1].check()
    at.selectbox[1].set_value(supply.value_counts().index[0])
    at.text_input(key="scenario.receiver_quantity").set_value("50 000")
    at.button[0].click().run()
    assert not at.exception
    appeared = at.dataframe[0].value
    assert "Récepteur hypothétique" in set(appeared["Receveur"])
    with Repository.from_url(f"sqlite:///{db}") as repo:
        assert "HYPOTHETIQUE-1" not in set(repo.load_registry(ADVISOR).firms["firm_id"])


def test_network_page_groups_anchors_short_chains_and_resilience(db, template):
    from symbiosis.engine.network_insights import anchor_firms

    at = _page("advisor_network.py", ADVISOR, template)
    assert not at.exception
    assert at.title[0].value == "Réseau de symbiose"
    result, firms = template[2], template[1].firms
    frames = [d.value for d in at.dataframe]
    families = frames[0]
    assert "Famille de ressource" in families.columns and len(families) > 1  # not one giant cluster
    assert families["Échanges"].sum() == len(result.exchanges)  # each exchange in one family
    assert not families["Famille de ressource"].str.contains("_").any()  # words, not codes
    anchors = frames[1]
    best = anchor_firms(result.exchanges, top=1).iloc[0]
    assert anchors.iloc[0]["Entreprise"] == firms.set_index("firm_id").loc[best["firm_id"], "name"]
    assert anchors["Valeur qui en dépend ($/an)"].is_monotonic_decreasing
    chains = at.table[0].value
    assert chains["Étapes"].between(2, 4).all()  # at most four steps by default
    assert chains["Chaîne"].str.count("→").eq(chains["Étapes"]).all()
    losses = frames[-1]
    assert "Valeur perdue, réoptimisée ($/an)" in losses.columns
    assert 0 < len(losses) <= 5


def test_network_page_groups_by_park_and_shorter_chains(db, template):
    at = _page("advisor_network.py", ADVISOR, template)
    at.radio[0].set_value("park").run()
    assert not at.exception
    parks = at.dataframe[0].value
    assert "Parc industriel" in parks.columns and "Internes au parc" in parks.columns
    assert any("figure dans les deux lignes" in c.value for c in at.caption)
    at.slider[0].set_value(2).run()
    chains = at.table[0].value
    assert (chains["Étapes"] == 2).all()


def test_network_page_in_english(db, template):
    at = _page("advisor_network.py", ADVISOR, template, lang="en")
    assert not at.exception
    assert "Resource family" in at.dataframe[0].value.columns
    assert any("Anchor firms" in h.value for h in at.subheader)


def test_the_explained_exchange_and_the_filters_survive_a_sort_and_a_language_switch(db, template):
    # unkeyed, the boxes took a new identity whenever their options or words changed: sorting the
    # table sent the drill-down back to the first exchange, the language switch reset every filter
    from symbiosis.kb import load_categories
    from symbiosis.views.exchanges import SORT_KEYS

    result = template[2]
    families = load_categories().set_index("category_id")["family"]
    family = families[result.exchanges["supply_category_id"].iloc[0]]
    at = _page("advisor_exchanges.py", ADVISOR, template)
    next(s for s in at.selectbox if s.label == "Famille de ressource").set_value(family).run()
    third = at.dataframe[0].value.index[2]
    next(s for s in at.selectbox if s.label == "Échange à expliquer").set_value(third).run()
    last_sort = list(SORT_KEYS)[-1]
    next(s for s in at.selectbox if s.label == "Trier par").set_value(last_sort).run()
    assert not at.exception
    assert next(s for s in at.selectbox if s.label == "Échange à expliquer").value == third
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert next(s for s in at.selectbox if s.label == "Resource family").value == family
    assert next(s for s in at.selectbox if s.label == "Sort by").value == last_sort
    assert next(s for s in at.selectbox if s.label == "Exchange to explain").value == third


def test_map_filters_survive_the_language_switch(db, template):
    # « Tous » was an option value: after the switch no option matched and every filter reset
    exchanges = template[2].exchanges
    category = exchanges["supply_category_id"].value_counts().index[0]
    at = _page("advisor_map.py", ADVISOR, template)
    next(s for s in at.selectbox if s.label == "Catégorie").set_value(category).run()
    at.radio[0].set_value("firms").run()
    arcs = len(_layer(_deck(at), "exchanges")["data"])
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert next(s for s in at.selectbox if s.label == "Category").value == category
    assert at.radio[0].value == "firms"
    assert len(_layer(_deck(at), "exchanges")["data"]) == arcs


def test_the_search_narrows_the_streams_without_exchange_too(db, template):
    # the box narrowed the exchanges and left « Flux sans échange » listing every stream
    at = _page("advisor_exchanges.py", ADVISOR, template)
    every = len(at.dataframe[2].value)
    firm = at.dataframe[2].value["Entreprise"].iloc[0]
    at.text_input(key="exchanges.query").input(firm).run()
    assert not at.exception
    tables = [d.value for d in at.dataframe if "Raison" in d.value.columns]
    assert tables and len(tables[0]) <= every
    assert firm in set(tables[0]["Entreprise"]) and all(firm in name for name in tables[0]["Entreprise"])
    at.text_input(key="exchanges.query").input("zzz-nothing-matches").run()
    assert not any("Raison" in d.value.columns for d in at.dataframe)
    assert any("Aucun flux sans échange" in i.value for i in at.info)
