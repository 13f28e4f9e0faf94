"""Executors: ``map(function, items)`` in this process or on a Dask cluster, results in item order.

The engine's scale-out functions (:func:`~symbiosis.engine.allocation.parts.solve_parts`,
:func:`symbiosis.sweep.run_sweep`) take any object with this ``map``; they never import Dask.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, Protocol

__all__ = ["DaskExecutor", "Executor", "LocalExecutor", "Progress"]

log = logging.getLogger(__name__)

#: ``progress(done, total)``, called as tasks finish (a CLI bar, a log line).
Progress = Callable[[int, int], None]


class Executor(Protocol):
    """What the engine needs of an executor."""

    def map(self, function: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        """``[function(item) for item in items]``, possibly elsewhere, in the order of ``items``."""
        ...


class LocalExecutor:
    """Runs every task here, one after the other (the reference every cluster run must equal)."""

    def __init__(self, progress: Progress | None = None) -> None:
        self.progress = progress

    def map(self, function: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        """Apply ``function`` to each item in order."""
        items = list(items)
        out = []
        for i, item in enumerate(items):
            out.append(function(item))
            if self.progress is not None:
                self.progress(i + 1, len(items))
        return out


def _apply(function: Callable[[Any], Any], item: Any) -> Any:
    return function(item)


class DaskExecutor:
    """Runs the tasks on a ``distributed.Client``; a task whose worker dies is re-run elsewhere.

    Parameters
    ----------
    client
        A connected ``distributed.Client``.
    retries
        Times a failed task is re-run (a worker killed mid-task counts as a failure of its tasks
        only after the scheduler's own reschedule; both leave the result unchanged, since every
        task is a pure function of its input).
    progress
        Called with ``(done, total)`` as tasks finish.
    """

    def __init__(self, client: Any, *, retries: int = 3, progress: Progress | None = None) -> None:
        self.client = client
        self.retries = retries
        self.progress = progress

    @property
    def n_workers(self) -> int:
        """Workers connected now."""
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def map(self, function: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        """Submit one task per item (the first item with the highest priority), gather in item order.

        ``function`` is sent once to every worker (``scatter``), not with every task: a sweep's
        registry travels once.
        """
        from distributed import as_completed

        items = list(items)
        if not items:
            return []
        shared = self.client.scatter(function, broadcast=True, hash=False)
        futures = [
            self.client.submit(
                _apply, shared, item, retries=self.retries, priority=len(items) - i, pure=False
            )
            for i, item in enumerate(items)
        ]
        for done, _ in enumerate(as_completed(futures), start=1):
            if self.progress is not None:
                self.progress(done, len(futures))
        results = self.client.gather(futures)
        self.client.cancel([shared, *futures])
        return results
