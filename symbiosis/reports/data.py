"""Gather what a report shows: KPIs, synergies, firms, funnel, territories, factors, notes, map points.

:func:`gather_report` is pure: it takes the firms table, synergy lines
(:mod:`symbiosis.reports.lines`) and the factor table, and returns a frozen :class:`ReportData`
that the writers (XLSX, PDF, CSV, GeoJSON) only format. **Anonymisation happens here**, so that no
writer ever sees what it must not print: in anonymised mode a firm that has not consented
(confidentiality other than ``public``, or no consent recorded when consents are given) appears in
no named table and no exact point; it is only counted in the aggregates by MRC, and aggregates of
fewer than :data:`MIN_FIRMS_PER_CELL` firms are suppressed. A synergy is *named* (listed with its
firms, drawn between their sites) only when neither firm declined it and, in anonymised mode, both
firms consented to be named for it; a declined synergy is never named, in any mode.

**Counting.** Totals (KPIs) count each synergy once and leave rejected synergies out (they have no
impact; the funnel still shows them). Breakdowns by a firm's place or sector (MRC, municipality,
park, sector) show a synergy between two places in *both*, so their rows may add up to more than
the total: :data:`DOUBLE_COUNT_NOTE` says so wherever such a table is printed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.i18n import Text, plural_text
from symbiosis.reports.lines import STATUS_ORDER, status_rank
from symbiosis.reports.territory import MRC_UNKNOWN, Territory, add_mrc, mrc_centroids, select_firms
from symbiosis.synergy.period import in_period
from symbiosis.timezone import local_today

__all__ = [
    "BREAKDOWNS",
    "DOUBLE_COUNT_NOTE",
    "KPI_KEYS",
    "MIN_FIRMS_PER_CELL",
    "PER_FIRM_BREAKDOWNS",
    "ReportData",
    "consenting_firms",
    "gather_report",
    "nameable_lines",
]

logger = logging.getLogger(__name__)

#: Aggregates over fewer firms than this are suppressed in anonymised mode (k-anonymity).
MIN_FIRMS_PER_CELL = 3
#: Indicators of the KPI table, in display order.
KPI_KEYS: tuple[str, ...] = (
    "n_synergies",
    "n_firms_engaged",
    "tonnes_t_per_yr",
    "diverted_t_per_yr",
    "co2e_avoided_t_per_yr",
    "net_value_cad_per_yr",
    "net_value_default_prices_cad_per_yr",
)
_SUMS = ("tonnes_t_per_yr", "diverted_t_per_yr", "co2e_avoided_t_per_yr", "net_value_cad_per_yr")
#: Dimensions of the breakdown tables (:attr:`ReportData.breakdowns`).
BREAKDOWNS: tuple[str, ...] = ("mrc", "park", "sector", "family", "kind")
#: Breakdowns by a firm's attribute: a synergy between two groups shows in both.
PER_FIRM_BREAKDOWNS: frozenset[str] = frozenset({"mrc", "municipality", "park", "sector"})
#: What a breakdown by place or sector says about its sum.
DOUBLE_COUNT_NOTE = Text(
    "Une synergie entre deux territoires (ou parcs, ou secteurs) figure dans chacun : la somme des lignes "
    "peut dépasser le total, qui compte chaque synergie une seule fois.",
    "A synergy between two territories (or parks, or sectors) appears in each: the rows may add up to "
    "more than the total, which counts each synergy once.",
)


@dataclass(frozen=True)
class ReportData:
    """Everything a report prints, already filtered and (when asked) anonymised.

    Parameters
    ----------
    territory, period_start, period_end, anonymised, generated_on
        What the report covers and how it was made.
    kpis
        ``indicator, estimated, verified, total`` rows for :data:`KPI_KEYS`.
    synergies
        Named synergy rows (in anonymised mode, only those whose two firms consented).
    by_status
        ``status, n_synergies`` and the sums, in funnel order (also the funnel).
    by_territory
        Sums by ``mrc`` (and ``municipality`` when not anonymised) of the synergies touching it.
    firms
        Engaged firms; in anonymised mode the non-consenting ones are one counted row per MRC.
    methodology
        Every factor used: ``factor_id, quantity, value, unit, source, year, n_synergies``.
    notes
        Data-quality notes, bilingual.
    points, links
        Map figure: ``lon, lat, label, n_synergies, named`` points and ``lon0, lat0, lon1, lat1``
        links (non-consenting firms drawn at their MRC's public centroid).
    source
        ``"result"`` (a matching run: proposals, estimates) or ``"synergies"`` (tracked records).
    by_type
        ``synergy_type, n_synergies, n_firms`` and the sums per synergy type (substitution, group
        purchase, shared service, mutualisation), reported apart as funders ask.
    sections
        Extra sections appended to the workbook and the PDF: objects with ``sheets(lang) -> dict``
        and ``draw(pdf, lang)``, e.g. :class:`symbiosis.reports.levers.LeverSection`.
    breakdowns
        :data:`BREAKDOWNS` → ``key, n_synergies, n_firms`` and the sums, largest value first (the
        keys are ids: MRC names, park ids, SCIAN sectors, family and kind ids); suppressed cells are
        NaN in anonymised mode.
    monthly
        Tonnes diverted per month (12 values, January first): each synergy's yearly figure spread
        over the months both streams are available (all year when unknown).
    n_declined
        Synergies left unnamed because a firm declined them.
    """

    territory: Territory
    period_start: dt.date | None
    period_end: dt.date | None
    anonymised: bool
    generated_on: dt.date
    kpis: pd.DataFrame
    synergies: pd.DataFrame
    by_status: pd.DataFrame
    by_territory: pd.DataFrame
    firms: pd.DataFrame
    methodology: pd.DataFrame
    notes: tuple[Text, ...] = ()
    points: pd.DataFrame = field(default_factory=pd.DataFrame)
    links: pd.DataFrame = field(default_factory=pd.DataFrame)
    source: str = "result"
    by_type: pd.DataFrame = field(default_factory=pd.DataFrame)
    sections: tuple[Any, ...] = ()
    breakdowns: dict[str, pd.DataFrame] = field(default_factory=dict)
    monthly: tuple[float, ...] = (0.0,) * 12
    n_declined: int = 0

    def kpi(self, key: str, column: str = "total") -> float:
        """Return one KPI value (``total``, ``estimated`` or ``verified``)."""
        return float(self.kpis.set_index("indicator").loc[key, column])


def consenting_firms(firms: pd.DataFrame, consents: Collection[str] | None = None) -> set[str]:
    """Return the ids of firms that may be named: ``public`` and, when ``consents`` is given, in it."""
    public = firms.loc[firms["confidentiality"].fillna("").eq("public"), "firm_id"].astype(str)
    named = set(public)
    return named if consents is None else named & {str(c) for c in consents}


def _sides(lines: pd.DataFrame, firms: pd.DataFrame) -> pd.DataFrame:
    """Lines with the name, municipality, MRC, park and SCIAN sector of each side."""
    from symbiosis.synergy.anonymise import scian_sector

    info = firms.assign(
        park=firms["park_id"].astype(object).where(firms["park_id"].notna(), "").astype(str),
        sector=scian_sector(firms["scian_code"].astype(str)),
    )
    info = info.set_index("firm_id")[["name", "municipality", "mrc", "park", "sector"]]
    out = lines
    for side in ("supply", "demand"):
        part = info.add_prefix(f"{side}_").reindex(lines[f"{side}_firm_id"].to_numpy())
        out = out.assign(**{c: part[c].to_numpy() for c in part.columns})
    return out


def _kpis(lines: pd.DataFrame) -> pd.DataFrame:
    """Totals, each synergy once, rejected synergies left out (no impact; the funnel still counts them)."""
    lines = lines[lines["status"].ne("rejected")]
    rows = []
    for key in KPI_KEYS:
        row = {"indicator": key}
        for label in ("estimated", "verified", "total"):
            part = lines if label == "total" else lines[lines["evidence"].eq(label)]
            if key == "n_synergies":
                row[label] = float(len(part))
            elif key == "n_firms_engaged":
                row[label] = float(len(set(part["supply_firm_id"]) | set(part["demand_firm_id"])))
            else:
                row[label] = float(part[key].sum())
        rows.append(row)
    return pd.DataFrame(rows)


def _by_status(lines: pd.DataFrame) -> pd.DataFrame:
    """The funnel: every status in pipeline order with its synergies now, and how many ever reached it.

    A synergy has *reached* a pipeline stage when the furthest stage it held is that one or later
    (a rejected synergy keeps its furthest stage); ``conversion_pct`` is reached / reached at the
    previous stage.
    """
    statuses = pd.Series(
        sorted(
            set(STATUS_ORDER) | set(lines["status"]),
            key=lambda s: (STATUS_ORDER.index(s) if s in STATUS_ORDER else len(STATUS_ORDER), s),
        )
    )
    sums = {c: (c, "sum") for c in _SUMS}
    # A rejected synergy exchanges nothing: its proposed tonnes (6 252 t/an beside 0 t CO2e and 0 $)
    # must not read as an impact in the funnel.
    impact = lines.assign(**{c: lines[c].where(lines["status"].ne("rejected"), 0.0) for c in _SUMS})
    grouped = impact.groupby("status").agg(n_synergies=("synergy_id", "size"), **sums)
    out = grouped.reindex(statuses.to_numpy()).fillna(0.0).rename_axis("status").reset_index()
    out["n_synergies"] = out["n_synergies"].astype(int)
    rank = status_rank(lines["stage_reached"]).to_numpy()
    pipeline = [s for s in STATUS_ORDER if s != "rejected"]
    reached = {s: int((rank >= i).sum()) for i, s in enumerate(pipeline)}
    out["n_reached"] = out["status"].map(reached).astype("Int64")
    previous = out["n_reached"].shift(1)
    out["conversion_pct"] = (
        (100.0 * out["n_reached"] / previous)
        .where(out["status"].isin(pipeline[1:]) & (previous > 0))
        .astype(float)
    )
    total = max(int(out["n_synergies"].sum()), 1)
    out["share_pct"] = 100.0 * out["n_synergies"] / total
    return out[["status", "n_synergies", "n_reached", "conversion_pct", *_SUMS, "share_pct"]]


def _by_type(lines: pd.DataFrame) -> pd.DataFrame:
    """Synergies, firms and sums per synergy type (substitution first, then the mutualisation types)."""
    from symbiosis.synergy.status import SYNERGY_TYPES

    cols = ["synergy_type", "n_synergies", "n_firms", *_SUMS]
    if lines.empty:
        return pd.DataFrame(columns=cols)
    kind = lines["synergy_type"] if "synergy_type" in lines else pd.Series("substitution", index=lines.index)
    frame = lines.assign(synergy_type=kind.fillna("substitution"))
    out = frame.groupby("synergy_type").agg(
        n_synergies=("synergy_id", "size"), **{c: (c, "sum") for c in _SUMS}
    )
    sides = [
        frame[["synergy_type", f"{side}_firm_id"]].set_axis(["synergy_type", "firm_id"], axis=1)
        for side in ("supply", "demand")
    ]
    firms = pd.concat(sides)
    out["n_firms"] = firms.groupby("synergy_type")["firm_id"].nunique()
    order = {t: i for i, t in enumerate(SYNERGY_TYPES)}
    out = out.reset_index().sort_values("synergy_type", key=lambda s: s.map(order).fillna(len(order)))
    return out[cols].reset_index(drop=True)


def _long_by_firm(lines: pd.DataFrame) -> pd.DataFrame:
    """One row per (synergy, side), for counting per firm and per territory."""
    parts = []
    for side in ("supply", "demand"):
        cols = {
            f"{side}_firm_id": "firm_id",
            f"{side}_municipality": "municipality",
            f"{side}_mrc": "mrc",
            f"{side}_park": "park",
            f"{side}_sector": "sector",
        }
        parts.append(lines[["synergy_id", *cols, *_SUMS]].rename(columns=cols).assign(role=side))
    return pd.concat(parts, ignore_index=True)


def _by_territory(lines: pd.DataFrame, anonymised: bool) -> pd.DataFrame:
    keys = ["mrc"] if anonymised else ["mrc", "municipality"]
    cols = [*keys, "n_synergies", "n_firms", *_SUMS]
    lines = lines[lines["status"].ne("rejected")]
    if lines.empty:
        return pd.DataFrame(columns=cols)
    long = _long_by_firm(lines).drop_duplicates([*keys, "synergy_id", "firm_id"])
    per_syn = long.drop_duplicates([*keys, "synergy_id"])
    out = per_syn.groupby(keys).agg(n_synergies=("synergy_id", "size"), **{c: (c, "sum") for c in _SUMS})
    out["n_firms"] = long.groupby(keys)["firm_id"].nunique()
    out = out.reset_index()[cols]
    if anonymised:
        small = out["n_firms"] < MIN_FIRMS_PER_CELL
        out.loc[small, [*_SUMS, "n_synergies"]] = np.nan
    return out


def _firms_table(lines: pd.DataFrame, named: set[str], anonymised: bool) -> pd.DataFrame:
    cols = ["firm", "municipality", "mrc", "n_firms", "n_synergies"]
    if lines.empty:
        return pd.DataFrame(columns=cols)
    long = _long_by_firm(lines)
    names = dict(zip(lines["supply_firm_id"], lines["supply_name"], strict=True))
    names.update(zip(lines["demand_firm_id"], lines["demand_name"], strict=True))
    per = long.groupby(["firm_id", "municipality", "mrc"])["synergy_id"].nunique().rename("n_synergies")
    per = per.reset_index()
    shown = per if not anonymised else per[per["firm_id"].isin(named)]
    table = shown.assign(firm=shown["firm_id"].map(names), n_firms=1)[cols]
    if anonymised:
        # A group's synergies are counted once each, as in the table by territory: summing its firms'
        # counts counted twice every synergy between two of them (709 synergies for one MRC out of 675).
        hidden = long[~long["firm_id"].isin(named)]
        agg = hidden.groupby("mrc").agg(n_firms=("firm_id", "nunique"), n_synergies=("synergy_id", "nunique"))
        agg["n_synergies"] = agg["n_synergies"].astype(float).where(agg["n_firms"] >= MIN_FIRMS_PER_CELL)
        agg = agg.reset_index().assign(firm="", municipality="")[cols]
        table = pd.concat([table, agg], ignore_index=True)
    return table.sort_values(["mrc", "firm"]).reset_index(drop=True)


def _methodology(lines: pd.DataFrame, factors: pd.DataFrame) -> pd.DataFrame:
    ids = lines["factor_ids"].fillna("").astype(str).str.split("|").explode()
    used = ids[ids.ne("")].value_counts().rename("n_synergies")
    # ``fate`` tells apart the factors of one resource (« Élimination évitée (sous-produit déjà vendu) »,
    # « … (traitement payé) »): without it four factors read the same in the methodology table.
    cols = [
        "factor_id",
        "applies_to",
        "quantity",
        "fate",
        "value",
        "unit",
        "source",
        "year",
        "note",
        "note_fr",
    ]
    table = factors[[c for c in cols if c in factors]].drop_duplicates("factor_id").set_index("factor_id")
    out = table.join(used, how="inner").rename_axis("factor_id").reset_index()
    missing = sorted(set(used.index) - set(table.index))
    if missing:
        logger.warning("factors used but not in the factor table: %s", missing)
    return out.sort_values(["quantity", "factor_id"]).reset_index(drop=True)


def _points(
    firms: pd.DataFrame, lines: pd.DataFrame, named: set[str], anonymised: bool, nameable: pd.Series
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Map points and links: exact sites only for firms that may be named, links only between them.

    A firm that may not be named is drawn at its MRC's public centroid (one labelled point per
    MRC); a synergy that may not be named (declined, or a non-consenting side) is drawn between
    the two MRC centroids, so no line ever pairs two identifiable sites it should not.
    """
    long = _long_by_firm(lines)
    engaged = long.groupby("firm_id")["synergy_id"].nunique()
    table = firms.set_index("firm_id").loc[engaged.index, ["name", "lat", "lon", "mrc"]].copy()
    table["n_synergies"] = engaged
    hide = pd.Series(anonymised, index=table.index) & ~table.index.isin(list(named))
    centroids = mrc_centroids()
    cen = centroids.reindex(table["mrc"].to_numpy())
    exact = table[["lon", "lat"]].copy()
    table.loc[hide, "lat"] = cen["lat"].to_numpy()[hide.to_numpy()]
    table.loc[hide, "lon"] = cen["lon"].to_numpy()[hide.to_numpy()]
    table = table.dropna(subset=["lat", "lon"])
    table["label"] = table["name"].where(~hide.reindex(table.index), "MRC " + table["mrc"])
    table["named"] = ~hide.reindex(table.index)
    pts = table[["lon", "lat", "label", "n_synergies", "named"]]
    # An MRC's point counts each of its hidden firms' synergies once: summing the firms' counts
    # counted twice a synergy between two of them.
    label = long["firm_id"].map(table["label"].where(~table["named"]))
    per_label = long.assign(label=label).dropna(subset=["label"]).groupby("label")["synergy_id"].nunique()
    pts_agg = (
        pts[~pts["named"]]
        .groupby("label", as_index=False)
        .agg(lon=("lon", "first"), lat=("lat", "first"))
        .assign(named=False)
    )
    pts_agg["n_synergies"] = pts_agg["label"].map(per_label).astype(int)
    points = pd.concat([pts[pts["named"]], pts_agg], ignore_index=True)
    at_site = exact.copy()
    at_site.loc[hide[hide].index] = np.nan
    by_mrc = centroids[["lon", "lat"]]
    ends = []
    for side in ("supply", "demand"):
        site = at_site.reindex(lines[f"{side}_firm_id"].to_numpy()).to_numpy(dtype=float)
        mrc = by_mrc.reindex(lines[f"{side}_mrc"].to_numpy()).to_numpy(dtype=float)
        ends.append(np.where(nameable.to_numpy()[:, None] & ~np.isnan(site), site, mrc))
    a, b = ends
    links = pd.DataFrame({"lon0": a[:, 0], "lat0": a[:, 1], "lon1": b[:, 0], "lat1": b[:, 1]}).dropna()
    return points.reset_index(drop=True), links.drop_duplicates().reset_index(drop=True)


def _breakdown(lines: pd.DataFrame, by: str, anonymised: bool, family: pd.Series) -> pd.DataFrame:
    """Synergies, firms and sums by ``by`` (:data:`BREAKDOWNS`), rejected synergies left out."""
    cols = ["key", "n_synergies", "n_firms", *_SUMS]
    live = lines[lines["status"].ne("rejected")]
    if live.empty:
        return pd.DataFrame(columns=cols)
    long = _long_by_firm(live)
    if by in PER_FIRM_BREAKDOWNS:
        long = long.assign(key=long[by].replace("", "none"))
    else:
        per_line = (
            live["supply_category_id"].map(family).fillna("unknown") if by == "family" else live["kind"]
        )
        key = pd.Series(per_line.to_numpy(), index=live["synergy_id"].to_numpy())
        long = long.assign(key=long["synergy_id"].map(key.groupby(level=0).first()))
    per_syn = long.drop_duplicates(["key", "synergy_id"])
    out = per_syn.groupby("key").agg(n_synergies=("synergy_id", "size"), **{c: (c, "sum") for c in _SUMS})
    out["n_firms"] = long.groupby("key")["firm_id"].nunique()
    out = out.reset_index()[cols].sort_values("net_value_cad_per_yr", ascending=False, kind="stable")
    if anonymised:
        small = out["n_firms"] < MIN_FIRMS_PER_CELL
        out[["n_synergies", *_SUMS]] = out[["n_synergies", *_SUMS]].astype(float)
        out.loc[small, ["n_synergies", *_SUMS]] = np.nan
    return out.reset_index(drop=True)


def _monthly(lines: pd.DataFrame, months: pd.Series | None) -> tuple[float, ...]:
    """Tonnes diverted per month: each live synergy's yearly tonnes spread over its common months."""
    live = lines[lines["status"].ne("rejected")]
    if live.empty:
        return (0.0,) * 12
    masks = np.full(len(live), 0xFFF, dtype=np.int64)
    if months is not None and {"supply_id", "demand_id"} <= set(live.columns):
        a = live["supply_id"].map(months).fillna(0xFFF).astype(np.int64).to_numpy()
        b = live["demand_id"].map(months).fillna(0xFFF).astype(np.int64).to_numpy()
        masks = np.where((a & b) > 0, a & b, 0xFFF)
    bits = (masks[:, None] >> np.arange(12)[None, :]) & 1
    per_month = live["diverted_t_per_yr"].to_numpy(float) / bits.sum(axis=1)
    return tuple(float(v) for v in (bits * per_month[:, None]).sum(axis=0))


def nameable_lines(
    lines: pd.DataFrame,
    named: set[str],
    anonymised: bool,
    *,
    accepted: Collection[tuple[str, str]] | None = None,
    declined: Collection[tuple[str, str]] = (),
) -> pd.Series:
    """Which lines may be printed with their firms' names (a boolean mask on ``lines``).

    Never a line one of its firms declined; in anonymised mode only lines whose two firms may be
    named (:func:`consenting_firms`) and, when per-synergy acceptances are given, accepted it.
    """
    sid = lines["synergy_id"].astype(str)
    sup, dem = lines["supply_firm_id"].astype(str), lines["demand_firm_id"].astype(str)
    refused = set(declined)
    ok = ~pd.Series(
        [(s, a) in refused or (s, b) in refused for s, a, b in zip(sid, sup, dem, strict=True)],
        index=lines.index,
        dtype=bool,
    )
    if anonymised:
        ok &= sup.isin(named) & dem.isin(named)
        if accepted is not None:
            yes = set(accepted)
            ok &= pd.Series(
                [(s, a) in yes and (s, b) in yes for s, a, b in zip(sid, sup, dem, strict=True)],
                index=lines.index,
                dtype=bool,
            )
    return ok


def _plural(key: str, n: int, **values: object) -> Text:
    """A counted note in both languages, with each language's plural (``reports.note.<key>``)."""
    return plural_text(f"reports.note.{key}", n, **values)


def _notes(
    firms: pd.DataFrame, lines: pd.DataFrame, named: set[str], anonymised: bool, source: str, n_declined: int
) -> tuple[Text, ...]:
    # Every count is of the synergies the figures count (rejected ones left out, as in the KPIs): the
    # notes said « 658 synergies sur 658 » and « 259 entreprises sans consentement » under a report of
    # 653 synergies and 258 firms engaged.
    lines = lines[lines["status"].ne("rejected")]
    notes: list[Text] = [DOUBLE_COUNT_NOTE]
    if source == "result":
        notes.append(
            Text(
                "Toutes les synergies sont des propositions du moteur d'appariement : leurs "
                "chiffres sont des estimations, aucune n'est vérifiée.",
                "Every synergy is a proposal of the matching engine: its figures are "
                "estimates, none is verified.",
            )
        )
    n_est = int(lines["evidence"].ne("verified").sum())
    notes.append(_plural("estimated", n_est, total=len(lines)))
    ids = set(lines["supply_firm_id"]) | set(lines["demand_firm_id"])
    eng = firms[firms["firm_id"].isin(ids)]
    approx = int(eng["coord_source"].ne("declared").sum()) if "coord_source" in eng else 0
    notes.append(_plural("approximate", approx))
    unknown = int(eng["mrc"].eq(MRC_UNKNOWN).sum())
    if unknown:
        notes.append(_plural("unknown_mrc", unknown))
    n_default = int(lines["net_value_default_prices_cad_per_yr"].ne(0.0).sum())
    if n_default:
        notes.append(_plural("default_prices", n_default, total=len(lines)))
    no_factor = int(lines["factor_ids"].fillna("").eq("").sum())
    if no_factor:
        notes.append(_plural("no_factor", no_factor))
    if n_declined:
        notes.append(_plural("declined", n_declined))
    if anonymised:
        notes.append(_plural("anonymised", len(ids - named), k=MIN_FIRMS_PER_CELL))
    return tuple(notes)


_SYNERGY_COLUMNS = (
    "synergy_id",
    "status",
    "evidence",
    "kind",
    "supply_category_id",
    "demand_category_id",
    "supply_name",
    "supply_municipality",
    "supply_mrc",
    "demand_name",
    "demand_municipality",
    "demand_mrc",
    "quantity_per_yr",
    "quantity_unit",
    "tonnes_t_per_yr",
    "co2e_avoided_t_per_yr",
    "net_value_cad_per_yr",
    "distance_km",
    # The receiver's authorisation reference may identify it (Québec's registers are searchable):
    # like its name, it is printed only on a line that may name both firms (nameable_lines).
    "pathway",
    "permit_reference",
)


def gather_report(
    firms: pd.DataFrame,
    lines: pd.DataFrame,
    factors: pd.DataFrame,
    *,
    territory: Territory | None = None,
    period: tuple[dt.date | None, dt.date | None] = (None, None),
    anonymised: bool = False,
    consents: Collection[str] | None = None,
    accepted: Collection[tuple[str, str]] | None = None,
    declined: Collection[tuple[str, str]] = (),
    categories: pd.DataFrame | None = None,
    months: pd.Series | None = None,
    source: str = "result",
    today: dt.date | None = None,
) -> ReportData:
    """Filter, sum and (when asked) anonymise the synergy lines of a territory and period.

    Parameters
    ----------
    firms
        The registry's firms (:data:`symbiosis.schemas.FIRMS`).
    lines
        Synergy lines (:func:`~symbiosis.reports.lines.lines_from_result` or ``lines_from_records``).
    factors
        The emission-factor table (:func:`symbiosis.engine.factors.load_factors`).
    territory
        A synergy belongs to a territory when either of its firms is located in it (the whole
        region when None).
    period
        ``(start, end)`` dates, inclusive; lines without a date (proposals) are always kept.
    anonymised
        Leave out every firm that has not consented (see :func:`consenting_firms`).
    consents
        Ids of firms whose consent to be named is recorded; None before consents are tracked
        (then ``public`` confidentiality is the consent).
    accepted, declined
        ``(synergy_id, firm_id)`` pairs of the firms' decisions on each synergy: in anonymised mode
        a synergy is named only when both firms accepted it (when ``accepted`` is given); a
        declined synergy is never named (:func:`nameable_lines`).
    categories
        Knowledge-base categories (the family of a category, for the breakdown by family).
    months
        ``stream_id → months_mask`` (the monthly profile); all year when None.
    source
        ``"result"`` or ``"synergies"`` (changes the notes only).
    today
        Date printed as the generation date (today in the region's time zone by default).
    """
    territory = territory or Territory()
    if categories is None:
        from symbiosis.kb import load_categories

        categories = load_categories()
    family = categories.drop_duplicates("category_id").set_index("category_id")["family"]
    firms = add_mrc(firms.drop_duplicates("firm_id").assign(firm_id=lambda f: f["firm_id"].astype(str)))
    inside = set(firms.loc[select_firms(firms, territory), "firm_id"])
    keep = lines["supply_firm_id"].isin(inside) | lines["demand_firm_id"].isin(inside)
    keep &= in_period(lines["status_date"], *period)  # the rule of every screen: synergy.period
    sel = _sides(lines[keep].reset_index(drop=True), firms)
    named = consenting_firms(firms, consents)
    nameable = nameable_lines(sel, named, anonymised, accepted=accepted, declined=declined)
    n_declined = int((~nameable_lines(sel, named, False, declined=declined)).sum())
    shown = sel[nameable]
    # The firms sheet and the map show the firms the KPIs count as engaged: a firm whose only synergy
    # was rejected is neither « engaged » nor linked to anyone.
    live = sel["status"].ne("rejected")
    points, links = _points(firms, sel[live], named, anonymised, nameable[live])
    logger.info("report %s: %d synergies (%d named)", territory.spec, len(sel), len(shown))
    return ReportData(
        territory=territory,
        period_start=period[0],
        period_end=period[1],
        anonymised=anonymised,
        generated_on=today or local_today(),
        kpis=_kpis(sel),
        synergies=shown[list(_SYNERGY_COLUMNS)].sort_values(["status", "synergy_id"]).reset_index(drop=True),
        by_status=_by_status(sel),
        by_territory=_by_territory(sel, anonymised),
        firms=_firms_table(sel[live], named, anonymised),
        methodology=_methodology(sel, factors),
        notes=_notes(firms, sel, named, anonymised, source, n_declined),
        points=points,
        links=links,
        source=source,
        breakdowns={by: _breakdown(sel, by, anonymised, family) for by in BREAKDOWNS},
        monthly=_monthly(sel, months),
        n_declined=n_declined,
        by_type=_by_type(sel[live]),
    )
