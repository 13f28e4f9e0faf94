"""The ``check_*`` functions of a stream row: category, waste code, hazard, quantity and time profile.

Each takes the :class:`~symbiosis.ingest.rows.RowContext` of one row (and the reference data it
needs), records its issues there and returns the clean value(s).
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from symbiosis.i18n import Text, TextTable
from symbiosis.ingest.category_inference import CORRECTION_MIN_SCORE, CategoryChoice
from symbiosis.ingest.fields import (
    AVAILABILITY_WORDS,
    choice_words_map,
    close_matches,
    fold,
    read_choice,
    read_date,
    read_float,
    read_months,
    read_yes_no,
)
from symbiosis.ingest.quantity_bounds import check_magnitude
from symbiosis.ingest.rows import RowContext
from symbiosis.numbers import format_number, format_percent
from symbiosis.schemas import ALL_MONTHS, SPARE_CAPACITY_KINDS
from symbiosis.units import Conversion, UnitError, to_canonical
from symbiosis.units.table import read_unit

__all__ = [
    "FATE_WORDS",
    "SIZE_WORDS",
    "TEMPERATURE_BANDS_C",
    "USE_WORDS",
    "CategoryIndex",
    "check_baseline",
    "check_category",
    "check_hazardous",
    "check_quality",
    "check_quantity",
    "check_temperature_band",
    "check_time",
    "check_waste_code",
    "corrected_for_side",
    "corrected_for_unit",
    "receiving_service_offered",
    "temperature_band",
    "waste_code_table",
]


def _words_map(groups: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Folded word → canonical value, the canonical value itself included (French words kept for reports)."""
    return choice_words_map(groups)


class CategoryIndex:
    """Categories by id and by folded label or synonym (French and English)."""

    def __init__(self, categories: pd.DataFrame):
        self.by_id: dict[str, dict[str, Any]] = {
            str(r["category_id"]): r for r in categories.to_dict("records")
        }
        self.by_fold: dict[str, str] = {fold(i): i for i in self.by_id}
        self.by_label: dict[str, str] = {}
        for cid, row in self.by_id.items():
            words = [
                row.get("label_fr", ""),
                row.get("label_en", ""),
                *str(row.get("synonyms_fr", "") or "").split("|"),
                *str(row.get("synonyms_en", "") or "").split("|"),
            ]
            for word in words:
                if isinstance(word, str) and word.strip():
                    self.by_label.setdefault(fold(word), cid)


def waste_code_table(waste_codes: Mapping[str, bool] | Collection[str] | pd.DataFrame) -> dict[str, bool]:
    """Return ``{6-digit code: hazardous}`` from a mapping, a frame (``code``, ``is_hazardous``) or a
    collection of codes where a trailing ``*`` marks the hazardous ones."""
    if isinstance(waste_codes, pd.DataFrame):
        flag = next((c for c in ("is_hazardous", "hazardous") if c in waste_codes.columns), None)
        flags = waste_codes[flag] if flag else waste_codes["code"].astype(str).str.endswith("*")
        pairs = zip(
            waste_codes["code"].astype(str), flags.astype(str).str.lower().isin(["true", "1"]), strict=True
        )
        return {_digits(c): bool(h) for c, h in pairs if _digits(c)}
    if isinstance(waste_codes, Mapping):
        return {_digits(c): bool(h) for c, h in waste_codes.items() if _digits(c)}
    return {_digits(c): str(c).strip().endswith("*") for c in waste_codes if _digits(c)}


def _digits(code: object) -> str:
    return re.sub(r"\D", "", str(code))


#: Categories an unknown one is illustrated with when none is close to what was typed.
_EXAMPLE_IDS = ("wood_bark", "ferrous_scrap")


def _label(category: Mapping[str, Any], lang: str) -> str:
    return str(category.get(f"label_{lang}") or category.get("category_id", ""))


def _quoted(text: str, lang: str) -> str:
    """``text`` between the language's quotation marks (« … » in French, “…” in English)."""
    return f"“{text}”" if lang == "en" else f"« {text} »"


def _inferred(ctx: RowContext, index: CategoryIndex, suggestions: Sequence[Any]) -> CategoryChoice | None:
    """The best known suggestion as an inferred category, with a warning asking for confirmation.

    The firm reads the warning: categories by their label, the confidence as a percent, never an id.
    """
    known = [s for s in suggestions if s.category_id in index.by_id]
    if not known:
        return None
    best, others = known[0], tuple(s.category_id for s in known[1:])
    category = index.by_id[best.category_id]
    none = CATEGORY_TEXTS["no_others"]
    values = {
        lang: {
            "label": _label(category, lang),
            "score": _percent(best.score, lang),
            "others": ", ".join(_label(index.by_id[o], lang) for o in others) or none.get(lang),
        }
        for lang in ("fr", "en")
    }
    ctx.error(
        "category_id",
        "inferred",
        CATEGORY_TEXTS["expected.listed"],
        _texts(CATEGORY_TEXTS["inferred"], values["fr"], values["en"]),
        found="",  # the cell was empty: the inferred category is in the fix, not what was found
        severity="warning",
    )
    return CategoryChoice(category, "inferred", float(best.score), others)


