"""Time series for the dashboard and the CLI: one row per week or month, each equal to ``stats`` over its dates.

The rows are built by the same per-period functions ``metrics.stats`` uses (``training_figures``,
``concern_figures``, ``mentoring_figures``), called once with every bucket: a few grouped queries
in all, never one ``stats`` call per bucket, and never a second definition of a figure.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from champion_desk.domain import breakdowns, metrics
from champion_desk.domain.metrics import Period
from champion_desk.domain.scope import Scope
from champion_desk.errors import ValidationError
from champion_desk.store.connection import Database, connect

BUCKETS = ("week", "month")
# Enough for 100 years by month or 23 by week. Each bucket costs a little in every grouped query and
# chart, and more than linearly: 15,600 weeks took 5.7 s, 105,000 (from year 1) 326 s.
MAX_BUCKETS = 1200
SERIES = ("training", "concerns", "mentoring", "units", "readiness", "adoption", "ideas")

# The figures each time series carries, named exactly as in ``stats``.
SERIES_KEYS: dict[str, tuple[str, ...]] = {
    "training": metrics.TRAINING_KEYS,
    "concerns": metrics.CONCERN_KEYS,
    "mentoring": metrics.MENTORING_KEYS,
    "adoption": metrics.ADOPTION_KEYS,
    "ideas": metrics.IDEA_KEYS,
}

# Every key of a row of each series, in order (the CSV header even when there are no rows).
ROW_KEYS: dict[str, tuple[str, ...]] = {
    **{name: ("start", "end", *keys) for name, keys in SERIES_KEYS.items()},
    "units": ("start", "end", "unit", *metrics.STAFF_KEYS, "training_coverage", "signed_off_staff"),
    "readiness": ("start", "end", "unit", "tool", "taken_on", "respondents", *breakdowns.ADKAR, "barrier_point"),
}


def years_to_print(years: Sequence[int | str | None]) -> list[bool]:
    """Return, for each labelled bucket's year (None: a bucket left unlabelled), whether its label
    carries the year: the first labelled one and each one whose year differs from the last labelled.

    The one rule for the dashboard and the briefing: "Jan" alone could be any January, so the first
    label is always dated ("Dec 2025") and so is the first of each new year ("Jan 2026").
    """
    out: list[bool] = []
    last: int | str | None = None
    for year in years:
        out.append(year is not None and year != last)
        if year is not None:
            last = year
    return out


def buckets(scope: Scope, bucket: str) -> list[Period]:
    """Return the (start, end) dates of every bucket covering the scope, in order, empty ones included.

    ``week`` buckets are ISO weeks (Monday to Sunday); ``month`` buckets are calendar months. The
    first and last buckets are clipped to the scope's dates. Raises ValidationError for another bucket
    or for more than ``MAX_BUCKETS`` of them.
    """
    if bucket not in BUCKETS:
        raise ValidationError("bucket", "must be week or month", f"bucket: {bucket!r} is not week or month")
    first, last = scope.date_from, scope.date_to
    if bucket == "week":
        count = (last - (first - dt.timedelta(days=first.weekday()))).days // 7 + 1
    else:
        count = (last.year * 12 + last.month) - (first.year * 12 + first.month) + 1
    if count > MAX_BUCKETS:
        raise ValidationError(
            "bucket",
            f"at most {MAX_BUCKETS:,} per series",
            f"bucket: {first.isoformat()} to {last.isoformat()} makes {count:,} {bucket}s; a series has at most "
            f"{MAX_BUCKETS:,} (choose a shorter period{', or months instead of weeks' if bucket == 'week' else ''})",
        )
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

    ``training``, ``concerns``, ``mentoring`` and ``ideas``: one row per bucket (see ``buckets``) holding
    ``start`` and ``end`` (ISO dates) and the figures of ``SERIES_KEYS[name]``, each equal to
    ``stats(db, scope.with_dates(start, end))[key]``. ``units``: one row per unit in scope over the
    whole scope (``breakdowns.unit_breakdown`` without refreshers_due); ``readiness``: the latest pulse per unit and tool
    (``breakdowns.readiness``); both rows carry the scope's ``start`` and ``end``. Raises
    ValidationError for an unknown series, bucket, unit or tool.
    """
    return series_set(db, (name,), scope, bucket)[name]


