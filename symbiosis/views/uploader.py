"""French words for Streamlit's file uploader, which writes its own in English only, and human file sizes.

Streamlit (1.67) draws an « Upload » button and « 10MB per file • CSV, XLSX » under it, whatever the
interface language. A firm importing its streams reads French everywhere else on the page, so the
app hides those two English texts and writes French ones in their place with a style sheet scoped to
one uploader (Streamlit gives a keyed element the class ``st-key-<key>``). The same sheet writes the
size of each file the page has received as a person reads it (« 430 o », « 1,2 ko » / "430 B",
"1.2 kB") over Streamlit's « 430.0B ». Pure: the page inserts the sheet; the browser tests check what
a person sees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from symbiosis.i18n import t
from symbiosis.numbers import format_number

__all__ = ["file_size_text", "uploader_style"]

_BUTTON = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
_LIMIT = '[data-testid="stFileUploaderDropzoneInstructions"] span'
#: The size beside a received file's name (the element after the name, which has no test id).
_SIZE = '[data-testid="stFileChipName"][title={name}] + *'
#: Streamlit's own size for a received file's size (its theme's ``twoSm``: 12 px).
_SIZE_FONT = "font-size: 0.75rem; line-height: 1.6"
#: Size units, each 1024 times the one before (Streamlit's limit « 10 Mo » is 10 × 1024² bytes).
_SIZE_UNITS = ("bytes", "kilobytes", "megabytes", "gigabytes")
#: Streamlit's own size for both texts (measured in the browser: 14 px, line height 1.6).
_FONT = "font-size: 0.875rem; line-height: 1.6"


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes, line breaks and angle brackets escaped:
    a file named ``</style>…`` stays inside the string)."""
    escaped = (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\a ")
        .replace("\r", "\\d ")
        .replace("<", "\\3c ")
        .replace(">", "\\3e ")
    )
    return f'"{escaped}"'


def file_size_text(n_bytes: int, lang: str = "fr") -> str:
    """A file's size as a person reads it: « 430 o », « 1,2 ko », « 15 Mo » (English "430 B", "1.2 kB").

    Whole bytes; above, one decimal below 10 and none from 10 on, in the language's way of writing
    numbers (a decimal comma in French).
    """
    value, unit = float(max(int(n_bytes), 0)), 0
    while value >= 1024 and unit < len(_SIZE_UNITS) - 1:
        value, unit = value / 1024, unit + 1
    decimals = 1 if unit and value < 10 else 0
    if decimals and round(value, 1) >= 10:
        decimals = 0
    number = format_number(value, locale="en_CA" if lang == "en" else "fr_CA", decimals=decimals)
    return t(f"app.uploader.size.{_SIZE_UNITS[unit]}", lang, n=number)


def uploader_style(
    key: str, lang: str, *, types: Sequence[str], max_mb: int, sizes: Mapping[str, int] | None = None
) -> str | None:
    """Return the ``<style>`` that writes the uploader ``key``'s texts in ``lang``, or None if none is needed.

    Parameters
    ----------
    key
        The uploader's widget key (letters, digits, ``_`` and ``-``).
    lang
        ``"fr"`` or ``"en"``; English keeps Streamlit's own button and limit.
    types
        The file types the uploader accepts (``["csv", "xlsx"]``), as shown to the person.
    max_mb
        The upload limit in megabytes (Streamlit's ``server.maxUploadSize``).
    sizes
        The files the page has received, name → size in bytes: each is written by
        :func:`file_size_text` in place of Streamlit's « 430.0B » (a file not yet received keeps it).
    """
    if not key.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"not a widget key: {key!r}")
    scope = f".st-key-{key}"
    rules = []
    if lang != "en":
        button = _css_string(t("app.uploader.button", lang))
        limit = _css_string(
            t("app.uploader.limit", lang, size=max_mb, types=", ".join(x.upper() for x in types))
        )
        rules += [
            f"{scope} {_BUTTON} {{font-size: 0; line-height: 0}}",
            f"{scope} {_BUTTON}::after {{content: {button}; {_FONT}}}",
            f"{scope} {_LIMIT} {{font-size: 0; line-height: 0}}",
            f"{scope} {_LIMIT}::after {{content: {limit}; {_FONT}}}",
        ]
    for name, n_bytes in (sizes or {}).items():
        size = _SIZE.format(name=_css_string(name))
        rules += [
            f"{scope} {size} {{font-size: 0; line-height: 0}}",
            f"{scope} {size}::after {{content: {_css_string(file_size_text(n_bytes, lang))}; {_SIZE_FONT}}}",
        ]
    return f"<style>{''.join(rules)}</style>" if rules else None
