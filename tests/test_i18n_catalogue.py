"""One bilingual catalogue: explanations and engine labels come from ``symbiosis/data/messages``.

Inline ``Text("…", "…")`` literals remain in modules written before the catalogue held every
string (the importer's cell messages above all). :data:`INLINE_TEXT_BUDGET` is a ratchet: a module
may lose inline literals, never gain one, and a new module starts at zero, so new user-facing text
goes to the catalogue.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import symbiosis
from symbiosis.engine import explain
from symbiosis.i18n import Text, TextTable, catalogue_keys

PACKAGE = Path(symbiosis.__file__).parent

#: Inline ``Text`` literals per module when the ratchet was set (issue 15); only ever lowered.
INLINE_TEXT_BUDGET = {
    "commands/validate.py": 1,
    "findings.py": 1,
    "ingest/fields.py": 28,
    "ingest/firms.py": 27,
    "ingest/permits.py": 6,
    "ingest/reader.py": 12,
    "ingest/report.py": 2,
    "ingest/rows.py": 4,
    "ingest/stream_checks.py": 39,
    "ingest/streams.py": 3,
    "ingest/templates.py": 49,
    "kb/check.py": 1,
    "kb/priors.py": 1,
    "mutual/ingest.py": 26,
    "mutual/ingest_fields.py": 8,
    "mutual/result.py": 4,
    "places/basemap.py": 1,
    "reports/data.py": 2,
    # the firm's upload texts moved with the self-service writes from views/firm_streams.py
    "services/firm_self_service.py": 5,
}


def _inline_texts(path: Path) -> int:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sum(
        1
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "Text"
        and any(isinstance(a, ast.Constant | ast.JoinedStr) for a in node.args)
    )


def test_inline_texts_only_ever_decrease():
    counts = {str(p.relative_to(PACKAGE)): _inline_texts(p) for p in sorted(PACKAGE.rglob("*.py"))}
    grown = {m: n for m, n in counts.items() if n > INLINE_TEXT_BUDGET.get(m, 0)}
    assert grown == {}, f"new inline Text literals: put the text in symbiosis/data/messages/*.yaml ({grown})"
    lowered = {m: counts.get(m, 0) for m, n in INLINE_TEXT_BUDGET.items() if counts.get(m, 0) < n}
    assert lowered == {}, f"fewer inline texts now: lower INLINE_TEXT_BUDGET to {lowered}"


def test_the_explanations_have_no_private_dictionary():
    assert not any(isinstance(v, dict) and {"fr", "en"} <= set(v) for v in vars(explain).values())
    assert {"explain.rule", "explain.fates.landfill", "explain.sources.none"} <= catalogue_keys()


def test_a_text_table_reads_its_prefix_in_file_order():
    kpis = TextTable("results.kpi")
    assert next(iter(kpis)) == "tonnes_exchanged_t_per_yr"
    assert kpis["n_exchanges"] == Text("Échanges", "Exchanges")
    assert "n_exchanges" in kpis and "results.kpi.n_exchanges" not in kpis
    with pytest.raises(KeyError, match="no catalogue message"):
        len(TextTable("no.such.prefix"))


def test_french_texts_space_their_high_punctuation():
    # French puts a space before « ; : ! ? » (« registre ; région », not « registre; région »), and a
    # French text never carries its English translation (the sign-in refusals once did)
    from symbiosis.i18n import _catalogue

    texts = _catalogue()
    tight = {k: v.fr for k, v in texts.items() if re.search(r"\w[;:!?](\s|$)", v.fr)}
    assert tight == {}
    doubled = {k for k, v in texts.items() if len(v.en) > 20 and v.en in v.fr}
    assert doubled == set()


#: An inline plural: « entreprise(s) », « lieu(x) », "supply(ies)", "categor(y/ies)", « inscrit(e) ».
_INLINE_PLURAL = re.compile(r"\w\((?:s|x|e|es|ies|y/ies)\)")


def test_no_text_writes_its_plural_inline():
    """« 3 entreprise(s) inscrite(s) » reads as a form, not a sentence: a counted text has ``.one`` and
    ``.other`` forms picked by :func:`symbiosis.i18n.tn` (French: 0 and 1 singular), and a text
    without its count is written so that it needs no « (s) »; a unit in brackets is written out
    (« (secondes) », not « (s) »)."""
    from symbiosis.i18n import _catalogue

    inline = {
        (key, lang): text
        for key, message in _catalogue().items()
        for lang, text in (("fr", message.fr), ("en", message.en))
        if "(s)" in text or _INLINE_PLURAL.search(text)
    }
    assert inline == {}


def test_the_hygiene_pattern_catches_each_way_of_writing_a_plural_inline():
    caught = ["entreprise(s)", "lieu(x)", "supply(ies)", "categor(y/ies)", "inscrit(e)", "prête(s)"]
    assert all(_INLINE_PLURAL.search(text) for text in caught)
    assert not any(_INLINE_PLURAL.search(t) for t in ("Durée (min)", "(voir la liste)", "(PDF)"))
