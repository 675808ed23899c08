"""Time series for the dashboard and the CLI: one row per week or month, each equal to ``stats`` over its dates.

The rows are built by the same per-period functions ``metrics.stats`` uses (``training_figures``,
``concern_figures``, ``mentoring_figures``), called once with every bucket: a few grouped queries
in all, never one ``stats`` call per bucket, and never a second definition of a figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from champion_desk.domain import breakdowns, metrics
from champion_desk.domain.metrics import Period
from champion_desk.domain.scope import Scope
from champion_desk.errors import ValidationError
from champion_desk.store.database import Database

BUCKETS = ("week", "month")
SERIES = ("training", "concerns", "mentoring", "units", "readiness")

# The figures each time series carries, named exactly as in ``stats``.
SERIES_KEYS: dict[str, tuple[str, ...]] = {
    "training": metrics.TRAINING_KEYS,
    "concerns": metrics.CONCERN_KEYS,
    "mentoring": metrics.MENTORING_KEYS,
}

# Every key of a row of each series, in order (the CSV header even when there are no rows).
ROW_KEYS: dict[str, tuple[str, ...]] = {
    **{name: ("start", "end", *keys) for name, keys in SERIES_KEYS.items()},
    "units": ("start", "end", "unit", *metrics.STAFF_KEYS, "training_coverage", "signed_off_staff"),
    "readiness": ("start", "end", "unit", "tool", "taken_on", "respondents", *breakdowns.ADKAR, "barrier_point"),
}


def buckets(scope: Scope, bucket: str) -> list[Period]:
    """Return the (start, end) dates of every bucket covering the scope, in order, empty ones included.

    ``week`` buckets are ISO weeks (Monday to Sunday); ``month`` buckets are calendar months. The
    first and last buckets are clipped to the scope's dates. Raises ValidationError for another bucket.
    """
    if bucket not in BUCKETS:
        raise ValidationError("bucket", "must be week or month", f"bucket: {bucket!r} is not week or month")
    out: list[Period] = []
    start = scope.date_from
    while start <= scope.date_to:
        if bucket == "week":
            natural_end = start + dt.timedelta(days=6 - start.weekday())
        else:
            following = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
            natural_end = following - dt.timedelta(days=1)
        end = min(natural_end, scope.date_to)
        out.append((start, end))
        start = end + dt.timedelta(days=1)
    return out


def series(db: Database, name: str, scope: Scope, bucket: str = "month") -> list[dict[str, Any]]:
    """Return the rows of one series over a scope.

    ``training``, ``concerns`` and ``mentoring``: one row per bucket (see ``buckets``) holding
    ``start`` and ``end`` (ISO dates) and the figures of ``SERIES_KEYS[name]``, each equal to
    ``stats(db, scope.with_dates(start, end))[key]``. ``units``: one row per unit in scope over the
    whole scope (``breakdowns.unit_breakdown`` without refreshers_due); ``readiness``: the latest pulse per unit and tool
    (``breakdowns.readiness``); both rows carry the scope's ``start`` and ``end``. Raises
    ValidationError for an unknown series, bucket, unit or tool.
    """
    return series_set(db, (name,), scope, bucket)[name]


def series_set(db: Database, names: Sequence[str], scope: Scope, bucket: str = "month") -> dict[str, list[dict[str, Any]]]:
    """Return ``{name: series(db, name, scope, bucket)}`` for several series, computing what they share once.

    The dashboard draws every series of a scope at once: the scope's units and tools are resolved
    once, and the training series and the unit comparison read the staff list and each colleague's
    coverage in one query (``metrics.staff_coverage``) instead of two. Each list is exactly what
    ``series`` returns. Raises ValidationError as ``series`` does.
    """
    for name in names:
        if name not in SERIES:
            raise ValidationError("series", f"must be one of {', '.join(SERIES)}", f"series: {name!r} is not one of {', '.join(SERIES)}")
    periods = buckets(scope, bucket)
    f = metrics.resolve(db, scope)
    ends = [end for _, end in periods]
    first, last = min(ends), max(ends)  # last is the scope's end
    staff_rows: list[dict[str, Any]] | None = None
    coverage: metrics.StaffCoverage | None = None
    if "training" in names and "units" in names:
        if first == last:
            staff_rows = metrics.staff_by_unit(db, f, last)
        else:
            coverage = metrics.staff_coverage(db, f, first, last)
            staff_rows = coverage.staff_by_unit()
    out: dict[str, list[dict[str, Any]]] = {}
    edges = {"start": scope.date_from.isoformat(), "end": scope.date_to.isoformat()}
    for name in names:
        if name == "units":
            # The unit comparison chart needs no refresher counts, and they cost ~0.3 s at trust scale.
            out[name] = [edges | row for row in breakdowns.unit_breakdown(db, scope, with_refreshers=False, staff_rows=staff_rows)]
        elif name == "readiness":
            out[name] = [edges | row for row in breakdowns.readiness(db, scope)]
        else:
            if name == "training":
                figures = metrics.training_figures(db, f, periods, staff_rows if first == last else None, coverage)
            else:
                figures = {"concerns": metrics.concern_figures, "mentoring": metrics.mentoring_figures}[name](db, f, periods)
            out[name] = [
                {"start": start.isoformat(), "end": end.isoformat(), **{k: row[k] for k in SERIES_KEYS[name]}}
                for (start, end), row in zip(periods, figures)
            ]
    return out
