"""Program manager dashboard: the period's figures, synergies by status, breakdowns and the same files."""

from __future__ import annotations

import streamlit as st

from app_pages import report_state, results_state, state, tables
from symbiosis.i18n import t
from symbiosis.views.charts import bar_chart, column_chart
from symbiosis.views.dashboard import (
    BREAKDOWNS,
    PER_FIRM_BREAKDOWNS,
    breakdown_table,
    default_price_note,
    empty_scope_note,
    headline,
    monthly_table,
    status_table,
)

actor = state.require_role("program_manager")
lang = state.current_lang()
st.title(t("manager.title", lang))
source = report_state.report_source(actor)
scope = report_state.choose_scope(source, lang, key="dashboard")
if scope is None:
    st.stop()
territory, period = scope
data = source.data(territory=territory, period=period)
report_state.source_notice(source, lang)
if source.source != "result":  # « figures of the synergy ledger » would contradict the notice above
    st.info(t("manager.estimated", lang))
if note := empty_scope_note(data, lang):
    st.warning(note)

figures = headline(data, lang)
for row in (figures[:3], figures[3:]):
    for col, (label, value) in zip(st.columns(3), row, strict=False):
        col.metric(label, value)
if note := default_price_note(data, lang):
    st.caption(note)

# Each table on the page's whole width: beside each other they hid their last columns at 1280 px.
st.subheader(t("manager.by_status", lang))
tables.show_table(status_table(data, lang))
st.subheader(t("manager.breakdowns", lang))
by = st.selectbox(
    t("manager.breakdown_by", lang),
    BREAKDOWNS,
    format_func=lambda b: t(f"manager.by.{b}", lang),
    key="dashboard.breakdown",
)
table = breakdown_table(data, by, lang, parks=results_state.parks())
value = t("manager.col.value", lang)
tables.chart(bar_chart(table, category=table.columns[0], value=value, lang=lang, value_title=value, unit="$"))
tables.show_table(table)
if by in PER_FIRM_BREAKDOWNS:
    st.caption(t("manager.double_count", lang))

st.subheader(t("manager.period", lang))
months = monthly_table(data, lang)
tables.chart(
    column_chart(
        months,
        category=months.columns[0],
        value=months.columns[1],
        lang=lang,
        value_title=months.columns[1],
        unit="t",
    )
)

st.subheader(t("manager.downloads", lang))
st.caption(t("manager.downloads_note", lang))
anonymise = st.checkbox(t("manager.anonymise", lang), value=True, key="dashboard.anonymise")
report_state.download_files(
    source,
    actor,
    territory=territory,
    period=period,
    lang=lang,
    anonymised=anonymise,
    page="dashboard",
    key="dashboard.files",
)
