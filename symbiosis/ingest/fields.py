"""Cell readers: one pure function per kind of field, returning the value and the problems found.

Each ``read_*`` takes the cell text and returns ``(value, problems)``; each problem is a
:class:`~symbiosis.findings.Finding` with no row or column yet (the row validator places it).
Words are accepted in French and English.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

import pandas as pd

from symbiosis.findings import Finding
from symbiosis.i18n import Text
from symbiosis.io.inert import is_live_formula
from symbiosis.numbers import parse_number
from symbiosis.schemas import ALL_MONTHS

__all__ = [
    "AVAILABILITY_WORDS",
    "CONFIDENTIALITY_WORDS",
    "DIRECTION_WORDS",
    "ChoiceWords",
    "choice_words_map",
    "clean_text",
    "close_matches",
    "fold",
    "read_choice",
    "read_date",
    "read_email",
    "read_float",
    "read_id",
    "read_months",
    "read_text",
    "read_yes_no",
]


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced text for comparing words."""
    text = unicodedata.normalize("NFKD", str(text).replace("’", "'")).lower()
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.sub(r"[\s_]+", " ", text).strip(" .")


#: Longest text for which close matches are looked for (a typo, not a paragraph).
MAX_SUGGEST_CHARS = 60


@lru_cache(maxsize=4096)
def close_matches(text: str, pool: tuple[str, ...], *, n: int = 3, cutoff: float = 0.6) -> tuple[str, ...]:
    """Return :func:`difflib.get_close_matches` of a short text (cached); ``()`` for a longer one.

    Each call compares the text with every word of the pool (about 15 ms for the 1,400 category
    labels): cached, a file repeating the same typo pays once, and a long cell pays nothing.
    """
    if len(text) > MAX_SUGGEST_CHARS:
        return ()
    return tuple(difflib.get_close_matches(text, pool, n=n, cutoff=cutoff))


class ChoiceWords(dict[str, str]):
    """Folded word -> canonical value of a closed list, and the French word of each value as written.

    ``french`` holds each value's first synonym, unfolded: what a report names as the expected value.
    """

    french: tuple[str, ...] = ()


def choice_words_map(groups: Mapping[str, tuple[str, ...]]) -> ChoiceWords:
    """Build a :class:`ChoiceWords` from canonical value -> synonyms (French first), the value included."""
    words = ChoiceWords((fold(w), value) for value, synonyms in groups.items() for w in (value, *synonyms))
    words.french = tuple(synonyms[0] if synonyms else value for value, synonyms in groups.items())
    return words


def _words(*groups: tuple[str, tuple[str, ...]]) -> ChoiceWords:
    return choice_words_map(dict(groups))


