"""Time series for the dashboard and the CLI: one row per week or month, each equal to ``stats`` over its dates.

The rows are built by the same per-period functions ``metrics.stats`` uses (``training_figures``,
``concern_figures``, ``mentoring_figures``), called once with every bucket: a few grouped queries
in all, never one ``stats`` call per bucket, and never a second definition of a figure.
"""

from __future__ import annotations

import datetime as dt
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
    if name not in SERIES:
        raise ValidationError("series", f"must be one of {', '.join(SERIES)}", f"series: {name!r} is not one of {', '.join(SERIES)}")
    periods = buckets(scope, bucket)
    f = metrics.resolve(db, scope)
    if name in ("units", "readiness"):
        # The unit comparison chart needs no refresher counts, and they cost ~0.3 s at trust scale.
        rows = breakdowns.unit_breakdown(db, scope, with_refreshers=False) if name == "units" else breakdowns.readiness(db, scope)
        edges = {"start": scope.date_from.isoformat(), "end": scope.date_to.isoformat()}
        return [edges | row for row in rows]
    compute = {
        "training": metrics.training_figures,
        "concerns": metrics.concern_figures,
        "mentoring": metrics.mentoring_figures,
    }[name]
    figures = compute(db, f, periods)
    return [
        {"start": start.isoformat(), "end": end.isoformat(), **{k: row[k] for k in SERIES_KEYS[name]}}
        for (start, end), row in zip(periods, figures)
    ]
