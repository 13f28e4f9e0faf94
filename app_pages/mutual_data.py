"""Mutualisation data: the tables in use (sample or uploaded), their import reports, the plan, its record."""

from __future__ import annotations

import streamlit as st

from app_pages import mutual_state, results_state, state, tables
from symbiosis.i18n import t
from symbiosis.ingest import read_table
from symbiosis.mutual.files import FRENCH_FILES
from symbiosis.mutual.ingest import guess_mutual_table, mutual_data, validate_mutual_table
from symbiosis.mutual.records import record_mutual_proposals
from symbiosis.mutual.tables import MUTUAL_TABLES
from symbiosis.services.synergy_store import SynergyRepository
from symbiosis.views.mutual import summary_table

actor = state.require_role("advisor")
lang = state.current_lang()
st.title(t("mutual.data.title", lang))
state.show_flash()
st.caption(t("mutual.data.intro", lang))
registry = results_state.load_registry(actor)

with st.form("mutual_upload"):
    files = st.file_uploader(t("mutual.data.upload", lang), type=["csv", "xlsx"], accept_multiple_files=True)
    submitted = st.form_submit_button(t("mutual.data.validate", lang))
if submitted and files:
    results = {}
    for file in files:
        raw = read_table(file.getvalue(), filename=file.name)
        stem = file.name.rsplit(".", 1)[0].lower()
        named = next((k for k in MUTUAL_TABLES if stem in (k, FRENCH_FILES[k])), None)
        table = named or guess_mutual_table(raw)
        if table is None:
            st.error(t("mutual.data.unknown_file", lang, name=file.name))
            continue
        results[table] = validate_mutual_table(raw, table, known_firm_ids=set(registry.firms["firm_id"]))
        st.subheader(f"{file.name} → {t(f'mutual.table.{table}', lang)}")
        state.show_report(results[table].report, lang, key=f"mutual_report_{table}")
    if results:
        st.session_state[mutual_state.UPLOADED] = mutual_data(results)
if st.session_state.get(mutual_state.UPLOADED) is not None and st.button(t("mutual.data.use_sample", lang)):
    st.session_state.pop(mutual_state.UPLOADED)
    st.rerun()

data, source = mutual_state.tables(registry)
st.caption(t(f"mutual.page.source_{source}", lang))
counts = data.counts()
columns = st.columns(len(counts))
for column, (name, n) in zip(columns, counts.items(), strict=True):
    column.metric(t(f"mutual.table.{name}", lang), n)
if data.empty:
    st.info(t("mutual.page.no_data", lang))
    st.stop()

result = mutual_state.plan(registry, data)
st.subheader(t("mutual.data.plan", lang))
tables.show_table(summary_table(result, lang))
problems = [v for info in result.info.values() for v in info.violations]
if problems:
    st.error(t("mutual.data.check_failed", lang, n=len(problems)))
if st.button(t("mutual.data.record", lang), key="mutual_record"):
    n = record_mutual_proposals(SynergyRepository(state.repository()), actor, result)
    state.flash(t("mutual.data.recorded", lang, n=n))
    st.rerun()
