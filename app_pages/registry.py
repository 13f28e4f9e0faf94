"""Registry page: the firms and their declared streams, with filters."""

from __future__ import annotations

import streamlit as st

from app_pages import state, tables
from symbiosis.i18n import t, tn
from symbiosis.views.registry import filter_streams, registry_summary, stream_table

lang = state.current_lang()
actor = state.require_role("advisor", "program_manager")
st.title(t("registry.title", lang))

registry = state.load_registry_or_stop(actor, empty_key="registry.empty")

summary = registry_summary(registry)
cols = st.columns(4)
cols[0].metric(t("registry.firms", lang), summary["firms"])
cols[1].metric(t("registry.supplies", lang), summary["supplies"])
cols[2].metric(t("registry.demands", lang), summary["demands"])
cols[3].metric(t("registry.municipalities", lang), summary["municipalities"])

f1, f2, f3, f4 = st.columns(4)
all_label = t("all", lang)
municipality = f1.selectbox(
    t("registry.filter_municipality", lang), [all_label, *sorted(registry.firms["municipality"].unique())]
)
direction = f2.selectbox(
    t("registry.filter_direction", lang),
    [all_label, "supply", "demand"],
    format_func=lambda d: d if d == all_label else t(f"direction.{d}", lang),
)
kind = f3.selectbox(
    t("registry.filter_kind", lang),
    [all_label, *sorted(registry.streams["kind"].unique())],
    format_func=lambda k: k if k == all_label else t(f"kind.{k}", lang),
)
query = f4.text_input(t("registry.search", lang))

selected = filter_streams(
    registry,
    municipality=None if municipality == all_label else municipality,
    direction=None if direction == all_label else direction,
    kind=None if kind == all_label else kind,
    text=query,
)
st.subheader(tn("registry.streams_count", len(selected), lang))
tables.show_table(stream_table(selected, lang, categories=state.categories()))
