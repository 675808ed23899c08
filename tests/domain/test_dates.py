"""UK date entry: every way a ward nurse types a day lands on it, and nothing lands elsewhere."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from champion_desk.domain.dates import EARLIEST, LATEST, MONTH_NAMES, format_uk_date, parse_uk_date
from champion_desk.errors import ValidationError

TODAY = dt.date(2026, 12, 7)  # a Monday
days = st.dates(min_value=EARLIEST, max_value=LATEST)


def spellings(day: dt.date) -> list[str]:
    """Return the ways a person may type ``day``."""
    month = MONTH_NAMES[day.month - 1]
    typed = [
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day:02}/{day.month:02}/{day.year}",
        f"{day.day:02}-{day.month:02}-{day.year}",
        f"{day.day}.{day.month}.{day.year}",
        f"{day.day:02}{day.month:02}{day.year}",
        f"{day.day} {month[:3].title()} {day.year}",
        f"{day.day} {month.upper()} {day.year}",
        f"{day.day}th {month}, {day.year}",
        f" {day.isoformat()} ",
        format_uk_date(day),
    ]
    if day.year < 2100:  # a two-digit year is 20yy
        typed += [f"{day.day}/{day.month}/{day.year % 100:02}", f"{day.day:02}{day.month:02}{day.year % 100:02}"]
    return typed


@given(days)
def test_every_spelling_lands_on_the_day(day):
    for text in spellings(day):
        assert parse_uk_date(text, TODAY) == day, text


@given(days)
def test_the_shown_form_reads_back(day):
    assert parse_uk_date(format_uk_date(day), TODAY) == day
    assert format_uk_date(day.isoformat()) == format_uk_date(day)


@given(st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2026, 12, 31)))
def test_a_missing_year_is_this_year(day):
    assert parse_uk_date(f"{day.day}/{day.month}", TODAY) == day
    assert parse_uk_date(f"{day.day} {MONTH_NAMES[day.month - 1][:3]}", TODAY) == day


@given(st.integers(1, 12), st.integers(13, 31))
def test_month_first_is_never_read_as_another_day(month, day):
    with pytest.raises(ValidationError, match="no month"):
        parse_uk_date(f"{month}/{day}/2026", TODAY)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("15/03/2026", dt.date(2026, 3, 15)),  # the case that gave 15 Dec 2026
        ("15 Mar 2026", dt.date(2026, 3, 15)),
        ("15-03-2026", dt.date(2026, 3, 15)),
        ("1/2/26", dt.date(2026, 2, 1)),
        ("today", TODAY),
        ("Yesterday", TODAY - dt.timedelta(days=1)),
        ("mon", TODAY),  # TODAY is a Monday: the latest Monday is today
        ("fri", dt.date(2026, 12, 4)),
        ("sunday", dt.date(2026, 12, 6)),
        ("29/2/2028", dt.date(2028, 2, 29)),
    ],
)
def test_the_cases_named_in_the_issue(text, expected):
    assert parse_uk_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text, says",
    [
        ("31/02/2026", "There is no 31 February 2026"),
        ("29/2/2027", "There is no 29 February 2027"),
        ("15/13/2026", "no month 13"),
        ("15 Smarch 2026", "not a month"),
        ("next week", "not a date"),
        ("1/1/1999", "outside the dates"),
        ("15/3/202", "not a year"),
        ("", "Type a date"),
        ("t", "not a date"),  # "t" could be tue or thu: refused, not guessed
    ],
)
def test_what_is_not_a_day_is_refused_with_a_reason(text, says):
    with pytest.raises(ValidationError, match=says) as error:
        parse_uk_date(text, TODAY, field="held_on")
    assert error.value.field == "held_on"


@given(st.text(max_size=20))
def test_any_text_is_a_day_in_range_or_a_validation_error(text):
    try:
        day = parse_uk_date(text, TODAY)
    except ValidationError:
        return
    assert EARLIEST <= day <= LATEST
