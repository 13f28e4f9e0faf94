"""Shared assets: hosts' spare equipment used by other firms (timetable, cost sharing) and shared units."""

from __future__ import annotations

import streamlit as st

from app_pages import mutual_state, state, tables
from symbiosis.i18n import t
from symbiosis.mutual.reference import check_unit_table
from symbiosis.views.markdown import markdown_plain
from symbiosis.views.mutual import lever_table, members_table, timetable, unit_column_label, unit_editor_frame

actor = state.require_role("advisor")
lang = state.current_lang()
st.title(t("mutual.assets.title", lang))
state.show_flash()
registry, data, result = mutual_state.advisor_context(actor, ("sharing", "units"))
names = mutual_state.names(registry)

st.header(t("mutual.assets.sharing", lang))
sharing = lever_table(result, "sharing", lang, names=names)
if sharing.empty:
    st.info(t("mutual.page.none", lang))
else:
    st.dataframe(
        sharing.drop(columns=["explanation"]).rename(columns=lambda c: t(f"mutual.col.{c}", lang)),
        hide_index=True,
        width="stretch",
        placeholder=tables.MISSING,
    )
    offers = list(dict.fromkeys(sharing["offer_id"]))
    hosts = dict(zip(sharing["offer_id"], sharing["host"], strict=True))
    host = st.selectbox(
        t("mutual.assets.pick_offer", lang),
        offers,
        format_func=lambda o: f"{o} — {hosts[o]}",
        key="assets.offer",
    )
    st.dataframe(timetable(result, host, lang, names=names), width="stretch", placeholder=tables.MISSING)
    for text in sharing.loc[sharing["offer_id"] == host, "explanation"]:
        st.write(text)

st.header(t("mutual.assets.units", lang))
units = lever_table(result, "units", lang, names=names)
if units.empty:
    st.info(t("mutual.page.none", lang))
else:
    st.dataframe(
        units.drop(columns=["explanation"]).rename(columns=lambda c: t(f"mutual.col.{c}", lang)),
        hide_index=True,
        width="stretch",
        placeholder=tables.MISSING,
    )
    for row in units.itertuples():
        with st.expander(f"{row.unit_id} — {row.treatment} ({row.site})"):
            st.write(row.explanation)
            mine = result.unit_members[result.unit_members["unit_id"] == row.unit_id]
            st.dataframe(
                members_table(mine, "units", lang, names=names), hide_index=True, placeholder=tables.MISSING
            )
            mutual_state.offer_button(actor, row.unit_id, key=f"mutual_offer_{row.unit_id}")
st.caption(t("mutual.assets.unit_params", lang))
with st.expander(t("mutual.assets.edit_units", lang)), st.form("unit_specs"):
    specs = unit_editor_frame(mutual_state.unit_specs(), lang)  # numbers as text, read as typed
    headers = {c: st.column_config.TextColumn(unit_column_label(c, lang), default="") for c in specs.columns}
    edited = st.data_editor(
        specs,
        num_rows="dynamic",
        hide_index=True,
        key="unit_editor",
        column_config=headers,
        placeholder=tables.BLANK,
    )
    if st.form_submit_button(t("mutual.assets.apply_units", lang)):
        clean, problems = check_unit_table(edited, lang=lang)
        for problem in problems:
            st.error(markdown_plain(problem.get(lang)))  # « ($) » headers: no formula
        if not problems:
            st.session_state[mutual_state.UNIT_SPECS] = clean
            st.rerun()
