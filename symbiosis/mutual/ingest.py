"""Import of the mutualisation files (CSV or XLSX): header aliases, row validation, the bilingual report.

Files are read by the importer's own reader (:func:`symbiosis.ingest.read_table`: encoding and
separator sniffing, XLSX, size caps, never raises); this module maps their headers (English
canonical names, French names, variants) and validates every row with the importer's row machinery
(:func:`symbiosis.ingest.rows.run_rows`): a row with any error is rejected whole and reported with its
row, column, what was expected and how to fix it, in French and English; good rows are never lost.

Typical use::

    raw = read_table(data, filename="achats.csv")
    result = validate_mutual_table(raw, "purchases", known_firm_ids=registry_ids)
    result.valid                  # frame following symbiosis.mutual.tables.PURCHASES
    result.report.to_frame("fr")  # Ligne, Colonne, Attendu, Trouvé, Correction, Gravité
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
from collections.abc import Collection, Mapping
from functools import partial
from typing import Any

from symbiosis.findings import Finding
from symbiosis.i18n import Text, tn
from symbiosis.ingest.columns import normalise_header
from symbiosis.ingest.fields import fold, read_float, read_id, read_months, read_text
from symbiosis.ingest.reader import RawTable, read_table
from symbiosis.ingest.rows import ImportResult, RowContext, generated_id, run_rows
from symbiosis.mutual import reference as ref
from symbiosis.mutual.ingest_fields import ALL_WEEKDAYS, read_days, read_frequency, read_periods, read_window
from symbiosis.mutual.tables import MUTUAL_TABLES, MutualData
from symbiosis.schemas import ALL_MONTHS
from symbiosis.units import UnitError, to_canonical
from symbiosis.units.words import unit_label

__all__ = [
    "FRENCH_STEMS",
    "HEADERS",
    "ID_COLUMNS",
    "guess_mutual_table",
    "mutual_data",
    "read_mutual_upload",
    "rejected_ids",
    "table_from_filename",
    "validate_mutual_bytes",
    "validate_mutual_table",
]

_FIRM = ("id_entreprise", "entreprise_id", "id", "no_entreprise", "company_id")
_MAX = ("distance_max_km", "distance_max", "max_distance")
_MONTHS = ("mois", "mois_concernes", "saison", "season")
#: Canonical column -> (French header, other accepted spellings), per table.
HEADERS: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "purchases": {
        "purchase_id": ("id_achat", "achat_id", "purchase"),
        "firm_id": _FIRM,
        "category_id": ("categorie", "categorie_achat", "category"),
        "description": ("description", "libelle"),
        "quantity_per_yr": ("quantite_par_an", "quantite", "qte", "quantity", "qty"),
        "unit": ("unite", "units", "unite_mesure"),
        "months": _MONTHS,
        "price_cad_per_unit": ("prix_cad_par_unite", "prix_unitaire", "prix", "price", "unit_price"),
        "max_distance_km": _MAX,
    },
    "capacity_offers": {
        "offer_id": ("id_offre", "offre_id", "offer"),
        "firm_id": _FIRM,
        "asset_type": ("type_equipement", "equipement", "type", "asset"),
        "description": ("description", "libelle"),
        "hours_per_week": ("heures_par_semaine", "heures_semaine", "heures", "hours"),
        "days": ("jours", "days"),
        "periods": ("periodes", "plages", "moment", "periods"),
        "months": _MONTHS,
        "cost_cad_per_h": ("cout_cad_par_h", "cout_horaire", "tarif_horaire", "hourly_cost"),
        "fixed_cost_cad_per_yr": ("couts_fixes_cad_par_an", "couts_fixes", "fixed_cost"),
        "host_hours_per_yr": ("heures_hote_par_an", "heures_hote", "host_hours"),
        "max_distance_km": _MAX,
    },
    "capacity_needs": {
        "need_id": ("id_besoin", "besoin_id", "need"),
        "firm_id": _FIRM,
        "asset_type": ("type_equipement", "equipement", "type", "asset"),
        "description": ("description", "libelle"),
        "hours_per_week": ("heures_par_semaine", "heures_semaine", "heures", "hours"),
        "days": ("jours", "days"),
        "periods": ("periodes", "plages", "moment", "periods"),
        "months": _MONTHS,
        "alternative_cost_cad_per_h": (
            "cout_actuel_cad_par_h",
            "cout_actuel",
            "cout_alternatif",
            "current_cost_per_h",
        ),
        "max_distance_km": _MAX,
    },
    "treatment_needs": {
        "need_id": ("id_besoin", "besoin_id", "need"),
        "firm_id": _FIRM,
        "treatment_type": ("type_traitement", "traitement", "treatment"),
        "description": ("description", "libelle"),
        "quantity_per_yr": ("quantite_par_an", "quantite", "qte", "quantity"),
        "unit": ("unite", "units"),
        "current_cost_cad_per_unit": ("cout_actuel_cad_par_unite", "cout_actuel", "current_cost"),
    },
    "pickups": {
        "pickup_id": ("id_collecte", "collecte_id", "pickup"),
        "firm_id": _FIRM,
        "residue_id": ("residu", "matiere", "residue"),
        "description": ("description", "libelle"),
        "quantity": ("quantite", "qte", "qty"),
        "unit": ("unite", "units"),
        "frequency": ("frequence", "freq"),
        "window": ("plage_horaire", "fenetre", "heures_collecte", "time_window"),
        "receiver_id": ("id_receveur", "receveur", "recuperateur", "receiver"),
        "current_cost_cad_per_pickup": (
            "cout_actuel_cad_par_collecte",
            "cout_par_collecte",
            "cout_actuel",
            "current_cost",
        ),
    },
    "receivers": {
        "receiver_id": ("id_receveur", "receveur_id", "receiver"),
        "name": ("nom", "raison_sociale"),
        "firm_id": _FIRM,
        "lat": ("latitude",),
        "lon": ("longitude", "lng", "long"),
        "residues": ("residus", "matieres", "residus_acceptes"),
        "trucks": ("camions", "nb_camions", "trucks"),
    },
}
_REQUIRED = {
    "purchases": ("firm_id", "category_id", "quantity_per_yr", "price_cad_per_unit"),
    "capacity_offers": ("firm_id", "asset_type", "hours_per_week", "cost_cad_per_h"),
    "capacity_needs": ("firm_id", "asset_type", "hours_per_week", "alternative_cost_cad_per_h"),
    "treatment_needs": ("firm_id", "treatment_type", "quantity_per_yr", "current_cost_cad_per_unit"),
    "pickups": ("firm_id", "residue_id", "quantity", "unit", "frequency"),
    "receivers": ("receiver_id", "name", "lat", "lon", "residues"),
}
_ID = {
    "purchases": ("purchase_id", "A"),
    "capacity_offers": ("offer_id", "O"),
    "capacity_needs": ("need_id", "B"),
    "treatment_needs": ("need_id", "U"),
    "pickups": ("pickup_id", "K"),
    "receivers": ("receiver_id", "R"),
}
#: French file stem of each table (``achats.csv`` for ``purchases``…).
FRENCH_STEMS: Mapping[str, str] = {
    "purchases": "achats",
    "capacity_offers": "capacites_offertes",
    "capacity_needs": "besoins_equipements",
    "treatment_needs": "besoins_traitement",
    "pickups": "collectes",
    "receivers": "receveurs",
}
#: Key column of each table.
ID_COLUMNS: Mapping[str, str] = {table: column for table, (column, _) in _ID.items()}
_FILE_CODES = {"file.unknown_column", "file.duplicate_column", "file.no_known_column"}
#: Default shift of a pickup without a window (minutes after midnight).
DEFAULT_WINDOW = (7 * 60 + 30, 16 * 60 + 30)
#: Unknown words a residues finding names (the first ones), and the characters shown of each.
_SHOWN_WORDS, _SHOWN_CHARS = 3, 40
_CONVERTIBLE = {("kg", "t"): 0.001, ("t", "kg"): 1000.0, ("l", "m3"): 0.001, ("m3", "l"): 1000.0}


def _header_issues(unknown: list[str]) -> list[Finding]:
    return [
        Finding(
            row=None,
            column=raw,
            expected=Text("une colonne du modèle", "a template column"),
            found=raw,
            fix=Text(
                "Colonne ignorée ; renommez-la comme dans le modèle si elle doit être lue.",
                "This column is ignored; rename it as in the template if it should be read.",
            ),
            severity="warning",
            code="file.unknown_column",
        )
        for raw in unknown
    ]


def _remap(raw: RawTable, table: str) -> RawTable:
    """Map the headers to ``table``'s columns; add the columns the file lacks, empty (named in French)."""
    index = {normalise_header(a): c for c, aliases in HEADERS[table].items() for a in (c, *aliases)}
    header_map: dict[str, str] = {}
    unknown = []
    for header in raw.frame.columns:
        canonical = index.get(normalise_header(header))
        if canonical and canonical not in header_map.values():
            header_map[header] = canonical
        elif normalise_header(header) not in {"erreurserrors", "ligne", "row", "sourcerow"}:
            unknown.append(header)
    frame = raw.frame.copy()
    for canonical, aliases in HEADERS[table].items():
        if canonical not in header_map.values():
            name = aliases[0] if raw.lang == "fr" else canonical
            frame[name] = ""
            header_map[name] = canonical
    issues = [i for i in raw.issues if i.code not in _FILE_CODES] + _header_issues(unknown)
    return dataclasses.replace(
        raw, frame=frame, header_map=header_map, unknown_columns=tuple(unknown), issues=tuple(issues)
    )


