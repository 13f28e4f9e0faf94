"""The ``symbiosis`` command line: gathers one sub-command per module of ``symbiosis.commands``.

Each command module exposes ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
Every command takes ``--db PATH`` (or reads ``DATABASE_URL``/``SYMBIOSIS_DB``) so that several
registries can live side by side.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

__all__ = ["COMMAND_MODULES", "build_parser", "main"]

#: Modules of ``symbiosis.commands``, in the order ``--help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "init",
    "import_",
    "validate",
    "export_template",
    "sample",
    "classify",
    "match",
    "evaluate",
    "report",
    "event",
    "digest",
    "audit",
)


def _load(name: str):
    return importlib.import_module(f"symbiosis.commands.{name}")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser with every available sub-command."""
    parser = argparse.ArgumentParser(
        prog="symbiosis",
        description="Industrial-symbiosis matchmaking / Maillage en symbiose industrielle.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = _load(name)
        except ModuleNotFoundError as exc:  # a command whose module is not there yet
            if exc.name != f"symbiosis.commands.{name}":
                raise
            continue
        cmd = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.add_arguments(cmd)
        cmd.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    return int(args._run(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
