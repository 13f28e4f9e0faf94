"""Matching runs of this session: the signed-in actor's registry and cached ``run`` results.

Results live in ``st.session_state`` (never a global cache: one user's registry and scenarios are
never served to another), keyed by a hash of the registry's content and of the config, so a
scenario run once is not run again and a changed registry is matched anew.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import state
from symbiosis.db import Actor
from symbiosis.engine.config import MatchConfig
from symbiosis.i18n import t
from symbiosis.pipeline import make_resolver, offered_rows, run
from symbiosis.places.parks import load_parks
from symbiosis.registry import Registry
from symbiosis.results import MatchResult
from symbiosis.views.scenario import config_key, registry_key

__all__ = [
    "baseline",
    "baseline_config",
    "hub_firms",
    "load_registry",
    "parks",
    "reoptimised_losses",
    "rules",
    "run_cached",
]

_RUNS = "_results_runs"
_LOSSES = "_results_losses"
_HUBS = "_results_hubs"
#: Runs kept per session (baseline plus a few scenarios).
MAX_RUNS = 4


@st.cache_resource(show_spinner=False)
def rules() -> pd.DataFrame:
    """Return the knowledge base's compatibility rules (shared, read-only)."""
    from symbiosis.kb import load_rules

    return load_rules()


@st.cache_resource(show_spinner=False)
def parks() -> pd.DataFrame:
    """Return the industrial parks table (shared, read-only)."""
    return load_parks()


def baseline_config() -> MatchConfig:
    """Return the baseline scenario (the engine's defaults)."""
    return MatchConfig()


def load_registry(actor: Actor, *, need_streams: bool = True) -> Registry:
    """Read the registry as ``actor`` may see it; stop the page with a message when it is empty or broken.

    The message says what the actor's role can do about it (an advisor imports or has the firms
    declare their streams; a program manager asks the advisors).
    """
    who = "advisor" if actor.role == "advisor" else "manager"
    return state.load_registry_or_stop(
        actor,
        empty_key=f"{who}.registry_empty",
        need_streams=need_streams,
        no_streams_key=f"{who}.no_streams",
    )


def _store(name: str) -> OrderedDict:
    if name not in st.session_state:
        st.session_state[name] = OrderedDict()
    return st.session_state[name]


def run_cached(registry: Registry, config: MatchConfig) -> MatchResult:
    """Return ``run(registry, config)``, computed once per session for the same data and config."""
    runs = _store(_RUNS)
    key = (registry_key(registry), config_key(config))
    if key in runs:
        runs.move_to_end(key)
        return runs[key]
    with st.spinner(t("advisor.running", state.current_lang())):
        result = run(registry, config, rules=rules(), categories=state.categories())
    runs[key] = result
    while len(runs) > MAX_RUNS:
        runs.popitem(last=False)
    return result


def baseline(actor: Actor) -> tuple[Registry, MatchResult]:
    """Return the actor's registry and its baseline result (cached for the session)."""
    registry = load_registry(actor)
    return registry, run_cached(registry, baseline_config())


def reoptimised_losses(registry: Registry, result: MatchResult) -> Callable[[str], Any]:
    """Return a ``resolve(firm_id)`` for :func:`symbiosis.engine.network.resilience`, memoised per session."""
    memo = _store(_LOSSES)
    base = (registry_key(registry), config_key(result.config))
    resolver = make_resolver(registry, result.config, scored=offered_rows(result))

    def resolve(firm_id: str) -> Any:
        key = (*base, firm_id)
        if key not in memo:
            memo[key] = resolver(firm_id)
        return memo[key]

    return resolve


def hub_firms(registry: Registry, result: MatchResult, *, top: int = 10) -> pd.DataFrame:
    """Return :func:`symbiosis.engine.network.hubs` of the result, computed once per session (betweenness)."""
    from symbiosis.engine.network import hubs

    memo = _store(_HUBS)
    key = (registry_key(registry), config_key(result.config), top)
    if key not in memo:
        memo[key] = hubs(result.graph, top=top)
    return memo[key]
