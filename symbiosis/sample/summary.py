"""Counts that describe a generated sample region, and the README written next to its files."""

from __future__ import annotations

from typing import Any

import pandas as pd

from symbiosis.sample.profiles import load_sectors

__all__ = ["region_summary", "sample_readme"]

_DIRECTION = {"offre": "supply", "demande": "demand"}


def region_summary(firms: pd.DataFrame, streams: pd.DataFrame) -> dict[str, Any]:
    """Return the counts of a region drawn by :func:`~symbiosis.sample.region.draw_region`.

    Returns
    -------
    dict
        ``firms``, ``streams``, ``municipalities`` (count), ``firms_by_sector``,
        ``firms_by_municipality``, ``streams_by_direction`` and ``streams_by_kind`` (plain dicts,
        largest first).
    """
    direction = streams["direction"].replace(_DIRECTION)
    by_kind = pd.crosstab(streams["kind"], direction)
    return {
        "firms": len(firms),
        "streams": len(streams),
        "municipalities": int(firms["municipality"].nunique()),
        "firms_by_sector": firms["sector_id"].value_counts().to_dict(),
        "firms_by_municipality": firms["municipality"].value_counts().to_dict(),
        "streams_by_direction": direction.value_counts().to_dict(),
        "streams_by_kind": {k: {d: int(v) for d, v in row.items()} for k, row in by_kind.iterrows()},
        "hazardous_streams": int(streams["hazardous"].isin(["oui", "yes"]).sum()),
    }


def _table(header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


_CHANGES = """## What changed in generator version 2 (issue 10, match quality)

An expert reading of the version-1 proposals found domain slips; the region was audited against
the rules of issue 10:

- **One spent-pot-lining treatment plant**, as the region has (Jonquière): a sector of its own with
  exactly one firm (`fixed_count` in `sectors.csv`), instead of about a third of the smelters each
  declaring an SPL demand. It charges a gate fee (450 $/t) and produces the inert treated residue.
- **No liming of acid-soil crops**: wild-blueberry fields need acid soil (pH 4.2–5.2); their
  `liming_agent` demand is gone. Their MRF authorisations cover paper-sludge mulch and digestate only.
- **Today's fate and use** (`current_fate`, `current_use`): three quarters of the supplies state
  their current fate (landfill, land spreading, sold by-product, paid treatment, internal reuse,
  discharged), the others take their category's default. Plausible Québec fates and prices: whey,
  dairy sludge, manure and pulp-mill ash are spread, not landfilled; sawmill chips, bark, sawdust
  and shavings, scrap, swarf, dross, excess bath, cardboard and used cooking oil are sold
  (half written as a sale price, half as a negative cost); used oil, tyres, solvents, spent acids
  and caustic go to paid or program-funded treatment; SPL to a paid treatment at 600 $/t.
- **Treatment services charge a gate fee** instead of buying: composting (55 $/t), anaerobic
  digestion (40 $/t), contaminated-soil treatment (75 $/t), CRD sorting (65 $/t), solvent
  regeneration (200 $/t), gypsum recycling (25 $/t), SPL treatment (450 $/t).
- **Quality specifications**: casthouses take clean scrap at ≥ 98 % purity and refuse hazardous
  residues; heat demands state the temperature they need (aquaculture 25 °C, greenhouses 50 °C,
  dryers 70 °C, space heating 55 °C, pasteurisation steam 120 °C); pellet and panel plants,
  boilers and bedding state the moisture and particle sizes they take; dross declares its 65 %
  metal, chips, sawdust and shavings their particle size.
- **Québec permits** (`permits.csv`): REAFIE ministerial authorisations, declarations of compliance
  under the MRF guide, hazardous-materials permits and CFIA registrations of the receivers, with
  the categories and waste codes they cover. A firm `accepts_hazardous` only when it holds a
  hazardous-materials permit.
"""


def sample_readme(summary: dict[str, Any], *, seed: int, n_firms: int, version: str) -> str:
    """Return the Markdown README of a sample written by ``symbiosis sample``."""
    labels = load_sectors().set_index("sector_id")
    sectors = [
        (labels.loc[s, "label_fr"], labels.loc[s, "scian_codes"].replace("|", ", "), n)
        for s, n in summary["firms_by_sector"].items()
    ]
    towns = list(summary["firms_by_municipality"].items())
    kinds = [(k, v.get("supply", 0), v.get("demand", 0)) for k, v in summary["streams_by_kind"].items()]
    return f"""# Sample region: Saguenay–Lac-Saint-Jean (fictional firms)

Made by `symbiosis sample --firms {n_firms} --seed {seed}` (generator version {version},
`symbiosis.sample.generate_region`). Running the same command again gives the same bytes; a test
checks it.

- `firms.csv`: {summary["firms"]} firms in {summary["municipalities"]} municipalities.
- `streams.csv`: {summary["streams"]} streams ({summary["streams_by_direction"].get("supply", 0)} supplies,
  {summary["streams_by_direction"].get("demand", 0)} demands, {summary["hazardous_streams"]} hazardous).
- `permits.csv`: {summary.get("permits", 0)} Québec authorisations of receiving firms.
- {summary.get("silent_firms", 0)} firms have declared no stream yet: `symbiosis match --prospects`
  and the advisor's prospecting page infer leads for them from their SCIAN sector.

Both files follow the import format of `docs/architecture.md` (English headers) and are written the
way firms type: units from the controlled list (`t/an`, `kg/mois`, `m³/jour`, `MWh/an`, `kW`, `h/an`…,
about a fifth of the firms in English: `t/yr`, `m³/day`…), French decimals (`12,5`, `1 200`),
French words for some directions and availabilities (`offre`, `saisonnier`), months as `8-10`,
`août-octobre` or `10,11,12,1,2,3,4`, a density for volumes of solids, some firms without
coordinates (located by their park or municipality at import).

## What is fictional

Everything about the firms: names, contact persons, e-mails (reserved `.example` domain) and phone
numbers (fictional `555-01xx` range), quantities, prices and permits. Any resemblance to a real
company is accidental. What is real: the industrial parks (approximate points,
`symbiosis/places/data/parks_slsj.csv`), the municipalities and their coordinates, the SCIAN 2022
codes, and the kind of residues each sector produces (`symbiosis/sample/data/stream_profiles.csv`).

{_CHANGES}
## Sector mix

{_table(("sector", "SCIAN 2022", "firms"), sectors)}

## Municipalities

{_table(("municipality", "firms"), towns)}

## Streams by resource kind

{_table(("kind", "supplies", "demands"), kinds)}

## Credits

Place coordinates come from the bundled gazetteer, which contains data from GeoNames
(https://www.geonames.org/), licensed under CC BY 4.0 (see `symbiosis/places/data/NOTICE.md`).
"""
