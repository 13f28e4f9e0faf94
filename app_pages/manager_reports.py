"""Reports page: choose period, territory, language, format and anonymisation; download the report."""

from __future__ import annotations

import streamlit as st

from app_pages import report_state, state
from symbiosis.db import DATABASE_ERRORS
from symbiosis.i18n import LANGS, t
from symbiosis.reports import FORMATS

actor = state.require_role("program_manager", "advisor")
lang = state.current_lang()
st.title(t("reports.page.title", lang))
st.caption(t("reports.page.intro", lang))

try:
    firms = state.repository().firms(actor)
except DATABASE_ERRORS as exc:  # the page must explain, not crash, when the DB is missing or broken
    state.database_error(exc, lang)
if firms.empty:
    st.info(t("reports.page.empty", lang))
    st.stop()

source = report_state.report_source(actor)
scope = report_state.choose_scope(source, lang, key="reports")
if scope is None:
    st.stop()
territory, period = scope
report_state.source_notice(source, lang)
c1, c2, c3 = st.columns(3)
report_lang = c1.selectbox(
    t("reports.page.lang", lang),
    LANGS,
    index=LANGS.index(lang),
    key="reports.lang",
    format_func=lambda code: {"fr": "Français", "en": "English"}[code],
)
fmt = c2.selectbox(t("reports.page.format", lang), FORMATS, format_func=str.upper, key="reports.format")
anonymised = c3.checkbox(
    t("reports.page.anonymised", lang), value=actor.role == "program_manager", key="reports.anonymised"
)
report_state.download_files(
    source,
    actor,
    territory=territory,
    period=period,
    lang=report_lang,
    anonymised=anonymised,
    formats=(fmt,),
    page="reports",
    key="reports.files",
)
