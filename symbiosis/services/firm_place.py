"""A firm's site at a place the offline gazetteer lacks: the known places to offer, or the place "to confirm".

The profile is checked as a one-row firms file (:mod:`symbiosis.services.firm_self_service`); a
municipality the gazetteer does not know is an error there, and nothing is saved. This module gives
the firm three ways forward instead of a dead end: the known places it may have meant
(:func:`choices_for`: close names, places near its current position), its coordinates (the form's
own fields), or saving the rest of its profile with its current position kept and the place typed
"to confirm" (:func:`validate_keeping_position` then :func:`save_place_to_confirm`, which tells the
advisors and the firm's own inbox). :func:`pending_place` says whether such a request still waits.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from symbiosis.db import Actor, NotFound, Repository
from symbiosis.db.notifications import NotificationRepository
from symbiosis.ingest import ImportResult
from symbiosis.places.choices import place_choices
from symbiosis.places.geocode import GazetteerGeocoder
from symbiosis.services.firm_self_service import save_profile, validate_profile
from symbiosis.services.importing import ImportContext, default_context
from symbiosis.views.firm import number_cell, profile_cells

__all__ = [
    "UNKNOWN_PLACE",
    "choices_for",
    "pending_place",
    "places_to_confirm",
    "save_place_to_confirm",
    "settle_place",
    "unknown_place",
    "validate_keeping_position",
]

#: The code of the report's finding "municipality not in the gazetteer" (:mod:`symbiosis.ingest.firms`).
UNKNOWN_PLACE = "municipality.unknown"
_PLACE_COLUMNS = ("municipality", "park_id", "lat", "lon", "coord_source")


def unknown_place(result: ImportResult) -> str | None:
    """The place typed in a checked profile that the gazetteer does not know, or ``None``."""
    for issue in result.report.issues:
        if issue.code == UNKNOWN_PLACE:
            return str(issue.found or "")
    return None


def _position(firm: Mapping[str, Any]) -> tuple[float, float] | None:
    lat, lon = pd.to_numeric(pd.Series([firm.get("lat"), firm.get("lon")]), errors="coerce")
    return None if math.isnan(lat) or math.isnan(lon) else (float(lat), float(lon))


def choices_for(typed: str, firm: Mapping[str, Any], *, context: ImportContext | None = None) -> pd.DataFrame:
    """The known places the firm may have meant by ``typed`` (see :func:`.place_choices`).

    Distances are from the firm's current position; the gazetteer is the import's own when it is one.
    """
    geocoder = (context or default_context()).geocoder
    gazetteer = geocoder if isinstance(geocoder, GazetteerGeocoder) else GazetteerGeocoder()
    return place_choices(typed, geocoder=gazetteer, near=_position(firm))


def validate_keeping_position(
    cells: Mapping[str, str],
    firm: Mapping[str, Any],
    firm_id: str,
    *,
    lang: str = "fr",
    context: ImportContext | None = None,
) -> ImportResult:
    """Check the profile form with the site's stored place and position in place of what was typed.

    Every other field is checked as :func:`~symbiosis.services.firm_self_service.validate_profile`
    checks it; the valid row keeps the stored municipality, park, coordinates and their source.
    """
    stored = {
        "municipality": str(firm.get("municipality") or ""),
        "park_id": "",
        "lat": number_cell(firm.get("lat"), lang),
        "lon": number_cell(firm.get("lon"), lang),
    }
    result = validate_profile({**cells, **stored}, firm_id, lang=lang, context=context)
    if result.valid.empty:
        return result
    valid = result.valid.copy()
    for column in _PLACE_COLUMNS:
        value = firm.get(column)
        valid[column] = "" if column == "park_id" and not isinstance(value, str) else value
    return ImportResult(valid, result.rejected, result.report)


def save_place_to_confirm(repo: Repository, actor: Actor, result: ImportResult, *, place: str) -> int:
    """Store the profile of :func:`validate_keeping_position`, then tell the advisors and the firm.

    The notices (:meth:`~symbiosis.db.notifications.NotificationRepository.report_place`) carry the
    place typed and the position kept. Returns the rows changed (0 or 1).

    Raises
    ------
    PermissionDenied
        The row is another firm's.
    """
    if result.valid.empty:
        return 0
    changed = save_profile(repo, actor, result)
    row = result.valid.iloc[0]
    NotificationRepository(repo).report_place(
        actor, str(row["firm_id"]), place, lat=float(row["lat"]), lon=float(row["lon"])
    )
    return changed


def _place_reports(repo: Repository, actor: Actor) -> dict[str, dict[str, Any]]:
    """The newest "to confirm" report the actor was sent, per firm (its params)."""
    inbox = NotificationRepository(repo).inbox(actor)
    newest: dict[str, dict[str, Any]] = {}
    for params in inbox.loc[inbox["kind"] == "place_to_confirm", "params"]:  # newest first
        params = dict(params or {})
        newest.setdefault(str(params.get("firm_id", "")), params)
    return newest


def _still_kept(report: Mapping[str, Any], firm: Mapping[str, Any]) -> bool:
    """Whether the firm's position is still the one its report kept (the report is not settled)."""
    position = _position(firm)
    kept = (float(report.get("lat", math.nan)), float(report.get("lon", math.nan)))
    return position is not None and all(
        math.isclose(a, b, abs_tol=1e-9) for a, b in zip(kept, position, strict=True)
    )


