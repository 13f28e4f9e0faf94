"""Convert between schema frames (``FIRMS``, ``STREAMS``) and database rows, both ways, vectorised.

Frame → rows: ids and text as ``str`` (blank optional text becomes NULL), floats with NaN as NULL,
``months_mask`` as ``int``, booleans strictly ``True``/``False`` (or 1/0), dates as ``datetime.date``
(a time of day is dropped: these columns are days).

Rows → frame: the schema's columns in order, with pandas dtypes ``str`` (NULL read as ``""``),
``float64`` (NULL read as NaN), ``int64``, ``bool`` and ``datetime64[ns]`` (NULL read as NaT).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from symbiosis.schemas import SchemaError, TableSchema

__all__ = ["PERSONAL_FIELDS", "from_rows", "jsonable", "to_records"]

#: Columns holding personal information (Québec Law 25), blanked for program managers.
PERSONAL_FIELDS: frozenset[str] = frozenset(
    {"contact_name", "contact_email", "contact_phone", "display_name"}
)


def _text(series: pd.Series) -> list[str | None]:
    text = series.astype(object).where(series.notna(), None)
    return [None if v is None or str(v).strip() == "" else str(v) for v in text.tolist()]


def _float(series: pd.Series) -> list[float | None]:
    values = pd.to_numeric(series, errors="raise").astype("float64").tolist()
    return [None if math.isnan(v) else v for v in values]


def _bool(series: pd.Series, name: str, required: bool = True) -> list[bool | None]:
    ok = series.map(lambda v: isinstance(v, bool | np.bool_) or (type(v) in (int, np.int64) and v in (0, 1)))
    missing = series.isna() if not required else pd.Series(False, index=series.index)
    if not (ok | missing).all():
        raise SchemaError(f"{name}: expected True/False, found {series[~(ok | missing)].head(3).tolist()}")
    return [None if m else bool(v) for v, m in zip(series.tolist(), missing.tolist(), strict=True)]


def _date(series: pd.Series) -> list[dt.date | None]:
    stamps = pd.to_datetime(series, errors="raise")
    if getattr(stamps.dt, "tz", None) is not None:
        stamps = stamps.dt.tz_localize(None)
    return [None if pd.isna(v) else v.date() for v in stamps.tolist()]


def _column(frame: pd.DataFrame, name: str, dtype: str, required: bool = True) -> list[Any]:
    series = frame[name]
    if dtype == "str":
        return _text(series)
    if dtype == "float":
        return _float(series)
    if dtype == "int":
        return [int(v) for v in pd.to_numeric(series, errors="raise").astype("int64").tolist()]
    if dtype == "bool":
        return _bool(series, name, required)
    if dtype == "datetime":
        return _date(series)
    raise ValueError(f"unknown dtype {dtype!r} for {name}")


def to_records(frame: pd.DataFrame, schema: TableSchema) -> list[dict[str, Any]]:
    """Return one dict per row, keyed by the schema's column names, with database-ready values.

    The frame must already have passed :func:`symbiosis.schemas.validate_frame`; extra columns are
    ignored.
    """
    columns = [_column(frame, c.name, c.dtype, c.required) for c in schema.columns]
    names = schema.names
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]


def _values(values: list[Any], dtype: str) -> Any:
    if dtype == "str":
        return pd.array(["" if v is None else v for v in values], dtype="str")
    if dtype == "float":
        return np.array([np.nan if v is None else v for v in values], dtype="float64")
    if dtype == "int":
        return np.array(values, dtype="int64")
    if dtype == "bool":
        return np.array([bool(v) if v is not None else False for v in values], dtype="bool")
    return np.array(
        [np.datetime64("NaT") if v is None else np.datetime64(v, "D") for v in values], dtype="datetime64[ns]"
    )


def from_rows(rows: Iterable[Sequence[Any]], schema: TableSchema) -> pd.DataFrame:
    """Return a frame with the schema's columns and dtypes from rows in schema column order."""
    columns = list(zip(*rows, strict=True)) or [()] * len(schema.columns)
    data = {c.name: _values(list(v), c.dtype) for c, v in zip(schema.columns, columns, strict=True)}
    return pd.DataFrame(data, columns=schema.names)


def jsonable(record: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of a database record that ``json`` can write (dates as ISO text)."""
    return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in record.items()}
