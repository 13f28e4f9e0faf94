"""The registry the engine reads: validated firms and streams frames, joined once.

A :class:`Registry` is immutable: what is derived from its frames (the supply and demand sides
joined to their firms, the integer code of each stream, the validation) is computed once, on first
use, and kept on the object.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from symbiosis.schemas import (
    FIRMS,
    PERMITS,
    STREAMS,
    SchemaError,
    empty_frame,
    validate_frame,
    with_optional_columns,
)

__all__ = ["Registry"]


@dataclass(frozen=True)
class Registry:
    """Firms and their streams, as the engine sees them.

    Parameters
    ----------
    firms
        Frame following :data:`symbiosis.schemas.FIRMS`.
    streams
        Frame following :data:`symbiosis.schemas.STREAMS`; every ``firm_id`` is in ``firms``.
    permits
        Québec authorisations of receiving firms (:data:`symbiosis.schemas.PERMITS`); ``None`` when
        none are on file (a firm's ``accepts_hazardous`` flag then stands alone).
    """

    firms: pd.DataFrame
    streams: pd.DataFrame
    permits: pd.DataFrame | None = None

    def __post_init__(self) -> None:
        # Optional columns a frame lacks (built by hand or before the column existed) are added empty.
        object.__setattr__(self, "firms", with_optional_columns(self.firms, FIRMS))
        object.__setattr__(self, "streams", with_optional_columns(self.streams, STREAMS))
        if self.permits is not None:
            object.__setattr__(self, "permits", with_optional_columns(self.permits, PERMITS))

    def validate(self) -> Registry:
        """Check both frames against their schemas and the firm reference; return ``self``.

        Checked once per registry: the frames are not meant to change after construction.
        """
        if self.__dict__.get("_validated"):
            return self
        self._validate()
        self.__dict__["_validated"] = True
        return self

    def _validate(self) -> None:
        validate_frame(self.firms, FIRMS)
        validate_frame(self.streams, STREAMS)
        orphans = _unknown(self.streams["firm_id"], self.firms["firm_id"])
        if orphans.any():
            ids = self.streams.loc[orphans, "stream_id"].head(5).tolist()
            raise SchemaError(f"streams refer to unknown firms: {ids}")
        if self.permits is not None:
            validate_frame(self.permits, PERMITS)
            stray = _unknown(self.permits["firm_id"], self.firms["firm_id"])
            if stray.any():
                ids = self.permits.loc[stray, "permit_id"].head(5).tolist()
                raise SchemaError(f"permits refer to unknown firms: {ids}")

    @cached_property
    def streams_by_code(self) -> pd.DataFrame:
        """``streams`` indexed by ``stream_id`` (first row of a repeated id), row i = code i."""
        return self.streams.drop_duplicates("stream_id").set_index("stream_id")

    @cached_property
    def stream_codes(self) -> pd.Index:
        """Every distinct ``stream_id``, in ``streams`` order: a stream's integer code is its position."""
        return pd.Index(self.streams_by_code.index.astype(str).to_numpy(dtype=object), dtype=object)

    @property
    def permits_or_empty(self) -> pd.DataFrame:
        """The permits frame, an empty :data:`~symbiosis.schemas.PERMITS` frame when none."""
        return empty_frame(PERMITS) if self.permits is None else self.permits

    @cached_property
    def supplies(self) -> pd.DataFrame:
        """Supply streams with their firm's location and permits."""
        return self._side("supply")

    @cached_property
    def demands(self) -> pd.DataFrame:
        """Demand streams with their firm's location and permits."""
        return self._side("demand")

    def _side(self, direction: str) -> pd.DataFrame:
        firm_cols = ["firm_id", "lat", "lon", "park_id", "municipality", "scian_code", "accepts_hazardous"]
        side = self.streams[self.streams["direction"] == direction]
        firms = self.firms[firm_cols]
        if self.permits is not None and len(self.permits):
            # A firm holding a hazardous-materials permit accepts hazardous residues (which ones: permits).
            holders = self.permits.loc[self.permits["permit_type"] == "hazardous_materials", "firm_id"]
            firms = firms.assign(
                accepts_hazardous=firms["accepts_hazardous"].astype(bool) | firms["firm_id"].isin(holders)
            )
        return side.merge(firms, on="firm_id", how="left", validate="many_to_one")


def _unknown(values: pd.Series, known: pd.Series) -> np.ndarray:
    """Which ``values`` are not among ``known``: one hash look-up per value (``Series.isin`` on
    Arrow-backed text took 0.17 CPU s for 100,000 streams against 38,000 firms, this 0.03)."""
    index = pd.Index(pd.unique(known.to_numpy(dtype=object)))
    return index.get_indexer(values.to_numpy(dtype=object)) < 0
