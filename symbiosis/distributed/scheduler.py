"""Which scheduler to use (``tcp://HOST:8786``, ``local[:N]``, ``DASK_SCHEDULER_ADDRESS``) and opening it.

Parsing is plain Python; :func:`open_executor` imports Dask only when a scheduler is given.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from symbiosis.distributed.executor import DaskExecutor, LocalExecutor, Progress

__all__ = [
    "SCHEDULER_ENV",
    "SchedulerError",
    "SchedulerSpec",
    "dask_available",
    "open_executor",
    "parse_scheduler",
    "scheduler_from_env",
]

log = logging.getLogger(__name__)

#: Environment variable Dask itself reads for the scheduler's address.
SCHEDULER_ENV = "DASK_SCHEDULER_ADDRESS"
_ADDRESS = re.compile(r"^(tcp|tls|ws|wss|inproc|ucx)://[^\s/]+$")
_LOCAL = re.compile(r"^local(?::(\d+))?$")


class SchedulerError(ValueError):
    """A scheduler that cannot be used; ``key`` and ``values`` name the catalogue message."""

    def __init__(self, key: str, **values: object) -> None:
        super().__init__(f"{key}: {values}")
        self.key, self.values = key, values


@dataclass(frozen=True)
class SchedulerSpec:
    """A scheduler: ``address`` of a running one, or a ``LocalCluster`` of ``n_workers`` processes.

    Parameters
    ----------
    address
        ``tcp://HOST:PORT`` (or ``tls://``…) of a running scheduler; None for a local cluster.
    n_workers
        Worker processes of the local cluster (one thread each).
    memory_limit
        Memory per worker of the local cluster (``"6GiB"``, ``"auto"``); workers above it are
        paused, then restarted by their nanny (their tasks re-run: the result is unchanged).
    """

    address: str | None = None
    n_workers: int = 2
    memory_limit: str = "auto"

    @property
    def local(self) -> bool:
        """Whether this starts a ``LocalCluster``."""
        return self.address is None


def parse_scheduler(text: str, *, memory_limit: str = "auto") -> SchedulerSpec:
    """Read ``tcp://HOST:PORT``, ``local`` (one worker per core) or ``local:N``.

    Raises
    ------
    SchedulerError
        Anything else (key ``scaleout.bad_scheduler``).
    """
    text = text.strip()
    local = _LOCAL.match(text)
    if local:
        n = int(local.group(1)) if local.group(1) else max(os.cpu_count() or 1, 1)
        if n < 1:
            raise SchedulerError("scaleout.bad_scheduler", value=text)
        return SchedulerSpec(None, n, memory_limit)
    if _ADDRESS.match(text):
        return SchedulerSpec(text, memory_limit=memory_limit)
    raise SchedulerError("scaleout.bad_scheduler", value=text)


def scheduler_from_env(
    option: str | None, env: Mapping[str, str] | None = None, *, memory_limit: str = "auto"
) -> SchedulerSpec | None:
    """The scheduler of ``--scheduler`` or else of ``DASK_SCHEDULER_ADDRESS``; None for neither."""
    env = os.environ if env is None else env
    text = option if option else env.get(SCHEDULER_ENV, "").strip()
    return parse_scheduler(text, memory_limit=memory_limit) if text else None


def dask_available() -> bool:
    """Whether ``dask.distributed`` can be imported (without importing it)."""
    return importlib.util.find_spec("distributed") is not None


@contextmanager
def open_executor(
    spec: SchedulerSpec | None,
    *,
    progress: Progress | None = None,
    retries: int = 3,
    run_folder: str | None = None,
    keep_run_folder: bool = False,
    region_arcs: int | None = None,
) -> Iterator[LocalExecutor | DaskExecutor]:
    """An executor for ``spec``: in this process when None, else a Dask client (closed on exit).

    ``run_folder``, ``keep_run_folder`` and ``region_arcs`` are given to the executor
    (:class:`~symbiosis.distributed.executor.DaskExecutor`).

    Raises
    ------
    SchedulerError
        Dask is not installed (``scaleout.no_dask``) or the scheduler cannot be reached
        (``scaleout.unreachable``).
    """
    if spec is None:
        yield LocalExecutor(
            progress, run_folder=run_folder, keep_run_folder=keep_run_folder, region_arcs=region_arcs
        )
        return
    if not dask_available():
        raise SchedulerError("scaleout.no_dask")
    from distributed import Client, LocalCluster

    cluster = None
    try:
        if spec.local:
            cluster = LocalCluster(
                n_workers=spec.n_workers,
                threads_per_worker=1,
                processes=True,
                memory_limit=spec.memory_limit,
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            )
            client = Client(cluster)
        else:
            client = Client(spec.address, timeout="10s")
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise SchedulerError("scaleout.unreachable", address=spec.address or "local", error=str(exc)) from exc
    log.info(
        "dask scheduler %s, %d worker(s)", client.scheduler.address, len(client.scheduler_info()["workers"])
    )
    try:
        yield DaskExecutor(
            client,
            retries=retries,
            progress=progress,
            run_folder=run_folder,
            keep_run_folder=keep_run_folder,
            region_arcs=region_arcs,
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
