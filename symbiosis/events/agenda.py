"""Agendas of an event: one per firm (slot, table, counterpart, why) and the master schedule (slot × table).

Frames are built by pure functions; :func:`agenda_xlsx_bytes` and :func:`agenda_pdf_bytes` write
them (formula-safe XLSX, PDF with the bundled DejaVu fonts). Tables and slots are numbered from 1
on paper, from 0 in :class:`~symbiosis.events.instance.Schedule`. Only firms with at least one
meeting get an agenda; the others are listed once (no empty agenda pages). The summary speaks
plain language: how good the schedule is ("best possible schedule", "worth at least 97 % of the best
possible one"), never the solver's vocabulary.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from symbiosis.events.greedy import greedy_schedule
from symbiosis.events.instance import Instance, PlannerConfig, Schedule, instance_from_proposals
from symbiosis.events.model import solve
from symbiosis.i18n import t
from symbiosis.labels import solver_method_label, solver_status_label
from symbiosis.numbers import format_number
from symbiosis.reports.pdf import ReportPDF, draw_table
from symbiosis.reports.xlsx import frames_to_xlsx

__all__ = [
    "Timing",
    "agenda_pdf_bytes",
    "agenda_xlsx_bytes",
    "event_instance",
    "firm_agendas",
    "firms_without_meeting",
    "master_schedule",
    "plan_event",
    "quality_text",
    "summary_rows",
    "summary_table",
]


@dataclass(frozen=True)
class Timing:
    """Clock of the event: first slot start (``HH:MM``), minutes per slot, event title and date."""

    start: str = "09:00"
    slot_minutes: int = 20
    title: str = ""
    date: dt.date | None = None

    def label(self, slot: int) -> str:
        """``HH:MM–HH:MM`` of ``slot`` (from 0)."""
        base = dt.datetime.combine(dt.date(2000, 1, 1), dt.time.fromisoformat(self.start))
        begin = base + dt.timedelta(minutes=slot * self.slot_minutes)
        end = begin + dt.timedelta(minutes=self.slot_minutes)
        return f"{begin:%H:%M}–{end:%H:%M}"


def firm_agendas(
    instance: Instance, schedule: Schedule, lang: str = "fr", timing: Timing = Timing()
) -> pd.DataFrame:
    """One row per attending firm and slot: ``firm_id, firm, slot, time, table, counterpart, why``.

    A slot without a meeting has an empty table and the "free" label as counterpart.
    """
    at: dict[tuple[str, int], tuple[int, str, str]] = {}
    for m in schedule.meetings:
        pair = instance.pairs[m.pair]
        at[(pair.a, m.slot)] = (m.table + 1, pair.b, pair.why)
        at[(pair.b, m.slot)] = (m.table + 1, pair.a, pair.why)
    rows = []
    for firm in instance.firms:
        for s in range(instance.slots):
            table, other, why = at.get((firm, s), (None, None, ""))
            counterpart = instance.name(other) if other else t("events.free", lang)
            rows.append(
                {
                    "firm_id": firm,
                    "firm": instance.name(firm),
                    "slot": s + 1,
                    "time": timing.label(s),
                    "table": table,
                    "counterpart": counterpart,
                    "why": why,
                }
            )
    frame = pd.DataFrame(rows)
    frame["table"] = frame["table"].astype("Int64")
    return frame


def master_schedule(
    instance: Instance, schedule: Schedule, lang: str = "fr", timing: Timing = Timing()
) -> pd.DataFrame:
    """Slot × table grid: each cell ``Firm A ↔ Firm B``, or « — libre — » / "— free —" for a free table.

    A blank cell read as a gap in the grid (a missing name, a failed plan), not as a table to spare.
    """
    tables = [t("events.table_n", lang, n=i + 1) for i in range(instance.tables)]
    grid = pd.DataFrame(t("events.free", lang), index=range(instance.slots), columns=tables, dtype=object)
    for m in schedule.meetings:
        pair = instance.pairs[m.pair]
        grid.iat[m.slot, m.table] = f"{instance.name(pair.a)} ↔ {instance.name(pair.b)}"
    grid.insert(0, t("events.col.time", lang), [timing.label(s) for s in range(instance.slots)])
    grid.insert(0, t("events.col.slot", lang), list(range(1, instance.slots + 1)))
    return grid


def firms_without_meeting(instance: Instance, schedule: Schedule) -> list[str]:
    """Names of the attending firms the schedule gives no meeting (sorted)."""
    met = {f for m in schedule.meetings for f in (instance.pairs[m.pair].a, instance.pairs[m.pair].b)}
    return sorted((instance.name(f) for f in instance.firms if f not in met), key=str.casefold)


#: Below this share of the solver's bound, the figure measures how far the search got, not the schedule.
_MEANINGFUL_SHARE = 0.8


def quality_text(schedule: Schedule, lang: str = "fr") -> str:
    """How good the schedule is, in plain words (no solver status, method or bound).

    The solver proves a *bound*: no schedule is worth more. The schedule's value over that bound is
    the share of the best possible schedule it is at least worth (« il vaut au moins 98 % du
    meilleur horaire possible »). A small share (« au plus 96 % sous le meilleur », as it read) said
    mostly that the search stopped before tightening its bound, not that the schedule was poor: it
    is said as such, with what would tell (more seconds).
    """
    gap = schedule.gap
    if schedule.status == "optimal" or (gap == gap and gap <= 1e-9):
        text = t("events.quality.best", lang)
    elif gap == gap and 1 - gap >= _MEANINGFUL_SHARE:
        text = t("events.quality.close", lang, pct=min(99, math.floor(100 * (1 - gap))))
    elif gap == gap:
        text = t("events.quality.unproven", lang)
    else:
        text = solver_status_label(schedule.status, lang)
    if schedule.method != "cp-sat":
        text += " — " + solver_method_label(schedule.method, lang)
    return text


def summary_rows(instance: Instance, schedule: Schedule, greedy: Schedule | None, lang: str) -> pd.DataFrame:
    """Key figures of the plan, in plain language: attendance, possible and planned meetings, value, quality.

    ``greedy`` is kept for the callers' signature; its figure is not shown (the quality sentence
    says how far the plan may be from the best possible one).
    """
    met = len(instance.firms) - len(firms_without_meeting(instance, schedule))
    rows = [
        ("events.stat.firms", len(instance.firms)),
        ("events.stat.pairs", len(instance.pairs)),
        ("events.stat.meetings", len(schedule.meetings)),
        ("events.stat.firms_met", met),
        ("events.stat.objective", schedule.objective),
        ("events.stat.quality", quality_text(schedule, lang)),
    ]
    return pd.DataFrame(
        {
            t("reports.col.field", lang): [t(k, lang) for k, _ in rows],
            t("reports.col.value", lang): [v for _, v in rows],
        }
    )


def _localised_agendas(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    cols = {c: t(f"events.col.{c}", lang) for c in ("firm", "slot", "time", "table", "counterpart", "why")}
    return frame.drop(columns=["firm_id"]).rename(columns=cols)


def agenda_xlsx_bytes(
    instance: Instance,
    schedule: Schedule,
    lang: str = "fr",
    timing: Timing = Timing(),
    greedy: Schedule | None = None,
) -> bytes:
    """Workbook: summary, master schedule, every firm's agenda (one long sheet)."""
    frames = {
        t("events.summary", lang): summary_rows(instance, schedule, greedy, lang),
        t("events.master", lang): master_schedule(instance, schedule, lang, timing),
        t("events.agendas", lang): _localised_agendas(
            _with_meetings(firm_agendas(instance, schedule, lang, timing)), lang
        ),
    }
    others = firms_without_meeting(instance, schedule)
    if others:
        sheet = t("events.without_meeting_sheet", lang)[:31]
        frames[sheet] = pd.DataFrame({t("events.col.firm", lang): others})
    return frames_to_xlsx(frames)


