"""Network analysis of allocated exchanges: firm graph, clusters, hubs, parks, chains, resilience.

Everything here is pure networkx and pandas: it takes the exchanges a solve allocated (one row per
supply-demand flow, with the firm of each side) and the firms table, and returns graphs, frames
and small frozen dataclasses. Nothing is solved again unless a ``resolve`` callable is passed to
:func:`resilience`.

Model
-----
The firm graph :math:`G = (F, E)` has one node per firm and one directed edge ``u -> v`` when
firm ``u`` ships at least one residue to firm ``v``. Edge attributes are sums over the exchanges
on that pair: ``tonnes_t_per_yr``, ``net_value_cad_per_yr``, ``co2e_avoided_t_per_yr`` and
``n_exchanges``. Internal reuse (a firm feeding itself) is a self-loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "EDGE_ATTRS",
    "Outcome",
    "ParkSplit",
    "chains",
    "clusters",
    "exchange_scope",
    "firm_graph",
    "hubs",
    "park_matrix",
    "park_split",
    "resilience",
    "tonnes_of",
]

logger = logging.getLogger(__name__)

#: Edge attributes of the firm graph, summed over the exchanges of a firm pair.
EDGE_ATTRS: tuple[str, ...] = (
    "tonnes_t_per_yr",
    "net_value_cad_per_yr",
    "co2e_avoided_t_per_yr",
    "n_exchanges",
)
#: Above this many nodes, betweenness is estimated from ``k`` sampled sources.
BETWEENNESS_EXACT_MAX_NODES = 2000
#: Sampled sources of the betweenness estimate above that size.
BETWEENNESS_SAMPLE_K = 256
_NODE_ATTRS = ("name", "park_id", "municipality", "scian_code")


def tonnes_of(exchanges: pd.DataFrame) -> pd.Series:
    """Return the mass moved by each exchange, t/yr.

    Uses ``mass_t_per_yr`` when the frame has it (the pipeline computes it from the supply's mass
    rate), otherwise ``flow_per_yr`` for rows whose ``kind`` is ``material`` (t/yr is the canonical
    unit of materials) and 0 for energy, services and the like; ``flow_per_yr`` when there is no
    ``kind`` column at all.
    """
    if "mass_t_per_yr" in exchanges:
        return pd.to_numeric(exchanges["mass_t_per_yr"], errors="coerce").fillna(0.0)
    flow = pd.to_numeric(exchanges["flow_per_yr"], errors="coerce").fillna(0.0)
    if "kind" in exchanges:
        return flow.where(exchanges["kind"].eq("material"), 0.0)
    return flow


def _numeric(exchanges: pd.DataFrame, column: str) -> pd.Series:
    if column not in exchanges:
        return pd.Series(0.0, index=exchanges.index)
    return pd.to_numeric(exchanges[column], errors="coerce").fillna(0.0)


def firm_graph(exchanges: pd.DataFrame, firms: pd.DataFrame | None = None) -> nx.DiGraph:
    """Build the directed firm graph of the exchanges.

    Parameters
    ----------
    exchanges
        One row per allocated flow with ``supply_firm_id``, ``demand_firm_id`` and, when known,
        ``net_value_cad_per_yr``, ``co2e_avoided_t_per_yr`` and a mass (see :func:`tonnes_of`).
    firms
        Firms table; when given, nodes carry ``name``, ``park_id``, ``municipality`` and
        ``scian_code``. Only firms engaged in an exchange become nodes.

    Returns
    -------
    networkx.DiGraph
        Nodes are firm ids; edge attributes are :data:`EDGE_ATTRS`, summed per firm pair.
    """
    import networkx as nx

    graph = nx.DiGraph()
    if exchanges.empty:
        return graph
    frame = pd.DataFrame(
        {
            "u": exchanges["supply_firm_id"].astype(str),
            "v": exchanges["demand_firm_id"].astype(str),
            "tonnes_t_per_yr": tonnes_of(exchanges),
            "net_value_cad_per_yr": _numeric(exchanges, "net_value_cad_per_yr"),
            "co2e_avoided_t_per_yr": _numeric(exchanges, "co2e_avoided_t_per_yr"),
            "n_exchanges": 1,
        }
    )
    summed = frame.groupby(["u", "v"], sort=True).sum().reset_index()
    values = [summed[a].to_numpy(float).tolist() for a in EDGE_ATTRS[:-1]]
    values.append(summed["n_exchanges"].to_numpy(int).tolist())
    attrs = [dict(zip(EDGE_ATTRS, row, strict=True)) for row in zip(*values, strict=True)]
    graph.add_edges_from(zip(summed["u"].to_numpy(object), summed["v"].to_numpy(object), attrs, strict=True))
    if firms is not None and not firms.empty:
        cols = [c for c in _NODE_ATTRS if c in firms]
        info = firms.assign(firm_id=firms["firm_id"].astype(str)).drop_duplicates("firm_id")
        info = info.set_index("firm_id").reindex(list(graph.nodes))[cols]
        info = info.astype(object).where(info.notna(), None)
        nx.set_node_attributes(graph, info.to_dict(orient="index"))
    return graph


def _edge_sum(graph: nx.DiGraph, edges: Iterable[tuple[str, str]], attr: str) -> float:
    return float(sum(graph.edges[e][attr] for e in edges))


def clusters(graph: nx.DiGraph) -> pd.DataFrame:
    """Return the symbiosis clusters: weakly connected components of the firm graph.

    Returns
    -------
    pandas.DataFrame
        One row per cluster, largest first (ties by value, then first firm id): ``cluster_id``
        (1-based), ``n_firms``, ``n_exchanges``, ``tonnes_t_per_yr``, ``net_value_cad_per_yr``,
        ``co2e_avoided_t_per_yr``, ``firm_ids`` (sorted tuple) and ``park_ids`` (sorted tuple).
    """
    import networkx as nx

    rows = []
    for nodes in nx.weakly_connected_components(graph):
        edges = list(graph.subgraph(nodes).edges)
        parks = {graph.nodes[n].get("park_id") for n in nodes} - {None, ""}
        rows.append(
            {
                "n_firms": len(nodes),
                "n_exchanges": int(_edge_sum(graph, edges, "n_exchanges")),
                "tonnes_t_per_yr": _edge_sum(graph, edges, "tonnes_t_per_yr"),
                "net_value_cad_per_yr": _edge_sum(graph, edges, "net_value_cad_per_yr"),
                "co2e_avoided_t_per_yr": _edge_sum(graph, edges, "co2e_avoided_t_per_yr"),
                "firm_ids": tuple(sorted(nodes)),
                "park_ids": tuple(sorted(map(str, parks))),
            }
        )
    columns = [
        "cluster_id",
        "n_firms",
        "n_exchanges",
        "tonnes_t_per_yr",
        "net_value_cad_per_yr",
        "co2e_avoided_t_per_yr",
        "firm_ids",
        "park_ids",
    ]
    if not rows:
        return pd.DataFrame(columns=columns)
    out = pd.DataFrame(rows)
    out["_first"] = out["firm_ids"].str[0]
    out = out.sort_values(["n_firms", "net_value_cad_per_yr", "_first"], ascending=[False, False, True]).drop(
        columns="_first"
    )
    out.insert(0, "cluster_id", np.arange(1, len(out) + 1))
    return out.reset_index(drop=True)[columns]


def hubs(
    graph: nx.DiGraph,
    *,
    top: int | None = 10,
    seed: int = 0,
    exact_max_nodes: int = BETWEENNESS_EXACT_MAX_NODES,
    sample_k: int = BETWEENNESS_SAMPLE_K,
) -> pd.DataFrame:
    """Rank the hub and anchor firms of the network.

    Parameters
    ----------
    graph
        Firm graph from :func:`firm_graph`.
    top
        Number of firms to return (all when ``None``).
    seed
        Seed of the source sampling used when the graph has more than ``exact_max_nodes`` nodes.
    exact_max_nodes
        Largest graph on which betweenness is computed exactly (one BFS per node).
    sample_k
        Above ``exact_max_nodes``, the number of sampled source nodes that estimate betweenness
        (each is a pure-Python BFS over the whole graph, so keep it in the hundreds).

    Returns
    -------
    pandas.DataFrame
        ``firm_id``, ``in_degree``, ``out_degree``, ``degree`` (distinct partners, self excluded),
        ``weighted_degree_cad_per_yr`` (value of the exchanges it takes part in), ``tonnes_t_per_yr``
        (in + out), ``betweenness`` (normalised, on the undirected firm graph), sorted by degree,
        then value, then betweenness.
    """
    import networkx as nx

    columns = [
        "firm_id",
        "in_degree",
        "out_degree",
        "degree",
        "weighted_degree_cad_per_yr",
        "tonnes_t_per_yr",
        "betweenness",
    ]
    if graph.number_of_nodes() == 0:
        return pd.DataFrame(columns=columns)
    simple = nx.DiGraph(graph)
    simple.remove_edges_from(nx.selfloop_edges(simple))
    undirected = simple.to_undirected(as_view=True)
    n = graph.number_of_nodes()
    k = min(sample_k, n) if n > exact_max_nodes else None
    between = nx.betweenness_centrality(undirected, k=k, seed=seed if k else None, normalized=True)
    value = dict(graph.degree(weight="net_value_cad_per_yr"))
    tonnes = dict(graph.degree(weight="tonnes_t_per_yr"))
    out = pd.DataFrame(
        {
            "firm_id": list(graph.nodes),
            "in_degree": [simple.in_degree(f) for f in graph.nodes],
            "out_degree": [simple.out_degree(f) for f in graph.nodes],
            "degree": [undirected.degree(f) for f in graph.nodes],
            "weighted_degree_cad_per_yr": [float(value[f]) for f in graph.nodes],
            "tonnes_t_per_yr": [float(tonnes[f]) for f in graph.nodes],
            "betweenness": [float(between[f]) for f in graph.nodes],
        }
    )
    # a self-loop counts twice in networkx's degree: count an internal exchange once
    for u, _, data in nx.selfloop_edges(graph, data=True):
        i = out.index[out["firm_id"] == u]
        out.loc[i, "weighted_degree_cad_per_yr"] -= data["net_value_cad_per_yr"]
        out.loc[i, "tonnes_t_per_yr"] -= data["tonnes_t_per_yr"]
    out = out.sort_values(
        ["degree", "weighted_degree_cad_per_yr", "betweenness", "firm_id"],
        ascending=[False, False, False, True],
    ).reset_index(drop=True)
    return out if top is None else out.head(top)


@dataclass(frozen=True)
class ParkSplit:
    """Exchanges within one industrial park versus the others.

    ``between`` counts every exchange not within a single park: between two parks, or with a
    firm outside any park. Internal reuse (a firm feeding itself) counts as within.
    """

    n_within: int
    n_between: int
    tonnes_within_t_per_yr: float
    tonnes_between_t_per_yr: float
    value_within_cad_per_yr: float
    value_between_cad_per_yr: float


def exchange_scope(exchanges: pd.DataFrame, firms: pd.DataFrame) -> pd.Series:
    """Label each exchange ``within_park``, ``between_parks`` or ``outside_park``.

    ``outside_park`` means at least one of the two firms is in no park (unless it is one firm).
    """
    park = firms.drop_duplicates("firm_id").set_index("firm_id")["park_id"]
    park = park.where(park.notna() & park.astype(str).str.strip().ne(""), None)
    sp = exchanges["supply_firm_id"].map(park)
    dp = exchanges["demand_firm_id"].map(park)
    same_firm = exchanges["supply_firm_id"].eq(exchanges["demand_firm_id"])
    within = same_firm | (sp.notna() & dp.notna() & sp.eq(dp))
    outside = ~within & (sp.isna() | dp.isna())
    scope = np.select(
        [within.to_numpy(), outside.to_numpy()], ["within_park", "outside_park"], default="between_parks"
    )
    return pd.Series(scope, index=exchanges.index, name="park_scope", dtype=object)


def park_split(exchanges: pd.DataFrame, firms: pd.DataFrame) -> ParkSplit:
    """Count, weigh and value the exchanges within one park versus the rest."""
    if exchanges.empty:
        return ParkSplit(0, 0, 0.0, 0.0, 0.0, 0.0)
    within = exchange_scope(exchanges, firms).eq("within_park")
    tonnes = tonnes_of(exchanges)
    value = _numeric(exchanges, "net_value_cad_per_yr")
    return ParkSplit(
        n_within=int(within.sum()),
        n_between=int((~within).sum()),
        tonnes_within_t_per_yr=float(tonnes[within].sum()),
        tonnes_between_t_per_yr=float(tonnes[~within].sum()),
        value_within_cad_per_yr=float(value[within].sum()),
        value_between_cad_per_yr=float(value[~within].sum()),
    )


def park_matrix(exchanges: pd.DataFrame, firms: pd.DataFrame) -> pd.DataFrame:
    """Sum the exchanges per (supply park, demand park) pair; firms outside a park show as ``""``.

    Returns
    -------
    pandas.DataFrame
        ``supply_park_id``, ``demand_park_id``, ``n_exchanges``, ``tonnes_t_per_yr``,
        ``net_value_cad_per_yr``, ``co2e_avoided_t_per_yr``; largest value first.
    """
    columns = [
        "supply_park_id",
        "demand_park_id",
        "n_exchanges",
        "tonnes_t_per_yr",
        "net_value_cad_per_yr",
        "co2e_avoided_t_per_yr",
    ]
    if exchanges.empty:
        return pd.DataFrame(columns=columns)
    park = firms.drop_duplicates("firm_id").set_index("firm_id")["park_id"].astype(object)
    park = park.where(park.notna(), "")
    frame = pd.DataFrame(
        {
            "supply_park_id": exchanges["supply_firm_id"].map(park).fillna("").to_numpy(object),
            "demand_park_id": exchanges["demand_firm_id"].map(park).fillna("").to_numpy(object),
            "n_exchanges": 1,
            "tonnes_t_per_yr": tonnes_of(exchanges).to_numpy(float),
            "net_value_cad_per_yr": _numeric(exchanges, "net_value_cad_per_yr").to_numpy(float),
            "co2e_avoided_t_per_yr": _numeric(exchanges, "co2e_avoided_t_per_yr").to_numpy(float),
        }
    )
    out = frame.groupby(["supply_park_id", "demand_park_id"], as_index=False, sort=True).sum()
    out = out.sort_values("net_value_cad_per_yr", ascending=False, kind="stable", ignore_index=True)
    return out[columns]


def chains(graph: nx.DiGraph, *, top: int = 5) -> pd.DataFrame:
    """List the longest multi-hop chains: a firm receives a residue and supplies another.

    Firms that feed each other in a loop are first merged (condensation into strongly connected
    components), so the chains are longest paths of a DAG, found by dynamic programming in
    reverse topological order: the longest chain starting at each firm. Chains with at least two
    hops are kept, longest first; a chain contained in one already listed is skipped.

    Returns
    -------
    pandas.DataFrame
        ``chain_id``, ``hops`` (edges between steps), ``steps`` (tuple of steps, each a sorted tuple
        of firm ids: one firm, or several in a loop) and ``label`` (``"A → B+C → D"``, a loop of more
        than three firms shortened to ``"B+C+D+…(+n)"``), longest first.
    """
    import networkx as nx

    columns = ["chain_id", "hops", "steps", "label"]
    if graph.number_of_edges() == 0:
        return pd.DataFrame(columns=columns)
    dag = nx.condensation(graph)
    members = {c: tuple(sorted(dag.nodes[c]["members"])) for c in dag.nodes}
    length: dict[int, int] = {}
    child: dict[int, int | None] = {}
    order = list(nx.lexicographical_topological_sort(dag, key=lambda c: members[c]))
    for node in reversed(order):
        succ = sorted(dag.successors(node), key=lambda c: (-length[c], members[c]))
        length[node] = length[succ[0]] + 1 if succ else 0
        child[node] = succ[0] if succ else None
    starts = sorted((c for c in dag.nodes if length[c] >= 2), key=lambda c: (-length[c], members[c]))
    listed: list[tuple[int, ...]] = []
    for start in starts:
        path = [start]
        while (nxt := child[path[-1]]) is not None:
            path.append(nxt)
        if not any(_contains(longer, path) for longer in listed):
            listed.append(tuple(path))
        if len(listed) >= top:
            break
    rows = [
        {
            "chain_id": i + 1,
            "hops": len(p) - 1,
            "steps": tuple(members[c] for c in p),
            "label": " → ".join(_step_label(members[c]) for c in p),
        }
        for i, p in enumerate(listed)
    ]
    return pd.DataFrame(rows, columns=columns)


def _step_label(firms: tuple[str, ...], shown: int = 3) -> str:
    """``A+B+C``, or ``A+B+C+…(+n)`` for a loop of more than ``shown`` firms."""
    more = len(firms) - shown
    return "+".join(firms[:shown]) + (f"+…(+{more})" if more > 0 else "")


def _contains(longer: tuple[int, ...], path: list[int]) -> bool:
    n = len(path)
    return any(list(longer[i : i + n]) == path for i in range(len(longer) - n + 1))


@dataclass(frozen=True)
class Outcome:
    """Totals of an allocation, as a ``resolve`` callable of :func:`resilience` returns them."""

    net_value_cad_per_yr: float
    co2e_avoided_t_per_yr: float


def resilience(
    exchanges: pd.DataFrame,
    *,
    firm_ids: Iterable[str] | None = None,
    resolve: Callable[[str], Outcome] | None = None,
) -> pd.DataFrame:
    """Value and CO2e lost if a firm closes.

    Parameters
    ----------
    exchanges
        Allocated exchanges with ``supply_firm_id``, ``demand_firm_id``,
        ``net_value_cad_per_yr`` and ``co2e_avoided_t_per_yr``.
    firm_ids
        Firms to test (e.g. the top hubs); every engaged firm when ``None``.
    resolve
        Optional ``resolve(firm_id) -> Outcome``: the totals of a new allocation without that firm.
        When given, the re-optimised loss is the baseline total minus that outcome: the partners
        may find other counterparts, so it is at most the direct loss (up to solver tolerance).

    Returns
    -------
    pandas.DataFrame
        ``firm_id``, ``n_exchanges_lost``, ``direct_value_lost_cad_per_yr``,
        ``direct_co2e_lost_t_per_yr`` and, with ``resolve``, ``reoptimised_value_lost_cad_per_yr``
        and ``reoptimised_co2e_lost_t_per_yr``; sorted by direct value lost, largest first.
    """
    value = _numeric(exchanges, "net_value_cad_per_yr")
    co2e = _numeric(exchanges, "co2e_avoided_t_per_yr")
    sup = exchanges["supply_firm_id"].astype(str)
    dem = exchanges["demand_firm_id"].astype(str)
    if firm_ids is None:
        firm_ids = sorted(set(sup) | set(dem))
    base = Outcome(float(value.sum()), float(co2e.sum()))
    rows = []
    for firm in firm_ids:
        hit = sup.eq(firm) | dem.eq(firm)
        row = {
            "firm_id": firm,
            "n_exchanges_lost": int(hit.sum()),
            "direct_value_lost_cad_per_yr": float(value[hit].sum()),
            "direct_co2e_lost_t_per_yr": float(co2e[hit].sum()),
        }
        if resolve is not None:
            after = resolve(firm)
            row["reoptimised_value_lost_cad_per_yr"] = base.net_value_cad_per_yr - after.net_value_cad_per_yr
            row["reoptimised_co2e_lost_t_per_yr"] = base.co2e_avoided_t_per_yr - after.co2e_avoided_t_per_yr
            logger.debug("resilience %s: %s", firm, row)
        rows.append(row)
    columns = ["firm_id", "n_exchanges_lost", "direct_value_lost_cad_per_yr", "direct_co2e_lost_t_per_yr"]
    if resolve is not None:
        columns += ["reoptimised_value_lost_cad_per_yr", "reoptimised_co2e_lost_t_per_yr"]
    out = pd.DataFrame(rows, columns=columns)
    return out.sort_values(["direct_value_lost_cad_per_yr", "firm_id"], ascending=[False, True]).reset_index(
        drop=True
    )
