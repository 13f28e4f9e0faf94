"""The session's report source and files: one source of figures for the dashboard, reports and downloads.

The source (:class:`~symbiosis.reports.source.ReportSource`) is read once per session and rebuilt
only when what it reads changes (its fingerprint: firms, streams, synergies, decisions); every file
is built once per (period, territory, language, anonymised, format) and kept with it. Both live in
``st.session_state``, never in a global cache: one user's registry is never served to another.
Anything that may take more than a second shows its progress in an ``st.status``.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from typing import Any

import streamlit as st

from app_pages import results_state, state
from symbiosis.db import Actor
from symbiosis.i18n import t
from symbiosis.numbers import format_number
from symbiosis.reports import FORMATS, parse_territory, territory_choices
from symbiosis.reports.export import ExportFile, built_export, export_report
from symbiosis.reports.source import ReportSource
from symbiosis.reports.territory import Territory
from symbiosis.reports.unlisted import headers_only_note
from symbiosis.services.report_source import load_source, source_fingerprint
from symbiosis.synergy.period import Period
from symbiosis.timezone import local_today

__all__ = ["choose_period", "choose_scope", "download_files", "report_source"]

_SOURCES = "_report_sources"
#: The dates a period box takes: the registry's synergies and a program's reports fit in them.
PERIOD_LIMITS = (dt.date(2000, 1, 1), dt.date(2099, 12, 31))
#: Sources kept per session (the current one and the one before a change).
_KEPT = 2


def report_source(actor: Actor) -> ReportSource:
    """Return the session's report source, read again only when the registry or the synergies changed."""
    repo = state.repository()
    key = source_fingerprint(repo, actor)
    kept: OrderedDict = st.session_state.setdefault(_SOURCES, OrderedDict())
    if key in kept:
        return kept[key]
    lang = state.current_lang()
    with st.status(t("reports.progress.reading", lang), expanded=False) as progress:
        registry = results_state.load_registry(actor)
        config = results_state.baseline_config()
        source = load_source(
            repo, actor, registry=registry, matcher=lambda reg: results_state.run_cached(reg, config)
        )
        progress.update(label=t("reports.progress.read", lang), state="complete")
    kept[key] = source
    while len(kept) > _KEPT:
        kept.popitem(last=False)
    return source


def source_notice(source: ReportSource, lang: str) -> None:
    """Say when the figures are the engine's proposals: no synergy is tracked yet, the period changes nothing.

    A manager choosing the year 2000 saw the same 85 synergies as for this year, under a caption
    speaking of « the synergy registry for the chosen period ».
    """
    if source.source == "result":
        st.warning(t("reports.page.source_result", lang), icon="ℹ️")


def choose_period(
    lang: str,
    *,
    key: str,
    default: Period | None = None,
    columns: tuple[Any, Any] | None = None,
    container: Any = None,
) -> Period | None:
    """The « Du » / « Au » boxes of a period (both days included); None, said, for a reversed one.

    ``default`` is this year; an empty box (``(None, None)`` as default) leaves its side open.
    Which synergies a period holds is :func:`symbiosis.synergy.period.in_period`'s rule, the same
    on the dashboard, in the reports and in the pipeline.
    """
    box = container or st
    today = local_today()  # the region's year, not the server's (UTC) one on 31 December evening
    first, last = default or (dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
    left, right = columns or box.columns(2)
    # Streamlit's own range (ten years either side of the box's value) refused a program's start in
    # 2015 or an end in 2040 with an English tooltip, and kept the previous date without a word.
    limits = {"min_value": PERIOD_LIMITS[0], "max_value": PERIOD_LIMITS[1], "format": state.DATE_FORMAT}
    start = left.date_input(t("reports.page.from", lang), value=first, key=f"{key}.from", **limits)
    end = right.date_input(t("reports.page.to", lang), value=last, key=f"{key}.to", **limits)
    if start is not None and end is not None and end < start:
        # The dates the page holds, said: a box may show a date typed but not taken (out of range).
        box.error(t("reports.page.bad_period", lang, start=start.isoformat(), end=end.isoformat()))
        return None
    return start, end


def choose_scope(
    source: ReportSource, lang: str, *, key: str, container=None
) -> tuple[Territory, Period] | None:
    """Period and territory selectors (this year, whole region by default); None for a reversed period."""
    box = container or st
    c1, c2, c3 = box.columns([1, 1, 2])
    period = choose_period(lang, key=key, columns=(c1, c2), container=box)
    territory = c3.selectbox(
        t("reports.territory", lang),
        territory_choices(source.firms),
        key=f"{key}.territory",
        format_func=lambda s: parse_territory(s).label(lang),
    )
    if period is None:
        return None
    return parse_territory(territory), period


def _log(
    actor: Actor, file: ExportFile, page: str, territory: Territory, anonymised: bool, lang: str
) -> None:
    state.repository().log_event(
        actor,
        "export",
        table="reports",
        details={
            "page": page,
            "file": file.name,
            "territory": territory.spec,
            "anonymised": anonymised,
            "lang": lang,
        },
    )


def download_files(
    source: ReportSource,
    actor: Actor,
    *,
    territory: Territory,
    period: Period,
    lang: str,
    anonymised: bool,
    formats: tuple[str, ...] = FORMATS,
    page: str,
    key: str,
) -> None:
    """Build the files (progress shown; once per scope) and show one download button per format.

    Every file goes through :func:`~symbiosis.reports.export.export_report` with ``anonymised``;
    every download is written to the audit log. A CSV that lists no synergy (its header row only) is
    captioned with why, in the page's language.
    """
    ready = all(
        built_export(source, fmt, lang, anonymised=anonymised, territory=territory, period=period)
        for fmt in formats
    )
    if not ready and st.button(t("reports.page.generate", lang), key=f"{key}.prepare", type="primary"):
        with st.status(t("reports.progress.building", lang), expanded=True) as progress:
            bar = st.progress(0.0)
            for i, fmt in enumerate(formats):
                built = export_report(
                    source, fmt, lang, anonymised=anonymised, territory=territory, period=period
                )
                locale = "en_CA" if lang == "en" else "fr_CA"  # « 1,2 s » in French, never « 1.2 s »
                seconds = format_number(built.seconds, locale=locale, decimals=1)
                st.write(t("reports.progress.file", lang, name=built.name, seconds=seconds))
                bar.progress((i + 1) / len(formats))
            progress.update(label=t("reports.progress.done", lang), state="complete", expanded=False)
        ready = True
    if not ready:
        return
    columns = st.columns(len(formats))
    files = {}
    for column, fmt in zip(columns, formats, strict=True):
        built = files[fmt] = export_report(
            source, fmt, lang, anonymised=anonymised, territory=territory, period=period
        )
        column.download_button(
            t(f"reports.download.{fmt}", lang),
            built.content,
            file_name=built.name,
            mime=built.media_type,
            key=f"{key}.download.{fmt}",
            on_click=_log,
            args=(actor, built, page, territory, anonymised, lang),
        )
        if fmt == "csv" and built.unlisted is not None:
            column.caption(headers_only_note(built.unlisted, state.current_lang()))
    st.session_state[f"{key}.files"] = files  # what the buttons serve (the tests read it back)
