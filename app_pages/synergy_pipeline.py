"""Advisor synergy pipeline: record the proposals, a period, follow each synergy up, history, funnel."""

from __future__ import annotations

import streamlit as st

from app_pages import report_state, results_state, state, tables
from symbiosis.db import PermissionDenied
from symbiosis.i18n import t, tn
from symbiosis.services.synergy_store import SynergyRepository
from symbiosis.synergy.funnel import DIMENSIONS, funnel
from symbiosis.synergy.ledger import ledger_lines
from symbiosis.synergy.period import synergies_in_period
from symbiosis.synergy.status import REASONS, STATUSES, TransitionError
from symbiosis.views.synergy import (
    consent_table,
    empty_period_note,
    funnel_table,
    history_table,
    ledger_table,
    next_statuses,
    pipeline_table,
    refusal_text,
    status_label,
    synergy_labels,
    text_or_empty,
)

actor = state.require_role("advisor")
lang = state.current_lang()
st.title(t("synergy.pipeline.title", lang))
state.show_flash()
store = SynergyRepository(state.repository())
cats = state.categories()

if st.button(t("synergy.record.button", lang), help=t("synergy.record.help", lang)):
    with st.status(t("synergy.record.running", lang), expanded=False) as progress:
        _, result = results_state.baseline(actor)
        n = store.record_proposals(actor, result)
        progress.update(label=t("synergy.record.finished", lang), state="complete")
    state.flash(tn("synergy.record.done", n, lang))
    st.rerun()

synergies = store.synergies(actor)
if synergies.empty:
    st.info(t("synergy.empty", lang))
    st.stop()
firms = state.repository().firms(actor)

# Which synergies a period holds: the dashboard's and the reports' rule (the date of the current
# status); empty dates by default, every tracked synergy.
from_col, to_col, status_col = st.columns([1, 1, 2])
period = report_state.choose_period(
    lang, key="synergy.period", default=(None, None), columns=(from_col, to_col)
)
all_label = t("synergy.all", lang)
shown = status_col.selectbox(  # "" is « all » in either language: the choice survives the language switch
    t("synergy.filter.status", lang),
    ["", *STATUSES],
    key="synergy.filter",
    format_func=lambda s: status_label(s, lang) if s else all_label,
)
st.caption(t("synergy.period.help", lang))
if period is None:  # a reversed period, said under the boxes
    st.stop()
dated = synergies_in_period(synergies, period)
selected = dated[dated["status"] == shown] if shown else dated
if dated.empty:
    st.info(empty_period_note(len(synergies), lang))
else:
    counts = dated["status"].value_counts()
    for col, status in zip(st.columns(len(STATUSES)), STATUSES, strict=True):
        col.metric(status_label(status, lang), int(counts.get(status, 0)))
    table = pipeline_table(selected, firms, lang, categories=cats)
    st.subheader(tn("synergy.table.title", len(table), lang))
    if table.empty:  # a status nobody has reached: say so rather than an empty table
        st.info(t("synergy.filter.none", lang, status=status_label(shown, lang), all=all_label))
    else:
        tables.show_table(table, height=300)

# The chosen synergy stays chosen after a save, even when its new status leaves the filter.
options = list(selected["synergy_id"])
kept = st.session_state.get("synergy.chosen")
if kept in set(synergies["synergy_id"]) and kept not in options:
    options.insert(0, kept)
if options:
    labels = synergy_labels(synergies, firms, lang, categories=cats)
    chosen = st.selectbox(t("synergy.select", lang), options, key="synergy.chosen", format_func=labels.get)
    rows = synergies.set_index("synergy_id")
    row = rows.loc[chosen]
    st.subheader(t("synergy.move.title", lang))
    st.caption(t("synergy.move.current", lang, status=status_label(row["status"], lang)))
    keep = t("synergy.move.keep", lang)
    # Every field is keyed by the synergy and by how many changes it had in this session: another
    # synergy never shows this one's note, and a saved change starts a fresh form (new keys are
    # the only way to clear a widget the browser still holds).
    saves = st.session_state.setdefault("synergy.move.saves", {})
    version = f"{chosen}.{saves.get(chosen, 0)}"
    fields = ("to", "reason", "note", "owner", "action", "on")
    keys = {name: f"synergy.move.{name}.{version}" for name in fields}
    with st.form(f"move-{version}"):
        to = st.selectbox(
            t("synergy.move.to", lang),
            [keep, *next_statuses(row["status"])],
            key=keys["to"],
            format_func=lambda s: s if s == keep else status_label(s, lang),
        )
        reason = st.selectbox(
            t("synergy.move.reason", lang),
            REASONS,
            key=keys["reason"],
            help=t("synergy.move.reason_help", lang),
            format_func=lambda r: t(f"synergy.reason.{r}", lang),
        )
        note = st.text_area(t("synergy.move.note", lang), key=keys["note"])
        c1, c2, c3 = st.columns(3)
        owner = c1.text_input(
            t("synergy.move.owner", lang),
            key=keys["owner"],
            value=text_or_empty(row["owner_id"]) or actor.user_id,
        )
        next_action = c2.text_input(
            t("synergy.move.next_action", lang), key=keys["action"], value=text_or_empty(row["next_action"])
        )
        next_on = c3.date_input(
            t("synergy.move.next_date", lang),
            key=keys["on"],
            format=state.DATE_FORMAT,
            value=row["next_action_on"] if text_or_empty(row["next_action_on"]) else None,
        )
        submitted = st.form_submit_button(t("synergy.move.submit", lang), type="primary")
    if submitted:
        try:
            if to == keep:
                changed = store.follow_up(
                    actor, chosen, owner_id=owner, next_action_on=next_on, next_action=next_action, note=note
                )
            else:
                store.transition(
                    actor,
                    chosen,
                    to,
                    reason=reason if to == "rejected" else None,
                    note=note,
                    owner_id=owner,
                    next_action_on=next_on,
                    next_action=next_action,
                )
                changed = True
        except (TransitionError, PermissionDenied) as exc:
            st.error(t("synergy.move.refused", lang, error=refusal_text(exc, lang)))
        else:
            for key in keys.values():  # a fresh form for the next change of this synergy
                st.session_state.pop(key, None)
            saves[chosen] = saves.get(chosen, 0) + 1
            state.flash(t("synergy.move.done" if changed else "synergy.move.none", lang))
            st.rerun()

    st.subheader(t("synergy.consents.title", lang))
    tables.show_table(consent_table(store.consents(actor, chosen), firms, lang))
    st.subheader(t("synergy.ledger.title", lang))
    st.caption(t("synergy.ledger.caption_words", lang))
    checks = store.verifications(actor, chosen)
    lines = ledger_lines(rows.loc[[chosen]].reset_index(), checks, categories=cats)
    tables.show_table(ledger_table(lines, lang, categories=cats))
    st.subheader(t("synergy.history.title", lang))
    tables.show_table(history_table(store.history(actor, chosen), lang))

if dated.empty:
    st.stop()
st.subheader(t("synergy.funnel.title", lang))
st.caption(t("synergy.funnel.caption", lang))
dimension = st.selectbox(
    t("synergy.funnel.dimension", lang),
    DIMENSIONS,
    format_func=lambda d: t(f"synergy.funnel.dim.{d}", lang),
    key="synergy.funnel.dimension",
)
frame = funnel(dated, firms, categories=cats)
tables.show_table(funnel_table(frame, dimension, lang, parks=results_state.parks()))
