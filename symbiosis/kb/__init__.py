"""Knowledge base: resource categories, EU List of Waste, compatibility rules, sector priors."""

from symbiosis.kb.categories import load_categories

__all__ = ["load_categories"]
