"""A firm's streams: the list, an editable table, one-stream form, deletion, templates and upload."""

from __future__ import annotations

import streamlit as st

from app_pages import state, tables, upload_reports, uploads
from symbiosis.i18n import t, tn
from symbiosis.ingest import template_bytes
from symbiosis.labels import category_labels
from symbiosis.sandbox import prewarm
from symbiosis.services.firm_self_service import save_valid, upload_streams, validate_stream_rows
from symbiosis.services.upload_reports import kept_upload
from symbiosis.views.editor import editor_language
from symbiosis.views.firm_streams import (
    category_options,
    changed_rows,
    choice_words,
    editor_column_labels,
    editor_frame,
    editor_rows,
    form_column_labels,
    pending_rows,
    rows_to_fix,
    stream_label,
    streams_table,
    unit_options,
    unit_word,
    with_pending,
)

lang = state.current_lang()
actor = state.require_role("firm")
repo = state.repository()
firm_id, firm, streams = state.firm_in_view(repo, actor, lang, lambda f: repo.streams(actor, firm_id=f))

categories = state.categories()
st.title(t("firm_streams.title", lang))
st.subheader(firm["name"])
state.show_flash()
tab_list, tab_add, tab_upload = st.tabs(
    [t("firm_streams.tab_list", lang), t("firm_streams.tab_add", lang), t("firm_streams.tab_upload", lang)]
)

with tab_list:
    if streams.empty:
        st.info(t("firm_streams.empty", lang))
    else:
        tables.show_table(streams_table(streams, lang, categories=categories))

    st.markdown(f"#### {t('firm_streams.edit_title', lang)}")
    st.caption(t("firm_streams.edit_help", lang))
    version = st.session_state.get("firm_editor_version", 0)
    # The table is drawn in its words and headers: a language switch would make it a new, empty
    # editor. While it holds unsaved changes it keeps the language they were typed in.
    tongue = editor_language(
        st.session_state.get(f"firm_editor_{version}"), st.session_state.get("firm_editor_lang"), lang
    )
    st.session_state["firm_editor_lang"] = tongue
    if tongue != lang:
        st.caption(t("firm_streams.editor_kept_language", lang))
    category_names = category_labels(categories, tongue)  # the editor shows labels, never ids
    ids_by_label = {label: cid for cid, label in category_names.items()}
    stored = editor_frame(streams, tongue, labels=category_names)
    column_config = {
        # a row just added holds empty texts, not missing values (drawn « None »): default=""
        "stream_id": st.column_config.TextColumn(t("firm.col.stream_id", tongue), disabled=True, default=""),
        "direction": st.column_config.SelectboxColumn(
            t("col.direction", tongue), options=list(choice_words("direction", tongue).values())
        ),
        "category_id": st.column_config.SelectboxColumn(
            t("col.category", tongue), options=sorted(category_names.values(), key=str.casefold)
        ),
        "description": st.column_config.TextColumn(t("col.description", tongue), default=""),
        "quantity": st.column_config.TextColumn(t("firm.field.quantity", tongue), default=""),
        "unit": st.column_config.SelectboxColumn(t("col.unit", tongue), options=unit_options(tongue)),
        "months": st.column_config.TextColumn(t("col.months", tongue), default=""),
        "confidentiality": st.column_config.SelectboxColumn(
            t("firm.col.confidentiality", tongue),
            options=list(choice_words("confidentiality", tongue).values()),
        ),
        "errors": st.column_config.TextColumn(t("firm_streams.errors", tongue), disabled=True, default=""),
    }
    kept_key = f"firm_pending.{firm_id}"  # the rows refused at the last save, kept as typed
    table = with_pending(stored, state.kept_rows(kept_key, []), tongue, labels=category_names)
    edited = st.data_editor(
        table,
        key=f"firm_editor_{version}",
        num_rows="add",
        hide_index=True,
        column_config=column_config,
        width="stretch",
        placeholder=tables.BLANK,  # a category, unit… not picked yet: an empty cell
    )
    check_col, save_col = st.columns(2)
    if check_col.button(t("firm_streams.validate", lang), key="firm_validate"):
        positions = changed_rows(stored, edited)
        rows = editor_rows(edited, streams, positions, tongue, ids_by_label=ids_by_label)
        numbers = [p + 1 for p in positions]
        st.session_state["firm_check"] = (
            rows,
            numbers,
            validate_stream_rows(rows, firm_id, lang=tongue, row_numbers=numbers),
        )
    check = st.session_state.get("firm_check")
    if check is not None:
        rows, numbers, result = check
        if not rows:
            st.info(t("firm_streams.nothing_changed", lang))
        else:
            state.show_report(
                result.report, lang, key="firm_editor_report", columns=editor_column_labels(tongue)
            )
        if rows and save_col.button(t("firm_streams.save_valid", lang), type="primary", key="firm_save"):
            saved = save_valid(repo, actor, result)
            state.keep_rows(kept_key, pending_rows(rows, numbers, result.report, labels=category_names))
            st.session_state["firm_editor_version"] = version + 1
            del st.session_state["firm_check"]
            kept = tn("firm_streams.saved.kept", len(state.kept_rows(kept_key, [])), lang)
            saved_text = tn("firm_streams.saved.streams", saved, lang)
            state.flash(t("firm_streams.saved", lang, saved=saved_text, kept=kept), where="firm_editor")
            st.rerun()
    state.show_flash(where="firm_editor")  # by the buttons: the top of the page is out of sight
    to_fix = rows_to_fix(table, lang)
    if to_fix:
        st.warning(to_fix)

    if not streams.empty:
        st.markdown(f"#### {t('firm_streams.delete_title', lang)}")
        deletions = st.session_state.get("firm_deletions", 0)  # a new box after each deletion: unticked
        with st.form("firm_delete"):
            labels = {row["stream_id"]: stream_label(row) for row in streams.to_dict(orient="records")}
            doomed = st.selectbox(
                t("firm_streams.delete_pick", lang),
                list(labels),
                format_func=labels.get,
                key="firm_delete.pick",
            )
            confirmed = st.checkbox(
                t("firm_streams.delete_confirm", lang), key=f"firm_delete.{deletions}.confirm"
            )
            if st.form_submit_button(t("firm_streams.delete", lang)):
                if confirmed:
                    repo.delete_stream(actor, doomed)
                    st.session_state["firm_deletions"] = deletions + 1
                    state.flash(t("firm_streams.deleted", lang, stream=labels[doomed]), where="firm_delete")
                    st.rerun()
                st.warning(t("firm_streams.delete_unconfirmed", lang))
    state.show_flash(where="firm_delete")


