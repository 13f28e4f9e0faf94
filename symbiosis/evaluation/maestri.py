"""Turn the MAESTRI exchanges into evaluation cases: each exchange written up as two firms' declarations.

The EU MAESTRI project compiled 305 industrial-symbiosis exchanges from the literature (providing and
receiving industry with NACE codes, waste description, EWC code, intermediate process, final use,
status). Its licence is not stated: the repository holds none of its rows; this module converts a frame
read at run time (:func:`symbiosis.evaluation.cases.read_maestri_exchanges`) into cases the harness runs.

Each exchange becomes

* a **providing firm** and a **receiving firm** (sector: the NACE code read as SCIAN by
  :func:`symbiosis.evaluation.nace.nace_to_scian`), 1.5 km apart;
* a **supply** declared as the provider would type it: the waste description (and the detailed
  information when the source has some), "by-product of" the providing industry; the EWC code in
  the ``code`` variant only (the ``text`` variant leaves the classifier the words alone);
* a **demand** declared from the receiving side: the material wanted as its final use (through the
  intermediate process when one is documented), for the receiving industry;
* a quantity and a unit that fit the material's kind (combustible gases in MWh/yr, waters in m³/yr,
  everything else in t/yr; the same amount on both sides), so that no pair is refused for its scale;
* one expected pair: the documented supply → demand.

Two layouts. ``region``: every exchange in one region (a 1 km grid, ~18 km across), so that every
supply can reach every demand — the harder, realistic test of precision: a residue is allocated to its
documented receiver only if the engine prefers it to every other firm wanting the same kind of
material. ``park``: one case per MAESTRI case (the firms of one publication together), as the corpus
of ``tests/data/cases`` is laid out: fewer competitors, closer to "does the engine find the documented
outlet at all". Firms are never merged across exchanges (the source names companies inconsistently),
so a company appearing in several exchanges is several firms.

An exchange that cannot be written up is **skipped with a reason** (no waste description, a sector
code that cannot be read, a duplicate id), never dropped silently.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from symbiosis.evaluation.cases import Case
from symbiosis.evaluation.nace import nace_to_scian

__all__ = [
    "LAYOUTS",
    "MAESTRI_COLUMNS",
    "VARIANTS",
    "MaestriConversion",
    "cited_exchanges",
    "convert_exchanges",
    "maestri_cases",
]

#: The MAESTRI columns the conversion reads (the source file has 43).
MAESTRI_COLUMNS: tuple[str, ...] = (
    "Database-ID",
    "Case Number",
    "NACE code - Providing industry",
    "Providing industry (according to original database)",
    "Providing industry (according to NACE)",
    "NACE code - Receiving industry",
    "Receiving industry (according to original database)",
    "Receiving industry (according to NACE)",
    "Waste description",
    "Detailed waste information",
    "EWC code",
    "Intermediate process(es)",
    "Final use",
    "Status of development",
    "Country",
)
#: ``code``: the supply gives its EWC code; ``text``: description only.
VARIANTS: tuple[str, ...] = ("code", "text")
LAYOUTS: tuple[str, ...] = ("region", "park")

#: Centre of the fictional region (the project's home region; the evaluation imports anywhere).
_CENTRE = (48.43, -71.07)
_GRID_KM = 1.0
_PAIR_OFFSET_KM = 1.5
_KM_PER_DEG_LAT = 111.2
#: Declared amount and unit per kind (identical on both sides: the exchange is never refused for scale).
_AMOUNTS: dict[str, tuple[float, str]] = {
    "energy": (20_000.0, "MWh/yr"),
    "water": (200_000.0, "m3/yr"),
    "material": (5_000.0, "t/yr"),
}
_ENERGY_WORDS = re.compile(
    r"\b(?:blast furnace gas|bfg|coke oven gas|cog|fuel gas|off-?gas|biogas|landfill gas|hydrogen|steam|"
    r"heat|electricity)\b",
    re.IGNORECASE,
)
_WATER_WORDS = re.compile(r"\b(?:water|effluent|blow-?down|wastewater)\b", re.IGNORECASE)
_SOLID_WORDS = re.compile(r"\b(?:sludges?|slurry|mud|ash|cake)\b", re.IGNORECASE)

_FIRM_COLUMNS = ("firm_id", "name", "scian_code", "municipality", "lat", "lon", "accepts_hazardous")
_STREAM_COLUMNS = (
    "stream_id",
    "firm_id",
    "direction",
    "waste_code",
    "description",
    "quantity",
    "unit",
    "availability",
)


@dataclass(frozen=True)
class MaestriConversion:
    """The MAESTRI exchanges as declarations, before they are split into cases.

    Parameters
    ----------
    firms
        Import-format firms (``firm_id, name, scian_code, municipality, lat, lon, accepts_hazardous``)
        plus ``exchange_id`` and ``park``.
    streams
        Import-format streams (``stream_id, firm_id, direction, waste_code, description, quantity,
        unit, availability``) plus ``exchange_id`` and ``park``.
    expected
        ``supply_id, demand_id, exchange_id, park, status, country, kind, waste_codes`` (``|``-joined
        6-digit EWC codes of the exchange, possibly empty).
    skipped
        ``exchange_id, reason`` for every exchange not converted.
    """

    firms: pd.DataFrame
    streams: pd.DataFrame
    expected: pd.DataFrame
    skipped: pd.DataFrame

    @property
    def n_exchanges(self) -> int:
        """Exchanges read (converted and skipped)."""
        return len(self.expected) + len(self.skipped)


def _clean(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns the conversion reads, as stripped text (a missing column reads as empty)."""
    empty = pd.Series("", index=frame.index, dtype=object)
    return pd.DataFrame(
        {c: (frame[c].fillna("").astype(str).str.strip() if c in frame else empty) for c in MAESTRI_COLUMNS},
        index=frame.index,
    )


