"""Program manager dashboard: estimated indicators, synergies by status, breakdowns and exports."""

from __future__ import annotations

import streamlit as st

from app_pages import results_state, state
from symbiosis.i18n import t
from symbiosis.views.dashboard import (
    BREAKDOWNS,
    breakdown,
    csv_bytes,
    geojson_bytes,
    headline,
    monthly_profile,
    synergies_by_status,
    xlsx_bytes,
)
from symbiosis.views.map import fmt

actor = state.require_role("program_manager")
lang = state.current_lang()
st.title(t("manager.title", lang))
registry, result = results_state.baseline(actor)
st.info(t("manager.estimated", lang))

figures = headline(result, lang)
for row in (figures[:3], figures[3:]):
    for col, (label, value) in zip(st.columns(3), row, strict=False):
        col.metric(label, value)

left, right = st.columns([1, 2])
left.subheader(t("manager.by_status", lang))
left.dataframe(synergies_by_status(result, lang), hide_index=True, width="stretch")
with right:
    st.subheader(t("manager.breakdowns", lang))
    by = st.selectbox(
        t("manager.breakdown_by", lang), BREAKDOWNS, format_func=lambda b: t(f"manager.by.{b}", lang)
    )
    table = breakdown(result, registry, by, lang, categories=state.categories(), parks=results_state.parks())
    st.bar_chart(table["net_value_cad_per_yr"].rename(t("manager.col.value", lang)), horizontal=True)
    shown = table.rename(
        columns={
            "n": t("manager.col.n", lang),
            "diverted_t_per_yr": t("manager.col.diverted", lang),
            "co2e_avoided_t_per_yr": t("manager.col.co2e", lang),
            "net_value_cad_per_yr": t("manager.col.value", lang),
        }
    )
    st.dataframe(shown.map(lambda v: fmt(v, lang)), width="stretch")

st.subheader(t("manager.period", lang))
st.bar_chart(monthly_profile(result.exchanges, lang))


repo = state.repository()


def _logged(fmt_name: str, make):
    """Deferred file contents (built on click, in another thread); each export is audited."""

    def data() -> bytes:
        repo.log_event(
            actor, "export", table="exchanges", details={"format": fmt_name, "anonymised": anonymise}
        )
        return make()

    return data


st.subheader(t("manager.downloads", lang))
st.caption(t("manager.downloads_note", lang))
anonymise = st.checkbox(t("manager.anonymise", lang), value=True)
d1, d2, d3 = st.columns(3)
d1.download_button(
    t("manager.download_csv", lang),
    _logged("csv", lambda: csv_bytes(result, registry)),
    file_name="symbiosis_echanges.csv",
    mime="text/csv",
    on_click="ignore",
)
d2.download_button(
    t("manager.download_xlsx", lang),
    _logged("xlsx", lambda: xlsx_bytes(result)),
    file_name="symbiosis.xlsx",
    on_click="ignore",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)
d3.download_button(
    t("manager.download_geojson", lang),
    _logged("geojson", lambda: geojson_bytes(result, registry, anonymise=anonymise)),
    file_name="symbiosis_echanges.geojson",
    mime="application/geo+json",
    on_click="ignore",
)
