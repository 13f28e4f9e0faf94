"""Scoring of candidate links: dollars, tonnes and CO2e per supply unit and per year, and the objective gain.

Every figure is computed per *supply canonical unit* (t, m³, MWh, trip, m², h) and then per year at
the candidate's full ``max_flow_per_yr``. Terms, per supply unit:

Each term is measured against **today's situation** (:mod:`symbiosis.engine.baselines`): the
supply's current fate and the demand's current use, declared by the firms or, when not, the
category's default baseline (the ``*_source`` columns say which).

* ``avoided_disposal`` = what the supply's current fate costs per unit (declared, else the
  category's default, else the scenario's default for that fate); negative for a by-product sold
  today (the lost sale), 0 for internal reuse unless declared;
* ``avoided_purchase`` = yield × the virgin input's price, for a demand that buys one (declared, else
  the family default); 0 for a treatment or recovery service;
* ``gate_fee`` = yield × the fee a treatment service charges: the supplier pays it, the service
  earns it (its revenue covers its treatment, so it is a cost of the exchange, not a saving);
* ``transport`` — by kind:

  - *material*: truck, ``t·km × $/t·km + trips × $/trip`` with
    ``trips = max(t / payload, m³ / truck volume)`` (continuous trips, so the cost stays linear
    in the flow; ``trucks_per_yr`` is rounded up for display) and road km = detour × crow-fly;
  - *energy* and *water*: pipe, ``$/km/yr × road km`` spread over the full yearly flow;
  - *logistics*, *capacity*, *service*: nothing moves, no transport cost;

* ``pretreatment`` = config cost of the rule's pre-treatment type × tonnes per unit (× 1 per MWh
  for energy; a heat exchanger is priced per MWh of heat it delivers, so warm water pays it × the
  rule's MWh per m³, not per m³, and so is the receiver's biomass boiler that turns a wood residue
  into the heat or steam it buys today); nothing when the supply's description states the step as done
  ("heat treated", « déshydratées »: :mod:`symbiosis.kb.treatments`; ``pretreatment_done``);
* ``net_value`` = avoided disposal + avoided purchase − gate fee − transport − pre-treatment;
* ``diverted`` = tonnes per unit for a material whose current fate is landfill or incineration,
  else 0 (a by-product already sold, land spreading, internal reuse or paid treatment is not
  "diverted");
* ``co2e_avoided`` = disposal factor of the supply's class and fate × t + virgin factor × yield
  (virgin inputs only; a pair row can override it) − truck t·km × truck factor (t CO2e).

``gain_per_unit`` = w_value·net_value + w_co2·co2e·carbon price + w_tonnes·diverted·diversion value,
in $ per supply unit. Only transport depends on distance, and it grows with it: the value is
monotone non-increasing in distance.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.engine._keys import first_and_inverse
from symbiosis.engine.baselines import demand_baselines, load_baselines, supply_baselines
from symbiosis.engine.config import MatchConfig
from symbiosis.engine.factors import disposal_factor, lookup_factor, virgin_pair_factor
from symbiosis.kb.treatments import stated_treatments, treatment_bit
from symbiosis.registry import Registry

__all__ = [
    "SCORE_COLUMNS",
    "Coded",
    "Kinds",
    "PairInputs",
    "RowAttributes",
    "StreamRows",
    "materialise",
    "row_attributes",
    "score_candidates",
    "score_pairs",
    "stream_rows",
]

logger = logging.getLogger(__name__)

SCORE_COLUMNS = (
    "transport_mode",
    "t_per_unit",
    "trips_per_unit",
    "trucks_per_yr",
    "t_km_per_yr",
    "avoided_disposal_cad_per_unit",
    "avoided_purchase_cad_per_unit",
    "gate_fee_cad_per_unit",
    "transport_cost_cad_per_unit",
    "pretreatment_cost_cad_per_unit",
    "net_value_cad_per_unit",
    "avoided_disposal_cad_per_yr",
    "avoided_purchase_cad_per_yr",
    "gate_fee_cad_per_yr",
    "transport_cost_cad_per_yr",
    "pretreatment_cost_cad_per_yr",
    "net_value_cad_per_yr",
    "diverted_t_per_unit",
    "diverted_t_per_yr",
    "co2e_disposal_avoided_t_per_yr",
    "co2e_virgin_avoided_t_per_yr",
    "co2e_transport_t_per_yr",
    "co2e_avoided_t_per_unit",
    "co2e_avoided_t_per_yr",
    "disposal_factor_id",
    "virgin_factor_id",
    "transport_factor_id",
    "material_class",
    "supply_fate",
    "supply_fate_source",
    "supply_fate_cost_source",
    "demand_use",
    "demand_use_source",
    "purchase_price_source",
    "pretreatment_done",
    "gain_per_unit",
)


def score_candidates(
    candidates: pd.DataFrame,
    registry: Registry,
    config: MatchConfig,
    *,
    factors: pd.DataFrame,
    rules: pd.DataFrame | None = None,
    categories: pd.DataFrame | None = None,
    baselines: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Add value, tonnes and CO2e columns (:data:`SCORE_COLUMNS`) to candidates.

    Parameters
    ----------
    candidates
        From :func:`~symbiosis.engine.candidates.generate_candidates`.
    registry
        Firms and streams (quantities, densities, fates, costs, prices, gate fees).
    config
        Scenario (prices, transport, weights).
    factors
        Emission factors (:func:`~symbiosis.engine.factors.load_factors`).
    rules
        Rules, used only to fill ``pretreatment`` when the candidates lack it.
    categories
        Knowledge-base categories (family, default density); loaded from ``symbiosis.kb`` when None.
    baselines
        Default baselines per category (:func:`~symbiosis.engine.baselines.load_baselines`); the
        bundled table when None.

    Returns
    -------
    pandas.DataFrame
        A copy of ``candidates`` with the score columns.
    """
    c = candidates
    if "pretreatment" not in c.columns and rules is not None:
        c = c.merge(rules[["rule_id", "pretreatment"]], on="rule_id", how="left")
    streams = registry.streams_by_code
    pre_codes, pre_names = pd.factorize(
        _normalised(c["pretreatment"]) if "pretreatment" in c.columns else pd.Series("", index=c.index)
    )
    pairs = PairInputs(
        sup=_rows_of(streams, c["supply_id"], c.get("supply_category_id")),
        dem=_rows_of(streams, c["demand_id"], c.get("demand_category_id")),
        kind=Kinds.of(c["kind"]) if "kind" in c.columns else None,
        flow=c["max_flow_per_yr"].to_numpy(float),
        yield_ratio=c["yield_ratio"].to_numpy(float),
        road_km=c["road_distance_km"].to_numpy(float),
        pretreatment=pre_codes,
        pretreatment_names=np.asarray(pre_names, dtype=object),
        index=c.index,
    )
    new = score_pairs(pairs, config, factors=factors, categories=categories, baselines=baselines)
    out = pd.concat([c, pd.DataFrame({k: materialise(v) for k, v in new.items()}, index=c.index)], axis=1)
    positive = int((out["gain_per_unit"] > 0).sum())
    logger.info("scored %d candidates, %d with positive gain", len(out), positive)
    return out


