"""The last upload's report of a page, kept with the signed-in session.

See :mod:`symbiosis.services.upload_reports`.

A page reload starts a new browser session: the report comes back from the database, where
:func:`keep` put it with the signed-in session (read by that session only, never from a cache shared
between users), until the person dismisses it or signs out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import streamlit as st

from app_pages import state
from symbiosis.db import DATABASE_ERRORS
from symbiosis.i18n import t
from symbiosis.ingest import rejected_file
from symbiosis.services.upload_reports import KeptUpload, keep_upload_reports, read_upload_reports

__all__ = ["keep", "kept", "show"]

logger = logging.getLogger(__name__)


def kept(name: str) -> tuple[KeptUpload, ...]:
    """The last upload ``name`` of this browser session, else the one kept with the signed-in session."""
    if name not in st.session_state:
        try:
            value = read_upload_reports(state.accounts(), st.session_state.get("session_token"), name)
        except DATABASE_ERRORS:  # the page still opens; the report is lost as before
            logger.exception("the last upload's report could not be read")
            value = ()
        st.session_state[name] = value
    return st.session_state[name]


def keep(name: str, uploads: Sequence[KeptUpload]) -> None:
    """Keep ``uploads`` as the last upload ``name`` for this session and its next page loads.

    None dismisses it.
    """
    st.session_state[name] = tuple(uploads)
    try:
        keep_upload_reports(state.accounts(), st.session_state.get("session_token"), name, tuple(uploads))
    except DATABASE_ERRORS:  # kept for this browser session at least
        logger.exception("the last upload's report could not be stored")


def show(
    name: str,
    lang: str,
    *,
    key: str,
    prefix: str,
    heading: Callable[[KeptUpload], str | None] = lambda upload: None,
    rejected_name: Callable[[KeptUpload], str] | None = None,
) -> None:
    """Show the last upload ``name``: per file, its name, why it was refused or its report, its rejected rows.

    ``key`` prefixes the widgets' keys; ``prefix`` the catalogue keys of the texts (``report_title``,
    ``report_kept``, ``rejected_download``, ``rejected_file``, ``report_dismiss``). ``heading`` gives
    a file's subheader, ``rejected_name`` the name of its rejected rows' file. A button dismisses it.
    """
    uploads = kept(name)
    if not uploads:
        return
    st.markdown(f"**{t(f'{prefix}.report_title', lang)}**")
    st.caption(t(f"{prefix}.report_kept", lang))
    for number, upload in enumerate(uploads):
        title = heading(upload)
        if title:
            st.subheader(title)
        st.text(upload.filename)  # the uploaded file's name: plain text, never markdown
        suffix = "" if number == 0 else f"_{number}"
        if upload.result is not None:
            state.show_report(upload.result.report, lang, key=f"{key}_report{suffix}")
        if upload.truncated is not None:  # read back from the session's drafts, capped
            st.warning(upload.truncated.note().get(lang))
        if upload.refused is not None:
            st.error(upload.refused.get(lang))
        elif upload.summary is not None:
            st.info(upload.summary.get(lang))
        if upload.result is not None and len(upload.result.rejected):
            file_name = (
                rejected_name(upload) if rejected_name else f"{t(f'{prefix}.rejected_file', lang)}.csv"
            )
            st.download_button(
                t(f"{prefix}.rejected_download", lang),
                rejected_file(upload.result),
                file_name=file_name,
                key=f"{key}_rejected_download{suffix}",
                on_click="ignore",
            )
    if st.button(t(f"{prefix}.report_dismiss", lang), key=f"{key}_dismiss"):
        keep(name, ())
        st.rerun()
