"""Scale-out: run the engine's independent pieces (allocation parts, sweep scenarios) on a Dask cluster.

Nothing of Dask is imported until a cluster is asked for (:func:`open_executor` with a scheduler):
:class:`LocalExecutor` and the scheduler parsing are plain Python. Install the extra with
``pip install symbiosis[dask]``.
"""

from __future__ import annotations

from symbiosis.distributed.executor import DaskExecutor, Executor, LocalExecutor
from symbiosis.distributed.scheduler import (
    SCHEDULER_ENV,
    SchedulerSpec,
    dask_available,
    open_executor,
    parse_scheduler,
    scheduler_from_env,
)

__all__ = [
    "SCHEDULER_ENV",
    "DaskExecutor",
    "Executor",
    "LocalExecutor",
    "SchedulerSpec",
    "dask_available",
    "open_executor",
    "parse_scheduler",
    "scheduler_from_env",
]