@dataclass(frozen=True)
class Coded:
    """A text column as codes into a few names: the strings are made only when the frame is built."""

    codes: np.ndarray
    names: np.ndarray

    def take(self, rows: np.ndarray) -> Coded:
        """The values at ``rows``."""
        return Coded(self.codes[rows], self.names)

    def at(self, rows: np.ndarray) -> np.ndarray:
        """The strings at ``rows`` (object array)."""
        return self.names[self.codes[rows]]

    def equals(self, value: str) -> np.ndarray:
        """Which values are ``value``."""
        return (self.names == value)[self.codes] if len(self.names) else np.zeros(len(self.codes), bool)

    def with_blank(self, keep: np.ndarray) -> Coded:
        """``""`` where ``keep`` is False."""
        names = np.append(self.names, "")
        return Coded(np.where(keep, self.codes, len(names) - 1), names)


def materialise(values: object) -> object:
    """A :class:`Coded` column as a string array (other values unchanged), as a frame column takes it."""
    if not isinstance(values, Coded):
        return values
    if all(isinstance(v, str) for v in values.names):
        return pd.array(np.asarray(values.names, dtype=object), dtype="str").take(values.codes)
    return np.asarray(values.names, dtype=object)[values.codes]


@dataclass(frozen=True)
class Kinds:
    """A resource kind per pair, as codes into a few names."""

    codes: np.ndarray
    names: np.ndarray

    @classmethod
    def of(cls, values: pd.Series | np.ndarray) -> Kinds:
        """Codes of a text column or array (missing → ``""``)."""
        codes, names = pd.factorize(pd.Series(values).astype("str").fillna(""))
        return cls(codes, np.asarray(names, dtype=object))

    def is_(self, name: str) -> np.ndarray:
        """Which pairs are of kind ``name``."""
        return (self.names == name)[self.codes] if len(self.names) else np.zeros(len(self.codes), bool)


