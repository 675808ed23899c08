"""Dates as UK ward staff type and read them: day before month, "15 Mar 2026" on screen.

A date typed into the app goes through :func:`parse_uk_date`, which either lands on the day
meant or raises a :class:`ValidationError` naming the field; it never guesses a different day
(``15/03/2026`` is 15 March, never read month first, and ``03/15/2026`` is refused).
"""

from __future__ import annotations

import datetime as dt
import re

from champion_desk.errors import ValidationError

EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)
EXAMPLES = "e.g. 15/03/2026, 15 Mar 2026, today, yesterday or mon"
RULE = "must be a date, day first"

MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
RELATIVE = {"today": 0, "yesterday": -1, "tomorrow": 1}

# Digits with any of the separators people type, or letters (a month or day name); ordinals
# ("15th") and commas are dropped first.
_TOKEN = re.compile(r"\d+|[a-z]+")
_ORDINAL = re.compile(r"(\d)(st|nd|rd|th)\b")


def format_uk_date(value: str | dt.date | None) -> str:
    """Return a date as ``15 Mar 2026`` (unambiguous on any ward PC), or '' for None or ''.

    A string that is not an ISO date is returned as it is, so a damaged value still shows.
    """
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    return f"{value.day} {MONTH_NAMES[value.month - 1][:3].title()} {value.year}"


def _month(word: str) -> int | None:
    """Return the month a name or its first three letters or more stand for, else None."""
    if len(word) < 3:
        return None
    for number, name in enumerate(MONTH_NAMES, start=1):
        if name.startswith(word):
            return number
    return None


def _weekday(word: str) -> int | None:
    if len(word) < 2:
        return None
    matches = [number for number, name in enumerate(WEEKDAY_NAMES) if name.startswith(word)]
    return matches[0] if len(matches) == 1 else None


def _year(token: str, field: str) -> int:
    if len(token) == 2:
        return 2000 + int(token)  # the app's dates run from 2000: '26' is 2026
    if len(token) == 4:
        return int(token)
    raise ValidationError(field, RULE, f"“{token}” is not a year: write it as 2026 or 26.")


def _build(year: int, month: int, day: int, field: str) -> dt.date:
    if not 1 <= month <= 12:
        raise ValidationError(field, RULE, f"There is no month {month}: dates are written day first ({EXAMPLES}).")
    try:
        return dt.date(year, month, day)
    except ValueError:
        name = MONTH_NAMES[month - 1].title()
        raise ValidationError(field, RULE, f"There is no {day} {name} {year}.") from None


def _parse(text: str, today: dt.date, field: str) -> dt.date:
    words = _TOKEN.findall(_ORDINAL.sub(r"\1", text.casefold()))
    if not words:
        raise ValidationError(field, RULE, f"Type a date ({EXAMPLES}).")
    letters = [w for w in words if w.isalpha()]
    numbers = [w for w in words if w.isdigit()]
    if len(words) == 1 and letters:
        word = letters[0]
        if word in RELATIVE:
            return today + dt.timedelta(days=RELATIVE[word])
        weekday = _weekday(word)
        if weekday is not None:
            # The latest such day up to today: "mon" logged on a Monday is that Monday.
            return today - dt.timedelta(days=(today.weekday() - weekday) % 7)
    if len(letters) == 1 and 1 <= len(numbers) <= 2:
        month = _month(letters[0])
        if month is None:
            raise ValidationError(field, RULE, f"“{letters[0]}” is not a month ({EXAMPLES}).")
        if len(numbers) == 2 and len(numbers[0]) == 4:  # "2026 Mar 15"
            numbers = [numbers[1], numbers[0]]
        year = _year(numbers[1], field) if len(numbers) == 2 else today.year
        return _build(year, month, int(numbers[0]), field)
    if letters:
        raise ValidationError(field, RULE, f"“{text.strip()}” is not a date ({EXAMPLES}).")
    if len(numbers) == 1 and len(numbers[0]) in (6, 8):  # 15032026 or 150326, typed without separators
        digits = numbers[0]
        numbers = [digits[:2], digits[2:4], digits[4:]]
    if len(numbers) == 3 and len(numbers[0]) == 4:  # ISO, year first: unambiguous
        return _build(int(numbers[0]), int(numbers[1]), int(numbers[2]), field)
    if len(numbers) in (2, 3) and all(len(n) <= 2 for n in numbers[:2]):
        year = _year(numbers[2], field) if len(numbers) == 3 else today.year
        return _build(year, int(numbers[1]), int(numbers[0]), field)
    raise ValidationError(field, RULE, f"“{text.strip()}” is not a date ({EXAMPLES}).")


def parse_uk_date(text: str, today: dt.date | None = None, field: str = "date") -> dt.date:
    """Return the day ``text`` names, read day first as in the UK.

    Understands ``15/03/2026``, ``15-3-26``, ``15.03.2026``, ``15032026``, ``15 Mar 2026``,
    ``15th March``, ``2026-03-15``, ``today``, ``yesterday``, ``tomorrow`` and a weekday name
    (``mon``: the latest Monday up to today); a missing year is this year's.
    Raises ValidationError (naming ``field``) for anything else, an impossible day such as
    31 February, or a day outside 2000–2100.
    """
    day = _parse(text, today or dt.date.today(), field)
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            field,
            RULE,
            f"{format_uk_date(day)} is outside the dates this logbook keeps "
            f"({format_uk_date(EARLIEST)} to {format_uk_date(LATEST)}).",
        )
    return day
