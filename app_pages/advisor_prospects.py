"""Advisor prospecting: leads for firms with no declared stream, inferred from their sector (not counted)."""

from __future__ import annotations

import streamlit as st

from app_pages import results_state, state, tables
from symbiosis.engine.prospects import prospect_leads, silent_firms
from symbiosis.i18n import t
from symbiosis.kb import load_categories
from symbiosis.views.prospects import lead_table, prospect_summary

actor = state.require_role("advisor")
lang = state.current_lang()
st.title(t("advisor.prospects.title", lang))
st.caption(t("advisor.prospects.intro", lang))
registry = results_state.load_registry(actor, need_streams=False)  # firms without streams are its point
# In whole percent: a float slider writes « 0.30 », with an English decimal point, on a French page.
share_pct = st.slider(
    t("advisor.prospects.min_share", lang), 0, 100, 30, 5, format="%d %%", key="prospects.min_share"
)
with st.spinner(t("advisor.running", lang)):
    leads = prospect_leads(
        registry,
        rules=results_state.rules(),
        categories=load_categories(),
        config=results_state.baseline_config(),
        min_share=share_pct / 100,
    )
st.info(prospect_summary(leads, len(silent_firms(registry)), lang))
if leads.empty:
    st.write(
        t("advisor.prospects.none_no_streams" if registry.streams.empty else "advisor.prospects.none", lang)
    )
else:
    tables.show_table(lead_table(leads, registry.firms, load_categories(), lang))
