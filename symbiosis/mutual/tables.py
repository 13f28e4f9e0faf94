"""Schemas of the mutualisation tables (one per import file) and :class:`MutualData`, the validated set.

Quantities are yearly in the unit of their category (purchases, treatment needs) or in tonnes
(pickups); money in CAD; times of day in minutes after midnight; ``days_mask`` has bit ``d`` set for
weekday ``d`` (0 = Monday); ``periods_mask`` bit 0 = morning slot, bit 1 = afternoon slot.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from symbiosis.schemas import Column, SchemaError, TableSchema, empty_frame, validate_frame

__all__ = [
    "CAPACITY_NEEDS",
    "CAPACITY_OFFERS",
    "MUTUAL_TABLES",
    "PICKUPS",
    "PURCHASES",
    "RECEIVERS",
    "TREATMENT_NEEDS",
    "MutualData",
]


def _c(name: str, dtype: str, description: str, **kw: object) -> Column:
    return Column(name, dtype, description, **kw)  # type: ignore[arg-type]


_FIRM = _c("firm_id", "str", "Firm declaring the row (a firm of the registry).")
_MONTHS = _c("months_mask", "int", "12-bit mask of the months concerned (4095 = all year).", minimum=1)
_DESCRIPTION = _c("description", "str", "Free text as the firm wrote it.", required=False)
_MAX_KM = _c(
    "max_distance_km",
    "float",
    "Farthest the firm accepts (road km); empty: the default.",
    required=False,
    minimum=0.0,
)

PURCHASES = TableSchema(
    "purchases",
    (
        _c("purchase_id", "str", "Stable identifier of the recurring purchase."),
        _FIRM,
        _c("category_id", "str", "Purchase category (symbiosis/mutual/data/purchase_categories.csv)."),
        _DESCRIPTION,
        _c("quantity_per_yr", "float", "Yearly quantity, in the category's unit.", minimum=0.0),
        _c("unit", "str", "The category's unit."),
        _MONTHS,
        _c("price_cad_per_unit", "float", "Price the firm pays today per unit.", minimum=0.0),
        _MAX_KM,
    ),
    key=("purchase_id",),
)

CAPACITY_OFFERS = TableSchema(
    "capacity_offers",
    (
        _c("offer_id", "str", "Stable identifier of the spare capacity offered."),
        _FIRM,
        _c("asset_type", "str", "Kind of equipment or service (symbiosis/mutual/data/asset_types.csv)."),
        _DESCRIPTION,
        _c("hours_per_week", "float", "Spare hours per week the host offers.", minimum=0.0),
        _c("days_mask", "int", "Weekdays it is available (bit 0 = Monday).", minimum=1),
        _c(
            "periods_mask",
            "int",
            "Slots of the day it is available (1 morning, 2 afternoon, 3 both).",
            minimum=1,
        ),
        _MONTHS,
        _c(
            "cost_cad_per_h",
            "float",
            "Operating cost per hour of use the user pays (energy, wear, operator).",
            minimum=0.0,
        ),
        _c(
            "fixed_cost_cad_per_yr",
            "float",
            "Yearly fixed cost of the asset, shared pro rata of use.",
            required=False,
            minimum=0.0,
        ),
        _c(
            "host_hours_per_yr",
            "float",
            "Hours per year the host uses the asset itself.",
            required=False,
            minimum=0.0,
        ),
        _MAX_KM,
    ),
    key=("offer_id",),
)

CAPACITY_NEEDS = TableSchema(
    "capacity_needs",
    (
        _c("need_id", "str", "Stable identifier of the need for equipment or a service."),
        _FIRM,
        _c("asset_type", "str", "Kind of equipment or service needed."),
        _DESCRIPTION,
        _c("hours_per_week", "float", "Hours per week needed.", minimum=0.0),
        _c("days_mask", "int", "Weekdays the firm can use it (bit 0 = Monday).", minimum=1),
        _c(
            "periods_mask",
            "int",
            "Slots of the day the firm can use it (1 morning, 2 afternoon, 3 both).",
            minimum=1,
        ),
        _MONTHS,
        _c(
            "alternative_cost_cad_per_h",
            "float",
            "What an hour costs the firm today (rental, subcontracting).",
            minimum=0.0,
        ),
        _MAX_KM,
    ),
    key=("need_id",),
)

TREATMENT_NEEDS = TableSchema(
    "treatment_needs",
    (
        _c("need_id", "str", "Stable identifier of the treatment need."),
        _FIRM,
        _c("treatment_type", "str", "Treatment (symbiosis/mutual/data/treatment_units.csv)."),
        _DESCRIPTION,
        _c("quantity_per_yr", "float", "Yearly quantity to treat, in the treatment's unit.", minimum=0.0),
        _c("unit", "str", "The treatment's unit (m³, t, L)."),
        _c(
            "current_cost_cad_per_unit",
            "float",
            "What treating one unit costs the firm today (hauling included).",
            minimum=0.0,
        ),
    ),
    key=("need_id",),
)

PICKUPS = TableSchema(
    "pickups",
    (
        _c("pickup_id", "str", "Stable identifier of the small residue stream to collect."),
        _FIRM,
        _c("residue_id", "str", "Residue (symbiosis/mutual/data/residues.csv)."),
        _DESCRIPTION,
        _c("quantity_t_per_yr", "float", "Yearly quantity, t.", minimum=0.0),
        _c(
            "period_weeks",
            "int",
            "Weeks between two pickups (1 weekly, 2 fortnightly, 4 four-weekly).",
            allowed=(1, 2, 4),
        ),
        _c("window_start_min", "int", "Earliest pickup time, minutes after midnight.", minimum=0),
        _c("window_end_min", "int", "Latest pickup time, minutes after midnight.", minimum=0),
        _c(
            "receiver_id",
            "str",
            "Receiver the residue goes to; empty: the nearest that accepts it.",
            required=False,
        ),
        _c(
            "current_cost_cad_per_pickup",
            "float",
            "What one separate pickup costs the firm today; empty: computed from the truck costs.",
            required=False,
            minimum=0.0,
        ),
    ),
    key=("pickup_id",),
)

RECEIVERS = TableSchema(
    "receivers",
    (
        _c("receiver_id", "str", "Stable identifier of the receiver or consolidation point."),
        _c("name", "str", "Name of the receiver."),
        _c("firm_id", "str", "The receiver's firm in the registry, when it is one.", required=False),
        _c("lat", "float", "Latitude, WGS84 degrees."),
        _c("lon", "float", "Longitude, WGS84 degrees."),
        _c("residues", "str", "Residues it takes, ids joined by |."),
        _c("trucks", "int", "Collection trucks it runs (0: the default of the configuration).", minimum=0),
    ),
    key=("receiver_id",),
)

#: Every table of :class:`MutualData`, by attribute name.
MUTUAL_TABLES: dict[str, TableSchema] = {
    "purchases": PURCHASES,
    "capacity_offers": CAPACITY_OFFERS,
    "capacity_needs": CAPACITY_NEEDS,
    "treatment_needs": TREATMENT_NEEDS,
    "pickups": PICKUPS,
    "receivers": RECEIVERS,
}


def _empty(name: str) -> pd.DataFrame:
    return empty_frame(MUTUAL_TABLES[name])


@dataclass(frozen=True)
class MutualData:
    """The validated tables the levers read (any of them may be empty).

    Parameters
    ----------
    purchases, capacity_offers, capacity_needs, treatment_needs, pickups, receivers
        Frames following :data:`PURCHASES`, :data:`CAPACITY_OFFERS`, :data:`CAPACITY_NEEDS`,
        :data:`TREATMENT_NEEDS`, :data:`PICKUPS` and :data:`RECEIVERS`.
    unit_specs
        The advisor's treatment-unit table (sizes, investment, costs, lifetime;
        :func:`~symbiosis.mutual.reference.check_unit_table`), or None for the bundled example.
    """

    purchases: pd.DataFrame = field(default_factory=lambda: _empty("purchases"))
    capacity_offers: pd.DataFrame = field(default_factory=lambda: _empty("capacity_offers"))
    capacity_needs: pd.DataFrame = field(default_factory=lambda: _empty("capacity_needs"))
    treatment_needs: pd.DataFrame = field(default_factory=lambda: _empty("treatment_needs"))
    pickups: pd.DataFrame = field(default_factory=lambda: _empty("pickups"))
    receivers: pd.DataFrame = field(default_factory=lambda: _empty("receivers"))
    unit_specs: pd.DataFrame | None = None

    def validate(self, firm_ids: pd.Series | None = None) -> MutualData:
        """Check every table against its schema (and, given ``firm_ids``, the firm references).

        Raises
        ------
        symbiosis.schemas.SchemaError
            A table does not match its schema or names an unknown firm.
        """
        known = None if firm_ids is None else set(firm_ids.astype(str))
        for name, schema in MUTUAL_TABLES.items():
            frame = getattr(self, name)
            validate_frame(frame, schema)
            if known is not None and "firm_id" in frame and name != "receivers":
                orphans = ~frame["firm_id"].astype(str).isin(known)
                if orphans.any():
                    raise SchemaError(
                        f"{name} refer to unknown firms: {frame.loc[orphans, 'firm_id'].head(5).tolist()}"
                    )
        return self

    def counts(self) -> dict[str, int]:
        """Number of rows of each table."""
        return {name: len(getattr(self, name)) for name in MUTUAL_TABLES}

    @property
    def empty(self) -> bool:
        """Whether every table is empty."""
        return not any(self.counts().values())
