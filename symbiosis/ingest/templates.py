"""Blank import templates (CSV or XLSX, French or English) with two example rows and, in XLSX,
bilingual instructions and dropdown lists."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Mapping

from symbiosis.i18n import Text, TextTable
from symbiosis.ingest.columns import FIRM_COLUMNS, STREAM_COLUMNS, header_label
from symbiosis.units import units

__all__ = ["COLUMN_HELP", "EXAMPLES", "template_bytes", "template_columns"]

#: What each import column holds, in French and English (the columns added since the catalogue holds
#: every new text have their help there, under ``ingest.column_help``: see :data:`COLUMN_HELP`).
_INLINE_HELP: dict[str, Text] = {
    "firm_id": Text(
        "Identifiant de l'entreprise (ex. F-001) ; généré s'il manque (fichier des entreprises).",
        "Firm id (e.g. F-001); generated when missing (firms file only).",
    ),
    "name": Text("Nom de l'entreprise (obligatoire).", "Firm name (required)."),
    "scian_code": Text("Code SCIAN 2022, 2 à 6 chiffres.", "NAICS Canada 2022 code, 2 to 6 digits."),
    "park_id": Text("Parc industriel (identifiant ou nom).", "Industrial park (id or name)."),
    "municipality": Text("Municipalité du site.", "Municipality of the site."),
    "lat": Text("Latitude en degrés décimaux (ex. 48,43).", "Latitude in decimal degrees (e.g. 48.43)."),
    "lon": Text(
        "Longitude, négative au Québec (ex. -71,07).", "Longitude, negative in Québec (e.g. -71.07)."
    ),
    "contact_name": Text(
        "Personne-ressource (renseignement personnel).", "Contact person (personal information)."
    ),
    "contact_email": Text("Courriel de la personne-ressource.", "Contact e-mail."),
    "contact_phone": Text("Téléphone de la personne-ressource.", "Contact phone."),
    "accepts_hazardous": Text(
        "Détient les permis pour recevoir des matières dangereuses (oui/non).",
        "Holds permits to receive hazardous residues (yes/no).",
    ),
    "confidentiality": Text(
        "public, membres ou confidentiel (défaut : confidentiel).",
        "public, members or confidential (default: confidential).",
    ),
    "stream_id": Text(
        "Identifiant stable du flux (ex. S-001) ; généré s'il manque.",
        "Stable stream id (e.g. S-001); generated when missing.",
    ),
    "direction": Text(
        "offre (résidu, surplus) ou demande (besoin).", "supply (residue, surplus) or demand (need)."
    ),
    "category_id": Text(
        "Catégorie de ressource (liste de la base de connaissances) ; laissée vide, elle est "
        "déduite de la description.",
        "Resource category (knowledge-base list); left empty, it is inferred from the description.",
    ),
    "waste_code": Text(
        "Code de la Liste européenne des déchets, 6 chiffres (ex. 03 01 05).",
        "EU List of Waste code, 6 digits (e.g. 03 01 05).",
    ),
    "description": Text("Description libre.", "Free description."),
    "quantity": Text(
        "Quantité en chiffres (ex. 12,5 ou 1 200,5).", "Quantity in digits (e.g. 12.5 or 1,200.5)."
    ),
    "unit": Text(
        "Unité de la liste (t/an, m³/jour, MWh/an, kW…).", "Unit from the list (t/yr, m³/day, MWh/yr, kW…)."
    ),
    "density_t_per_m3": Text(
        "Masse volumique en t/m³, pour convertir un volume en tonnes.",
        "Density in t/m³, to turn a volume into tonnes.",
    ),
    "hazardous": Text("Matière dangereuse (oui/non).", "Hazardous (yes/no)."),
    "moisture_pct": Text("Humidité, % massique.", "Moisture, % by mass."),
    "temperature_c": Text("Température, °C (chaleur, eau).", "Temperature, °C (heat, water)."),
    "purity_pct": Text("Offre : pureté, % massique.", "Supply: purity, % by mass."),
    "contaminant_pct": Text(
        "Offre : teneur en contaminants (corps étrangers, huile…), % massique.",
        "Supply: contaminant content (foreign matter, oil…), % by mass.",
    ),
    "particle_size": Text(
        "Offre : granulométrie (fin < 1 mm, granulaire 1–10 mm, grossier 10–100 mm, encombrant > 100 mm).",
        "Supply: particle size (fine < 1 mm, granular 1–10 mm, coarse 10–100 mm, bulky > 100 mm).",
    ),
    "min_purity_pct": Text("Demande : pureté minimale acceptée, %.", "Demand: lowest purity accepted, %."),
    "max_moisture_pct": Text(
        "Demande : humidité maximale acceptée, %.", "Demand: highest moisture accepted, %."
    ),
    "min_temperature_c": Text(
        "Demande : température minimale utilisable, °C.", "Demand: lowest supply temperature usable, °C."
    ),
    "max_contaminant_pct": Text(
        "Demande : contaminants maximaux acceptés, %.", "Demand: highest contaminant content accepted, %."
    ),
    "accepted_particle_sizes": Text(
        "Demande : granulométries acceptées, séparées par | (ex. fin|granulaire).",
        "Demand: particle sizes accepted, separated by | (e.g. fine|granular).",
    ),
    "rejects_hazardous": Text(
        "Demande : matières dangereuses refusées (oui/non).", "Demand: hazardous residues refused (yes/no)."
    ),
    "current_fate": Text(
        "Offre : devenir actuel (enfouissement, incinération, épandage, vendu, réemploi "
        "interne, traitement, rejeté).",
        "Supply: today's fate (landfill, incineration, land_spreading, sold_byproduct, "
        "internal_reuse, paid_treatment, discharged).",
    ),
    "sale_price_cad_per_unit": Text(
        "Offre vendue aujourd'hui : prix de vente, $ par unité canonique.",
        "Supply sold today: sale price, $ per canonical unit.",
    ),
    "current_use": Text(
        "Demande : achat de matière vierge, ou service de traitement qui facture une redevance.",
        "Demand: virgin_input bought, or treatment_service that charges a gate fee.",
    ),
    "gate_fee_cad_per_unit": Text(
        "Demande (service de traitement) : redevance facturée, $ par unité reçue.",
        "Demand (treatment service): gate fee charged, $ per unit received.",
    ),
    "quality_notes": Text("Autres caractéristiques de qualité.", "Other quality attributes."),
    "availability": Text("continu, saisonnier ou ponctuel.", "continuous, seasonal or one_off."),
    "months": Text(
        "Mois de disponibilité : 5-9, 6,7,8, juin-août, toute l'année.",
        "Months available: 5-9, 6,7,8, June-Aug, all year.",
    ),
    "start_date": Text("Début d'un flux ponctuel, AAAA-MM-JJ.", "Start of a one-off stream, YYYY-MM-DD."),
    "end_date": Text("Fin d'un flux ponctuel, AAAA-MM-JJ.", "End of a one-off stream, YYYY-MM-DD."),
    "disposal_cost_cad_per_unit": Text(
        "Offre : coût actuel de son devenir, $ par unité canonique (t, m³…).",
        "Supply: what today's fate costs, $ per canonical unit (t, m³, MWh…).",
    ),
    "purchase_price_cad_per_unit": Text(
        "Demande : prix d'achat actuel, $ par unité canonique.",
        "Demand: current purchase price, $ per canonical unit.",
    ),
    "min_lot_per_yr": Text(
        "Plus petite quantité annuelle intéressante (unité canonique).",
        "Smallest worthwhile yearly quantity (canonical unit).",
    ),
    "max_distance_km": Text("Distance maximale acceptée, km.", "Farthest distance accepted, km."),
}


class _ColumnHelp(Mapping[str, Text]):
    """The inline help, then the catalogue's ``ingest.column_help.*`` (read on first use)."""

    def _all(self) -> dict[str, Text]:
        return {**_INLINE_HELP, **TextTable("ingest.column_help")}

    def __getitem__(self, column: str) -> Text:
        return self._all()[column]

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


