"""Reports page: choose period, territory, language, format and anonymisation; download the report."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from app_pages import results_state, state
from symbiosis.i18n import LANGS, t
from symbiosis.reports import FORMATS, MEDIA_TYPES, parse_territory, render_report, territory_choices
from symbiosis.reports.source import report_data

actor = state.require_role("program_manager", "advisor")
lang = state.current_lang()
st.title(t("reports.page.title", lang))
st.caption(t("reports.page.intro", lang))

try:
    repo = state.repository()
    firms = repo.firms(actor)
except Exception as exc:  # the page must explain, not crash, when the DB is missing or broken
    st.error(t("registry.db_error", lang, url=state.database_url_shown(), error=exc))
    st.stop()
if firms.empty:
    st.info(t("reports.page.empty", lang))
    st.stop()

today = dt.date.today()
with st.form("report"):
    c1, c2 = st.columns(2)
    start = c1.date_input(t("reports.page.from", lang), value=dt.date(today.year, 1, 1))
    end = c2.date_input(t("reports.page.to", lang), value=dt.date(today.year, 12, 31))
    territory = st.selectbox(t("reports.territory", lang), territory_choices(firms),
                             format_func=lambda s: parse_territory(s).label(lang))
    c3, c4 = st.columns(2)
    report_lang = c3.selectbox(t("reports.page.lang", lang), LANGS, index=LANGS.index(lang),
                               format_func=lambda code: {"fr": "Français", "en": "English"}[code])
    fmt = c4.selectbox(t("reports.page.format", lang), FORMATS, format_func=str.upper)
    anonymised = st.checkbox(t("reports.page.anonymised", lang), value=actor.role == "program_manager")
    submitted = st.form_submit_button(t("reports.page.generate", lang))

if submitted:
    if end < start:
        st.error(t("reports.page.bad_period", lang))
        st.stop()
    data = report_data(repo, actor, territory=parse_territory(territory), period=(start, end),
                       anonymised=anonymised,
                       matcher=lambda reg: results_state.run_cached(reg, results_state.baseline_config()))
    name = f"rapport-{territory.replace(':', '-')}-{start}-{end}.{fmt}".replace(" ", "_")
    st.session_state["reports.file"] = (render_report(data, fmt, report_lang), name, fmt)
    repo.log_event(actor, "export", details={"page": "reports", "format": fmt, "territory": territory,
                                             "anonymised": anonymised, "lang": report_lang})

if "reports.file" in st.session_state:
    content, name, fmt = st.session_state["reports.file"]
    st.download_button(t("reports.page.download", lang), content, file_name=name, mime=MEDIA_TYPES[fmt])
