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
import gc
import importlib
import importlib.util
import logging
import os
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


#: BLAS threads of a command-line process (numpy's and scipy's OpenBLAS), unless the user sets the variable.
BLAS_THREADS_ENV = "OPENBLAS_NUM_THREADS"


def _one_blas_thread() -> None:
    """Give a command-line process one BLAS thread, when numpy is not loaded yet and the user chose none.

    OpenBLAS starts a pool of threads when numpy (and again scipy) loads, and they spin while idle:
    0.05–0.15 CPU s of ``symbiosis match`` on the sample, on a machine where others wait for the cores.
    Nothing the commands do is dense linear algebra large enough to gain from them (candidates, text
    similarities and scoring are sparse or element-wise; the solvers keep their own threads). A value
    the user set is kept; a process that already imported numpy (a notebook, the tests) is unchanged.
    """
    if "numpy" not in sys.modules:
        os.environ.setdefault(BLAS_THREADS_ENV, "1")


def _no_final_collection() -> None:
    """Spare an ending command-line process the garbage collector's last pass over every object.

    At exit the interpreter runs a full collection over everything the run created (pandas, pyarrow,
    scipy and OR-Tools objects included): 0.1–0.15 CPU s after ``symbiosis match`` on the sample has
    printed its results. :func:`gc.freeze` moves every live object out of the collector's reach, so
    that pass finds nothing to scan. Objects are still released by reference counting at shutdown,
    standard streams are still flushed, ``atexit`` handlers still run; output files are closed by the
    commands themselves. Called only for a process's own command line (``main()`` without
    arguments), never when a caller passes ``argv`` (tests, notebooks): their objects stay collectable.
    """
    gc.freeze()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code.

    Parameters
    ----------
    argv
        The arguments; None reads ``sys.argv`` (the ``symbiosis`` program, ``python -m symbiosis``), and
        then the process ends with the command (see :func:`_no_final_collection`).
    """
    _one_blas_thread()
    ending = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    level = logging.WARNING - 10 * min(args.verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    code = int(args._run(args) or 0)
    if ending:
        _no_final_collection()
    return code


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
