"""The synergy pipeline's pure parts: from the engine's proposals to verified exchanges, with impact.

:mod:`~symbiosis.synergy.status` (states, transitions, reasons),
:mod:`~symbiosis.synergy.anonymise` (counterpart bands, k-suppression),
:mod:`~symbiosis.synergy.funnel` (counts and conversion rates),
:mod:`~symbiosis.synergy.records` (exchanges → synergy rows), :mod:`~symbiosis.synergy.ledger`
(impact figures with their method, factors and parameters) and :mod:`~symbiosis.synergy.period`
(which synergies a period holds, for the pipeline and the reports). None of them reads the database: the
synergy store is :class:`symbiosis.services.synergy_store.SynergyRepository`.
"""

from __future__ import annotations

from symbiosis.synergy.status import DECISIONS, PIPELINE, REASONS, STATUSES, TransitionError

__all__ = ["DECISIONS", "PIPELINE", "REASONS", "STATUSES", "TransitionError"]
