"""French words for Streamlit's file uploader, which writes its own in English only.

Streamlit (1.67) draws an « Upload » button and « 10MB per file • CSV, XLSX » under it, whatever the
interface language. A firm importing its streams reads French everywhere else on the page, so the
app hides those two English texts and writes French ones in their place with a style sheet scoped to
one uploader (Streamlit gives a keyed element the class ``st-key-<key>``). Pure: the page inserts the
sheet; the browser tests check what a person sees.
"""

from __future__ import annotations

from collections.abc import Sequence

from symbiosis.i18n import t

__all__ = ["uploader_style"]

_BUTTON = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
_LIMIT = '[data-testid="stFileUploaderDropzoneInstructions"] span'
#: Streamlit's own size for both texts (measured in the browser: 14 px, line height 1.6).
_FONT = "font-size: 0.875rem; line-height: 1.6"


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes and line breaks escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def uploader_style(key: str, lang: str, *, types: Sequence[str], max_mb: int) -> str | None:
    """Return the ``<style>`` that writes the uploader ``key``'s texts in ``lang``, or None in English.

    Parameters
    ----------
    key
        The uploader's widget key (letters, digits, ``_`` and ``-``).
    lang
        ``"fr"`` or ``"en"``; English keeps Streamlit's own words.
    types
        The file types the uploader accepts (``["csv", "xlsx"]``), as shown to the person.
    max_mb
        The upload limit in megabytes (Streamlit's ``server.maxUploadSize``).
    """
    if lang == "en":
        return None
    if not key.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"not a widget key: {key!r}")
    scope = f".st-key-{key}"
    button = _css_string(t("app.uploader.button", lang))
    limit = _css_string(t("app.uploader.limit", lang, size=max_mb, types=", ".join(x.upper() for x in types)))
    return (
        "<style>"
        f"{scope} {_BUTTON} {{font-size: 0; line-height: 0}}"
        f"{scope} {_BUTTON}::after {{content: {button}; {_FONT}}}"
        f"{scope} {_LIMIT} {{font-size: 0; line-height: 0}}"
        f"{scope} {_LIMIT}::after {{content: {limit}; {_FONT}}}"
        "</style>"
    )
