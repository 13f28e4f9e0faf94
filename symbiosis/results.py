"""What a matching run returns: the :class:`MatchResult` and its key performance indicators.

Every figure here is an **estimate** for proposed synergies (the allocation is a proposal, not an
implemented exchange); money in CAD per year, masses in t/yr, emissions in t CO2e/yr.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from symbiosis.engine.network import park_split, tonnes_of
from symbiosis.i18n import Text, TextTable

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "DEFAULT_PRICE_SOURCES",
    "KPI_LABELS",
    "PRICE_SOURCE_COLUMNS",
    "AllocationInfo",
    "Deferred",
    "KindKpis",
    "Kpis",
    "MatchResult",
    "compute_kpis",
    "explanation_texts",
    "on_default_prices",
]

#: Bilingual label of each scalar KPI, in display order.
KPI_LABELS: Mapping[str, Text] = TextTable("results.kpi")


@dataclass(frozen=True)
class KindKpis:
    """Exchanges of one resource kind (quantities in that kind's canonical unit)."""

    kind: str
    unit: str
    n_exchanges: int
    quantity_per_yr: float
    net_value_cad_per_yr: float
    co2e_avoided_t_per_yr: float


@dataclass(frozen=True)
class Kpis:
    """Key performance indicators of an allocation, as regional programs report them."""

    tonnes_exchanged_t_per_yr: float = 0.0
    diverted_t_per_yr: float = 0.0
    co2e_avoided_t_per_yr: float = 0.0
    net_value_cad_per_yr: float = 0.0
    net_value_default_prices_cad_per_yr: float = 0.0
    avoided_disposal_cad_per_yr: float = 0.0
    avoided_purchase_cad_per_yr: float = 0.0
    transport_cost_cad_per_yr: float = 0.0
    n_exchanges: int = 0
    n_firms_engaged: int = 0
    n_exchanges_within_park: int = 0
    n_exchanges_between_parks: int = 0
    n_exchanges_category_to_confirm: int = 0
    by_kind: tuple[KindKpis, ...] = ()

    def scalars(self) -> dict[str, float | int]:
        """Return the scalar KPIs (everything but ``by_kind``), in :data:`KPI_LABELS` order."""
        return {k: getattr(self, k) for k in KPI_LABELS}

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict: the scalars and ``by_kind`` keyed by resource kind."""
        out: dict[str, Any] = self.scalars()
        out["by_kind"] = {
            k.kind: {f: v for f, v in dataclasses.asdict(k).items() if f != "kind"} for k in self.by_kind
        }
        return out

    def delta(self, baseline: Kpis) -> dict[str, Any]:
        """Return ``self - baseline`` for every scalar and per-kind figure (scenario comparison).

        A kind present on one side only counts as zero on the other.
        """
        out: dict[str, Any] = {k: v - getattr(baseline, k) for k, v in self.scalars().items()}
        mine = {k.kind: k for k in self.by_kind}
        theirs = {k.kind: k for k in baseline.by_kind}
        fields = ("n_exchanges", "quantity_per_yr", "net_value_cad_per_yr", "co2e_avoided_t_per_yr")
        out["by_kind"] = {
            kind: {f: getattr(mine.get(kind), f, 0) - getattr(theirs.get(kind), f, 0) for f in fields}
            for kind in sorted(set(mine) | set(theirs))
        }
        return out


@dataclass(frozen=True)
class AllocationInfo:
    """Metadata of the solve: status, objective, bound, gap, method and stage timings.

    ``timings_s`` maps each pipeline stage to its wall time in seconds; ``violations`` lists what
    the independent solution checker found (empty when the allocation is consistent).
    """

    status: str
    objective: float = math.nan
    bound: float = math.nan
    gap: float = math.nan
    method: str = ""
    timings_s: Mapping[str, float] = field(default_factory=dict)
    violations: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """The solve found an allocation and the checker accepted it."""
        return self.status in ("optimal", "feasible") and not self.violations

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (NaN as ``None``)."""
        out = dataclasses.asdict(self)
        out["timings_s"] = dict(self.timings_s)
        out["violations"] = list(self.violations)
        return {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in out.items()}


class Deferred:
    """A :class:`MatchResult` field computed on first access (``build()``), then kept in its place."""

    __slots__ = ("build",)

    def __init__(self, build: Callable[[], Any]) -> None:
        self.build = build

    def __repr__(self) -> str:
        return "Deferred(<not built yet>)"


@dataclass(frozen=True)
class MatchResult:
    """Everything a matching run produced.

    Any field may be given as a :class:`Deferred`: it is built the first time it is read and then
    stored like any other value (:func:`symbiosis.pipeline.run` defers every frame, the KPIs and the
    graph, so that a caller reading only the KPIs never pays for the candidates frame).

    Parameters
    ----------
    exchanges
        Allocated flows: :data:`symbiosis.schemas.EXCHANGES` plus supply/demand firm ids,
        categories, kind, distance, cost breakdown, park scope and explanation columns.
    candidates
        Every scored candidate (allocated or not).
    unmatched_supplies, unmatched_demands
        Streams left without an exchange, with ``reason_code``, ``reason_fr`` and ``reason_en``.
    kpis
        Indicators of the allocation.
    graph
        Firm graph of the exchanges (:func:`symbiosis.engine.network.firm_graph`).
    allocation
        Solve metadata and stage timings.
    config
        The :class:`symbiosis.engine.config.MatchConfig` used.
    internal_opportunities
        Profitable same-firm candidates (``internal_policy="separate"``): internal reuse the firm
        could make of its own residue, listed apart, never in the exchanges, KPIs, maps or reports.
        Those replacing a swap compete in the allocation (``competed``; ``allocated_per_yr``: what it
        gives them), so two firms are never proposed to swap a material each could reuse itself.
    mutual
        The mutualisation levers (:class:`symbiosis.mutual.MutualResult`: group purchasing, shared
        equipment, shared units, collection tours) when ``run`` was asked for them, else None.
    """

    exchanges: pd.DataFrame
    candidates: pd.DataFrame
    unmatched_supplies: pd.DataFrame
    unmatched_demands: pd.DataFrame
    kpis: Kpis
    graph: nx.DiGraph
    allocation: AllocationInfo
    config: Any
    internal_opportunities: pd.DataFrame = field(default_factory=pd.DataFrame)
    mutual: Any = None

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if type(value) is Deferred:
            value = value.build()
            object.__setattr__(self, name, value)
        return value

    def __getstate__(self) -> dict[str, Any]:
        """Every field built (a deferred one holds a closure, which does not pickle)."""
        return {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)

    @property
    def status(self) -> str:
        """Status of the solve (``optimal``, ``feasible``, ``infeasible``, ``error``…)."""
        return self.allocation.status


def _col(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series(0.0, index=frame.index)
    return pd.to_numeric(frame[name], errors="coerce").fillna(0.0)


def _flag(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame:
        return pd.Series(False, index=frame.index)
    return frame[name].fillna(False).astype(bool)


def _by_kind(exchanges: pd.DataFrame) -> tuple[KindKpis, ...]:
    if exchanges.empty or "kind" not in exchanges:
        return ()
    frame = pd.DataFrame(
        {
            "kind": exchanges["kind"].astype(str),
            "unit": exchanges["quantity_unit"].astype(str) if "quantity_unit" in exchanges else "",
            "q": _col(exchanges, "flow_per_yr"),
            "v": _col(exchanges, "net_value_cad_per_yr"),
            "c": _col(exchanges, "co2e_avoided_t_per_yr"),
        }
    )
    out = []
    for kind, part in frame.groupby("kind", sort=True):
        out.append(
            KindKpis(
                str(kind),
                str(part["unit"].iloc[0]),
                len(part),
                float(part["q"].sum()),
                float(part["v"].sum()),
                float(part["c"].sum()),
            )
        )
    return tuple(out)


#: Where an exchange's money comes from when no firm gave the figure (``supply_fate_cost_source``,
#: ``purchase_price_source``): the knowledge base's or the scenario's defaults.
DEFAULT_PRICE_SOURCES = frozenset({"config_default", "category_default", "family_default"})


#: The exchange columns that say where its money comes from.
PRICE_SOURCE_COLUMNS: tuple[str, ...] = ("supply_fate_cost_source", "purchase_price_source")


def on_default_prices(exchanges: pd.DataFrame) -> pd.Series:
    """Exchanges whose supply's cost today or demand's price is a default, not a firm's figure.

    Parameters
    ----------
    exchanges
        Rows with any of :data:`PRICE_SOURCE_COLUMNS` (missing ones count as a firm's figure).
    """
    rest = pd.Series(False, index=exchanges.index)
    for column in PRICE_SOURCE_COLUMNS:
        if column in exchanges:
            rest |= exchanges[column].astype(str).isin(DEFAULT_PRICE_SOURCES)
    return rest


def compute_kpis(exchanges: pd.DataFrame, firms: pd.DataFrame) -> Kpis:
    """Sum the indicators of a set of exchanges.

    Parameters
    ----------
    exchanges
        Exchanges with the :data:`~symbiosis.schemas.EXCHANGES` columns, the firm of each side and,
        when known, ``kind``, ``quantity_unit``, ``mass_t_per_yr``,
        ``avoided_disposal_cad_per_yr``, ``avoided_purchase_cad_per_yr`` and
        ``transport_cost_cad_per_yr`` (missing ones count as zero).
    firms
        Firms table (for the park split).
    """
    if exchanges.empty:
        return Kpis()
    split = park_split(exchanges, firms)
    engaged = set(exchanges["supply_firm_id"]) | set(exchanges["demand_firm_id"])
    return Kpis(
        tonnes_exchanged_t_per_yr=float(tonnes_of(exchanges).sum()),
        diverted_t_per_yr=float(_col(exchanges, "diverted_t_per_yr").sum()),
        co2e_avoided_t_per_yr=float(_col(exchanges, "co2e_avoided_t_per_yr").sum()),
        net_value_cad_per_yr=float(_col(exchanges, "net_value_cad_per_yr").sum()),
        net_value_default_prices_cad_per_yr=float(
            _col(exchanges, "net_value_cad_per_yr")[on_default_prices(exchanges)].sum()
        ),
        avoided_disposal_cad_per_yr=float(_col(exchanges, "avoided_disposal_cad_per_yr").sum()),
        avoided_purchase_cad_per_yr=float(_col(exchanges, "avoided_purchase_cad_per_yr").sum()),
        transport_cost_cad_per_yr=float(_col(exchanges, "transport_cost_cad_per_yr").sum()),
        n_exchanges=len(exchanges),
        n_firms_engaged=len(engaged),
        n_exchanges_within_park=split.n_within,
        n_exchanges_between_parks=split.n_between,
        n_exchanges_category_to_confirm=int(_flag(exchanges, "category_alternative").sum()),
        by_kind=_by_kind(exchanges),
    )


def explanation_texts(exchanges: pd.DataFrame, lang: str = "fr") -> pd.Series:
    """Write the explanation paragraph of each exchange (``MatchResult.exchanges`` rows).

    Parameters
    ----------
    exchanges
        Exchanges carrying the columns of :func:`symbiosis.engine.explain.explain`; pass only the
        rows you show (one Python call per row, ~0.1 ms each).
    lang
        ``"fr"`` or ``"en"``.

    Returns
    -------
    pandas.Series
        One paragraph per row, same index.
    """
    from symbiosis.engine.explain import explain_text

    cols = list(exchanges.columns)
    values = [exchanges[c].to_numpy(dtype=object) for c in cols]
    texts = [explain_text(dict(zip(cols, row, strict=True)), lang) for row in zip(*values, strict=True)]
    return pd.Series(texts, index=exchanges.index, dtype=object, name=f"explanation_{lang}")