def _missing(raw: RawTable, table: str, present: set[str]) -> list[Finding]:
    if raw.frame.empty:
        return []
    return [
        Finding(
            row=None,
            column=HEADERS[table][c][0],
            expected=Text("cette colonne", "this column"),
            found="",
            fix=Text(
                f"Ajoutez la colonne « {HEADERS[table][c][0]} » (voir le modèle).",
                f"Add the column “{c}” (see the template).",
            ),
            severity="error",
            code=f"{c}.missing_column",
        )
        for c in _REQUIRED[table]
        if c not in present
    ]


def _firm(ctx: RowContext, known: Collection[str] | None) -> str:
    firm_id = ctx.take("firm_id", read_id)
    expected = Text("l'identifiant d'une entreprise du registre", "the id of a firm of the registry")
    if not firm_id:
        ctx.error(
            "firm_id",
            "missing",
            expected,
            Text("Indiquez l'identifiant de l'entreprise (id_entreprise).", "Give the firm's id (firm_id)."),
        )
    elif known is not None and firm_id not in known:
        ctx.error(
            "firm_id",
            "unknown",
            expected,
            Text(
                "Aucune entreprise du registre n'a cet identifiant : importez-la d'abord.",
                "No firm of the registry has this id: import it first.",
            ),
        )
    return firm_id


