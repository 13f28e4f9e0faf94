"""Schemas of the tables that flow through the engine: one column list per table, each described.

Every stage (import, database, candidates, scoring, allocation, exports) exchanges pandas
DataFrames whose columns are declared here, with units in their names. ``validate_frame`` checks a
frame against its schema once, at a boundary; code after the boundary trusts the types.

Conventions
-----------
* Ids are stable strings (``firm_id``, ``stream_id``, ``candidate_id``).
* Quantities of a stream are held in the *canonical unit of its resource kind*
  (:data:`CANONICAL_UNIT`): ``t/yr`` for materials, ``m3/yr`` for water, ``MWh/yr`` for energy,
  ``trip/yr`` for logistics, ``m2`` for capacity (space or equipment, as floor area or units) and
  ``h/yr`` for services. Money is in Canadian dollars per canonical unit (``cad_per_unit``).
* ``months_mask`` is a 12-bit integer, bit ``m-1`` set when the stream exists in month ``m``
  (4095 = all year), so that seasonal overlap is one vectorised ``&``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "ALL_MONTHS",
    "AVAILABILITY",
    "CANDIDATES",
    "CANONICAL_UNIT",
    "CATEGORY_SOURCES",
    "CONFIDENTIALITY",
    "COORD_SOURCES",
    "CURRENT_USES",
    "DIRECTIONS",
    "DIVERTED_FATES",
    "EXCHANGES",
    "FATES",
    "FIRMS",
    "PARTICLE_SIZES",
    "PERMITS",
    "PERMIT_TYPES",
    "RESOURCE_KINDS",
    "SPARE_CAPACITY_KINDS",
    "STREAMS",
    "UNCONFIRMED_CATEGORY_SOURCES",
    "Column",
    "SchemaError",
    "TableSchema",
    "empty_frame",
    "validate_frame",
    "with_optional_columns",
]

RESOURCE_KINDS: tuple[str, ...] = ("material", "energy", "water", "logistics", "capacity", "service")
#: Kinds whose supply is spare capacity (an empty return trip, idle space or equipment, free hours):
#: what it costs its owner today is paid whether it is shared or not, so sharing avoids none of it.
SPARE_CAPACITY_KINDS: tuple[str, ...] = ("logistics", "capacity", "service")
DIRECTIONS: tuple[str, ...] = ("supply", "demand")
AVAILABILITY: tuple[str, ...] = ("continuous", "seasonal", "one_off")
CONFIDENTIALITY: tuple[str, ...] = ("public", "members", "confidential")
#: How a stream's category was set.
CATEGORY_SOURCES: tuple[str, ...] = ("given", "inferred", "corrected", "")
#: Category sources an advisor has still to confirm: guessed by the classifier, or replaced by the
#: importer (the unit or the side did not fit the typed one). A confirmed category becomes ``given``.
UNCONFIRMED_CATEGORY_SOURCES: tuple[str, ...] = ("inferred", "corrected")
COORD_SOURCES: tuple[str, ...] = ("declared", "park", "municipality", "geocoded")
CANONICAL_UNIT: Mapping[str, str] = {
    "material": "t/yr",
    "water": "m3/yr",
    "energy": "MWh/yr",
    "logistics": "trip/yr",
    "capacity": "m2",
    "service": "h/yr",
}
ALL_MONTHS = 0b1111_1111_1111
#: What happens to a supply today (its baseline): ``discharged`` is heat or water released as is.
FATES: tuple[str, ...] = (
    "landfill",
    "incineration",
    "land_spreading",
    "sold_byproduct",
    "internal_reuse",
    "paid_treatment",
    "discharged",
)
#: Fates an exchange keeps a residue *from*: only these count as diverted from disposal.
DIVERTED_FATES: tuple[str, ...] = ("landfill", "incineration")
#: What a demand uses today: a virgin input it buys, or a treatment / recovery service it sells.
CURRENT_USES: tuple[str, ...] = ("virgin_input", "treatment_service")
#: Particle-size classes of a solid: < 1 mm, 1–10 mm, 10–100 mm, > 100 mm.
PARTICLE_SIZES: tuple[str, ...] = ("fine", "granular", "coarse", "bulky")
#: Québec authorisation pathways a receiving firm may hold (see ``symbiosis.engine.permits``).
PERMIT_TYPES: tuple[str, ...] = (
    "reafie_ministerial_authorisation",
    "reafie_declaration_of_compliance",
    "reafie_exemption",
    "mrf_guide",
    "hazardous_materials",
    "cfia_feed",
    "cfia_food",
)


class SchemaError(ValueError):
    """A frame does not match its schema (a programming error past the import boundary)."""


@dataclass(frozen=True)
class Column:
    """One column of a table.

    Parameters
    ----------
    name
        Column name; carries its unit when it has one (``distance_km``).
    dtype
        One of ``"str"``, ``"float"``, ``"int"``, ``"bool"``, ``"datetime"``.
    description
        What the column means, in one sentence.
    required
        Whether a missing value (NaN/None/empty) is an error.
    allowed
        The closed set of values, when the column is categorical.
    minimum
        Inclusive lower bound for numeric columns.
    """

    name: str
    dtype: str
    description: str
    required: bool = True
    allowed: tuple[Any, ...] | None = None
    minimum: float | None = None


@dataclass(frozen=True)
class TableSchema:
    """An ordered list of columns with a name and an optional unique key."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default_factory=tuple)

    @property
    def names(self) -> list[str]:
        """Column names, in order."""
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        """Return the column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"{self.name} has no column {name!r}")


def _c(name: str, dtype: str, description: str, **kw: Any) -> Column:
    return Column(name, dtype, description, **kw)


FIRMS = TableSchema(
    "firms",
    (
        _c("firm_id", "str", "Stable identifier of the firm, kept from the imported file."),
        _c("name", "str", "Legal or trade name."),
        _c("scian_code", "str", "SCIAN/NAICS Canada 2022 code, 2 to 6 digits."),
        _c("park_id", "str", "Industrial park the site is in (see places.parks).", required=False),
        _c("municipality", "str", "Municipality of the site."),
        _c("lat", "float", "Latitude of the site, WGS84 decimal degrees."),
        _c("lon", "float", "Longitude of the site, WGS84 decimal degrees."),
        _c("coord_source", "str", "Where lat/lon came from.", allowed=COORD_SOURCES),
        _c("contact_name", "str", "Contact person (personal information, Loi 25).", required=False),
        _c("contact_email", "str", "Contact e-mail (personal information).", required=False),
        _c("contact_phone", "str", "Contact phone (personal information).", required=False),
        _c("accepts_hazardous", "bool", "Holds the permits to receive hazardous residues."),
        _c("confidentiality", "str", "Who may see the firm's data.", allowed=CONFIDENTIALITY),
    ),
    key=("firm_id",),
)

STREAMS = TableSchema(
    "streams",
    (
        _c("stream_id", "str", "Stable identifier of the stream, kept from the imported file."),
        _c("firm_id", "str", "Firm declaring the stream."),
        _c(
            "direction",
            "str",
            "supply: a residual output or spare capacity; demand: an input need.",
            allowed=DIRECTIONS,
        ),
        _c("kind", "str", "Resource kind of the category.", allowed=RESOURCE_KINDS),
        _c("category_id", "str", "Resource category of the knowledge base."),
        _c(
            "category_source",
            "str",
            "given (typed by the firm), inferred (from the description and "
            "waste code, to confirm) or corrected (the typed category did not fit the unit), empty when "
            "unknown.",
            required=False,
            allowed=CATEGORY_SOURCES,
        ),
        _c(
            "category_score",
            "float",
            "Classifier score of an inferred or corrected category (0-1).",
            required=False,
            minimum=0.0,
        ),
        _c(
            "category_alternatives",
            "str",
            "Runner-up category ids of an inferred category, '|'-separated.",
            required=False,
        ),
        _c("waste_code", "str", "EU List of Waste code, 6 digits, when it applies.", required=False),
        _c("description", "str", "Free text as the firm wrote it.", required=False),
        _c("quantity_as_typed", "str", "The quantity exactly as typed (e.g. '12,5')."),
        _c("unit_as_typed", "str", "The unit exactly as typed (e.g. 't/an')."),
        _c("quantity_per_yr", "float", "Canonical rate, in the canonical unit of the kind.", minimum=0.0),
        _c(
            "quantity_unit",
            "str",
            "Canonical unit of quantity_per_yr (CANONICAL_UNIT[kind]).",
            allowed=tuple(sorted(set(CANONICAL_UNIT.values()))),
        ),
        _c(
            "mass_t_per_yr",
            "float",
            "Mass rate when the stream has a mass (materials, water).",
            required=False,
            minimum=0.0,
        ),
        _c("density_t_per_m3", "float", "Density used for volume to mass.", required=False, minimum=0.0),
        _c(
            "density_source",
            "str",
            "declared, category_default, or empty when unused.",
            required=False,
            allowed=("declared", "category_default", ""),
        ),
        _c("hazardous", "bool", "Hazardous residue (EU LoW asterisk or declared)."),
        _c("moisture_pct", "float", "Moisture content, % by mass.", required=False, minimum=0.0),
        _c("temperature_c", "float", "Temperature of a heat or water stream, °C.", required=False),
        _c("purity_pct", "float", "Purity, % by mass.", required=False, minimum=0.0),
        _c(
            "contaminant_pct",
            "float",
            "Supply: contaminant content (foreign matter, oil…), % by mass.",
            required=False,
            minimum=0.0,
        ),
        _c(
            "particle_size",
            "str",
            "Supply: particle-size class (fine, granular, coarse, bulky).",
            required=False,
            allowed=("", *PARTICLE_SIZES),
        ),
        _c(
            "min_purity_pct",
            "float",
            "Demand: lowest purity accepted, % by mass.",
            required=False,
            minimum=0.0,
        ),
        _c(
            "max_moisture_pct",
            "float",
            "Demand: highest moisture accepted, % by mass.",
            required=False,
            minimum=0.0,
        ),
        _c("min_temperature_c", "float", "Demand: lowest supply temperature usable, °C.", required=False),
        _c(
            "return_temperature_c",
            "float",
            "Demand of sensible heat: the temperature its own loop returns at, °C, below its need (what "
            "a colder supply preheats from); empty: its category's temperature_return_c.",
            required=False,
        ),
        _c(
            "max_contaminant_pct",
            "float",
            "Demand: highest contaminant content accepted, % by mass.",
            required=False,
            minimum=0.0,
        ),
        _c(
            "accepted_particle_sizes",
            "str",
            "Demand: particle-size classes accepted, joined by '|'.",
            required=False,
        ),
        _c(
            "rejects_hazardous",
            "bool",
            "Demand: hazardous residues are not accepted for this need (missing: not declared).",
            required=False,
        ),
        _c("quality_notes", "str", "Other quality attributes, free text.", required=False),
        _c("availability", "str", "Time profile.", allowed=AVAILABILITY),
        _c("months_mask", "int", "12-bit mask of the months the stream exists (4095 = all).", minimum=0),
        _c("start_date", "datetime", "First day of a one-off stream.", required=False),
        _c("end_date", "datetime", "Last day of a one-off stream.", required=False),
        _c(
            "current_fate",
            "str",
            "Supply: what happens to it today (empty: the category's default).",
            required=False,
            allowed=("", *FATES),
        ),
        _c(
            "disposal_cost_cad_per_unit",
            "float",
            "Supply: what today's fate costs per canonical unit (negative: the price it is sold at).",
            required=False,
        ),
        _c(
            "current_use",
            "str",
            "Demand: virgin_input bought, or treatment_service that charges a fee "
            "(empty: the category's default).",
            required=False,
            allowed=("", *CURRENT_USES),
        ),
        _c(
            "purchase_price_cad_per_unit",
            "float",
            "Demand: what the firm pays today for one canonical unit of virgin input.",
            required=False,
        ),
        _c(
            "gate_fee_cad_per_unit",
            "float",
            "Demand (treatment service): the fee it charges per canonical unit received.",
            required=False,
            minimum=0.0,
        ),
        _c(
            "min_lot_per_yr",
            "float",
            "Smallest yearly quantity worth an exchange (canonical unit).",
            required=False,
            minimum=0.0,
        ),
        _c(
            "max_distance_km",
            "float",
            "Farthest the firm accepts to ship or fetch.",
            required=False,
            minimum=0.0,
        ),
        _c("confidentiality", "str", "Who may see the stream.", allowed=CONFIDENTIALITY),
    ),
    key=("stream_id",),
)

PERMITS = TableSchema(
    "permits",
    (
        _c("permit_id", "str", "Stable identifier of the authorisation, kept from the imported file."),
        _c("firm_id", "str", "Firm holding the authorisation (the receiver)."),
        _c(
            "permit_type",
            "str",
            "Pathway: REAFIE ministerial authorisation, declaration of compliance or "
            "exemption, MRF guide, hazardous materials regulation, CFIA feed or food.",
            allowed=PERMIT_TYPES,
        ),
        _c("reference", "str", "Number or title of the authorisation (e.g. 'AM 401234567').", required=False),
        _c("categories", "str", "Categories covered, joined by '|' ('*' = every category).", required=False),
        _c(
            "waste_codes",
            "str",
            "List of Waste codes or prefixes (2, 4 or 6 digits) covered, joined by '|'.",
            required=False,
        ),
        _c("valid_until", "datetime", "Last day of validity (empty: no end date).", required=False),
        _c("conditions", "str", "Conditions of the authorisation, free text.", required=False),
    ),
    key=("permit_id",),
)

CANDIDATES = TableSchema(
    "candidates",
    (
        _c("candidate_id", "str", "Identifier of the supply-demand pair."),
        _c("supply_id", "str", "stream_id of the supply."),
        _c("demand_id", "str", "stream_id of the demand."),
        _c("supply_firm_id", "str", "Firm of the supply."),
        _c("demand_firm_id", "str", "Firm of the demand."),
        _c(
            "rule_id",
            "str",
            "Compatibility rule linking the categories, empty if text-based.",
            required=False,
        ),
        _c(
            "match_basis",
            "str",
            "rule, or text when only the descriptions are close.",
            allowed=("rule", "text"),
        ),
        _c("text_similarity", "float", "Cosine similarity of the descriptions (0-1).", required=False),
        _c("yield_ratio", "float", "Demand units obtained per supply unit (rule's yield).", minimum=0.0),
        _c("distance_km", "float", "Geodesic (crow-fly) distance between the sites."),
        _c("road_distance_km", "float", "distance_km times the configured detour factor."),
        _c("months_overlap", "int", "Number of months both streams exist.", minimum=0),
        _c("max_flow_per_yr", "float", "Upper bound of the flow, supply units per year.", minimum=0.0),
        _c("internal", "bool", "Both streams belong to the same firm (internal reuse)."),
        _c(
            "category_alternative",
            "bool",
            "Found under a runner-up of a stream's inferred category: "
            "listed for an advisor to confirm the category, never allocated before.",
        ),
        _c(
            "spec_unknown",
            "str",
            "Quality specs the demand declares but the supply does not give, joined "
            "by '|': an uncertainty to check, neither a pass nor a rejection.",
            required=False,
        ),
        _c(
            "pathway", "str", "Québec authorisation pathway the exchange needs (empty: none).", required=False
        ),
        _c(
            "permit_reference",
            "str",
            "Reference of the receiver's authorisation that covers it.",
            required=False,
        ),
    ),
    key=("candidate_id",),
)

EXCHANGES = TableSchema(
    "exchanges",
    (
        _c("candidate_id", "str", "The candidate the flow runs on."),
        _c("supply_id", "str", "stream_id of the supply."),
        _c("demand_id", "str", "stream_id of the demand."),
        _c("flow_per_yr", "float", "Allocated quantity, supply canonical units per year.", minimum=0.0),
        _c("delivered_per_yr", "float", "flow_per_yr times the yield, demand units per year.", minimum=0.0),
        _c("net_value_cad_per_yr", "float", "Avoided disposal + avoided purchase - costs."),
        _c("co2e_avoided_t_per_yr", "float", "Avoided disposal + avoided virgin - transport."),
        _c("diverted_t_per_yr", "float", "Tonnes kept from landfill or incineration.", minimum=0.0),
    ),
    key=("candidate_id",),
)

_NUMERIC = {"float", "int"}


def empty_frame(schema: TableSchema) -> pd.DataFrame:
    """Return an empty frame with the schema's columns and dtypes."""
    dtypes = {"str": object, "float": "float64", "int": "int64", "bool": "bool", "datetime": "datetime64[ns]"}
    return pd.DataFrame({c.name: pd.Series(dtype=dtypes[c.dtype]) for c in schema.columns})


