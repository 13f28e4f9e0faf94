"""Files in and out of the package: result exports (XLSX, CSV, JSON, GeoJSON) and the one escape.

:mod:`symbiosis.io.inert` (no heavy imports, used by the importer's rejected-rows file too) makes
every exported cell inert; :mod:`symbiosis.io.export` writes matching results. The names below are
imported lazily so that importing the escape does not load the engine.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "csv_bytes",
    "escape_text",
    "exchanges_geojson",
    "results_json",
    "safe_frame",
    "write_geojson",
    "write_results",
]

_FROM = {
    "csv_bytes": "inert",
    "escape_text": "inert",
    "safe_frame": "inert",
    "exchanges_geojson": "export",
    "results_json": "export",
    "write_geojson": "export",
    "write_results": "export",
}


def __getattr__(name: str) -> Any:
    if name in _FROM:
        import importlib

        return getattr(importlib.import_module(f"symbiosis.io.{_FROM[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
