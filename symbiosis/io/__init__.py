"""Files in and out of the package: result exports (XLSX, CSV, JSON, GeoJSON), formula-injection safe."""

from symbiosis.io.export import exchanges_geojson, results_json, write_geojson, write_results

__all__ = ["exchanges_geojson", "results_json", "write_geojson", "write_results"]
