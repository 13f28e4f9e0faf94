"""Build ``symbiosis/kb/data/list_of_waste.csv`` from the DEFRA copy and the committed French labels.

Run after either input changes::

    .venv/bin/python scripts/build_waste_codes.py [../shared/reference/list_of_waste_defra.csv]

Two inputs, one output:

- the DEFRA copy of the EU List of Waste (OGL v3.0, attribution in ``symbiosis/kb/data/LICENSES.md``):
  codes, hazard flag, entry type, English chapter, sub-chapter and description. Format conversion
  only, plus ``chapter_code``/``sub_chapter_code``;
- ``symbiosis/kb/data/list_of_waste_fr.csv`` (committed, edited by hand): one row per chapter
  (2-digit code), sub-chapter (4 digits) and entry (6 digits) with its French wording
  (``label_fr``) and where that wording comes from (``wording``: ``official`` French version of
  Commission Decision 2000/532/EC as amended, ``corrected`` official text with a transcription
  fix, ``project`` this project's wording kept instead of the official one).

The French file is the only home of the French text: the build reads it, never writes it, so a
rebuild cannot lose a label, and the output is byte-for-byte the same for the same inputs
(``tests/test_kb_waste_codes.py`` checks it).
"""

from __future__ import annotations

import csv
import logging
import re
import sys
from pathlib import Path

from symbiosis.kb.waste_codes import WASTE_CODE_COLUMNS

log = logging.getLogger("build_waste_codes")

DEFAULT_SOURCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "list_of_waste_defra.csv"
DATA = Path(__file__).resolve().parents[1] / "symbiosis" / "kb" / "data"
TARGET = DATA / "list_of_waste.csv"
FRENCH = DATA / "list_of_waste_fr.csv"
COLUMNS = WASTE_CODE_COLUMNS  # the columns the package reads: one list
FRENCH_COLUMNS = ("code", "label_fr", "wording")
WORDINGS = ("official", "corrected", "project")
_CODE = re.compile(r"\d{2}|\d{4}|\d{6}")


def _problem(path: Path, line: int, column: str, en: str, fr: str) -> ValueError:
    return ValueError(
        f"{path.name}, line {line}, column {column}: {en} / ligne {line}, colonne {column} : {fr}"
    )


def read_french(path: Path = FRENCH) -> dict[str, str]:
    """Return ``{code: French wording}`` for the chapters, sub-chapters and entries of the list.

    Raises
    ------
    ValueError
        Naming the line and column of the first malformed row: a header other than
        ``code,label_fr,wording``, a code that is not 2, 4 or 6 digits, a code given twice, an empty
        label or one with spaces around it, a ``wording`` outside :data:`WORDINGS`.
    """
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if tuple(reader.fieldnames or ()) != FRENCH_COLUMNS:
            raise _problem(
                path,
                1,
                "header",
                f"expected {','.join(FRENCH_COLUMNS)}; fix the first line",
                f"attendu {','.join(FRENCH_COLUMNS)} ; corrigez la première ligne",
            )
        labels: dict[str, str] = {}
        for line, row in enumerate(reader, start=2):
            code, label, wording = row["code"] or "", row["label_fr"] or "", row["wording"] or ""
            if not _CODE.fullmatch(code):
                raise _problem(
                    path,
                    line,
                    "code",
                    f"{code!r} is not a 2-, 4- or 6-digit code without spaces",
                    f"{code!r} n'est pas un code à 2, 4 ou 6 chiffres sans espaces",
                )
            if code in labels:
                raise _problem(
                    path,
                    line,
                    "code",
                    f"{code} is given twice; keep one row",
                    f"{code} figure deux fois ; gardez une seule ligne",
                )
            if not label or label != label.strip():
                raise _problem(
                    path,
                    line,
                    "label_fr",
                    f"label of {code} is empty or has spaces around it",
                    f"le libellé de {code} est vide ou entouré d'espaces",
                )
            if wording not in WORDINGS:
                raise _problem(
                    path,
                    line,
                    "wording",
                    f"{wording!r} for {code}; expected one of {WORDINGS}",
                    f"{wording!r} pour {code} ; attendu l'une de {WORDINGS}",
                )
            labels[code] = label
    return labels


def _entry_type(text: str) -> str:
    """``"Mirror hazardous"`` -> ``"mirror_hazardous"``."""
    return text.strip().lower().replace("-", "_").replace(" ", "_")


def convert(source: Path, target: Path, french: Path = FRENCH) -> int:
    """Write the list of waste with its French columns; return the number of codes.

    Raises
    ------
    ValueError
        When the French file is malformed (see :func:`read_french`), has codes that are not in the
        list, or lacks the wording of an entry, a chapter or a sub-chapter: the build never writes
        a table with a French label missing.
    """
    with source.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    labels = read_french(french)
    known = {c for r in rows for c in (r["code"], r["code"][:2], r["code"][:4])}
    unknown = sorted(set(labels) - known)
    if unknown:
        raise ValueError(
            f"{french.name}: codes not in the List of Waste / codes absents de la liste : "
            f"{', '.join(unknown)}; remove or correct them / supprimez-les ou corrigez-les"
        )
    missing = sorted(known - set(labels))
    if missing:
        raise ValueError(
            f"{french.name}: no French wording for / aucun libellé français pour : "
            f"{', '.join(missing)}; add a row per code / ajoutez une ligne par code"
        )
    with target.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for r in rows:
            code = r["code"]
            writer.writerow(
                {
                    "code": code,
                    "code_spaced": r["code_spaced"],
                    "hazardous": r["is_hazardous"].strip().lower(),
                    "entry_type": _entry_type(r["entry_type"]),
                    "chapter_code": code[:2],
                    "chapter": r["chapter"],
                    "sub_chapter_code": code[:4],
                    "sub_chapter": r["sub_chapter"],
                    "description_en": r["description"],
                    "label_fr": labels[code],
                    "chapter_fr": labels[code[:2]],
                    "sub_chapter_fr": labels[code[:4]],
                }
            )
    return len(rows)


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    src = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    n = convert(src, TARGET)
    log.info("wrote %d codes with their French labels to %s", n, TARGET)