@functools.lru_cache(maxsize=8)
def _index(kind: str) -> tuple[dict[str, str], tuple[str, ...], dict[str, tuple[str, str]]]:
    """Word index, ids and id -> (French, English) label of a bundled table: ``category``, ``asset``,
    ``residue`` or ``treatment``."""
    if kind == "category":
        table, column = ref.load_purchase_categories(), "category_id"
    elif kind == "asset":
        table, column = ref.load_asset_types(), "asset_type"
    elif kind == "residue":
        table, column = ref.load_residues(), "residue_id"
    else:
        table, column = ref.load_treatment_types(), "treatment_type"
    ids = tuple(table[column].astype(str))
    pairs = zip(table["label_fr"].astype(str), table["label_en"].astype(str), strict=True)
    labels = dict(zip(ids, pairs, strict=True))
    return ref.word_index(table, column), ids, labels


def _closest(text: str, ids: tuple[str, ...], labels: dict[str, tuple[str, str]]) -> list[str]:
    """Up to three ids whose id or label is closest to ``text`` (the list's first four when none is)."""
    words = {fold(w): i for i in ids for w in (i, *labels[i])}
    close = difflib.get_close_matches(fold(text), list(words), n=6, cutoff=0.4) if text else []
    found = list(dict.fromkeys(words[w] for w in close))[:3]
    return found or list(ids[:4])


