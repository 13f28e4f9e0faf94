"""Trade terms: a firm's jargon names its category only when every word of the term is typed.

The terms file (``symbiosis/kb/data/classifier_terms.csv``) was written by domain writers who never
saw the evaluation sets; its words are often ordinary ones ("grenaille *usée*", "eau *potable*"),
so a term counts through its exact hits only, never by partial likeness.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from symbiosis.kb import classify as clf
from symbiosis.kb._text import tokens
from symbiosis.kb.categories import load_categories

CATEGORIES = pd.DataFrame(
    {
        "category_id": ["a_shot", "b_steel"],
        "family": ["metals", "metals"],
        "kind": ["material", "material"],
        "label_fr": ["Abrasifs usés", "Ferraille"],
        "label_en": ["Spent abrasives", "Scrap steel"],
        "synonyms_fr": ["", "acier|pièces d'acier"],
        "synonyms_en": ["", ""],
        "waste_codes": ["", ""],
    }
)


def _scores(extra: pd.DataFrame, texts: list[str]) -> np.ndarray:
    return clf._scores(clf._build_index(CATEGORIES, extra, {}), texts, "fr")


def test_a_term_lifts_its_category_only_when_all_its_words_are_there():
    none = pd.DataFrame(columns=["category_id", "lang", "synonym", "role"])
    term = pd.DataFrame(
        {"category_id": ["a_shot"], "lang": ["fr"], "synonym": ["grenaille usée"], "role": ["term"]}
    )
    texts = ["Grenaille usée du sablage", "Pièces d'acier usées"]
    before, after = _scores(none, texts), _scores(term, texts)
    assert after[0, 0] > before[0, 0] + 0.1 and after.argmax(axis=1)[0] == 0
    np.testing.assert_allclose(after[1], before[1])  # one shared word ("usées") changes nothing
    as_synonym = _scores(term.assign(role="synonym"), texts)
    assert as_synonym[1, 0] > before[1, 0]  # the same phrase as a synonym would have pulled it


def test_the_shipped_terms_file_reads_and_names_known_categories():
    terms = pd.read_csv(clf.TERMS_FILE, dtype=str, keep_default_na=False)
    assert list(terms.columns) == ["category_id", "lang", "term"]
    assert len(terms) > 2000
    assert set(terms["lang"]) == {"fr", "en"}
    assert set(terms["category_id"]) <= set(load_categories()["category_id"])
    assert not terms.duplicated(["category_id", "term"]).any()


def test_every_shipped_term_says_something_of_its_own():
    """A term is at least one word the classifier keeps; a one-word term's word belongs to no other
    category's labels or synonyms (« plastiques nos 3 à 7 » reads as the bare word « plastique »)."""
    categories = load_categories()
    extra = clf._extra_synonyms()
    texts, _, _, _, owner, roles = clf._phrase_table(categories, extra, clf._low_descriptions())
    used_by: defaultdict[str, set[int]] = defaultdict(set)
    for words, row, role in zip(texts, owner, roles, strict=True):
        if role == "synonym":
            for word in words:
                used_by[word].add(row)
    rows = {c: i for i, c in enumerate(categories["category_id"])}
    bad = []
    terms = extra[extra["role"] == "term"]
    for cid, term in zip(terms["category_id"], terms["synonym"], strict=True):
        words = set(tokens(term))
        if not words or (len(words) == 1 and used_by[next(iter(words))] - {rows[cid]}):
            bad.append((cid, term))
    assert bad == []


@pytest.mark.parametrize(
    ("text", "direction", "unit", "category"),
    [
        ("Pressmud from the clarifier", "supply", "t/yr", "sugar_filter_mud_lime"),
        ("Poussières de by-pass du four à ciment", "supply", "t/an", "lime_kiln_dust"),
        ("Chaleur des condenseurs de réfrigération", "supply", "MWh/an", "heat_low_30_60c"),
        ("RAP for our asphalt plant", "demand", "t/yr", "asphalt_mix_feed"),
    ],
)
def test_shipped_terms_name_what_firms_type(text, direction, unit, category):
    assert clf.classify(text, top=1, direction=direction, unit=unit)[0].category_id == category
