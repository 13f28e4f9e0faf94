"""The synergy pipeline: from the engine's proposals to verified exchanges, with consent and impact.

Pure modules (no database): :mod:`~symbiosis.synergy.status` (states, transitions, reasons),
:mod:`~symbiosis.synergy.anonymise` (counterpart bands, k-suppression),
:mod:`~symbiosis.synergy.funnel` (counts and conversion rates) and :mod:`~symbiosis.synergy.ledger`
(impact figures with their method, factors and parameters). Database access goes through
:class:`~symbiosis.synergy.store.SynergyRepository`, imported lazily so that the ORM models can
import :mod:`~symbiosis.synergy.status` without a cycle.
"""

from __future__ import annotations

from typing import Any

from symbiosis.synergy.status import DECISIONS, PIPELINE, REASONS, STATUSES, TransitionError

__all__ = [
    "DECISIONS",
    "PIPELINE",
    "REASONS",
    "STATUSES",
    "SynergyRepository",
    "TransitionError",
    "funnel",
    "ledger_lines",
]


def __getattr__(name: str) -> Any:
    if name == "SynergyRepository":
        from symbiosis.synergy.store import SynergyRepository

        return SynergyRepository
    if name == "funnel":
        from symbiosis.synergy.funnel import funnel

        return funnel
    if name == "ledger_lines":
        from symbiosis.synergy.ledger import ledger_lines

        return ledger_lines
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