def check_category(ctx: RowContext, index: CategoryIndex, suggestions: Sequence[Any] = ()) -> CategoryChoice:
    """Find the category by id, else by label or synonym (warning), else infer it when the cell is empty.

    ``suggestions`` are the classifier's for this row (:mod:`symbiosis.ingest.category_inference`);
    used only when the cell is empty. An unknown category, or an empty one nothing can be inferred
    for, is an error naming close categories. The report is read by a person: categories by their
    label in each language, never their id.
    """
    text = ctx.text("category_id")
    key = fold(text)
    if key in index.by_fold:
        return CategoryChoice(index.by_id[index.by_fold[key]])
    if key in index.by_label:
        category = index.by_id[index.by_label[key]]
        fr, en = _labels(category)
        ctx.error(
            "category_id",
            "read_as",
            CATEGORY_TEXTS["expected.listed"],
            _texts(CATEGORY_TEXTS["read_as"], fr, en),
            severity="warning",
        )
        return CategoryChoice(category)
    if not text:
        choice = _inferred(ctx, index, suggestions)
        if choice is not None:
            return choice
        ctx.error(
            "category_id",
            "missing",
            Text(
                "une catégorie, ou une description pour la déduire",
                "a category, or a description to infer it from",
            ),
            Text(
                "Choisissez une catégorie de la liste, ou décrivez le flux (ex. « écorces de "
                "sapin ») pour qu'elle soit déduite.",
                "Pick a category from the list, or describe the stream (e.g. “fir bark”) so that "
                "it can be inferred.",
            ),
        )
        return CategoryChoice(None)
    pool = {**{fold(i): i for i in index.by_id}, **index.by_label}
    close = close_matches(key, tuple(pool), n=6, cutoff=0.5)
    ids = list(dict.fromkeys(pool[c] for c in close))[:3] or [i for i in _EXAMPLE_IDS if i in index.by_id]
    examples = {
        lang: ", ".join(_quoted(_label(index.by_id[i], lang), lang) for i in ids) for lang in ("fr", "en")
    }
    fr, en = {"examples": examples["fr"]}, {"examples": examples["en"]}
    ctx.error(
        "category_id", "unknown", CATEGORY_TEXTS["expected.listed"], _texts(CATEGORY_TEXTS["unknown"], fr, en)
    )
    return CategoryChoice(None)


def corrected_for_unit(
    ctx: RowContext, index: CategoryIndex, given: Mapping[str, Any], suggestions: Sequence[Any]
) -> CategoryChoice | None:
    """A category that fits the row's unit in place of the typed one, when the classifier is confident.

    Records a warning naming both; ``None`` (nothing recorded) when no suggestion is good enough.
    """
    known = [s for s in suggestions if s.category_id in index.by_id and s.score >= CORRECTION_MIN_SCORE]
    if not known:
        return None
    best = known[0]
    category = index.by_id[best.category_id]
    unit = ctx.text("unit")
    fr, en = (
        {
            "given": _label(given, lang),
            "unit": unit,
            "label": _label(category, lang),
            "score": _percent(best.score, lang),
        }
        for lang in ("fr", "en")
    )
    ctx.error(
        "category_id",
        "corrected",
        CATEGORY_TEXTS["expected.unit"].format(unit=unit),
        _texts(CATEGORY_TEXTS["corrected"], fr, en),
        severity="warning",
    )
    return CategoryChoice(category, "corrected", float(best.score), tuple(s.category_id for s in known[1:]))


SIDE_TEXTS = TextTable("ingest.side")
#: What the report says of a category it inferred or replaced (``ingest.category.*``).
CATEGORY_TEXTS = TextTable("ingest.category")
#: What a gas declared by volume is converted with (``ingest.gas_volume.*``).
GAS_TEXTS = TextTable("ingest.gas_volume")
#: Why a cost declared for spare capacity is not counted (``ingest.spare_cost.*``).
SPARE_COST_TEXTS = TextTable("ingest.spare_cost")


def _texts(entry: Text, fr: Mapping[str, object], en: Mapping[str, object]) -> Text:
    """A catalogue entry with each language's values."""
    return Text(entry.fr.format(**fr), entry.en.format(**en))


def _side_text(code: str, fr: Mapping[str, object], en: Mapping[str, object]) -> Text:
    """The catalogue's ``ingest.side.<code>`` with each language's values."""
    return _texts(SIDE_TEXTS[code], fr, en)