def series_set(
    db: Database,
    names: Sequence[str],
    scope: Scope,
    bucket: str = "month",
    concurrent: bool = False,
    trace: Callable[[str], None] | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """Return ``{name: series(db, name, scope, bucket)}`` for several series, computing what they share once.

    The dashboard draws every series of a scope at once: the scope's units and tools are resolved
    once, and the training series and the unit comparison read the staff list and each colleague's
    coverage in one query (``metrics.staff_coverage``) instead of two. Each list is exactly what
    ``series`` returns. Raises ValidationError as ``series`` does.

    ``concurrent``: the grouped aggregates (training activity, concerns, readiness), which return few rows,
    are read meanwhile in a worker thread on a second, read-only connection to the same file,
    opened for this call and closed before it returns. SQLite runs them without Python's GIL,
    while this thread reads staff coverage and mentoring. Not for an in-memory
    database, inside an open transaction (a second connection would not see its changes), or when
    the second connection cannot be opened: then all is read on ``db``. ``trace``, if given, is
    the second connection's trace callback (the benchmarks capture a redraw's SQL with it).
    """
    for name in names:
        if name not in SERIES:
            raise ValidationError(
                "series", f"must be one of {', '.join(SERIES)}", f"series: {name!r} is not one of {', '.join(SERIES)}"
            )
    periods = buckets(scope, bucket)
    f = metrics.resolve(db, scope)
    ends = [end for _, end in periods]
    first, last = min(ends), max(ends)  # last is the scope's end
    aside_names = tuple(n for n in ("training", "concerns", "readiness") if n in names)
    later = None
    if concurrent and aside_names and db.path is not None and not db.conn.in_transaction:
        later = _worker().submit(_read_aside, db.path, scope, f, periods, aside_names, trace)
    try:
        staff_rows: list[dict[str, Any]] | None = None
        coverage: metrics.StaffCoverage | None = None
        if "training" in names and "units" in names:
            if first == last:
                staff_rows = metrics.staff_by_unit(db, f, last)
            else:
                coverage = metrics.staff_coverage(db, f, first, last)
                staff_rows = coverage.staff_by_unit()
        elif "training" in names and first != last:
            coverage = metrics.staff_coverage(db, f, first, last)
        out: dict[str, list[dict[str, Any]]] = {}
        edges = {"start": scope.date_from.isoformat(), "end": scope.date_to.isoformat()}
        if "units" in names:
            # The unit comparison chart needs no refresher counts, and they cost ~0.3 s at trust scale.
            out["units"] = [
                edges | row
                for row in breakdowns.unit_breakdown(db, scope, with_refreshers=False, staff_rows=staff_rows)
            ]
        if "mentoring" in names:
            out["mentoring"] = _rows(periods, "mentoring", metrics.mentoring_figures(db, f, periods))
        if "ideas" in names:
            out["ideas"] = _rows(periods, "ideas", metrics.idea_figures(db, f, periods))
    finally:
        aside = later.result() if later is not None else None  # always wait: the worker holds a connection
    if aside is None:
        aside = {}
    if "training" in names:
        figures = metrics.training_figures(
            db, f, periods, staff_rows if first == last else None, coverage, aside.get("training")
        )
        out["training"] = _rows(periods, "training", figures)
    if "concerns" in names:
        out["concerns"] = _rows(periods, "concerns", aside.get("concerns") or metrics.concern_figures(db, f, periods))
    if "adoption" in names:
        out["adoption"] = _rows(periods, "adoption", metrics.adoption_figures(db, f, periods))
    if "readiness" in names:
        readiness = aside.get("readiness")
        out["readiness"] = [
            edges | row for row in (breakdowns.readiness(db, scope) if readiness is None else readiness)
        ]
    return {name: out[name] for name in names}


def _rows(periods: Sequence[metrics.Period], name: str, figures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"start": start.isoformat(), "end": end.isoformat(), **{k: row[k] for k in SERIES_KEYS[name]}}
        for (start, end), row in zip(periods, figures)
    ]


_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _worker() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="series")
        return _pool


def _read_aside(
    path,
    scope: Scope,
    f: metrics.Filter,
    periods: Sequence[metrics.Period],
    names: tuple[str, ...],
    trace: Callable[[str], None] | None,
) -> dict[str, list[dict[str, Any]]] | None:
    """Read the grouped aggregates of ``names`` on a connection of its own.

    Returns None when that connection cannot be opened or read (e.g. a read-only folder without
    the WAL index): the caller then reads them on its own connection, which reports any error.
    """
    try:
        reader = Database(connect(path, readonly=True), path, True)
    except Exception:  # noqa: BLE001 - see above
        return None
    try:
        if trace is not None:
            reader.conn.set_trace_callback(trace)
        out: dict[str, list[dict[str, Any]]] = {}
        if "training" in names:
            out["training"] = metrics.training_activity(reader, f, periods)
        if "concerns" in names:
            out["concerns"] = metrics.concern_figures(reader, f, periods)
        if "readiness" in names:
            out["readiness"] = breakdowns.readiness(reader, scope)
        return out
    except Exception:  # noqa: BLE001 - see above
        return None
    finally:
        reader.close()
