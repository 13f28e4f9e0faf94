"""The registry the engine reads: validated firms and streams frames, joined once."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from symbiosis.schemas import FIRMS, STREAMS, SchemaError, validate_frame, with_optional_columns

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
    """

    firms: pd.DataFrame
    streams: pd.DataFrame

    def __post_init__(self) -> None:
        # Optional columns a frame lacks (built by hand or before the column existed) are added empty.
        object.__setattr__(self, "firms", with_optional_columns(self.firms, FIRMS))
        object.__setattr__(self, "streams", with_optional_columns(self.streams, STREAMS))

    def validate(self) -> Registry:
        """Check both frames against their schemas and the firm reference; return ``self``."""
        validate_frame(self.firms, FIRMS)
        validate_frame(self.streams, STREAMS)
        orphans = ~self.streams["firm_id"].isin(self.firms["firm_id"])
        if orphans.any():
            ids = self.streams.loc[orphans, "stream_id"].head(5).tolist()
            raise SchemaError(f"streams refer to unknown firms: {ids}")
        return self

    @property
    def supplies(self) -> pd.DataFrame:
        """Supply streams with their firm's location and permits."""
        return self._side("supply")

    @property
    def demands(self) -> pd.DataFrame:
        """Demand streams with their firm's location and permits."""
        return self._side("demand")

    def _side(self, direction: str) -> pd.DataFrame:
        firm_cols = ["firm_id", "lat", "lon", "park_id", "municipality", "scian_code",
                     "accepts_hazardous"]
        side = self.streams[self.streams["direction"] == direction]
        return side.merge(self.firms[firm_cols], on="firm_id", how="left", validate="many_to_one")
