"""A file uploader whose own texts follow the interface language (:mod:`symbiosis.views.uploader`)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from symbiosis.views.uploader import uploader_style

__all__ = ["file_uploader"]


def file_uploader(label: str, *, key: str, lang: str, types: list[str], **kwargs: Any) -> Any:
    """``st.file_uploader`` with its button, size limit and file sizes written in ``lang``."""
    # The files received so far (a keyed widget's value is in the session before it is drawn), so
    # that their sizes read « 430 o » rather than Streamlit's « 430.0B ».
    received = st.session_state.get(key)
    files = received if isinstance(received, list) else [] if received is None else [received]
    sizes = {f.name: f.size for f in files if hasattr(f, "name") and hasattr(f, "size")}
    max_mb = int(st.get_option("server.maxUploadSize"))
    style = uploader_style(key, lang, types=types, max_mb=max_mb, sizes=sizes)
    if style is not None:
        st.html(style)
    return st.file_uploader(label, type=types, key=key, **kwargs)
