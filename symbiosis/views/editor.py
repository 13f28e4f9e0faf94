"""Editable tables (``st.data_editor``) across the language switch: which language to draw one in."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["editor_language"]


def editor_language(edits: Mapping[str, object] | None, kept: str | None, lang: str) -> str:
    """The language the editable table is drawn in: ``kept`` while it holds unsaved changes, else ``lang``.

    The table's words (direction, category, confidentiality) and headers are in one language; an
    editor drawn in another is a new widget, and Streamlit drops the changes typed in the former
    one. ``edits`` is the editor's state (``edited_rows``, ``added_rows``, ``deleted_rows``).
    """
    unsaved = edits is not None and any(edits.get(k) for k in ("edited_rows", "added_rows", "deleted_rows"))
    return str(kept) if unsaved and kept in ("fr", "en") else lang
