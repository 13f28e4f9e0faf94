"""Import of the firms and streams files: templates, reading bytes as text, row validation, the report.

Typical use::

    raw = read_table(data, filename="flux.csv")
    result = validate_streams(raw, categories=load_categories(), waste_codes=codes,
                              known_firm_ids=registry_ids)
    result.valid                  # frame following schemas.STREAMS
    result.report.to_frame("fr")  # Ligne, Colonne, Attendu, Trouvé, Correction, Gravité
    rejected_file(result)         # the rejected rows to fix and upload again

:func:`import_tables` does both files at once; streams may refer to firms of the same batch.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandas as pd

from symbiosis.findings import Finding
from symbiosis.ingest.firms import Locator, validate_firms
from symbiosis.ingest.reader import MAX_BYTES, MAX_COLUMNS, MAX_ROWS, RawTable, read_table
from symbiosis.ingest.report import ImportReport
from symbiosis.ingest.rows import ImportResult, rejected_file
from symbiosis.ingest.streams import validate_streams
from symbiosis.ingest.templates import template_bytes

__all__ = [
    "MAX_BYTES",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "Finding",
    "ImportBatch",
    "ImportReport",
    "ImportResult",
    "RawTable",
    "guess_kind",
    "import_tables",
    "read_table",
    "rejected_file",
    "template_bytes",
    "validate_firms",
    "validate_streams",
]

_STREAM_MARKERS = {"quantity", "unit", "direction", "category_id", "stream_id"}


@dataclass(frozen=True)
class ImportBatch:
    """The results of importing a firms file and a streams file together (either may be ``None``)."""

    firms: ImportResult | None
    streams: ImportResult | None

    @property
    def ok(self) -> bool:
        """Whether neither file has an error."""
        return all(r.report.ok for r in (self.firms, self.streams) if r is not None)


def guess_kind(raw: RawTable) -> str:
    """Return ``"streams"`` or ``"permits"`` when the headers are those of such a file, else ``"firms"``."""
    if "permit_type" in set(raw.header_map.values()):
        return "permits"
    return "streams" if len(_STREAM_MARKERS & set(raw.header_map.values())) >= 2 else "firms"


def import_tables(
    firms_bytes: bytes | None,
    streams_bytes: bytes | None,
    *,
    geocoder: Locator | None,
    parks: pd.DataFrame,
    categories: pd.DataFrame,
    waste_codes: Mapping[str, bool] | Collection[str] | pd.DataFrame = (),
    existing_firm_ids: Collection[str] = frozenset(),
    firms_filename: str = "firms.csv",
    streams_filename: str = "streams.csv",
    home_region: bool = True,
    taken_stream_ids: Collection[str] = frozenset(),
) -> ImportBatch:
    """Validate a firms file and a streams file; streams may name firms accepted from the same batch.

    Stream rows are checked against ``existing_firm_ids`` plus the firms accepted from ``firms_bytes``;
    a stream row whose id is in ``taken_stream_ids`` (another firm's stream) is rejected.
    """
    firms = None
    known = set(existing_firm_ids)
    if firms_bytes is not None:
        firms = validate_firms(
            read_table(firms_bytes, filename=firms_filename),
            geocoder=geocoder,
            parks=parks,
            existing_firm_ids=existing_firm_ids,
            home_region=home_region,
        )
        known |= set(firms.valid["firm_id"])
    streams = None
    if streams_bytes is not None:
        streams = validate_streams(
            read_table(streams_bytes, filename=streams_filename),
            categories=categories,
            waste_codes=waste_codes,
            known_firm_ids=known,
            taken_stream_ids=taken_stream_ids,
        )
    return ImportBatch(firms, streams)
