"""Firm proposals: what each proposal brings the firm, both decisions, what happens next, the reveal."""

from __future__ import annotations

import streamlit as st

from app_pages import state, tables
from symbiosis.db import PermissionDenied
from symbiosis.i18n import t
from symbiosis.numbers import format_number
from symbiosis.services.synergy_store import SynergyRepository
from symbiosis.synergy.status import CONSENT_OPEN, DECISIONS, REASONS, TransitionError
from symbiosis.timezone import local_today
from symbiosis.views.synergy import (
    firm_table,
    next_step,
    proposal_label,
    read_quantity,
    refusal_text,
    status_label,
    unit_label,
    verification_table,
)

actor = state.require_role("firm")
lang = state.current_lang()
st.title(t("synergy.proposals.title", lang))
state.show_flash()
st.caption(t("synergy.proposals.anonymous", lang))

store = SynergyRepository(state.repository())
cats = state.categories()
proposals = store.firm_proposals(actor, categories=cats)
if proposals.empty:
    st.info(t("synergy.proposals.empty", lang))
    st.stop()

tables.show_table(firm_table(proposals, lang, categories=cats))
st.caption(t("synergy.figures.caption", lang))
rows = proposals.set_index("synergy_id")
chosen = st.selectbox(
    t("synergy.select", lang),
    list(rows.index),
    key="proposals.chosen",
    format_func=lambda sid: proposal_label(rows.loc[sid], lang, categories=cats),
)
row = rows.loc[chosen]
st.info(next_step(row, lang))  # where this proposal stands and what happens next

if row["revealed"]:
    st.subheader(t("synergy.reveal.title", lang))
    revealed = st.session_state.setdefault("synergy_revealed", {})
    if chosen not in revealed and st.button(t("synergy.reveal.button", lang)):
        revealed[chosen] = store.reveal(actor, chosen)  # audited, once per session
    if chosen in revealed:
        who = revealed[chosen]
        locale = "en_CA" if lang == "en" else "fr_CA"
        flow = format_number(float(who["flow_per_yr"] or 0), locale=locale, decimals=1)
        distance = format_number(float(who["road_distance_km"] or 0), locale=locale, decimals=0)
        st.caption(t("synergy.reveal.logged", lang))
        colon = " : " if lang == "fr" else ": "
        for key, value in (
            ("name", who["name"]),
            ("place", who["municipality"]),
            ("contact", who["contact_name"]),
            ("email", who["contact_email"]),
            ("phone", who["contact_phone"]),
            ("flow", f"{flow} {unit_label(who['flow_unit'], lang)}"),
            ("distance", f"{distance} km"),
        ):
            st.text(t(f"synergy.reveal.{key}", lang) + colon + str(value))  # plain text, never markdown
elif row["status"] in CONSENT_OPEN:
    with st.form("consent"):
        st.subheader(t("synergy.consent.title", lang))
        decision = st.radio(
            t("synergy.consent.choice", lang),
            DECISIONS,
            horizontal=True,
            format_func=lambda d: t(f"synergy.decision.{d}", lang),
            key=f"consent.{chosen}.decision",  # keyed: a note being typed survives the language switch
        )
        reason = st.selectbox(
            t("synergy.consent.reason", lang),
            REASONS,
            format_func=lambda r: t(f"synergy.reason.{r}", lang),
            key=f"consent.{chosen}.reason",
        )
        note = st.text_area(t("synergy.consent.note", lang), max_chars=2000, key=f"consent.{chosen}.note")
        if st.form_submit_button(t("synergy.consent.submit", lang), type="primary"):
            try:
                store.consent(
                    actor, chosen, decision, reason=reason if decision == "decline" else None, note=note
                )
                state.flash(t("synergy.consent.done", lang))
                st.rerun()
            except (TransitionError, PermissionDenied) as exc:
                st.error(t("synergy.error", lang, error=refusal_text(exc, lang)))

if row["status"] in ("implemented", "verified"):
    st.subheader(t("synergy.verify.title", lang))
    unit = unit_label(str(row["flow_unit"]).removesuffix("/yr"), lang)
    st.caption(t("synergy.verify.help", lang, unit=unit))
    with st.form("verify"):
        today = local_today()  # the region's day: on a UTC server the evening is already tomorrow
        c1, c2, c3 = st.columns(3)
        start = c1.date_input(
            t("synergy.verify.start", lang),
            value=today.replace(month=1, day=1),
            format=state.DATE_FORMAT,
            key=f"verify.{chosen}.start",
        )
        end = c2.date_input(
            t("synergy.verify.end", lang), value=today, format=state.DATE_FORMAT, key=f"verify.{chosen}.end"
        )
        typed = c3.text_input(  # text, read as the firm writes numbers: « 12,5 » is 12.5, never 125
            t("synergy.verify.quantity", lang),
            placeholder="12,5" if lang == "fr" else "12.5",
            key=f"verify.{chosen}.quantity",
        )
        if st.form_submit_button(t("synergy.verify.submit", lang)):
            quantity, why = read_quantity(typed, lang)
            try:
                if quantity is None:
                    st.error(why)
                else:
                    store.confirm_quantity(
                        actor, chosen, period_start=start, period_end=end, quantity=quantity
                    )
                    state.flash(t("synergy.verify.done", lang))
                    st.rerun()
            except (TransitionError, PermissionDenied) as exc:
                st.error(t("synergy.error", lang, error=refusal_text(exc, lang)))
    periods = store.verifications(actor, chosen)
    if not periods.empty:
        st.markdown("**" + t("synergy.verify.periods", lang) + "**")
        tables.show_table(verification_table(periods, lang))
elif not row["revealed"] and row["status"] not in CONSENT_OPEN:
    st.caption(t("synergy.next.closed", lang, status=status_label(row["status"], lang)))
