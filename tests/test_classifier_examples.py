"""Example declarations: how firms describe a stream of a category, one more phrase to resemble.

The examples file (``symbiosis/kb/data/classifier_examples.csv``) was written by domain writers who saw
only the categories' ids, labels and existing synonyms, never an evaluation set. An example scores by
n-gram likeness only: it never makes an exact hit and stays out of the category's document.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from symbiosis.kb import classify as clf
from symbiosis.kb._text import tokens
from symbiosis.kb.categories import load_categories

CATEGORIES = pd.DataFrame(
    {
        "category_id": ["a_dairy", "b_paper", "c_reagent"],
        "family": ["agrifood_organics", "pulp_paper", "chemicals_solvents"],
        "kind": ["material", "material", "material"],
        "label_fr": ["Boues de laiterie", "Boues de papetière", "Réactifs de flottation"],
        "label_en": ["Dairy wastewater sludge", "Paper mill sludge", "Fatty acid flotation reagents"],
        "synonyms_fr": ["", "", ""],
        "synonyms_en": ["", "", ""],
        "waste_codes": ["", "", ""],
    }
)
NONE = pd.DataFrame(columns=["category_id", "lang", "synonym", "role"])
EXAMPLE = pd.DataFrame(
    {
        "category_id": ["a_dairy"],
        "lang": ["en"],
        "synonym": ["fatty flotation sludge from the cheese dairy"],
        "role": ["example"],
    }
)


def _index(extra: pd.DataFrame) -> clf._Index:
    return clf._build_index(CATEGORIES, extra, {})


def test_an_example_lifts_its_category_by_likeness_only():
    texts = ["Flotation sludge, fatty"]
    before = clf._scores(_index(NONE), texts, "en")[0]
    after = clf._scores(_index(EXAMPLE), texts, "en")[0]
    assert before[0] < before[1] and after[0] > after[1] + 0.1  # now above the paper mill's sludge
    # The other categories' likeness is untouched (their naive Bayes posterior shares one total, so
    # it moves when a category gains evidence).
    similarity_before = clf._score_parts(_index(NONE), texts, "en")[0][0]
    similarity_after = clf._score_parts(_index(EXAMPLE), texts, "en")[0][0]
    np.testing.assert_allclose(similarity_after[1:], similarity_before[1:])
    # Worth less than a synonym: an example is one firm's wording, not a name of the category.
    as_synonym = clf._score_parts(_index(EXAMPLE.assign(role="synonym")), texts, "en")[0][0]
    assert as_synonym[0] > similarity_after[0]


def test_an_example_is_never_an_exact_hit_nor_part_of_the_document():
    with_example, without = _index(EXAMPLE), _index(NONE)
    # The same n-gram space and documents: an example's many words do not dilute the labels.
    assert with_example.space.vocabulary == without.space.vocabulary
    assert (with_example.documents != without.documents).nnz == 0
    # Not even its own text hits it exactly, and its words do not join the typo correction's
    # vocabulary (a writer's typo would become a word; « biogaz » would stop being read as "biogas").
    (cheese,) = tokens("cheese")
    assert cheese not in with_example.words and with_example.words == without.words
    row = with_example.phrase_starts[1] - 1  # the first category's last phrase: the example
    query = clf._query_words(with_example, EXAMPLE["synonym"][0])
    assert with_example.phrase_len[row] == 0
    assert clf._exact_hits(with_example, [query])[row, 0] == 0.0
    as_synonym = _index(EXAMPLE.assign(role="synonym"))
    assert clf._exact_hits(as_synonym, [clf._query_words(as_synonym, EXAMPLE["synonym"][0])])[row, 0] > 0.5


def test_the_shipped_examples_file_reads_and_fits_the_categories():
    examples = pd.read_csv(clf.EXAMPLES_FILE, dtype=str, keep_default_na=False)
    assert list(examples.columns) == ["category_id", "lang", "direction", "text"]
    assert len(examples) > 3000
    assert set(examples["lang"]) == {"fr", "en"}
    assert set(examples["direction"]) == {"supply", "demand"}
    assert set(examples["category_id"]) <= set(load_categories()["category_id"])
    assert (examples["text"].str.split().str.len() >= 2).all()
    assert not examples.duplicated(["category_id", "text"]).any()


def test_every_example_is_written_on_a_side_its_category_is_matched_on():
    examples = pd.read_csv(clf.EXAMPLES_FILE, dtype=str, keep_default_na=False)
    for direction in ("supply", "demand"):
        side = clf.categories_on_side(direction)
        stray = examples[(examples["direction"] == direction) & ~examples["category_id"].isin(side)]
        assert stray.empty, stray.head().to_string()


@pytest.mark.parametrize(
    ("text", "direction", "unit", "category"),
    [
        ("Sludge from the dissolved air flotation unit, fatty", "supply", "t/yr", "dairy_sludge"),
    ],
)
def test_shipped_examples_name_what_firms_type(text, direction, unit, category):
    assert clf.classify(text, top=1, direction=direction, unit=unit)[0].category_id == category
