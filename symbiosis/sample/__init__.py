"""The seeded generator of the fictional sample region (and of benchmark instances).

:func:`generate_region` writes Saguenay–Lac-Saint-Jean firms and streams in the import file format;
:func:`generate_streams_canonical` builds large canonical registries for benchmarks. Both draw from
the same sector profiles (:mod:`symbiosis.sample.profiles`).
"""

from symbiosis.sample.canonical import generate_streams_canonical
from symbiosis.sample.profiles import load_sectors, load_stream_profiles
from symbiosis.sample.region import GENERATOR_VERSION, generate_region

__all__ = [
    "GENERATOR_VERSION",
    "generate_region",
    "generate_streams_canonical",
    "load_sectors",
    "load_stream_profiles",
]
