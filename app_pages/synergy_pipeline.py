"""Advisor synergy pipeline: record the engine's proposals, follow each synergy up, history, funnel."""

from __future__ import annotations

import streamlit as st

from app_pages import results_state, state
from symbiosis.db import PermissionDenied
from symbiosis.i18n import t
from symbiosis.synergy.funnel import DIMENSIONS, funnel
from symbiosis.synergy.ledger import ledger_lines
from symbiosis.synergy.status import REASONS, STATUSES, TransitionError
from symbiosis.synergy.store import SynergyRepository
from symbiosis.views.synergy import (
    consent_table,
    funnel_table,
    history_table,
    ledger_table,
    next_statuses,
    pipeline_table,
    status_label,
)

actor = state.require_role("advisor")
lang = state.current_lang()
st.title(t("synergy.pipeline.title", lang))
state.show_flash()
store = SynergyRepository(state.repository())
cats = state.categories()

if st.button(t("synergy.record.button", lang), help=t("synergy.record.help", lang)):
    _, result = results_state.baseline(actor)
    state.flash(t("synergy.record.done", lang, n=store.record_proposals(actor, result)))
    st.rerun()

synergies = store.synergies(actor)
if synergies.empty:
    st.info(t("synergy.empty", lang))
    st.stop()
firms = state.repository().firms(actor)

counts = synergies["status"].value_counts()
for col, status in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
    col.metric(status_label(status, lang), int(counts.get(status, 0)))

all_label = t("synergy.all", lang)
shown = st.selectbox(t("synergy.filter.status", lang), [all_label, *STATUSES],
                     format_func=lambda s: s if s == all_label else status_label(s, lang))
selected = synergies if shown == all_label else synergies[synergies["status"] == shown]
table = pipeline_table(selected, firms, lang, categories=cats)
st.subheader(t("synergy.table.count", lang, n=len(table)))
st.dataframe(table, hide_index=True, width="stretch", height=300)

if not selected.empty:
    rows = selected.set_index("synergy_id")
    chosen = st.selectbox(t("synergy.select", lang), list(rows.index),
                          format_func=lambda sid: " · ".join(str(v) for v in table.loc[sid].iloc[:4]))
    row = rows.loc[chosen]
    st.subheader(t("synergy.move.title", lang))
    keep = t("synergy.move.keep", lang)
    with st.form("move"):
        to = st.selectbox(t("synergy.move.to", lang), [keep, *next_statuses(row["status"])],
                          format_func=lambda s: s if s == keep else status_label(s, lang))
        reason = st.selectbox(t("synergy.move.reason", lang), REASONS,
                              format_func=lambda r: t(f"synergy.reason.{r}", lang))
        note = st.text_area(t("synergy.move.note", lang))
        c1, c2, c3 = st.columns(3)
        owner = c1.text_input(t("synergy.move.owner", lang), value=row["owner_id"] or actor.user_id)
        next_action = c2.text_input(t("synergy.move.next_action", lang), value=row["next_action"] or "")
        next_on = c3.date_input(t("synergy.move.next_date", lang), value=None)
        if st.form_submit_button(t("synergy.move.submit", lang)):
            try:
                if to == keep:
                    changed = store.follow_up(actor, chosen, owner_id=owner, next_action_on=next_on,
                                              next_action=next_action, note=note)
                else:
                    store.transition(actor, chosen, to, reason=reason if to == "rejected" else None,
                                     note=note, owner_id=owner, next_action_on=next_on,
                                     next_action=next_action)
                    changed = True
                state.flash(t("synergy.move.done" if changed else "synergy.move.none", lang))
                st.rerun()
            except (TransitionError, PermissionDenied) as exc:
                st.error(t("synergy.move.refused", lang, error=exc))

    st.subheader(t("synergy.consents.title", lang))
    st.dataframe(consent_table(store.consents(actor, chosen), lang), hide_index=True, width="stretch")
    st.subheader(t("synergy.ledger.title", lang))
    st.caption(t("synergy.ledger.caption", lang))
    checks = store.verifications(actor, chosen)
    lines = ledger_lines(rows.loc[[chosen]].reset_index(), checks, categories=cats)
    st.dataframe(ledger_table(lines, lang), hide_index=True, width="stretch")
    st.subheader(t("synergy.history.title", lang))
    st.dataframe(history_table(store.history(actor, chosen), lang), hide_index=True, width="stretch")

st.subheader(t("synergy.funnel.title", lang))
st.caption(t("synergy.funnel.caption", lang))
dimension = st.selectbox(t("synergy.funnel.dimension", lang), DIMENSIONS,
                         format_func=lambda d: t(f"synergy.funnel.dim.{d}", lang))
frame = funnel(synergies, firms, categories=cats)
st.dataframe(funnel_table(frame, dimension, lang), hide_index=True, width="stretch")
