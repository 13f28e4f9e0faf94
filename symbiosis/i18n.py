"""Bilingual text: French first, English second, one catalogue for every user-facing string."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any

import yaml

__all__ = [
    "LANGS",
    "Text",
    "TextTable",
    "catalogue_keys",
    "load_catalogue",
    "plural_form",
    "plural_text",
    "t",
    "tn",
]

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


_CATALOGUE_DIR = "messages"
#: libyaml's safe loader when PyYAML was built with it (same documents, ~9× faster: the catalogue is
#: read by every command line's ``--help`` text and every first message), else the Python one.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_catalogue(folder: Traversable) -> dict[str, Text]:
    """Merge every ``*.yaml`` file of ``folder`` into one catalogue.

    Raises
    ------
    ValueError
        When a key is defined twice or lacks a language.
    """
    merged: dict[str, Text] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        for key, value in (yaml.load(entry.read_text("utf-8"), Loader=_SAFE_LOADER) or {}).items():
            if key in merged:
                raise ValueError(f"message key {key!r} defined twice (again in {entry.name})")
            if not isinstance(value, dict) or not {"fr", "en"} <= value.keys():
                raise ValueError(f"message key {key!r} in {entry.name} needs both 'fr' and 'en'")
            merged[key] = Text(str(value["fr"]), str(value["en"]))
    return merged


@functools.lru_cache(maxsize=1)
def _catalogue() -> dict[str, Text]:
    return load_catalogue(resources.files("symbiosis.data").joinpath(_CATALOGUE_DIR))


def t(key: str, lang: str = "fr", **values: object) -> str:
    """Return the catalogue message ``key`` in ``lang``, formatted with ``values``.

    Parameters
    ----------
    key
        Dotted message key, e.g. ``"registry.title"``.
    lang
        ``"fr"`` (default) or ``"en"``.
    **values
        Substitutions for ``{name}`` fields.

    Raises
    ------
    KeyError
        When the key is not in the catalogue (a programming error, caught by the tests).
    """
    text = _catalogue()[key].get(lang)
    return text.format(**values) if values else text


def plural_form(n: float, lang: str = "fr") -> str:
    """Return the CLDR plural category of ``n`` in ``lang``: ``one``, ``many`` or ``other``.

    French counts 0 and 1 as singular (« 0 échange affiché », « 1 grappe »); English only 1.
    """
    from babel import Locale

    return Locale.parse("en_CA" if lang == "en" else "fr_CA").plural_form(abs(n))


def tn(key: str, n: float, lang: str = "fr", **values: object) -> str:
    """Return the plural form of message ``key`` for the count ``n``, formatted with ``n`` and ``values``.

    The catalogue holds ``key.one`` and ``key.other`` (and ``key.many`` where a language needs it);
    a missing form falls back to ``key.other``. ``{n}`` is written the way ``lang`` writes numbers
    (``1 200`` in French, ``1,200`` in English).

    Raises
    ------
    KeyError
        When neither the form nor ``key.other`` is in the catalogue.
    """
    from babel.numbers import format_decimal

    form = plural_form(n, lang)
    name = f"{key}.{form}" if f"{key}.{form}" in _catalogue() else f"{key}.other"
    shown = format_decimal(n, locale="en_CA" if lang == "en" else "fr_CA")
    return t(name, lang, n=shown, **values)


def plural_text(key: str, n: float, **values: object) -> Text:
    """Return :func:`tn` of ``key`` for ``n`` in both languages, as a :class:`Text`.

    For messages kept bilingual until shown (findings, report notes): each language takes its own
    plural form (« 0 flux négatif » in French, "0 negative flows" in English).
    """
    return Text(tn(key, n, "fr", **values), tn(key, n, "en", **values))


@functools.lru_cache(maxsize=1)
def catalogue_keys() -> frozenset[str]:
    """Return every key of the message catalogue."""
    return frozenset(_catalogue())


class TextTable(Mapping[str, Text]):
    """The catalogue entries under ``prefix``, as a read-only mapping ``code -> Text`` in file order.

    For tables of labels the code looks up by a stable code (reasons, KPI labels, permit types):
    ``TextTable("results.kpi")["n_exchanges"]`` is the entry ``results.kpi.n_exchanges``. The
    catalogue is read on first use, not at import.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    @functools.cached_property
    def _entries(self) -> dict[str, Text]:
        start = self.prefix + "."
        entries = {k.removeprefix(start): v for k, v in _catalogue().items() if k.startswith(start)}
        if not entries:
            raise KeyError(f"no catalogue message under {self.prefix!r}")
        return entries

    def __getitem__(self, code: str) -> Text:
        return self._entries[code]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __repr__(self) -> str:
        return f"TextTable({self.prefix!r})"
