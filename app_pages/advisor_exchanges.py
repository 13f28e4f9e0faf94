"""Advisor exchanges: the allocated exchanges, filtered and sorted, why each is proposed, what is left."""

from __future__ import annotations

import streamlit as st

from app_pages import results_state, state, tables
from symbiosis.i18n import t, tn
from symbiosis.views.charts import bar_chart
from symbiosis.views.exchanges import (
    SORT_KEYS,
    drilldown,
    exchange_files,
    exchange_labels,
    exchange_table,
    internal_reuse_table,
    no_exchange_text,
    unmatched_table,
)
from symbiosis.views.map import MapFilters, filter_exchanges

actor = state.require_role("advisor")
lang = state.current_lang()
st.title(t("advisor.exchanges.title", lang))
registry, result = results_state.baseline(actor)
st.caption(t("advisor.estimated", lang))

c1, c2 = st.columns([3, 1])
# Keyed boxes keep their choice when their options or words change (a sort, a filter, the language).
query = c1.text_input(t("advisor.exchanges.search", lang), key="exchanges.query")
sort = c2.selectbox(
    t("advisor.exchanges.sort", lang),
    list(SORT_KEYS),
    key="exchanges.sort",
    format_func=lambda k: t(f"advisor.sort.{k}", lang),
)
all_label, categories, parks = t("all", lang), state.categories(), results_state.parks()
with st.expander(t("advisor.exchanges.filters", lang)):
    f1, f2, f3 = st.columns(3)
    park_names = parks.set_index("park_id")["name"]
    park = f1.selectbox(
        t("advisor.map.filter_park", lang),
        ["", *park_names.index],
        key="exchanges.park",
        format_func=lambda p: park_names[p] if p else all_label,
    )
    family = f2.selectbox(
        t("advisor.map.filter_family", lang),
        ["", *sorted(categories["family"].unique())],
        key="exchanges.family",
        format_func=lambda f: t(f"advisor.family.{f}", lang) if f else all_label,
    )
    min_value, min_value_why = tables.min_value_input(f3, lang, key="exchanges.min_value")
tables.refuse(min_value_why)  # « 12,5,0 » $/an: said, and no exchange shown under a misread filter
filters = MapFilters(
    park_id=park or None,
    family=family or None,
    min_value_cad_per_yr=float(min_value),
)
shown = filter_exchanges(result.exchanges, registry.firms, filters, categories=categories)
table = exchange_table(shown, registry.firms, lang, text=query, sort=sort)
st.subheader(tn("advisor.exchanges.shown", len(table), lang))
if table.empty:  # says why, and what to change
    st.info(no_exchange_text(len(result.exchanges), lang))
else:
    tables.show_table(table, height=320)
    files = exchange_files(table, lang)
    tables.download_buttons(
        files,
        {fmt: t(f"advisor.exchanges.download.{fmt}", lang) for fmt in files},
        key="exchange_files",  # not « exchanges. »: the kept choices are written back, a button's may not be
        audit=(actor, "exchanges", {"rows": len(table), "lang": lang, "sort": sort, "query": query}),
    )
    st.caption(t("advisor.exchanges.download.note", lang))
    st.subheader(t("advisor.exchanges.why", lang))
    labels = exchange_labels(result.exchanges, registry.firms, lang)
    options = list(table.index)
    # A choice filtered out is reset to the first exchange by Streamlit itself, which then tells the
    # browser: removing it from the session state here left the box naming it over another's explanation.
    chosen = st.selectbox(
        t("advisor.exchanges.select", lang), options, key="exchanges.chosen", format_func=labels.get
    )
    row = result.exchanges.set_index("candidate_id").loc[chosen]
    why = drilldown(row, lang, rules=results_state.rules())
    st.markdown(why.basis.replace("*", "\\*").replace("_", "\\_"), help=why.reference or None)
    left, right = st.columns(2)
    tables.show_table(why.facts, container=left)
    with right:
        st.markdown("**" + t("advisor.exchanges.flags", lang) + "**")
        for flag in why.flags or [t("advisor.exchanges.no_flag", lang)]:
            st.text("• " + flag)
    v, c = st.columns(2)
    v.markdown("**" + t("advisor.exchanges.value_breakdown", lang) + "**")
    value = why.value.reset_index()
    tables.chart(
        bar_chart(
            value,
            category=value.columns[0],
            value=value.columns[1],
            lang=lang,
            value_title=value.columns[1],
            unit="$",
            sort=False,
        ),
        container=v,
    )
    c.markdown("**" + t("advisor.exchanges.co2e_breakdown", lang) + "**")
    co2e = why.co2e.reset_index()
    tables.chart(
        bar_chart(
            co2e,
            category=co2e.columns[0],
            value=co2e.columns[1],
            lang=lang,
            value_title=co2e.columns[1],
            unit="t",
            decimals=1,
            sort=False,
        ),
        container=c,
    )

st.subheader(t("advisor.exchanges.unmatched", lang))
# The search box above narrows these lists too: an advisor looking for « sciure » sees its leftovers.
unmatched = {
    side: unmatched_table(frame, registry.firms, lang, categories=categories, text=query)
    for side, frame in (("supplies", result.unmatched_supplies), ("demands", result.unmatched_demands))
}
tabs = st.tabs([t(f"advisor.exchanges.unmatched_{side}", lang, n=len(unmatched[side])) for side in unmatched])
for tab, frame in zip(tabs, unmatched.values(), strict=True):
    if frame.empty and query.strip():
        tab.info(t("advisor.exchanges.unmatched_none_found", lang))
    else:
        tables.show_table(frame, container=tab)

st.subheader(t("advisor.exchanges.internal", lang))
st.caption(t("advisor.exchanges.internal_caption", lang))
own = internal_reuse_table(result.internal_opportunities, registry.firms, lang, text=query)
if own.empty:
    st.info(t("advisor.exchanges.internal_none", lang))
else:
    tables.show_table(own)
