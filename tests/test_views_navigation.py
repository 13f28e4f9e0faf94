"""An address no page has is read out of the browser's URL; known, root and odd addresses are not."""

from __future__ import annotations

import pytest

from app_pages.pages import PAGES
from symbiosis.views.navigation import unknown_address

KNOWN = {row[4] for row in PAGES} | {""}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8501/mes-fluxx", "mes-fluxx"),  # a typo
        ("https://symbiose.example.org/ancienne-page/", "ancienne-page"),  # an old bookmark
        ("http://127.0.0.1:8501/mes-flux", None),
        ("http://127.0.0.1:8501/", None),
        ("http://127.0.0.1:8501", None),
        ("http://127.0.0.1:8501/a/b", None),  # nested: not a page address Streamlit could serve
        ("http://127.0.0.1:8501/%3Cscript%3E", None),
        ("http://127.0.0.1:8501/" + "x" * 200, None),
        (None, None),
        ("", None),
    ],
)
def test_unknown_addresses_are_read_from_the_url(url, expected):
    assert unknown_address(url, KNOWN) == expected


def test_the_servers_base_path_is_not_taken_for_a_page():
    assert unknown_address("http://h/symbiose/", KNOWN, base_path="/symbiose") is None
    assert unknown_address("http://h/symbiose/mes-flux", KNOWN, base_path="symbiose") is None
    assert unknown_address("http://h/symbiose/rapportz", KNOWN, base_path="symbiose/") == "rapportz"
    assert unknown_address("http://h/ailleurs/x", KNOWN, base_path="symbiose") is None
