"""The ``symbiosis`` command line: gathers one sub-command per module of ``symbiosis.commands``.

Each command module exposes ``NAME``, ``HELP``, ``add_arguments(parser)`` and ``run(args) -> int``.
Every command takes ``--db PATH`` (or reads ``DATABASE_URL``/``SYMBIOSIS_DB``) so that several
registries can live side by side.

Only the command being run is imported: the others are listed from their ``NAME`` and ``HELP``
constants, read from their source without importing them, so ``symbiosis --help`` loads neither
pandas nor the database layer.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import importlib.util
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["COMMAND_MODULES", "build_parser", "command_help", "main"]

#: Modules of ``symbiosis.commands``, in the order ``--help`` lists them.
COMMAND_MODULES: tuple[str, ...] = (
    "init",
    "import_",
    "validate",
    "export_template",
    "sample",
    "classify",
    "match",
    "sweep",
    "evaluate",
    "report",
    "event",
    "digest",
    "audit",
)


def _load(name: str):
    return importlib.import_module(f"symbiosis.commands.{name}")


def command_help(name: str) -> tuple[str, str] | None:
    """``(NAME, HELP)`` of a command module, read from its source; None when the module is absent.

    The constants must be plain string literals (they are in every command module).
    """
    spec = importlib.util.find_spec(f"symbiosis.commands.{name}")
    if spec is None or spec.origin is None:
        return None
    found: dict[str, str] = {}
    for node in ast.parse(Path(spec.origin).read_text(encoding="utf-8")).body:
        target = node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None
        if isinstance(target, ast.Name) and target.id in ("NAME", "HELP"):
            found[target.id] = ast.literal_eval(node.value)
    if set(found) != {"NAME", "HELP"}:  # not literal: import it after all
        module = _load(name)
        return module.NAME, module.HELP
    return found["NAME"], found["HELP"]


def _chosen(argv: Sequence[str] | None) -> str | None:
    """The sub-command named on the command line (the first argument that is not an option)."""
    return next((a for a in argv if not a.startswith("-")), None) if argv is not None else None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """Return the argument parser with every available sub-command.

    Parameters
    ----------
    argv
        The arguments about to be parsed. When given, only the sub-command they name is imported
        and gets its options; the others are listed by name and help alone. When None, every
        command module is imported (the full parser).
    """
    parser = argparse.ArgumentParser(
        prog="symbiosis",
        description="Industrial-symbiosis matchmaking / Maillage en symbiose industrielle.",
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    chosen = _chosen(argv)
    for name in COMMAND_MODULES:
        meta = command_help(name)
        if meta is None:  # a command whose module is not there yet
            continue
        cmd = sub.add_parser(meta[0], help=meta[1], description=meta[1])
        if argv is None or meta[0] == chosen:
            module = _load(name)
            module.add_arguments(cmd)
            cmd.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    return int(args._run(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
