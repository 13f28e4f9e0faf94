"""The naive Bayes part of the classifier's score: every n-gram of a text weighed against every phrase
of each category at once, spread over the categories the declaration allows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from symbiosis.kb import classify as clf
from tests.test_classifier_examples import CATEGORIES  # three categories, labels only

#: Several firms' wordings of a dairy's sludge, none of them close to the query on its own.
EXAMPLES = pd.DataFrame(
    {
        "category_id": ["a_dairy"] * 3,
        "lang": ["en"] * 3,
        "synonym": ["cheese plant skimmings", "whey and curd fines", "creamery pretreatment residue"],
        "direction": ["supply"] * 3,
        "role": ["example"] * 3,
    }
)


@pytest.fixture(scope="module")
def index() -> clf._Index:
    return clf._build_index(CATEGORIES, EXAMPLES, {})


def _embedded(index: clf._Index, texts: list[str]):
    return clf._embed(index, [clf._query_words(index, t) for t in texts])


def test_each_category_holds_a_probability_distribution_over_the_ngrams(index):
    assert index.log_likelihood.shape == (len(CATEGORIES), len(index.space.vocabulary))
    np.testing.assert_allclose(np.exp(index.log_likelihood).sum(axis=1), 1.0)
    # Smoothed: an n-gram none of a category's phrases has is unlikely, never impossible.
    assert np.isfinite(index.log_likelihood).all()


def test_the_posterior_adds_up_clues_no_single_phrase_holds(index):
    text = "skimmings, whey fines and creamery residue"
    posterior = clf._posterior(index, _embedded(index, [text]))[0]
    np.testing.assert_allclose(posterior.sum(), 1.0)
    assert np.argmax(posterior) == 0 and posterior[0] > 0.9
    # The likeness to the best phrase alone is far less sure of it.
    similarity = clf._score_parts(index, [text], "en")[0][0]
    assert similarity[0] < 0.6


def test_the_posterior_reads_the_text_alone_and_the_declaration_rules_categories_out_after():
    # Bark declared in MWh: no energy category is named. Spread over the categories the unit allows,
    # the least unlikely of them (a steam band) took the whole posterior and passed the threshold at
    # which the importer replaces a category that does not fit the unit; over every category, bark
    # takes it and is then ruled out by the unit, and the energy categories stay unsure.
    from symbiosis.ingest.category_inference import CORRECTION_MIN_SCORE

    found = clf.classify("écorces", direction="supply", unit="MWh/an", top=3)
    assert all(s.kind == "energy" for s in found)
    assert all(s.score < CORRECTION_MIN_SCORE for s in found)


def test_a_text_with_no_ngram_has_no_posterior(index):
    posterior = clf._posterior(index, _embedded(index, ["", "sludge"]))
    assert (posterior[0] == 0.0).all()
    assert posterior[1].sum() == pytest.approx(1.0)


def test_the_four_weights_keep_the_score_within_zero_and_one(index):
    assert pytest.approx(1.0) == clf.W_PHRASE + clf.W_DOC + clf.W_EXACT + clf.W_BAYES
    scores = clf._scores(index, ["Boues de laiterie", "Dairy wastewater sludge", "xyz"], None)
    assert (scores >= 0.0).all() and (scores <= 1.0 + 1e-9).all()


def test_a_demand_naming_two_materials_keeps_their_common_outlet_despite_the_posterior():
    # The posterior picks one of the two named materials; the several-materials reading compares the
    # materials by likeness, so the second is not lost below the share by the first one's posterior.
    found = clf.classify(
        "Usine de granules : on achète sciure sèche et copeaux de rabotage", direction="demand", unit="t/an"
    )
    assert found[0].category_id == "pellet_feedstock"
