"""Knowledge base: resource categories, EU List of Waste, compatibility rules, sector priors.

Every loader reads package data once (``functools.lru_cache``) and returns a fresh copy, so callers
may mutate what they get without touching the cache. ``python -m symbiosis.kb.check`` checks the
shipped tables.
"""

from symbiosis.kb.categories import FAMILIES, load_categories
from symbiosis.kb.priors import infer_streams, load_sector_priors
from symbiosis.kb.rules import compatible_pairs, load_rules
from symbiosis.kb.tables import split_list
from symbiosis.kb.waste_codes import is_hazardous, load_waste_codes, normalise_waste_code

__all__ = [
    "FAMILIES",
    "compatible_pairs",
    "infer_streams",
    "is_hazardous",
    "load_categories",
    "load_rules",
    "load_sector_priors",
    "load_waste_codes",
    "normalise_waste_code",
    "split_list",
]
