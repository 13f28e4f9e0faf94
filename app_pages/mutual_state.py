"""Session state of the mutualisation pages: the tables in use and the plan computed from them.

The tables are the registry's (:func:`symbiosis.services.mutual_inputs.load_mutual_inputs`: what
advisors imported and firms entered; the bundled sample's for a table nothing is stored in, on a
sample registry), read on each run. The plan (:func:`symbiosis.mutual.run_mutual`, the function
``pipeline.run(..., mutual=…)`` calls) lives in ``st.session_state``, one entry per lever, keyed by
the registry's and the tables' content: never in a global cache, never shared between users. A
lever's page plans only its own lever (group purchasing and the tours each take about a second on
the sample region); the data page plans the four on demand and reuses what the lever pages planned.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from app_pages import results_state, state
from symbiosis.db import Actor, NotFound
from symbiosis.i18n import t, tn
from symbiosis.mutual import MutualConfig, MutualData, MutualResult, Reference, run_mutual
from symbiosis.mutual.reference import load_treatment_units
from symbiosis.mutual.result import LEVERS
from symbiosis.registry import Registry
from symbiosis.services.mutual_consent import offer_item
from symbiosis.services.mutual_inputs import StoredMutual, load_mutual_inputs
from symbiosis.views.mutual import LEVER_TABLES, combine_levers, data_key
from symbiosis.views.scenario import registry_key

__all__ = [
    "UNIT_SPECS",
    "advisor_context",
    "names",
    "offer_button",
    "plan",
    "planned",
    "receiver_names",
    "source_caption",
    "tables",
    "unit_specs",
]

#: Session key of the treatment-unit table the advisor edited (a frame; the bundled one when absent).
UNIT_SPECS = "mutual.unit_specs"
_PLANS = "mutual.plans"


def tables(actor: Actor) -> StoredMutual:
    """The registry's tables as ``actor`` may read them, and where each comes from."""
    return load_mutual_inputs(state.repository(), actor)


def source_caption(stored: StoredMutual, lang: str) -> str:
    """Where the tables come from, in words: the registry, the sample region, or both (which tables)."""
    from_sample = [n for n, s in stored.sources.items() if s == "sample"]
    if stored.source == "stored" and from_sample:
        names = ", ".join(t(f"mutual.table.{n}", lang) for n in from_sample)
        return t("mutual.page.source_mixed", lang, tables=names)
    return t(f"mutual.page.source_{'sample' if stored.source == 'sample' else 'stored'}", lang)


def _lever_keys(registry: Registry, data: MutualData, levers: tuple[str, ...]) -> dict[str, tuple]:
    """Session key of each lever's plan: the lever, the registry's content and the content of the tables
    the lever plans from (editing the unit table replans the shared units only).

    The language is not in it: the views word every table in the reader's language from the plan's codes.
    """
    firms = registry_key(registry)
    return {lever: (lever, firms, data_key(data, LEVER_TABLES[lever])) for lever in levers}


def planned(registry: Registry, data: MutualData, levers: tuple[str, ...] = LEVERS) -> bool:
    """Whether every lever of ``levers`` is already planned in this session on these tables."""
    data = dataclasses.replace(data, unit_specs=unit_specs(data))
    plans = st.session_state.get(_PLANS, {})
    return all(key in plans for key in _lever_keys(registry, data, levers).values())


def plan(registry: Registry, data: MutualData, levers: tuple[str, ...] = LEVERS) -> MutualResult:
    """The plan of ``levers`` on these tables; each lever is planned once per session, and only when asked.

    One plan per lever is kept: a lever planned anew (its tables or the registry changed) replaces its
    previous plan.
    """
    plans = st.session_state.setdefault(_PLANS, {})
    data = dataclasses.replace(data, unit_specs=unit_specs(data))
    keys = _lever_keys(registry, data, levers)
    missing = tuple(lever for lever, key in keys.items() if key not in plans)
    if missing:
        with st.spinner(t("mutual.page.planning", state.current_lang())):
            for stale in [key for key in plans if key[0] in missing]:
                del plans[stale]
            reference = Reference(parks=results_state.parks())
            config = MutualConfig(levers=missing)
            result = run_mutual(registry.firms, data, config, reference=reference, lang=state.current_lang())
            for lever in missing:
                plans[keys[lever]] = result
    return combine_levers({lever: plans[key] for lever, key in keys.items()}, levers)


def unit_specs(data: MutualData | None = None) -> pd.DataFrame:
    """The treatment-unit table in use: edited in this session, else the tables', else the bundled example."""
    edited = st.session_state.get(UNIT_SPECS)
    if edited is not None:
        return edited
    return data.unit_specs if data is not None and data.unit_specs is not None else load_treatment_units()


def advisor_context(actor: Actor, levers: tuple[str, ...]) -> tuple[Registry, MutualData, MutualResult]:
    """The advisor's registry, the tables in use and the plan of ``levers`` (the page shows those only;
    it stops when there is nothing)."""
    registry = results_state.load_registry(actor)
    stored = tables(actor)
    if stored.data.empty:
        st.info(t("mutual.page.no_data", state.current_lang()))
        st.stop()
    lang = state.current_lang()
    st.caption(source_caption(stored, lang) + " " + t("advisor.estimated", lang))
    return registry, stored.data, plan(registry, stored.data, levers)


def names(registry: Registry) -> dict[str, str]:
    """Firm id -> name (an advisor's view)."""
    return dict(zip(registry.firms["firm_id"], registry.firms["name"], strict=True))


def receiver_names(data: MutualData) -> dict[str, str]:
    """Receiver id -> name."""
    return dict(zip(data.receivers["receiver_id"], data.receivers["name"], strict=True))


def offer_button(actor: Actor, item_id: str, *, key: str) -> None:
    """A button that offers a recorded group, unit or collection to its members (their pages show it)."""
    lang = state.current_lang()
    if st.button(t("mutual.offer.button", lang), key=key, help=t("mutual.offer.help", lang)):
        try:
            n = offer_item(state.repository(), actor, item_id)
        except NotFound:
            st.warning(t("mutual.offer.not_recorded", lang))
            return
        done = tn("mutual.offer.done", n, lang) if n else t("mutual.offer.already", lang)
        state.flash(done, where=key)
        st.rerun()
    state.show_flash(where=key)  # by the button: under the group or in the unit's box, not above the title
