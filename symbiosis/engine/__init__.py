"""The matching engine: candidate links, their scores, and the allocation of supplies to demands.

The allocation model lives in :mod:`symbiosis.engine.allocation`.
"""

__all__: list[str] = []