def _choice(ctx: RowContext, column: str, kind: str) -> str:
    text = ctx.text(column)
    index, ids, labels = _index(kind)
    found = ref.lookup_word(index, column, text)
    if found is None:
        close = _closest(text, ids, labels)
        listed_fr = " ; ".join(f"« {labels[i][0]} »" for i in close)
        listed_en = "; ".join(f"“{labels[i][1]}”" for i in close)
        ctx.error(
            column,
            "missing" if not text else "unknown",
            Text("une valeur de la liste", "a value from the list"),
            Text(
                f"Choisissez une valeur de la liste, par exemple : {listed_fr}.",
                f"Pick a value from the list, for example: {listed_en}.",
            ),
        )
    return found or ""


def _number(
    ctx: RowContext,
    column: str,
    *,
    required: bool,
    positive: bool = False,
    strip: str = "",
    minimum: float | None = 0.0,
    maximum: float | None = None,
) -> float | None:
    value = ctx.take(column, read_float, locale=ctx.locale, strip=strip, minimum=minimum, maximum=maximum)
    if (
        value is None
        and required
        and not any(i.severity == "error" and i.code.startswith(column) for i in ctx.issues)
    ):
        ctx.error(
            column,
            "missing",
            Text("un nombre", "a number"),
            Text("Cette valeur est obligatoire.", "This value is required."),
        )
    elif value is not None and positive and value <= 0:
        ctx.error(
            column,
            "not_positive",
            Text("un nombre plus grand que 0", "a number above 0"),
            Text("Indiquez une quantité positive.", "Give a positive quantity."),
        )
        return None
    return value


def _row_id(ctx: RowContext, table: str) -> str:
    column, prefix = _ID[table]
    return ctx.take(column, read_id) or generated_id(prefix, ctx.cells, tuple(HEADERS[table]))


def _purchase_unit(ctx: RowContext, category: str, quantity: float | None) -> tuple[str, float | None]:
    cats = ref.load_purchase_categories().set_index("category_id")
    if not category:
        return "", quantity
    unit = str(cats.at[category, "unit"])
    typed = fold(ctx.text("unit")).replace("³", "3").split("/")[0].strip()
    aliases = {fold(unit), *(fold(a) for a in str(cats.at[category, "unit_aliases"]).split("|") if a)}
    aliases |= {fold(unit_label(unit, lang)) for lang in ("fr", "en")}  # as the firm's table shows it
    fr, en = unit_label(unit, "fr"), unit_label(unit, "en")
    if not typed or typed in aliases:
        return unit, quantity
    factor = _CONVERTIBLE.get((typed, fold(unit).replace("³", "3")))
    if factor is not None and quantity is not None:
        return unit, quantity * factor
    ctx.error(
        "unit",
        "wrong_unit",
        Text(f"l'unité de la catégorie : {fr}", f"the category's unit: {en}"),
        Text(f"Donnez la quantité en {fr} par an.", f"Give the quantity in {en} per year."),
    )
    return unit, None


def _purchase_row(ctx: RowContext, *, known: Collection[str] | None) -> dict[str, Any]:
    firm_id = _firm(ctx, known)
    category = _choice(ctx, "category_id", "category")
    unit, quantity = _purchase_unit(
        ctx, category, _number(ctx, "quantity_per_yr", required=True, positive=True)
    )
    return {
        "purchase_id": _row_id(ctx, "purchases"),
        "firm_id": firm_id,
        "category_id": category,
        "description": ctx.take("description", read_text),
        "quantity_per_yr": quantity,
        "unit": unit,
        "months_mask": ctx.take("months", read_months) or ALL_MONTHS,
        "price_cad_per_unit": _number(ctx, "price_cad_per_unit", required=True, positive=True, strip="$"),
        "max_distance_km": _number(ctx, "max_distance_km", required=False, strip="km"),
    }


