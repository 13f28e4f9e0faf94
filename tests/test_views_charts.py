"""Chart specs write numbers the interface's way: French axes group with a no-break space."""

from __future__ import annotations

import pandas as pd

from symbiosis.views.charts import axis_label_expr, bar_chart, column_chart

FRAME = pd.DataFrame({"name": ["b", "a", "c"], "t": [1500.0, 250000.5, float("nan")]})


def test_axis_expression_by_language():
    assert axis_label_expr("en") == "format(datum.value, ',.0f')"
    french = axis_label_expr("fr", decimals=1)
    assert "'\u00a0'" in french and french.endswith(", '.', ',')")
    assert "'.', ','" not in axis_label_expr("fr")  # no decimals, nothing to swap


def test_bar_chart_drops_missing_values_and_formats_tooltips_in_french():
    spec = bar_chart(FRAME, category="name", value="t", lang="fr", value_title="Tonnes", unit="t")
    rows = spec["data"]["values"]
    assert [r["category"] for r in rows] == ["b", "a"]
    assert [r["shown"] for r in rows] == ["1\u00a0500 t", "250\u00a0000 t"]
    encoding = spec["encoding"]
    assert encoding["x"]["field"] == "value" and encoding["x"]["title"] == "Tonnes"
    assert encoding["y"]["sort"] == "-x"
    assert [t["field"] for t in encoding["tooltip"]] == ["category", "shown"]


def test_column_chart_keeps_the_frame_order_and_shows_missing_as_a_dash():
    spec = column_chart(FRAME, category="name", value="t", lang="en", value_title="Tonnes")
    assert spec["encoding"]["x"]["sort"] == ["b", "a", "c"]
    assert spec["encoding"]["y"]["axis"]["labelExpr"] == axis_label_expr("en")
    assert spec["data"]["values"][2]["shown"] == "—"
    assert spec["data"]["values"][1]["shown"] == "250,000"
