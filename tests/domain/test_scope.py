"""Dates given on the command line: written YYYY-MM-DD, real, and in the years a ward can mean."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from champion_desk.domain.scope import EARLIEST, LATEST, parse_date
from champion_desk.errors import ValidationError


@pytest.mark.parametrize(
    "text, message",
    [
        ("9999-12-31", "to: 9999-12-31 is not in the years 1900 to 2199"),
        ("0001-01-01", "to: 0001-01-01 is not in the years 1900 to 2199"),
        ("1899-12-31", "to: 1899-12-31 is not in the years 1900 to 2199"),
        ("2200-01-01", "to: 2200-01-01 is not in the years 1900 to 2199"),
        ("2026-02-30", "to: '2026-02-30' is not a date written YYYY-MM-DD"),
        ("31/12/2026", "to: '31/12/2026' is not a date written YYYY-MM-DD"),
    ],
)
def test_dates_outside_the_years_or_not_dates_are_one_line(text, message):
    with pytest.raises(ValidationError, match=message) as caught:
        parse_date(text, "to")
    assert caught.value.field == "to" and "\n" not in str(caught.value)


@given(st.dates())
def test_every_date_is_taken_exactly_when_in_the_years(day):
    if EARLIEST <= day <= LATEST:
        assert parse_date(day.isoformat(), "from") == day
        assert parse_date(day, "from") == day
    else:
        with pytest.raises(ValidationError, match="is not in the years 1900 to 2199"):
            parse_date(day.isoformat(), "from")