def _percent(share: float, lang: str) -> str:
    """A classifier's score as the language writes a percent (« 75 % », "75%")."""
    return format_percent(float(share), locale="en_CA" if lang == "en" else "fr_CA")


def _labels(category: Mapping[str, Any]) -> tuple[dict[str, object], dict[str, object]]:
    return {"label": _label(category, "fr")}, {"label": _label(category, "en")}


def receiving_service_offered(ctx: RowContext, category: Mapping[str, Any]) -> None:
    """Record that an offered receiving service is kept as a demand for what it treats (warning)."""
    fr, en = _labels(category)
    ctx.error(
        "direction",
        "receiving_service",
        SIDE_TEXTS["service_expected"],
        _side_text("service_fix", fr, en),
        found=ctx.text("direction"),
        severity="warning",
    )


def corrected_for_side(
    ctx: RowContext,
    index: CategoryIndex,
    given: Mapping[str, Any],
    direction: str,
    suggestions: Sequence[Any],
) -> CategoryChoice | None:
    """A category that can be matched on the row's side in place of one that never is, when the
    classifier is confident; otherwise a warning that nothing will be proposed (``None``).

    A sawmill offering « paillis d'écorce » typed as landscaping mulch — a category the knowledge base
    only ever *receives* — would silently never be proposed; its bark is.
    """
    never = _side_text(f"never.{direction}", *_labels(given))
    known = [s for s in suggestions if s.category_id in index.by_id and s.score >= CORRECTION_MIN_SCORE]
    if known:
        best = known[0]
        category = index.by_id[best.category_id]
        fr, en = _labels(category)
        fr["score"], en["score"] = _percent(best.score, "fr"), _percent(best.score, "en")
        code = "corrected_side"
        fix = _side_text(f"replaced.{direction}", {**fr, "never": never.fr}, {**en, "never": never.en})
    else:
        code = "one_sided"
        fix = _side_text(f"kept.{direction}", {"never": never.fr}, {"never": never.en})
    ctx.error(
        "category_id",
        code,
        SIDE_TEXTS[f"expected.{direction}"],
        fix,
        severity="warning",
    )
    if not known:
        return None
    return CategoryChoice(category, "corrected", float(best.score), tuple(s.category_id for s in known[1:]))


def _waste_fix(category: dict[str, Any] | None) -> Text:
    usual = ", ".join(filter(None, str((category or {}).get("waste_codes", "") or "").split("|")))
    hint_fr = f" Codes usuels pour cette catégorie : {usual}." if usual else ""
    hint_en = f" Usual codes for this category: {usual}." if usual else ""
    return Text(
        "Écrivez un code de la Liste européenne des déchets à 6 chiffres, par ex. 03 01 05, ou "
        "laissez vide." + hint_fr,
        "Write a 6-digit code of the EU List of Waste, e.g. 03 01 05, or leave it empty." + hint_en,
    )


def check_waste_code(
    ctx: RowContext, table: Mapping[str, bool], category: dict[str, Any] | None
) -> tuple[str, bool]:
    """Return ``(code, hazardous by the code)``; ``("", False)`` when empty or refused.

    Spaces, dots and dashes are ignored; a code that lost its leading zero in Excel (``30105``) gets
    it back with a warning; the asterisk is read from the list, not trusted from the cell.
    """
    text = ctx.text("waste_code")
    if not text:
        return "", False
    expected = Text("un code à 6 chiffres de la Liste des déchets", "a 6-digit List of Waste code")
    star = text.rstrip().endswith("*")
    digits = re.sub(r"[\s.\-*]", "", text)
    if re.fullmatch(r"\d{5}", digits) and "0" + digits in table:
        digits = "0" + digits
        ctx.error(
            "waste_code",
            "leading_zero",
            expected,
            Text(f"Lu comme {digits} (zéro initial rétabli).", f"Read as {digits} (leading zero restored)."),
            severity="warning",
        )
    if not re.fullmatch(r"\d{6}", digits) or (table and digits not in table):
        ctx.error(
            "waste_code",
            "invalid" if not re.fullmatch(r"\d{6}", digits) else "unknown",
            expected,
            _waste_fix(category),
        )
        return "", False
    hazardous = bool(table.get(digits, star))
    if star and not hazardous:
        ctx.error(
            "waste_code",
            "star_mismatch",
            expected,
            Text(
                "Ce code n'est pas dangereux dans la liste : l'astérisque est ignoré.",
                "This code is not hazardous in the list: the asterisk is ignored.",
            ),
            severity="warning",
        )
    usual = set(filter(None, str((category or {}).get("waste_codes", "") or "").split("|")))
    if usual and digits not in usual:
        ctx.error("waste_code", "unusual", expected, _waste_fix(category), severity="warning")
    return digits, hazardous


