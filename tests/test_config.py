"""Scenario settings: every documented setting is read by the model; retired ones are dropped on load."""

from __future__ import annotations

import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.services.config_files import read_config


def test_the_unread_truck_emission_setting_is_gone_and_old_files_still_load(tmp_path, caplog):
    """Truck emissions come from the factor table only; a scenario file of an earlier version that
    still holds ``transport.emission_kg_co2e_per_t_km`` loads, with a warning naming the setting."""
    import dataclasses
    import json
    import logging

    from symbiosis.engine.config import TransportConfig

    assert "emission_kg_co2e_per_t_km" not in {f.name for f in dataclasses.fields(TransportConfig)}
    old = MatchConfig().to_dict()
    old["transport"]["emission_kg_co2e_per_t_km"] = 0.1
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="symbiosis.engine.config"):
        assert read_config(path) == MatchConfig()
    assert "transport.emission_kg_co2e_per_t_km" in caplog.text
    with pytest.raises(TypeError):
        MatchConfig.from_dict({"transport": {"no_such_setting": 1}})