DIRECTION_WORDS = _words(
    ("supply", ("offre", "offer", "fourniture", "surplus", "residu", "output", "sortie", "extrant", "o")),
    ("demand", ("demande", "besoin", "need", "input", "intrant", "entree", "d")),
)
AVAILABILITY_WORDS = _words(
    (
        "continuous",
        (
            "continu",
            "continue",
            "en continu",
            "permanent",
            "constant",
            "regulier",
            "regular",
            "toute l'annee",
            "all year",
            "year round",
            "annuel",
        ),
    ),
    ("seasonal", ("saisonnier", "saisonniere", "saison", "season", "seasonally")),
    (
        "one_off",
        (
            "ponctuel",
            "ponctuelle",
            "one-off",
            "one off",
            "oneoff",
            "unique",
            "once",
            "une fois",
            "lot unique",
            "single",
        ),
    ),
)
CONFIDENTIALITY_WORDS = _words(
    ("public", ("public", "publique", "publics", "ouvert", "open")),  # first word: the French one
    ("members", ("membres", "membre", "member", "reseau", "network", "partenaires", "partners")),
    ("confidential", ("confidentiel", "confidentielle", "prive", "privee", "private", "secret")),
)
_YES = {"oui", "o", "yes", "y", "1", "vrai", "true", "x", "v"}
_NO = {"non", "n", "no", "0", "faux", "false"}
_MONTHS = {
    **dict.fromkeys(["1", "01", "janvier", "janv", "jan", "january"], 1),
    **dict.fromkeys(["2", "02", "fevrier", "fevr", "fev", "february", "feb"], 2),
    **dict.fromkeys(["3", "03", "mars", "mar", "march"], 3),
    **dict.fromkeys(["4", "04", "avril", "avr", "april", "apr"], 4),
    **dict.fromkeys(["5", "05", "mai", "may"], 5),
    **dict.fromkeys(["6", "06", "juin", "june", "jun"], 6),
    **dict.fromkeys(["7", "07", "juillet", "juil", "july", "jul"], 7),
    **dict.fromkeys(["8", "08", "aout", "august", "aug"], 8),
    **dict.fromkeys(["9", "09", "septembre", "sept", "sep", "september"], 9),
    **dict.fromkeys(["10", "octobre", "oct", "october"], 10),
    **dict.fromkeys(["11", "novembre", "nov", "november"], 11),
    **dict.fromkeys(["12", "decembre", "dec", "december"], 12),
}
# Every pattern here is linear on any text: no two adjacent quantifiers can share a character, and a
# run of spaces is only tried from its first character ((?<!\s)) and never given back (possessive).
_ALL_YEAR = re.compile(r"\btout|\ball\b|year.?round|\bannee\b|\b12 (?:mois|months)\b|every month")
_RANGE = re.compile(r"(?<!\s)\s*+(?:-|–|—|\ba\b|\bau\b|\bto\b|\bthrough\b|\bthru\b|\bjusqu ?a\b)\s*+")
_LIST_SEPARATOR = re.compile(r"(?<!\s)\s*+(?:[,;/+&]|\bet\b|\band\b)\s*+|\s++")
_ID = re.compile(r"^[\w][\w .\-/#:]*+$")
_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T][^\n]*+)?$")
_OTHER_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
#: Line breaks and tabs inside a text cell (replaced by one space each run).
_BREAKS = re.compile(r"[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]++")
#: Invisible controls: C0 and C1 controls, DEL, bidirectional overrides and isolates, the BOM.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\u202a-\u202e\u2066-\u2069\ufeff]++")
_MONTHS_EXPECTED = Text(
    "des mois comme 5-9, 6,7,8, juin-août ou « toute l'année »",
    "months such as 5-9, 6,7,8, June-Aug or “all year”",
)


def read_yes_no(text: str, *, default: bool = False) -> tuple[bool, tuple[Finding, ...]]:
    """Read oui/non/yes/no/1/0/vrai/faux/x (empty -> ``default``)."""
    key = fold(text)
    if not key:
        return default, ()
    if key in _YES or key in _NO:
        return key in _YES, ()
    return default, (
        Finding(
            code="yes_no.invalid",
            expected=Text("oui ou non", "yes or no"),
            fix=Text("Écrivez oui ou non (ou x pour oui).", "Write yes or no (or x for yes)."),
        ),
    )


def _list_words(words: Mapping[str, str]) -> tuple[str, str]:
    """The words of a closed list for a report: French (as written, see :class:`ChoiceWords`), English."""
    values = list(dict.fromkeys(words.values()))
    french = getattr(words, "french", None) or values
    return ", ".join(french), ", ".join(values)


def read_choice(
    text: str, words: Mapping[str, str], *, default: str | None, field: str
) -> tuple[str | None, tuple[Finding, ...]]:
    """Read one word of a closed list (French or English); empty -> ``default`` (``None``: required)."""
    key = fold(text)
    if not key and default is not None:
        return default, ()
    if key in words:
        return words[key], ()
    french, english = _list_words(words)
    return None, (
        Finding(
            code=f"{field}.invalid",
            expected=Text(f"une valeur parmi : {french}", f"one of: {english}"),
            fix=Text(
                "Choisissez une valeur de la liste déroulante du modèle.",
                "Pick a value from the template's dropdown list.",
            ),
        ),
    )


def _month(token: str) -> int | None:
    return _MONTHS.get(token.strip(" .").rstrip("."))


def _month_range(a: int, b: int) -> int:
    months = range(a, b + 1) if a <= b else [*range(a, 13), *range(1, b + 1)]
    return sum(1 << (m - 1) for m in months)


