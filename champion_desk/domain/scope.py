"""A scope: the period, units and tools a figure, list or briefing covers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from champion_desk.domain.dates import format_uk_date
from champion_desk.errors import ValidationError

# Dates a user may ask about. Python's dates end at 9999-12-31, so a period or a bucket computed past
# a date near that end overflowed (a traceback); nothing on a ward is logged outside these years.
EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)


def parse_date(text: str | dt.date, field_name: str = "date") -> dt.date:
    """Parse ``YYYY-MM-DD`` in the years 1900 to 2199; raise ValidationError naming the field otherwise."""
    if isinstance(text, dt.date):
        day = text
    else:
        try:
            day = dt.date.fromisoformat(str(text).strip())
        except ValueError:
            raise ValidationError(
                field_name,
                "must be a date written YYYY-MM-DD",
                f"{field_name}: {text!r} is not a date written YYYY-MM-DD",
            ) from None
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            field_name,
            f"must be in the years {EARLIEST.year} to {LATEST.year}",
            f"{field_name}: {day.isoformat()} is not in the years {EARLIEST.year} to {LATEST.year}",
        )
    return day


def months_before(day: dt.date, months: int) -> dt.date:
    """Return the date ``months`` calendar months before ``day`` (clamped to the month's end)."""
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Scope:
    """Inclusive dates ``date_from``..``date_to``; optional unit and tool names (empty = all)."""

    date_from: dt.date
    date_to: dt.date
    units: tuple[str, ...] = field(default=())
    tools: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.date_from > self.date_to:
            raise ValidationError(
                "from", "must not be after 'to'", f"from: {self.date_from} is after to: {self.date_to}"
            )

    @classmethod
    def last_months(cls, months: int, today: dt.date | None = None, units=(), tools=()) -> Scope:
        """Return the scope of the last ``months`` months up to ``today`` (inclusive)."""
        today = today or dt.date.today()
        return cls(months_before(today, months) + dt.timedelta(days=1), today, tuple(units), tuple(tools))

    @property
    def days(self) -> int:
        """Return the number of days the period covers."""
        return (self.date_to - self.date_from).days + 1

    def previous(self) -> Scope:
        """Return the period of the same length just before this one (same units and tools)."""
        end = self.date_from - dt.timedelta(days=1)
        return Scope(end - dt.timedelta(days=self.days - 1), end, self.units, self.tools)

    def with_dates(self, date_from: dt.date, date_to: dt.date) -> Scope:
        """Return the same units and tools over other dates."""
        return Scope(date_from, date_to, self.units, self.tools)

    def with_tools(self, tools: tuple[str, ...]) -> Scope:
        """Return the same dates and units over other tools."""
        return Scope(self.date_from, self.date_to, self.units, tuple(tools))

    def _which(self) -> str:
        units = ", ".join(self.units) if self.units else "all units"
        tools = ", ".join(self.tools) if self.tools else "all tools"
        return f"{units} · {tools}"

    def describe(self) -> str:
        """Return a one-line human description, e.g. '1 Jan 2026 to 31 Mar 2026 · all units · all tools'."""
        return f"{format_uk_date(self.date_from)} to {format_uk_date(self.date_to)} · {self._which()}"

    def caption(self) -> str:
        """Return the description a person reads on screen, e.g. '1 Jan 2026 to 31 Mar 2026 · all units · all tools'.

        :meth:`describe` keeps ISO dates for the command line and its JSON, as the CLI writes dates.
        """
        return f"{format_uk_date(self.date_from)} to {format_uk_date(self.date_to)} · {self._which()}"
