"""series_set: several series of one scope at once (the dashboard's redraw), each exactly as ``series``."""

from __future__ import annotations

import datetime as dt

import pytest

from champion_desk.domain.scope import Scope
from champion_desk.domain.series import SERIES, series, series_set
from champion_desk.errors import ValidationError
from tests.domain.test_series import build_random

D = dt.date.fromisoformat


def test_each_series_of_a_set_equals_series_alone(db):
    build_random(db, 1)
    for units, tools in [((), ()), (("Ward A", "Ward C"), ()), (("Ward B",), ("Sepsis",))]:
        # A long scope, a one-bucket scope (a single end) and a one-day scope.
        for start, end in [("2025-03-19", "2026-02-10"), ("2025-06-03", "2025-06-20"), ("2025-06-03", "2025-06-03")]:
            scope = Scope(D(start), D(end), units, tools)
            for bucket in ("week", "month"):
                together = series_set(db, SERIES, scope, bucket)
                assert list(together) == list(SERIES)
                for name in SERIES:
                    assert together[name] == series(db, name, scope, bucket), (name, scope, bucket)
                # The grouped aggregates read on a second connection in a worker thread: the same rows.
                assert series_set(db, SERIES, scope, bucket, concurrent=True) == together
                assert series_set(db, ("units", "training"), scope, bucket) == {
                    "units": together["units"],
                    "training": together["training"],
                }


def test_a_set_refuses_what_series_refuses(db):
    scope = Scope(D("2026-01-01"), D("2026-03-31"))
    with pytest.raises(ValidationError) as err:
        series_set(db, ("training", "weather"), scope, "month")
    assert err.value.field == "series"
    with pytest.raises(ValidationError) as err:
        series_set(db, ("training",), scope, "fortnight")
    assert err.value.field == "bucket"
    with pytest.raises(ValidationError) as err:
        series_set(db, ("units",), Scope(D("2026-01-01"), D("2026-03-31"), ("Nowhere",)), "month")
    assert err.value.field == "unit"


def test_concurrent_reads_fall_back_to_the_one_connection(db, monkeypatch):
    from champion_desk.domain import series as series_module

    build_random(db, 2)
    scope = Scope(D("2025-03-19"), D("2026-02-10"))
    expected = series_set(db, SERIES, scope, "month")
    seen: list[str] = []
    assert series_set(db, SERIES, scope, "month", concurrent=True, trace=seen.append) == expected
    assert seen, "the second connection ran the grouped aggregates"
    # Inside an open transaction a second connection would not see its changes: all on db.
    seen.clear()
    with db.transaction():
        assert series_set(db, SERIES, scope, "month", concurrent=True, trace=seen.append) == expected
    assert seen == []

    # A second connection that cannot be opened: read on db instead.
    def refuse(*_a, **_k):
        raise OSError("no second connection")

    monkeypatch.setattr(series_module, "connect", refuse)
    assert series_set(db, SERIES, scope, "month", concurrent=True) == expected


def test_a_second_connection_that_fails_while_reading_leaves_the_reading_to_db(db, monkeypatch):
    from champion_desk.domain import metrics as metrics_module

    build_random(db, 1)
    scope = Scope(D("2025-03-19"), D("2026-02-10"))
    expected = series_set(db, SERIES, scope, "week")
    original = metrics_module.concern_figures

    def fails_on_the_reader(conn, f, periods):
        if conn is not db:
            raise RuntimeError("the second connection cannot read")
        return original(conn, f, periods)

    monkeypatch.setattr(metrics_module, "concern_figures", fails_on_the_reader)
    assert series_set(db, SERIES, scope, "week", concurrent=True) == expected
