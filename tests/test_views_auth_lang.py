"""The language cookie: only an interface language is ever read from it or written into its script."""

from __future__ import annotations

import pytest

from symbiosis.views.auth import LANG_COOKIE, lang_cookie_script, lang_from_cookie


@pytest.mark.parametrize(
    ("value", "lang"), [("en", "en"), ("fr", "fr"), ("de", None), ("", None), (None, None)]
)
def test_only_an_interface_language_is_read_from_the_cookie(value, lang):
    assert lang_from_cookie(value) == lang
    assert lang_from_cookie("en'; alert(1)") is None


def test_the_script_writes_the_language_only():
    assert f"{LANG_COOKIE}=en; Path=/;" in lang_cookie_script(
        "en"
    ) and "SameSite=Strict" in lang_cookie_script("en")
    with pytest.raises(ValueError):
        lang_cookie_script("en'; document.cookie='x")
