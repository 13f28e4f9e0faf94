"""Session state of the mutualisation pages: the tables in use and the plan computed from them.

The tables are the ones an advisor uploaded in this session, else the sample region's files when
the registry holds the sample firms. The plan (:func:`symbiosis.mutual.run_mutual`, the function
``pipeline.run(..., mutual=…)`` calls) lives in ``st.session_state``, keyed by the registry's and the
tables' content: never in a global cache, never shared between users.
"""

from __future__ import annotations

import dataclasses

import pandas as pd
import streamlit as st

from app_pages import results_state, state
from symbiosis.db import Actor, NotFound
from symbiosis.i18n import t
from symbiosis.mutual import MutualData, MutualResult, Reference, run_mutual
from symbiosis.mutual.files import read_mutual_dir
from symbiosis.mutual.reference import load_treatment_units
from symbiosis.registry import Registry
from symbiosis.services.importing import SAMPLE_DIR
from symbiosis.services.mutual_consent import offer_item
from symbiosis.views.mutual import data_key
from symbiosis.views.scenario import registry_key

__all__ = [
    "UNIT_SPECS",
    "UPLOADED",
    "advisor_context",
    "names",
    "offer_button",
    "plan",
    "receiver_names",
    "tables",
    "unit_specs",
]

#: Session key of the tables an advisor uploaded (a :class:`MutualData`).
UPLOADED = "mutual.uploaded"
#: Session key of the treatment-unit table the advisor edited (a frame; the bundled one when absent).
UNIT_SPECS = "mutual.unit_specs"
_PLANS = "mutual.plans"


def tables(registry: Registry) -> tuple[MutualData, str]:
    """The tables in use and where they come from (``uploaded`` or ``sample``)."""
    uploaded = st.session_state.get(UPLOADED)
    if uploaded is not None:
        return uploaded, "uploaded"
    key = ("mutual.sample", registry_key(registry))
    if key not in st.session_state:
        data, _ = read_mutual_dir(SAMPLE_DIR, known_firm_ids=set(registry.firms["firm_id"]))
        st.session_state[key] = data
    return st.session_state[key], "sample"


def plan(registry: Registry, data: MutualData) -> MutualResult:
    """The levers planned on these tables, computed once per session for the same registry and tables."""
    plans = st.session_state.setdefault(_PLANS, {})
    data = dataclasses.replace(data, unit_specs=unit_specs(data))
    key = (registry_key(registry), data_key(data))
    if key not in plans:
        with st.spinner(t("mutual.page.planning", state.current_lang())):
            plans.clear()  # one plan per session is enough: tables change rarely
            reference = Reference(parks=results_state.parks())
            plans[key] = run_mutual(registry.firms, data, reference=reference, lang=state.current_lang())
    return plans[key]


def unit_specs(data: MutualData | None = None) -> pd.DataFrame:
    """The treatment-unit table in use: edited in this session, else the tables', else the bundled example."""
    edited = st.session_state.get(UNIT_SPECS)
    if edited is not None:
        return edited
    return data.unit_specs if data is not None and data.unit_specs is not None else load_treatment_units()


def advisor_context(actor: Actor) -> tuple[Registry, MutualData, MutualResult]:
    """The advisor's registry, the tables in use and their plan (the page stops when there is nothing)."""
    registry = results_state.load_registry(actor)
    data, source = tables(registry)
    if data.empty:
        st.info(t("mutual.page.no_data", state.current_lang()))
        st.stop()
    st.caption(
        t(f"mutual.page.source_{source}", state.current_lang())
        + " "
        + t("advisor.estimated", state.current_lang())
    )
    return registry, data, plan(registry, data)


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
        state.flash(t("mutual.offer.done", lang, n=n) if n else t("mutual.offer.already", lang))
        st.rerun()
