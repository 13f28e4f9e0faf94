"""A firm's own purchases, capacities, treatment needs and pickups: an editable table each, checked, saved."""

from __future__ import annotations

import streamlit as st

from app_pages import state, tables
from symbiosis.i18n import Text, t, tn
from symbiosis.services.mutual_inputs import (
    FIRM_TABLES,
    firm_tables,
    row_counts,
    save_firm_rows,
    validate_firm_rows,
)
from symbiosis.views.editor import editor_language
from symbiosis.views.kept_rows import ERRORS, rows_to_fix
from symbiosis.views.mutual_cells import (
    CHOICE_COLUMNS,
    EDITOR_COLUMNS,
    choice_labels,
    column_label,
    editor_frame,
    editor_rows,
    period_words,
    refused_rows,
    with_refused,
)

lang = state.current_lang()
actor = state.require_role("firm")
repo = state.repository()
firm_id, firm, stored = state.firm_in_view(repo, actor, lang, lambda f: firm_tables(repo, actor, f))

st.title(t("mutual.firm_data.title", lang))
st.subheader(firm["name"])
state.show_flash()
st.caption(t("mutual.firm_data.intro", lang))
choices = {name: f"{t(f'mutual.table.{name}', lang)} ({len(stored[name])})" for name in FIRM_TABLES}
# the browser keeps a choice by its words: once a save (« (0) » -> « (1) ») or the language changed
# them, it showed no table chosen; told the choice again, it shows it
words_changed = st.session_state.get("firm_mutual_choices", choices) != choices
if words_changed and "firm_mutual_table" in st.session_state:
    st.session_state["firm_mutual_table"] = st.session_state["firm_mutual_table"]
st.session_state["firm_mutual_choices"] = choices
table = st.radio(
    t("mutual.firm_data.pick", lang),
    FIRM_TABLES,
    horizontal=True,
    format_func=choices.get,
    key="firm_mutual_table",
)
st.caption(t(f"mutual.firm_data.help.{table}", lang))


def _column_config(name: str, lang: str) -> dict[str, object]:
    config: dict[str, object] = {}
    for column in EDITOR_COLUMNS[name]:
        label = column_label(column, lang)
        if column in CHOICE_COLUMNS:
            options = sorted(choice_labels(column, lang).values(), key=str.casefold)
            config[column] = st.column_config.SelectboxColumn(label, options=options)
        elif column in ("periods", "frequency"):
            config[column] = st.column_config.SelectboxColumn(label, options=period_words(column, lang))
        else:
            config[column] = st.column_config.TextColumn(label, default="")  # a new row: empty, not « None »
    # each kept row's messages, naming the line where it stands (empty for the other rows)
    config[ERRORS] = st.column_config.TextColumn(t("firm_streams.errors", lang), disabled=True, default="")
    return config


version = st.session_state.get("firm_mutual_version", 0)
editor_key = f"firm_mutual_editor_{table}_{version}"
# drawn in another language the table would be a new editor, without the changes typed in it
tongue = editor_language(st.session_state.get(editor_key), st.session_state.get("firm_mutual_lang"), lang)
st.session_state["firm_mutual_lang"] = tongue
if tongue != lang:
    st.caption(t("firm_streams.editor_kept_language", lang))
kept_key = f"firm_mutual_pending.{firm_id}"
pending = state.kept_rows(kept_key, {})  # refused rows, kept as typed (a reload keeps them too)
shown = with_refused(editor_frame(stored[table], table, tongue), pending.get(table, []), table, tongue)
edited = st.data_editor(
    shown,
    key=editor_key,
    num_rows="dynamic",
    hide_index=True,
    column_config=_column_config(table, tongue),
    width="stretch",
    placeholder=tables.BLANK,
)
check_col, save_col = st.columns(2)
if check_col.button(t("mutual.firm_data.check", lang), key="firm_mutual_check"):
    rows, numbers = editor_rows(edited, table)
    st.session_state["firm_mutual_result"] = (
        table,
        validate_firm_rows(rows, table, firm_id, lang=tongue, row_numbers=numbers),
        rows,
        numbers,
    )
check = st.session_state.get("firm_mutual_result")
if check is not None and check[0] == table:
    result, rows, numbers = check[1:]
    state.show_report(result.report, lang, key="firm_mutual_report")
    if result.report.n_rejected:
        st.caption(t("mutual.firm_data.rejected_kept", lang))
    if save_col.button(t("mutual.firm_data.save", lang), type="primary", key="firm_mutual_save"):
        outcome = save_firm_rows(repo, actor, table, result)
        if isinstance(outcome, Text):  # refused by the registry: nothing stored
            st.error(outcome.get(lang))
            st.stop()
        del st.session_state["firm_mutual_result"]
        st.session_state["firm_mutual_version"] = version + 1
        pending[table] = refused_rows(rows, numbers, result.report)
        state.keep_rows(kept_key, pending)
        message = t("mutual.firm_data.saved", lang, **row_counts(outcome, lang))
        if outcome.kept:
            message += " " + tn("mutual.store.kept", len(outcome.kept), lang, ids=", ".join(outcome.kept))
        if pending[table]:
            message += " " + tn("mutual.firm_data.to_fix", len(pending[table]), lang)
        state.flash(message, where="firm_mutual_editor")
        st.rerun()
state.show_flash(where="firm_mutual_editor")  # by the buttons: the top of the page is out of sight
to_fix = rows_to_fix(shown, lang)
if to_fix:
    st.warning(to_fix)
