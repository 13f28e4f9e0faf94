"""Shared collection routes: the tours on an offline map, each firm's saving, the nearest-neighbour tours."""

from __future__ import annotations

import streamlit as st

from app_pages import mutual_state, state, tables
from symbiosis.i18n import t
from symbiosis.views.mutual import amount, lever_table, members_table, percent, route_deck, route_layers

actor = state.require_role("advisor")
lang = state.current_lang()
st.title(t("mutual.routes.title", lang))
state.show_flash()
registry, data, result = mutual_state.advisor_context(actor, ("routes",))
names, receivers = mutual_state.names(registry), mutual_state.receiver_names(data)
details = result.info["routes"].details
c1, c2, c3, c4 = st.columns(4)
c1.metric(t("mutual.routes.km", lang), amount(details.get("km_per_yr", 0.0), lang))
c2.metric(t("mutual.routes.separate_km", lang), amount(details.get("separate_km_per_yr", 0.0), lang))
c3.metric(t("mutual.routes.vs_nn", lang), percent(details.get("km_saving_vs_nearest_neighbour_pct", 0), lang))
c4.metric(
    t("mutual.col.net_saving_cad_per_yr", lang),
    amount(result.info["routes"].objective_cad_per_yr, lang, " $"),
)
st.caption(
    t(
        "mutual.routes.compared",
        lang,
        days=details.get("days_compared", 0),
        total=details.get("collection_days_per_cycle", 0),
    )
)

table = lever_table(result, "routes", lang, names=names, receiver_names=receivers)
if table.empty:
    st.info(t("mutual.page.none", lang))
    st.stop()
all_label = t("all", lang)
labels = {r.route_id: f"{r.residues} → {r.receiver}" for r in table.itertuples()}
route = st.selectbox(
    t("mutual.routes.pick", lang),
    ["", *table["route_id"]],
    key="mutual.routes.pick",
    format_func=lambda r: labels.get(r, r) if r else all_label,
)
chosen = route or None
st.pydeck_chart(
    route_deck(route_layers(result, registry.firms, data.receivers, route_id=chosen, names=names, lang=lang))
)
st.caption(t("advisor.map.no_tiles", lang))
st.dataframe(
    table.drop(columns=["explanation"]).rename(columns=lambda c: t(f"mutual.col.{c}", lang)),
    hide_index=True,
    width="stretch",
    placeholder=tables.MISSING,
)
if chosen:
    st.write(table.set_index("route_id").at[chosen, "explanation"])
    mutual_state.offer_button(actor, chosen, key="mutual_offer_route")
st.subheader(t("mutual.routes.per_firm", lang))
tables.show_table(members_table(result.collection, "routes", lang, names=names))
