"""The scenario page's sweep section: one price over a range, then how robust each exchange is."""

from __future__ import annotations

import streamlit as st

from app_pages import results_state, state, tables
from symbiosis.i18n import t
from symbiosis.io.inert import csv_bytes
from symbiosis.registry import Registry
from symbiosis.sweep import run_sweep
from symbiosis.views.sweep import (
    MAX_APP_SAMPLES,
    SWEEP_PARAMETERS,
    SweepInputs,
    kpi_spread,
    robustness_chart,
    robustness_table,
    sweep_scenarios,
)

__all__ = ["show_sweep"]


def show_sweep(registry: Registry, lang: str) -> None:
    """Draw the sweep form and, once run, the KPI spread and the robustness chart and table."""
    st.subheader(t("sweep.page.title", lang))
    st.caption(t("sweep.page.intro", lang))
    with st.form("sweep"):
        c1, c2, c3, c4 = st.columns(4)
        parameter = c1.selectbox(
            t("sweep.page.parameter", lang),
            list(SWEEP_PARAMETERS),
            format_func=lambda p: t(SWEEP_PARAMETERS[p], lang),
            key="sweep.parameter",
        )
        low = c2.number_input(t("sweep.page.low", lang), 0.0, 10_000.0, 80.0, key="sweep.low")
        high = c3.number_input(t("sweep.page.high", lang), 0.0, 10_000.0, 200.0, key="sweep.high")
        samples = c4.number_input(t("sweep.page.samples", lang), 2, MAX_APP_SAMPLES, 5, key="sweep.samples")
        st.caption(t("sweep.page.cli", lang))
        submitted = st.form_submit_button(t("sweep.page.run", lang))
    if submitted:
        scenarios = sweep_scenarios(
            results_state.baseline_config(), SweepInputs(parameter, low, high, int(samples))
        )
        with st.spinner(t("advisor.running", lang)):
            st.session_state["sweep_result"] = run_sweep(
                registry, scenarios, rules=results_state.rules(), categories=state.categories()
            )
    result = st.session_state.get("sweep_result")
    if result is None:
        return
    st.markdown(t("sweep.page.done", lang, n=result.n))
    tables.show_table(kpi_spread(result, lang))
    tables.chart(robustness_chart(result, lang))
    robust = robustness_table(result, registry, lang, categories=state.categories())
    tables.show_table(robust)
    st.download_button(
        t("sweep.page.download", lang),
        csv_bytes(robust.reset_index(), sep=";" if lang == "fr" else ","),
        file_name=f"{t('sweep.page.file', lang)}.csv",
        mime="text/csv",
        key="sweep_download",
        on_click="ignore",
    )
