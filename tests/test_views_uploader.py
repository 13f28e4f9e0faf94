"""The uploader's own texts in French, file sizes as people read them: a style sheet per uploader."""

from __future__ import annotations

import pytest

from symbiosis.views.uploader import file_size_text, uploader_style


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


@pytest.mark.parametrize(
    ("n_bytes", "fr", "en"),
    [
        (430, "430 o", "430 B"),
        (1_250, "1,2 ko", "1.2 kB"),
        (48_000, "47 ko", "47 kB"),
        (int(2.44 * 1024**2), "2,4 Mo", "2.4 MB"),
    ],
)
def test_a_file_size_reads_as_people_write_it(n_bytes, fr, en):
    # Streamlit wrote « 430.0B », « 1.2KB »: no space, a decimal point in French, a pointless « .0 »
    assert (file_size_text(n_bytes, "fr"), file_size_text(n_bytes, "en")) == (fr, en)


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_the_received_files_sizes_are_written_over_streamlits_in_both_languages(lang):
    style = uploader_style("streams_upload", lang, types=["csv"], max_mb=10, sizes={"flux.csv": 430})
    assert style is not None
    size = "430 o" if lang == "fr" else "430 B"
    assert f'[data-testid="stFileChipName"][title="flux.csv"] + *::after {{content: "{size}"' in style


def test_a_file_name_cannot_leave_the_style_sheet():
    style = uploader_style("up", "en", types=["csv"], max_mb=10, sizes={'a"]</style><b>x.csv': 1})
    assert style is not None and style.count("</style>") == 1 and "<b>" not in style
