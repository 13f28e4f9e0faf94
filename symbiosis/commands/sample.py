"""``symbiosis sample``: write the fictional sample region (firms, streams, permits, README.md)."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

import numpy as np
import pandas as pd

from symbiosis.commands._common import print_json
from symbiosis.sample.mutual import write_mutual_sample
from symbiosis.sample.permits import draw_permits
from symbiosis.sample.region import DEFAULT_SEED, GENERATOR_VERSION, draw_region, to_import_format
from symbiosis.sample.summary import region_summary, sample_readme

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


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    """Write a text frame as UTF-8 CSV with ``\\n`` line ends (byte-for-byte reproducible)."""
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def write_sample(out: Path, *, n_firms: int, seed: int) -> dict[str, object]:
    """Generate the region and write ``firms.csv``, ``streams.csv`` and ``README.md`` into ``out``.

    Returns
    -------
    dict
        The region's counts (:func:`~symbiosis.sample.summary.region_summary`) and the file paths.
    """
    firms, streams = draw_region(n_firms=n_firms, seed=seed)
    permits = draw_permits(firms, np.random.default_rng([seed, 10]))
    summary = {
        **region_summary(firms, streams),
        "permits": len(permits),
        "silent_firms": int((~firms["firm_id"].isin(streams["firm_id"])).sum()),
    }
    typed_firms, typed_streams = to_import_format(firms, streams)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "firms": out / "firms.csv",
        "streams": out / "streams.csv",
        "permits": out / "permits.csv",
        "readme": out / "README.md",
    }
    write_csv(typed_firms, paths["firms"])
    write_csv(typed_streams, paths["streams"])
    write_csv(permits, paths["permits"])
    readme = sample_readme(summary, seed=seed, n_firms=n_firms, version=GENERATOR_VERSION)
    paths["readme"].write_text(readme, encoding="utf-8")
    mutual = write_mutual_sample(out, typed_firms, seed=seed, n_firms=n_firms)  # the lever tables (issue #14)
    return {**summary, "mutual": mutual, "files": {k: str(v) for k, v in paths.items()}}


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
