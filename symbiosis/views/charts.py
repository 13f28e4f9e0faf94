"""Vega-Lite chart specs whose axes and tooltips write numbers the way the interface language does.

Streamlit's ``st.bar_chart`` formats axes the English way (``1,000,000``) whatever the interface
language; these specs give every quantitative axis a ``labelExpr`` that swaps the separators for
French (``1 000 000``, ``3,5``) and put a Babel-formatted text in each tooltip. Pure: frames in,
JSON-ready dicts out (data inline), drawn by ``st.vega_lite_chart``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from symbiosis.numbers import format_number

__all__ = ["axis_label_expr", "bar_chart", "column_chart"]

#: Group separator of French numbers (Babel's fr_CA: a no-break space).
_FR_GROUP = "\u00a0"


def axis_label_expr(lang: str, decimals: int = 0) -> str:
    """A Vega expression writing ``datum.value`` with grouped thousands in ``lang``."""
    base = f"format(datum.value, ',.{decimals}f')"
    if lang == "en":
        return base
    grouped = f"replace({base}, regexp(',', 'g'), '{_FR_GROUP}')"
    return f"replace({grouped}, '.', ',')" if decimals else grouped


def _text(values: pd.Series, lang: str, decimals: int, unit: str) -> list[str]:
    locale = "en_CA" if lang == "en" else "fr_CA"
    return [
        f"{format_number(float(v), locale=locale, decimals=decimals)} {unit}".strip() if pd.notna(v) else "—"
        for v in values
    ]


def _chart_data(
    frame: pd.DataFrame, category: str, value: str, lang: str, decimals: int, unit: str
) -> pd.DataFrame:
    """``category``, numeric ``value`` and its text ``shown`` in ``lang`` (for the tooltip)."""
    data = pd.DataFrame(
        {
            "category": frame[category].astype(str).to_numpy(),
            "value": pd.to_numeric(frame[value], errors="coerce").to_numpy(dtype=float),
        }
    )
    data["shown"] = _text(data["value"], lang, decimals, unit)
    return data


def _value_axis(lang: str, title: str, decimals: int) -> dict[str, Any]:
    return {
        "field": "value",
        "type": "quantitative",
        "title": title,
        "axis": {"labelExpr": axis_label_expr(lang, decimals), "format": ",.0f"},
    }


def _tooltip(value_title: str, category_title: str) -> list[dict[str, Any]]:
    return [
        {"field": "category", "type": "nominal", "title": category_title or " "},
        {"field": "shown", "type": "nominal", "title": value_title},
    ]


def bar_chart(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    lang: str,
    value_title: str,
    category_title: str = "",
    unit: str = "",
    decimals: int = 0,
    sort: bool = True,
) -> dict[str, Any]:
    """Horizontal bars of ``value`` by ``category`` (largest first), axis and tooltip in ``lang``."""
    data = _chart_data(frame, category, value, lang, decimals, unit)
    data = data.dropna(subset=["value"])
    return {
        "data": {"values": data.to_dict(orient="records")},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {
                "field": "category",
                "type": "nominal",
                "title": category_title or None,
                "sort": "-x" if sort else None,
                "axis": {"labelLimit": 260},
            },
            "x": _value_axis(lang, value_title, decimals),
            "tooltip": _tooltip(value_title, category_title),
        },
    }


def column_chart(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    lang: str,
    value_title: str,
    category_title: str = "",
    unit: str = "",
    decimals: int = 0,
) -> dict[str, Any]:
    """Vertical columns of ``value`` by ``category`` in the frame's order (months, stages…)."""
    data = _chart_data(frame, category, value, lang, decimals, unit)
    order = list(data["category"])
    return {
        "data": {"values": data.to_dict(orient="records")},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "x": {
                "field": "category",
                "type": "ordinal",
                "title": category_title or None,
                "sort": order,
                "axis": {"labelAngle": 0},
            },
            "y": _value_axis(lang, value_title, decimals),
            "tooltip": _tooltip(value_title, category_title),
        },
    }
