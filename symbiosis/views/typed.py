"""Read the numbers an advisor types in the pages' boxes, the way the interface language writes them.

The pages take numbers as text, never through the browser's number box: that box read « 12,5 » as
125 and « 1,5 » minutes as 15, silently. What cannot be read for sure is refused with the box's
label, what was typed and what is expected, never guessed nor clamped.
"""

from __future__ import annotations

from symbiosis.i18n import t
from symbiosis.numbers import format_number, parse_number

__all__ = ["MAX_MIN_VALUE_CAD_PER_YR", "read_min_value", "read_setting"]

#: The highest « minimum net value » filter of the exchange pages, $/yr (no exchange is worth more).
MAX_MIN_VALUE_CAD_PER_YR = 1e9


def read_setting(
    text: str | None,
    lang: str,
    *,
    label: str,
    low: float,
    high: float,
    optional: bool = False,
    whole: bool = False,
) -> tuple[float | None, str]:
    """Read a number of a page's box as the advisor typed it: ``(value, "")`` or ``(None, why)``.

    « 12,5 » is 12.5 (the browser's number box read it as 125); an empty optional box is ``(None, "")``.
    What is not a number, ambiguous (« 1,200 ») or outside ``[low, high]`` is refused with the field's
    ``label``, what was typed and what is expected, never guessed nor clamped. A ``whole`` box (a count
    of tables, of minutes) refuses a fraction too: « 12,5 » tables is neither 12 nor 125.
    """
    typed = "" if text is None else str(text).strip()
    if optional and not typed:
        return None, ""
    locale = "en_CA" if lang == "en" else "fr_CA"
    parsed = parse_number(typed, locale=locale, allow_negative=True)
    value = parsed.value if parsed.ok else None
    if (
        value is not None
        and not parsed.warnings
        and low <= value <= high
        and (not whole or value.is_integer())
    ):
        return value, ""
    if parsed.ok and parsed.warnings:  # « 1,200 »: 1.2 or 1200? The advisor says which
        return None, t(
            "advisor.scenario.ambiguous_number", lang, label=label, why=parsed.warnings[0].get(lang)
        )
    found = typed[:40] + ("…" if len(typed) > 40 else "")
    bounds = {"low": format_number(low, locale=locale), "high": format_number(high, locale=locale)}
    key = "advisor.scenario.bad_whole" if whole else "advisor.scenario.bad_number"
    return None, t(key, lang, label=label, found=found, **bounds)


def read_min_value(text: str | None, lang: str) -> tuple[float, str]:
    """Read the exchange pages' « minimum net value » filter ($/yr): ``(value, "")`` or ``(0.0, why)``.

    Empty is no minimum (0). « 12 500 » and « 12 500,5 » are read in French as the advisor writes them;
    what cannot be read is refused by the filter's name (the page then shows no exchange under it).
    """
    label = t("advisor.map.min_value", lang)
    value, why = read_setting(text, lang, label=label, low=0.0, high=MAX_MIN_VALUE_CAD_PER_YR, optional=True)
    return (0.0 if value is None else value), why
