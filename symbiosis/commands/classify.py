"""``symbiosis classify "TEXT"``: suggest resource categories and EU waste codes for a description."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from symbiosis.commands._common import print_json
from symbiosis.i18n import TextTable, t
from symbiosis.kb.classify import Suggestion, classify

NAME = "classify"
HELP = (
    "suggère des catégories de ressources et des codes de déchets pour une description / "
    "suggest resource categories and waste codes for a description"
)

#: Column headers of the table, from the message catalogue (``classify.header.<column>``).
_HEADERS = TextTable("classify.header")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the description, ``--lang``, ``--top`` and ``--json``."""
    parser.add_argument("text", metavar="TEXT", help="description / description libre")
    parser.add_argument(
        "--lang", choices=("fr", "en"), default=None, help="language of the text and of the table"
    )
    parser.add_argument("--top", type=int, default=3, metavar="N", help="number of suggestions (3)")
    parser.add_argument("--json", action="store_true", help="print a JSON list instead of a table")


def suggestion_record(suggestion: Suggestion) -> dict[str, object]:
    """Return the JSON object of one suggestion (the fields of the ``--json`` output)."""
    return {
        "category_id": suggestion.category_id,
        "family": suggestion.family,
        "kind": suggestion.kind,
        "waste_codes": list(suggestion.waste_codes),
        "label_fr": suggestion.label_fr,
        "label_en": suggestion.label_en,
        "score": suggestion.score,
    }


def format_table(suggestions: Sequence[Suggestion], lang: str = "fr") -> str:
    """Return the suggestions as an aligned plain-text table, headers and labels in ``lang``."""
    if not suggestions:
        return t("classify.nothing", lang)
    rows = [[h.get(lang) for h in _HEADERS.values()]]
    for rank, s in enumerate(suggestions, start=1):
        label = s.label_en if lang == "en" else s.label_fr
        codes = " ".join(s.waste_codes) or "-"
        rows.append([str(rank), f"{s.score:.2f}", s.category_id, s.family, s.kind, codes, label])
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADERS) - 1)]
    lines = ["  ".join([*(c.ljust(w) for c, w in zip(row, widths, strict=False)), row[-1]]) for row in rows]
    return "\n".join(line.rstrip() for line in lines)


def run(args: argparse.Namespace) -> int:
    """Classify ``args.text`` and print the suggestions; return 0 (2 when ``--top`` is below 1)."""
    if args.top < 1:
        sys.stderr.write("--top doit valoir au moins 1 / --top must be at least 1\n")
        return 2
    suggestions = classify(args.text, lang=args.lang, top=args.top)
    if args.json:
        print_json([suggestion_record(s) for s in suggestions])
    else:
        print(format_table(suggestions, args.lang or "fr"))
    return 0
