"""A file uploader whose own texts follow the interface language (:mod:`symbiosis.views.uploader`)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from symbiosis.views.uploader import uploader_style

__all__ = ["file_uploader"]


def file_uploader(label: str, *, key: str, lang: str, types: list[str], **kwargs: Any) -> Any:
    """``st.file_uploader`` with its button and size limit written in ``lang``."""
    style = uploader_style(key, lang, types=types, max_mb=int(st.get_option("server.maxUploadSize")))
    if style is not None:
        st.html(style)
    return st.file_uploader(label, type=types, key=key, **kwargs)
