"""The uploader's own texts in French: a style sheet scoped to one uploader, none in English."""

from __future__ import annotations

import pytest

from symbiosis.views.uploader import uploader_style


def test_french_words_replace_streamlits_english_in_one_uploader_only():
    style = uploader_style("streams_upload", "fr", types=["csv", "xlsx"], max_mb=10)
    assert style is not None and style.startswith("<style>") and style.endswith("</style>")
    assert 'content: "Choisir un fichier"' in style
    assert 'content: "10 Mo par fichier • CSV, XLSX"' in style
    rules = [r for r in style.removeprefix("<style>").removesuffix("</style>").split("}") if r]
    assert len(rules) == 4 and all(r.startswith(".st-key-streams_upload ") for r in rules)


def test_english_keeps_streamlits_own_words():
    assert uploader_style("streams_upload", "en", types=["csv"], max_mb=10) is None


@pytest.mark.parametrize("key", ["a b", "x{}", 'k"; color: red', ""])
def test_a_key_that_is_not_a_widget_key_is_refused(key):
    with pytest.raises(ValueError, match="widget key"):
        uploader_style(key, "fr", types=["csv"], max_mb=10)
