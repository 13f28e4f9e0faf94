"""The pages' number boxes read as the advisor writes numbers: whole counts and the minimum-value filter."""

from __future__ import annotations

import pytest

from symbiosis.views.typed import MAX_MIN_VALUE_CAD_PER_YR, read_min_value, read_setting


@pytest.mark.parametrize(("typed", "value"), [("15", 15.0), (" 8 ", 8.0), ("1 20", None), ("200", 200.0)])
def test_a_whole_count_is_read_as_typed(typed, value):
    read, why = read_setting(typed, "fr", label="Tables", low=1, high=200, whole=True)
    assert read == value and (why == "") == (value is not None)


@pytest.mark.parametrize("typed", ["12,5", "1,5", "0", "201", "1 500", "quinze", ""])
def test_a_count_with_decimals_or_out_of_range_is_refused_by_name_never_rounded_or_read_as_125(typed):
    # the browser's number box read « 12,5 » tables as 125 and « 1,5 » minutes as 15, silently
    value, why = read_setting(typed, "fr", label="Tables", low=1, high=200, whole=True)
    assert value is None
    assert why.startswith(f"« Tables » : « {typed} » n'est pas un nombre entier entre 1 et 200")
    assert why.endswith("écrivez-le en chiffres, sans décimales.")


def test_a_count_is_refused_in_english_too():
    value, why = read_setting("2.5", "en", label="Time slots", low=1, high=40, whole=True)
    assert value is None
    assert (
        why
        == "“Time slots”: “2.5” is not a whole number between 1 and 40; write it in digits, without decimals."
    )


@pytest.mark.parametrize(
    ("typed", "lang", "value"),
    [
        ("12 500", "fr", 12_500.0),
        ("12\u00a0500,5", "fr", 12_500.5),
        ("12,5", "fr", 12.5),  # 125 in the number box
        ("", "fr", 0.0),  # no minimum
        ("0", "fr", 0.0),
        ("12,500.5", "en", 12_500.5),
    ],
)
def test_the_minimum_value_filter_is_read_as_the_advisor_writes_it(typed, lang, value):
    assert read_min_value(typed, lang) == (value, "")


@pytest.mark.parametrize("typed", ["-5", "beaucoup", "12,5,0", "2 000 000 000", "5 000 $"])
def test_a_wrong_minimum_value_is_refused_by_the_filters_name(typed):
    value, why = read_min_value(typed, "fr")
    assert value == 0.0
    assert why.startswith(f"« Valeur nette minimale ($/an) » : « {typed} » n'est pas un nombre entre 0 et ")
    assert read_min_value(str(MAX_MIN_VALUE_CAD_PER_YR), "fr") == (MAX_MIN_VALUE_CAD_PER_YR, "")