def check_hazardous(ctx: RowContext, code_hazardous: bool, category: dict[str, Any] | None) -> bool:
    """Declared flag, forced to True by a hazardous (``*``) waste code; empty -> the category's flag."""
    text = ctx.text("hazardous")
    declared = None
    if text:
        declared = ctx.take("hazardous", _yes_no_or_none)
    expected = Text("un indicateur cohérent avec le code de déchet", "a flag consistent with the waste code")
    if code_hazardous:
        if declared is False:
            ctx.error(
                "hazardous",
                "forced_by_code",
                expected,
                Text(
                    "Le code de déchet est dangereux (astérisque) : le flux est marqué dangereux.",
                    "The waste code is hazardous (asterisk): the stream is marked hazardous.",
                ),
                severity="warning",
            )
        return True
    category_flag = bool((category or {}).get("hazardous", False))
    if declared is None:
        return category_flag
    if category_flag and declared is False:
        ctx.error(
            "hazardous",
            "category_hazardous",
            expected,
            Text(
                "Cette catégorie est d'habitude dangereuse : vérifiez.",
                "This category is usually hazardous: please check.",
            ),
            severity="warning",
        )
    return bool(declared)


def _yes_no_or_none(text: str) -> tuple[bool | None, tuple]:
    value, problems = read_yes_no(text)
    return (None if problems else value), problems


def _positive(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number > 0 else None


def _is_mass_rate(unit: str) -> bool:
    match = read_unit(unit)
    return match is not None and match.unit.dimension == "mass_rate"


def _is_volume(unit: str) -> bool:
    match = read_unit(unit)
    return match is not None and match.unit.is_volume


def _default_density(category: dict[str, Any]) -> float | None:
    value = category.get("default_density_t_per_m3")
    try:
        value = float(value)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) and value > 0 else None


def check_density(ctx: RowContext) -> float | None:
    """Declared density in t/m³ (0 < d ≤ 25); a value in kg/m³ is refused with the fix."""
    density = ctx.take(
        "density_t_per_m3",
        read_float,
        locale=ctx.locale,
        minimum=0.0,
        maximum=25.0,
        strip="t/m3|t/m³",
        example=Text("0,25", "0.25"),
    )
    if density == 0:
        ctx.error(
            "density_t_per_m3",
            "zero",
            Text("une masse volumique > 0 (t/m³)", "a density > 0 (t/m³)"),
            Text("Laissez vide si inconnue.", "Leave empty if unknown."),
        )
    return density or None


def season_share(
    conversion: Conversion, months_mask: int, start: pd.Timestamp | None, end: pd.Timestamp | None
) -> float:
    """Share of the year a rate typed per month, week, day or hour (or a power) actually flows.

    A yearly rate (``t/an``) or a total is already what flows in a year (1.0). Otherwise the share is
    the stream's months out of 12, or for a stream with both dates its days out of 365.25.
    """
    if conversion.period != "sub_year":
        return 1.0
    if start is not None and end is not None:
        return min(((end - start).days + 1) / 365.25, 1.0)
    return bin(months_mask).count("1") / 12


def _scaled(ctx: RowContext, conversion: Conversion, share: float) -> Conversion:
    if share >= 1.0:
        return conversion
    mass = None if conversion.mass_t_per_yr is None else conversion.mass_t_per_yr * share
    scaled = replace(conversion, quantity_per_yr=conversion.quantity_per_yr * share, mass_t_per_yr=mass)
    fr = format_number(scaled.quantity_per_yr, locale="fr_CA", decimals=3)
    en = format_number(scaled.quantity_per_yr, locale="en_CA", decimals=3)
    ctx.error(
        "quantity",
        "seasonal_share",
        Text("une quantité annuelle", "a yearly quantity"),
        Text(
            f"Débit compté seulement pendant la période du flux : {fr} {scaled.quantity_unit} "
            "au total sur l'année.",
            f"Rate counted only over the stream's period: {en} {scaled.quantity_unit} in the year.",
        ),
        severity="warning",
    )
    return scaled


