"""A firm's groups and tours: its parts, the other members anonymised until all accept, its decision."""

from __future__ import annotations

import streamlit as st

from app_pages import state, tables
from symbiosis.db import PermissionDenied
from symbiosis.i18n import t, tn
from symbiosis.services.mutual_consent import firm_items, item_partners
from symbiosis.services.synergy_store import SynergyRepository
from symbiosis.synergy.status import CONSENT_OPEN, DECISIONS, REASONS, TransitionError
from symbiosis.views.mutual import firm_items_table, item_labels, partners_table
from symbiosis.views.synergy import refusal_text

actor = state.require_role("firm")
lang = state.current_lang()
st.title(t("mutual.firm.title", lang))
state.show_flash()
st.caption(t("mutual.firm.intro", lang))
repo = state.repository()
items = firm_items(repo, actor)
if items.empty:
    st.info(t("mutual.firm.empty", lang))
    st.stop()
tables.show_table(firm_items_table(items, lang))
labels = item_labels(items, lang)
chosen = st.selectbox(
    t("mutual.page.item", lang), list(labels), format_func=labels.get, key="firm_mutual.item"
)
mine = items[items["item_id"] == chosen]
st.subheader(t("mutual.firm.partners", lang))
partners = item_partners(repo, actor, chosen)
if partners.empty:
    st.info(t("mutual.firm.alone", lang))
else:
    if not partners["revealed"].iloc[0]:
        st.caption(
            tn(
                "mutual.firm.anonymous",
                int(mine["n_accepted"].iloc[0]),
                lang,
                total=int(mine["n_members"].iloc[0]),
            )
        )
    tables.show_table(partners_table(partners, lang))
row = mine.iloc[0]
if row["my_status"] in CONSENT_OPEN:
    with st.form("mutual_consent"):
        decision = st.radio(
            t("synergy.consent.choice", lang),
            DECISIONS,
            horizontal=True,
            format_func=lambda d: t(f"synergy.decision.{d}", lang),
            key=f"firm_mutual.{chosen}.decision",
        )
        reason = st.selectbox(
            t("synergy.consent.reason", lang),
            REASONS,
            format_func=lambda r: t(f"synergy.reason.{r}", lang),
            key=f"firm_mutual.{chosen}.reason",
        )
        if st.form_submit_button(t("synergy.consent.submit", lang)):
            store = SynergyRepository(repo)
            try:
                for sid in mine["my_synergy_id"]:
                    store.consent(actor, sid, decision, reason=reason if decision == "decline" else None)
                state.flash(t("synergy.consent.done", lang), where="mutual_consent")
                st.rerun()
            except (TransitionError, PermissionDenied) as exc:
                st.error(t("synergy.error", lang, error=refusal_text(exc, lang)))
else:
    st.info(t("synergy.consent.closed", lang))
state.show_flash(where="mutual_consent")  # under the form: the top of the page is out of sight
