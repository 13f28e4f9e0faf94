"""Screens of the mutualisation levers, shaped without Streamlit: tables, a weekly timetable, offline maps.

Maps are pydeck decks with ``map_provider=None`` and no ``map_style`` (no tiles, no outside request);
tooltips are cleaned text. The firm's view describes partners by bands until every member accepted.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pydeck as pdk

from symbiosis.i18n import catalogue_keys, t
from symbiosis.labels import unit_label
from symbiosis.mutual.config import MutualConfig
from symbiosis.mutual.memberships import collection_route_id
from symbiosis.mutual.reference import UNIT_TABLE_NUMBERS
from symbiosis.mutual.result import LEVER_LABELS, LEVERS, MutualResult
from symbiosis.mutual.tables import MUTUAL_TABLES, MutualData
from symbiosis.mutual.text import DAYS_EN, DAYS_FR, clock, months_text
from symbiosis.numbers import format_number
from symbiosis.reports.levers import lever_summary, lever_tables
from symbiosis.synergy.anonymise import load_sectors
from symbiosis.views.map_base import basemap_labels, basemap_layers, fit_view

__all__ = [
    "LEVER_FRAMES",
    "LEVER_TABLES",
    "amount",
    "combine_levers",
    "data_key",
    "firm_items_table",
    "group_deck",
    "item_labels",
    "lever_table",
    "members_table",
    "partners_table",
    "percent",
    "route_deck",
    "route_layers",
    "summary_table",
    "timetable",
    "unit_column_label",
    "unit_editor_frame",
]

_PALETTE = [
    (31, 119, 180),
    (255, 127, 14),
    (44, 160, 44),
    (214, 39, 40),
    (148, 103, 189),
    (140, 86, 75),
    (227, 119, 194),
    (127, 127, 127),
    (188, 189, 34),
    (23, 190, 207),
]


#: The frames of :class:`~symbiosis.mutual.result.MutualResult` each lever fills (the others stay empty).
LEVER_FRAMES: Mapping[str, tuple[str, ...]] = {
    "purchasing": ("purchase_groups", "purchase_members"),
    "sharing": ("sharing_uses", "sharing_timetable"),
    "units": ("units", "unit_members"),
    "routes": ("tours", "tour_stops", "collection", "collection_days"),
}


#: The tables each lever plans from (with the registry's firms): its plan changes only when they do.
LEVER_TABLES: Mapping[str, tuple[str, ...]] = {
    "purchasing": ("purchases",),
    "sharing": ("capacity_offers", "capacity_needs"),
    "units": ("treatment_needs", "unit_specs"),
    "routes": ("pickups", "receivers"),
}


def combine_levers(parts: Mapping[str, MutualResult], levers: Sequence[str] = LEVERS) -> MutualResult:
    """One result made of each lever's own plan: ``parts[lever]`` gives that lever's frames and info.

    The levers are planned independently of each other (:func:`symbiosis.mutual.run_mutual` with
    ``MutualConfig(levers=(lever,))``), so a page computes only the lever it shows and the data page
    assembles the four without planning any of them twice.
    """
    frames = {name: getattr(parts[lever], name) for lever in levers for name in LEVER_FRAMES[lever]}
    info = {lever: parts[lever].info[lever] for lever in levers}
    return MutualResult(**frames, info=info, config=MutualConfig(levers=tuple(levers)))


def amount(value: float, lang: str = "fr", suffix: str = "") -> str:
    """A rounded figure with grouped digits as the language writes it (``1 234 567`` / ``1,234,567``)."""
    text = f"{float(value):,.0f}" if value == value else "—"
    return (text if lang == "en" else text.replace(",", "\u00a0")) + suffix


def percent(value: float, lang: str = "fr") -> str:
    """A share with one decimal as the language writes it (``16,0 %`` / ``16.0%``)."""
    if value != value:
        return "—"
    text = f"{float(value):.1f}"
    return f"{text}%" if lang == "en" else text.replace(".", ",") + "\u00a0%"


def data_key(data: MutualData, tables: Sequence[str] | None = None) -> str:
    """A short hash of the tables' content, the advisor's unit table included (a plan's session key).

    ``tables`` limits it to those tables (a lever's, :data:`LEVER_TABLES`); every table when None.
    """
    digest = hashlib.sha1(usedforsecurity=False)
    names = [*MUTUAL_TABLES, "unit_specs"] if tables is None else list(tables)
    frames = [(name, getattr(data, name)) for name in names if getattr(data, name) is not None]
    for name, frame in frames:
        digest.update(name.encode())
        digest.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def _localise(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    def label(col: str) -> str:
        try:
            return t(f"mutual.col.{col}", lang)
        except KeyError:
            return col

    return frame.rename(columns={c: label(c) for c in frame.columns})


def summary_table(result: MutualResult, lang: str = "fr") -> pd.DataFrame:
    """The levers' summary with translated headers."""
    return _localise(lever_summary(result, lang), lang)


def lever_table(
    result: MutualResult,
    lever: str,
    lang: str = "fr",
    *,
    names: Mapping[str, str] | None = None,
    receiver_names: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """One lever's proposals (raw columns, the explanation included) for a table and a detail view."""
    return lever_tables(result, lang, names=names, receiver_names=receiver_names)[lever]


def timetable(
    result: MutualResult, offer_id: str, lang: str = "fr", *, names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """Weekly grid of one host's asset: a row per day, a column per period, the user in each cell."""
    names = names or {}
    days = DAYS_EN if lang == "en" else DAYS_FR
    periods = [t("mutual.page.morning", lang), t("mutual.page.afternoon", lang)]
    grid = pd.DataFrame("", index=list(days[:5]), columns=periods, dtype=object)
    rows = result.sharing_timetable[result.sharing_timetable["offer_id"] == offer_id]
    for r in rows.itertuples():
        label = names.get(r.user_firm_id, r.user_firm_id)
        if int(r.months_mask) & 0xFFF != 0xFFF:
            label += f" ({months_text(int(r.months_mask), lang)})"
        day = days[int(r.day)]
        if day not in grid.index:
            grid.loc[day] = ""
        cell = grid.at[day, periods[int(r.period)]]
        grid.at[day, periods[int(r.period)]] = f"{cell} / {label}" if cell else label
    return grid


def _clean(text: object) -> str:
    value = "".join(ch if ch.isprintable() else " " for ch in str(text))
    return value.replace("{", "(").replace("}", ")")[:200]


def route_layers(
    result: MutualResult,
    firms: pd.DataFrame,
    receivers: pd.DataFrame,
    *,
    route_id: str | None = None,
    names: Mapping[str, str] | None = None,
    lang: str = "fr",
) -> dict[str, pd.DataFrame]:
    """``paths`` (one per tour: ``path`` [[lon, lat], …] from the receiver and back), ``stops`` and
    ``depots`` frames for :func:`route_deck`; only the tours of ``route_id`` when given."""
    names = names or {}
    tours, stops = result.tours, result.tour_stops
    if route_id is not None and len(tours):
        keep = [
            collection_route_id(r, c) == route_id
            for r, c in zip(tours["receiver_id"], tours["truck_class"], strict=True)
        ]
        tours = tours[keep]
        stops = stops[stops["tour_id"].isin(tours["tour_id"])]
    depot = receivers.set_index("receiver_id")
    paths = []
    for i, tour in enumerate(tours.to_dict("records")):
        mine = stops[stops["tour_id"] == tour["tour_id"]].sort_values("sequence")
        home = [float(depot.at[tour["receiver_id"], "lon"]), float(depot.at[tour["receiver_id"], "lat"])]
        path = [home, *([float(x), float(y)] for x, y in zip(mine["lon"], mine["lat"], strict=True)), home]
        tip = t(
            "mutual.page.tour_tooltip",
            lang,
            tour=tour["tour_id"],
            week=tour["week"],
            n=tour["n_stops"],
            km=round(float(tour["km"]), 1),
            kg=round(float(tour["load_kg"])),
        )
        paths.append(
            {
                "tour_id": tour["tour_id"],
                "path": path,
                "colour": [*_PALETTE[i % len(_PALETTE)], 200],
                "tooltip": _clean(tip),
            }
        )
    stop_frame = stops.assign(
        tooltip=[
            _clean(f"{names.get(f, f)} — {clock(a)}")
            for f, a in zip(stops["firm_id"], stops["arrival_min"], strict=True)
        ]
    )
    depots = receivers.assign(tooltip=receivers["name"].map(_clean))
    if route_id is not None:
        depots = depots[depots["receiver_id"].isin(tours["receiver_id"])]
    return {
        "paths": pd.DataFrame(paths, columns=["tour_id", "path", "colour", "tooltip"]),
        "stops": stop_frame[["lon", "lat", "tooltip"]].astype({"lon": float, "lat": float}),
        "depots": depots[["lon", "lat", "tooltip"]].astype({"lon": float, "lat": float}),
    }


def _view(points: pd.DataFrame, *, height_px: int) -> pdk.ViewState:
    """The view that shows every point (the region's when there is none), as the exchange map does."""
    return fit_view(
        points["lon"].to_numpy(float), points["lat"].to_numpy(float), height_px=height_px
    ).view_state()


def route_deck(layers: Mapping[str, pd.DataFrame], *, height: int = 560) -> pdk.Deck:
    """Offline deck: tours as paths, stops and receivers as points on the bundled basemap.

    The basemap (land, lakes and rivers, MRC borders, place names) is the exchange map's, drawn from
    package data: no tile, no outside request. The view fits every stop and receiver.
    """
    deck_layers = [
        *basemap_layers(),
        pdk.Layer(
            "PathLayer",
            id="tours",
            data=layers["paths"],
            get_path="path",
            get_color="colour",
            width_min_pixels=3,
            pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="stops",
            data=layers["stops"],
            get_position=["lon", "lat"],
            get_fill_color=[40, 40, 40, 220],
            get_radius=250,
            radius_min_pixels=4,
            pickable=True,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="receivers",
            data=layers["depots"],
            get_position=["lon", "lat"],
            get_fill_color=[200, 30, 30, 240],
            get_radius=500,
            radius_min_pixels=7,
            pickable=True,
        ),
        basemap_labels(),
    ]
    points = pd.concat([layers["stops"][["lon", "lat"]], layers["depots"][["lon", "lat"]]], ignore_index=True)
    return pdk.Deck(
        layers=deck_layers,
        map_provider=None,
        initial_view_state=_view(points, height_px=height),
        tooltip={"text": "{tooltip}"},
        height=height,
    )


def group_deck(
    result: MutualResult,
    firms: pd.DataFrame,
    group_id: str,
    *,
    names: Mapping[str, str] | None = None,
    height: int = 420,
) -> pdk.Deck:
    """Offline deck of one buying group: members as points, a line from each to the delivery hub.

    On the bundled basemap (no tile, no outside request), the view fitting every member.
    """
    names = names or {}
    members = result.purchase_members[result.purchase_members["group_id"] == group_id]
    where = firms.set_index("firm_id")[["lat", "lon"]]
    points = where.reindex(members["firm_id"]).reset_index()
    points["tooltip"] = [_clean(names.get(f, f)) for f in points["firm_id"]]
    hub = points[members["is_hub"].to_numpy(bool)]
    lines = pd.DataFrame(
        {
            "source": [[float(x), float(y)] for x, y in zip(points["lon"], points["lat"], strict=True)],
            "target": [[float(hub["lon"].iloc[0]), float(hub["lat"].iloc[0])]] * len(points),
        }
    )
    layers = [
        *basemap_layers(),
        pdk.Layer(
            "LineLayer",
            id="to_hub",
            data=lines,
            get_source_position="source",
            get_target_position="target",
            get_color=[31, 119, 180, 160],
            get_width=2,
        ),
        pdk.Layer(
            "ScatterplotLayer",
            id="members",
            data=points,
            get_position=["lon", "lat"],
            get_fill_color=[31, 119, 180, 230],
            get_radius=300,
            radius_min_pixels=5,
            pickable=True,
        ),
        basemap_labels(),
    ]
    return pdk.Deck(
        layers=layers,
        map_provider=None,
        initial_view_state=_view(points, height_px=height),
        tooltip={"text": "{tooltip}"},
        height=height,
    )


def _sector(code: str, lang: str) -> str:
    if not code:
        return t("synergy.sector.withheld", lang)
    table = load_sectors().set_index("sector")
    return str(table.at[code, f"label_{lang}"]) if code in table.index else code


def partners_table(partners: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """The other members as a firm may see them: names and contacts once revealed, else bands."""
    rows = []
    for p in partners.itertuples():
        if p.revealed:
            rows.append(
                {
                    t("mutual.page.partner", lang): p.name,
                    t("synergy.col.area", lang): p.municipality,
                    t("mutual.page.contact", lang): " ".join(
                        x for x in (p.contact_name, p.contact_email, p.contact_phone) if x
                    ),
                }
            )
        else:
            area = (
                t("synergy.area.mrc", lang, name=p.area)
                if p.area_level == "mrc"
                else (t("synergy.area.outside", lang) if p.area_level == "outside" else p.area)
            )
            rows.append(
                {
                    t("mutual.page.partner", lang): _sector(p.sector, lang),
                    t("synergy.col.area", lang): area,
                    t("synergy.col.distance", lang): t(f"synergy.distance.{p.distance_band}", lang),
                    t("synergy.col.quantity", lang): t(
                        f"synergy.quantity.{p.quantity_band}",
                        lang,
                        unit=unit_label(str(p.flow_unit).removesuffix("/yr"), lang),
                    ),
                }
            )
    return pd.DataFrame(rows)


def _what_labels(lang: str) -> dict[str, str]:
    """Purchase category, treatment type and collected residue ids → their label in ``lang``."""
    from symbiosis.labels import category_labels
    from symbiosis.mutual.reference import load_purchase_categories, load_treatment_types

    column = "label_en" if lang == "en" else "label_fr"
    out = dict(category_labels(None, lang))  # the residues of shared tours are knowledge-base categories
    for table, key in (
        (load_treatment_types(), "treatment_type"),
        (load_purchase_categories(), "category_id"),
    ):
        out.update(zip(table[key].astype(str), table[column].astype(str), strict=True))
    return out


def item_labels(items: pd.DataFrame, lang: str = "fr") -> dict[str, str]:
    """A firm's items (:func:`symbiosis.services.mutual_consent.firm_items`) as words: what each is
    about, then its id (« Carburant diesel — GA-61f575ca23 »), for its table and its select box."""
    words = _what_labels(lang)
    out: dict[str, str] = {}
    for item_id, group in items.groupby("item_id", sort=False):
        what = ", ".join(dict.fromkeys(words.get(str(c), str(c)) for c in group["category_id"] if c))
        out[str(item_id)] = f"{what} — {item_id}" if what else str(item_id)
    return out


#: The columns an advisor reads of a group's members, a shared unit's members and the collections.
_MEMBER_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "purchasing": (
        "firm",
        "is_hub",
        "quantity_per_yr",
        "unit",
        "distance_to_hub_km",
        "group_discount_pct",
        "net_saving_cad_per_yr",
    ),
    "units": ("firm", "quantity_per_yr", "road_km", "investment_share_cad", "saving_cad_per_yr"),
    "routes": (
        "firm",
        "residue",
        "pickups_per_yr",
        "served",
        "separate_km_per_yr",
        "shared_km_per_yr",
        "saving_cad_per_yr",
        "co2e_avoided_t_per_yr",
    ),
}


def members_table(
    frame: pd.DataFrame, lever: str, lang: str = "fr", *, names: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The members of a buying group or a shared unit, or the firms of the collections, in words.

    ``frame`` is ``MutualResult.purchase_members``, ``unit_members`` or ``collection`` (``lever``
    ``purchasing``, ``units`` or ``routes``): firms by name, residues by label, yes/no in words,
    headers from the catalogue; the planner's ids and internal columns are left out.
    """
    names = names or {}
    out = frame.assign(firm=frame["firm_id"].map(lambda f: names.get(f, f)))
    if "residue_id" in out:
        words = _what_labels(lang)
        out = out.assign(residue=out["residue_id"].map(lambda r: words.get(str(r), str(r))))
    if "unit" in out:
        out = out.assign(unit=out["unit"].map(lambda u: unit_label(u, lang)))
    for flag in ("is_hub", "served"):
        if flag in out:
            out[flag] = out[flag].map(lambda v: t("synergy.yes" if bool(v) else "synergy.no", lang))
    columns = [c for c in _MEMBER_COLUMNS[lever] if c in out]
    return out[columns].rename(columns=lambda c: t(f"mutual.col.{c}", lang))


def firm_items_table(items: pd.DataFrame, lang: str = "fr") -> pd.DataFrame:
    """A firm's parts in shared items: lever, what it is about, its figures, acceptances, its decision."""
    lever = {"group_purchase": "purchasing", "mutualisation": "units"}
    labels = item_labels(items, lang) if len(items) else {}
    rows = []
    for r in items.itertuples():
        kind = "routes" if str(r.item_id).startswith("CR-") else lever.get(r.synergy_type, "units")
        rows.append(
            {
                t("mutual.col.lever", lang): LEVER_LABELS[kind].get(lang),
                t("mutual.page.item", lang): labels.get(str(r.item_id), r.item_id),
                t("mutual.col.net_saving_cad_per_yr", lang): round(float(r.net_value_cad_per_yr)),
                t("mutual.col.co2e_avoided_t_per_yr", lang): round(float(r.co2e_avoided_t_per_yr), 2),
                t(
                    "mutual.page.accepted", lang
                ): f"{int(np.nan_to_num(r.n_accepted))} / {int(np.nan_to_num(r.n_members))}",
                t("synergy.col.decision", lang): t(f"synergy.decision.{r.my_decision or 'none'}", lang),
            }
        )
    return pd.DataFrame(rows)


def unit_column_label(column: str, lang: str) -> str:
    """The header a person reads for a column of the treatment-unit table (the column when it has none)."""
    key = f"mutual.unit_col.{column}"
    return t(key, lang) if key in catalogue_keys() else column


def unit_editor_frame(specs: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The unit table as its editor shows it: each number written as text the way ``lang`` writes it.

    An editor's number cell reads what is typed in the browser's own language, not the page's: in a
    French page on an English browser « 12,5 » became 125 and « 1 500,5 » 15005, and a whole-number
    column took « 12,5 » as 125 in any browser. As text, a cell is read back by
    :func:`~symbiosis.mutual.reference.check_unit_table` as the advisor wrote it.
    """

    def text(value: object) -> str:
        if isinstance(value, str):
            return value
        if pd.isna(value):
            return ""
        if lang == "en":  # « 120,000 » would be read back as ambiguous (120 or 120000?): « 120000 »
            return format_number(float(value), locale="en_CA").replace(",", "")
        return format_number(float(value), locale="fr_CA")  # « 120 000 », « 12,5 »

    shown = specs.copy()
    for column in UNIT_TABLE_NUMBERS:
        if column in shown:
            shown[column] = [text(v) for v in shown[column]]
    return shown
