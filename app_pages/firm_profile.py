"""A firm's profile: what the registry holds about it, editable through the importer's checks."""

from __future__ import annotations

import streamlit as st

from app_pages import state
from symbiosis.i18n import t
from symbiosis.services.firm_self_service import save_profile, validate_profile
from symbiosis.services.importing import default_context
from symbiosis.views.firm import number_cell, profile_cells, profile_column_labels
from symbiosis.views.firm_streams import choice_words

lang = state.current_lang()
actor = state.require_role("firm")
repo = state.repository()
firm_id, firm, _ = state.firm_in_view(repo, actor, lang)

st.title(t("firm_profile.title", lang))
st.subheader(firm["name"])
state.show_flash()
st.caption(
    t(
        "firm_profile.position",
        lang,
        lat=number_cell(firm["lat"], lang),
        lon=number_cell(firm["lon"], lang),
        source=t(f"firm.coord_source.{firm['coord_source']}", lang),
    )
)

cells = profile_cells(firm, lang)
parks = default_context().parks.set_index("park_id")["name"]
confidentiality = choice_words("confidentiality", lang)
key = f"profile.{firm_id}."  # keyed fields: what was typed survives the language switch
with st.form("firm_profile"):
    left, right = st.columns(2)
    values = {
        "name": left.text_input(t("firm.field.name", lang), cells["name"], key=f"{key}name"),
        "scian_code": left.text_input(
            t("firm.field.scian_code", lang), cells["scian_code"], key=f"{key}scian_code"
        ),
        "park_id": left.selectbox(
            t("firm.field.park_id", lang),
            ["", *parks.index],
            index=[*["", *parks.index]].index(cells["park_id"]) if cells["park_id"] in parks.index else 0,
            format_func=lambda p: parks.get(p, "—"),
            key=f"{key}park_id",
        ),
        "municipality": left.text_input(
            t("firm.field.municipality", lang), cells["municipality"], key=f"{key}municipality"
        ),
        "lat": left.text_input(t("firm.field.lat", lang), cells["lat"], key=f"{key}lat"),
        "lon": left.text_input(t("firm.field.lon", lang), cells["lon"], key=f"{key}lon"),
        "contact_name": right.text_input(
            t("firm.field.contact_name", lang), cells["contact_name"], key=f"{key}contact_name"
        ),
        "contact_email": right.text_input(
            t("firm.field.contact_email", lang), cells["contact_email"], key=f"{key}contact_email"
        ),
        "contact_phone": right.text_input(
            t("firm.field.contact_phone", lang), cells["contact_phone"], key=f"{key}contact_phone"
        ),
        "accepts_hazardous": "oui"
        if right.checkbox(
            t("firm.field.accepts_hazardous", lang), firm["accepts_hazardous"], key=f"{key}accepts_hazardous"
        )
        else "non",
        "confidentiality": right.selectbox(
            t("firm.field.confidentiality", lang),
            list(confidentiality),
            index=list(confidentiality).index(firm["confidentiality"]),
            format_func=lambda c: t(f"firm.confidentiality.{c}", lang),
            key=f"{key}confidentiality",
        ),
    }
    submitted = st.form_submit_button(t("firm_profile.save", lang), type="primary")

if submitted:
    result = validate_profile(values, firm_id, lang=lang)
    if result.report.issues:
        state.show_report(result.report, lang, key="profile_report", columns=profile_column_labels(lang))
    if len(result.valid):
        changed = save_profile(repo, actor, result)
        state.flash(t("firm_profile.saved" if changed else "firm_profile.unchanged", lang))
        if not result.report.issues:
            st.rerun()
        state.show_flash()
