"""A supply colder than a heat use's need preheats it: capped at the share it covers, the rest served
by a hotter supply or left to the receiver's boiler (the bundled knowledge base, through ``run()``)."""

from __future__ import annotations

import pandas as pd
import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.pipeline import run
from symbiosis.registry import Registry
from symbiosis.results import explanation_texts
from symbiosis.schemas import FIRMS, STREAMS, with_optional_columns
from tests._registry_helpers import firm, stream

NEED_MWH = 10_000.0


def _network(*supplies: tuple[str, float, float]) -> Registry:
    """A district network needing 85 °C (``heat_district_network``: return 50 °C in the knowledge
    base) and ``supplies`` (id, °C, MWh/yr) of 60–90 °C surplus heat in the same park."""
    firms = pd.DataFrame(
        [firm("F0", "Réseau de chaleur d'Alma", "Alma", 48.550, -71.650)]
        + [
            firm(f"F{i + 1}", f"Usine {i + 1}", "Alma", 48.551 + 0.001 * i, -71.651)
            for i in range(len(supplies))
        ]
    )[FIRMS.names]
    energy = dict(kind="energy", unit_as_typed="MWh/an", quantity_unit="MWh/yr", mass_t_per_yr=float("nan"))
    rows = [stream("D", "F0", "demand", "heat_district_network", NEED_MWH, temperature_c=85.0, **energy)]
    rows += [
        stream(sid, f"F{i + 1}", "supply", "heat_medium_60_90c", qty, temperature_c=t_c, **energy)
        for i, (sid, t_c, qty) in enumerate(supplies)
    ]
    streams = pd.DataFrame(rows).pipe(with_optional_columns, STREAMS)[STREAMS.names]
    return Registry(firms, streams).validate()


def test_a_preheating_link_carries_at_most_its_share_and_a_hotter_supply_does_the_rest():
    share = (75.0 - 5.0 - 50.0) / (85.0 - 50.0)  # 75 °C less the approach lifts 50 °C to 70 of 85 °C
    result = run(_network(("WARM", 75.0, 50_000.0), ("HOT", 95.0, 50_000.0)))
    flows = result.exchanges.set_index("supply_id")["delivered_per_yr"]
    assert flows["WARM"] == pytest.approx(NEED_MWH * share, rel=1e-6)
    assert flows["HOT"] == pytest.approx(NEED_MWH * (1 - share), rel=1e-6)
    exchanges = result.exchanges.set_index("supply_id")
    assert exchanges["flags"].str.split("|").map(lambda f: "preheat" in f).to_dict() == {
        "WARM": True,
        "HOT": False,
    }
    text = explanation_texts(exchanges, "en")
    assert "preheating only" in text["WARM"] and "at most 57 %" in text["WARM"]
    assert "preheating only" not in text["HOT"]


def test_too_little_lift_or_preheating_off_leaves_the_colder_supply_out():
    # 60 °C: 55 °C lifts the 50 °C return by 5 of 35 K (14 %), under the 25 % a link must cover
    assert run(_network(("TEPID", 60.0, 50_000.0))).exchanges.empty
    off = run(_network(("WARM", 75.0, 50_000.0)), MatchConfig(preheat_min_share=1.0))
    assert off.exchanges.empty
