"""Advisor map: firms and exchanges over an offline basemap; flat, filterable, legend beside the map."""

from __future__ import annotations

import streamlit as st

from app_pages import results_state, state, tables
from symbiosis.i18n import t
from symbiosis.places.basemap import BASEMAP_CREDIT
from symbiosis.views.exchanges import no_exchange_text
from symbiosis.views.map import ARC_MODES, SECTOR_COLOURS, MapFilters, build_deck, legend_html, map_layers

MAX_DISTANCE_KM = 300
MAP_HEIGHT_PX = 620

actor = state.require_role("advisor")
lang = state.current_lang()
st.title(t("advisor.map.title", lang))
registry, result = results_state.baseline(actor)
categories, parks = state.categories(), results_state.parks()

all_label = t("all", lang)  # "" is « all » in every box: keyed, a choice survives the language switch
c1, c2, c3, c4 = st.columns(4)
park = c1.selectbox(
    t("advisor.map.filter_park", lang),
    ["", *parks["park_id"]],
    key="map.park",
    format_func=lambda p: parks.set_index("park_id")["name"][p] if p else all_label,
)
sector = c2.selectbox(
    t("advisor.map.filter_sector", lang),
    ["", *SECTOR_COLOURS],
    key="map.sector",
    format_func=lambda s: t(f"advisor.sector.{s}", lang) if s else all_label,
)
family = c3.selectbox(
    t("advisor.map.filter_family", lang),
    ["", *sorted(categories["family"].unique())],
    key="map.family",
    format_func=lambda f: t(f"advisor.family.{f}", lang) if f else all_label,
)
labels = categories.set_index("category_id")[f"label_{lang}"]
category = c4.selectbox(
    t("advisor.map.filter_category", lang),
    ["", *labels.sort_values().index],
    key="map.category",
    format_func=lambda c: labels[c] if c else all_label,
)
c5, c6, c7 = st.columns([1, 1, 1])
min_value, min_value_why = tables.min_value_input(c5, lang, key="map.min_value")
max_distance = c6.slider(
    t("advisor.map.max_distance", lang), 1, MAX_DISTANCE_KM, MAX_DISTANCE_KM, key="map.max_distance"
)
arc_mode = c7.radio(
    t("map.arc_mode", lang),
    ARC_MODES,
    key="map.arc_mode",
    format_func=lambda m: t(f"map.arc_mode.{m}", lang),
    horizontal=True,
)

tables.refuse(min_value_why)  # « 12,5,0 » $/an: said, and no exchange shown under a misread filter
filters = MapFilters(
    park_id=park or None,
    sector=sector or None,
    family=family or None,
    category_id=category or None,
    min_value_cad_per_yr=float(min_value),
    max_distance_km=None if max_distance >= MAX_DISTANCE_KM else float(max_distance),
)
layers = map_layers(
    registry.firms, result.exchanges, parks, filters, lang, categories=categories, arc_mode=arc_mode
)
n_shown = int(layers.arcs["n_exchanges"].sum())
st.caption(
    t("map.shown", lang, arcs=n_shown, total=len(result.exchanges), firms=layers.n_engaged_firms)
    + " "
    + t("advisor.estimated", lang)
)
if layers.points_aggregated:
    st.info(t("advisor.map.points_aggregated", lang))
if n_shown == 0:
    st.info(no_exchange_text(len(result.exchanges), lang))

left, right = st.columns([3.2, 1.1])
left.pydeck_chart(build_deck(layers, height=MAP_HEIGHT_PX), height=MAP_HEIGHT_PX)
left.caption(
    t("map.caption_places" if layers.arcs_aggregated else "map.caption_firms", lang)
    + " "
    + t("map.offline", lang)
    + " "
    + BASEMAP_CREDIT.get(lang)
)
right.markdown(f"**{t('map.legend.title', lang)}**")
right.html(legend_html(lang))  # wrapped rows: a table cut the families' names at 1280 px
for key in ("sectors", "faint", "arc_width", "arc_colour", "ring", "parks", "water", "mrc"):
    right.caption(t(f"map.legend.{key}", lang))