def _codes(text: str) -> list[str]:
    """The 6-digit EWC codes of a MAESTRI cell (``"200108;200125"``, ``"050799#"``)."""
    return [c for c in (re.sub(r"\D", "", part) for part in text.split(";")) if len(c) == 6]


def _kind(waste: str, final_use: str) -> str:
    """``energy``, ``water`` or ``material``: what a firm would declare the stream as."""
    if _SOLID_WORDS.search(waste):
        return "material"
    if _ENERGY_WORDS.search(waste):
        return "energy"
    if _WATER_WORDS.search(waste):
        return "water"
    if re.search(r"\b(?:heat|energy)\b", final_use, re.IGNORECASE) and re.search(r"\bgas\b", waste, re.I):
        return "energy"
    return "material"


def _skip_reason(row: pd.Series, seen: set[str]) -> str:
    if not row["Database-ID"]:
        return "no_id"
    if row["Database-ID"] in seen:
        return "duplicate_id"
    if not row["Waste description"]:
        return "no_waste_description"
    if nace_to_scian(row["NACE code - Providing industry"]) is None:
        return "providing_sector_unreadable"
    if nace_to_scian(row["NACE code - Receiving industry"]) is None:
        return "receiving_sector_unreadable"
    return ""


def _slug(exchange_id: str) -> str:
    return "M" + re.sub(r"\W+", "-", exchange_id).strip("-")


def _supply_text(row: pd.Series) -> str:
    text = row["Waste description"]
    if row["Detailed waste information"]:
        text += f" - {row['Detailed waste information']}"
    industry = (
        row["Providing industry (according to original database)"]
        or row["Providing industry (according to NACE)"]
    )
    return f"{text}, by-product of our {industry.lower()}" if industry else text


def _demand_text(row: pd.Series) -> str:
    use = row["Final use"].rstrip(".") or "raw material"
    text = f"{row['Waste description']} wanted as {use[0].lower() + use[1:]}"
    if row["Intermediate process(es)"]:
        text += f" ({row['Intermediate process(es)'].rstrip('.')})"
    industry = (
        row["Receiving industry (according to original database)"]
        or row["Receiving industry (according to NACE)"]
    )
    return f"{text}, for our {industry.lower()}" if industry else text


