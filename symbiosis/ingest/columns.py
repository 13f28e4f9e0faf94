"""Header aliases of the import files: English canonical names, French names, and common variants.

Headers are matched case-, accent-, space- and punctuation-insensitively (``Quantité`` =
``quantite`` = ``QUANTITE``). The first alias after the canonical name is the French header the
French template uses.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping

__all__ = [
    "ERRORS_COLUMN",
    "FIRM_COLUMNS",
    "IGNORED",
    "MAX_HEADER_CHARS",
    "PERMIT_COLUMNS",
    "STREAM_COLUMNS",
    "drop_brackets",
    "header_label",
    "header_language",
    "match_headers",
    "normalise_header",
]

#: Canonical name -> (French header, other accepted spellings).
FIRM_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "firm_id": ("id_entreprise", "entreprise_id", "id", "identifiant", "no_entreprise", "company_id"),
    "name": ("nom", "nom_entreprise", "raison_sociale", "entreprise", "company", "firm", "firm_name"),
    "scian_code": ("code_scian", "scian", "naics", "naics_code", "code_naics"),
    "park_id": ("parc", "parc_industriel", "id_parc", "park", "industrial_park"),
    "municipality": ("municipalite", "ville", "city", "town"),
    "lat": ("latitude",),
    "lon": ("longitude", "lng", "long"),
    "contact_name": ("nom_contact", "contact", "personne_contact", "personne_ressource"),
    "contact_email": ("courriel_contact", "courriel", "email", "e_mail", "adresse_courriel"),
    "contact_phone": ("telephone_contact", "telephone", "tel", "phone"),
    "accepts_hazardous": ("accepte_dangereux", "accepte_matieres_dangereuses", "hazardous_permit"),
    "confidentiality": ("confidentialite", "visibilite", "visibility"),
}
STREAM_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "stream_id": ("id_flux", "flux_id", "stream", "identifiant_flux"),
    "firm_id": FIRM_COLUMNS["firm_id"],
    "direction": ("sens", "type_flux", "offre_demande", "supply_demand"),
    "category_id": ("categorie", "id_categorie", "category"),
    "waste_code": ("code_dechet", "code_ced", "code_lod", "ewc", "ewc_code", "low_code", "code_residu"),
    "description": ("description", "desc", "libelle", "matiere"),
    "quantity": ("quantite", "qte", "qty", "volume_annuel", "amount"),
    "unit": ("unite", "unites", "units", "unite_mesure"),
    "density_t_per_m3": ("masse_volumique_t_par_m3", "masse_volumique", "densite", "density"),
    "hazardous": ("dangereux", "matiere_dangereuse", "hazardous_waste"),
    "moisture_pct": ("humidite_pct", "humidite", "moisture", "teneur_en_eau_pct"),
    "temperature_c": ("temperature_c", "temperature", "temp_c", "temperature_celsius"),
    "purity_pct": ("purete_pct", "purete", "purity"),
    "contaminant_pct": (
        "contaminants_pct",
        "contaminants",
        "teneur_contaminants_pct",
        "contaminants_percent",
    ),
    "particle_size": ("granulometrie", "classe_granulometrique", "taille_particules", "particle_size_class"),
    "min_purity_pct": ("purete_min_pct", "purete_minimale", "purete_min", "min_purity"),
    "max_moisture_pct": ("humidite_max_pct", "humidite_maximale", "humidite_max", "max_moisture"),
    "min_temperature_c": ("temperature_min_c", "temperature_minimale", "temperature_min", "min_temperature"),
    "return_temperature_c": (
        "temperature_retour_c",
        "temperature_retour",
        "temperature_de_retour",
        "temperature_de_retour_c",
        "return_temperature",
        "return_temp_c",
    ),
    "max_contaminant_pct": (
        "contaminants_max_pct",
        "contaminants_max",
        "teneur_max_contaminants",
        "max_contaminants",
    ),
    "accepted_particle_sizes": ("granulometries_acceptees", "granulometrie_acceptee", "accepted_sizes"),
    "rejects_hazardous": ("refuse_dangereux", "refuse_matieres_dangereuses", "no_hazardous"),
    "quality_notes": ("notes_qualite", "qualite", "quality", "notes"),
    "availability": ("disponibilite", "profil", "availability_profile"),
    "months": ("mois", "mois_disponibles", "saison", "season"),
    "start_date": ("date_debut", "debut", "start"),
    "end_date": ("date_fin", "fin", "end"),
    "current_fate": ("devenir_actuel", "destination_actuelle", "devenir", "fate"),
    "disposal_cost_cad_per_unit": ("cout_elimination_cad_par_unite", "cout_elimination", "disposal_cost"),
    "sale_price_cad_per_unit": ("prix_vente_cad_par_unite", "prix_vente", "sale_price", "selling_price"),
    "current_use": ("usage_actuel", "approvisionnement_actuel", "current_supply"),
    "purchase_price_cad_per_unit": ("prix_achat_cad_par_unite", "prix_achat", "purchase_price"),
    "gate_fee_cad_per_unit": (
        "redevance_cad_par_unite",
        "frais_reception",
        "tarif_reception",
        "gate_fee",
        "tipping_fee",
    ),
    "min_lot_per_yr": ("lot_min_par_an", "lot_minimum", "min_lot"),
    "max_distance_km": ("distance_max_km", "distance_max", "max_distance"),
    "confidentiality": FIRM_COLUMNS["confidentiality"],
}
PERMIT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "permit_id": ("id_autorisation", "autorisation_id", "no_autorisation_interne", "permit"),
    "firm_id": FIRM_COLUMNS["firm_id"],
    "permit_type": ("type_autorisation", "type_permis", "voie", "pathway", "authorisation_type"),
    "reference": (
        "reference_autorisation",
        "numero_autorisation",
        "no_autorisation",
        "permit_number",
        "authorisation_reference",
    ),
    "categories": ("categories_couvertes", "matieres_couvertes", "covered_categories"),
    "waste_codes": ("codes_dechets_couverts", "codes_couverts", "covered_waste_codes", "codes_lod"),
    "valid_until": ("valide_jusqu_au", "date_expiration", "expiration", "expiry", "expires"),
    "conditions": ("conditions_autorisation", "permit_conditions"),
}
#: The column a rejected-rows file adds; ignored silently on re-upload.
ERRORS_COLUMN = "erreurs_errors"
IGNORED: frozenset[str] = frozenset({"erreurserrors", "ligne", "row", "source_row"})
#: A header longer than this matches no column (the longest alias with its unit is far shorter); it is
#: never normalised nor searched, so a hostile header cell costs nothing.
MAX_HEADER_CHARS = 200
_NOT_KEY = re.compile(r"[^a-z0-9]++")


@functools.lru_cache(maxsize=4096)
def _header_key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).lower()
    text = "".join(c for c in text if not unicodedata.combining(c))
    return _NOT_KEY.sub("", text)


def normalise_header(text: str) -> str:
    """Return the comparison key of a header: lower case, no accents, letters and digits only."""
    return _header_key(str(text))


def drop_brackets(text: str) -> str:
    """Remove every ``(...)`` and ``[...]`` segment (to the first closing bracket), in linear time.

    ``"Masse volumique (t/m³)"`` gives ``"Masse volumique "``; an opening bracket that is never
    closed is kept. A regular expression such as ``\\(.*?\\)`` rescans the rest of the text from
    every unclosed ``(``: quadratic on a cell of a million ``(``.
    """
    out: list[str] = []
    next_close = {"(": -1, "[": -1}
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in next_close:
            if next_close[c] is not None and next_close[c] < i:  # search again only past the last one
                found = text.find(")" if c == "(" else "]", i + 1)
                next_close[c] = found if found >= 0 else None
            if next_close[c] is not None:
                i = next_close[c] + 1
                continue
        out.append(c)
        i += 1
    return "".join(out)


def _alias_index(tables: Iterable[Mapping[str, tuple[str, ...]]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for table in tables:
        for canonical, aliases in table.items():
            for alias in (canonical, *aliases):
                index.setdefault(normalise_header(alias), canonical)
    return index


_INDEX = _alias_index([STREAM_COLUMNS, FIRM_COLUMNS, PERMIT_COLUMNS])
_FRENCH = {normalise_header(a[0]) for t in (FIRM_COLUMNS, STREAM_COLUMNS, PERMIT_COLUMNS) for a in t.values()}
_ENGLISH = {normalise_header(c) for t in (FIRM_COLUMNS, STREAM_COLUMNS, PERMIT_COLUMNS) for c in t}


def match_headers(headers: Iterable[str]) -> tuple[dict[str, str], list[str], list[str]]:
    """Match file headers to canonical column names.

    Returns
    -------
    header_map
        Raw header -> canonical name, for the first header of each canonical column.
    unknown
        Raw headers that match no column (kept aside, reported as warnings).
    duplicates
        Raw headers that repeat a column already matched (ignored, reported as warnings).
    """
    header_map: dict[str, str] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for raw in headers:
        if len(str(raw)) > MAX_HEADER_CHARS:
            unknown.append(raw)
            continue
        key = normalise_header(raw)
        canonical = _INDEX.get(key) or _INDEX.get(normalise_header(drop_brackets(str(raw))))
        if canonical is None:
            if key and key not in IGNORED:
                unknown.append(raw)
        elif canonical in header_map.values() or raw in header_map:
            duplicates.append(raw)
        else:
            header_map[raw] = canonical
    return header_map, unknown, duplicates


def header_language(headers: Iterable[str]) -> str:
    """Guess the language of a file from its headers: ``fr`` unless English names dominate."""
    keys = [normalise_header(h) for h in headers if len(str(h)) <= MAX_HEADER_CHARS]
    french = sum(k in _FRENCH and k not in _ENGLISH for k in keys)
    english = sum(k in _ENGLISH and k not in _FRENCH for k in keys)
    return "en" if english > french else "fr"


def header_label(canonical: str, lang: str = "fr") -> str:
    """Return the template header of a canonical column in ``lang``."""
    if lang != "fr":
        return canonical
    table = (
        STREAM_COLUMNS
        if canonical in STREAM_COLUMNS
        else FIRM_COLUMNS
        if canonical in FIRM_COLUMNS
        else PERMIT_COLUMNS
    )
    return table[canonical][0]