def quality_fields(direction: str, lang: str) -> dict[str, str]:
    """Quality and today's situation of the new stream: declared values, or the demand's specification."""
    a, b = st.columns(2)
    sizes = ["fine", "granular", "coarse", "bulky"]
    size_label = lambda s: t(f"firm_streams.size.{s}", lang)  # noqa: E731
    if direction == "supply":
        fates = [
            "",
            "landfill",
            "incineration",
            "land_spreading",
            "sold_byproduct",
            "internal_reuse",
            "paid_treatment",
            "discharged",
        ]
        return {
            "current_fate": a.selectbox(
                t("firm_streams.fate", lang),
                fates,
                format_func=lambda f: t(f"firm_streams.fate.{f or 'unknown'}", lang),
                key="new_stream.current_fate",
            ),
            "purity_pct": a.text_input(t("firm_streams.purity", lang), key="new_stream.purity_pct"),
            "moisture_pct": a.text_input(t("firm_streams.moisture", lang), key="new_stream.moisture_pct"),
            "temperature_c": b.text_input(
                t("firm_streams.temperature", lang), key="new_stream.temperature_c"
            ),
            "contaminant_pct": b.text_input(
                t("firm_streams.contaminant", lang), key="new_stream.contaminant_pct"
            ),
            "particle_size": b.selectbox(
                t("firm_streams.size", lang),
                ["", *sizes],
                format_func=lambda s: size_label(s) if s else "—",
                key="new_stream.particle_size",
            ),
        }
    return {
        "current_use": a.selectbox(
            t("firm_streams.use", lang),
            ["", "virgin_input", "treatment_service"],
            format_func=lambda u: t(f"firm_streams.use.{u or 'unknown'}", lang),
            key="new_stream.current_use",
        ),
        "gate_fee_cad_per_unit": a.text_input(t("firm_streams.gate_fee", lang), key="new_stream.gate_fee"),
        "min_purity_pct": a.text_input(t("firm_streams.min_purity", lang), key="new_stream.min_purity"),
        "max_moisture_pct": a.text_input(t("firm_streams.max_moisture", lang), key="new_stream.max_moisture"),
        "min_temperature_c": b.text_input(
            t("firm_streams.min_temperature", lang), key="new_stream.min_temperature"
        ),
        # a heat demand's own loop (the importer ignores it, with a warning, on any other demand)
        "return_temperature_c": b.text_input(
            t("firm_streams.return_temperature", lang),
            key="new_stream.return_temperature",
            help=t("firm_streams.return_temperature_help", lang),
        ),
        "max_contaminant_pct": b.text_input(
            t("firm_streams.max_contaminant", lang), key="new_stream.max_contaminant"
        ),
        "accepted_particle_sizes": "|".join(
            b.multiselect(
                t("firm_streams.sizes", lang), sizes, format_func=size_label, key="new_stream.sizes"
            )
        ),
        "rejects_hazardous": "oui"
        if b.checkbox(t("firm_streams.rejects_hazardous", lang), key="new_stream.rejects_hazardous")
        else "",
    }


