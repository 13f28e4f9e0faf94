"""Advisor scenarios: weights, radius, prices, a closure or a hypothetical receiver; compared to baseline."""

from __future__ import annotations

import streamlit as st

from app_pages import results_state, state, tables
from app_pages.sweep_section import show_sweep
from symbiosis.i18n import t
from symbiosis.numbers import format_number
from symbiosis.schemas import CANONICAL_UNIT
from symbiosis.units.words import unit_label
from symbiosis.views.markdown import markdown_plain
from symbiosis.views.scenario import (
    HypotheticalReceiver,
    ScenarioInputs,
    exchange_changes,
    kpi_deltas,
    read_setting,
    scenario_config,
    with_hypothetical_receiver,
)

actor = state.require_role("advisor")
lang = state.current_lang()
st.title(t("advisor.scenario.title", lang))
registry, base = results_state.baseline(actor)
st.caption(t("advisor.scenario.intro", lang))
default = ScenarioInputs.from_config(results_state.baseline_config())
categories, parks = state.categories(), results_state.parks()
firm_names = registry.firms.set_index("firm_id")["name"]
none = t("advisor.scenario.none", lang)


#: What each number box takes (km; $/t and $/t CO2e; the receiver's yearly quantity).
_RADIUS = {"low": 1.0, "high": 5000.0}
_PRICE = {"low": 0.0, "high": 1000.0}
_QUANTITY = {"low": 1.0, "high": 1e7}


def shown(value: float | None) -> str:
    """A default as the box shows it, in the page's language (« 12,5 », « 1 000 »); empty for None."""
    return "" if value is None else format_number(value, locale="en_CA" if lang == "en" else "fr_CA")


def _weight_slider(column, name: str, default: float) -> float:
    """One objective weight, in percent on screen (100 % = 1), keyed so it survives the language switch."""
    percent = column.slider(
        t(f"advisor.scenario.{name}", lang),
        0,
        200,
        round(100 * default),
        10,
        format="%d %%",
        key=f"scenario.{name}",
    )
    return percent / 100


with st.form("scenario"):
    st.markdown("**" + t("advisor.scenario.weights", lang) + "**")
    w1, w2, w3 = st.columns(3)
    # Weights in percent (100 % = the engine's default of 1): no decimal separator to localise.
    w_value = _weight_slider(w1, "w_value", default.weight_value)
    w_co2 = _weight_slider(w2, "w_co2", default.weight_co2)
    w_tonnes = _weight_slider(w3, "w_tonnes", default.weight_tonnes)
    # Text boxes read as the advisor writes numbers: the browser's number box read « 12,5 » as 125.
    p1, p2, p3 = st.columns(3)
    radius = p1.text_input(
        t("advisor.scenario.radius", lang),
        shown(default.radius_km),
        placeholder=t("advisor.scenario.no_radius", lang),
        key="scenario.radius",
    )
    tipping = p2.text_input(
        t("advisor.scenario.tipping_fee", lang), shown(default.tipping_fee_cad_per_t), key="scenario.tipping"
    )
    carbon = p3.text_input(
        t("advisor.scenario.carbon_price", lang),
        shown(default.carbon_price_cad_per_t_co2e),
        key="scenario.carbon",
    )
    excluded = st.selectbox(  # "" is « none » in either language
        t("advisor.scenario.exclude", lang),
        ["", *firm_names.sort_values().index],
        format_func=lambda f: f"{firm_names[f]} ({f})" if f else none,
        key="scenario.excluded",
    )
    side = st.checkbox(t("advisor.scenario.side", lang), value=default.side_constraints, key="scenario.side")
    add = st.checkbox(t("advisor.scenario.receiver", lang), key="scenario.add")
    r1, r2, r3 = st.columns(3)
    labels = categories.set_index("category_id")[f"label_{lang}"].sort_values()
    kinds = categories.set_index("category_id")["kind"]
    r_category = r1.selectbox(  # each category with its unit: the quantity below is in it
        t("advisor.scenario.receiver_category", lang),
        list(labels.index),
        format_func=lambda c: f"{labels[c]} ({unit_label(CANONICAL_UNIT[kinds[c]], lang)})",
        key="scenario.receiver_category",
    )
    park_names = parks.set_index("park_id")["name"]
    r_park = r2.selectbox(
        t("advisor.scenario.receiver_park", lang),
        list(park_names.index),
        format_func=park_names.get,
        key="scenario.receiver_park",
    )
    r_quantity = r3.text_input(
        t("advisor.scenario.receiver_quantity", lang), shown(1000.0), key="scenario.receiver_quantity"
    )
    st.caption(t("advisor.scenario.memory_only", lang))
    submitted = st.form_submit_button(t("advisor.scenario.run", lang), type="primary")

read = {  # (value, why): what cannot be read for sure is refused, never guessed nor clamped
    "radius": read_setting(radius, lang, label=t("advisor.scenario.radius", lang), **_RADIUS, optional=True),
    "tipping": read_setting(tipping, lang, label=t("advisor.scenario.tipping_fee", lang), **_PRICE),
    "carbon": read_setting(carbon, lang, label=t("advisor.scenario.carbon_price", lang), **_PRICE),
}
if add:
    read["quantity"] = read_setting(
        r_quantity, lang, label=t("advisor.scenario.receiver_quantity", lang), **_QUANTITY
    )
problems = [why for _, why in read.values() if why]
if submitted and problems:
    lines = "\n".join(f"- {markdown_plain(p)}" for p in problems)  # « $/t … $/t » is no formula
    st.error(t("advisor.scenario.not_run_bad", lang) + "\n\n" + lines)
elif submitted:
    receiver = HypotheticalReceiver(r_category, r_park, float(read["quantity"][0])) if add else None
    inputs = ScenarioInputs(
        w_value,
        w_co2,
        w_tonnes,
        read["radius"][0],
        float(read["tipping"][0]),
        float(read["carbon"][0]),
        excluded or None,
        side,
        receiver,
    )
    scenario_registry = (
        registry
        if receiver is None
        else with_hypothetical_receiver(
            registry,
            receiver,
            categories=categories,
            parks=parks,
            name=t("advisor.scenario.receiver_name", lang),
        )
    )
    config = scenario_config(results_state.baseline_config(), inputs)
    st.session_state["scenario_result"] = results_state.run_cached(scenario_registry, config)
    st.session_state["scenario_firms"] = scenario_registry.firms

show_sweep(registry, lang)

result = st.session_state.get("scenario_result")
if result is None:
    st.info(t("advisor.scenario.not_run", lang))
    st.stop()

st.subheader(t("advisor.scenario.results", lang))
deltas = kpi_deltas(result.kpis, base.kpis, lang)
cols = st.columns(3)
for i, row in enumerate(deltas.itertuples(index=False)):
    cols[i % 3].metric(
        row.label,
        row.value,
        delta=row.delta if row.raw_delta else None,
        delta_color="inverse" if row.lower_is_better else "normal",
    )
appeared, disappeared = exchange_changes(
    base.exchanges, result.exchanges, st.session_state["scenario_firms"], lang
)
a, d = st.columns(2)
a.markdown("**" + t("advisor.scenario.appeared", lang, n=len(appeared)) + "**")
tables.show_table(appeared, container=a)
d.markdown("**" + t("advisor.scenario.disappeared", lang, n=len(disappeared)) + "**")
tables.show_table(disappeared, container=d)