@dataclass(frozen=True)
class StreamRows:
    """The streams of one side of the pairs: their distinct registry rows and each pair's one.

    ``attributes``: what scoring reads of those rows, computed already (:func:`row_attributes`,
    one entry per row of ``rows``); ``rows`` is then not read (it may be None).
    """

    codes: np.ndarray
    rows: pd.DataFrame | None
    attributes: RowAttributes | None = None


@dataclass(frozen=True)
class RowAttributes:
    """What scoring reads of some stream rows, one entry per row: the stream's attributes, today's
    baselines and the disposal and transport factors (:func:`row_attributes`).

    Text entries are object arrays, or :class:`Coded` when few values repeat (the factor ids);
    ``kind_names`` are the names the ``kind_code`` entry indexes.
    """

    values: dict[str, Any]
    kind_names: np.ndarray

    def take(self, rows: np.ndarray) -> RowAttributes:
        """The attributes of ``rows`` (positions), in that order."""
        return RowAttributes(
            {k: v.take(rows) if isinstance(v, Coded) else v[rows] for k, v in self.values.items()},
            self.kind_names,
        )

    def of_pairs(self, rows: np.ndarray) -> StreamRows:
        """:class:`StreamRows` of pairs whose streams are ``rows`` (one per pair): the distinct rows in
        order of first appearance, as :func:`stream_rows` gives them."""
        codes, uniques = pd.factorize(np.asarray(rows))
        return StreamRows(codes, None, self.take(uniques))

    def gather(self, codes: np.ndarray) -> dict[str, Any]:
        """The attributes of each pair (``codes``: its row); text entries as :class:`Coded`."""
        out: dict[str, Any] = {}
        for name, values in self.values.items():
            if isinstance(values, Coded):
                out[name] = Coded(values.codes[codes], values.names)
            else:
                out[name] = Coded(codes, values) if values.dtype == object else values[codes]
        out["kind_names"] = self.kind_names
        return out


@dataclass(frozen=True)
class PairInputs:
    """What scoring reads of each candidate pair, as arrays (the frame's columns or a candidate set's).

    ``pretreatment`` codes index ``pretreatment_names`` (normalised: stripped, lower case);
    ``kind`` is the supply's resource kind (the stream's own when None).
    """

    sup: StreamRows
    dem: StreamRows
    kind: Kinds | None
    flow: np.ndarray
    yield_ratio: np.ndarray
    road_km: np.ndarray
    pretreatment: np.ndarray
    pretreatment_names: np.ndarray
    index: pd.Index


def _normalised(values: pd.Series) -> pd.Series:
    return values.astype("string").fillna("").str.strip().str.lower()


def _rows_of(streams: pd.DataFrame, ids: pd.Series, categories: pd.Series | None = None) -> StreamRows:
    """Distinct streams of ``ids`` (first-appearance order) as rows of ``streams``, and each id's code;
    with ``categories``, one row per distinct (stream, category matched under) (see
    :func:`stream_rows`)."""
    if categories is None:
        codes, uniques = pd.factorize(ids.astype(str))
        return StreamRows(codes, streams.reindex(pd.Index(uniques)))
    keys = ids.astype(str) + "\x1f" + categories.astype(str)
    codes, uniques = pd.factorize(keys)
    first = pd.Series(np.arange(len(keys))).groupby(codes).first().to_numpy()
    distinct = streams.reindex(pd.Index(ids.astype(str).to_numpy(object)[first]))
    return _under(distinct, codes, categories.astype(str).to_numpy(object)[first])


