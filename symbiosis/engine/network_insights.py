"""What an advisor reads from the exchange network: groups by resource family or park, anchors, chains.

The plain weakly connected components of the firm graph are useless on a real region: one giant
component holds nearly every engaged firm. These functions cut the network along lines an advisor
works with instead. All are pure pandas/networkx on the allocated exchanges (one row per flow with
``supply_firm_id``, ``demand_firm_id``, ``supply_category_id``, ``net_value_cad_per_yr`` and a mass).

- :func:`group_clusters`: one row per resource family (the supplied category's family) or per
  industrial park (an exchange between two parks counts in both, and the table says so).
- :func:`anchor_firms`: firms ranked by the value of the exchanges that depend on them, i.e. the
  net value lost if the firm left and nothing replaced it (the allocation's direct loss).
- :func:`short_chains`: cascades ``A → B → C`` of at most ``max_hops`` exchanges where a receiver
  passes a residue on, each hop with what flows, ranked by the value they carry.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from symbiosis.engine.network import _numeric, tonnes_of

__all__ = [
    "CLUSTER_KEYS",
    "DEFAULT_MAX_HOPS",
    "OUTSIDE_PARK",
    "anchor_firms",
    "group_clusters",
    "short_chains",
]

#: Ways :func:`group_clusters` can group the exchanges.
CLUSTER_KEYS: tuple[str, ...] = ("family", "park")
#: Longest chain :func:`short_chains` lists by default (exchanges, not firms).
DEFAULT_MAX_HOPS = 4
#: Group of the firms in no industrial park.
OUTSIDE_PARK = ""
_UNKNOWN_FAMILY = "other"


def _frame(exchanges: pd.DataFrame) -> pd.DataFrame:
    """Ids, category, tonnes, value and CO2e of each exchange, with plain dtypes."""
    return pd.DataFrame(
        {
            "s": exchanges["supply_firm_id"].astype(str).to_numpy(object),
            "d": exchanges["demand_firm_id"].astype(str).to_numpy(object),
            "category": (
                exchanges["supply_category_id"].astype(str).to_numpy(object)
                if "supply_category_id" in exchanges
                else np.full(len(exchanges), "", dtype=object)
            ),
            "tonnes": tonnes_of(exchanges).to_numpy(float),
            "value": _numeric(exchanges, "net_value_cad_per_yr").to_numpy(float),
            "co2e": _numeric(exchanges, "co2e_avoided_t_per_yr").to_numpy(float),
        }
    )


def _firm_value(frame: pd.DataFrame) -> pd.Series:
    """Value each firm takes part in (a firm feeding itself counts once)."""
    both = pd.concat(
        [
            frame[["s", "value"]].rename(columns={"s": "firm"}),
            frame.loc[frame["s"].ne(frame["d"]), ["d", "value"]].rename(columns={"d": "firm"}),
        ]
    )
    return both.groupby("firm")["value"].sum()


def _top_ids(values: pd.Series, n: int = 3) -> tuple[str, ...]:
    ranked = pd.DataFrame({"firm": values.index, "v": values.to_numpy(float)})
    ranked = ranked.sort_values(["v", "firm"], ascending=[False, True])
    return tuple(ranked["firm"].head(n))


def _group_row(part: pd.DataFrame) -> dict:
    graph = nx.Graph()
    graph.add_edges_from(zip(part["s"], part["d"], strict=True))
    return {
        "n_firms": graph.number_of_nodes(),
        "n_exchanges": len(part),
        "tonnes_t_per_yr": float(part["tonnes"].sum()),
        "net_value_cad_per_yr": float(part["value"].sum()),
        "co2e_avoided_t_per_yr": float(part["co2e"].sum()),
        "n_components": nx.number_connected_components(graph),
        "top_firm_ids": _top_ids(_firm_value(part)),
    }


def group_clusters(
    exchanges: pd.DataFrame,
    firms: pd.DataFrame,
    *,
    by: str = "family",
    categories: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Group the exchanges by resource family or by industrial park.

    Parameters
    ----------
    exchanges
        Allocated exchanges.
    firms
        Firms table (``firm_id``, ``park_id``), for ``by="park"``.
    by
        ``"family"``: the family of the supplied category (``categories`` maps category → family;
        unknown categories go to ``"other"``). ``"park"``: the park of either firm; an exchange
        between two parks counts in both, firms in no park form the group :data:`OUTSIDE_PARK`.
    categories
        Categories table with ``category_id`` and ``family`` (``by="family"``).

    Returns
    -------
    pandas.DataFrame
        ``group`` (family id or park id), ``n_firms``, ``n_exchanges``, ``tonnes_t_per_yr``,
        ``net_value_cad_per_yr``, ``co2e_avoided_t_per_yr``, ``n_components`` (separate sets of
        firms trading within the group), ``top_firm_ids`` (up to three, by value), and for parks
        ``n_within`` (exchanges with both firms in the park); largest value first.
    """
    if by not in CLUSTER_KEYS:
        raise ValueError(f"by must be one of {CLUSTER_KEYS}, got {by!r}")
    columns = [
        "group",
        "n_firms",
        "n_exchanges",
        "tonnes_t_per_yr",
        "net_value_cad_per_yr",
        "co2e_avoided_t_per_yr",
        "n_components",
        "top_firm_ids",
    ]
    columns += ["n_within"] if by == "park" else []
    frame = _frame(exchanges)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    if by == "family":
        family = (
            {}
            if categories is None
            else categories.drop_duplicates("category_id").set_index("category_id")["family"].to_dict()
        )
        keys = frame["category"].map(family).fillna(_UNKNOWN_FAMILY)
        rows = [{"group": g, **_group_row(frame[keys.eq(g)])} for g in sorted(set(keys))]
    else:
        park = firms.drop_duplicates("firm_id").set_index("firm_id")["park_id"].astype(object)
        park = park.where(park.notna(), OUTSIDE_PARK).astype(str).str.strip()
        sp = frame["s"].map(park).fillna(OUTSIDE_PARK)
        dp = frame["d"].map(park).fillna(OUTSIDE_PARK)
        rows = []
        for g in sorted(set(sp) | set(dp)):
            touch = sp.eq(g) | dp.eq(g)
            within = int((sp.eq(g) & dp.eq(g)).sum())
            rows.append({"group": g, **_group_row(frame[touch]), "n_within": within})
    out = pd.DataFrame(rows)
    out = out.sort_values(["net_value_cad_per_yr", "group"], ascending=[False, True], ignore_index=True)
    return out[columns]


