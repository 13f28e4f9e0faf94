"""Validation of a permits file: the Québec authorisations of receiving firms (``schemas.PERMITS``).

One row per authorisation: its type (REAFIE ministerial authorisation, declaration of compliance or
exemption, MRF guide, hazardous materials, CFIA feed or food), its reference, the categories
(``|``-separated, ``*`` for all) and List of Waste codes or prefixes it covers, its end date. An
authorisation that covers nothing is refused: a receiver's authorisation lists what it may take.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from functools import partial
from typing import Any

import pandas as pd

from symbiosis.i18n import Text
from symbiosis.ingest.fields import fold, read_choice, read_date, read_id, read_text
from symbiosis.ingest.firms import missing_columns
from symbiosis.ingest.reader import RawTable
from symbiosis.ingest.rows import ImportResult, RowContext, generated_id, run_rows
from symbiosis.ingest.streams import check_firm_reference
from symbiosis.schemas import PERMITS

__all__ = ["PERMIT_TYPE_WORDS", "REQUIRED_PERMIT_COLUMNS", "validate_permits"]

REQUIRED_PERMIT_COLUMNS = ("firm_id", "permit_type")
PERMIT_TYPE_WORDS: dict[str, str] = {
    fold(w): value
    for value, words in {
        "reafie_ministerial_authorisation": (
            "autorisation ministerielle",
            "am",
            "art. 22",
            "article 22",
            "ministerial authorisation",
            "ministerial authorization",
        ),
        "reafie_declaration_of_compliance": ("declaration de conformite", "dc", "declaration of compliance"),
        "reafie_exemption": ("exemption", "exempte", "exempt", "exemption reafie"),
        "mrf_guide": (
            "mrf",
            "guide mrf",
            "matieres residuelles fertilisantes",
            "epandage",
            "fertilising residuals",
        ),
        "hazardous_materials": (
            "matieres dangereuses",
            "rmd",
            "permis matieres dangereuses",
            "hazardous",
            "hazardous materials",
            "hazmat",
        ),
        "cfia_feed": ("acia aliments du betail", "aliments du betail", "feed", "cfia feed"),
        "cfia_food": ("acia aliments", "licence alimentaire", "food", "cfia food"),
    }.items()
    for w in (value, *words)
}
_ID_FIELDS = ("firm_id", "permit_type", "reference", "categories", "waste_codes")


def _codes(text: str) -> tuple[str, tuple]:
    """Waste codes or prefixes of 2, 4 or 6 digits (spaces, dots and stars ignored), ``|``-joined."""
    tokens = [re.sub(r"[\s.*\-]", "", t) for t in re.split(r"[|,;]+", text) if t.strip()]
    bad = [t for t in tokens if not re.fullmatch(r"\d{2}|\d{4}|\d{6}", t)]
    if bad:
        from symbiosis.findings import Finding

        return "", (
            Finding(
                code="waste_codes.invalid",
                expected=Text(
                    "des codes ou préfixes de 2, 4 ou 6 chiffres", "codes or prefixes of 2, 4 or 6 digits"
                ),
                fix=Text(
                    "Séparez les codes par | (ex. 16 11 01|10 03).",
                    "Separate the codes with | (e.g. 16 11 01|10 03).",
                ),
            ),
        )
    return "|".join(dict.fromkeys(tokens)), ()


def _categories(ctx: RowContext, known: Collection[str]) -> str:
    text = ctx.text("categories")
    tokens = [t.strip() for t in re.split(r"[|,;]+", text) if t.strip()]
    unknown = [t for t in tokens if t != "*" and known and t not in known]
    if unknown:
        ctx.error(
            "categories",
            "unknown",
            Text("des catégories de la liste ou *", "categories of the list or *"),
            Text(
                f"Catégories inconnues : {', '.join(unknown[:5])}.",
                f"Unknown categories: {', '.join(unknown[:5])}.",
            ),
        )
    return "|".join(dict.fromkeys(tokens))


def _permit_row(
    ctx: RowContext, *, known_firm_ids: Collection[str] | None, categories: Collection[str]
) -> dict[str, Any]:
    firm_id = check_firm_reference(ctx, known_firm_ids)
    kind = ctx.take("permit_type", read_choice, words=PERMIT_TYPE_WORDS, default=None, field="permit_type")
    covered = _categories(ctx, categories)
    codes = ctx.take("waste_codes", _codes)
    if not covered and not codes:
        ctx.error(
            "categories",
            "nothing_covered",
            Text("les catégories ou les codes de déchets couverts", "the categories or waste codes covered"),
            Text(
                "Indiquez ce que l'autorisation couvre (catégories, codes, ou * pour tout).",
                "State what the authorisation covers (categories, codes, or * for all).",
            ),
        )
    return {
        "permit_id": ctx.take("permit_id", read_id) or generated_id("P", ctx.cells, _ID_FIELDS),
        "firm_id": firm_id,
        "permit_type": kind or "",
        "reference": ctx.take("reference", read_text),
        "categories": covered,
        "waste_codes": codes or "",
        "valid_until": ctx.take("valid_until", read_date, locale=ctx.locale),
        "conditions": ctx.take("conditions", read_text),
    }


def validate_permits(
    raw: RawTable, *, known_firm_ids: Collection[str] | None = None, categories: pd.DataFrame | None = None
) -> ImportResult:
    """Validate a permits file read by :func:`~symbiosis.ingest.reader.read_table`.

    Parameters
    ----------
    raw
        The text table.
    known_firm_ids
        Firms an authorisation may belong to; ``None`` skips the check.
    categories
        Knowledge-base categories, to refuse unknown category ids.

    Returns
    -------
    ImportResult
        ``valid`` follows ``schemas.PERMITS`` (types among :data:`~symbiosis.schemas.PERMIT_TYPES`).
    """
    known = frozenset(categories["category_id"].astype(str)) if categories is not None else frozenset()
    row = partial(
        _permit_row,
        known_firm_ids=None if known_firm_ids is None else frozenset(known_firm_ids),
        categories=known,
    )
    return run_rows(
        raw, PERMITS, row, id_column="permit_id", file_issues=missing_columns(raw, REQUIRED_PERMIT_COLUMNS)
    )