def check_quantity(
    ctx: RowContext,
    category: dict[str, Any] | None,
    density: float | None,
    *,
    availability: str | None,
    months_mask: int = ALL_MONTHS,
    start: pd.Timestamp | None = None,
    end: pd.Timestamp | None = None,
) -> Conversion | None:
    """Parse the quantity (never negative) and convert it with the unit to the canonical yearly quantity.

    A rate typed per month, week, day or hour counts only over the months (or dates) the stream
    exists: 10 t/mois in June–August is 30 t/yr (warning ``quantity.seasonal_share``).
    """
    one_off = availability == "one_off"
    expected_number = Text("un nombre", "a number")
    example = Text(
        "Écrivez la quantité en chiffres, par exemple 12,5.", "Write the quantity in digits, e.g. 12.5."
    )
    value = ctx.take("quantity", read_float, locale=ctx.locale, minimum=0.0)
    if value is None and not ctx.text("quantity"):
        ctx.error("quantity", "missing", expected_number, example)
    if not ctx.text("unit"):
        ctx.error(
            "unit",
            "missing",
            Text(
                "une unité de la liste (t/an, m³/jour, MWh/an…)",
                "a unit from the list (t/yr, m³/day, MWh/yr…)",
            ),
            Text(
                "Choisissez l'unité dans la liste déroulante du modèle.",
                "Pick the unit from the template's dropdown list.",
            ),
        )
        return None
    if value is None or category is None:
        return None
    energy_per_t = _positive(category.get("energy_mwh_per_t"))
    energy_per_m3 = _positive(category.get("energy_mwh_per_m3"))
    try:
        conversion = to_canonical(
            value,
            ctx.text("unit"),
            kind=str(category["kind"]),
            density_t_per_m3=density,
            total_allowed=one_off,
            default_density_t_per_m3=_default_density(category),
            energy_mwh_per_t=energy_per_t,
            energy_mwh_per_m3=energy_per_m3,
        )
    except UnitError as exc:
        ctx.error("unit", exc.code.split(".", 1)[-1], exc.expected, exc.fix)
        return None
    if energy_per_t is not None and str(category["kind"]) == "energy" and _is_mass_rate(ctx.text("unit")):
        e_fr = format_number(energy_per_t, locale="fr_CA", decimals=2)
        e_en = format_number(energy_per_t, locale="en_CA", decimals=2)
        ctx.error(
            "unit",
            "energy_per_t",
            Text("une énergie (MWh/an) ou une puissance (kW)", "an energy (MWh/yr) or a power (kW)"),
            Text(
                f"Débit de vapeur converti avec la chaleur utile d'une tonne ({e_fr} MWh/t, vapeur "
                "saturée condensée) ; donnez la chaleur en MWh/an pour plus de précision.",
                f"Steam flow converted with the usable heat of a tonne ({e_en} MWh/t, saturated "
                "steam condensed); give the heat in MWh/yr to be more precise.",
            ),
            severity="warning",
        )
    if energy_per_m3 is not None and str(category["kind"]) == "energy" and _is_volume(ctx.text("unit")):
        fr, en = _labels(category)
        ctx.error(
            "unit",
            "energy_per_m3",
            GAS_TEXTS["expected"],
            Text(
                GAS_TEXTS["fix"].fr.format(
                    value=format_number(energy_per_m3 * 1000, locale="fr_CA", decimals=1), **fr
                ),
                GAS_TEXTS["fix"].en.format(
                    value=format_number(energy_per_m3 * 1000, locale="en_CA", decimals=1), **en
                ),
            ),
            severity="warning",
        )
    if conversion.density_source == "category_default":
        d = format_number(conversion.density_t_per_m3 or 0.0, locale="fr_CA")
        d_en = format_number(conversion.density_t_per_m3 or 0.0, locale="en_CA")
        ctx.error(
            "density_t_per_m3",
            "category_default",
            Text("la masse volumique du flux", "the stream's density"),
            Text(
                f"Masse volumique par défaut de la catégorie utilisée ({d} t/m³) ; "
                "donnez la vôtre pour plus de précision.",
                f"The category's default density was used ({d_en} t/m³); give your own to be more precise.",
            ),
            severity="warning",
        )
    scaled = _scaled(ctx, conversion, season_share(conversion, months_mask, start, end))
    return scaled if check_magnitude(ctx, scaled) else None


def _months_between(start: pd.Timestamp, end: pd.Timestamp | None) -> int:
    end = start if end is None else end
    n = (end.year - start.year) * 12 + end.month - start.month
    if n >= 11:
        return ALL_MONTHS
    return sum(1 << ((start.month - 1 + k) % 12) for k in range(n + 1))


def _time_words(ctx: RowContext) -> tuple[str | None, int | None, pd.Timestamp | None, pd.Timestamp | None]:
    availability = ctx.take(
        "availability", read_choice, words=AVAILABILITY_WORDS, default="", field="availability"
    )
    months = ctx.take("months", read_months)
    start = ctx.take("start_date", read_date, locale=ctx.locale)
    end = ctx.take("end_date", read_date, locale=ctx.locale)
    if start is not None and end is not None and end < start:
        ctx.error(
            "end_date",
            "before_start",
            Text("une date de fin après le début", "an end date after the start"),
            Text("Vérifiez les dates (AAAA-MM-JJ).", "Check the dates (YYYY-MM-DD)."),
        )
    if availability == "":
        partial = months is not None and months != ALL_MONTHS
        availability = "seasonal" if partial else "one_off" if start is not None else "continuous"
    return availability, months, start, end


