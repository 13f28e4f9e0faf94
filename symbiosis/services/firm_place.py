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

from symbiosis.db import Actor, Repository
from symbiosis.db.notifications import NotificationRepository
from symbiosis.ingest import ImportResult
from symbiosis.places.choices import place_choices
from symbiosis.places.geocode import GazetteerGeocoder
from symbiosis.services.firm_self_service import save_profile, validate_profile
from symbiosis.services.importing import ImportContext, default_context
from symbiosis.views.firm import number_cell

__all__ = [
    "UNKNOWN_PLACE",
    "choices_for",
    "pending_place",
    "save_place_to_confirm",
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


def pending_place(repo: Repository, actor: Actor, firm: Mapping[str, Any]) -> str | None:
    """The place the firm reported "to confirm", while its position is still the one kept; else ``None``.

    Only the newest report counts; it is settled as soon as the firm's position changes (coordinates
    given, a known place picked, or the advisor's import).
    """
    inbox = NotificationRepository(repo).inbox(actor)
    reports = inbox[inbox["kind"] == "place_to_confirm"]
    position = _position(firm)
    for params in reports["params"]:
        params = dict(params or {})
        if params.get("firm_id") != firm.get("firm_id"):
            continue
        kept = (float(params.get("lat", math.nan)), float(params.get("lon", math.nan)))
        same = position is not None and all(
            math.isclose(a, b, abs_tol=1e-9) for a, b in zip(kept, position, strict=True)
        )
        return str(params.get("place", "")) if same else None
    return None
