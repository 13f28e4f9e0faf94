"""Rebuild ``symbiosis/data/scian_canada_2022.csv`` from Statistics Canada's SCIAN/NAICS Canada 2022
structure files (one English, one French CSV), for an operator who has downloaded them.

Usage::

    python scripts/build_scian.py naics-scian-2022-structure-v1-eng.csv \\
        naics-scian-2022-structure-v1-fra.csv > symbiosis/data/scian_canada_2022.csv

Each file has a ``Code`` column and a title column (``Class title`` / ``Titre de la classe``);
sector ranges such as ``31-33`` are written once per two-digit code. Nothing is downloaded here.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path


def _titles(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    title = next(c for c in rows[0] if "title" in c.lower() or "titre" in c.lower())
    out: dict[str, str] = {}
    for row in rows:
        code = row["Code"].strip()
        if "-" in code:  # a sector range: 31-33
            first, last = (int(x) for x in code.split("-"))
            for c in range(first, last + 1):
                out[str(c)] = row[title].strip()
        elif code.isdigit():
            out[code] = row[title].strip()
    return out


def build(english: Path, french: Path) -> list[list[str]]:
    """Rows ``code, level, label_fr, label_en, source`` of every code found in both files."""
    en, fr = _titles(english), _titles(french)
    return [
        [c, str(len(c)), fr[c], en[c], "statcan_structure"]
        for c in sorted(en, key=lambda c: (len(c), c))
        if c in fr
    ]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["code", "level", "label_fr", "label_en", "source"])
    writer.writerows(build(Path(argv[0]), Path(argv[1])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