def check_time(ctx: RowContext) -> tuple[str | None, int, pd.Timestamp | None, pd.Timestamp | None]:
    """Return ``(availability, months_mask, start_date, end_date)``.

    Empty availability is inferred: some months -> seasonal; a start date -> one_off; else continuous.
    A continuous stream given only some months becomes seasonal (warning). A seasonal stream needs its
    months; a one-off stream without months exists in the months of its dates (all year without dates).
    """
    availability, months, start, end = _time_words(ctx)
    if availability == "continuous" and months is not None and months != ALL_MONTHS:
        ctx.error(
            "availability",
            "made_seasonal",
            Text("« saisonnier » pour des mois partiels", "“seasonal” for some months only"),
            Text(
                "Des mois sont indiqués : le flux est lu comme saisonnier.",
                "Months are given: the stream is read as seasonal.",
            ),
            severity="warning",
        )
        availability = "seasonal"
    if availability == "seasonal" and months is None and not ctx.text("months"):
        ctx.error(
            "months",
            "missing",
            Text("les mois du flux saisonnier (ex. 5-9)", "the months of the seasonal stream (e.g. 5-9)"),
            Text(
                "Indiquez les mois, par exemple 5-9 ou juin-août.", "Give the months, e.g. 5-9 or June-Aug."
            ),
        )
    if availability == "one_off" and start is None and not ctx.text("start_date"):
        ctx.error(
            "start_date",
            "missing",
            Text("la date du lot ponctuel", "the date of the one-off lot"),
            Text(
                "Donnez la date de début (AAAA-MM-JJ) pour que les partenaires sachent quand.",
                "Give the start date (YYYY-MM-DD) so partners know when.",
            ),
            severity="warning",
        )
    if months is None:
        dated = availability == "one_off" and start is not None
        months = _months_between(start, end) if dated else ALL_MONTHS
    return availability, months, start, end


# -- quality specs, today's fate, temperature bands -----------------------------------------------

FATE_WORDS = _words_map(
    {
        "landfill": (
            "enfouissement",
            "enfoui",
            "elimination",
            "lieu d'enfouissement",
            "let",
            "dump",
            "landfilled",
        ),
        "incineration": ("incinération", "incinere", "brule", "burned", "incinerated"),
        "land_spreading": (
            "épandage",
            "epandu",
            "epandage agricole",
            "land spreading",
            "spreading",
            "spread",
        ),
        "sold_byproduct": (
            "vendu",
            "vente",
            "sous-produit vendu",
            "sold",
            "sold by-product",
            "by-product",
            "byproduct",
            "sous-produit",
        ),
        "internal_reuse": (
            "réemploi interne",
            "reutilise",
            "reutilisation interne",
            "internal reuse",
            "reused",
        ),
        "paid_treatment": (
            "traitement",
            "traitement paye",
            "traite",
            "paid treatment",
            "treatment",
            "treated",
        ),
        "discharged": ("rejeté", "rejet", "evacue", "egout", "discharged", "released", "vented", "sewer"),
    }
)
USE_WORDS = _words_map(
    {
        "virgin_input": (
            "achat",
            "matiere vierge",
            "intrant vierge",
            "achete",
            "virgin",
            "purchase",
            "bought",
            "virgin input",
        ),
        "treatment_service": (
            "service de traitement",
            "traitement",
            "centre de traitement",
            "recuperateur",
            "treatment",
            "treatment service",
            "recovery service",
            "service",
        ),
    }
)
SIZE_WORDS = _words_map(
    {
        "fine": ("fin", "fins", "fines", "poudre", "poussiere", "powder", "dust", "< 1 mm"),
        "granular": ("granulaire", "granule", "granules", "grain", "grains", "granular", "1-10 mm"),
        "coarse": ("grossier", "gros", "morceaux", "concasse", "coarse", "chunks", "10-100 mm"),
        "bulky": ("encombrant", "volumineux", "blocs", "bulky", "large", "> 100 mm"),
    }
)
#: Temperature band (°C, inclusive) of the categories whose label states one.
TEMPERATURE_BANDS_C: dict[str, tuple[float | None, float | None]] = {
    "heat_ambient_lt_30c": (None, 30.0),
    "heat_low_30_60c": (30.0, 60.0),
    "heat_medium_60_90c": (60.0, 90.0),
    "heat_high_90_150c": (90.0, 150.0),
    "heat_very_high_gt_150c": (150.0, None),
    "steam_low_pressure": (100.0, 160.0),
    "steam_medium_pressure": (140.0, 250.0),
    "steam_high_pressure": (190.0, None),
    "water_condensate_hot": (40.0, 100.0),
}