def _slots(ctx: RowContext) -> dict[str, Any]:
    return {
        "days_mask": ctx.take("days", read_days) or ALL_WEEKDAYS,
        "periods_mask": ctx.take("periods", read_periods) or 0b11,
        "months_mask": ctx.take("months", read_months) or ALL_MONTHS,
    }


def _offer_row(ctx: RowContext, *, known: Collection[str] | None) -> dict[str, Any]:
    return {
        "offer_id": _row_id(ctx, "capacity_offers"),
        "firm_id": _firm(ctx, known),
        "asset_type": _choice(ctx, "asset_type", "asset"),
        "description": ctx.take("description", read_text),
        "hours_per_week": _number(ctx, "hours_per_week", required=True, positive=True, strip="h"),
        **_slots(ctx),
        "cost_cad_per_h": _number(ctx, "cost_cad_per_h", required=True, strip="$"),
        "fixed_cost_cad_per_yr": _number(ctx, "fixed_cost_cad_per_yr", required=False, strip="$"),
        "host_hours_per_yr": _number(ctx, "host_hours_per_yr", required=False, strip="h"),
        "max_distance_km": _number(ctx, "max_distance_km", required=False, strip="km"),
    }


def _need_row(ctx: RowContext, *, known: Collection[str] | None) -> dict[str, Any]:
    return {
        "need_id": _row_id(ctx, "capacity_needs"),
        "firm_id": _firm(ctx, known),
        "asset_type": _choice(ctx, "asset_type", "asset"),
        "description": ctx.take("description", read_text),
        "hours_per_week": _number(ctx, "hours_per_week", required=True, positive=True, strip="h"),
        **_slots(ctx),
        "alternative_cost_cad_per_h": _number(ctx, "alternative_cost_cad_per_h", required=True, strip="$"),
        "max_distance_km": _number(ctx, "max_distance_km", required=False, strip="km"),
    }


def _treatment_row(ctx: RowContext, *, known: Collection[str] | None) -> dict[str, Any]:
    units = ref.load_treatment_types().set_index("treatment_type")["unit"]
    treatment = _choice(ctx, "treatment_type", "treatment")
    unit = str(units.get(treatment, ""))
    quantity = _number(ctx, "quantity_per_yr", required=True, positive=True)
    typed = fold(ctx.text("unit")).replace("³", "3").split("/")[0].strip()
    if treatment and typed and typed != fold(unit).replace("³", "3"):
        factor = _CONVERTIBLE.get((typed, fold(unit).replace("³", "3")))
        if factor is None:
            ctx.error(
                "unit",
                "wrong_unit",
                Text(
                    f"l'unité du traitement : {unit_label(unit, 'fr')}",
                    f"the treatment's unit: {unit_label(unit, 'en')}",
                ),
                Text(
                    f"Donnez la quantité en {unit_label(unit, 'fr')} par an.",
                    f"Give the quantity in {unit_label(unit, 'en')} per year.",
                ),
            )
        elif quantity is not None:
            quantity *= factor
    return {
        "need_id": _row_id(ctx, "treatment_needs"),
        "firm_id": _firm(ctx, known),
        "treatment_type": treatment,
        "description": ctx.take("description", read_text),
        "quantity_per_yr": quantity,
        "unit": unit,
        "current_cost_cad_per_unit": _number(ctx, "current_cost_cad_per_unit", required=True, strip="$"),
    }


def _pickup_tonnes(ctx: RowContext, residue: str, period: int | None) -> float | None:
    quantity = _number(ctx, "quantity", required=True, positive=True)
    if quantity is None or not residue:
        return None
    unit = fold(ctx.text("unit"))
    if unit in ("kg/collecte", "kg/pickup", "kg par collecte", "kg per pickup"):
        return None if period is None else quantity * 52.0 / period / 1000.0
    density = float(ref.load_residues().set_index("residue_id").at[residue, "default_density_t_per_m3"])
    try:
        return to_canonical(
            quantity, ctx.text("unit"), kind="material", default_density_t_per_m3=density
        ).quantity_per_yr
    except UnitError as exc:
        ctx.error("unit", exc.code.split(".")[-1], exc.expected, exc.fix)
        return None