def with_optional_columns(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """The frame with every *optional* column of ``schema`` it lacks added, empty, in schema order.

    Frames built before a column was added (tests, notebooks, older exports) stay valid: a missing
    optional text is ``""``, a number NaN, a flag False, a date NaT. Required columns are not invented.
    """
    absent = [c for c in schema.columns if not c.required and c.name not in frame.columns]
    if not absent:
        return frame
    fill = {"str": "", "float": np.nan, "int": 0, "bool": False, "datetime": pd.NaT}
    out = frame.assign(**{c.name: fill[c.dtype] for c in absent})
    order = [n for n in schema.names if n in out.columns]
    return out[order + [c for c in out.columns if c not in order]]


def _missing(series: pd.Series) -> pd.Series:
    miss = series.isna()
    if isinstance(series.dtype, pd.StringDtype):  # text already (pandas 3's default): no conversion
        return miss | series.str.strip().eq("").fillna(False).astype(bool)
    if series.dtype == object or pd.api.types.is_string_dtype(series):
        miss |= series.astype("string").fillna("").str.strip().eq("")
    return miss


def _column_errors(frame: pd.DataFrame, col: Column) -> Iterable[str]:
    s = frame[col.name]
    miss = _missing(s)
    if col.required and miss.any():
        yield f"{col.name}: {int(miss.sum())} missing value(s)"
    present = s[~miss]
    if col.dtype in _NUMERIC:
        values = pd.to_numeric(present, errors="coerce")
        if values.isna().any():
            yield f"{col.name}: non-numeric values"
        elif col.minimum is not None and (values < col.minimum).any():
            yield f"{col.name}: values below {col.minimum}"
        elif not np.isfinite(values.to_numpy(dtype=float)).all():
            yield f"{col.name}: non-finite values"
    if col.allowed is not None:
        bad = ~present.isin(col.allowed)
        if bad.any():
            yield f"{col.name}: values outside {col.allowed}: {sorted(map(str, present[bad].unique()))[:5]}"


def validate_frame(frame: pd.DataFrame, schema: TableSchema, *, strict: bool = True) -> list[str]:
    """Check a frame against a schema.

    Parameters
    ----------
    frame
        The table to check.
    schema
        Its schema.
    strict
        Raise :class:`SchemaError` on the first problem list instead of returning it.

    Returns
    -------
    list of str
        One message per problem (empty when the frame is valid).
    """
    errors = [f"missing column {n!r}" for n in schema.names if n not in frame.columns]
    if not errors:
        for col in schema.columns:
            errors.extend(_column_errors(frame, col))
        if schema.key and frame.duplicated(list(schema.key)).any():
            errors.append(f"duplicate key {schema.key}")
    if errors and strict:
        raise SchemaError(f"{schema.name}: " + "; ".join(errors))
    return errors
