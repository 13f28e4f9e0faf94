"""Bilingual text: French first, English second, one catalogue for every user-facing string."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LANGS", "Text"]

LANGS: tuple[str, ...] = ("fr", "en")


@dataclass(frozen=True)
class Text:
    """A message in French and English.

    Parameters
    ----------
    fr
        French text (the source language).
    en
        English text.
    """

    fr: str
    en: str

    def get(self, lang: str = "fr") -> str:
        """Return the text in ``lang`` ("fr" or "en"); French for anything else."""
        return self.en if lang == "en" else self.fr

    def format(self, **values: object) -> Text:
        """Return a copy with ``str.format`` applied to both languages."""
        return Text(self.fr.format(**values), self.en.format(**values))

    def __str__(self) -> str:
        return f"{self.fr} / {self.en}"