def stream_rows(
    streams: pd.DataFrame,
    positions: np.ndarray,
    categories: np.ndarray | None = None,
    sides: np.ndarray | None = None,
) -> StreamRows:
    """:class:`StreamRows` of integer row positions into ``streams`` (``Registry.streams_by_code``).

    With ``sides`` (each pair's row of its side, ``positions`` and ``categories`` given per side
    row), one row per side row: a stream matched under a runner-up of its inferred category is
    scored as that category — its default fate, price, density and factors —, not as the category
    the candidate does not use (a demand read as a fertiliser but matched as an organic soil
    amendment was credited the fertiliser's 300 $/t). What the firm declared (fate, cost, price)
    still wins.
    """
    if sides is None or categories is None:
        codes, uniques = pd.factorize(positions)
        return StreamRows(codes, streams.iloc[uniques])
    codes, uniques = pd.factorize(sides)
    return _under(streams.iloc[np.asarray(positions)[uniques]], codes, np.asarray(categories)[uniques])


def _under(distinct: pd.DataFrame, codes: np.ndarray, categories: np.ndarray) -> StreamRows:
    """``distinct`` rows with each row's category replaced by the one its pairs matched it under."""
    categories = np.asarray(categories, dtype=object)
    if (distinct["category_id"].astype(str).to_numpy(object) == categories).all():
        return StreamRows(codes, distinct)
    rows = distinct.copy()
    rows["category_id"] = categories
    return StreamRows(codes, rows)


def score_pairs(
    pairs: PairInputs,
    config: MatchConfig,
    *,
    factors: pd.DataFrame,
    categories: pd.DataFrame | None = None,
    baselines: pd.DataFrame | None = None,
) -> dict[str, Coded | np.ndarray]:
    """The :data:`SCORE_COLUMNS` of each pair, as arrays aligned with ``pairs`` (no frame built).

    Text columns are :class:`Coded` (codes into their distinct values; :func:`materialise` makes the
    strings); the others are numpy arrays.
    """
    sup_rows, dem_rows = pairs.sup.attributes, pairs.dem.attributes
    if sup_rows is None or dem_rows is None:
        cats = _categories(categories)
        side = dict(baselines=load_baselines() if baselines is None else baselines, config=config)
        if sup_rows is None:
            sup_rows = _row_attrs(pairs.sup.rows, cats, factors, ("transport",), supply=side)
        if dem_rows is None:
            dem_rows = _row_attrs(pairs.dem.rows, cats, factors, _DEMAND_FACTORS, demand=side)
    sup, dem = sup_rows.gather(pairs.sup.codes), dem_rows.gather(pairs.dem.codes)
    kind = Kinds(sup["kind_code"], sup["kind_names"]) if pairs.kind is None else pairs.kind
    flow, yld, road_km = pairs.flow, pairs.yield_ratio, pairs.road_km
    t_unit, trips_unit, mode = _physical(kind, sup, config)
    pre_done = _pretreatment_done(pairs.pretreatment, pairs.pretreatment_names, sup)
    pre_rate = np.where(
        pre_done, 0.0, _pretreatment_rates(pairs.pretreatment, pairs.pretreatment_names, kind, config)
    )
    pre_basis = _pretreatment_basis(pairs.pretreatment, pairs.pretreatment_names, kind, t_unit, yld)
    money = _money(kind, t_unit, trips_unit, mode, flow, road_km, yld, sup, dem, pre_rate * pre_basis, config)
    virgin = _virgin(factors, sup, dem)
    co2 = _co2(kind, t_unit, yld, road_km, mode, sup, dem, virgin["value"])
    new = dict(
        transport_mode=Coded(mode, _MODES),
        t_per_unit=t_unit,
        trips_per_unit=trips_unit,
        trucks_per_yr=np.ceil(trips_unit * flow - 1e-9).clip(min=0),
        t_km_per_yr=np.where(mode == _TRUCK, t_unit * road_km * flow, 0.0),
        **money,
    )
    diverted = np.where(kind.is_("material") & sup["diverted"], t_unit, 0.0)
    co2_unit = (co2["disposal"] + co2["virgin"] - co2["transport"]) / 1000.0
    w = config.weights
    new.update(
        diverted_t_per_unit=diverted,
        diverted_t_per_yr=diverted * flow,
        co2e_disposal_avoided_t_per_yr=co2["disposal"] / 1000.0 * flow,
        co2e_virgin_avoided_t_per_yr=co2["virgin"] / 1000.0 * flow,
        co2e_transport_t_per_yr=co2["transport"] / 1000.0 * flow,
        co2e_avoided_t_per_unit=co2_unit,
        co2e_avoided_t_per_yr=co2_unit * flow,
        disposal_factor_id=sup["disposal_avoided_id"],
        virgin_factor_id=virgin["id"].with_blank(dem["use"].equals("virgin_input")),
        transport_factor_id=sup["transport_id"].with_blank(mode == _TRUCK),
        material_class=sup["material_class"],
        supply_fate=sup["fate"],
        supply_fate_source=sup["fate_source"],
        supply_fate_cost_source=sup["cost_source"],
        demand_use=dem["use"],
        demand_use_source=dem["use_source"],
        purchase_price_source=dem["price_source"],
        pretreatment_done=pre_done,
        gain_per_unit=(
            w.value * money["net_value_cad_per_unit"]
            + w.co2 * co2_unit * w.carbon_price_cad_per_t_co2e
            + w.tonnes * diverted * w.diversion_value_cad_per_t
        ),
    )
    return {k: new[k] for k in SCORE_COLUMNS}


