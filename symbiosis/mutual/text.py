"""Numbers, money, months, weekdays and clock times written for the explanations, in French or English."""

from __future__ import annotations

from symbiosis.engine.explain import MONTHS_EN, MONTHS_FR
from symbiosis.i18n import TextTable, t
from symbiosis.numbers import format_number

__all__ = [
    "DAYS_EN",
    "DAYS_FR",
    "clock",
    "days_text",
    "inline_label",
    "money",
    "months_text",
    "number",
    "size_text",
    "slots_text",
]

DAYS_FR: tuple[str, ...] = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
DAYS_EN: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: Words of the usual unit sizes of the advisor's unit table (``mutual.size.<size_id>``).
SIZE_WORDS = TextTable("mutual.size")


def _locale(lang: str) -> str:
    return "en_CA" if lang == "en" else "fr_CA"


def inline_label(label: str) -> str:
    """A label written inside a sentence: its first letter in lower case, unless its first word is an
    acronym; the rest as written (« Centre d'usinage CNC » → « centre d'usinage CNC »).

    >>> inline_label("Centre d'usinage CNC"), inline_label("CNC machining centre"), inline_label("")
    ("centre d'usinage CNC", 'CNC machining centre', '')
    """
    first = label.split(" ", 1)[0]
    if len(first) > 1 and first.isupper():
        return label
    return label[:1].lower() + label[1:]


def number(value: float, lang: str = "fr", decimals: int | None = None) -> str:
    """A number as the language writes it (``1 200,5`` / ``1,200.5``); 3 significant decimals at most."""
    value = float(value)
    if decimals is None:
        decimals = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    return format_number(value, locale=_locale(lang), decimals=decimals)


def money(value: float, lang: str = "fr") -> str:
    """Dollars per year, rounded to the dollar (``1 234 $/an`` / ``$1,234/yr``)."""
    amount = format_number(round(float(value)), locale=_locale(lang), decimals=0)
    return f"${amount}/yr" if lang == "en" else f"{amount} $/an"


def months_text(mask: int, lang: str = "fr") -> str:
    """The months of a 12-bit mask (``juin, juil., août``; "toute l'année" for all twelve)."""
    mask = int(mask)
    if mask & 0xFFF == 0xFFF:
        return t("months.all_year", lang)
    names = MONTHS_EN if lang == "en" else MONTHS_FR
    return ", ".join(name for m, name in enumerate(names) if mask >> m & 1)


def days_text(mask: int, lang: str = "fr") -> str:
    """Weekdays of a 7-bit mask (bit 0 = Monday)."""
    names = DAYS_EN if lang == "en" else DAYS_FR
    return ", ".join(name for d, name in enumerate(names) if int(mask) >> d & 1)


def clock(minutes: float) -> str:
    """``HH:MM`` of a time in minutes after midnight."""
    minutes = round(float(minutes))
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def slots_text(slots, lang: str = "fr") -> str:
    """Half-day slots of the week (slot ``2 d + p``: day ``d`` from Monday, ``p`` 0 morning, 1 afternoon)."""
    days = DAYS_EN if lang == "en" else DAYS_FR
    periods = ("AM", "PM") if lang == "en" else ("matin", "après-midi")
    return ", ".join(f"{days[s // 2]} {periods[s % 2]}" for s in sorted(int(s) for s in slots))


def size_text(size_id: object, lang: str = "fr") -> str:
    """A unit size in words (``small`` -> « petite »); a size id of the advisor's own is shown as typed."""
    word = SIZE_WORDS.get(str(size_id))
    return word.get(lang) if word is not None else str(size_id)
