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
    "add_scheduler_arguments",
    "executor_from_args",
    "parse_memory_limit",
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
    if spec is None:
        yield None
        return
    import distributed  # noqa: F401  (configures its loggers on import: quieten them after)

    # The scheduler's and workers' start-up chatter would bury the command's own output.
    logging.getLogger("distributed").setLevel(logging.WARNING)
    with open_executor(spec, progress=TextProgress() if progress else None) as executor:
        yield executor


def scheduler_error_text(exc: Any) -> str:
    """The bilingual message of a ``SchedulerError``."""
    return _both(exc.key, **exc.values)
