"""Scenario files: read a :class:`~symbiosis.engine.config.MatchConfig` from TOML, YAML or JSON, write one.

The engine only knows plain dicts (:meth:`~symbiosis.engine.config.MatchConfig.from_dict`,
:meth:`~symbiosis.engine.config.MatchConfig.to_dict`); the file formats live here.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

from symbiosis.engine.config import MatchConfig

__all__ = ["read_config", "write_config"]


def read_config(path: str | Path) -> MatchConfig:
    """Read a scenario from a ``.toml``, ``.yaml``/``.yml`` or ``.json`` file.

    Missing keys keep their defaults; unknown keys raise (:meth:`MatchConfig.from_dict`).

    Raises
    ------
    ValueError
        The suffix is none of the three formats, or a key is unknown.
    """
    path = Path(path)
    text = path.read_text(encoding="utf-8")
    suffix = path.suffix.lower()
    if suffix == ".toml":
        data = tomllib.loads(text)
    elif suffix in (".yaml", ".yml"):
        import yaml

        data = yaml.safe_load(text) or {}
    elif suffix == ".json":
        data = json.loads(text)
    else:
        raise ValueError(f"unknown config format {suffix!r} (toml, yaml, json)")
    return MatchConfig.from_dict(data)


def write_config(config: MatchConfig, path: str | Path) -> None:
    """Write the scenario as ``.json`` or ``.yaml`` (TOML is read-only in the standard library)."""
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        path.write_text(yaml.safe_dump(config.to_dict(), sort_keys=False, allow_unicode=True), "utf-8")
    else:
        path.write_text(json.dumps(config.to_dict(), indent=2, ensure_ascii=False), "utf-8")
