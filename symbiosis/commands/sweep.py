"""``symbiosis sweep``: many scenarios of the registry (grid or Monte Carlo), KPI spread and robustness."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from symbiosis.commands._common import add_db_argument
from symbiosis.commands._scheduler import add_scheduler_arguments, executor_from_args, scheduler_error_text
from symbiosis.i18n import t

NAME = "sweep"
HELP = (
    "Balayer des scénarios (grille ou Monte Carlo), robustesse des échanges / sweep scenarios "
    "(grid or Monte Carlo) and how robust each exchange is"
)

#: Extensions ``--out`` accepts.
OUT_FORMATS = (".json", ".csv")
_SHOWN = 15


def _both(key: str, **values: object) -> str:
    return f"{t(key, 'fr', **values)} / {t(key, 'en', **values)}"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``symbiosis sweep``."""
    add_db_argument(parser)
    parser.add_argument("--config", metavar="FILE", type=Path, default=None, help=_both("sweep.help.config"))
    parser.add_argument(
        "--vary", metavar="NAME=A..B", action="append", default=[], help=_both("sweep.help.vary")
    )
    parser.add_argument(
        "--monte-carlo",
        metavar="NAME=LAW:A,B",
        action="append",
        default=[],
        help=_both("sweep.help.monte_carlo"),
    )
    parser.add_argument("--samples", type=int, default=5, metavar="N", help=_both("sweep.help.samples"))
    parser.add_argument("--seed", type=int, default=0, help=_both("sweep.help.seed"))
    parser.add_argument("--out", metavar="FILE", type=Path, default=None, help=_both("sweep.help.out"))
    parser.add_argument("--json", action="store_true", help=_both("sweep.help.json"))
    add_scheduler_arguments(parser)


def _scenarios(args: argparse.Namespace) -> list[Any]:
    """The scenarios asked for; raises ``SweepSpecError`` (or OSError/ValueError on the base file)."""
    from symbiosis.engine.config import MatchConfig
    from symbiosis.sweep import grid_scenarios, monte_carlo_scenarios, parse_law, parse_range

    base = MatchConfig.from_file(args.config) if args.config else MatchConfig()
    ranges = [parse_range(v) for v in args.vary]
    laws = [parse_law(v) for v in args.monte_carlo]
    if laws:
        return monte_carlo_scenarios(base, laws, args.samples, seed=args.seed, ranges=ranges)
    return grid_scenarios(base, ranges, args.samples)


def _payload(result: Any) -> dict[str, Any]:
    return {
        "n_scenarios": result.n,
        "seconds": result.seconds,
        "scenarios": result.scenarios.to_dict(orient="records"),
        "kpi_summary": result.kpi_summary().to_dict(orient="records"),
        "robustness": result.robustness.to_dict(orient="records"),
    }


def _write(result: Any, path: Path) -> None:
    if path.suffix.lower() == ".json":
        path.write_text(json.dumps(_payload(result), indent=2, ensure_ascii=False, default=str), "utf-8")
    else:  # .csv: the robustness table, the scenarios beside it
        result.robustness.to_csv(path, index=False)
        result.scenarios.to_csv(path.with_name(path.stem + "_scenarios.csv"), index=False)


def _print_summary(result: Any) -> None:
    from symbiosis.results import KPI_LABELS

    print(_both("sweep.done", n=result.n, seconds=f"{result.seconds:.1f}"))
    print(_both("sweep.kpi_header"))
    for row in result.kpi_summary().itertuples(index=False):
        label = KPI_LABELS[row.kpi]
        print(
            f"  {label.fr} / {label.en}: {row.min:,.1f} / {row.median:,.1f} / {row.max:,.1f}".replace(
                ",", " "
            )
        )
    print(_both("sweep.robust_header"))
    for row in result.robustness.head(_SHOWN).itertuples(index=False):
        print(f"  {row.share:6.0%}  {row.supply_firm_id} → {row.demand_firm_id}  ({row.candidate_id})")


def run(args: argparse.Namespace) -> int:
    """Run the command; 0 on success, 2 on a wrong option, file or registry."""
    from symbiosis.commands.match import _read
    from symbiosis.db import Actor
    from symbiosis.distributed.scheduler import SchedulerError
    from symbiosis.sweep import SweepSpecError, run_sweep

    if args.out is not None and args.out.suffix.lower() not in OUT_FORMATS:
        print(_both("sweep.bad_out", suffix=args.out.suffix, formats=", ".join(OUT_FORMATS)), file=sys.stderr)
        return 2
    try:
        scenarios = _scenarios(args)
    except SweepSpecError as exc:
        message = {
            lang: t(exc.key, lang, value=exc.value, why=t(exc.why, lang, **exc.values))
            for lang in ("fr", "en")
        }
        print(f"{message['fr']} / {message['en']}", file=sys.stderr)
        return 2
    except (OSError, ValueError, TypeError) as exc:
        print(_both("sweep.bad_config", error=exc), file=sys.stderr)
        return 2
    registry = _read(args.db, Actor.system("cli"))
    if registry is None:
        return 2
    try:
        with executor_from_args(args) as executor:
            result = run_sweep(registry, scenarios, executor=executor)
    except SchedulerError as exc:
        print(scheduler_error_text(exc), file=sys.stderr)
        return 2
    if args.out:
        _write(result, args.out)
    if args.json:
        print(json.dumps(_payload(result), ensure_ascii=False, default=str))
    else:
        _print_summary(result)
        if args.out:
            print(_both("sweep.written", path=args.out))
    return 0