def _positions(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Provider and receiver coordinates of ``n`` exchanges on a square 1 km grid (deterministic)."""
    side = max(1, math.ceil(math.sqrt(n)))
    index = np.arange(n)
    north_km = (index // side - (side - 1) / 2) * _GRID_KM
    east_km = (index % side - (side - 1) / 2) * _GRID_KM
    km_per_deg_lon = _KM_PER_DEG_LAT * math.cos(math.radians(_CENTRE[0]))
    lat = _CENTRE[0] + north_km / _KM_PER_DEG_LAT
    lon = _CENTRE[1] + east_km / km_per_deg_lon
    # the receiver sits 1.5 km to the north-east of its provider, between two grid nodes
    offset = _PAIR_OFFSET_KM / math.sqrt(2)
    return lat, lon, lat + offset / _KM_PER_DEG_LAT, lon + offset / km_per_deg_lon


def convert_exchanges(
    frame: pd.DataFrame, *, hazardous_codes: frozenset[str] = frozenset()
) -> MaestriConversion:
    """Write every MAESTRI exchange up as a providing and a receiving firm's declarations.

    Parameters
    ----------
    frame
        The MAESTRI exchanges (columns :data:`MAESTRI_COLUMNS`; others are ignored, missing ones read
        as empty).
    hazardous_codes
        6-digit EWC codes that are hazardous in the List of Waste: the receiver of such a residue is
        declared as accepting hazardous materials (it documentedly takes it).

    Returns
    -------
    MaestriConversion
        Coordinates are those of the ``region`` layout; :func:`maestri_cases` re-lays them per park.
    """
    rows = _clean(frame)
    seen: set[str] = set()
    reasons: list[str] = []
    for _, row in rows.iterrows():  # one row per documented exchange (hundreds), not per pair
        reasons.append(_skip_reason(row, seen))
        seen.add(row["Database-ID"])
    reason = pd.Series(reasons, index=rows.index, dtype=object)
    skipped = pd.DataFrame(
        {"exchange_id": rows.loc[reason != "", "Database-ID"], "reason": reason[reason != ""]}
    )
    facts = _facts(rows[reason == ""].reset_index(drop=True), hazardous_codes)
    expected = facts[["supply_id", "demand_id", "exchange_id", "park", "status", "country", "kind"]].assign(
        waste_codes=facts["codes"].map("|".join)
    )
    return MaestriConversion(_firms(facts), _streams(facts), expected, skipped.reset_index(drop=True))


def _facts(kept: pd.DataFrame, hazardous_codes: frozenset[str]) -> pd.DataFrame:
    """One row per kept exchange: ids, park, codes, kind, amount, hazard and both sides' texts."""
    slug = kept["Database-ID"].map(_slug)
    codes = kept["EWC code"].map(_codes)
    kind = pd.Series(
        [_kind(w, u) for w, u in zip(kept["Waste description"], kept["Final use"], strict=True)], dtype=object
    )
    lat_p, lon_p, lat_r, lon_r = _positions(len(kept))
    empty = pd.Series("", index=kept.index, dtype=object)
    return pd.DataFrame(
        {
            "exchange_id": kept["Database-ID"],
            "slug": slug,
            "supply_id": slug + "-S",
            "demand_id": slug + "-D",
            "park": kept["Case Number"].where(kept["Case Number"] != "", "0"),
            "status": kept["Status of development"],
            "country": kept["Country"],
            "codes": codes,
            "kind": kind,
            "quantity": kind.map(lambda k: f"{_AMOUNTS[k][0]:.0f}"),
            "unit": kind.map(lambda k: _AMOUNTS[k][1]),
            "hazardous": codes.map(lambda cs: any(c in hazardous_codes for c in cs)).astype(bool),
            "supply_text": kept.apply(_supply_text, axis=1) if len(kept) else empty,
            "demand_text": kept.apply(_demand_text, axis=1) if len(kept) else empty,
            "P_industry": kept["Providing industry (according to original database)"],
            "R_industry": kept["Receiving industry (according to original database)"],
            "P_nace": kept["NACE code - Providing industry"],
            "R_nace": kept["NACE code - Receiving industry"],
            "P_lat": np.round(lat_p, 5),
            "P_lon": np.round(lon_p, 5),
            "R_lat": np.round(lat_r, 5),
            "R_lon": np.round(lon_r, 5),
        }
    )


def _firms(facts: pd.DataFrame) -> pd.DataFrame:
    """The providing (``-P``) then the receiving (``-R``) firm of each exchange."""
    sides = []
    for side, default in (("P", "Provider"), ("R", "Receiver")):
        industry = facts[f"{side}_industry"].where(facts[f"{side}_industry"] != "", default)
        accepts = np.where(facts["hazardous"], "yes", "no") if side == "R" else "no"
        sides.append(
            pd.DataFrame(
                {
                    "firm_id": facts["slug"] + f"-{side}",
                    "name": industry + " (exchange " + facts["exchange_id"] + ")",
                    "scian_code": facts[f"{side}_nace"].map(nace_to_scian),
                    "municipality": "Région MAESTRI",
                    "lat": facts[f"{side}_lat"],
                    "lon": facts[f"{side}_lon"],
                    "accepts_hazardous": accepts,
                    "exchange_id": facts["exchange_id"],
                    "park": facts["park"],
                }
            )
        )
    return pd.concat(sides, ignore_index=True)


def _streams(facts: pd.DataFrame) -> pd.DataFrame:
    """The supply then the demand of each exchange (the EWC code on the supply only)."""
    supply = pd.DataFrame(
        {
            "stream_id": facts["supply_id"],
            "firm_id": facts["slug"] + "-P",
            "direction": "supply",
            "waste_code": facts["codes"].map(lambda cs: cs[0] if cs else ""),
            "description": facts["supply_text"],
        }
    )
    demand = pd.DataFrame(
        {
            "stream_id": facts["demand_id"],
            "firm_id": facts["slug"] + "-R",
            "direction": "demand",
            "waste_code": "",
            "description": facts["demand_text"],
        }
    )
    common = facts[["quantity", "unit", "exchange_id", "park"]].assign(availability="continuous")
    return pd.concat(
        [pd.concat([supply, common], axis=1), pd.concat([demand, common], axis=1)], ignore_index=True
    )


def cited_exchanges(rules: pd.DataFrame) -> frozenset[str]:
    """MAESTRI exchange ids (``"1,12,10"``) that a rule's evidence cites (``MAESTRI:1.12.10``)."""
    refs = rules.get("evidence_ref", pd.Series(dtype=str)).fillna("").astype(str)
    found = refs.str.findall(r"MAESTRI:(\d+)[.\-](\d+)[.\-](\d+)").explode().dropna()
    return frozenset(",".join(parts) for parts in found)


def _csv(frame: pd.DataFrame, columns: tuple[str, ...]) -> bytes:
    buffer = io.StringIO()
    frame.loc[:, [c for c in columns if c in frame.columns]].to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8")


def _relaid(firms: pd.DataFrame) -> pd.DataFrame:
    """The firms of one park on their own grid (the park is evaluated alone)."""
    providers = firms[firms["firm_id"].str.endswith("-P")]
    lat_p, lon_p, lat_r, lon_r = _positions(len(providers))
    place = {
        **dict(zip(providers["firm_id"], zip(lat_p, lon_p, strict=True), strict=True)),
        **dict(zip(providers["firm_id"].str[:-2] + "-R", zip(lat_r, lon_r, strict=True), strict=True)),
    }
    out = firms.copy()
    out["lat"] = [round(place[f][0], 5) for f in out["firm_id"]]
    out["lon"] = [round(place[f][1], 5) for f in out["firm_id"]]
    return out


def maestri_cases(
    conversion: MaestriConversion, *, variant: str = "code", layout: str = "region"
) -> list[Case]:
    """The conversion as harness cases: one case (``region``) or one per MAESTRI case (``park``).

    Parameters
    ----------
    conversion
        From :func:`convert_exchanges`.
    variant
        ``"code"``: supplies give their EWC code; ``"text"``: the code column is left out.
    layout
        See the module docstring.

    Returns
    -------
    list of Case
        Named ``maestri_<variant>`` (region) or ``maestri_<variant>_<case number>`` (park); metadata
        ``language = "en"``, ``split = "maestri"``, ``variant``, ``layout``.
    """
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}")
    if layout not in LAYOUTS:
        raise ValueError(f"layout must be one of {LAYOUTS}")
    columns = _STREAM_COLUMNS if variant == "code" else tuple(c for c in _STREAM_COLUMNS if c != "waste_code")
    if layout == "region":
        groups = [("", conversion.firms, conversion.streams, conversion.expected)]
    else:
        groups = [
            (
                park,
                _relaid(conversion.firms[conversion.firms["park"] == park]),
                conversion.streams[conversion.streams["park"] == park],
                expected,
            )
            for park, expected in conversion.expected.groupby("park", sort=False)
        ]
    cases = []
    for park, firms, streams, expected in groups:
        name = f"maestri_{variant}" + (f"_{park}" if park else "")
        meta = {"name": name, "language": "en", "split": "maestri", "variant": variant, "layout": layout}
        cases.append(
            Case(
                name=name,
                firms_bytes=_csv(firms, _FIRM_COLUMNS),
                streams_bytes=_csv(streams, columns),
                expected=expected[["supply_id", "demand_id", "exchange_id", "status"]].reset_index(drop=True),
                forbidden=pd.DataFrame(columns=["supply_id", "demand_id"]),
                meta=meta,
            )
        )
    return cases
