"""Write a :class:`~symbiosis.results.MatchResult` to XLSX, CSV, JSON or GeoJSON, formula-injection safe.

Spreadsheet programs run any cell that starts with ``=``, ``+``, ``-`` or ``@`` (and tab or
carriage-return tricks) as a formula, so a firm called ``=HYPERLINK("http://x","y")`` would become
a live link in a funder's workbook. Every cell goes through the one escape of
:mod:`symbiosis.io.inert` (which also covers a trigger after a line break or a separator inside a
value; numbers are never touched, since a leading ``-`` is a legitimate negative value). XLSX files
are also written with xlsxwriter's ``strings_to_formulas`` and ``strings_to_urls`` switched off.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.io.inert import csv_bytes, escape_text, safe_frame
from symbiosis.results import KPI_LABELS, MatchResult, explanation_texts

__all__ = [
    "escape_text",
    "exchanges_geojson",
    "exchanges_with_texts",
    "parameters_frame",
    "results_json",
    "safe_frame",
    "write_geojson",
    "write_results",
]

logger = logging.getLogger(__name__)

#: Data rows an XLSX sheet holds (1,048,576 rows minus the header); longer sheets are cut.
XLSX_MAX_DATA_ROWS = 1_048_575
_DATA_SHEETS = ("exchanges", "candidates", "unmatched")
#: Decimal places kept for coordinates of anonymised firms (0.1° ≈ 11 km of latitude).
ANONYMOUS_COORD_DECIMALS = 1


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, name + "."))
        elif isinstance(value, (list, tuple)):
            flat[name] = " | ".join(map(str, value))
        else:
            flat[name] = value
    return flat


def parameters_frame(config: Any) -> pd.DataFrame:
    """Return the scenario parameters as ``parameter, value`` rows (nested keys dotted)."""
    if hasattr(config, "to_dict"):
        data = config.to_dict()
    elif dataclasses.is_dataclass(config) and not isinstance(config, type):
        data = dataclasses.asdict(config)
    else:
        data = dict(config or {})
    flat = _flatten(data)
    return pd.DataFrame({"parameter": list(flat), "value": [str(v) for v in flat.values()]})


#: Columns :func:`~symbiosis.results.explanation_texts` needs; exports add the paragraphs when present.
_EXPLAINED = ("match_basis", "supply_label_fr", "months_common_fr", "pct_of_supply", "flags")


def exchanges_with_texts(exchanges: pd.DataFrame) -> pd.DataFrame:
    """Return the exchanges with ``explanation_fr`` and ``explanation_en`` paragraphs added.

    Unchanged when the frame lacks the explanation columns or already has the paragraphs.
    """
    if exchanges.empty or "explanation_fr" in exchanges or not set(_EXPLAINED) <= set(exchanges.columns):
        return exchanges
    return exchanges.assign(
        explanation_fr=explanation_texts(exchanges, "fr"), explanation_en=explanation_texts(exchanges, "en")
    )


def _kpi_frame(result: MatchResult) -> pd.DataFrame:
    rows = [
        {"indicator": k, "label_fr": KPI_LABELS[k].fr, "label_en": KPI_LABELS[k].en, "value": v}
        for k, v in result.kpis.scalars().items()
    ]
    for kind in result.kpis.by_kind:
        rows.append(
            {
                "indicator": f"quantity_per_yr.{kind.kind}",
                "label_fr": f"Quantité échangée, {kind.kind} ({kind.unit})",
                "label_en": f"Quantity exchanged, {kind.kind} ({kind.unit})",
                "value": kind.quantity_per_yr,
            }
        )
    info = result.allocation
    for key in ("status", "objective", "bound", "gap", "method"):
        rows.append(
            {"indicator": f"allocation.{key}", "label_fr": key, "label_en": key, "value": getattr(info, key)}
        )
    return pd.DataFrame(rows)


def _unmatched_frame(result: MatchResult) -> pd.DataFrame:
    parts = [result.unmatched_supplies.assign(side="supply"), result.unmatched_demands.assign(side="demand")]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=["side", "stream_id", "reason_code", "reason_fr", "reason_en"])
    frame = pd.concat(parts, ignore_index=True)
    return frame[["side", *[c for c in frame.columns if c != "side"]]]


def _fit_sheet(frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """Keep at most :data:`XLSX_MAX_DATA_ROWS` rows (best ``gain_per_unit`` first when cut)."""
    if len(frame) <= XLSX_MAX_DATA_ROWS:
        return frame
    logger.warning(
        "sheet %s: %d rows, keeping the first %d (Excel's limit)", name, len(frame), XLSX_MAX_DATA_ROWS
    )
    if "gain_per_unit" in frame:
        frame = frame.sort_values("gain_per_unit", ascending=False, kind="stable")
    return frame.head(XLSX_MAX_DATA_ROWS)


def _write_xlsx(result: MatchResult, path: Path) -> None:
    sheets = {
        "KPIs": _kpi_frame(result),
        "exchanges": exchanges_with_texts(result.exchanges),
        "candidates": result.candidates,
        "unmatched": _unmatched_frame(result),
        "parameters": parameters_frame(result.config),
    }
    cut = [n for n in _DATA_SHEETS if len(sheets[n]) > XLSX_MAX_DATA_ROWS]
    if cut:
        note = pd.DataFrame(
            [
                {
                    "indicator": f"truncated.{n}",
                    "label_fr": "feuille tronquée (limite Excel)",
                    "label_en": "sheet truncated (Excel limit)",
                    "value": len(sheets[n]),
                }
                for n in cut
            ]
        )
        sheets["KPIs"] = pd.concat([sheets["KPIs"], note], ignore_index=True)
    from symbiosis.io.xlsx_tables import write_tables

    # Text cells are inline strings, never formulas or links; formula triggers escaped by safe_frame.
    write_tables(
        path,
        {
            name: safe_frame(_fit_sheet(frame, name) if name in _DATA_SHEETS else frame)
            for name, frame in sheets.items()
        },
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(float(value)) else float(value)
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (str, int, bool)):
        return value
    return str(value)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [_jsonable(r) for r in frame.to_dict(orient="records")]


def results_json(result: MatchResult, *, candidates: bool = False) -> dict[str, Any]:
    """Return the result as a strict-JSON-ready dict: status, allocation, KPIs, exchanges.

    With ``candidates``, every scored candidate is included too.
    """
    out: dict[str, Any] = {
        "status": result.status,
        "allocation": _jsonable(result.allocation.as_dict()),
        "kpis": _jsonable(result.kpis.as_dict()),
        "exchanges": _records(exchanges_with_texts(result.exchanges)),
    }
    if candidates:
        out["candidates"] = _records(result.candidates)
    return out


def write_results(result: MatchResult, path: str | Path) -> Path:
    """Write the result to ``path``, the format chosen by the extension.

    ``.xlsx``: sheets KPIs, exchanges, candidates, unmatched, parameters. ``.csv``: the exchanges.
    ``.json``: status, allocation, KPIs and exchanges.

    Returns
    -------
    pathlib.Path
        The written file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        _write_xlsx(result, path)
    elif suffix == ".csv":
        path.write_bytes(csv_bytes(exchanges_with_texts(result.exchanges)))
    elif suffix == ".json":
        text = json.dumps(results_json(result), ensure_ascii=False, indent=2, allow_nan=False)
        path.write_text(text, encoding="utf-8")
    else:
        raise ValueError(f"unknown results format {suffix!r} (xlsx, csv, json)")
    logger.info("wrote %s", path)
    return path


