"""What a person reads on a page run by AppTest, and the engine codes that must never be part of it."""

from __future__ import annotations

import contextlib
import functools
import re

import pandas as pd

#: Elements whose ``value`` is shown as it is (a widget's ``value`` is state, not text, except typed text).
_SHOWN_VALUES = {
    "title",
    "header",
    "subheader",
    "markdown",
    "caption",
    "text",
    "info",
    "warning",
    "error",
    "success",
    "metric",
    "code",
    "json",
    "exception",
    "text_input",
    "text_area",
    "toast",
}
_TEXT_ATTRIBUTES = ("label", "options", "placeholder", "help", "body")


def _strings(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, pd.DataFrame):  # the pages hide the index: its cells and name are not shown
        cells = [
            v for v in value.to_numpy().ravel() if v is not None and not (isinstance(v, float) and v != v)
        ]
        return [str(c) for c in value.columns] + [str(v) for v in cells]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)]
    if isinstance(value, (str, int, float)):
        return [str(value)]
    return []


def page_text(at) -> str:
    """Every text an AppTest run shows: titles, messages, labels, options, metric values, table cells."""
    out: list[str] = []

    def walk(node) -> None:
        kind = getattr(node, "type", "")
        for name in _TEXT_ATTRIBUTES:
            try:
                out.extend(_strings(getattr(node, name, None)))
            except Exception:  # an attribute AppTest cannot read for this element
                continue
        if kind in _SHOWN_VALUES or kind in ("dataframe", "table"):
            with contextlib.suppress(Exception):  # an element without a readable value
                out.extend(_strings(node.value))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


@functools.lru_cache(maxsize=1)
def code_patterns() -> dict[str, re.Pattern]:
    """Category, family and factor ids, ledger method ids and solver terms, as whole-word patterns."""
    from symbiosis.engine.factors import load_factors
    from symbiosis.kb import load_categories

    cats = load_categories()
    ids = {c for c in cats["category_id"].astype(str) if "_" in c}
    ids |= {f for f in cats["family"].astype(str) if "_" in f}
    factors = load_factors()
    ids |= set(factors["factor_id"].astype(str)) | {q for q in factors["quantity"].astype(str) if "_" in q}
    ids |= {"in_discussion", "net_value_cad_per_yr", "co2e_avoided_t_per_yr", "flow_per_yr", "synergy_id"}
    words = "|".join(sorted((re.escape(i) for i in ids), key=len, reverse=True))
    return {
        "code": re.compile(rf"(?<![\w-])({words})(?![\w-])"),
        "method": re.compile(r"(?<![\w-])L(1[0-4]|[1-9])(?![\w-])"),
        "solver": re.compile(
            r"cp-sat|greedy|gloutonne|heuristique|borne supérieure|upper bound|\bfeasible\b|"
            r"\binfeasible\b|\boptimal \(",
            re.IGNORECASE,
        ),
        "json": re.compile(r"\{\"|\"\s*:\s*[\[{\"0-9]"),
        "docs": re.compile(r"docs/[\w-]+\.md"),
        "nan": re.compile(r"(?<![\w])nan(?![\w])"),
    }


def codes_in(text: str) -> dict[str, list[str]]:
    """Every engine code found in ``text``, by kind (empty dict when none)."""
    found = {}
    for kind, pattern in code_patterns().items():
        hits = sorted({m.group(0) for m in pattern.finditer(text)})
        if hits:
            found[kind] = hits
    return found


def drawn_in_order(at) -> list[tuple[str, str]]:
    """The page's elements in the order they are drawn: (type, value or label), tabs included.

    A message's place says whether the person sees it where they clicked (by the button) or above
    the title, out of sight.
    """
    out: list[tuple[str, str]] = []

    def walk(node) -> None:
        children = getattr(node, "children", None)
        if children is not None and not hasattr(node, "value"):
            for child in children.values():
                walk(child)
            return
        value = getattr(node, "value", getattr(node, "label", ""))
        out.append((node.type, value if isinstance(value, str) else ""))

    walk(at.main)
    return out