def read_months(text: str) -> tuple[int | None, tuple[Finding, ...]]:
    """Read months (``5-9``, ``6,7,8``, ``juin-août``, ``Nov-Mar``, ``toute l'année``) as a 12-bit mask.

    Empty gives ``None`` (the caller decides the default); a range may wrap over the new year.
    """
    key = fold(text)
    if not key:
        return None, ()
    if _ALL_YEAR.search(key):
        return ALL_MONTHS, ()
    key = _RANGE.sub("-", key)
    mask = 0
    for item in _LIST_SEPARATOR.split(key):
        if not item:
            continue
        ends = item.split("-")
        bounds = [_month(e) for e in ends]
        if len(ends) > 2 or None in bounds:
            return None, (
                Finding(
                    code="months.invalid",
                    expected=_MONTHS_EXPECTED,
                    fix=Text(
                        "Écrivez les numéros ou les noms des mois, par exemple 5-9.",
                        "Write month numbers or names, e.g. 5-9.",
                    ),
                ),
            )
        mask |= _month_range(bounds[0], bounds[-1])
    return mask or None, ()


def read_date(text: str, *, locale: str = "fr_CA") -> tuple[pd.Timestamp | None, tuple[Finding, ...]]:
    """Read a date: ``2026-05-01`` (ISO, preferred), ``01/05/2026`` (day first in French)."""
    s = str(text).strip()
    if not s:
        return None, ()
    iso = _ISO_DATE.match(s)
    other = _OTHER_DATE.match(s)
    problems: tuple[Finding, ...] = ()
    try:
        if iso:
            y, m, d = map(int, iso.groups())
        elif other:
            a, b, y = map(int, other.groups())
            english = locale.startswith("en") and a <= 12
            m, d = (a, b) if english else (b, a)
            if a <= 12 and b <= 12 and a != b:
                problems = (
                    Finding(
                        code="date.ambiguous",
                        expected=Text("une date AAAA-MM-JJ", "a date YYYY-MM-DD"),
                        fix=Text(
                            f"Date lue comme {y:04d}-{m:02d}-{d:02d} ; écrivez AAAA-MM-JJ.",
                            f"Date read as {y:04d}-{m:02d}-{d:02d}; write YYYY-MM-DD.",
                        ),
                        severity="warning",
                    ),
                )
        else:
            raise ValueError(s)
        return pd.Timestamp(dt.date(y, m, d)), problems
    except (ValueError, OverflowError):
        return None, (
            Finding(
                code="date.invalid",
                expected=Text("une date AAAA-MM-JJ", "a date YYYY-MM-DD"),
                fix=Text("Écrivez la date sous la forme 2026-05-01.", "Write the date as 2026-05-01."),
            ),
        )


def clean_text(text: str) -> tuple[str, bool]:
    """Return ``text`` on one line without invisible controls, and whether anything was changed.

    Line breaks, tabs and the other separators become one space per run (a carriage return inside a
    firm's name would otherwise start a new row in a CSV export); C0/C1 controls, DEL, the BOM and
    the bidirectional overrides that can disguise text are removed.
    """
    s = str(text)
    cleaned = _CONTROLS.sub("", _BREAKS.sub(" ", s))
    return cleaned, cleaned != s


_CONTROL_FIX = Text(
    "Les sauts de ligne, tabulations et caractères de contrôle ont été remplacés par des "
    "espaces ; vérifiez le texte.",
    "Line breaks, tabs and control characters were replaced by spaces; check the text.",
)


def read_text(text: str, *, max_length: int = 2000) -> tuple[str, tuple[Finding, ...]]:
    """Keep free text as typed (stripped, on one line); flag formula-looking text, which stays inert.

    "Formula-looking" is the exports' own rule (:func:`symbiosis.io.inert.is_live_formula`): text
    starting with ``= + - @`` that is not a plain number, so the warning names exactly the cells an
    export will prefix with ``'``.

    Line breaks and control characters are replaced by spaces with a warning (see :func:`clean_text`).
    """
    s, changed = clean_text(str(text).strip(" \n\r\t"))
    s = s.strip()
    problems: list[Finding] = []
    if changed:
        problems.append(
            Finding(
                code="text.control_characters",
                expected=Text("du texte sur une ligne", "text on one line"),
                fix=_CONTROL_FIX,
                severity="warning",
                found=s[:40] + ("…" if len(s) > 40 else ""),
            )
        )
    if is_live_formula(s):  # the one rule of the exports: they will put a ' before it
        problems.append(
            Finding(
                code="text.formula_like",
                expected=Text("du texte simple", "plain text"),
                fix=Text(
                    "Ce texte ressemble à une formule : il est gardé tel quel comme texte, jamais exécuté, "
                    "et les exports le neutralisent. Retirez le signe initial s'il n'a pas lieu d'être.",
                    "This text looks like a formula: it is kept as plain text, never executed, and exports "
                    "neutralise it. Remove the leading sign if it should not be there.",
                ),
                severity="warning",
            )
        )
    if len(s) > max_length:
        problems.append(
            Finding(
                code="text.too_long",
                expected=Text(f"au plus {max_length} caractères", f"at most {max_length} characters"),
                fix=Text("Raccourcissez le texte.", "Shorten the text."),
                found=s[:40] + f"… ({len(s)})",
            )
        )
    return s, tuple(problems)


