"""``--scheduler`` and ``--memory-limit`` shared by ``match`` and ``sweep``, and a text progress bar."""

from __future__ import annotations

import argparse
import logging
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from symbiosis.commands._common import CatalogueHelp

__all__ = [
    "TextProgress",
    "add_run_folder_arguments",
    "add_scheduler_arguments",
    "executor_from_args",
    "kept_run_folders",
    "parse_memory_limit",
    "run_folders",
    "scheduler_error_text",
]

_SIZE = re.compile(r"^\d+(\.\d+)?\s*(B|kB|KB|KiB|MB|MiB|GB|GiB|TB|TiB)$", re.IGNORECASE)


def _both(key: str, **values: object) -> str:
    from symbiosis.i18n import t  # the catalogue (YAML) only when a message is shown

    return f"{t(key, 'fr', **values)} / {t(key, 'en', **values)}"


def add_scheduler_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--scheduler`` and ``--memory-limit``."""
    parser.add_argument(
        "--scheduler", metavar="ADDRESS", default=None, help=CatalogueHelp("scaleout.help.scheduler")
    )
    parser.add_argument(
        "--memory-limit", metavar="SIZE", default="auto", help=CatalogueHelp("scaleout.help.memory_limit")
    )


def add_run_folder_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--run-folder``, ``--keep-run-folder`` and ``--region-arcs`` (a run on a cluster)."""
    parser.add_argument(
        "--run-folder", metavar="DIR", default=None, help=CatalogueHelp("scaleout.help.run_folder")
    )
    parser.add_argument(
        "--keep-run-folder", action="store_true", help=CatalogueHelp("scaleout.help.keep_run_folder")
    )
    parser.add_argument(
        "--region-arcs", metavar="N", default=None, help=CatalogueHelp("scaleout.help.region_arcs")
    )


def _region_arcs(text: str | None) -> int | None:
    """The ``--region-arcs`` value; raises ``SchedulerError`` when it is not a positive integer."""
    from symbiosis.distributed.scheduler import SchedulerError

    if text is None:
        return None
    cleaned = text.strip().replace("_", "").replace(" ", "").replace("\u202f", "")
    if not cleaned.isdigit() or int(cleaned) < 1:
        raise SchedulerError("scaleout.bad_region_arcs", value=text)
    return int(cleaned)


def _run_folder(text: str | None) -> str | None:
    """The ``--run-folder`` made if missing (absolute); raises ``SchedulerError`` when unusable."""
    import os
    from pathlib import Path

    from symbiosis.distributed.scheduler import SchedulerError

    if text is None:
        return None
    path = Path(text).expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise SchedulerError("scaleout.bad_run_folder", path=text, error=exc.strerror or str(exc)) from exc
    if not os.access(path, os.W_OK | os.X_OK):
        raise SchedulerError("scaleout.bad_run_folder", path=text, error="read-only / lecture seule")
    return str(path.resolve())


def parse_memory_limit(text: str) -> str | None:
    """``auto`` or a size such as ``6GiB``; None when unreadable."""
    text = text.strip()
    return text if text == "auto" or _SIZE.match(text) else None


class TextProgress:
    """``[#####-----] 5/10`` rewritten in place on a terminal (one line per 10 % elsewhere)."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = sys.stderr if stream is None else stream
        self.width = width
        self._shown = -1

    def __call__(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` tasks."""
        tty = self.stream.isatty()
        tenth = 10 * done // max(total, 1)
        if not tty and tenth == self._shown and done < total:
            return
        self._shown = tenth
        filled = self.width * done // max(total, 1)
        bar = "#" * filled + "-" * (self.width - filled)
        label = _both("scaleout.progress")
        end = "\n" if (done >= total or not tty) else ""
        self.stream.write(f"\r{label} [{bar}] {done}/{total}{end}")
        self.stream.flush()


@contextmanager
def executor_from_args(args: argparse.Namespace, *, progress: bool = True) -> Iterator[Any]:
    """The executor ``--scheduler`` (or ``DASK_SCHEDULER_ADDRESS``) asks for; None when neither is set.

    Dask is imported only when a scheduler is given. Raises ``SchedulerError`` with a catalogue key
    when the option is wrong, Dask is missing or the scheduler cannot be reached.
    """
    from symbiosis.distributed.scheduler import SchedulerError, open_executor, scheduler_from_env

    memory = parse_memory_limit(args.memory_limit)
    if memory is None:
        raise SchedulerError("scaleout.bad_memory_limit", value=args.memory_limit)
    spec = scheduler_from_env(args.scheduler, memory_limit=memory)
    folder_args = (getattr(args, "run_folder", None), getattr(args, "keep_run_folder", False))
    region_arcs = _region_arcs(getattr(args, "region_arcs", None))
    if spec is None:
        if folder_args[0] is not None or folder_args[1] or region_arcs is not None:
            print(_both("scaleout.run_folder_unused"), file=sys.stderr)
        yield None
        return
    run_folder = _run_folder(folder_args[0])
    import distributed  # noqa: F401  (configures its loggers on import: quieten them after)

    # The scheduler's and workers' start-up chatter would bury the command's own output.
    logging.getLogger("distributed").setLevel(logging.WARNING)
    with open_executor(
        spec,
        progress=TextProgress() if progress else None,
        run_folder=run_folder,
        keep_run_folder=folder_args[1],
        region_arcs=region_arcs,
    ) as executor:
        yield executor


def run_folders(executor: Any) -> set[str]:
    """The ``symbiosis-run-*`` folders now in the executor's run folder (none without a kept one)."""
    import tempfile
    from pathlib import Path

    if executor is None or not getattr(executor, "keep_run_folder", False):
        return set()
    parent = Path(getattr(executor, "run_folder", None) or tempfile.gettempdir())
    return {str(p) for p in parent.glob("symbiosis-run-*") if p.is_dir()}


def kept_run_folders(executor: Any, before: set[str], stream: TextIO | None = None) -> list[str]:
    """Show (bilingual, on standard error) the run folders kept since ``before``; their paths."""
    kept = sorted(run_folders(executor) - before)
    for path in kept:
        print(_both("scaleout.run_folder_kept", path=path), file=sys.stderr if stream is None else stream)
    return kept


def scheduler_error_text(exc: Any) -> str:
    """The bilingual message of a ``SchedulerError``."""
    return _both(exc.key, **exc.values)