def pending_place(repo: Repository, actor: Actor, firm: Mapping[str, Any]) -> str | None:
    """The place the firm reported "to confirm", while its position is still the one kept; else ``None``.

    Only the newest report counts; it is settled as soon as the firm's position changes (coordinates
    given, a known place picked, or the advisor's import).
    """
    report = _place_reports(repo, actor).get(str(firm.get("firm_id")))
    return str(report.get("place", "")) if report and _still_kept(report, firm) else None


def places_to_confirm(repo: Repository, actor: Actor) -> pd.DataFrame:
    """The firms whose reported place still waits: ``firm_id, name, place, municipality, lat, lon``.

    One row per firm, from the newest "to confirm" report the actor was sent (the advisors are), kept
    while the firm's position is still the one the report kept (:func:`pending_place`'s rule); the
    inbox is read once.
    """
    columns = ["firm_id", "name", "place", "municipality", "lat", "lon"]
    reports = _place_reports(repo, actor)
    if not reports:
        return pd.DataFrame(columns=columns)
    firms = repo.firms(actor).drop_duplicates("firm_id")
    rows = []
    for record in firms.to_dict(orient="records"):
        firm = {str(k): v for k, v in record.items()}
        report = reports.get(str(firm["firm_id"]))
        if report and _still_kept(report, firm):
            rows.append(
                {c: firm.get(c) for c in columns if c != "place"} | {"place": report.get("place", "")}
            )
    return pd.DataFrame(rows, columns=columns)


def settle_place(
    repo: Repository,
    actor: Actor,
    firm_id: str,
    *,
    municipality: str = "",
    lat: str = "",
    lon: str = "",
    lang: str = "fr",
    context: ImportContext | None = None,
) -> ImportResult:
    """Give a firm's site a known place (``municipality``) or coordinates (``lat``, ``lon`` as typed).

    The firm's stored profile is checked again as a one-row firms file with that place, exactly as the
    firm's own form would be (an unknown place or bad coordinates are refused with the importer's
    message and nothing is written); a valid row is stored, and the report "to confirm" is settled by
    the new position. Returns the validation (``valid`` holds the stored row when it was written).

    Raises
    ------
    PermissionDenied
        The actor may not write this firm.
    """
    firms = repo.firms(actor)
    found = firms[firms["firm_id"].astype(str) == firm_id]
    if found.empty:
        raise NotFound(f"no firm {firm_id!r}")
    cells = profile_cells({str(k): v for k, v in found.iloc[0].items()}, lang)
    if municipality.strip():
        cells.update(municipality=municipality, park_id="", lat="", lon="")
    else:
        cells.update(lat=lat, lon=lon)
    result = validate_profile(cells, firm_id, lang=lang, context=context)
    if not result.valid.empty:
        save_profile(repo, actor, result)
    return result
