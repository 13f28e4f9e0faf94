"""The event's start time read as people write it in Québec (« 9 h 30 »), and refused when it is not one."""

from __future__ import annotations

import pytest

from symbiosis.events.clock import read_start


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("9 h 30", "09:30"),
        ("9h30", "09:30"),
        ("9 h", "09:00"),
        ("13h", "13:00"),
        ("9", "09:00"),
        ("09:00", "09:00"),
        ("9:05", "09:05"),
        ("14.45", "14:45"),
        (" 8 H 15 ", "08:15"),
    ],
)
def test_the_usual_spellings_of_a_time_are_read(typed, read):
    assert read_start(typed) == read


@pytest.mark.parametrize(
    "typed", ["25:99", "24 h", "9 h 75", "", "   ", "midi", "9 h 3", "x" * 5000, "9h30pm"]
)
def test_what_is_not_a_time_of_day_is_refused(typed):
    with pytest.raises(ValueError, match="not a time of day"):
        read_start(typed)
