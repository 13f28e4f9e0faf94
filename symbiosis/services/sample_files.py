"""Write the fictional sample region to a folder: firms, streams, permits, the lever tables, READMEs.

The generators (:mod:`symbiosis.sample`) return frames; this service writes them as UTF-8 CSV with
``\n`` line ends (byte-for-byte reproducible for a seed).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from symbiosis.sample.mutual import MUTUAL_FILES, generate_mutual, mutual_readme
from symbiosis.sample.permits import draw_permits
from symbiosis.sample.region import GENERATOR_VERSION, draw_region, to_import_format
from symbiosis.sample.summary import region_summary, sample_readme

__all__ = ["write_csv", "write_mutual_sample", "write_sample"]


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


def write_mutual_sample(
    out: Path, firms: pd.DataFrame, *, seed: int, n_firms: int | None = None
) -> dict[str, int]:
    """Write the six mutualisation files and ``MUTUAL.md`` next to ``firms.csv``; return the row counts."""
    tables = generate_mutual(firms, seed=seed)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        frame.to_csv(out / MUTUAL_FILES[name], index=False, encoding="utf-8", lineterminator="\n")
    readme = mutual_readme(tables, seed=seed, n_firms=len(firms) if n_firms is None else n_firms)
    (out / "MUTUAL.md").write_text(readme, encoding="utf-8")
    return {name: len(frame) for name, frame in tables.items()}