def _pickup_row(ctx: RowContext, *, known: Collection[str] | None) -> dict[str, Any]:
    residue = _choice(ctx, "residue_id", "residue")
    period = ctx.take("frequency", read_frequency)
    if period is None and not ctx.text("frequency"):
        ctx.error(
            "frequency",
            "missing",
            Text("une fréquence", "a frequency"),
            Text(
                "Écrivez hebdomadaire, aux 2 semaines ou aux 4 semaines.",
                "Write weekly, fortnightly or monthly.",
            ),
        )
    window = ctx.take("window", read_window) or DEFAULT_WINDOW
    return {
        "pickup_id": _row_id(ctx, "pickups"),
        "firm_id": _firm(ctx, known),
        "residue_id": residue,
        "description": ctx.take("description", read_text),
        "quantity_t_per_yr": _pickup_tonnes(ctx, residue, period),
        "period_weeks": period,
        "window_start_min": window[0],
        "window_end_min": window[1],
        "receiver_id": ctx.take("receiver_id", read_id),
        "current_cost_cad_per_pickup": _number(ctx, "current_cost_cad_per_pickup", required=False, strip="$"),
    }


def _unknown_residues(ctx: RowContext, words: list[str]) -> None:
    """One finding for the cell, naming its first unknown words (one per word made a million findings
    out of a 2 MB file of « 1,1,1… » cells)."""
    shown = [w if len(w) <= _SHOWN_CHARS else w[:_SHOWN_CHARS] + "…" for w in words[:_SHOWN_WORDS]]
    more = "…" if len(words) > _SHOWN_WORDS else ""
    key = "mutual.ingest.residues_unknown"
    ctx.error(
        "residues",
        "unknown",
        Text("des résidus de la liste, séparés par |", "residues from the list, separated by |"),
        Text(
            tn(key, len(words), "fr", listed=", ".join(f"« {w} »" for w in shown) + more),
            tn(key, len(words), "en", listed=", ".join(f"“{w}”" for w in shown) + more),
        ),
    )


def _receiver_row(ctx: RowContext, *, known: Collection[str] | None) -> dict[str, Any]:
    residues, unknown = [], []
    for word in str(ctx.text("residues")).replace(";", "|").replace(",", "|").split("|"):
        found = ref.lookup_word(_index("residue")[0], "residue_id", word)
        if word.strip() and found is None:
            unknown.append(word.strip())
        elif found:
            residues.append(found)
    if unknown:
        _unknown_residues(ctx, unknown)
    if not residues and not any(i.code.startswith("residues") for i in ctx.issues):
        ctx.error(
            "residues",
            "missing",
            Text("au moins un résidu", "at least one residue"),
            Text("Indiquez les résidus acceptés.", "Give the residues it accepts."),
        )
    firm_id = ctx.take("firm_id", read_id)
    if firm_id and known is not None and firm_id not in known:
        ctx.error(
            "firm_id",
            "unknown",
            Text("une entreprise du registre ou rien", "a firm of the registry or nothing"),
            Text(
                "Laissez vide si le receveur n'est pas au registre.",
                "Leave empty if the receiver is not in the registry.",
            ),
        )
    trucks = _number(ctx, "trucks", required=False, maximum=50)
    name = ctx.take("name", read_text)
    if not name:
        ctx.error(
            "name",
            "missing",
            Text("le nom du receveur", "the receiver's name"),
            Text("Indiquez le nom du receveur.", "Give the receiver's name."),
        )
    return {
        "receiver_id": _row_id(ctx, "receivers"),
        "name": name,
        "firm_id": firm_id,
        "lat": _number(ctx, "lat", required=True, minimum=44.0, maximum=56.0),
        "lon": _number(ctx, "lon", required=True, minimum=-80.0, maximum=-57.0),
        "residues": "|".join(dict.fromkeys(residues)),
        "trucks": int(trucks or 0),
    }