def _with_meetings(agendas: pd.DataFrame) -> pd.DataFrame:
    busy = agendas.groupby("firm_id")["table"].transform(lambda s: s.notna().any())
    return agendas[busy.astype(bool)]


def agenda_pdf_bytes(
    instance: Instance,
    schedule: Schedule,
    lang: str = "fr",
    timing: Timing = Timing(),
    greedy: Schedule | None = None,
) -> bytes:
    """PDF: the master schedule (landscape, 6 tables per block), then one page per firm."""
    title = timing.title or t("events.title", lang)
    if timing.date:
        title = f"{title} — {timing.date.isoformat()}"
    pdf = ReportPDF(title, lang, orientation="L")
    pdf.add_page()
    pdf.heading(title, size=16)
    draw_table(pdf, summary_rows(instance, schedule, greedy, lang), widths=(120, 60), font_size=9)
    grid = master_schedule(instance, schedule, lang, timing)
    head, tables = list(grid.columns[:2]), list(grid.columns[2:])
    for i in range(0, len(tables), 6):
        pdf.add_page()
        pdf.heading(t("events.master", lang), size=13)
        block = grid[head + tables[i : i + 6]]
        draw_table(pdf, block, widths=(12, 26, *([40] * (len(block.columns) - 2))), font_size=7)
    others = firms_without_meeting(instance, schedule)
    if others:
        pdf.add_page()
        pdf.heading(t("events.without_meeting", lang, n=len(others)), size=13)
        pdf.paragraph(t("events.without_meeting_help", lang), size=9)
        pdf.paragraph(" · ".join(others), size=8)
    agendas = _with_meetings(firm_agendas(instance, schedule, lang, timing))
    for firm_id, part in agendas.groupby("firm_id", sort=True):
        pdf.add_page()
        pdf.heading(t("events.agenda_of", lang, firm=instance.name(str(firm_id))), size=13)
        shown = _localised_agendas(part, lang).drop(columns=[t("events.col.firm", lang)])
        shown = shown.astype(object).where(shown.notna(), "")
        draw_table(pdf, shown, widths=(14, 30, 16, 70, 137), font_size=8)
    return bytes(pdf.output())


