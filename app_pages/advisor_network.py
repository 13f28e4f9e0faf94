"""Advisor network: clusters by resource family or park, anchor firms, short chains, parks, resilience."""

from __future__ import annotations

import streamlit as st

from app_pages import results_state, state, tables
from symbiosis.engine.network_insights import (
    CLUSTER_KEYS,
    DEFAULT_MAX_HOPS,
    anchor_firms,
    group_clusters,
    short_chains,
)
from symbiosis.i18n import t
from symbiosis.views.map import fmt
from symbiosis.views.network import (
    NUMERIC_COLUMNS,
    anchor_table,
    chain_table,
    group_table,
    park_table,
    resilience_table,
)

MAX_HOPS_LIMIT = 6
N_RESILIENCE = 5

actor = state.require_role("advisor")
lang = state.current_lang()
st.title(t("advisor.network.title", lang))
registry, result = results_state.baseline(actor)
graph, firms, exchanges = result.graph, registry.firms, result.exchanges
categories, parks = state.categories(), results_state.parks()
numbers = {t(key, lang): st.column_config.NumberColumn(format="localized") for key in NUMERIC_COLUMNS}


@state.session_cache(max_entries=16)
def _groups(exchanges, firms, by: str, categories):
    return group_clusters(exchanges, firms, by=by, categories=categories)


@state.session_cache(max_entries=16)
def _chains(exchanges, max_hops: int):
    return short_chains(exchanges, max_hops=max_hops, top=10)


def show(frame) -> None:
    """A table with numeric columns sorted and formatted as numbers."""
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        placeholder=tables.MISSING,
        column_config={c: numbers[c] for c in frame.columns if c in numbers},
    )


families = _groups(exchanges, firms, "family", categories)
st.caption(
    t(
        "network.summary",
        lang,
        firms=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        families=len(families),
    )
    + " "
    + t("advisor.estimated", lang)
)

st.subheader(t("network.groups", lang))
by = st.radio(
    t("network.group_by", lang),
    CLUSTER_KEYS,
    format_func=lambda k: t(f"network.by.{k}", lang),
    horizontal=True,
    key="network.by",
)
groups = families if by == "family" else _groups(exchanges, firms, "park", None)
st.caption(t(f"network.groups_note.{by}", lang))
show(group_table(groups, firms, by, lang, parks=parks))

st.subheader(t("network.anchors", lang))
st.caption(t("network.anchors_note", lang))
anchors = anchor_firms(exchanges, top=10)
show(anchor_table(anchors, firms, lang))

st.subheader(t("network.chains", lang))
max_hops = st.slider(t("network.max_hops", lang), 2, MAX_HOPS_LIMIT, DEFAULT_MAX_HOPS, key="network.max_hops")
st.caption(t("network.chains_note", lang))
chains = _chains(exchanges, max_hops)
if chains.empty:
    st.info(t("network.no_chain", lang))
else:  # a static table: the cells wrap, so a whole chain and what flows on it can be read
    table = chain_table(chains, firms, lang, categories=categories)
    value = t("advisor.col.net_value", lang)
    st.table(table.assign(**{value: [fmt(v, lang) for v in table[value]]}), hide_index=True)

st.subheader(t("advisor.net.parks", lang))
show(park_table(exchanges, firms, lang))

st.subheader(t("advisor.net.resilience", lang))
st.caption(t("advisor.net.resilience_note", lang))
with st.spinner(t("advisor.running", lang)):
    resolve = results_state.reoptimised_losses(registry, result)
    losses = resilience_table(
        exchanges, firms, anchors["firm_id"].head(N_RESILIENCE).tolist(), lang, resolve=resolve
    )
show(losses)