def temperature_band(category: dict[str, Any] | None) -> tuple[float | None, float | None]:
    """The (low, high) band of a category: ``temperature_min_c``/``_max_c`` columns, else the table."""
    if not category:
        return None, None
    lo, hi = category.get("temperature_min_c"), category.get("temperature_max_c")
    if lo is not None or hi is not None:

        def clean(v: Any) -> float | None:
            try:
                v = float(v)
            except (TypeError, ValueError):
                return None
            return v if math.isfinite(v) else None

        return clean(lo), clean(hi)
    return TEMPERATURE_BANDS_C.get(str(category.get("category_id", "")), (None, None))


def _band_text(lo: float | None, hi: float | None) -> tuple[str, str]:
    if lo is None:
        return f"≤ {hi:g} °C", f"≤ {hi:g} °C"
    if hi is None:
        return f"≥ {lo:g} °C", f"≥ {lo:g} °C"
    return f"{lo:g} à {hi:g} °C", f"{lo:g} to {hi:g} °C"


def check_temperature_band(
    ctx: RowContext, category: dict[str, Any] | None, temperature: float | None, column: str = "temperature_c"
) -> None:
    """A declared temperature outside the category's band is an error naming the categories that fit."""
    lo, hi = temperature_band(category)
    if temperature is None or (lo is None and hi is None):
        return
    if (lo is None or temperature >= lo) and (hi is None or temperature <= hi):
        return
    fits = [
        cid
        for cid, (a, b) in TEMPERATURE_BANDS_C.items()
        if cid.split("_")[0] == str(category.get("category_id", "")).split("_")[0]
        and (a is None or temperature >= a)
        and (b is None or temperature <= b)
    ]
    band_fr, band_en = _band_text(lo, hi)
    hint = ", ".join(fits) or "heat_ambient_lt_30c"
    ctx.error(
        column,
        "outside_band",
        Text(
            f"une température de la bande de la catégorie ({band_fr})",
            f"a temperature within the category's band ({band_en})",
        ),
        Text(
            f"Vérifiez la température ou choisissez la catégorie qui lui correspond : {hint}.",
            f"Check the temperature or pick the category that fits it: {hint}.",
        ),
    )


# A run of spaces is tried from its first character only and never given back: linear on any cell.
_SIZE_SEPARATORS = re.compile(r"[|,;/]++|(?<!\s)\s++(?:et|and)\s++")


def _read_sizes(text: str) -> tuple[str, tuple]:
    """Read one or several particle-size classes (``fin|granulaire``) → ``"fine|granular"``."""
    tokens = [t for t in _SIZE_SEPARATORS.split(text) if t.strip()]
    found = []
    for token in tokens:
        value, problems = read_choice(token, SIZE_WORDS, default=None, field="particle_size")
        if problems:
            return "", problems
        found.append(value)
    return "|".join(dict.fromkeys(found)), ()


def check_quality(
    ctx: RowContext, direction: str | None, category: dict[str, Any] | None, numbers: dict[str, float | None]
) -> dict[str, Any]:
    """Declared quality of a supply, or the specification a demand accepts.

    ``numbers`` are the row's ``purity_pct``, ``moisture_pct`` and ``temperature_c``. A demand that
    gives them without the explicit spec columns has them read as its minimum purity, maximum
    moisture and minimum temperature (warning). A spec column on a supply row is ignored (warning).
    The declared temperature of a supply must fit its category's band (error otherwise).
    """
    loc = ctx.locale
    spec = {
        "min_purity_pct": ctx.take("min_purity_pct", read_float, locale=loc, maximum=100.0, strip="%"),
        "max_moisture_pct": ctx.take("max_moisture_pct", read_float, locale=loc, maximum=100.0, strip="%"),
        "min_temperature_c": ctx.take(
            "min_temperature_c", read_float, locale=loc, minimum=-60.0, maximum=2000.0, strip="°c|°|c"
        ),
        "max_contaminant_pct": ctx.take(
            "max_contaminant_pct", read_float, locale=loc, maximum=100.0, strip="%"
        ),
    }
    contaminant = ctx.take("contaminant_pct", read_float, locale=loc, maximum=100.0, strip="%")
    size = ctx.take("particle_size", _read_sizes) if ctx.text("particle_size") else ""
    accepted = ctx.take("accepted_particle_sizes", _read_sizes) if ctx.text("accepted_particle_sizes") else ""
    rejects = ctx.take("rejects_hazardous", read_yes_no) if ctx.text("rejects_hazardous") else False
    if direction == "demand":
        pairs = (
            ("purity_pct", "min_purity_pct", "pureté minimale", "minimum purity"),
            ("moisture_pct", "max_moisture_pct", "humidité maximale", "maximum moisture"),
            ("temperature_c", "min_temperature_c", "température minimale", "minimum temperature"),
        )
        for own, spec_col, fr, en in pairs:
            if numbers.get(own) is not None and spec[spec_col] is None:
                spec[spec_col] = numbers[own]
                ctx.error(
                    own,
                    "read_as_spec",
                    Text(f"la {fr} acceptée (colonne {spec_col})", f"the {en} accepted (column {spec_col})"),
                    Text(
                        f"Pour une demande, cette valeur est lue comme la {fr} acceptée.",
                        f"For a demand, this value is read as the {en} accepted.",
                    ),
                    severity="warning",
                )
        if contaminant is not None and spec["max_contaminant_pct"] is None:
            spec["max_contaminant_pct"] = contaminant
        if size and not accepted:
            accepted = size
        contaminant, size = None, ""
    else:
        for col, value in (
            *spec.items(),
            ("accepted_particle_sizes", accepted or None),
            ("rejects_hazardous", rejects or None),
        ):
            if value is not None:
                ctx.error(
                    col,
                    "demand_only",
                    Text("une valeur pour une demande seulement", "a value for a demand only"),
                    Text(
                        "Cette exigence ne s'applique qu'aux demandes : ignorée pour une offre.",
                        "This specification applies to demands only: ignored for a supply.",
                    ),
                    severity="warning",
                )
        spec = dict.fromkeys(spec)
        accepted, rejects = "", False
        check_temperature_band(ctx, category, numbers.get("temperature_c"))
    return {
        "contaminant_pct": contaminant,
        "particle_size": size or "",
        **spec,
        "accepted_particle_sizes": accepted or "",
        "rejects_hazardous": bool(rejects),
    }


