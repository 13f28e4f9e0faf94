"""Mutualisation data: the registry's tables, files imported into them with their reports, the plan."""

from __future__ import annotations

import streamlit as st

from app_pages import mutual_state, results_state, state, tables, upload_reports, uploads
from symbiosis.i18n import t, tn
from symbiosis.mutual.records import record_mutual_proposals
from symbiosis.sandbox import prewarm
from symbiosis.services.mutual_inputs import import_mutual_file, kept_mutual_import
from symbiosis.services.synergy_store import SynergyRepository
from symbiosis.views.mutual import summary_table

actor = state.require_role("advisor")
lang = state.current_lang()
st.title(t("mutual.data.title", lang))
state.show_flash()
st.caption(t("mutual.data.intro", lang))
registry = results_state.load_registry(actor)
REPORTS = "mutual_upload_reports"  # the last upload's reports (one per file)

with st.form("mutual_upload"):
    files = uploads.file_uploader(
        t("mutual.data.upload", lang),
        key="mutual_files",
        lang=lang,
        types=["csv", "xlsx"],
        accept_multiple_files=True,
    )
    submitted = st.form_submit_button(t("mutual.data.validate", lang))
prewarm()  # the worker process that will read the files starts now, not at the click
if submitted and files:
    with st.spinner(t("mutual.data.importing", lang)):  # read in a worker process: others keep working
        imports = [import_mutual_file(state.repository(), actor, f.getvalue(), f.name) for f in files]
    # kept with the signed-in session: a reload shows the reports again, until dismissed or signed out
    upload_reports.keep(REPORTS, [kept_mutual_import(imported) for imported in imports])
    st.rerun()  # the tables below count the rows just stored
upload_reports.show(
    REPORTS,
    lang,
    key="mutual",
    prefix="mutual.data",
    heading=lambda kept: (
        t("mutual.data.file_table", lang, table=t(f"mutual.table.{kept.table}", lang)) if kept.table else None
    ),
    rejected_name=lambda kept: (
        f"{kept.filename.rsplit('.', 1)[0]}_{t('mutual.data.rejected_file', lang)}.csv"
    ),
)

stored = mutual_state.tables(actor)
data = stored.data
st.caption(mutual_state.source_caption(stored, lang))
counts = data.counts()
columns = st.columns(len(counts))
for column, (name, n) in zip(columns, counts.items(), strict=True):
    column.metric(t(f"mutual.table.{name}", lang), n)
if data.empty:
    st.info(t("mutual.page.no_data", lang))
    st.stop()

st.subheader(t("mutual.data.plan", lang))
if not mutual_state.planned(registry, data) and not st.button(
    t("mutual.data.plan_button", lang), key="mutual_plan", type="primary"
):
    st.caption(t("mutual.data.plan_on_demand", lang))  # planning the four levers takes seconds: on demand
    st.stop()
result = mutual_state.plan(registry, data)
tables.show_table(summary_table(result, lang))
problems = [v for info in result.info.values() for v in info.violations]
if problems:
    st.error(tn("mutual.data.check_failed", len(problems), lang))
if st.button(t("mutual.data.record", lang), key="mutual_record"):
    n = record_mutual_proposals(SynergyRepository(state.repository()), actor, result)
    state.flash(tn("mutual.data.recorded", n, lang), where="mutual_record")
    st.rerun()
state.show_flash(where="mutual_record")  # by the button, under the plan
