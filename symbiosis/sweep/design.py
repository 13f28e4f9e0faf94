"""Which scenarios a sweep runs: a grid over ranges (``--vary``) or seeded Monte Carlo draws.

A parameter is a :class:`~symbiosis.engine.config.MatchConfig` field (dotted for nested ones:
``weights.carbon_price_cad_per_t_co2e``) or one of the short names of :data:`ALIASES`. The special
parameter ``quantity`` multiplies the yearly quantity of every stream: in a grid by the same factor,
in Monte Carlo by an independent draw per stream (so quantities are uncertain one by one).

Distributions (``name=law:a,b[,c]``):

- ``uniform:a,b``: every value between a and b equally likely.
- ``triangular:min,mode,max``: most likely at the mode, never outside [min, max] (an expert's
  "between 80 and 200, most likely 110").
- ``normal:mean,sd``: clipped at 0 (no negative price or quantity).
- ``lognormal:median,sigma``: ``median · exp(sigma · Z)``, always positive; ``quantity=lognormal:1,0.2``
  moves a quantity by about ±20 %.

Draws use ``numpy.random.default_rng(seed)``: the same seed gives the same scenarios.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass, field

import numpy as np

from symbiosis.engine.config import MatchConfig

__all__ = [
    "ALIASES",
    "LAWS",
    "MAX_SAMPLES",
    "QUANTITY",
    "Law",
    "Range",
    "Scenario",
    "SweepSpecError",
    "grid_scenarios",
    "monte_carlo_scenarios",
    "parse_law",
    "parse_range",
]

#: Short names of the prices an advisor sweeps most, and the scenario field each one sets.
ALIASES: dict[str, str] = {
    "landfill_fee": "default_tipping_fee_cad_per_t",
    "tipping_fee": "default_tipping_fee_cad_per_t",
    "carbon_price": "weights.carbon_price_cad_per_t_co2e",
    "diversion_value": "weights.diversion_value_cad_per_t",
    "transport_cost": "transport.cost_cad_per_t_km",
    "trip_cost": "transport.cost_cad_per_trip",
    "radius": "radius_km",
    "pretreatment_default": "pretreatment_default_cad_per_t",
}
#: The parameter that scales stream quantities instead of setting a scenario field.
QUANTITY = "quantity"
LAWS = ("uniform", "triangular", "normal", "lognormal")
_N_ARGS = {"uniform": 2, "triangular": 3, "normal": 2, "lognormal": 2}
MAX_SAMPLES = 100_000
_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_RANGE = re.compile(rf"^\s*([A-Za-z_][\w.]*)\s*=\s*({_NUMBER})\s*\.\.\s*({_NUMBER})\s*$")
_LAW = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*=\s*([a-z]+)\s*:\s*(.+)$")


class SweepSpecError(ValueError):
    """A sweep parameter that cannot be used; ``key``/``values`` name the catalogue message."""

    def __init__(self, value: str, why: str, **values: object) -> None:
        super().__init__(f"{value}: {why}")
        self.key, self.value, self.why, self.values = "sweep.bad_spec", value, why, values


def _field(name: str, text: str) -> str:
    """The scenario field a parameter name sets (``quantity`` stays itself)."""
    target = ALIASES.get(name, name)
    if target == QUANTITY:
        return target
    head, _, tail = target.partition(".")
    base = MatchConfig()
    if not hasattr(base, head) or (tail and not hasattr(getattr(base, head), tail)):
        raise SweepSpecError(text, "sweep.why.name", names=", ".join([*ALIASES, QUANTITY]))
    value = getattr(getattr(base, head), tail) if tail else getattr(base, head)
    if not (value is None or isinstance(value, (int, float))) or isinstance(value, bool):
        raise SweepSpecError(text, "sweep.why.name", names=", ".join([*ALIASES, QUANTITY]))
    return target


@dataclass(frozen=True)
class Range:
    """A grid axis: ``field`` from ``start`` to ``stop`` (both included)."""

    field: str
    start: float
    stop: float

    def points(self, n: int) -> np.ndarray:
        """``n`` evenly spaced values (the start alone when ``n`` is 1)."""
        return np.linspace(self.start, self.stop, n) if n > 1 else np.array([self.start])


@dataclass(frozen=True)
class Law:
    """A distribution of one parameter (see the module docstring)."""

    field: str
    law: str
    args: tuple[float, ...]

    def draw(self, rng: np.random.Generator, size: int | None = None) -> np.ndarray | float:
        """Values drawn from the law (never negative for ``normal``)."""
        a = self.args
        if self.law == "uniform":
            return rng.uniform(a[0], a[1], size)
        if self.law == "triangular":
            if a[0] == a[2]:  # numpy refuses a zero-width triangle: it is a constant
                return np.full(size, a[0]) if size is not None else a[0]
            return rng.triangular(a[0], a[1], a[2], size)
        if self.law == "normal":
            return np.maximum(rng.normal(a[0], a[1], size), 0.0)
        return a[0] * np.exp(a[1] * rng.standard_normal(size))


def parse_range(text: str) -> Range:
    """Read ``name=start..stop``."""
    match = _RANGE.match(text)
    if not match:
        raise SweepSpecError(text, "sweep.why.format")
    start, stop = float(match.group(2)), float(match.group(3))
    if not (math.isfinite(start) and math.isfinite(stop)) or start > stop:
        raise SweepSpecError(text, "sweep.why.format")
    return Range(_field(match.group(1), text), start, stop)


def parse_law(text: str) -> Law:
    """Read ``name=law:a,b[,c]``."""
    match = _LAW.match(text)
    if not match:
        raise SweepSpecError(text, "sweep.why.format")
    law = match.group(2)
    try:
        args = tuple(float(v) for v in match.group(3).split(","))
    except ValueError:
        raise SweepSpecError(text, "sweep.why.law") from None
    ok = law in LAWS and len(args) == _N_ARGS[law] and all(math.isfinite(v) for v in args)
    if ok and law == "uniform":
        ok = args[0] <= args[1]
    elif ok and law == "triangular":
        ok = args[0] <= args[1] <= args[2]
    elif ok:
        ok = args[1] >= 0 and (law == "normal" or args[0] > 0)
    if not ok:
        raise SweepSpecError(text, "sweep.why.law")
    return Law(_field(match.group(1), text), law, args)


@dataclass(frozen=True)
class Scenario:
    """One scenario of a sweep.

    Parameters
    ----------
    index
        Position in the sweep (0..n-1).
    values
        ``(field, value)`` of every swept parameter, in the order given.
    config
        The scenario's full configuration.
    quantity_factor
        Grid: the factor applied to every stream's quantity (1 = unchanged).
    quantity_law
        Monte Carlo: the law of each stream's own factor, drawn with ``quantity_seed``.
    """

    index: int
    values: tuple[tuple[str, float], ...]
    config: MatchConfig
    quantity_factor: float = 1.0
    quantity_law: Law | None = None
    quantity_seed: int = field(default=0)


def _apply(base: MatchConfig, values: dict[str, float]) -> tuple[MatchConfig, float]:
    changes = {k: float(v) for k, v in values.items() if k != QUANTITY}
    return base.replace(**changes) if changes else base, float(values.get(QUANTITY, 1.0))


def _check_samples(samples: int) -> None:
    if not (1 <= samples <= MAX_SAMPLES):
        raise SweepSpecError(str(samples), "sweep.why.samples")


def grid_scenarios(base: MatchConfig, ranges: list[Range], samples: int) -> list[Scenario]:
    """Every combination of ``samples`` evenly spaced points per range (first range slowest)."""
    _check_samples(samples)
    if not ranges:
        raise SweepSpecError("", "sweep.why.nothing")
    axes = [r.points(samples) for r in ranges]
    if math.prod(len(a) for a in axes) > MAX_SAMPLES:
        raise SweepSpecError(str(samples), "sweep.why.samples")
    out = []
    for i, combo in enumerate(itertools.product(*axes)):
        values = {r.field: float(v) for r, v in zip(ranges, combo, strict=True)}
        config, factor = _apply(base, values)
        out.append(Scenario(i, tuple(values.items()), config, quantity_factor=factor))
    return out


def monte_carlo_scenarios(
    base: MatchConfig, laws: list[Law], samples: int, *, seed: int = 0, ranges: list[Range] = ()
) -> list[Scenario]:
    """``samples`` scenarios, each parameter drawn from its law (a range drawn uniformly).

    A ``quantity`` law is recorded with a per-scenario seed; each stream's factor is drawn when the
    scenario runs (:func:`symbiosis.sweep.run.scenario_registry`).
    """
    _check_samples(samples)
    laws = [*laws, *(Law(r.field, "uniform", (r.start, r.stop)) for r in ranges)]
    if not laws:
        raise SweepSpecError("", "sweep.why.nothing")
    rng = np.random.default_rng(seed)
    quantity = next((law for law in laws if law.field == QUANTITY), None)
    drawn = {law.field: np.atleast_1d(law.draw(rng, samples)) for law in laws if law.field != QUANTITY}
    seeds = rng.integers(0, 2**31 - 1, samples)
    out = []
    for i in range(samples):
        values = {name: float(v[i]) for name, v in drawn.items()}
        config, _ = _apply(base, values)
        out.append(
            Scenario(i, tuple(values.items()), config, quantity_law=quantity, quantity_seed=int(seeds[i]))
        )
    return out