#: Pre-treatments priced per MWh of heat they deliver (the rule's yield), not per supply unit.
_PER_MWH_DELIVERED = frozenset({"heat_exchanger", "biomass_boiler"})

#: The factors looked up per demand row: the virgin input's own (a pair's categories may override it).
_DEMAND_FACTORS = ("virgin_avoided",)
_MODES = np.array(["none", "truck", "pipe"], dtype=object)
_TRUCK, _PIPE = 1, 2


def _objects(series: pd.Series) -> np.ndarray:
    """A text column as an object array, converting only its distinct values."""
    codes, uniques = pd.factorize(series.astype("str").fillna(""))
    return np.asarray(uniques, dtype=object)[codes]


def _categories(categories: pd.DataFrame | None) -> pd.DataFrame:
    if categories is None:
        from symbiosis.kb import load_categories  # a package of this project: always importable

        categories = load_categories()
    categories = categories.drop_duplicates("category_id")
    return categories.set_index(categories["category_id"].astype(str), drop=False)


def row_attributes(
    rows: pd.DataFrame,
    config: MatchConfig,
    *,
    factors: pd.DataFrame,
    categories: pd.DataFrame | None = None,
    baselines: pd.DataFrame | None = None,
    direction: str,
) -> RowAttributes:
    """What :func:`score_pairs` reads of stream ``rows`` of one ``direction`` (``"supply"`` or
    ``"demand"``), computed once: scoring pairs of them then only gathers (:meth:`RowAttributes.of_pairs`).

    Each row's entries depend on that row alone (and on the tables and the scenario), so the
    attributes of every row of a registry's sides serve any subset of its pairs.
    """
    cats = _categories(categories)
    baselines = load_baselines() if baselines is None else baselines
    side = dict(baselines=baselines, config=config)
    if direction == "supply":
        return _row_attrs(rows, cats, factors, ("transport",), supply=side)
    return _row_attrs(rows, cats, factors, _DEMAND_FACTORS, demand=side)


