"""Advisor network: clusters, hub firms, within versus between parks, chains and resilience to a closure."""

from __future__ import annotations

import streamlit as st

from app_pages import results_state, state
from symbiosis.engine.network import clusters
from symbiosis.i18n import t
from symbiosis.views.network import chain_table, cluster_table, hub_table, park_table, resilience_table

actor = state.require_role("advisor")
lang = state.current_lang()
st.title(t("advisor.network.title", lang))
registry, result = results_state.baseline(actor)
graph, firms = result.graph, registry.firms
st.caption(
    t(
        "advisor.net.summary",
        lang,
        firms=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        clusters=len(clusters(graph)),
    )
    + " "
    + t("advisor.estimated", lang)
)

st.subheader(t("advisor.net.clusters", lang))
st.dataframe(cluster_table(graph, firms, lang), hide_index=True, width="stretch")

top_hubs = results_state.hub_firms(registry, result, top=10)
left, right = st.columns(2)
left.subheader(t("advisor.net.hubs", lang))
left.dataframe(hub_table(top_hubs, firms, lang), hide_index=True, width="stretch")
right.subheader(t("advisor.net.parks", lang))
right.dataframe(park_table(result.exchanges, firms, lang), hide_index=True, width="stretch")

st.subheader(t("advisor.net.chains", lang))
chain = chain_table(graph, firms, lang)
if chain.empty:
    st.info(t("advisor.net.no_chain", lang))
else:
    st.dataframe(chain, hide_index=True, width="stretch")

st.subheader(t("advisor.net.resilience", lang))
st.caption(t("advisor.net.resilience_note", lang))
with st.spinner(t("advisor.running", lang)):
    resolve = results_state.reoptimised_losses(registry, result)
    losses = resilience_table(
        result.exchanges, firms, top_hubs["firm_id"].head(5).tolist(), lang, resolve=resolve
    )
st.dataframe(losses, hide_index=True, width="stretch")
