"""The one door of every file that leaves the app: a report or a download, anonymised or not.

:func:`export_report` takes the ``anonymised`` flag, gathers the report's figures from a
:class:`~symbiosis.reports.source.ReportSource` (where anonymisation happens) and renders the
format asked; the dashboard's downloads, the reports page and the ``symbiosis report`` command all
call it, so no path can write a non-consenting firm into a file, and every file of one period and
territory carries the same figures as the screen. Each file is built once per (territory, period,
anonymised, format, language) and kept with its source.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import re
import time
import unicodedata
from dataclasses import dataclass
from typing import Any

from symbiosis.reports import FORMATS, MEDIA_TYPES, render_report
from symbiosis.reports.source import ReportSource
from symbiosis.reports.territory import Territory
from symbiosis.reports.unlisted import unlisted_reason

__all__ = ["ExportFile", "built_export", "export_report", "file_name"]

logger = logging.getLogger(__name__)
_UNSAFE = re.compile(r"[^0-9A-Za-z._-]+")


@dataclass(frozen=True)
class ExportFile:
    """A file ready to download: its name, media type, bytes and the server time it took to build.

    ``unlisted`` is why the file lists no synergy (:func:`~symbiosis.reports.unlisted.unlisted_reason`:
    ``none``, ``withheld``, ``declined``), None when it lists some: a CSV then holds its header row
    only, and whoever hands it over says why (:func:`~symbiosis.reports.unlisted.headers_only_note`).
    """

    name: str
    media_type: str
    content: bytes
    seconds: float = 0.0
    unlisted: str | None = None


def file_name(
    territory: Territory,
    period: tuple[dt.date | None, dt.date | None],
    fmt: str,
    *,
    anonymised: bool,
    lang: str = "fr",
) -> str:
    """Return ``rapport-<territory>-<start>-<end>[-anonymise].<fmt>`` (ASCII, no spaces)."""
    stem = "rapport" if lang != "en" else "report"
    parts = [stem, territory.spec.replace(":", "-"), *(d.isoformat() for d in period if d is not None)]
    if anonymised:
        parts.append("anonymise" if lang != "en" else "anonymised")
    text = unicodedata.normalize("NFKD", "-".join(parts)).encode("ascii", "ignore").decode("ascii")
    return f"{_UNSAFE.sub('_', text)}.{fmt}"


def _key(
    fmt: str,
    lang: str,
    anonymised: bool,
    territory: Territory | None,
    period: tuple[dt.date | None, dt.date | None],
) -> tuple:
    return ("file", (territory or Territory()).spec, period, bool(anonymised), fmt, lang)


def built_export(
    source: ReportSource,
    fmt: str,
    lang: str = "fr",
    *,
    anonymised: bool,
    territory: Territory | None = None,
    period: tuple[dt.date | None, dt.date | None] = (None, None),
) -> ExportFile | None:
    """Return the file :func:`export_report` already built for these arguments, or None."""
    return source._memo.get(_key(fmt, lang, anonymised, territory, period))


def export_report(
    source: ReportSource,
    fmt: str,
    lang: str = "fr",
    *,
    anonymised: bool,
    territory: Territory | None = None,
    period: tuple[dt.date | None, dt.date | None] = (None, None),
    sections: tuple[Any, ...] = (),
) -> ExportFile:
    """Return the report of ``source`` for ``territory`` and ``period`` as one file (:data:`FORMATS`).

    Parameters
    ----------
    source
        What the report reads (:func:`~symbiosis.services.report_source.load_source`).
    fmt
        ``pdf``, ``xlsx``, ``csv`` or ``geojson``.
    lang
        Language of the file ("fr" or "en").
    anonymised
        Name only consenting firms (keyword-only and required: no file is anonymised by accident,
        or named by accident).
    territory, period
        What the report covers (the whole region and every date by default).
    sections
        Extra sections appended to the workbook and the PDF (e.g. the mutualisation levers,
        :class:`symbiosis.reports.levers.LeverSection`, built for the same ``anonymised`` mode); a
        file with extra sections is not kept.

    Raises
    ------
    ValueError
        An unknown format.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown report format {fmt!r}; expected one of {FORMATS}")
    territory = territory or Territory()
    key = _key(fmt, lang, anonymised, territory, period)
    kept = source._memo.get(key)
    if kept is not None and not sections:
        return kept
    start = time.perf_counter()
    data = source.data(territory=territory, period=period, anonymised=bool(anonymised))
    if sections:
        data = dataclasses.replace(data, sections=(*data.sections, *sections))
    content = render_report(data, fmt, lang)
    name = file_name(territory, period, fmt, anonymised=bool(anonymised), lang=lang)
    out = ExportFile(name, MEDIA_TYPES[fmt], content, time.perf_counter() - start, unlisted_reason(data))
    logger.info(
        "export %s %s (%s, anonymised=%s): %d bytes in %.2f s",
        fmt,
        territory.spec,
        lang,
        anonymised,
        len(content),
        out.seconds,
    )
    if not sections:
        source._memo[key] = out
    return out
