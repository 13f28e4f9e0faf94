"""What the program manager's dashboard shows: estimated indicators, breakdowns and export files.

Every figure comes from the proposed allocation, so it is labelled *estimated*; synergies "by
status" count what exists today (all proposed) until the synergy pipeline records real statuses.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from symbiosis.i18n import t
from symbiosis.io.export import exchanges_geojson, exchanges_with_texts, safe_frame, write_results
from symbiosis.places.gazetteer import load_gazetteer, normalise_name
from symbiosis.registry import Registry
from symbiosis.results import MatchResult
from symbiosis.views.map import fmt, sector_family

__all__ = [
    "BREAKDOWNS",
    "breakdown",
    "csv_bytes",
    "geojson_bytes",
    "headline",
    "monthly_profile",
    "synergies_by_status",
    "xlsx_bytes",
]

#: Dimensions of the breakdown tables.
BREAKDOWNS: tuple[str, ...] = ("park", "sector", "family", "kind")


def headline(result: MatchResult, lang: str = "fr") -> list[tuple[str, str]]:
    """Return the headline indicators as ``(label, formatted value)`` pairs, each labelled estimated."""
    k = result.kpis
    return [
        (t("manager.kpi.diverted", lang), fmt(k.diverted_t_per_yr, lang)),
        (t("manager.kpi.co2e", lang), fmt(k.co2e_avoided_t_per_yr, lang)),
        (t("manager.kpi.saved", lang), _short_money(k.net_value_cad_per_yr, lang)),
        (t("manager.kpi.synergies", lang), fmt(k.n_exchanges, lang)),
        (t("manager.kpi.firms", lang), fmt(k.n_firms_engaged, lang)),
    ]


def _short_money(value: float, lang: str) -> str:
    """Dollars in millions above a million (``340,8 M$``), else in full."""
    if abs(value) >= 1e6:
        return t("manager.millions", lang, value=fmt(value / 1e6, lang, 1))
    return fmt(value, lang)


def synergies_by_status(result: MatchResult, lang: str = "fr") -> pd.DataFrame:
    """Return the synergies counted by status (today every allocated exchange is ``proposed``)."""
    statuses = ("proposed", "contacted", "trial", "implemented")
    counts = {s: 0 for s in statuses}
    counts["proposed"] = len(result.exchanges)
    return pd.DataFrame(
        {
            t("manager.col.status", lang): [t(f"manager.status.{s}", lang) for s in statuses],
            t("manager.col.count", lang): [counts[s] for s in statuses],
        }
    )


def _dimension(
    exchanges: pd.DataFrame,
    registry: Registry,
    by: str,
    lang: str,
    categories: pd.DataFrame | None,
    parks: pd.DataFrame | None,
) -> pd.Series:
    firms = registry.firms.drop_duplicates("firm_id").set_index("firm_id")
    sup = exchanges["supply_firm_id"]
    if by == "park":
        park = firms["park_id"].astype("string").fillna("").str.strip()
        names = parks.set_index("park_id")["name"] if parks is not None else pd.Series(dtype=object)
        ids = sup.map(park).fillna("")
        return ids.map(lambda p: names.get(p, p) if p else t("manager.no_park", lang))
    if by == "sector":
        return sup.map(sector_family(firms["scian_code"])).map(lambda s: t(f"advisor.sector.{s}", lang))
    if by == "family" and categories is not None:
        fam = categories.drop_duplicates("category_id").set_index("category_id")["family"]
        return (
            exchanges["supply_category_id"]
            .map(fam)
            .fillna("")
            .map(lambda f: t(f"advisor.family.{f}", lang) if f else "—")
        )
    return exchanges["kind"].map(lambda k: t(f"kind.{k}", lang))


def breakdown(
    result: MatchResult,
    registry: Registry,
    by: str,
    lang: str = "fr",
    *,
    categories: pd.DataFrame | None = None,
    parks: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Return exchanges, tonnes diverted, CO2e and value summed by ``by`` (the supplier's park or sector,
    the resource family or kind), largest value first; numbers kept raw for charts."""
    ex = result.exchanges
    cols = ["n", "diverted_t_per_yr", "co2e_avoided_t_per_yr", "net_value_cad_per_yr"]
    if ex.empty:
        return pd.DataFrame(columns=cols)
    frame = pd.DataFrame(
        {
            "key": _dimension(ex, registry, by, lang, categories, parks).to_numpy(),
            "n": 1,
            "diverted_t_per_yr": ex["diverted_t_per_yr"].astype(float).to_numpy(),
            "co2e_avoided_t_per_yr": ex["co2e_avoided_t_per_yr"].astype(float).to_numpy(),
            "net_value_cad_per_yr": ex["net_value_cad_per_yr"].astype(float).to_numpy(),
        }
    )
    out = frame.groupby("key").sum().sort_values("net_value_cad_per_yr", ascending=False)
    out.index.name = t(f"manager.by.{by}", lang)
    return out


