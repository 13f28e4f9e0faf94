"""The exchanges of the map as arcs: one per exchange, or summed per pair of places, width by tonnes."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from symbiosis.i18n import t
from symbiosis.views.map_common import clean_text, firm_frame, fmt, place_of

__all__ = ["MAX_ARCS", "exchange_arcs", "place_labels"]

#: Above this many exchanges, arcs are always summed per pair of places.
MAX_ARCS = 1_500


def _value_colour(values: np.ndarray, weight: np.ndarray | None = None) -> list[list[int]]:
    """Red for a loss, light to dark green as the net value grows (log scale).

    ``weight`` (0–1, e.g. the share of the largest flow) sets the opacity: small flows fade so that
    the large ones read first; without it every arc is equally opaque.
    """
    top = math.log10(max(float(np.nanmax(values, initial=1.0)), 10.0))
    alpha = np.full(len(values), 170) if weight is None else (70 + 170 * np.clip(weight, 0, 1)).astype(int)
    out = []
    for v, a in zip(values, alpha, strict=True):
        if not v > 0:
            out.append([215, 48, 39, int(max(a, 150))])
            continue
        s = min(max(math.log10(max(v, 1.0)) / top, 0.0), 1.0)
        out.append([int(199 - 172 * s), int(233 - 113 * s), int(192 - 137 * s), int(a)])
    return out


def _width(tonnes: np.ndarray, *, base: float, span: float) -> np.ndarray:
    top = max(float(np.nanmax(tonnes, initial=0.0)), 1.0)
    return base + span * np.sqrt(np.clip(tonnes, 0.0, None) / top)


def _positions(lon: pd.Series, lat: pd.Series, ids: pd.Series) -> list[list[float]]:
    """``[lon, lat]`` of each id, looked up at once."""
    xs = lon.reindex(ids.to_numpy()).to_numpy(float)
    ys = lat.reindex(ids.to_numpy()).to_numpy(float)
    return np.column_stack([xs, ys]).tolist()


def place_labels(firms: pd.DataFrame, parks: pd.DataFrame | None = None) -> dict[str, str]:
    """Return the readable name of every place of :func:`place_of`: the park's name, or the municipality."""
    places = set(place_of(firms))
    names = {} if parks is None else dict(zip("park:" + parks["park_id"], parks["name"], strict=True))
    return {p: names.get(p, p.split(":", 1)[1]) for p in sorted(places)}


def exchange_arcs(
    exchanges: pd.DataFrame,
    firms: pd.DataFrame,
    lang: str = "fr",
    *,
    by_place: bool | None = None,
    max_arcs: int = MAX_ARCS,
    place_names: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, bool]:
    """Return one arc per exchange, or per pair of places, and whether they were summed per place.

    ``by_place=None`` sums per place only above ``max_arcs`` exchanges. Width grows with the tonnes
    moved (at least 1 px for energy and services), colour with the net value.

    Returns
    -------
    tuple of (pandas.DataFrame, bool)
        Columns ``source`` and ``target`` (``[lon, lat]``), ``width`` (px), ``colour``, ``tooltip``,
        ``n_exchanges``, ``tonnes_t_per_yr``, ``net_value_cad_per_yr`` and ``within`` (both ends are
        the same place or firm: drawn as a ring, not an arc).
    """
    info = firm_frame(firms).set_index("firm_id")
    ex = exchanges
    tonnes = pd.to_numeric(ex.get("mass_t_per_yr", pd.Series(0.0, index=ex.index)), errors="coerce")
    value = pd.to_numeric(ex["net_value_cad_per_yr"], errors="coerce").fillna(0.0)
    frame = pd.DataFrame(
        {
            "s": ex["supply_firm_id"].to_numpy(),
            "d": ex["demand_firm_id"].to_numpy(),
            "t": tonnes.fillna(0.0).to_numpy(),
            "v": value.to_numpy(),
            "n": 1,
        }
    )
    aggregated = len(frame) > max_arcs if by_place is None else bool(by_place)
    if aggregated:
        place = info["place"]
        centre = info.groupby("place")[["lon", "lat"]].mean()
        frame["s"], frame["d"] = frame["s"].map(place), frame["d"].map(place)
        frame = frame.groupby(["s", "d"], sort=True, as_index=False).sum()
        lon, lat = centre["lon"], centre["lat"]
        label = place_names or {p: p.split(":", 1)[1] for p in centre.index}
    else:
        lon, lat = info["lon"], info["lat"]
        label = info["name"].to_dict()
    span = (1.0, 14.0) if aggregated else (1.0, 6.0)
    t_top = max(float(frame["t"].max()) if len(frame) else 0.0, 1.0)
    v_top = max(float(frame["v"].max()) if len(frame) else 0.0, 1.0)
    # summed flows: opacity by tonnes (or by value for energy and services, which have no tonnes)
    weight = (
        np.sqrt(
            np.maximum(frame["t"].to_numpy(float) / t_top, frame["v"].clip(lower=0).to_numpy(float) / v_top)
        )
        if aggregated
        else None
    )
    out = pd.DataFrame(
        {
            "source": _positions(lon, lat, frame["s"]),
            "target": _positions(lon, lat, frame["d"]),
            "width": _width(frame["t"].to_numpy(float), base=span[0], span=span[1]),
            "colour": _value_colour(frame["v"].to_numpy(float), weight),
            "n_exchanges": frame["n"].to_numpy(int),
            "tonnes_t_per_yr": frame["t"].to_numpy(float),
            "net_value_cad_per_yr": frame["v"].to_numpy(float),
            "within": frame["s"].eq(frame["d"]).to_numpy(bool),
        }
    )
    out["tooltip"] = [
        t(
            "map.within_tooltip" if s == d else "map.arc_tooltip",
            lang,
            src=clean_text(label.get(s, s)),
            dst=clean_text(label.get(d, d)),
            n=fmt(n, lang),
            tonnes=fmt(tn, lang),
            value=fmt(v, lang),
        )
        for s, d, n, tn, v in zip(frame["s"], frame["d"], frame["n"], frame["t"], frame["v"], strict=True)
    ]
    return out, aggregated