#: What each import column holds, in French and English.
COLUMN_HELP: Mapping[str, Text] = _ColumnHelp()

#: Two example rows per kind and language, as a firm would type them.
EXAMPLES: dict[tuple[str, str], list[dict[str, str]]] = {
    ("firms", "fr"): [
        dict(
            firm_id="F-001",
            name="Scierie du Lac (exemple)",
            scian_code="321111",
            municipality="Alma",
            lat="48,55",
            lon="-71,65",
            contact_name="Marie Tremblay",
            contact_email="marie@exemple.ca",
            contact_phone="418 555-0100",
            accepts_hazardous="non",
            confidentiality="membres",
        ),
        dict(
            firm_id="F-002",
            name="Fonderie Saguenay (exemple)",
            scian_code="331313",
            park_id="sag-chicoutimi-rdm",
            municipality="Saguenay",
            accepts_hazardous="oui",
            confidentiality="confidentiel",
        ),
    ],
    ("streams", "fr"): [
        dict(
            stream_id="S-001",
            firm_id="F-001",
            direction="offre",
            category_id="wood_bark",
            waste_code="03 01 01",
            description="Écorces de sapin et d'épinette",
            quantity="12 500",
            unit="t/an",
            hazardous="non",
            moisture_pct="45",
            particle_size="grossier",
            availability="continu",
            months="toute l'année",
            current_fate="enfouissement",
            disposal_cost_cad_per_unit="15",
            max_distance_km="150",
            confidentiality="membres",
        ),
        dict(
            stream_id="S-002",
            firm_id="F-002",
            direction="demande",
            category_id="wood_chips",
            description="Copeaux pour la chaudière",
            quantity="1 200,5",
            unit="m³/an",
            density_t_per_m3="0,3",
            hazardous="non",
            max_moisture_pct="50",
            accepted_particle_sizes="granulaire|grossier",
            rejects_hazardous="oui",
            availability="saisonnier",
            months="oct-avr",
            current_use="achat",
            purchase_price_cad_per_unit="25",
            max_distance_km="100",
            confidentiality="confidentiel",
        ),
    ],
}
EXAMPLES[("firms", "en")] = [
    {
        **EXAMPLES[("firms", "fr")][0],
        "name": "Lake Sawmill (example)",
        "lat": "48.55",
        "lon": "-71.65",
        "accepts_hazardous": "no",
        "confidentiality": "members",
    },
    {
        **EXAMPLES[("firms", "fr")][1],
        "name": "Saguenay Foundry (example)",
        "accepts_hazardous": "yes",
        "confidentiality": "confidential",
    },
]
EXAMPLES[("streams", "en")] = [
    {
        **EXAMPLES[("streams", "fr")][0],
        "direction": "supply",
        "description": "Fir and spruce bark",
        "quantity": "12500",
        "unit": "t/yr",
        "hazardous": "no",
        "availability": "continuous",
        "months": "all year",
        "particle_size": "coarse",
        "current_fate": "landfill",
        "confidentiality": "members",
    },
    {
        **EXAMPLES[("streams", "fr")][1],
        "direction": "demand",
        "description": "Chips for the boiler",
        "quantity": "1,200.5",
        "unit": "m³/yr",
        "density_t_per_m3": "0.3",
        "hazardous": "no",
        "accepted_particle_sizes": "granular|coarse",
        "rejects_hazardous": "yes",
        "current_use": "virgin_input",
        "availability": "seasonal",
        "months": "Oct-Apr",
        "confidentiality": "confidential",
    },
]
_SHEETS = {
    ("firms", "fr"): "entreprises",
    ("firms", "en"): "firms",
    ("streams", "fr"): "flux",
    ("streams", "en"): "streams",
}
_LISTS = {
    "unit": (lambda lang: [u.unit_fr if lang == "fr" else u.unit_en for u in units()]),
    "direction": (lambda lang: ["offre", "demande"] if lang == "fr" else ["supply", "demand"]),
    "availability": (
        lambda lang: (
            ["continu", "saisonnier", "ponctuel"] if lang == "fr" else ["continuous", "seasonal", "one_off"]
        )
    ),
    "confidentiality": (
        lambda lang: (
            ["public", "membres", "confidentiel"] if lang == "fr" else ["public", "members", "confidential"]
        )
    ),
    "hazardous": (lambda lang: ["oui", "non"] if lang == "fr" else ["yes", "no"]),
    "accepts_hazardous": (lambda lang: ["oui", "non"] if lang == "fr" else ["yes", "no"]),
    "rejects_hazardous": (lambda lang: ["oui", "non"] if lang == "fr" else ["yes", "no"]),
    "current_fate": (
        lambda lang: (
            ["enfouissement", "incinération", "épandage", "vendu", "réemploi interne", "traitement", "rejeté"]
            if lang == "fr"
            else [
                "landfill",
                "incineration",
                "land_spreading",
                "sold_byproduct",
                "internal_reuse",
                "paid_treatment",
                "discharged",
            ]
        )
    ),
    "current_use": (
        lambda lang: (
            ["achat", "service de traitement"] if lang == "fr" else ["virgin_input", "treatment_service"]
        )
    ),
    "particle_size": (
        lambda lang: (
            ["fin", "granulaire", "grossier", "encombrant"]
            if lang == "fr"
            else ["fine", "granular", "coarse", "bulky"]
        )
    ),
}


