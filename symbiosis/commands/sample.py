"""``symbiosis sample``: write the fictional sample region (firms, streams, permits, README.md)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from symbiosis.commands._common import print_json
from symbiosis.sample.region import DEFAULT_SEED
from symbiosis.services.sample_files import write_sample

NAME = "sample"
HELP = (
    "écrit la région-échantillon fictive (entreprises et flux) / "
    "write the fictional sample region (firms and streams)"
)
DEFAULT_OUT = Path("data/sample")

logger = logging.getLogger(__name__)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--out``, ``--firms``, ``--seed`` and ``--json``."""
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"output folder / dossier de sortie ({DEFAULT_OUT})",
    )
    parser.add_argument("--firms", type=int, default=300, metavar="N", help="number of firms (300)")
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, metavar="S", help=f"random seed ({DEFAULT_SEED})"
    )
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")


def run(args: argparse.Namespace) -> int:
    """Write the sample; print where and how much (JSON with ``--json``); return 0, 2 on bad input."""
    if args.firms < 1:
        logger.error("--firms doit valoir au moins 1 / --firms must be at least 1")
        return 2
    result = write_sample(args.out, n_firms=args.firms, seed=args.seed)
    if args.json:
        print_json(result)
    else:
        print(f"{result['firms']} entreprises / firms, {result['streams']} flux / streams -> {args.out}")
    return 0