def _firm_points(registry: Any, anonymise: bool) -> pd.DataFrame:
    firms = registry.firms.drop_duplicates("firm_id").set_index("firm_id")
    masked = pd.Series(anonymise, index=firms.index)
    if "confidentiality" in firms:
        masked |= firms["confidentiality"].eq("confidential")
    lon, lat = firms["lon"].astype(float), firms["lat"].astype(float)
    lon = lon.where(~masked, lon.round(ANONYMOUS_COORD_DECIMALS))
    lat = lat.where(~masked, lat.round(ANONYMOUS_COORD_DECIMALS))
    return pd.DataFrame({"lon": lon, "lat": lat, "masked": masked})


def exchanges_geojson(result: MatchResult, registry: Any, *, anonymise: bool = False) -> dict[str, Any]:
    """Return the exchanges as an RFC 7946 FeatureCollection of ``[lon, lat]`` LineStrings.

    Parameters
    ----------
    result
        The matching result.
    registry
        The registry the result came from (for the firm coordinates).
    anonymise
        Drop firm and stream ids and round every coordinate to
        :data:`ANONYMOUS_COORD_DECIMALS` decimals. Firms whose ``confidentiality`` is
        ``confidential`` are always treated this way.
    """
    points = _firm_points(registry, anonymise)
    keep = [
        "candidate_id",
        "supply_id",
        "demand_id",
        "supply_firm_id",
        "demand_firm_id",
        "kind",
        "supply_category_id",
        "demand_category_id",
        "flow_per_yr",
        "quantity_unit",
        "delivered_per_yr",
        "net_value_cad_per_yr",
        "co2e_avoided_t_per_yr",
        "diverted_t_per_yr",
        "distance_km",
    ]
    ids = {"candidate_id", "supply_id", "demand_id", "supply_firm_id", "demand_firm_id"}
    features = []
    for row in result.exchanges.to_dict(orient="records"):
        a, b = points.loc[row["supply_firm_id"]], points.loc[row["demand_firm_id"]]
        hide = bool(a["masked"] or b["masked"])
        props = {k: _jsonable(row[k]) for k in keep if k in row and not (hide and k in ids)}
        props["anonymised"] = hide
        coords = [[float(a["lon"]), float(a["lat"])], [float(b["lon"]), float(b["lat"])]]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def write_geojson(result: MatchResult, registry: Any, path: str | Path, *, anonymise: bool = False) -> Path:
    """Write :func:`exchanges_geojson` to ``path`` (UTF-8); return the path."""
    path = Path(path)
    data = exchanges_geojson(result, registry, anonymise=anonymise)
    path.write_text(json.dumps(data, ensure_ascii=False, allow_nan=False), encoding="utf-8")
    return path