def check_baseline(
    ctx: RowContext, direction: str | None, category: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Today's fate of a supply (with its cost or sale price) or today's use of a demand (price or fee).

    A sale price is stored as a negative cost of the fate ``sold_byproduct``; a gate fee makes a
    treatment service. Values given for the other direction are ignored with a warning. A cost
    declared for spare capacity (an empty return trip, idle equipment, free hours: ``category``'s kind
    in :data:`~symbiosis.schemas.SPARE_CAPACITY_KINDS`) is kept as typed but said not to count: its
    owner pays it whether the capacity is shared or not (:mod:`symbiosis.engine.baselines`).
    """
    loc = ctx.locale
    fate = ctx.take("current_fate", read_choice, words=FATE_WORDS, default="", field="current_fate")
    use = ctx.take("current_use", read_choice, words=USE_WORDS, default="", field="current_use")
    cost = ctx.take("disposal_cost_cad_per_unit", read_float, locale=loc, minimum=None, strip="$")
    sale = ctx.take("sale_price_cad_per_unit", read_float, locale=loc, strip="$")
    price = ctx.take("purchase_price_cad_per_unit", read_float, locale=loc, strip="$")
    fee = ctx.take("gate_fee_cad_per_unit", read_float, locale=loc, strip="$")
    supply_side = {"current_fate": fate, "sale_price_cad_per_unit": sale}
    demand_side = {"current_use": use, "gate_fee_cad_per_unit": fee}
    wrong = demand_side if direction == "supply" else supply_side if direction == "demand" else {}
    for col, value in wrong.items():
        if value not in (None, ""):
            ctx.error(
                col,
                "wrong_direction",
                Text(
                    "une valeur du bon sens (offre ou demande)",
                    "a value for the right direction (supply or demand)",
                ),
                Text(
                    "Cette colonne ne s'applique pas à ce sens : elle est ignorée.",
                    "This column does not apply to this direction: it is ignored.",
                ),
                severity="warning",
            )
    if direction == "supply" and sale is not None:
        if cost is not None and cost != -sale:
            ctx.error(
                "sale_price_cad_per_unit",
                "conflict",
                Text(
                    "un prix de vente ou un coût d'élimination, pas les deux",
                    "a sale price or a cost, not both",
                ),
                Text(
                    "Gardez le prix de vente (sous-produit vendu) ou le coût, pas les deux.",
                    "Keep either the sale price (by-product sold) or the cost, not both.",
                ),
            )
        cost, fate = -sale, fate or "sold_byproduct"
    kind = (category or {}).get("kind", "")
    if direction == "supply" and kind in SPARE_CAPACITY_KINDS and cost is not None and cost > 0:
        ctx.error(
            "disposal_cost_cad_per_unit",
            "spare_capacity",
            SPARE_COST_TEXTS["expected"],
            SPARE_COST_TEXTS["fix"],
            found=ctx.text("disposal_cost_cad_per_unit"),
            severity="warning",
        )
    return {
        "current_fate": fate if direction == "supply" else "",
        "disposal_cost_cad_per_unit": cost,
        "current_use": use if direction == "demand" else "",
        "purchase_price_cad_per_unit": price,
        "gate_fee_cad_per_unit": fee if direction == "demand" else None,
    }
