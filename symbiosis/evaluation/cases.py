"""Read an evaluation case: documented exchanges written up as firm declarations, in the import format.

A case directory holds

* ``firms.csv`` and ``streams.csv`` — the import format of :mod:`symbiosis.ingest` (the streams'
  ``category_id`` and ``waste_code`` are optional; the category given there is the hand-assigned one);
* ``expected.csv`` — ``supply_id, demand_id`` (and optional ``source, status, note``): the documented
  exchanges the engine should find;
* ``forbidden.csv`` — ``supply_id, demand_id`` (and optional ``reason``): pairs that must never be
  proposed (optional file);
* ``case.toml`` — optional metadata: ``name``, ``country``, ``language``, ``sectors``, ``split``
  (``tune`` or ``holdout``), ``sources``.

A region's own list of known synergies is such a case: an advisor can check that the engine finds
them. This module only reads files; :mod:`symbiosis.evaluation.harness` runs the engine.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "MAESTRI_EXCHANGES_FILE",
    "Case",
    "CaseError",
    "corpus_maestri_cases",
    "find_cases",
    "read_case",
    "read_maestri_exchanges",
]

logger = logging.getLogger(__name__)

_PAIR_COLUMNS = ("supply_id", "demand_id")


class CaseError(ValueError):
    """A case directory that cannot be evaluated (a file or a column is missing)."""


@dataclass(frozen=True)
class Case:
    """One evaluation case, as read from its directory.

    Parameters
    ----------
    name
        The directory name (``kalundborg_en``).
    firms_bytes, streams_bytes
        The two import files, unparsed (the importer reads them as a firm's upload would be).
    expected, forbidden
        ``supply_id, demand_id`` frames (plus whatever columns the files add).
    meta
        ``case.toml`` as a dict (empty when absent).
    """

    name: str
    firms_bytes: bytes
    streams_bytes: bytes
    expected: pd.DataFrame
    forbidden: pd.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def language(self) -> str:
        """``fr``, ``en`` or ``""`` (from ``case.toml``)."""
        return str(self.meta.get("language", ""))

    @property
    def split(self) -> str:
        """``tune``, ``holdout`` or ``""`` (from ``case.toml``)."""
        return str(self.meta.get("split", ""))


def _pairs(path: Path, *, required: bool) -> pd.DataFrame:
    if not path.is_file():
        if required:
            raise CaseError(f"{path.parent.name}: {path.name} is missing / {path.name} manquant")
        return pd.DataFrame(columns=list(_PAIR_COLUMNS))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in _PAIR_COLUMNS if c not in frame.columns]
    if missing:
        raise CaseError(f"{path}: columns {missing} missing / colonnes manquantes")
    for col in _PAIR_COLUMNS:
        frame[col] = frame[col].str.strip()
    return frame


def read_case(directory: str | Path) -> Case:
    """Read one case directory (see the module docstring).

    Raises
    ------
    CaseError
        ``firms.csv``, ``streams.csv`` or ``expected.csv`` is missing, or a pair file lacks
        ``supply_id``/``demand_id``.
    """
    directory = Path(directory)
    for name in ("firms.csv", "streams.csv"):
        if not (directory / name).is_file():
            raise CaseError(f"{directory.name}: {name} is missing / {name} manquant")
    meta_path = directory / "case.toml"
    meta = tomllib.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    return Case(
        name=directory.name,
        firms_bytes=(directory / "firms.csv").read_bytes(),
        streams_bytes=(directory / "streams.csv").read_bytes(),
        expected=_pairs(directory / "expected.csv", required=True),
        forbidden=_pairs(directory / "forbidden.csv", required=False),
        meta=meta,
    )


def find_cases(paths: Iterable[str | Path], *, split: str | None = None) -> list[Path]:
    """Case directories among ``paths``: each path is a case, or a folder of cases (one level down).

    ``split`` keeps the cases whose ``case.toml`` says that split.
    """
    found: list[Path] = []
    for path in map(Path, paths):
        if (path / "streams.csv").is_file():
            found.append(path)
        elif path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if (p / "streams.csv").is_file()))
        else:
            raise CaseError(f"{path}: not a case directory / pas un dossier de cas")
    if split:
        found = [p for p in found if _split_of(p) == split]
    return found


def _split_of(path: Path) -> str:
    meta = path / "case.toml"
    return str(tomllib.loads(meta.read_text(encoding="utf-8")).get("split", "")) if meta.is_file() else ""


MAESTRI_EXCHANGES_FILE = "maestri_exchanges.csv"


def read_maestri_exchanges(folder: str | Path) -> pd.DataFrame:
    """Read the MAESTRI exchanges (``maestri_exchanges.csv``) from ``folder``, every cell as text.

    The file is read where it lies, never copied (its licence is not stated); see
    :mod:`symbiosis.evaluation.maestri` for the conversion into cases.

    Raises
    ------
    CaseError
        The folder has no ``maestri_exchanges.csv``, or the file lacks the ``Database-ID`` and
        ``Waste description`` columns.
    """
    folder = Path(folder)
    path = folder / MAESTRI_EXCHANGES_FILE if folder.is_dir() else folder
    if not path.is_file():
        raise CaseError(f"{folder}: {MAESTRI_EXCHANGES_FILE} is missing / {MAESTRI_EXCHANGES_FILE} manquant")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in ("Database-ID", "Waste description") if c not in frame.columns]
    if missing:
        raise CaseError(f"{path}: columns {missing} missing / colonnes manquantes")
    logger.info("read %d MAESTRI exchanges from %s", len(frame), path)
    return frame


_MAESTRI_CASE = re.compile(r"MAESTRI[^\n]*?\bcase (\d+)", re.IGNORECASE)


def corpus_maestri_cases(paths: Iterable[str | Path]) -> dict[str, str]:
    """MAESTRI case numbers that the corpus's cases among ``paths`` cite, with the citing case's split.

    ``paths`` as :func:`find_cases` takes them (cases, or folders of cases).

    A corpus case names the MAESTRI case it was pointed to (``"MAESTRI exchanges database, case 8"``
    in ``case.toml`` or ``SOURCES.md``); those exchanges come from a publication the corpus was also
    written from. A number cited by a ``tune`` and a ``holdout`` case reads as ``tune`` (the less
    independent of the two).
    """
    found: dict[str, str] = {}
    for path in find_cases(paths):
        split = _split_of(path)
        text = "".join(
            (path / name).read_text(encoding="utf-8")
            for name in ("case.toml", "SOURCES.md")
            if (path / name).is_file()
        )
        for number in _MAESTRI_CASE.findall(text):
            found[number] = "tune" if "tune" in (split, found.get(number)) else split
    return found