def template_columns(kind: str) -> list[str]:
    """Canonical columns of a template, in order."""
    return list(FIRM_COLUMNS if kind == "firms" else STREAM_COLUMNS)


def _rows(kind: str, lang: str) -> tuple[list[str], list[list[str]]]:
    columns = template_columns(kind)
    headers = [header_label(c, lang) for c in columns]
    return headers, [[ex.get(c, "") for c in columns] for ex in EXAMPLES[(kind, lang)]]


def _csv(kind: str, lang: str) -> bytes:
    headers, rows = _rows(kind, lang)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";" if lang == "fr" else ",", lineterminator="\r\n").writerows(
        [headers, *rows]
    )
    return buffer.getvalue().encode("utf-8-sig")


_INTRO = [
    Text(
        "Remplissez une ligne par entreprise ou par flux, à partir de la ligne 2 de la première feuille.",
        "Fill one row per firm or per stream, from row 2 of the first sheet.",
    ),
    Text(
        "Les deux lignes d'exemple peuvent être effacées. Gardez les en-têtes de la ligne 1.",
        "The two example rows may be deleted. Keep the headers of row 1.",
    ),
    Text(
        "Les nombres s'écrivent en chiffres : 12,5 ou 1 200,5. L'unité va dans sa propre colonne.",
        "Numbers are written in digits: 12.5 or 1,200.5. The unit goes in its own column.",
    ),
    Text(
        "Les listes déroulantes donnent les valeurs acceptées (unités, sens, disponibilité…).",
        "Dropdown lists give the accepted values (units, direction, availability, confidentiality).",
    ),
]


