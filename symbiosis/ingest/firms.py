"""Validation of the firms file: one ``check_*`` per field, rows following ``schemas.FIRMS``.

Location: declared ``lat``/``lon`` win (``coord_source='declared'``); else the industrial park's
point (``park``); else the municipality located by the geocoder (``municipality``, with a warning:
the point is the town centre). Coordinates outside a Québec box are a *warning* (firms across the
border exist); impossible ones, a forgotten minus on the longitude or swapped lat/lon are *errors*.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Collection
from functools import partial
from typing import Any, Protocol

import pandas as pd

from symbiosis.findings import Finding
from symbiosis.i18n import LANGS, Text, TextTable
from symbiosis.ingest.columns import header_label
from symbiosis.ingest.fields import (
    CONFIDENTIALITY_WORDS,
    fold,
    read_choice,
    read_email,
    read_float,
    read_id,
    read_text,
    read_yes_no,
)
from symbiosis.ingest.reader import RawTable
from symbiosis.ingest.rows import ImportResult, RowContext, generated_id, run_rows
from symbiosis.schemas import FIRMS
from symbiosis.scian import US_ONLY_CODES, load_scian, scian_label

__all__ = [
    "QUEBEC_BOX",
    "REQUIRED_FIRM_COLUMNS",
    "check_location",
    "check_park",
    "check_scian",
    "missing_columns",
    "validate_firms",
]

logger = logging.getLogger(__name__)

#: (lat_min, lat_max, lon_min, lon_max) around Québec.
QUEBEC_BOX = (44.9, 62.7, -79.8, -57.0)
_NORTH_AMERICA = (24.0, 84.0, -170.0, -50.0)
_SCIAN_SECTORS = {
    "11",
    "21",
    "22",
    "23",
    "31",
    "32",
    "33",
    "41",
    "44",
    "45",
    "48",
    "49",
    "51",
    "52",
    "53",
    "54",
    "55",
    "56",
    "61",
    "62",
    "71",
    "72",
    "81",
    "91",
}
#: The SCIAN code's messages (``ingest.scian.*`` in the catalogue): what is wrong, expected, the fix.
SCIAN_TEXTS = TextTable("ingest.scian")
_ID_FIELDS = ("name", "scian_code", "park_id", "municipality")
REQUIRED_FIRM_COLUMNS = ("name", "scian_code")


#: What a geocoder may raise when it cannot answer (network down or timed out, an unreadable cache or
#: answer, a name it cannot look up). The import goes on without it; any other error is a bug.
GEOCODER_ERRORS: tuple[type[Exception], ...] = (OSError, ValueError, LookupError)


class Locator(Protocol):
    """Anything with ``locate(name, *, province)`` returning a place with ``lat``, ``lon``.

    ``locate`` returns ``None`` for a name it does not know and raises one of
    :data:`GEOCODER_ERRORS` when it cannot answer.
    """

    def locate(self, name: str, *, province: str = "QC") -> Any: ...


def missing_columns(raw: RawTable, required: Collection[str]) -> list[Finding]:
    """Return one file-level error per required column the file lacks."""
    present = set(raw.header_map.values())
    if raw.frame.empty and not raw.header_map:
        return []
    return [
        Finding(
            row=None,
            column=header_label(c, raw.lang),
            expected=Text("cette colonne", "this column"),
            found="",
            fix=Text(
                f"Ajoutez la colonne « {header_label(c, 'fr')} » (voir le modèle).",
                f"Add the column “{c}” (see the template).",
            ),
            severity="error",
            code=f"{c}.missing_column",
        )
        for c in required
        if c not in present
    ]


def _in(box: tuple[float, float, float, float], lat: float, lon: float) -> bool:
    return box[0] <= lat <= box[1] and box[2] <= lon <= box[3]


_COORD_EXPECTED = Text(
    "des coordonnées au Québec (ex. 48,43 ; -71,07)", "coordinates in Québec (e.g. 48.43, -71.07)"
)


def _coordinate_problem(
    lat: float, lon: float, *, home_region: bool = True
) -> tuple[str, str, Text, str] | None:
    """Return ``(column, code, fix, severity)`` for suspicious coordinates, else ``None``.

    With ``home_region`` False (a registry of sites anywhere, such as the evaluation corpus of
    documented symbioses abroad) only impossible coordinates are refused.
    """
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return (
            "lat",
            "impossible",
            Text(
                "Latitude entre -90 et 90, longitude entre -180 et 180.",
                "Latitude within -90..90, longitude within -180..180.",
            ),
            "error",
        )
    if not home_region:
        return None
    if _in(QUEBEC_BOX, lat, -lon):
        return (
            "lon",
            "positive",
            Text(
                f"Au Québec la longitude est négative : écrivez {-lon}.",
                f"In Québec the longitude is negative: write {-lon}.",
            ),
            "error",
        )
    if _in(QUEBEC_BOX, lon, lat) or _in(QUEBEC_BOX, -lon, -lat) or _in(QUEBEC_BOX, lon, -lat):
        return (
            "lat",
            "swapped",
            Text("Latitude et longitude semblent inversées.", "Latitude and longitude look swapped."),
            "error",
        )
    if not _in(_NORTH_AMERICA, lat, lon):
        return (
            "lat",
            "outside_region",
            Text(
                "Vérifiez les coordonnées (degrés décimaux WGS84).",
                "Check the coordinates (WGS84 decimal degrees).",
            ),
            "error",
        )
    if not _in(QUEBEC_BOX, lat, lon):
        return (
            "lat",
            "outside_quebec",
            Text(
                "Le site est hors du Québec : vérifiez les coordonnées.",
                "The site is outside Québec: check the coordinates.",
            ),
            "warning",
        )
    return None


def check_coordinates(ctx: RowContext, lat: float, lon: float, *, home_region: bool = True) -> None:
    """Record errors for impossible, sign-flipped or swapped coordinates; warn outside Québec."""
    problem = _coordinate_problem(lat, lon, home_region=home_region)
    if problem is not None:
        column, code, fix, severity = problem
        ctx.error(column, code, _COORD_EXPECTED, fix, found=f"{lat}, {lon}", severity=severity)


def check_scian(ctx: RowContext) -> str:
    """SCIAN/NAICS code: 2 to 6 digits (spaces and dots ignored); an unknown sector is a warning; a US-only
    code is read as its Canadian code (warning); a code the bundled table lacks is a warning naming the
    known codes of its group. Each message says what is wrong, what is expected and how to fix it."""
    text = re.sub(r"[\s.]", "", ctx.text("scian_code"))
    if not text:
        ctx.error("scian_code", "missing", SCIAN_TEXTS["expected"], SCIAN_TEXTS["missing_fix"])
    elif not re.fullmatch(r"\d{2,6}", text):
        ctx.error("scian_code", "invalid", SCIAN_TEXTS["expected"], SCIAN_TEXTS["invalid_fix"])
    elif text[:2] not in _SCIAN_SECTORS:
        ctx.error(
            "scian_code",
            "unknown_sector",
            SCIAN_TEXTS["sector_expected"].format(sectors=", ".join(sorted(_SCIAN_SECTORS))),
            SCIAN_TEXTS["sector_fix"].format(sector=text[:2]),
            severity="warning",
        )
    elif text in US_ONLY_CODES:  # unambiguous: read as the Canadian code, the row is kept
        canadian = US_ONLY_CODES[text]
        fix = SCIAN_TEXTS["us_fix"]
        ctx.error(
            "scian_code",
            "us_naics",
            SCIAN_TEXTS["us_expected"],
            Text(
                fix.fr.format(code=text, canadian=canadian, label=scian_label(canadian, "fr")),
                fix.en.format(code=text, canadian=canadian, label=scian_label(canadian, "en")),
            ),
            severity="warning",
        )
        return canadian
    elif len(text) == 6 and text not in _SCIAN_CODES():
        fix = SCIAN_TEXTS["table_fix"]
        near = {lang: _known_neighbours(text, lang) for lang in LANGS}
        ctx.error(
            "scian_code",
            "not_in_table",
            SCIAN_TEXTS["table_expected"].format(n=sum(len(c) == 6 for c in _SCIAN_CODES())),
            Text(*(fix.get(lang).format(code=text, near=near[lang]) for lang in LANGS)),
            severity="warning",
        )
    return text


def _known_neighbours(code: str, lang: str, *, limit: int = 3) -> str:
    """`` Known codes of the same group: 321111 (Sawmills…), …`` — the bundled six-digit codes sharing the
    longest prefix (4, then 3 digits) with ``code``; empty when none."""
    codes = sorted(c for c in _SCIAN_CODES() if len(c) == 6)
    for length in (5, 4, 3):
        near = [c for c in codes if c[:length] == code[:length]][:limit]
        if near:
            listed = ", ".join(f"{c} ({scian_label(c, lang)})" for c in near)
            return SCIAN_TEXTS["near"].get(lang).format(codes=listed)
    return ""


def _SCIAN_CODES() -> frozenset[str]:  # noqa: N802 (a lazily built constant)
    return frozenset(load_scian()["code"])


def check_park(ctx: RowContext, parks: pd.DataFrame) -> dict[str, Any] | None:
    """Find the park by ``park_id`` or name (accents, case ignored); unknown -> error with suggestions."""
    text = ctx.text("park_id")
    if not text or parks is None or parks.empty:
        return None
    key = fold(text)
    for _, park in parks.iterrows():
        if key in (fold(park["park_id"]), fold(park["name"])):
            return park.to_dict()
    close = difflib.get_close_matches(text, [*parks["park_id"], *parks["name"]], n=3, cutoff=0.5)
    listed = ", ".join(close) or ", ".join(parks["park_id"].head(3))
    ctx.error(
        "park_id",
        "unknown",
        Text("un parc industriel connu", "a known industrial park"),
        Text(
            f"Vérifiez le nom du parc (proches : {listed}) ou laissez la case vide.",
            f"Check the park's name (close: {listed}) or leave the cell empty.",
        ),
    )
    return None


def _locate(geocoder: Locator | None, name: str) -> Any:
    if geocoder is None:
        return None
    try:
        return geocoder.locate(name, province="QC")
    except GEOCODER_ERRORS as exc:  # a geocoder that cannot answer must not break an import
        logger.warning("geocoder failed on %r: %s", name, exc)
        return None


def _suggest(geocoder: Locator | None, name: str) -> str:
    """Close place names when the geocoder offers ``suggest`` (the gazetteer does), else ``""``."""
    suggest = getattr(geocoder, "suggest", None)
    if suggest is None:
        return ""
    try:
        return ", ".join(suggest(name, 3))
    except GEOCODER_ERRORS as exc:  # suggestions are a courtesy
        logger.warning("geocoder suggestions failed on %r: %s", name, exc)
        return ""


def _declared(ctx: RowContext, home_region: bool) -> tuple[float | None, float | None]:
    lat = ctx.take("lat", read_float, locale=ctx.locale, minimum=None, example=Text("48,43", "48.43"))
    lon = ctx.take("lon", read_float, locale=ctx.locale, minimum=None, example=Text("-71,07", "-71.07"))
    for column, value in (("lat", lat), ("lon", lon)):
        if value is None and not ctx.text(column):
            ctx.error(
                column,
                "missing",
                Text("la latitude et la longitude ensemble", "latitude and longitude together"),
                Text("Donnez les deux coordonnées, ou aucune.", "Give both coordinates, or neither."),
            )
    if lat is not None and lon is not None:
        check_coordinates(ctx, lat, lon, home_region=home_region)
    return lat, lon


def check_location(
    ctx: RowContext, park: dict[str, Any] | None, geocoder: Locator | None, *, home_region: bool = True
) -> tuple[float | None, float | None, str, str]:
    """Return ``(lat, lon, coord_source, municipality)`` from lat/lon, the park or the municipality."""
    municipality = read_text(ctx.text("municipality"), max_length=120)[0]
    if not municipality and park is not None:
        municipality = str(park.get("municipality", ""))
    if ctx.text("lat") or ctx.text("lon"):
        lat, lon = _declared(ctx, home_region)
        if not municipality:
            ctx.error(
                "municipality",
                "missing",
                Text("la municipalité", "the municipality"),
                Text("Indiquez la municipalité du site.", "Give the municipality of the site."),
            )
        return lat, lon, "declared", municipality
    if park is not None:
        return float(park["lat"]), float(park["lon"]), "park", municipality
    if not municipality:
        ctx.error(
            "municipality",
            "missing",
            Text("une municipalité, un parc ou lat/lon", "a municipality, a park or lat/lon"),
            Text(
                "Indiquez la municipalité du site, son parc industriel, ou ses coordonnées.",
                "Give the site's municipality, its industrial park, or its coordinates.",
            ),
        )
        return None, None, "", ""
    place = _locate(geocoder, municipality)
    if place is None:
        close = _suggest(geocoder, municipality)
        hint = Text(f" Proches : {close}.", f" Close: {close}.") if close else Text("", "")
        ctx.error(
            "municipality",
            "unknown",
            Text("une municipalité du Québec", "a municipality of Québec"),
            Text(
                "Municipalité introuvable : vérifiez l'orthographe ou donnez la latitude et la "
                "longitude." + hint.fr,
                "Municipality not found: check the spelling or give the latitude and longitude." + hint.en,
            ),
        )
        return None, None, "", municipality
    ctx.error(
        "municipality",
        "approximate",
        Text("des coordonnées précises", "precise coordinates"),
        Text(
            f"Position estimée au centre de {place.name} ; donnez lat/lon pour plus de précision.",
            f"Position estimated at the centre of {place.name}; give lat/lon to be more precise.",
        ),
        severity="warning",
    )
    located = getattr(place, "municipality", "") or municipality
    return float(place.lat), float(place.lon), "municipality", located


def _firm_row(
    ctx: RowContext,
    *,
    geocoder: Locator | None,
    parks: pd.DataFrame,
    existing: Collection[str],
    home_region: bool,
) -> dict[str, Any]:
    name = ctx.take("name", read_text, max_length=200)
    if not name:
        ctx.error(
            "name",
            "missing",
            Text("le nom de l'entreprise", "the firm's name"),
            Text("Indiquez le nom de l'entreprise.", "Give the firm's name."),
        )
    firm_id = ctx.take("firm_id", read_id) or generated_id("F", ctx.cells, _ID_FIELDS)
    if firm_id in existing:
        ctx.error(
            "firm_id",
            "exists",
            Text("un nouvel identifiant", "a new identifier"),
            Text(
                "Cette entreprise existe déjà : la ligne la mettra à jour.",
                "This firm already exists: the row will update it.",
            ),
            severity="warning",
            found=firm_id,
        )
    scian = check_scian(ctx)
    park = check_park(ctx, parks)
    lat, lon, source, municipality = check_location(ctx, park, geocoder, home_region=home_region)
    return {
        "firm_id": firm_id,
        "name": name,
        "scian_code": scian,
        "park_id": str(park["park_id"]) if park is not None else "",
        "municipality": municipality,
        "lat": lat,
        "lon": lon,
        "coord_source": source,
        "contact_name": ctx.take("contact_name", read_text, max_length=200),
        "contact_email": ctx.take("contact_email", read_email),
        "contact_phone": ctx.take("contact_phone", read_text, max_length=60),
        "accepts_hazardous": ctx.take("accepts_hazardous", read_yes_no, default=False),
        "confidentiality": ctx.take(
            "confidentiality",
            read_choice,
            words=CONFIDENTIALITY_WORDS,
            default="confidential",
            field="confidentiality",
        ),
    }


def validate_firms(
    raw: RawTable,
    *,
    geocoder: Locator | None,
    parks: pd.DataFrame,
    existing_firm_ids: Collection[str] = frozenset(),
    home_region: bool = True,
) -> ImportResult:
    """Validate a firms file read by :func:`~symbiosis.ingest.reader.read_table`.

    Parameters
    ----------
    raw
        The text table.
    geocoder
        Locates a municipality (``GazetteerGeocoder``); ``None`` to never geocode.
    parks
        Industrial parks (``park_id, name, municipality, lat, lon``).
    existing_firm_ids
        Firms already registered: a row with one of these ids is accepted with a warning (update).
    home_region
        Check that declared coordinates lie in or near Québec (sign, swap, box); False accepts any
        possible point (a registry of sites abroad).

    Returns
    -------
    ImportResult
        ``valid`` follows ``schemas.FIRMS``; ``rejected`` holds the original text of rejected rows.
    """
    row = partial(
        _firm_row,
        geocoder=geocoder,
        parks=parks,
        existing=frozenset(existing_firm_ids),
        home_region=home_region,
    )
    return run_rows(
        raw, FIRMS, row, id_column="firm_id", file_issues=missing_columns(raw, REQUIRED_FIRM_COLUMNS)
    )