def monthly_profile(exchanges: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """Return tonnes diverted per month: each exchange's yearly figure spread over its common months."""
    months = [t(f"manager.month.{m}", lang) for m in range(1, 13)]
    tonnes = np.zeros(12)
    if not exchanges.empty:
        masks = exchanges["months_common_mask"].fillna(4095).astype(int).to_numpy()
        bits = (masks[:, None] >> np.arange(12)[None, :]) & 1
        n = bits.sum(axis=1)
        per_month = np.divide(
            exchanges["diverted_t_per_yr"].astype(float).to_numpy(), n, out=np.zeros(len(n)), where=n > 0
        )
        tonnes = (bits * per_month[:, None]).sum(axis=0)
    out = pd.DataFrame(
        {t("manager.col.tonnes_month", lang): tonnes},
        index=pd.Index(months, name=t("manager.col.month", lang)),
    )
    return out


def _named(exchanges: pd.DataFrame, registry: Registry) -> pd.DataFrame:
    names = registry.firms.drop_duplicates("firm_id").set_index("firm_id")["name"]
    out = exchanges_with_texts(exchanges).copy()
    out.insert(
        out.columns.get_loc("supply_firm_id") + 1, "supply_firm_name", out["supply_firm_id"].map(names)
    )
    out.insert(
        out.columns.get_loc("demand_firm_id") + 1, "demand_firm_name", out["demand_firm_id"].map(names)
    )
    return out


def csv_bytes(result: MatchResult, registry: Registry) -> bytes:
    """Return the exchanges (with firm names and explanations) as UTF-8 CSV, formula-injection safe."""
    buffer = io.StringIO()
    safe_frame(_named(result.exchanges, registry)).to_csv(buffer, index=False)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(result: MatchResult) -> bytes:
    """Return the workbook :func:`symbiosis.io.export.write_results` writes (KPIs, exchanges, …)."""
    with tempfile.TemporaryDirectory() as folder:
        path = write_results(result, Path(folder) / "symbiosis.xlsx")
        return path.read_bytes()


def _municipality_points(firms: pd.DataFrame) -> pd.DataFrame:
    gaz = load_gazetteer()
    gaz = gaz.assign(key=gaz["name"].map(normalise_name)).drop_duplicates("key").set_index("key")
    mean = firms.groupby("municipality")[["lon", "lat"]].mean().round(1)
    keys = mean.index.to_series().map(normalise_name)
    lon = keys.map(gaz["lon"]).fillna(mean["lon"]).astype(float)
    lat = keys.map(gaz["lat"]).fillna(mean["lat"]).astype(float)
    return pd.DataFrame({"lon": lon, "lat": lat})


def geojson_bytes(result: MatchResult, registry: Registry, *, anonymise: bool = False) -> bytes:
    """Return the exchanges as RFC 7946 GeoJSON.

    With ``anonymise``, every firm that is not ``public`` is replaced by its municipality (the
    gazetteer's point, no id, no name) and the exchanges are summed per pair of places and resource
    category; public firms keep their name and point. Without it, :func:`exchanges_geojson` (which
    already blurs confidential firms).
    """
    if not anonymise:
        data = exchanges_geojson(result, registry)
        return json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
    firms = registry.firms.drop_duplicates("firm_id").set_index("firm_id")
    public = firms["confidentiality"].eq("public")
    mun = _municipality_points(firms)
    place = pd.Series(
        np.where(public, "firm:" + firms.index.astype(str), "mun:" + firms["municipality"]), index=firms.index
    )
    label = pd.Series(np.where(public, firms["name"], firms["municipality"]), index=firms.index)
    lon = firms["lon"].where(public, firms["municipality"].map(mun["lon"])).astype(float)
    lat = firms["lat"].where(public, firms["municipality"].map(mun["lat"])).astype(float)
    ex = result.exchanges
    frame = pd.DataFrame(
        {
            "a": ex["supply_firm_id"].map(place),
            "b": ex["demand_firm_id"].map(place),
            "la": ex["supply_firm_id"].map(label),
            "lb": ex["demand_firm_id"].map(label),
            "xa": ex["supply_firm_id"].map(lon),
            "ya": ex["supply_firm_id"].map(lat),
            "xb": ex["demand_firm_id"].map(lon),
            "yb": ex["demand_firm_id"].map(lat),
            "category": ex["supply_category_id"],
            "kind": ex["kind"],
            "unit": ex["quantity_unit"],
            "flow_per_yr": ex["flow_per_yr"].astype(float),
            "n_exchanges": 1,
            "net_value_cad_per_yr": ex["net_value_cad_per_yr"].astype(float),
            "co2e_avoided_t_per_yr": ex["co2e_avoided_t_per_yr"].astype(float),
            "diverted_t_per_yr": ex["diverted_t_per_yr"].astype(float),
        }
    )
    keys = ["a", "b", "la", "lb", "xa", "ya", "xb", "yb", "category", "kind", "unit"]
    summed = frame.groupby(keys, sort=True, as_index=False).sum()
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": [[r.xa, r.ya], [r.xb, r.yb]]},
            "properties": {
                "from": r.la,
                "to": r.lb,
                "category_id": r.category,
                "kind": r.kind,
                "unit": r.unit,
                "n_exchanges": int(r.n_exchanges),
                "flow_per_yr": float(r.flow_per_yr),
                "net_value_cad_per_yr": float(r.net_value_cad_per_yr),
                "co2e_avoided_t_per_yr": float(r.co2e_avoided_t_per_yr),
                "diverted_t_per_yr": float(r.diverted_t_per_yr),
                "status": "estimated",
                "anonymised": True,
            },
        }
        for r in summed.itertuples(index=False)
    ]
    data = {"type": "FeatureCollection", "features": features}
    return json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
