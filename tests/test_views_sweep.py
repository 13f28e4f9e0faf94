"""The scenario page's sweep: view functions (no Streamlit) and the page driven headless (#16 item 3)."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from symbiosis.engine.config import MatchConfig
from symbiosis.kb import load_categories
from symbiosis.registry import Registry
from symbiosis.sweep import SweepResult
from symbiosis.views.sweep import (
    DEFAULT_RANGES,
    SweepInputs,
    kpi_spread,
    robustness_buckets,
    robustness_chart,
    robustness_table,
    sweep_scenarios,
)
from tests._app_helpers import build_template, use_copy
from tests._registry_helpers import tiny_registry
from tests.test_app_advisor import ADVISOR, _page


def _result(shares: list[float], n: int = 4) -> SweepResult:
    rob = pd.DataFrame(
        {
            "candidate_id": [f"S{i}>D{i}" for i in range(len(shares))],
            "supply_id": [f"S{i}" for i in range(len(shares))],
            "demand_id": [f"D{i}" for i in range(len(shares))],
            "supply_firm_id": ["F1"] * len(shares),
            "demand_firm_id": ["F2"] * len(shares),
            "n_chosen": [round(s * n) for s in shares],
            "share": shares,
            "mean_flow_per_yr": [10.0] * len(shares),
        }
    )
    scenarios = pd.DataFrame(
        {
            "scenario": range(n),
            "net_value_cad_per_yr": [1000.0, 2000.0, 3000.0, 4000.0][:n],
            "n_exchanges": [3, 4, 4, 5][:n],
        }
    )
    return SweepResult(scenarios, rob, 0.1)


def test_buckets_count_each_exchange_once():
    buckets = robustness_buckets(_result([1.0, 1.0, 0.75, 0.5, 0.25]), "fr")
    assert buckets["n_exchanges"].tolist() == [2, 1, 1, 1]
    assert buckets["bucket"].iloc[0] == "Toujours retenus"
    assert robustness_buckets(_result([1.0]), "en")["bucket"].iloc[0] == "Always chosen"
    spec = robustness_chart(_result([1.0, 0.25]), "en")
    assert [v["value"] for v in spec["data"]["values"]] == [1, 0, 0, 1]


def _tiny_result(shares: list[float]) -> SweepResult:
    """A sweep over the tiny registry: each exchange S1 (F1's sawdust) -> S2 (F2), chosen in ``shares``."""
    result = _result(shares)
    rob = result.robustness.assign(supply_id="S1", demand_id="S2", demand_firm_id="F2")
    return dataclasses.replace(result, robustness=rob)


def test_robustness_table_says_each_exchange_in_words_and_keeps_its_id_for_export():
    # it showed the exchange's id (« S1>S2 ») in a column of its own: the advisor could not read it
    registry, categories = tiny_registry(), load_categories()
    table = robustness_table(_tiny_result([1.0, 0.5]), registry, "fr", categories=categories)
    assert table["Fournisseur"].tolist() == ["Scierie Péribonka"] * 2
    assert table["Receveur"].iloc[0] == "Granules du Lac"
    sawdust = categories.set_index("category_id").loc["wood_sawdust"]
    assert table["Ressource"].iloc[0] == sawdust["label_fr"]
    assert table["Unité"].iloc[0] == "t/an"
    assert table["Part des scénarios"].tolist() == [100.0, 50.0]
    assert not any(">" in str(cell) or cell == "S1" for cell in table.to_numpy().ravel())  # no raw id shown
    assert table.index.name == "Identifiant de l'échange" and table.index[0] == "S0>D0"  # for the export
    en = robustness_table(_tiny_result([1.0]), registry, "en", categories=categories)
    assert list(en.columns)[:3] == ["Supplier", "Resource", "Receiver"]
    assert en["Resource"].iloc[0] == sawdust["label_en"] and en["Unit"].iloc[0] == "t/yr"


def test_a_firm_the_reader_may_not_read_is_another_firm_never_its_id():
    registry = tiny_registry()
    own = Registry(registry.firms[registry.firms["firm_id"] == "F1"], registry.streams)  # as F1 reads it
    table = robustness_table(_tiny_result([1.0]), own, "fr", categories=load_categories())
    assert table["Fournisseur"].iloc[0] == "Scierie Péribonka"
    assert table["Receveur"].iloc[0] == "Autre entreprise (non nommée)"
    assert "F2" not in table.to_csv()


def test_kpi_spread_is_formatted_in_the_language():
    fr = kpi_spread(_result([1.0]), "fr")
    row = fr.set_index("Indicateur").loc["Valeur nette ($/an)"]
    assert row["Minimum"] == "1\u00a0000" and row["Maximum"] == "4\u00a0000"
    assert "Net value ($/yr)" in set(kpi_spread(_result([1.0]), "en")["Indicator"])


def test_page_grid_is_ordered_and_bounded():
    scenarios = sweep_scenarios(MatchConfig(), SweepInputs("carbon_price", 100, 20, 50))
    prices = [s.config.weights.carbon_price_cad_per_t_co2e for s in scenarios]
    assert prices[0] == 20 and prices[-1] == 100 and len(prices) == 12
    with pytest.raises(ValueError):
        sweep_scenarios(MatchConfig(), SweepInputs("radius_km", 1, 2, 3))


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return build_template(tmp_path_factory.mktemp("sweep"), ADVISOR)


def test_scenario_page_runs_a_sweep_and_shows_robustness(template, tmp_path, monkeypatch):
    use_copy(template[0], tmp_path, monkeypatch)
    at: AppTest = _page("advisor_scenario.py", ADVISOR, template)
    assert not at.exception
    assert any("Robustesse des échanges" in s.value for s in at.subheader)
    run = next(b for b in at.button if b.label == "Lancer le balayage")
    at.text_input(key="sweep.samples").set_value("3")
    run.click().run()
    assert not at.exception
    assert any("3 scénarios calculés" in m.value for m in at.markdown)
    tables = [d.value for d in at.dataframe]
    robust = next(tb for tb in tables if "Part des scénarios" in tb.columns)
    assert len(robust) > 0 and robust["Part des scénarios"].max() == 100
    assert "Identifiant de l'échange" not in robust.columns and robust["Ressource"].notna().all()
    assert at.download_button(key="sweep_download").label.startswith("Télécharger le tableau")
    at.session_state["lang"] = "en"  # the sweep is kept; its table follows the language
    at.run()
    robust = next(d.value for d in at.dataframe if "Share of scenarios" in d.value.columns)
    assert {"Supplier", "Resource", "Receiver", "Unit"} <= set(robust.columns)
    assert any("Indicateur" in tb.columns for tb in tables)
    assert at.get("vega_lite_chart") or at.get("arrow_vega_lite_chart")


def _sweep(at: AppTest, parameter: str, low: str, high: str) -> AppTest:
    at.selectbox(key="sweep.parameter").set_value(parameter)
    at.text_input(key="sweep.low").set_value(low)
    at.text_input(key="sweep.high").set_value(high)
    at.text_input(key="sweep.samples").set_value("2")
    return next(b for b in at.button if b.label == "Lancer le balayage").click().run()


def test_a_transport_cost_range_is_read_with_french_decimals(template, tmp_path, monkeypatch):
    """« 0,15 » $/t·km was read as 15 by the number box, and the boxes' one default range (80 to 200)
    was 80 to 200 $/t·km for the transport cost."""
    use_copy(template[0], tmp_path, monkeypatch)
    at = _sweep(_page("advisor_scenario.py", ADVISOR, template), "transport_cost", "0,15", "0,3")
    assert not at.exception and not at.error
    swept = at.session_state["sweep_result"].scenarios
    column = next(c for c in swept.columns if "transport" in c)
    assert sorted(swept[column]) == [0.15, 0.3]
    # empty boxes: the parameter's own range, said under them
    at = _sweep(at, "transport_cost", "", "")
    swept = at.session_state["sweep_result"].scenarios
    assert sorted(swept[column]) == list(DEFAULT_RANGES["transport_cost"])
    assert any("transport 0,1 à 0,4 $/t·km" in c.value.replace("\\", "") for c in at.caption)


def test_a_wrong_sweep_bound_is_refused_and_runs_nothing(template, tmp_path, monkeypatch):
    use_copy(template[0], tmp_path, monkeypatch)
    at = _sweep(_page("advisor_scenario.py", ADVISOR, template), "carbon_price", "-5", "beaucoup")
    assert not at.exception
    [error] = at.error
    said = error.value.replace("\\", "")
    assert said.startswith("Balayage non lancé") and "« -5 »" in said and "« beaucoup »" in said
    assert "sweep_result" not in at.session_state


def test_a_number_of_scenarios_with_a_french_comma_is_refused_not_read_as_25(template, tmp_path, monkeypatch):
    # the number box read « 2,5 » scenarios as 25
    use_copy(template[0], tmp_path, monkeypatch)
    at = _page("advisor_scenario.py", ADVISOR, template)
    at.text_input(key="sweep.samples").set_value("2,5")
    at = next(b for b in at.button if b.label == "Lancer le balayage").click().run()
    assert not at.exception
    [error] = at.error
    said = error.value.replace("\\", "").replace("\u00a0", " ")
    assert said.startswith("Balayage non lancé")
    assert "« Nombre de scénarios » : « 2,5 » n'est pas un nombre entier entre 2 et 12" in said
    assert "sweep_result" not in at.session_state
