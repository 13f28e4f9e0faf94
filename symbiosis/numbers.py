"""Numbers as firms type them: French and English decimal commas, points and thousands separators.

``parse_number`` reads one cell (``12,5``, ``1 200,5``, ``1,200.5``, ``12.5``) and returns a
:class:`ParsedNumber` carrying the value, the warnings (an ambiguous ``1,200``) and, instead of
raising, the error the caller reports (empty, not a number, not finite, negative).

Rules
-----
* Spaces (ordinary, no-break U+00A0, narrow no-break U+202F, thin U+2009) and apostrophes are
  thousands separators only between groups of exactly three digits (``1 200 000``).
* When both ``,`` and ``.`` appear, the last one is the decimal separator (``1,200.5`` and
  ``1.200,5`` both give 1200.5).
* A single ``,`` or ``.`` followed by one, two or four-plus digits is a decimal separator in both
  languages (``12,5`` is 12.5, never 125).
* A single separator followed by exactly three digits (``1,200``) is ambiguous: French files read it
  as a decimal (1.2), English files as thousands (1200) for a comma; a point is always a decimal
  (``1.200`` = 1.2). Either way a warning asks the firm to check.
* Several identical separators between three-digit groups (``1,200,000``) are thousands.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from babel.numbers import format_decimal
from babel.numbers import format_percent as _babel_percent

from symbiosis.i18n import Text, TextTable, t

__all__ = ["MAX_NUMBER_CHARS", "ParsedNumber", "format_number", "format_percent", "parse_number"]

_SPACES = "\u00a0\u202f\u2009\u2007 '’"
_MINUS = "-\u2212\u2013"
_GROUPED_SPACE = re.compile(r"^\d{1,3}(?: \d{3})+(?:[.,]\d+)?$")
_PLAIN = re.compile(r"^\d*(?:[.,]\d*)*$")
_SCIENTIFIC = re.compile(r"^\d+(?:\.\d+)?[eE][+-]?\d{1,3}$")
# Possessive run: the class already holds every space, so nothing is given back (linear on any cell).
_LEADING_NUMBER = re.compile(r"^[+\-\u2212]?\d[\d\s.,\u00a0\u202f]*+[^\d\s.,]")
_SPACE_RUN = re.compile(r" ++")
#: Longest cell read as a number; longer text is "not a number" without running any pattern.
MAX_NUMBER_CHARS = 100

#: What a number cell should hold, by error code, from the message catalogue (``number.expected.*``).
EXPECTED = TextTable("number.expected")


@dataclass(frozen=True)
class ParsedNumber:
    """The result of reading one number.

    Parameters
    ----------
    value
        The number, or ``None`` when the text is not a usable number.
    warnings
        Things the firm should check (an ambiguous separator).
    error
        Why the text was refused, or ``None``.
    code
        Stable machine id of the error (``number.empty``, ``number.not_a_number``,
        ``number.negative``, ``number.not_finite``, ``number.unit_in_number``), or ``""``.
    """

    value: float | None
    warnings: tuple[Text, ...] = ()
    error: Text | None = None
    code: str = ""

    @property
    def ok(self) -> bool:
        """Whether a value was read without error."""
        return self.error is None and self.value is not None


def _fail(code: str, expected: str) -> ParsedNumber:
    return ParsedNumber(None, error=EXPECTED[expected], code=code)


def _ambiguous(text: str, value: float) -> Text:
    value_fr, value_en = format_number(value, locale="fr_CA"), format_number(value, locale="en_CA")
    return Text(
        t("number.ambiguous", "fr", text=text, value_fr=value_fr, value_en=value_en),
        t("number.ambiguous", "en", text=text, value_fr=value_fr, value_en=value_en),
    )


def _split_groups(body: str, sep: str) -> bool:
    parts = body.split(sep)
    return 1 <= len(parts[0]) <= 3 and all(len(p) == 3 for p in parts[1:])


def _to_decimal_text(body: str, english: bool) -> tuple[str | None, bool]:
    """Return the number as ``ddd.ddd`` text and whether it was ambiguous; ``None`` if malformed."""
    commas, points = body.count(","), body.count(".")
    if commas and points:
        dec = "," if body.rfind(",") > body.rfind(".") else "."
        thou = "." if dec == "," else ","
        whole, _, frac = body.rpartition(dec)
        if body.count(dec) != 1 or not _split_groups(whole, thou) or not frac:
            return None, False
        return whole.replace(thou, "") + "." + frac, False
    sep = "," if commas else "." if points else ""
    if not sep:
        return body, False
    count = commas or points
    if count > 1:
        return (body.replace(sep, ""), False) if _split_groups(body, sep) else (None, False)
    whole, _, frac = body.partition(sep)
    if not whole and not frac:
        return None, False
    if len(frac) == 3 and 1 <= len(whole) <= 3 and whole != "0":
        if sep == "," and english:
            return whole + frac, True
        return (whole or "0") + "." + frac, True
    return (whole or "0") + "." + (frac or "0"), False


def _clean(text: str) -> tuple[str, bool]:
    s = unicodedata.normalize("NFC", str(text)).strip()
    negative = False
    if s[:1] in _MINUS:
        negative, s = True, s[1:].strip()
    elif s[:1] == "+":
        s = s[1:].strip()
    return s, negative


def parse_number(text: str, *, locale: str = "fr_CA", allow_negative: bool = False) -> ParsedNumber:
    """Read a number as a firm typed it.

    Parameters
    ----------
    text
        The cell text (``"12,5"``, ``"1 200,5"``, ``"1,200.5"``).
    locale
        ``"fr_CA"`` (or any ``fr*``) or ``"en_CA"``; only decides the ambiguous ``1,200``.
    allow_negative
        Accept a leading minus (temperatures, longitudes); otherwise a negative is an error.

    Returns
    -------
    ParsedNumber
        The value, or the error to report; never raises.
    """
    raw = "" if text is None else str(text)
    if len(raw) > MAX_NUMBER_CHARS and len(raw.strip()) > MAX_NUMBER_CHARS:
        error = EXPECTED["too_long"].format(max_chars=MAX_NUMBER_CHARS)
        return ParsedNumber(None, error=error, code="number.not_a_number")
    s, negative = _clean(raw)
    if not s:
        return _fail("number.empty", "empty")
    body = s
    if any(c in body for c in _SPACES):
        spaced = "".join(" " if c in _SPACES else c for c in body)
        spaced = _SPACE_RUN.sub(" ", spaced)
        if not _GROUPED_SPACE.match(spaced):
            return _not_a_number(raw)
        body = spaced.replace(" ", "")
    if _SCIENTIFIC.match(body):
        decimal_text, ambiguous = body, False
    elif _PLAIN.match(body) and any(c.isdigit() for c in body):
        decimal_text, ambiguous = _to_decimal_text(body, english=locale.lower().startswith("en"))
    else:
        return _not_a_number(raw)
    if decimal_text is None:
        return _not_a_number(raw)
    try:
        value = float(Decimal(decimal_text))
    except (InvalidOperation, ValueError, OverflowError):
        return _not_a_number(raw)
    if not math.isfinite(value):
        return _fail("number.not_finite", "not_finite")
    value = -value if negative else value
    if value < 0 and not allow_negative:
        return ParsedNumber(value, error=EXPECTED["negative"], code="number.negative")
    warnings = (_ambiguous(raw.strip(), value),) if ambiguous else ()
    return ParsedNumber(value + 0.0, warnings=warnings)


def _not_a_number(raw: str) -> ParsedNumber:
    if _LEADING_NUMBER.match(raw.strip()):
        return _fail("number.unit_in_number", "unit_in_number")
    return _fail("number.not_a_number", "not_a_number")


def format_number(value: float, *, locale: str = "fr_CA", decimals: int | None = None) -> str:
    """Format a number the way the locale writes it (``1 200,5`` in French, ``1,200.5`` in English).

    Parameters
    ----------
    value
        The number.
    locale
        A Babel locale, ``"fr_CA"`` or ``"en_CA"``.
    decimals
        Round to this many decimals; ``None`` keeps every significant decimal.
    """
    if decimals is not None:  # « + 0.0 »: -0.04 rounded is -0.0, printed « -0 »; zero has no sign
        return format_decimal(
            round(value, decimals) + 0.0,
            format=f"#,##0.{'#' * decimals}" if decimals else "#,##0",
            locale=locale,
        )
    return format_decimal(Decimal(repr(float(value) + 0.0)), locale=locale, decimal_quantization=False)


def format_percent(share: float, *, locale: str = "fr_CA") -> str:
    """Format a share (0–1) as a whole percent the way the locale writes it (``75 %`` / ``75%``).

    Parameters
    ----------
    share
        The share, ``0.75`` for 75 %.
    locale
        A Babel locale, ``"fr_CA"`` (a non-breaking space before ``%``) or ``"en_CA"``.
    """
    return _babel_percent(share, locale=locale)
