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
all_label = t("all", lang)  # "" is « all »; keyed boxes keep their choice across the language switch
municipality = f1.selectbox(
    t("registry.filter_municipality", lang),
    ["", *sorted(registry.firms["municipality"].unique())],
    key="registry.municipality",
    format_func=lambda m: m or all_label,
)
direction = f2.selectbox(
    t("registry.filter_direction", lang),
    ["", "supply", "demand"],
    key="registry.direction",
    format_func=lambda d: t(f"direction.{d}", lang) if d else all_label,
)
kind = f3.selectbox(
    t("registry.filter_kind", lang),
    ["", *sorted(registry.streams["kind"].unique())],
    key="registry.kind",
    format_func=lambda k: t(f"kind.{k}", lang) if k else all_label,
)
query = f4.text_input(t("registry.search", lang), key="registry.query")

selected = filter_streams(
    registry,
    municipality=municipality or None,
    direction=direction or None,
    kind=kind or None,
    text=query,
)
st.subheader(tn("registry.streams_count", len(selected), lang))
if selected.empty:  # not an empty table alone: say what hides the streams
    st.info(t("registry.no_match", lang, total=len(registry.streams)))
else:
    tables.show_table(stream_table(selected, lang, categories=state.categories()))
