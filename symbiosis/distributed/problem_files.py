"""Allocation sub-problems as files: the client writes each task's arrays once, its worker reads them.

On a cluster the allocation's tasks (parts of whole components, regions of a giant one, the boundary
problem) would otherwise travel inside the task graph: the client and the scheduler would hold every
sub-problem at once, on top of the whole problem (what stopped the 1,000,000-stream run at
8.35 GiB in the client, docs/scale-out.md). Here the client writes one sub-problem at a time to an
uncompressed ``.npz`` file of a fresh folder and sends only its path; the worker that runs the task
reads its file, solves it and returns the flows. Arrays round-trip bit for bit, so a task solved
from its file gives what it gives in memory.

The folder must be visible to the client and to every worker at the same path (as the run folder of
the scored pairs, :class:`~symbiosis.distributed.partitions.RunFolder`); it is removed when the
solve ends. A problem is any dataclass whose fields are numpy arrays (the engine's
``allocation.problem.Indexed``; this package does not import the engine).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from symbiosis.distributed.partitions import RunFolder

__all__ = ["FileTask", "ProblemFiles", "read_problem", "write_problem"]

P = TypeVar("P")


def write_problem(problem: Any, path: str | os.PathLike) -> Path:
    """Write every field of the dataclass ``problem`` (arrays) to ``path`` (``.npz``, uncompressed).

    Written under a temporary name and renamed into place when whole.
    """
    path = Path(path)
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    with open(partial, "wb") as out:
        np.savez(out, **{f.name: np.asarray(getattr(problem, f.name)) for f in fields(problem)})
    os.replace(partial, path)
    return path


def read_problem(path: str | os.PathLike, kind: type[P]) -> P:
    """The ``kind`` (a dataclass of arrays) written by :func:`write_problem` to ``path``."""
    with np.load(path, allow_pickle=False) as arrays:
        return kind(**{f.name: arrays[f.name] for f in fields(kind)})  # type: ignore[arg-type]


class ProblemFiles:
    """A fresh folder of sub-problem files (``with ProblemFiles(parent) as files: files.add(ix)``).

    Parameters
    ----------
    parent
        Where to make the folder (the system's temporary folder when None): a ``symbiosis-run-*``
        folder of its own, removed on leaving the ``with`` block.
    """

    def __init__(self, parent: str | os.PathLike | None = None) -> None:
        self._folder = RunFolder(parent)
        self.path = self._folder.path
        self._count = 0

    def add(self, problem: Any) -> str:
        """Write ``problem`` to the next file; its path (what a task receives)."""
        self._count += 1
        return str(write_problem(problem, self.path / f"problem-{self._count:05d}.npz"))

    def remove(self) -> None:
        """Remove the folder and its files."""
        self._folder.remove()

    def __enter__(self) -> ProblemFiles:
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()


class FileTask:
    """``solve`` applied to the ``kind`` read from a file (a picklable callable for workers)."""

    def __init__(self, solve: Callable[[Any], Any], kind: type) -> None:
        self.solve, self.kind = solve, kind

    def __call__(self, path: str) -> Any:
        """Read the problem at ``path`` and solve it."""
        return self.solve(read_problem(path, self.kind))