def read_id(text: str) -> tuple[str, tuple[Finding, ...]]:
    """Read an identifier: letters, digits, spaces and ``- _ . / # :``, at most 64 characters."""
    s = str(text).strip()
    if s and (len(s) > 64 or not _ID.match(s)):
        return s, (
            Finding(
                code="id.invalid",
                expected=Text(
                    "un identifiant (lettres, chiffres, - _ . / #, 64 au plus)",
                    "an identifier (letters, digits, - _ . / #, 64 at most)",
                ),
                fix=Text("Utilisez un code simple, par exemple F-001.", "Use a simple code, e.g. F-001."),
            ),
        )
    return s, ()


def _looks_like_email(s: str) -> bool:
    """``name@domain.tld``: one ``@``, no space or control, a dot inside the domain (linear, no regex)."""
    local, at, domain = s.partition("@")
    if not (at and local and domain) or "@" in domain or len(s) > 254:
        return False
    if any(c.isspace() or not c.isprintable() for c in s):
        return False
    return "." in domain[1:-1]


def read_email(text: str) -> tuple[str, tuple[Finding, ...]]:
    """Keep an e-mail address; warn when it does not look like one."""
    s = clean_text(str(text).strip())[0].strip()
    if s and not _looks_like_email(s):
        return s, (
            Finding(
                code="email.invalid",
                expected=Text("une adresse courriel", "an e-mail address"),
                fix=Text("Vérifiez l'adresse (nom@domaine.ca).", "Check the address (name@domain.ca)."),
                severity="warning",
            ),
        )
    return s, ()


_EXAMPLE = Text("12,5", "12.5")


def read_float(
    text: str,
    *,
    locale: str,
    minimum: float | None = 0.0,
    maximum: float | None = None,
    strip: str = "",
    example: Text = _EXAMPLE,
) -> tuple[float | None, tuple[Finding, ...]]:
    """Read an optional number (empty -> ``None``) within ``[minimum, maximum]``; ``strip`` drops a suffix."""
    s = str(text).strip()
    if "$" in strip and s.startswith("$"):
        s = s[1:].strip()
    for suffix in filter(None, strip.split("|")):
        if s.lower().endswith(suffix):
            s = s[: -len(suffix)].strip()
    if not s:
        return None, ()
    if s.startswith("="):
        return None, (
            Finding(
                code="formula",
                expected=Text("un nombre (pas une formule)", "a number (not a formula)"),
                fix=Text(
                    "Les formules ne sont pas calculées : collez la valeur (Collage spécial > Valeurs).",
                    "Formulas are not computed: paste the value (Paste Special > Values).",
                ),
            ),
        )
    parsed = parse_number(s, locale=locale, allow_negative=minimum is None or minimum < 0)
    warnings = tuple(
        Finding(
            code="number.ambiguous",
            expected=Text("un nombre sans équivoque", "an unambiguous number"),
            fix=w,
            severity="warning",
        )
        for w in parsed.warnings
    )
    fix = Text(
        f"Écrivez un nombre en chiffres, par exemple {example.fr}.",
        f"Write a number in digits, e.g. {example.en}.",
    )
    if parsed.code == "number.negative":  # a number in digits already: say what to do about the sign
        fix = Text(
            "Écrivez la valeur sans signe moins (0 si le flux est arrêté).",
            "Write the value without a minus sign (0 if the stream has stopped).",
        )
    if not parsed.ok:
        return None, (
            Finding(code=parsed.code, expected=parsed.error or Text("un nombre", "a number"), fix=fix),
        )
    value = float(parsed.value)  # type: ignore[arg-type]
    low = minimum is not None and value < minimum
    if low or (maximum is not None and value > maximum):
        span = f"{minimum if minimum is not None else '-∞'} – {maximum if maximum is not None else '∞'}"
        expected = Text(f"un nombre entre {span}", f"a number within {span}")
        return None, (Finding(code="number.out_of_range", expected=expected, fix=fix),)
    return value, warnings
