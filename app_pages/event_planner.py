"""Event planner page: attending firms, tables and slots in; master schedule and agendas (PDF, XLSX) out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import results_state, state, tables
from symbiosis.events import PlannerConfig
from symbiosis.events.agenda import (
    Timing,
    agenda_pdf_bytes,
    agenda_xlsx_bytes,
    event_instance,
    firms_without_meeting,
    master_schedule,
    plan_event,
    summary_table,
)
from symbiosis.events.clock import read_start
from symbiosis.events.inputs import attending_firms, check_clock, firm_labels, read_requests
from symbiosis.i18n import t, tn
from symbiosis.labels import solver_status_label
from symbiosis.views.markdown import markdown_plain
from symbiosis.views.typed import read_setting

actor = state.require_role("advisor")
lang = state.current_lang()
st.title(t("events.page.title", lang))
st.caption(t("events.page.intro", lang))

registry = state.load_registry_or_stop(actor, empty_key="events.page.empty")

names = dict(zip(registry.firms["firm_id"], registry.firms["name"], strict=True))
#: The requests' columns and their headers' catalogue keys.
_HEADERS = {"a": "must_meet.a", "b": "must_meet.b", "firm": "absences.firm", "slot": "absences.slot"}
#: Each count's box and the whole numbers it takes (« 12,5 » tables is refused, never 125).
_COUNTS = {"tables": (1, 200), "slots": (1, 40), "minutes": (5, 120), "time_limit": (1, 300)}
with st.form("event"):
    attendees = st.multiselect(
        t("events.page.attendees", lang),
        sorted(names, key=names.get),
        format_func=lambda f: names.get(f, f),
        placeholder=t("events.page.attendees_placeholder", lang),
        key="events.attendees",  # keyed: the choice survives the language switch
    )
    c1, c2, c3, c4, c5 = st.columns(5)
    # Text, read as the advisor writes numbers: the browser's number box read « 1,5 » h as 15.
    typed = {
        "tables": c1.text_input(t("events.page.tables", lang), value="15", key="events.tables"),
        "slots": c2.text_input(t("events.page.slots", lang), value="8", key="events.slots"),
        "minutes": c4.text_input(t("events.page.minutes", lang), value="20", key="events.minutes"),
        "time_limit": c5.text_input(t("events.page.time_limit", lang), value="10", key="events.limit"),
    }
    start = c3.text_input(t("events.page.start", lang), value="09:00", key="events.start")
    labels = firm_labels(registry.firms)
    choices = sorted(labels.values(), key=str.casefold)
    headers = {c: t(f"events.page.{k}", lang) for c, k in _HEADERS.items()}
    with st.expander(t("events.page.requests", lang)):
        st.caption(t("events.page.must_meet", lang))
        must_rows = st.data_editor(
            pd.DataFrame({"a": pd.Series(dtype=object), "b": pd.Series(dtype=object)}),
            num_rows="dynamic",
            hide_index=True,
            key="event_requests.must_meet",  # not « events. »: those are written back, an editor's may not be
            column_config={c: st.column_config.SelectboxColumn(headers[c], options=choices) for c in "ab"},
        )
        st.caption(t("events.page.absences", lang))
        absent_rows = st.data_editor(
            pd.DataFrame({"firm": pd.Series(dtype=object), "slot": pd.Series(dtype=object)}),
            num_rows="dynamic",
            hide_index=True,
            key="event_requests.absences",
            column_config={
                "firm": st.column_config.SelectboxColumn(headers["firm"], options=choices),
                # a slot (3), slots (2-4) or hours (9 h 00 – 11 h 30): read by symbiosis.events.absences
                "slot": st.column_config.TextColumn(headers["slot"], default="", max_chars=40),
            },
        )
    submitted = st.form_submit_button(t("events.page.plan", lang), type="primary")


def shown_plan(instance, schedule, greedy, timing) -> dict:
    """What the page shows and offers of a plan, in the interface language."""
    return {
        "lang": lang,
        "summary": summary_table(instance, schedule, greedy, lang),
        "master": master_schedule(instance, schedule, lang, timing),
        "without": firms_without_meeting(instance, schedule),
        "pdf": agenda_pdf_bytes(instance, schedule, lang, timing, greedy),
        "xlsx": agenda_xlsx_bytes(instance, schedule, lang, timing, greedy),
    }


if submitted:
    counts = {
        name: read_setting(
            typed[name], lang, label=t(f"events.page.{name}", lang), low=low, high=high, whole=True
        )
        for name, (low, high) in _COUNTS.items()
    }
    if bad := [why for _, why in counts.values() if why]:
        lines = "\n".join(f"- {markdown_plain(why)}" for why in bad)
        st.error(f"{t('events.page.requests_refused', lang)}\n\n{lines}")
        st.stop()
    n_tables, slots, minutes, limit = (int(counts[name][0] or 0) for name in _COUNTS)
    try:  # « 9 h 30 », « 9h30 », « 09:30 »: as people write it
        timing = Timing(start=read_start(start), slot_minutes=int(minutes))
    except ValueError:
        st.error(t("events.page.bad_time", lang, start=markdown_plain(start.strip(), max_chars=40)))
        st.stop()
    with st.spinner(t("events.progress.matching", lang)):
        result = results_state.run_cached(registry, results_state.baseline_config())
    requests = read_requests(
        must_rows.to_dict("records"),
        absent_rows.to_dict("records"),
        labels=labels,
        attending=attending_firms(result.exchanges, attendees or None),
        slots=int(slots),
        start=timing.start,
        slot_minutes=int(minutes),
        headers=headers,
        everyone=not attendees,
    )
    clock = check_clock(timing.start, int(minutes), int(slots))  # 23:00 + 8 × 20 min ends tomorrow
    problems = ([clock] if clock else []) + list(requests.findings)
    if problems:
        lines = "\n".join(f"- {markdown_plain(p.message(lang))}" for p in problems)
        st.error(f"{t('events.page.requests_refused', lang)}\n\n{lines}")
        st.stop()
    wanted = (
        tuple(attendees),
        int(n_tables),
        int(slots),
        start,
        int(minutes),
        int(limit),
        requests.must_meet,
        requests.unavailable,
    )
    kept = st.session_state.get("events.plan")
    if kept is None or kept.get("wanted") != wanted:  # the same plan is not computed twice
        st.session_state.pop("events.plan", None)
        with st.status(t("events.progress.running", lang), expanded=True) as progress:
            st.write(t("events.progress.planning", lang, seconds=int(limit)))
            instance, schedule, greedy = plan_event(
                result.exchanges,
                registry.firms,
                attendees or None,
                tables=int(n_tables),
                slots=int(slots),
                config=PlannerConfig(time_limit_s=float(limit)),
                lang=lang,
                must_meet=requests.must_meet,
                unavailable=requests.unavailable,
            )
            if not instance.pairs:
                progress.update(label=t("events.page.no_pairs", lang), state="complete")
                st.info(tn("events.page.no_pairs_fix", len(attendees), lang))
                st.stop()
            if schedule.status not in ("optimal", "feasible"):
                progress.update(label=t("events.progress.failed", lang), state="error")
                st.error(t("events.page.infeasible", lang, status=solver_status_label(schedule.status, lang)))
                st.stop()
            st.write(t("events.progress.files", lang))
            st.session_state["events.plan"] = {
                "wanted": wanted,
                "schedule": schedule,
                "greedy": greedy,
                "timing": timing,
                **shown_plan(instance, schedule, greedy, timing),
            }
            progress.update(label=t("events.progress.done", lang), state="complete", expanded=False)
        state.repository().log_event(
            actor, "export", details={"page": "event_planner", "meetings": len(schedule.meetings)}
        )

plan = st.session_state.get("events.plan")
if plan and plan["lang"] != lang:  # the sidebar switched language: the same schedule, read in this one
    attending, n_tables_kept, slots_kept = plan["wanted"][:3]
    must_meet, unavailable = plan["wanted"][6:8]
    instance = event_instance(
        results_state.run_cached(registry, results_state.baseline_config()).exchanges,
        registry.firms,
        list(attending) or None,
        tables=n_tables_kept,
        slots=slots_kept,
        lang=lang,
        must_meet=must_meet,
        unavailable=unavailable,
    )
    plan.update(shown_plan(instance, plan["schedule"], plan["greedy"], plan["timing"]))
if plan:
    tables.show_table(plan["summary"])
    tables.show_table(plan["master"])
    if plan["without"]:
        with st.expander(tn("events.page.without", len(plan["without"]), lang)):
            st.text(" · ".join(plan["without"]))  # firm names: plain text, never markdown
    d1, d2 = st.columns(2)
    d1.download_button(
        t("events.page.download_pdf", lang), plan["pdf"], file_name="agendas.pdf", mime="application/pdf"
    )
    d2.download_button(
        t("events.page.download_xlsx", lang),
        plan["xlsx"],
        file_name="agendas.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
