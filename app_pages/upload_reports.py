"""The last upload's report of a page, kept with the signed-in session.

See :mod:`symbiosis.services.upload_reports`.

A page reload starts a new browser session: the report comes back from the database, where
:func:`keep` put it with the signed-in session (read by that session only, never from a cache shared
between users), until the person dismisses it or signs out.
"""

from __future__ import annotations

import logging

import streamlit as st

from app_pages import state
from symbiosis.db import DATABASE_ERRORS
from symbiosis.i18n import t
from symbiosis.ingest import rejected_file
from symbiosis.services.upload_reports import KeptUpload, keep_upload_report, read_upload_report

__all__ = ["keep", "kept", "show"]

logger = logging.getLogger(__name__)


def kept(name: str) -> KeptUpload | None:
    """The last upload ``name`` of this browser session, else the one kept with the signed-in session."""
    if name not in st.session_state:
        try:
            value = read_upload_report(state.accounts(), st.session_state.get("session_token"), name)
        except DATABASE_ERRORS:  # the page still opens; the report is lost as before
            logger.exception("the last upload's report could not be read")
            value = None
        st.session_state[name] = value
    return st.session_state[name]


def keep(name: str, value: KeptUpload | None) -> None:
    """Keep ``value`` as the last upload ``name`` for this session and its next page loads.

    ``None`` dismisses it.
    """
    st.session_state[name] = value
    try:
        keep_upload_report(state.accounts(), st.session_state.get("session_token"), name, value)
    except DATABASE_ERRORS:  # kept for this browser session at least
        logger.exception("the last upload's report could not be stored")


def show(name: str, lang: str, *, key: str, prefix: str) -> None:
    """Show the last upload ``name``: its file, why it was refused or its report, the rejected rows' file.

    ``key`` prefixes the widgets' keys; ``prefix`` the catalogue keys of the texts (``report_title``,
    ``report_kept``, ``rejected_download``, ``rejected_file``, ``report_dismiss``). A button dismisses it.
    """
    last = kept(name)
    if last is None:
        return
    st.markdown(f"**{t(f'{prefix}.report_title', lang)}**")
    st.caption(t(f"{prefix}.report_kept", lang))
    st.text(last.filename)  # the uploaded file's name: plain text, never markdown
    if last.refused is not None:
        st.error(last.refused.get(lang))
    elif last.result is not None:
        state.show_report(last.result.report, lang, key=f"{key}_report")
        if len(last.result.rejected):
            st.download_button(
                t(f"{prefix}.rejected_download", lang),
                rejected_file(last.result),
                file_name=f"{t(f'{prefix}.rejected_file', lang)}.csv",
                key=f"{key}_rejected_download",
                on_click="ignore",
            )
    if st.button(t(f"{prefix}.report_dismiss", lang), key=f"{key}_dismiss"):
        keep(name, None)
        st.rerun()