def _row_attrs(
    rows: pd.DataFrame | None,
    cats: pd.DataFrame,
    factors: pd.DataFrame,
    quantities: tuple[str, ...],
    *,
    supply: dict | None = None,
    demand: dict | None = None,
) -> RowAttributes:
    """Stream attributes, baselines and factors of each of ``rows`` (computed once per distinct stream).

    ``supply`` / ``demand`` (``baselines`` and ``config``) add the current fate (and the disposal
    factor of its class and fate) or the current use; ``<quantity>_id`` entries are :class:`Coded`,
    text entries object arrays, the rest numpy arrays.
    """
    assert rows is not None  # StreamRows without attributes carry their rows

    def num(col: str) -> np.ndarray:
        if col not in rows.columns:
            return np.full(len(rows), np.nan)
        return pd.to_numeric(rows[col], errors="coerce").to_numpy(float)

    kind = _objects(rows["kind"]) if "kind" in rows.columns else np.full(len(rows), "material", dtype=object)
    category = _objects(rows["category_id"])
    cat_rows = cats.reindex(category)
    density = num("density_t_per_m3")
    if "default_density_t_per_m3" in cat_rows.columns:
        cat_density = pd.to_numeric(cat_rows["default_density_t_per_m3"], errors="coerce").to_numpy(float)
        density = np.where(np.isfinite(density) & (density > 0), density, cat_density)
    family = _objects(cat_rows["family"]) if "family" in cat_rows else np.full(len(rows), "", dtype=object)
    kind_code, kind_names = pd.factorize(pd.Series(kind, dtype=object))
    out = {
        "category": category,
        "family": family,
        "kind": kind,
        "density": density,
        "category_code": pd.factorize(pd.Series(category, dtype=object))[0],
        "kind_code": kind_code,
    }
    frame = rows.reset_index(drop=True).assign(category_id=category, kind=kind)
    if "stream_id" in frame.columns:  # rows looked up by position keep the id as a column, not the index
        frame = frame.drop(columns="stream_id")
    if supply is not None:
        out["treated"] = (
            stated_treatments(frame["description"])
            if "description" in frame.columns
            else np.zeros(len(frame), dtype=np.int64)
        )
        t_unit = np.where(
            kind == "material",
            1.0,
            np.where(kind == "water", np.where(np.isfinite(density), density, 1.0), 0.0),
        )
        base = supply_baselines(frame, family=family, t_per_unit=t_unit, **supply)
        out.update(base)
        for column, name in (("value", "disposal_avoided"), ("factor_id", "disposal_avoided_id")):
            found = disposal_factor(
                factors,
                category_id=category,
                family=family,
                material_class=base["material_class"],
                kind=kind,
                fate=base["fate"],
                column=column,
            )
            out[name] = found if column == "value" else np.asarray(found, dtype=object)
    if demand is not None:
        out.update(demand_baselines(frame, family=family, **demand))
    values: dict[str, Any] = {k: np.asarray(v) for k, v in out.items()}
    # One lookup per distinct (category, kind): ``rep`` is a stream of each, ``inv`` maps back.
    _, rep, inv = np.unique(
        category.astype(str) + "\x1f" + kind.astype(str), return_index=True, return_inverse=True
    )
    for quantity in quantities:
        values_rep, ids_rep = (
            lookup_factor(
                factors, quantity, category_id=category[rep], family=family[rep], kind=kind[rep], column=c
            )
            for c in ("value", "factor_id")
        )
        values[quantity] = values_rep[inv]
        values[f"{quantity}_id"] = Coded(inv, np.asarray(ids_rep, dtype=object))
    return RowAttributes(values, np.asarray(kind_names, dtype=object))


def _virgin(factors: pd.DataFrame, sup: dict, dem: dict) -> dict[str, Any]:
    """Virgin factor of each pair: the demand's own (:func:`_row_attrs`), unless a row names the
    pair's two categories (looked up once per distinct category pair)."""
    base, base_id = dem["virgin_avoided"], dem["virgin_avoided_id"]
    s_code, d_code = sup["category_code"], dem["category_code"]
    key = s_code.astype(np.int64) * (int(d_code.max(initial=0)) + 1) + d_code
    rep, inv = first_and_inverse(key)
    args = dict(supply_category_id=sup["category"].at(rep), category_id=dem["category"].at(rep))
    values = virgin_pair_factor(factors, **args)
    ids = virgin_pair_factor(factors, **args, column="factor_id")
    value, factor_id = base, base_id
    if values is not None and values[0].any():
        value = np.where(values[0][inv], values[1][inv], base).astype(float)
    if ids is not None and ids[0].any():
        overrides = np.where(ids[0], ids[1], "").astype(object)  # no missing name: Parquet refuses one
        names = np.concatenate([base_id.names, overrides])
        factor_id = Coded(np.where(ids[0][inv], len(base_id.names) + inv, base_id.codes), names)
    return {"value": value, "id": factor_id}


