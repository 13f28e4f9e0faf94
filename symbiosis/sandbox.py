"""Run one pure function in a separate process with a time and a memory budget.

Used for work on untrusted input (an uploaded file): the caller's thread only waits on a pipe, so a
Streamlit server keeps answering every other user while a file is parsed; when the budget runs out
the process is killed (SIGKILL: a CPU-bound regular expression ignores everything else) and the caller
gets :class:`BudgetExceeded`. The function must be importable at module level (it is pickled by
name), take and return picklable values, and touch neither files nor the database: killing it at any
point leaves nothing half done.

Each call runs in a fresh ``python -m symbiosis.sandbox`` process that has imported :data:`PRELOAD`
and waits for one job on its standard input; one such process is kept ready in advance, so a call
rarely pays the interpreter start. Fresh processes rather than ``multiprocessing``: a forked or
spawned worker re-runs the parent's ``__main__``, which inside Streamlit is the page being drawn.
"""

from __future__ import annotations

import importlib
import logging
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["PRELOAD", "BudgetExceeded", "WorkerFailed", "prewarm", "run_bounded"]

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Modules a worker imports before it waits for its job. The streams importer only: a levers' file's
#: job imports :mod:`symbiosis.mutual.ingest` when it is unpickled (0.2 s of CPU that preloading it
#: would add to every streams upload's worker, whose start is most of its answer on a busy machine).
PRELOAD: tuple[str, ...] = ("symbiosis.services.importing",)

_lock = threading.Lock()
_spare: subprocess.Popen[bytes] | None = None


class BudgetExceeded(TimeoutError):  # noqa: N818 (reads as what happened)
    """The work took longer than its time budget; the process was killed.

    Parameters
    ----------
    seconds
        The budget that ran out.
    """

    def __init__(self, seconds: float) -> None:
        super().__init__(f"work stopped after its budget of {seconds:g} s")
        self.seconds = seconds


class WorkerFailed(RuntimeError):  # noqa: N818
    """The worker process died without an answer (out of memory, killed from outside)."""


def _start() -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "symbiosis.sandbox"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        close_fds=True,
    )


def _take_worker() -> subprocess.Popen[bytes]:
    """Return the ready worker (or a new one) and start the next one in the background."""
    global _spare
    with _lock:
        worker = _spare if _spare is not None and _spare.poll() is None else None
        _spare = _start()
    return worker or _start()


def prewarm() -> None:
    """Start the ready worker now (a page that may upload calls it), so the first job does not wait."""
    global _spare
    with _lock:
        if _spare is None or _spare.poll() is not None:
            _spare = _start()


def run_bounded(
    fn: Callable[..., T], /, *args: Any, timeout_s: float, memory_bytes: int | None = None, **kwargs: Any
) -> T:
    """Return ``fn(*args, **kwargs)`` computed in a separate process, within ``timeout_s`` seconds.

    Parameters
    ----------
    fn
        A module-level function (pickled by name).
    *args, **kwargs
        Its arguments (pickled).
    timeout_s
        Wall-clock budget, from the job's hand-over to its answer.
    memory_bytes
        Address-space cap of the worker (Linux), or ``None``.

    Raises
    ------
    BudgetExceeded
        The budget ran out (the worker was killed).
    WorkerFailed
        The worker died without answering.
    Exception
        Whatever ``fn`` raised, re-raised here.
    """
    job = pickle.dumps((fn, args, kwargs, memory_bytes), protocol=pickle.HIGHEST_PROTOCOL)
    worker = _take_worker()
    started = time.monotonic()
    try:
        out, _ = worker.communicate(job, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.communicate()
        logger.warning("%s killed after its %.1f s budget", getattr(fn, "__name__", "work"), timeout_s)
        raise BudgetExceeded(timeout_s) from None
    if not out:
        raise WorkerFailed(f"worker exited with code {worker.returncode} and no answer")
    ok, payload = pickle.loads(out)
    logger.debug("%s done in %.2f s", getattr(fn, "__name__", "work"), time.monotonic() - started)
    if ok:
        return payload
    raise payload


def _limit_memory(memory_bytes: int | None) -> None:
    if memory_bytes is None:
        return
    try:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        cap = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    except (ImportError, ValueError, OSError) as exc:  # not Linux, or a lower limit already set
        logger.debug("memory limit not set: %s", exc)


def _serve_one() -> int:
    """Worker side: import :data:`PRELOAD`, read one job from stdin, write its outcome to stdout."""
    answer = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything the job prints goes to stderr, never into the answer
    for name in PRELOAD:
        importlib.import_module(name)
    try:
        fn, args, kwargs, memory_bytes = pickle.load(sys.stdin.buffer)
    except EOFError:  # the caller went away before giving a job
        return 0
    _limit_memory(memory_bytes)
    try:
        outcome: tuple[bool, Any] = (True, fn(*args, **kwargs))
    except BaseException as exc:  # handed back to the caller, who re-raises it
        outcome = (False, exc)
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # an unpicklable result or exception
        data = pickle.dumps((False, WorkerFailed(f"answer could not be sent back: {exc!r}")))
    answer.write(data)
    answer.close()
    return 0


if __name__ == "__main__":
    sys.exit(_serve_one())
