"""EU List of Waste (European Waste Catalogue): the shipped table, code normalisation, hazard flag.

The table is built by ``scripts/build_waste_codes.py`` from the UK DEFRA copy of Commission Decision
2000/532/EC (Open Government Licence v3.0, see ``data/LICENSES.md``) and the French wording of the
Decision kept in ``data/list_of_waste_fr.csv`` (every entry, chapter and sub-chapter). Codes are
held as 6-digit strings without spaces or asterisk (``"161101"``); the asterisk of the printed list
is the ``hazardous`` column.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from symbiosis.kb.tables import parse_bool, read_package_csv

__all__ = [
    "WASTE_CODE_COLUMNS",
    "format_waste_code",
    "is_hazardous",
    "load_waste_codes",
    "normalise_waste_code",
]

WASTE_CODE_COLUMNS: tuple[str, ...] = (
    "code",
    "code_spaced",
    "hazardous",
    "entry_type",
    "chapter_code",
    "chapter",
    "sub_chapter_code",
    "sub_chapter",
    "description_en",
    "label_fr",
    "chapter_fr",
    "sub_chapter_fr",
)

# Three pairs of digits, each pair optionally separated by a space, dot, dash or slash; an optional
# asterisk (hazardous mark) after. Anything else around the code (e.g. "EWC", "code") is ignored.
_CODE = re.compile(r"(?<!\d)(\d{2})[\s.\-/]?(\d{2})[\s.\-/]?(\d{2})(?!\d)\s*\*?")


@lru_cache(maxsize=1)
def _waste_codes() -> pd.DataFrame:
    frame = read_package_csv("list_of_waste.csv")
    frame["hazardous"] = parse_bool(frame["hazardous"])
    return frame


def load_waste_codes() -> pd.DataFrame:
    """Return the 842 codes of the EU List of Waste.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`WASTE_CODE_COLUMNS`: ``code`` (6 digits), ``code_spaced`` (``"16 11 01"``),
        ``hazardous`` (bool, the asterisk), ``entry_type`` (``absolute_hazardous``,
        ``mirror_hazardous``, ``absolute_non_hazardous``, ``mirror_non_hazardous``),
        ``chapter_code`` (2 digits), ``chapter``, ``sub_chapter_code`` (4 digits), ``sub_chapter``,
        ``description_en`` (English), then the French wording of the list: ``label_fr`` (the entry),
        ``chapter_fr`` and ``sub_chapter_fr`` (the titles of its chapter and sub-chapter). A fresh
        copy.
    """
    return _waste_codes().copy()


@lru_cache(maxsize=1)
def _hazard_by_code() -> dict[str, bool]:
    frame = _waste_codes()
    return dict(zip(frame["code"], frame["hazardous"], strict=True))


def normalise_waste_code(text: object) -> str | None:
    """Return the 6-digit form of a waste code typed by a person, or None.

    Accepts ``"16 11 01*"``, ``"161101"``, ``"16-11-01"``, ``"16.11.01"``, ``"EWC 16 11 01 *"``.
    Returns None when the text holds no 6-digit code or the code is not in the List of Waste.

    Examples
    --------
    >>> normalise_waste_code("16 11 01*")
    '161101'
    >>> normalise_waste_code("99 99 99") is None
    True
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return None
    match = _CODE.search(str(text).strip())
    if match is None:
        return None
    code = "".join(match.groups())
    return code if code in _hazard_by_code() else None


def is_hazardous(code: object) -> bool:
    """Whether a waste code is hazardous (asterisk) in the List of Waste.

    Parameters
    ----------
    code
        Any form :func:`normalise_waste_code` accepts.

    Raises
    ------
    KeyError
        When ``code`` is not a code of the List of Waste.
    """
    normal = normalise_waste_code(code)
    if normal is None:
        raise KeyError(f"not a List of Waste code: {code!r}")
    return _hazard_by_code()[normal]


def format_waste_code(code: str, *, star: bool = True) -> str:
    """Return ``"16 11 01*"`` for ``"161101"`` (the printed form, asterisk when hazardous)."""
    normal = normalise_waste_code(code)
    if normal is None:
        raise KeyError(f"not a List of Waste code: {code!r}")
    spaced = f"{normal[:2]} {normal[2:4]} {normal[4:]}"
    return spaced + ("*" if star and _hazard_by_code()[normal] else "")
