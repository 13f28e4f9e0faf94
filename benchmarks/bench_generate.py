"""Sample generators: the SLSJ region (300 firms, import format) and canonical instances up to 100k streams.

Target: 100,000 canonical streams (50,000 supplies × 50,000 demands) in a few seconds. Run with
``python -m benchmarks generate`` or ``python -m benchmarks.bench_generate``.
"""

from __future__ import annotations

import logging
import time

__all__ = ["SIZES", "main"]

log = logging.getLogger(__name__)

SIZES: tuple[int, ...] = (1_000, 10_000, 100_000)
TARGET_100K_S = 5.0


def _timed(fn, **kw) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn(**kw)
    return time.perf_counter() - start, out


def main() -> list[dict]:
    """Time each generator once per size (after a warm-up) and return one row per case."""
    from symbiosis.sample import generate_region, generate_streams_canonical

    generate_streams_canonical(n_streams=200, seed=0)  # warm the cached tables
    seconds, (firms, streams) = _timed(generate_region, n_firms=300)
    rows = [
        {
            "benchmark": "generate",
            "case": "region_slsj",
            "firms": len(firms),
            "streams": len(streams),
            "seconds": round(seconds, 3),
        }
    ]
    for territory in ("quebec", "slsj"):
        for n in SIZES:
            seconds, registry = _timed(generate_streams_canonical, n_streams=n, territory=territory)
            rows.append(
                {
                    "benchmark": "generate",
                    "case": f"canonical_{territory}",
                    "firms": len(registry.firms),
                    "streams": len(registry.streams),
                    "seconds": round(seconds, 3),
                    "target_s": TARGET_100K_S if n == 100_000 else None,
                }
            )
            log.info("canonical %s %d streams: %.2f s", territory, n, seconds)
    return rows


if __name__ == "__main__":
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    for row in main():
        print(row)
