"""Benchmarks of the engine: each ``bench_*.py`` module exposes ``main() -> list[dict]``.

Every dict is one measurement (``benchmark``, ``case`` and whatever figures apply, e.g. ``streams``,
``edges``, ``seconds``, ``objective``, ``gap``). ``python -m benchmarks`` (``make bench``) runs them
all, writes ``benchmarks/results/<module>.json`` (gitignored) and prints one table. Timings belong
here, never in ``tests/``.
"""
