"""Group purchasing: the buying groups, each with its members, tier, savings, rule and map."""

from __future__ import annotations

import streamlit as st

from app_pages import mutual_state, state, tables
from symbiosis.i18n import t
from symbiosis.labels import lever_method_label, lever_status_label
from symbiosis.views.mutual import amount, group_deck, lever_table, members_table

actor = state.require_role("advisor")
lang = state.current_lang()
st.title(t("mutual.purchasing.title", lang))
state.show_flash()
registry, data, result = mutual_state.advisor_context(actor, ("purchasing",))
names = mutual_state.names(registry)
info = result.info["purchasing"]
c1, c2, c3 = st.columns(3)
c1.metric(t("mutual.page.groups", lang), len(result.purchase_groups))
c2.metric(t("mutual.col.net_saving_cad_per_yr", lang), amount(info.objective_cad_per_yr, lang, " $"))
c3.metric(t("mutual.page.greedy", lang), amount(info.baseline_cad_per_yr, lang, " $"))
status = f"{lever_status_label(info.status, lang)}, {lever_method_label(info.method, lang)}"
st.caption(
    f"{t('mutual.page.status', lang)}{' :' if lang == 'fr' else ':'} {status}. "
    + t(
        "mutual.purchasing.bounds",
        lang,
        bound=amount(info.bound_cad_per_yr, lang),
        relaxed=amount(info.details.get("relaxed_bound_cad_per_yr", 0.0), lang),
    )
)

table = lever_table(result, "purchasing", lang, names=names)
if table.empty:
    st.info(t("mutual.page.none", lang))
    st.stop()
shown = table.drop(columns=["explanation"])
tables.show_table(shown.rename(columns=lambda c: t(f"mutual.col.{c}", lang)))
chosen = st.selectbox(
    t("mutual.page.pick_group", lang),
    table["group_id"],
    format_func=lambda g: f"{g} — {table.set_index('group_id').at[g, 'category']}",
    key="purchasing.group",
)
st.write(table.set_index("group_id").at[chosen, "explanation"])
mutual_state.offer_button(actor, chosen, key="mutual_offer_group")
members = result.purchase_members[result.purchase_members["group_id"] == chosen]
tables.show_table(members_table(members, "purchasing", lang, names=names))
st.pydeck_chart(group_deck(result, registry.firms, chosen, names=names))
st.caption(t("advisor.map.no_tiles", lang))
