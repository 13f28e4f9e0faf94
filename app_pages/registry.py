"""Registry page: the firms and their declared streams, with filters."""

from __future__ import annotations

import streamlit as st

from app_pages import state, tables
from symbiosis.i18n import t, tn
from symbiosis.services.firm_place import choices_for, places_to_confirm, settle_place
from symbiosis.views.firm import place_option_label
from symbiosis.views.markdown import markdown_plain
from symbiosis.views.registry import filter_streams, place_table, registry_summary, stream_table

lang = state.current_lang()
actor = state.require_role("advisor", "program_manager")
st.title(t("registry.title", lang))

registry = state.load_registry_or_stop(actor, empty_key="registry.empty")
state.show_flash()

places = places_to_confirm(state.repository(), actor) if actor.role == "advisor" else None
if places is not None and not places.empty:
    with st.expander(tn("places.title", len(places), lang), icon="📍"):
        st.caption(t("places.intro", lang))
        tables.show_table(place_table(places, lang), key="places_table")
        rows = {str(r["firm_id"]): r for r in places.to_dict(orient="records")}
        firm_id = st.selectbox(
            t("places.pick_firm", lang),
            list(rows),
            format_func=lambda f: f"{rows[f]['name']} — « {rows[f]['place']} »",
            key="places.firm",
        )
        way = st.radio(
            t("places.way", lang),
            ["known", "coordinates"],
            format_func=lambda w: t(f"places.way.{w}", lang),
            horizontal=True,
            key="places.way",
        )
        municipality, lat, lon = "", "", ""
        if way == "known":
            options = choices_for(str(rows[firm_id]["place"]), rows[firm_id]).to_dict("records")
            if options:
                pick = st.selectbox(
                    t("places.known", lang),
                    range(len(options)),
                    format_func=lambda i: place_option_label(options[i], lang),
                    key=f"places.known.{firm_id}",
                )
                municipality = str(options[pick]["name"])
            else:
                st.info(t("places.no_choice", lang, place=markdown_plain(str(rows[firm_id]["place"]))))
        else:
            a, b = st.columns(2)
            lat = a.text_input(t("places.lat", lang), key=f"places.lat.{firm_id}")
            lon = b.text_input(t("places.lon", lang), key=f"places.lon.{firm_id}")
        if st.button(t("places.save", lang), type="primary", key="places.save"):
            result = settle_place(
                state.repository(), actor, firm_id, municipality=municipality, lat=lat, lon=lon, lang=lang
            )
            if not result.valid.empty:
                state.flash(t("places.saved", lang, firm=markdown_plain(str(rows[firm_id]["name"]))))
                st.rerun()
            state.show_report(result.report, lang, key="places_report")

summary = registry_summary(registry)
cols = st.columns(4)
cols[0].metric(t("registry.firms", lang), summary["firms"])
cols[1].metric(t("registry.supplies", lang), summary["supplies"])
cols[2].metric(t("registry.demands", lang), summary["demands"])
cols[3].metric(t("registry.municipalities", lang), summary["municipalities"])

f1, f2, f3, f4 = st.columns(4)
all_label = t("all", lang)  # "" is « all »; keyed boxes keep their choice across the language switch
municipality = f1.selectbox(
    t("registry.filter_municipality", lang),
    ["", *sorted(registry.firms["municipality"].unique())],
    key="registry.municipality",
    format_func=lambda m: m or all_label,
)
direction = f2.selectbox(
    t("registry.filter_direction", lang),
    ["", "supply", "demand"],
    key="registry.direction",
    format_func=lambda d: t(f"direction.{d}", lang) if d else all_label,
)
kind = f3.selectbox(
    t("registry.filter_kind", lang),
    ["", *sorted(registry.streams["kind"].unique())],
    key="registry.kind",
    format_func=lambda k: t(f"kind.{k}", lang) if k else all_label,
)
query = f4.text_input(t("registry.search", lang), key="registry.query")

selected = filter_streams(
    registry,
    municipality=municipality or None,
    direction=direction or None,
    kind=kind or None,
    text=query,
)
st.subheader(tn("registry.streams_count", len(selected), lang))
if selected.empty:  # not an empty table alone: say what hides the streams
    st.info(tn("registry.no_match", len(registry.streams), lang))
else:
    tables.show_table(stream_table(selected, lang, categories=state.categories()))
