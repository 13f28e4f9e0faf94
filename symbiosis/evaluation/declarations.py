"""Classification of labelled declarations: the classifier's categories against an advisor's.

A *labelled declarations* file holds what firms typed (description, direction, unit, temperature,
waste code) and the category an advisor filed each declaration under. The classifier reads each
declaration exactly as the importer does for an empty category cell (the same
:class:`~symbiosis.kb.classify.Declaration`), and the advisor's category is looked for first (top-1)
and among the first three (top-3). A region's own labelled declarations are the honest measure of
the classifier on that region's words.

The rows are split in two by a rule frozen before anything is measured (:func:`is_held_back`: the
SHA-256 of the row's id), so that words can be added looking at the *tune* half only and the
*held-back* half measured once, after.

>>> frame = read_declarations("tests/data/classification_quebec/declarations.csv")  # doctest: +SKIP
>>> accuracy_table(classify_declarations(frame))                                    # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = [
    "DECLARATION_COLUMNS",
    "accuracy_table",
    "classify_declarations",
    "is_held_back",
    "read_declarations",
]

#: Columns a labelled declarations file must have (``temperature_c`` and ``waste_code`` may be empty).
DECLARATION_COLUMNS = (
    "decl_id",
    "lang",
    "direction",
    "unit",
    "temperature_c",
    "waste_code",
    "description",
    "category_id",
)


def is_held_back(decl_id: str) -> bool:
    """Whether a row is in the held-back half: the SHA-256 of its id (UTF-8) is odd."""
    return int(hashlib.sha256(decl_id.encode("utf-8")).hexdigest(), 16) % 2 == 1


def read_declarations(path: str | Path) -> pd.DataFrame:
    """Read a labelled declarations CSV, check its columns and ids, and add its ``split``.

    Raises
    ------
    ValueError
        When a column is missing, an id repeats or a required cell is empty (message in French and
        English, naming the column or the rows).
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in DECLARATION_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(
            f"colonnes manquantes / missing columns: {', '.join(missing)} — attendu / expected: "
            f"{', '.join(DECLARATION_COLUMNS)}"
        )
    repeated = frame["decl_id"][frame["decl_id"].duplicated()].tolist()
    if repeated:
        raise ValueError(f"identifiants répétés / repeated ids: {', '.join(repeated)}")
    for column in ("decl_id", "direction", "unit", "description", "category_id"):
        empty = frame.index[frame[column].str.strip() == ""]
        if len(empty):
            rows = ", ".join(str(i + 2) for i in empty[:10])
            raise ValueError(f"« {column} » vide aux lignes / empty “{column}” on rows {rows}")
    split = ["holdout" if is_held_back(i) else "tune" for i in frame["decl_id"]]
    return frame.assign(split=split)


def _temperature(text: str) -> float | None:
    try:
        return float(text.replace(",", ".")) if text.strip() else None
    except ValueError:
        return None


def classify_declarations(frame: pd.DataFrame) -> pd.DataFrame:
    """Classify every declaration of ``frame`` as the importer would; add ``inferred`` (first
    category), ``alternatives`` (the next two, ``|``-joined), ``top1`` and ``top3`` (bool)."""
    from symbiosis.kb.classify import Declaration, classify_many

    columns = [frame[c].astype(str).tolist() for c in ("direction", "unit", "temperature_c", "waste_code")]
    declarations = [
        Declaration(direction=d, unit=u, temperature_c=_temperature(t), waste_code=w or None)
        for d, u, t, w in zip(*columns, strict=True)
    ]
    results = classify_many(list(frame["description"]), top=3, declarations=declarations)
    ids = [[s.category_id for s in r] for r in results]
    truth = frame["category_id"].tolist()
    return frame.assign(
        inferred=[r[0] if r else "" for r in ids],
        alternatives=["|".join(r[1:]) for r in ids],
        top1=np.array([r[:1] == [t] for r, t in zip(ids, truth, strict=True)], dtype=bool),
        top3=np.array([t in r for r, t in zip(ids, truth, strict=True)], dtype=bool),
    )


def accuracy_table(scored: pd.DataFrame) -> pd.DataFrame:
    """Top-1 and top-3 per split and language, per split and direction, and per split in total."""
    parts = []
    for by in ("lang", "direction", None):
        keys = ["split", by] if by else ["split"]
        table = scored.groupby(keys, sort=True).agg(
            n=("top1", "size"), top1=("top1", "mean"), top3=("top3", "mean")
        )
        table = table.reset_index()
        table["group"] = table[by] if by else "all"
        parts.append(table[["split", "group", "n", "top1", "top3"]])
    return pd.concat(parts, ignore_index=True)