def plan_event(
    exchanges: pd.DataFrame,
    firms: pd.DataFrame,
    attendees: list[str] | None,
    *,
    tables: int,
    slots: int,
    config: PlannerConfig | None = None,
    lang: str = "fr",
    must_meet: Iterable[tuple[str, str]] = (),
    unavailable: Iterable[tuple[str, int]] = (),
) -> tuple[Instance, Schedule, Schedule]:
    """Build the event from a matching run's proposals, plan it; return instance, schedule, greedy.

    ``attendees`` None means every firm with at least one proposal; ``must_meet`` firm pairs the
    advisor requires; ``unavailable`` ``(firm_id, slot)`` couples (slots from 0) when a firm is away.
    """
    instance = event_instance(
        exchanges,
        firms,
        attendees,
        tables=tables,
        slots=slots,
        lang=lang,
        must_meet=must_meet,
        unavailable=unavailable,
    )
    greedy = greedy_schedule(instance)
    return instance, solve(instance, config), greedy


def event_instance(
    exchanges: pd.DataFrame,
    firms: pd.DataFrame,
    attendees: list[str] | None,
    *,
    tables: int,
    slots: int,
    lang: str = "fr",
    must_meet: Iterable[tuple[str, str]] = (),
    unavailable: Iterable[tuple[str, int]] = (),
) -> Instance:
    """The event :func:`plan_event` plans, its reasons in ``lang`` (``None``: every firm with a proposal).

    The same inputs give the same pairs in the same order in either language: a schedule made on one
    is read on the other (a plan is shown again in English without solving again).
    """
    if attendees is None:
        attendees = sorted(set(exchanges["supply_firm_id"]) | set(exchanges["demand_firm_id"]))
    names = dict(zip(firms["firm_id"].astype(str), firms["name"].astype(str), strict=True))
    return instance_from_proposals(
        exchanges,
        attendees,
        tables=tables,
        slots=slots,
        names=names,
        lang=lang,
        must_meet=must_meet,
        unavailable=unavailable,
    )


def summary_table(instance: Instance, schedule: Schedule, greedy: Schedule | None, lang: str) -> pd.DataFrame:
    """:func:`summary_rows` for a page: every value as text, numbers written as ``lang`` writes them."""
    frame = summary_rows(instance, schedule, greedy, lang)
    locale = "en_CA" if lang == "en" else "fr_CA"
    value = frame.columns[1]
    frame[value] = [
        format_number(v, locale=locale, decimals=0) if isinstance(v, int | float) else str(v)
        for v in frame[value]
    ]
    return frame