def anchor_firms(exchanges: pd.DataFrame, *, top: int | None = 10) -> pd.DataFrame:
    """Rank the firms by the value of the exchanges that depend on them.

    A firm's value at stake is the net value of every exchange it supplies or receives: what the
    allocation loses if the firm leaves and its partners find no other counterpart (the re-optimised
    loss, :func:`symbiosis.engine.network.resilience` with ``resolve``, can only be smaller).

    Returns
    -------
    pandas.DataFrame
        ``firm_id``, ``value_at_stake_cad_per_yr``, ``share_pct`` (of the network's total net value),
        ``n_exchanges``, ``n_partners`` (distinct counterparts), ``tonnes_t_per_yr`` (in + out) and
        ``role`` (``supplier``, ``receiver`` or ``both``); largest value first, ties by id.
    """
    columns = [
        "firm_id",
        "value_at_stake_cad_per_yr",
        "share_pct",
        "n_exchanges",
        "n_partners",
        "tonnes_t_per_yr",
        "role",
    ]
    frame = _frame(exchanges)
    if frame.empty:
        return pd.DataFrame(columns=columns)
    other = frame["s"].ne(frame["d"])
    ends = pd.concat(
        [
            pd.DataFrame(
                {
                    "firm": frame["s"],
                    "partner": frame["d"],
                    "value": frame["value"],
                    "tonnes": frame["tonnes"],
                    "side": "supplier",
                    "row": frame.index,
                }
            ),
            pd.DataFrame(
                {
                    "firm": frame.loc[other, "d"],
                    "partner": frame.loc[other, "s"],
                    "value": frame.loc[other, "value"],
                    "tonnes": frame.loc[other, "tonnes"],
                    "side": "receiver",
                    "row": frame.index[other],
                }
            ),
        ],
        ignore_index=True,
    )
    grouped = ends.groupby("firm")
    out = pd.DataFrame(
        {
            "value_at_stake_cad_per_yr": grouped["value"].sum(),
            "n_exchanges": grouped["row"].nunique(),
            "n_partners": ends[ends["firm"].ne(ends["partner"])].groupby("firm")["partner"].nunique(),
            "tonnes_t_per_yr": grouped["tonnes"].sum(),
            "role": grouped["side"].agg(lambda s: s.iloc[0] if s.nunique() == 1 else "both"),
        }
    )
    out["n_partners"] = out["n_partners"].fillna(0).astype(int)
    total = float(frame["value"].sum())
    out["share_pct"] = 100.0 * out["value_at_stake_cad_per_yr"] / total if total > 0 else np.nan
    out = out.rename_axis("firm_id").reset_index()
    out = out.sort_values(
        ["value_at_stake_cad_per_yr", "firm_id"], ascending=[False, True], ignore_index=True
    )
    return (out if top is None else out.head(top))[columns]