_ROWS = {
    "purchases": _purchase_row,
    "capacity_offers": _offer_row,
    "capacity_needs": _need_row,
    "treatment_needs": _treatment_row,
    "pickups": _pickup_row,
    "receivers": _receiver_row,
}


def validate_mutual_table(
    raw: RawTable, table: str, *, known_firm_ids: Collection[str] | None = None
) -> ImportResult:
    """Validate one mutualisation file read by :func:`~symbiosis.ingest.read_table`.

    Parameters
    ----------
    raw
        The text table.
    table
        Which table (a key of :data:`~symbiosis.mutual.tables.MUTUAL_TABLES`).
    known_firm_ids
        Firms of the registry; ``None`` skips the check.
    """
    if table not in MUTUAL_TABLES:
        raise ValueError(f"unknown table {table!r}; expected one of {sorted(MUTUAL_TABLES)}")
    present = {c for h, c in _remap(raw, table).header_map.items() if h in raw.frame.columns}
    mapped = _remap(raw, table)
    known = None if known_firm_ids is None else frozenset(map(str, known_firm_ids))
    return run_rows(
        mapped,
        MUTUAL_TABLES[table],
        partial(_ROWS[table], known=known),
        id_column=_ID[table][0],
        file_issues=_missing(raw, table, present),
    )


def validate_mutual_bytes(
    data: bytes, table: str, *, filename: str = "", known_firm_ids: Collection[str] | None = None
) -> ImportResult:
    """Read and validate one mutualisation file's bytes (never raises on bad content)."""
    return validate_mutual_table(read_table(data, filename=filename), table, known_firm_ids=known_firm_ids)


def read_mutual_upload(
    data: bytes, filename: str, *, table: str | None = None, known_firm_ids: Collection[str] | None = None
) -> tuple[str | None, ImportResult | None]:
    """Read one uploaded file, recognise its table and validate it (pure: what the app's worker runs).

    Parameters
    ----------
    data, filename
        The file and its name (the name says the table: ``achats.csv``, ``pickups.xlsx``…).
    table
        The table, when the caller knows it; else from the file's name, else from its headers.
    known_firm_ids
        Firms of the registry; ``None`` skips the check.

    Returns
    -------
    tuple
        The table and the validation, or ``(None, None)`` when the table could not be recognised.
    """
    raw = read_table(data, filename=filename)
    table = table or table_from_filename(filename) or guess_mutual_table(raw)
    if table is None:
        return None, None
    return table, validate_mutual_table(raw, table, known_firm_ids=known_firm_ids)


def guess_mutual_table(raw: RawTable) -> str | None:
    """The table whose headers the file's headers match best (None when none matches two columns)."""
    keys = {normalise_header(h) for h in raw.frame.columns}
    best, hits = None, 1
    for table, columns in HEADERS.items():
        marks = {
            normalise_header(a) for c, aliases in columns.items() if c != "firm_id" for a in (c, aliases[0])
        }
        score = len(keys & marks)
        if score > hits:
            best, hits = table, score
    return best


def mutual_data(results: Mapping[str, ImportResult]) -> MutualData:
    """The valid rows of each imported table as :class:`MutualData` (tables not given stay empty)."""
    return MutualData(**{name: result.valid for name, result in results.items() if name in MUTUAL_TABLES})


def rejected_ids(result: ImportResult, table: str) -> set[str]:
    """The ids written in the rejected rows of a file of ``table`` (empty cells left out).

    A replacing import keeps the stored row of such an id as it was: a row refused for a typo never
    deletes the good version already in the registry.
    """
    column = ID_COLUMNS[table]
    names = {normalise_header(a) for a in (column, *HEADERS[table][column])}
    for header in result.rejected.columns:
        if normalise_header(str(header)) in names:
            return {str(v).strip() for v in result.rejected[header] if str(v).strip() and str(v) != "nan"}
    return set()


def table_from_filename(filename: str) -> str | None:
    """The table a file's name says (``purchases.csv``, ``achats.xlsx``…), or None."""
    stem = filename.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0].strip().lower()
    return next((t for t, french in FRENCH_STEMS.items() if stem in (t, french)), None)