def _instructions(workbook, kind: str, lang: str) -> None:
    sheet = workbook.add_worksheet("instructions")
    bold = workbook.add_format({"bold": True})
    sheet.set_column(0, 1, 28)
    sheet.set_column(2, 3, 70)
    for i, text in enumerate(_INTRO):
        sheet.write_string(i, 0, text.fr)
        sheet.write_string(i, 2, text.en)
    top = len(_INTRO) + 1
    for j, title in enumerate(["Colonne", "Column", "Description (français)", "Description (English)"]):
        sheet.write_string(top, j, title, bold)
    for i, column in enumerate(template_columns(kind), start=top + 1):
        help_text = COLUMN_HELP[column]
        for j, value in enumerate([header_label(column, "fr"), column, help_text.fr, help_text.en]):
            sheet.write_string(i, j, value)


def _lists(workbook, kind: str, lang: str) -> dict[str, str]:
    sheet = workbook.add_worksheet("listes" if lang == "fr" else "lists")
    ranges = {}
    columns = [c for c in template_columns(kind) if c in _LISTS]
    for j, column in enumerate(columns):
        values = _LISTS[column](lang)
        sheet.write_string(0, j, header_label(column, lang))
        for i, value in enumerate(values, start=1):
            sheet.write_string(i, j, value)
        letter = chr(ord("A") + j)
        ranges[column] = f"={sheet.name}!${letter}$2:${letter}${len(values) + 1}"
    sheet.hide()
    return ranges


def _xlsx(kind: str, lang: str) -> bytes:
    import xlsxwriter

    headers, rows = _rows(kind, lang)
    buffer = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    with xlsxwriter.Workbook(buffer, options) as workbook:
        data = workbook.add_worksheet(_SHEETS[(kind, lang)])
        bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7"})
        text = workbook.add_format({"num_format": "@"})
        data.set_column(0, len(headers) - 1, 18, text)
        data.freeze_panes(1, 0)
        for j, header in enumerate(headers):
            data.write_string(0, j, header, bold)
        for i, row in enumerate(rows, start=1):
            for j, value in enumerate(row):
                if value:
                    data.write_string(i, j, value)
        _instructions(workbook, kind, lang)
        ranges = _lists(workbook, kind, lang)
        for j, column in enumerate(template_columns(kind)):
            if column in ranges:
                data.data_validation(
                    1, j, 5000, j, {"validate": "list", "source": ranges[column], "error_type": "warning"}
                )
    return buffer.getvalue()


def template_bytes(kind: str = "streams", *, lang: str = "fr", fmt: str = "xlsx") -> bytes:
    """Return a blank import template with two example rows.

    Parameters
    ----------
    kind
        ``"firms"`` or ``"streams"``.
    lang
        ``"fr"`` (French headers, ``;`` CSV) or ``"en"`` (English headers, ``,`` CSV).
    fmt
        ``"csv"`` (UTF-8 with BOM, opens correctly in Excel) or ``"xlsx"`` (instructions sheet and
        dropdown lists for unit, direction, availability, confidentiality and yes/no fields).
    """
    if kind not in ("firms", "streams"):
        raise ValueError(f"kind must be 'firms' or 'streams', not {kind!r}")
    lang = "en" if lang == "en" else "fr"
    if fmt == "csv":
        return _csv(kind, lang)
    if fmt == "xlsx":
        return _xlsx(kind, lang)
    raise ValueError(f"fmt must be 'csv' or 'xlsx', not {fmt!r}")