def _hops(frame: pd.DataFrame) -> pd.DataFrame:
    """One row per supplier → receiver pair (self-loops dropped): value, tonnes, main category."""
    pairs = frame[frame["s"].ne(frame["d"])]
    if pairs.empty:
        return pd.DataFrame(columns=["s", "d", "value", "tonnes", "category", "n_categories"])
    main = pairs.sort_values(["value", "category"], ascending=[False, True]).drop_duplicates(["s", "d"])
    summed = pairs.groupby(["s", "d"], as_index=False).agg(
        value=("value", "sum"), tonnes=("tonnes", "sum"), n_categories=("category", "nunique")
    )
    return summed.merge(main[["s", "d", "category"]], on=["s", "d"])


def short_chains(
    exchanges: pd.DataFrame, *, max_hops: int = DEFAULT_MAX_HOPS, top: int = 10, branching: int = 3
) -> pd.DataFrame:
    """List cascades of 2 to ``max_hops`` exchanges where a receiver passes a residue on.

    A chain is a simple path ``A → B → C …`` of the supplier → receiver pairs. From each firm only
    its ``branching`` most valuable outgoing pairs are followed (the search stays small on a dense
    region). Chains are ranked by the net value of their hops, summed; a chain sharing two or more
    hops with one already listed (a sub-chain, or the same cascade with another ending) is skipped,
    so the list shows different cascades.

    Returns
    -------
    pandas.DataFrame
        ``chain_id``, ``hops``, ``firm_ids`` (tuple), ``category_ids`` (main supplied category of
        each hop), ``n_categories`` (categories moving on each hop), ``tonnes_t_per_yr`` (per hop),
        ``value_cad_per_yr`` (per hop) and ``net_value_cad_per_yr`` (sum); best first.
    """
    if max_hops < 2:
        raise ValueError(f"a chain has at least two hops; max_hops={max_hops}")
    columns = [
        "chain_id",
        "hops",
        "firm_ids",
        "category_ids",
        "n_categories",
        "tonnes_t_per_yr",
        "value_cad_per_yr",
        "net_value_cad_per_yr",
    ]
    hops = _hops(_frame(exchanges))
    if hops.empty:
        return pd.DataFrame(columns=columns)
    hops = hops.sort_values(["value", "d"], ascending=[False, True])
    succ: dict[str, list[Any]] = {
        str(s): list(g.head(branching).itertuples(index=False)) for s, g in hops.groupby("s", sort=True)
    }
    found: list[tuple[float, tuple]] = []

    def extend(path: list[str], steps: list) -> None:
        if len(steps) >= 2:
            found.append((sum(h.value for h in steps), tuple(steps)))
        if len(steps) == max_hops:
            return
        for hop in succ.get(path[-1], []):
            if hop.d not in path:
                extend([*path, hop.d], [*steps, hop])

    for start in sorted(succ):
        extend([start], [])
    found.sort(key=lambda item: (-item[0], -len(item[1]), [h.s for h in item[1]] + [item[1][-1].d]))
    listed: list[tuple] = []
    for _, steps in found:
        pairs = {(h.s, h.d) for h in steps}
        if any(len(pairs & {(h.s, h.d) for h in other}) >= 2 for other in listed):
            continue
        listed.append(steps)
        if len(listed) >= top:
            break
    rows = [
        {
            "chain_id": i + 1,
            "hops": len(steps),
            "firm_ids": (steps[0].s, *(h.d for h in steps)),
            "category_ids": tuple(h.category for h in steps),
            "n_categories": tuple(int(h.n_categories) for h in steps),
            "tonnes_t_per_yr": tuple(float(h.tonnes) for h in steps),
            "value_cad_per_yr": tuple(float(h.value) for h in steps),
            "net_value_cad_per_yr": float(sum(h.value for h in steps)),
        }
        for i, steps in enumerate(listed)
    ]
    return pd.DataFrame(rows, columns=columns)
