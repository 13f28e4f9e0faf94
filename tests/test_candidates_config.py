"""MatchConfig: defaults, validation, file round trips, nested replace and the allocation pass-through."""

from __future__ import annotations

import dataclasses
import math

import pytest

from symbiosis.engine.config import MatchConfig
from symbiosis.services.config_files import read_config, write_config


def test_defaults_are_documented_quebec_values():
    cfg = MatchConfig()
    assert cfg.transport.detour_factor == 1.3 and cfg.k_nearest == 20
    # No hidden cap by default: the rules' max_transport_km and the firms' limits decide (issue 9).
    assert cfg.radius_km is None and cfg.radius_for_kind("material") == math.inf
    # Description-only matches have no rule, so they keep a reach per kind.
    assert cfg.text_radius_for_kind("energy") == 5.0 and cfg.text_radius_for_kind("material") == 150.0


def test_optional_caps_shorten_every_reach():
    cfg = MatchConfig(radius_km=80.0, radius_by_kind_km={"water": 10.0})
    assert cfg.radius_for_kind("material") == 80.0 and cfg.radius_for_kind("water") == 10.0
    assert cfg.text_radius_for_kind("material") == 80.0 and cfg.text_radius_for_kind("energy") == 5.0
    with pytest.raises(ValueError):
        MatchConfig(radius_km=float("inf"))
    with pytest.raises(ValueError):
        MatchConfig(heat_approach_c=-1.0)


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_file_round_trip(tmp_path, suffix):
    cfg = MatchConfig(excluded_firm_ids=("F1",), k_nearest=0).replace(**{"transport.detour_factor": 1.4})
    path = tmp_path / f"scenario{suffix}"
    write_config(cfg, path)
    assert read_config(path) == cfg


def test_toml_partial_file_keeps_defaults(tmp_path):
    path = tmp_path / "scenario.toml"
    path.write_text(
        'radius_km = 80.0\nexcluded_firm_ids = ["F9"]\n[weights]\nco2 = 2.0\n'
        "[pretreatment_cost_cad_per_t]\ndrying = 50.0\n",
        encoding="utf-8",
    )
    cfg = read_config(path)
    assert cfg.radius_km == 80.0 and cfg.weights.co2 == 2.0 and cfg.weights.value == 1.0
    assert cfg.excluded_firm_ids == ("F9",) and cfg.pretreatment_cost_cad_per_t == {"drying": 50.0}


def test_invalid_values_raise():
    with pytest.raises(ValueError):
        MatchConfig(internal_policy="maybe")
    with pytest.raises(ValueError):
        MatchConfig(hazardous_policy="sure")
    with pytest.raises(TypeError):
        MatchConfig.from_dict({"no_such_option": 1})
    with pytest.raises(dataclasses.FrozenInstanceError):
        MatchConfig().radius_km = 3  # type: ignore[misc]


def test_replace_nested_by_dotted_key_or_mapping():
    cfg = MatchConfig().replace(**{"side.enabled": True}, weights={"tonnes": 1.0}, k_nearest=5)
    assert cfg.side.enabled and cfg.weights.tonnes == 1.0 and cfg.k_nearest == 5
    assert MatchConfig().side.enabled is False


def test_allocation_config_pass_through():
    alloc = MatchConfig().replace(**{"side.enabled": True, "side.time_limit_s": 3.0}).allocation_config()
    assert alloc.side_constraints and alloc.time_limit_s == 3.0
