"""Advisor: confirm the categories the classifier chose. Thin page: views list, the service writes."""

from __future__ import annotations

import streamlit as st

from app_pages import results_state, state, tables
from symbiosis.db import NotFound, PermissionDenied
from symbiosis.i18n import t, tn
from symbiosis.services.category_review import confirm_categories, confirm_category
from symbiosis.views.category_review import (
    bulk_summary,
    category_choices,
    category_label,
    choice_label,
    partners_waiting,
    review_summary,
    review_table,
    review_widths,
    streams_to_confirm,
    sure_enough,
)

actor = state.require_role("advisor")
lang = state.current_lang()
tables.page_locale(lang)
st.title(t("review.title", lang))
st.caption(t("review.intro", lang))
state.show_flash()

registry, result = results_state.baseline(actor)
categories = state.categories()
pending = streams_to_confirm(registry.streams)
if pending.empty:
    st.success(t("review.none", lang))
    st.stop()

waiting = partners_waiting(result.candidates, registry.streams)
st.info(review_summary(pending, waiting, lang))
tables.show_table(
    review_table(pending, registry.firms, categories, waiting, lang),
    key="review_table",
    widths=review_widths(lang),
)

rows = {str(row["stream_id"]): row for row in pending.to_dict(orient="records")}
names = registry.firms.drop_duplicates("firm_id").set_index("firm_id")["name"]


def _stream_label(stream_id: str) -> str:
    row = rows[stream_id]
    description = str(row.get("description") or "")
    short = description if len(description) <= 70 else description[:69] + "…"
    return f"{names.get(row['firm_id'], row['firm_id'])} · {short}"


stream_id = st.selectbox(t("review.pick", lang), list(rows), format_func=_stream_label, key="review_stream")
stream = rows[stream_id]
choices = category_choices(stream)
category_id = st.radio(
    t("review.choose", lang),
    choices,
    format_func=lambda c: choice_label(stream, c, categories, waiting, lang),
    key=f"review_category_{stream_id}",
)
if st.button(t("review.confirm", lang), type="primary", key="review_confirm"):
    try:
        outcome = confirm_category(state.repository(), actor, stream_id, category_id, lang=lang)
    except (NotFound, PermissionDenied):
        st.error(t("review.gone", lang))
    else:
        if outcome.saved:
            label = category_label(category_id, categories, lang)
            state.flash(t("review.confirmed", lang, stream=_stream_label(stream_id), label=label))
            st.rerun()
        st.error(t("review.refused", lang))
        state.show_report(outcome.report, lang, key="review_report")

with st.expander(t("review.bulk.title", lang)):
    least = st.slider(t("review.bulk.min_score", lang), 50, 100, 80, 5, key="review_bulk_min")
    sure = sure_enough(pending, least / 100)
    if not sure:
        st.write(t("review.bulk.none", lang, score=least))
    elif st.button(tn("review.bulk.confirm", len(sure), lang, score=least), key="review_bulk_confirm"):
        outcomes = confirm_categories(
            state.repository(), actor, {s: str(rows[s]["category_id"]) for s in sure}, lang=lang
        )
        saved = sum(o.saved for o in outcomes.values())
        state.flash(bulk_summary(saved, len(outcomes) - saved, lang))
        st.rerun()
