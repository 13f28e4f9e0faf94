"""Arguments and helpers shared by the sub-commands."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import Any

from symbiosis.settings import DEFAULT_DB, database_url

__all__ = ["DEFAULT_DB", "CatalogueHelp", "add_db_argument", "database_url", "print_json"]


class CatalogueHelp:
    """An option's help, ``"<French> / <English>"`` from the message catalogue, read when help is shown.

    Building a parser then costs no catalogue (the YAML files, ≈ 0.06 CPU s): ``symbiosis match`` only
    reads it for ``--help``. argparse uses a help text through ``str``, ``.strip()`` and ``%``
    (its ``%(default)s`` fields), which this object answers with the text.

    Parameters
    ----------
    key
        Catalogue key (``"scaleout.help.scheduler"``); checked by the tests, not here.
    """

    def __init__(self, key: str) -> None:
        self.key = key

    def __str__(self) -> str:
        from symbiosis.i18n import t

        return f"{t(self.key, 'fr')} / {t(self.key, 'en')}"

    def __repr__(self) -> str:
        return f"CatalogueHelp({self.key!r})"

    def __mod__(self, values: Any) -> str:
        return str(self) % values

    def __contains__(self, part: str) -> bool:
        return part in str(self)

    def strip(self) -> str:
        """The text without surrounding blanks."""
        return str(self).strip()


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """Add ``--db PATH`` (an SQLite file) to a sub-command."""
    parser.add_argument(
        "--db",
        metavar="PATH",
        default=None,
        help=f"SQLite registry file (default: $DATABASE_URL, else $SYMBIOSIS_DB, else {DEFAULT_DB})",
    )


def _jsonable(value: Any) -> Any:
    """Replace NaN and infinities by None, recursively, so the output is strict JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _jsonable(value.item())
    return value


def print_json(value: Any) -> None:
    """Print ``value`` as UTF-8 JSON on standard output (non-ASCII kept, NaN as null)."""
    json.dump(_jsonable(value), sys.stdout, ensure_ascii=False, indent=2, default=str, allow_nan=False)
    sys.stdout.write("\n")
