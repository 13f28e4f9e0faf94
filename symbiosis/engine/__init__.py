"""The matching engine: candidate links, their scores, and the allocation of supplies to demands.

Stages, each pure and vectorised: :mod:`~symbiosis.engine.candidates` (rule-blocked, spatially
indexed pairs), :mod:`~symbiosis.engine.scoring` (value and CO2e per candidate, with the factors of
:mod:`~symbiosis.engine.factors`), :mod:`~symbiosis.engine.problem_builder` and
:mod:`~symbiosis.engine.allocation` (min-cost flow, side constraints, solver-free checker),
:mod:`~symbiosis.engine.explain` and :mod:`~symbiosis.engine.network`. The scenario is one frozen
:class:`~symbiosis.engine.config.MatchConfig`. :func:`symbiosis.run` chains them.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symbiosis.engine.candidates import generate_candidates, unmatched_reasons
    from symbiosis.engine.config import MatchConfig, ObjectiveWeights, SideConstraints, TransportConfig
    from symbiosis.engine.explain import explain, explain_text
    from symbiosis.engine.factors import FactorError, load_factors
    from symbiosis.engine.problem_builder import build_allocation_problem
    from symbiosis.engine.scoring import score_candidates

__all__ = [
    "FactorError",
    "MatchConfig",
    "ObjectiveWeights",
    "SideConstraints",
    "TransportConfig",
    "build_allocation_problem",
    "explain",
    "explain_text",
    "generate_candidates",
    "load_factors",
    "score_candidates",
    "unmatched_reasons",
]

#: Module of each public name, imported on first use (``symbiosis.engine.config`` alone stays light).
_LAZY = {
    "FactorError": "factors",
    "load_factors": "factors",
    "MatchConfig": "config",
    "ObjectiveWeights": "config",
    "SideConstraints": "config",
    "TransportConfig": "config",
    "build_allocation_problem": "problem_builder",
    "explain": "explain",
    "explain_text": "explain",
    "generate_candidates": "candidates",
    "unmatched_reasons": "candidates",
    "score_candidates": "scoring",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"symbiosis.engine.{_LAZY[name]}"), name)
    raise AttributeError(f"module 'symbiosis.engine' has no attribute {name!r}")
