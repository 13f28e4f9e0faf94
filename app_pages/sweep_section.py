"""The scenario page's sweep section: one price over a range, then how robust each exchange is."""

from __future__ import annotations

import streamlit as st

from app_pages import results_state, state, tables
from symbiosis.i18n import t
from symbiosis.io.inert import csv_bytes
from symbiosis.numbers import format_number
from symbiosis.registry import Registry
from symbiosis.sweep import run_sweep
from symbiosis.views.markdown import markdown_plain
from symbiosis.views.sweep import (
    DEFAULT_RANGES,
    MAX_APP_SAMPLES,
    SWEEP_PARAMETERS,
    SweepInputs,
    kpi_spread,
    robustness_chart,
    robustness_table,
    sweep_scenarios,
)
from symbiosis.views.typed import read_setting

__all__ = ["show_sweep"]


def _ranges(lang: str) -> dict[str, str]:
    """Each parameter's default range as the caption prints it (« 0,1 à 0,4 »)."""
    locale = "en_CA" if lang == "en" else "fr_CA"
    word = t("sweep.page.range_to", lang)
    return {
        p: f"{format_number(a, locale=locale)} {word} {format_number(b, locale=locale)}"
        for p, (a, b) in DEFAULT_RANGES.items()
    }


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
        # Text, read as the advisor writes numbers (« 0,15 » $/t·km was 15 in a number box); empty:
        # the parameter's own range, said in the caption (one range for all was 80–200 $/t·km).
        auto = t("sweep.page.auto", lang)
        low = c2.text_input(t("sweep.page.low", lang), placeholder=auto, key="sweep.low")
        high = c3.text_input(t("sweep.page.high", lang), placeholder=auto, key="sweep.high")
        samples = c4.text_input(t("sweep.page.samples", lang), value="5", key="sweep.samples")
        st.caption(markdown_plain(t("sweep.page.ranges", lang, **_ranges(lang))))  # its « $ » are no formula
        st.caption(t("sweep.page.cli", lang))
        submitted = st.form_submit_button(t("sweep.page.run", lang))
    bounds = [
        read_setting(typed, lang, label=t(f"sweep.page.{side}", lang), low=0.0, high=10_000.0, optional=True)
        for side, typed in (("low", low), ("high", high))
    ]
    count = read_setting(
        samples, lang, label=t("sweep.page.samples", lang), low=2, high=MAX_APP_SAMPLES, whole=True
    )  # « 2,5 » scenarios was 25 in the number box
    problems = [why for _, why in (*bounds, count) if why]
    if submitted and problems:
        lines = "\n".join(f"- {markdown_plain(p)}" for p in problems)  # « $/t … $/t » is no formula
        st.error(t("sweep.page.not_run_bad", lang) + "\n\n" + lines)
    elif submitted:
        (start, _), (end, _) = bounds
        default = DEFAULT_RANGES[parameter]
        chosen = (default[0] if start is None else start, default[1] if end is None else end)
        scenarios = sweep_scenarios(
            results_state.baseline_config(), SweepInputs(parameter, *chosen, int(count[0] or 0))
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