with tab_add:
    description = st.text_input(
        t("firm.field.description", lang),
        key="new_stream_description",
        help=t("firm_streams.description_help", lang),
    )
    first, second = st.columns(2)
    direction = first.selectbox(
        t("col.direction", lang),
        ["supply", "demand"],
        key="new_stream_direction",
        format_func=lambda d: t(f"direction.{d}", lang),
    )
    unit = unit_word(  # the box holds the French spelling: the choice survives the language switch
        second.selectbox(
            t("col.unit", lang),
            unit_options("fr"),
            key="new_stream_unit",
            format_func=lambda u: unit_word(u, lang),
        ),
        lang,
    )
    options = category_options(description, categories, lang=lang, direction=direction, unit=unit)
    labels = categories.set_index("category_id")["label_en" if lang == "en" else "label_fr"]
    if description.strip():
        st.caption(t("firm_streams.suggested", lang, categories=", ".join(labels[c] for c in options[:3])))
    with st.form("firm_add_stream"):
        left, right = st.columns(2)
        category = left.selectbox(  # no description, no suggestion: the firm picks, nothing is preselected
            t("col.category", lang),
            options,
            index=0 if description.strip() else None,
            placeholder=t("firm_streams.category_pick", lang),
            format_func=lambda c: labels.get(c, c),
            # a new best suggestion preselects itself; a language switch keeps the firm's pick
            key=f"new_stream.category.{options[0] if description.strip() else ''}",
        )
        quantity = left.text_input(
            t("firm.field.quantity", lang),
            placeholder="12,5" if lang == "fr" else "12.5",
            key="new_stream.quantity",
        )
        months = right.text_input(t("firm.field.months", lang), placeholder="5-9", key="new_stream.months")
        cost = right.text_input(t("firm.field.cost", lang), key="new_stream.cost")
        confidentiality = right.selectbox(
            t("firm.col.confidentiality", lang),
            ["confidential", "members", "public"],
            format_func=lambda c: t(f"firm.confidentiality.{c}", lang),
            key="new_stream.confidentiality",
        )
        with st.expander(t("firm_streams.quality", lang)):
            quality = quality_fields(direction, lang)
        added = st.form_submit_button(t("firm_streams.add", lang), type="primary")
    if added:
        cost_column = "disposal_cost_cad_per_unit" if direction == "supply" else "purchase_price_cad_per_unit"
        row = {
            "direction": direction,
            "category_id": category or "",
            "description": description,
            "quantity": quantity,
            "unit": unit,
            "months": months,
            cost_column: cost,
            "confidentiality": confidentiality,
            **quality,
        }
        result = validate_stream_rows([row], firm_id, lang=lang)
        if result.report.issues:
            state.show_report(result.report, lang, key="firm_add_report", columns=form_column_labels(lang))
        if len(result.valid):
            save_valid(repo, actor, result)
            state.flash(t("firm_streams.added", lang, stream=result.valid["stream_id"].iloc[0]))
            if not result.report.issues:
                st.rerun()
            state.show_flash()

with tab_upload:
    st.markdown(f"#### {t('firm_streams.template_title', lang)}")
    fmt_col, lang_col = st.columns(2)
    fmt = fmt_col.radio(
        t("firm_streams.template_format", lang),
        ["xlsx", "csv"],
        horizontal=True,
        format_func=str.upper,
        key="template_format",
    )
    template_lang = lang_col.radio(
        t("firm_streams.template_lang", lang),
        ["fr", "en"],
        horizontal=True,
        index=0 if lang == "fr" else 1,
        key="template_lang",
        format_func=lambda code: {"fr": "Français", "en": "English"}[code],
    )
    template_name = f"{t('firm_streams.template_file', template_lang)}.{fmt}"
    st.download_button(
        t("firm_streams.template_download", lang),
        template_bytes("streams", lang=template_lang, fmt=fmt),
        file_name=template_name,
        key="template_download",
        on_click="ignore",
    )
    st.caption(template_name)

    st.markdown(f"#### {t('firm_streams.upload_title', lang)}")
    st.caption(t("firm_streams.upload_help", lang, firm_id=firm_id))
    uploaded = uploads.file_uploader(
        t("firm_streams.upload", lang), key="streams_upload", lang=lang, types=["csv", "xlsx"]
    )
    report_name = f"firm_upload.{firm_id}"  # the last upload's report of this firm's streams
    prewarm()  # the worker process that will read the file starts now, not at the click
    if uploaded is not None and st.button(t("firm_streams.import", lang), type="primary", key="firm_import"):
        with st.spinner(t("firm_streams.importing", lang)):  # read in a worker process: others keep working
            outcome = upload_streams(repo, actor, uploaded.getvalue(), uploaded.name)
        read = outcome.batch.streams if outcome.batch is not None else None
        # kept with the signed-in session: a reload shows it again, until dismissed or signed out
        upload_reports.keep(report_name, [kept_upload(uploaded.name, refused=outcome.refused, result=read)])
        st.rerun()  # the list above shows the streams just stored
    upload_reports.show(report_name, lang, key="firm_upload", prefix="firm_streams")
