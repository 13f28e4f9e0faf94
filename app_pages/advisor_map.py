"""Advisor map: firms by sector family, proposed exchanges as arcs, park outlines; offline, filterable."""

from __future__ import annotations

import streamlit as st

from app_pages import results_state, state
from symbiosis.i18n import t
from symbiosis.views.map import SECTOR_COLOURS, MapFilters, build_deck, legend, map_layers

actor = state.require_role("advisor")
lang = state.current_lang()
st.title(t("advisor.map.title", lang))
registry, result = results_state.baseline(actor)
categories, parks = state.categories(), results_state.parks()

all_label = t("all", lang)
c1, c2, c3, c4 = st.columns(4)
park = c1.selectbox(
    t("advisor.map.filter_park", lang),
    [all_label, *parks["park_id"]],
    format_func=lambda p: p if p == all_label else parks.set_index("park_id")["name"][p],
)
sector = c2.selectbox(
    t("advisor.map.filter_sector", lang),
    [all_label, *SECTOR_COLOURS],
    format_func=lambda s: s if s == all_label else t(f"advisor.sector.{s}", lang),
)
family = c3.selectbox(
    t("advisor.map.filter_family", lang),
    [all_label, *sorted(categories["family"].unique())],
    format_func=lambda f: f if f == all_label else t(f"advisor.family.{f}", lang),
)
labels = categories.set_index("category_id")[f"label_{lang}"]
category = c4.selectbox(
    t("advisor.map.filter_category", lang),
    [all_label, *labels.sort_values().index],
    format_func=lambda c: c if c == all_label else labels[c],
)
c5, c6 = st.columns(2)
min_value = c5.number_input(
    t("advisor.map.min_value", lang), min_value=0.0, value=0.0, step=10_000.0, format="%.0f"
)
max_distance = c6.slider(t("advisor.map.max_distance", lang), 1, 300, 300)

filters = MapFilters(
    park_id=None if park == all_label else park,
    sector=None if sector == all_label else sector,
    family=None if family == all_label else family,
    category_id=None if category == all_label else category,
    min_value_cad_per_yr=float(min_value),
    max_distance_km=float(max_distance),
)
layers = map_layers(registry.firms, result.exchanges, parks, filters, lang, categories=categories)

st.caption(
    t("advisor.map.shown", lang, arcs=len(layers.arcs), total=len(result.exchanges), firms=len(layers.points))
    + " "
    + t("advisor.estimated", lang)
)
if layers.points_aggregated:
    st.info(t("advisor.map.points_aggregated", lang))
if layers.arcs_aggregated:
    st.info(t("advisor.map.arcs_aggregated", lang))
st.pydeck_chart(build_deck(layers), height=600)
st.caption(t("advisor.map.no_tiles", lang) + " " + t("advisor.map.legend", lang))
colours = legend(lang)
st.dataframe(
    colours.rename(
        columns={
            "colour": t("advisor.map.legend_colour", lang),
            "sector": t("advisor.map.legend_sector", lang),
        }
    ).style.map(
        lambda c: f"background-color: {c}; color: {c}", subset=[t("advisor.map.legend_colour", lang)]
    ),
    hide_index=True,
)
