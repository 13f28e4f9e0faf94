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
    """Runs every task here, one after the other (the reference every cluster run must equal).

    ``run_folder``, ``keep_run_folder`` and ``region_arcs``: as for :class:`DaskExecutor`.
    """

    def __init__(
        self,
        progress: Progress | None = None,
        *,
        run_folder: str | None = None,
        keep_run_folder: bool = False,
        region_arcs: int | None = None,
    ) -> None:
        self.progress = progress
        self.run_folder, self.keep_run_folder = run_folder, keep_run_folder
        self.region_arcs = region_arcs

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
    run_folder
        Where ``run()`` makes the folder of the scored pairs' Parquet partitions (the system's
        temporary folder when None); the client and every worker must see it at the same path.
    keep_run_folder
        Keep that folder once the run's results are dropped (it is removed otherwise).
    region_arcs
        Most usable arcs of a connected component whose allocation one worker solves whole; a
        larger one is cut into regions (:func:`~symbiosis.engine.allocation.regions.solve_allocation`).
        None: the engine's default (:data:`~symbiosis.engine.allocation.regions.DEFAULT_REGION_ARCS`).
    """

    def __init__(
        self,
        client: Any,
        *,
        retries: int = 3,
        progress: Progress | None = None,
        run_folder: str | None = None,
        keep_run_folder: bool = False,
        region_arcs: int | None = None,
    ) -> None:
        self.client = client
        self.retries = retries
        self.progress = progress
        self.run_folder, self.keep_run_folder = run_folder, keep_run_folder
        self.region_arcs = region_arcs

    @property
    def n_workers(self) -> int:
        """Workers connected now."""
        return len(self.client.scheduler_info(n_workers=-1)["workers"])

    def map(self, function: Callable[[Any], Any], items: Iterable[Any]) -> list[Any]:
        """Submit one task per item (the first item with the highest priority), gather in item order.

        ``function`` is sent once to every worker (``scatter``), not with every task: a sweep's
        registry travels once. Each result is fetched as soon as its task finishes and released on
        the cluster at once: a worker never keeps finished results waiting for the last task.
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
        position = {future.key: i for i, future in enumerate(futures)}
        results: list[Any] = [None] * len(futures)
        try:
            for done, (future, result) in enumerate(as_completed(futures, with_results=True), start=1):
                i = position[future.key]
                if future.status != "finished":  # cancelled: its inputs were lost with every worker
                    raise RuntimeError(f"task {i + 1} of {len(results)} {future.status}: {result!r}")
                results[i] = result
                futures[i] = None  # the last reference: the worker drops the result
                future.release()
                if self.progress is not None:
                    self.progress(done, len(results))
        finally:
            self.client.cancel([shared, *(f for f in futures if f is not None)])
        return results
