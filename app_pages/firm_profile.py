"""A firm's profile: what the registry holds about it, editable through the importer's checks."""

from __future__ import annotations

import streamlit as st

from app_pages import state
from symbiosis.i18n import t
from symbiosis.services.firm_place import (
    choices_for,
    pending_place,
    save_place_to_confirm,
    unknown_place,
    validate_keeping_position,
)
from symbiosis.services.firm_self_service import save_profile, validate_profile
from symbiosis.services.importing import default_context
from symbiosis.views.firm import (
    number_cell,
    place_choice_label,
    profile_cells,
    profile_column_labels,
)
from symbiosis.views.firm_streams import choice_words
from symbiosis.views.markdown import markdown_plain

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

pending = pending_place(repo, actor, firm)
if pending:
    lat, lon = number_cell(firm["lat"], lang), number_cell(firm["lon"], lang)
    st.info(t("firm_place.pending", lang, place=markdown_plain(pending), lat=lat, lon=lon), icon="📍")

cells = profile_cells(firm, lang)
TEXT_FIELDS = (
    "name",
    "scian_code",
    "municipality",
    "lat",
    "lon",
    "contact_name",
    "contact_email",
    "contact_phone",
)
parks = default_context().parks.set_index("park_id")["name"]
confidentiality = choice_words("confidentiality", lang)
# keyed fields: what was typed survives the language switch; a new version starts from the registry
key = f"profile.{firm_id}.{st.session_state.get('profile_version', 0)}."
action = st.session_state.pop(f"{key}place_action", None)  # set by the place-not-found buttons below


def use_place(name: str) -> None:
    """Put a known place in the form's municipality; the form is then checked and saved again."""
    st.session_state[f"{key}municipality"] = name
    st.session_state[f"{key}place_action"] = "use"


def keep_position() -> None:
    """Save the rest of the form with the current position; the typed place is to confirm."""
    st.session_state[f"{key}place_action"] = "keep"


# the fields start from the registry (once per version); a place picked below replaces the municipality
defaults = {
    **{field: cells[field] for field in TEXT_FIELDS},
    "park_id": cells["park_id"] if cells["park_id"] in parks.index else "",
    "accepts_hazardous": bool(firm["accepts_hazardous"]),
    "confidentiality": firm["confidentiality"],
}
for field, default in defaults.items():
    st.session_state.setdefault(f"{key}{field}", default)

with st.form("firm_profile"):
    left, right = st.columns(2)
    text = lambda box, field: box.text_input(t(f"firm.field.{field}", lang), key=f"{key}{field}")  # noqa: E731
    values = {field: text(left, field) for field in ("name", "scian_code")}
    values["park_id"] = left.selectbox(
        t("firm.field.park_id", lang),
        ["", *parks.index],
        format_func=lambda p: parks.get(p, "—"),
        key=f"{key}park_id",
    )
    values |= {field: text(left, field) for field in ("municipality", "lat", "lon")}
    values |= {field: text(right, field) for field in ("contact_name", "contact_email", "contact_phone")}
    hazardous = right.checkbox(t("firm.field.accepts_hazardous", lang), key=f"{key}accepts_hazardous")
    values["accepts_hazardous"] = "oui" if hazardous else "non"
    values["confidentiality"] = right.selectbox(
        t("firm.field.confidentiality", lang),
        list(confidentiality),
        format_func=lambda c: t(f"firm.confidentiality.{c}", lang),
        key=f"{key}confidentiality",
    )
    submitted = st.form_submit_button(t("firm_profile.save", lang), type="primary")

if action == "keep":
    result = validate_keeping_position(values, firm, firm_id, lang=lang)
    if len(result.valid):
        save_place_to_confirm(repo, actor, result, place=values["municipality"])
        st.session_state["profile_version"] = st.session_state.get("profile_version", 0) + 1
        state.flash(t("firm_place.kept", lang, place=markdown_plain(values["municipality"])))
        st.rerun()
    state.show_report(result.report, lang, key="profile_report", columns=profile_column_labels(lang))
elif submitted or action == "use":
    result = validate_profile(values, firm_id, lang=lang)
    if result.report.issues:
        state.show_report(result.report, lang, key="profile_report", columns=profile_column_labels(lang))
    if len(result.valid):
        changed = save_profile(repo, actor, result)
        st.session_state["profile_version"] = st.session_state.get("profile_version", 0) + 1  # as stored
        state.flash(t("firm_profile.saved" if changed else "firm_profile.unchanged", lang))
        if not result.report.issues:
            st.rerun()
        state.show_flash()
    st.session_state[f"{key}unknown_place"] = unknown_place(result)

typed = st.session_state.get(f"{key}unknown_place")
if typed is not None and values["municipality"] == typed:
    # not a dead end: a known place, coordinates, or the rest saved with the place to confirm
    st.subheader(t("firm_place.unknown_title", lang, place=markdown_plain(typed)))
    st.warning(t("firm_place.unknown", lang, place=markdown_plain(typed)), icon="📍")
    choices = choices_for(typed, firm).to_dict("records")
    if choices:
        picked = st.selectbox(
            t("firm_place.pick", lang),
            range(len(choices)),
            format_func=lambda i: place_choice_label(choices[i], lang),
            key=f"{key}place_pick",
        )
        st.button(
            t("firm_place.use", lang),
            type="primary",
            on_click=use_place,
            args=(choices[picked]["name"],),
            key=f"{key}place_use",
        )
    else:
        st.info(t("firm_place.no_choice", lang, place=markdown_plain(typed)))
    st.button(t("firm_place.keep", lang), on_click=keep_position, key=f"{key}place_keep")