def _physical(kind: Kinds, sup: dict, config: MatchConfig) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tonnes per supply unit, truck trips per supply unit, and transport mode code, by kind."""
    tr = config.transport
    density = np.where(np.isfinite(sup["density"]) & (sup["density"] > 0), sup["density"], np.nan)
    material, water = kind.is_("material"), kind.is_("water")
    t_unit = np.where(material, 1.0, np.where(water, np.nan_to_num(density, nan=1.0), 0.0))
    m3_unit = np.where(material, 1.0 / np.nan_to_num(density, nan=tr.default_density_t_per_m3), 0.0)
    trips = np.where(material, np.maximum(t_unit / tr.truck_payload_t, m3_unit / tr.truck_volume_m3), 0.0)
    mode = np.where(material, _TRUCK, np.where(water | kind.is_("energy"), _PIPE, 0))
    return t_unit, trips, mode


def _pretreatment_rates(codes: np.ndarray, names: np.ndarray, kind: Kinds, config: MatchConfig) -> np.ndarray:
    """Config rate of each pair's (pre-treatment type, kind), looked up once per distinct pair of them."""
    table = np.array(
        [[config.pretreatment_rate(str(pre), str(k)) for k in kind.names] for pre in names], dtype=float
    ).reshape(len(names), len(kind.names))
    return table[codes, kind.codes] if len(codes) else np.zeros(0)


def _pretreatment_done(codes: np.ndarray, names: np.ndarray, sup: dict) -> np.ndarray:
    """Whether each pair's supply states its rule's pre-treatment as already done (not charged again)."""
    bits = np.fromiter((treatment_bit(str(n)) for n in names), dtype=np.int64, count=len(names))
    if not len(codes):
        return np.zeros(0, dtype=bool)
    return (sup["treated"] & bits[codes]) != 0


def _pretreatment_basis(
    codes: np.ndarray, names: np.ndarray, kind: Kinds, t_unit: np.ndarray, yld: np.ndarray
) -> np.ndarray:
    """Units a pre-treatment rate is charged on, per supply unit: 1 per MWh of energy, the heat
    delivered (the yield) for a heat exchanger on water or the receiver's biomass boiler burning a
    residue, else the supply's tonnes."""
    per_mwh = np.asarray([str(n) in _PER_MWH_DELIVERED for n in names], dtype=bool)
    delivered = per_mwh[codes] if len(codes) else np.zeros(0, dtype=bool)
    return np.where(kind.is_("energy"), 1.0, np.where(delivered, yld, t_unit))


def _money(
    kind: Kinds,
    t_unit: np.ndarray,
    trips: np.ndarray,
    mode: np.ndarray,
    flow: np.ndarray,
    road_km: np.ndarray,
    yld: np.ndarray,
    sup: dict,
    dem: dict,
    pre_cost: np.ndarray,
    config: MatchConfig,
) -> dict[str, np.ndarray]:
    tr = config.transport
    truck = t_unit * road_km * tr.cost_cad_per_t_km + trips * tr.cost_cad_per_trip
    safe_flow = np.where(flow > 0, flow, np.inf)
    pipe = tr.pipe_cost_cad_per_km_yr * road_km / safe_flow
    transport = np.select([mode == _TRUCK, mode == _PIPE], [truck, pipe], 0.0)
    pretreatment = pre_cost
    disposal = sup["cost"]
    purchase = yld * dem["price"]
    gate_fee = yld * dem["gate_fee"]
    net = disposal + purchase - gate_fee - transport - pretreatment
    per_unit = {
        "avoided_disposal": disposal,
        "avoided_purchase": purchase,
        "gate_fee": gate_fee,
        "transport_cost": transport,
        "pretreatment_cost": pretreatment,
        "net_value": net,
    }
    out = {f"{k}_cad_per_unit": v for k, v in per_unit.items()}
    out.update({f"{k}_cad_per_yr": v * flow for k, v in per_unit.items()})
    return out


def _co2(
    kind: Kinds,
    t_unit: np.ndarray,
    yld: np.ndarray,
    road_km: np.ndarray,
    mode: np.ndarray,
    sup: dict,
    dem: dict,
    virgin: np.ndarray,
) -> dict[str, np.ndarray]:
    """kg CO2e per supply unit: today's fate avoided (by class and fate), virgin input avoided, truck."""
    tonnes = np.where(kind.is_("material"), t_unit, 0.0)
    transport = np.where(mode == _TRUCK, sup["transport"] * t_unit * road_km, 0.0)
    return {
        "disposal": sup["disposal_avoided"] * tonnes,
        "virgin": np.where(dem["use"].equals("virgin_input"), virgin * yld, 0.0),
        "transport": transport,
    }
