"""symbiosis: industrial-symbiosis matchmaking, one firm's residue becoming another's input.

The one entry point is :func:`symbiosis.run`::

    from symbiosis import MatchConfig, run
    result = run(registry, MatchConfig())   # registry: symbiosis.Registry (e.g. Repository.load_registry)
    result.kpis, result.exchanges, result.unmatched_supplies, result.graph

Every name is imported on first use (pandas, OR-Tools, networkx included), so the command line
starts quickly: ``symbiosis --help`` loads none of them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from symbiosis.registry import Registry
    from symbiosis.schemas import CANDIDATES, EXCHANGES, FIRMS, STREAMS

__all__ = [
    "CANDIDATES",
    "EXCHANGES",
    "FIRMS",
    "STREAMS",
    "Kpis",
    "MatchConfig",
    "MatchResult",
    "Registry",
    "__version__",
    "run",
]

__version__ = "0.1.0"

_LAZY = {
    "CANDIDATES": "symbiosis.schemas",
    "EXCHANGES": "symbiosis.schemas",
    "FIRMS": "symbiosis.schemas",
    "STREAMS": "symbiosis.schemas",
    "Registry": "symbiosis.registry",
    "run": "symbiosis.pipeline",
    "MatchConfig": "symbiosis.engine.config",
    "MatchResult": "symbiosis.results",
    "Kpis": "symbiosis.results",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'symbiosis' has no attribute {name!r}")
