"""How the pages show tables and charts: numbers stay numbers, written the way the interface language does.

A table's numeric columns are given a ``NumberColumn(format="localized")`` and its date columns a
``DatetimeColumn`` in ISO order, so that a column sorts as numbers (or dates) while it reads
``1 234,5`` in French; :func:`page_locale` makes "localized" mean the interface language, not the
browser's. Charts are Vega-Lite specs from :mod:`symbiosis.views.charts` (axis labels in French).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from symbiosis.db import Actor
from symbiosis.i18n import t
from symbiosis.reports.export import ExportFile
from symbiosis.views.markdown import markdown_plain
from symbiosis.views.typed import read_min_value

__all__ = [
    "BLANK",
    "LOCALES",
    "MISSING",
    "chart",
    "column_config",
    "download_buttons",
    "page_locale",
    "refuse",
    "show_table",
]

#: What a table shows for a missing value (Streamlit writes « None », in English, by default).
MISSING = "—"
#: What an editable table (``st.data_editor``) shows in a cell not filled yet: nothing. Streamlit
#: draws a grey « None » there by default, in every cell of a row just added; a « — » would read
#: as a value typed.
BLANK = ""
#: BCP 47 tag of the page for each interface language.
LOCALES: dict[str, str] = {"fr": "fr-CA", "en": "en-CA"}

_LOCALE_SCRIPT = """<script>
(function () {{
  var tag = "{tag}";
  document.documentElement.lang = tag;
  try {{
    Object.defineProperty(navigator, "languages", {{get: function () {{ return [tag, "{lang}"]; }},
                                                    configurable: true}});
    Object.defineProperty(navigator, "language", {{get: function () {{ return tag; }}, configurable: true}});
  }} catch (e) {{}}
}})();
</script>"""


def page_locale(lang: str) -> None:
    """Set ``<html lang>`` and the number locale of the tables to the interface language.

    The script is a constant of this module (only the language tag varies, from :data:`LOCALES`):
    nothing a user typed ever reaches it.
    """
    tag = LOCALES.get(lang, LOCALES["fr"])
    st.sidebar.html(_LOCALE_SCRIPT.format(tag=tag, lang=tag[:2]), unsafe_allow_javascript=True)


def min_value_input(container: Any, lang: str, *, key: str) -> tuple[float, str]:
    """The « value at least » filter of the exchange pages ($/yr): ``(value, "")`` or ``(0.0, why)``.

    Text read as the advisor writes numbers: the browser's number box read « 12 500,5 » as 125 005.
    """
    typed = container.text_input(t("advisor.map.min_value", lang), value="0", key=key)
    return read_min_value(typed, lang)


def refuse(why: str) -> None:
    """Say why a box cannot be read (its « $ » are no formula) and draw nothing more of the page."""
    if why:
        st.error(markdown_plain(why))
        st.stop()


def column_config(frame: pd.DataFrame) -> dict[str, Any]:
    """Return a ``column_config`` giving every numeric column a localised number format."""
    config: dict[str, Any] = {}
    for name in frame.columns:
        col = frame[name]
        if pd.api.types.is_bool_dtype(col):
            continue
        if pd.api.types.is_numeric_dtype(col):
            config[str(name)] = st.column_config.NumberColumn(format="localized")
        elif pd.api.types.is_datetime64_any_dtype(col):
            config[str(name)] = st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")
    return config


def show_table(
    frame: pd.DataFrame,
    *,
    key: str | None = None,
    height: int | str = "auto",
    hide_index: bool = True,
    extra: dict[str, Any] | None = None,
    container: Any = None,
    widths: Mapping[str, int] | None = None,
) -> None:
    """Show ``frame`` with localised numbers (sortable as numbers) across the page width.

    A table without rows is said in the interface language: Streamlit would draw its headers over
    the English word « empty ». ``widths`` sets columns' widths in pixels (header → width), keeping
    their number format.
    """
    if len(frame) == 0:
        (container or st).caption(t("tables.empty", st.session_state.get("lang", "fr")))
        return
    config = column_config(frame) | dict(extra or {})
    for name, width in (widths or {}).items():
        config[name] = {**(config.get(name) or {}), "width": int(width)}
    (container or st).dataframe(
        frame,
        hide_index=hide_index,
        width="stretch",
        height=height,
        column_config=config,
        key=key,
        placeholder=MISSING,
    )


def chart(spec: dict[str, Any], *, container: Any = None) -> None:
    """Draw a Vega-Lite spec from :mod:`symbiosis.views.charts` (data inline)."""
    (container or st).vega_lite_chart(spec, width="stretch")


def _log_download(actor: Actor, table: str, file: ExportFile, details: Mapping[str, Any]) -> None:
    from app_pages import state

    state.repository().log_event(actor, "export", table=table, details={"file": file.name, **details})


def download_buttons(
    files: Mapping[str, ExportFile],
    labels: Mapping[str, str],
    *,
    key: str,
    audit: tuple[Actor, str, Mapping[str, Any]],
    container: Any = None,
) -> None:
    """One download button per file, side by side; each download is written to the audit log.

    ``audit`` is who downloads, the table named in the log and the details logged with the file's
    name. The files are kept in ``st.session_state[f"{key}.files"]`` (what the buttons serve; the
    tests read it back).
    """
    actor, table, details = audit
    columns = (container or st).columns(len(files))
    for column, (fmt, file) in zip(columns, files.items(), strict=True):
        column.download_button(
            labels[fmt],
            file.content,
            file_name=file.name,
            mime=file.media_type,
            key=f"{key}.download.{fmt}",
            on_click=_log_download,
            args=(actor, table, file, dict(details)),
        )
    st.session_state[f"{key}.files"] = dict(files)
