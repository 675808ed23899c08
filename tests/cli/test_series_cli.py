"""``champion-desk series`` run as a user would: in a subprocess, over a small hand-built database."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest

from champion_desk.store.database import open_database
from tests.domain.test_metrics import build_trust, themes


def run(db_path, *args):
    return subprocess.run(
        [sys.executable, "-m", "champion_desk", "--db", str(db_path), "series", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def desk(db_path):
    db = open_database(db_path)
    build_trust(db)
    db.close()
    return db_path


Q1 = ("--from", "2026-01-01", "--to", "2026-03-31")


def test_json_concerns_by_month(desk):
    result = run(desk, "concerns", "--bucket", "month", *Q1, "--format", "json")
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert (out["series"], out["bucket"]) == ("concerns", "month")
    # The hand-worked months of tests/domain/test_series.py: raised 1, 2, 1; open 1, 3, 3.
    assert [(r["start"], r["end"], r["concerns_raised"], r["concerns_open"]) for r in out["rows"]] == [
        ("2026-01-01", "2026-01-31", 1, 1),
        ("2026-02-01", "2026-02-28", 2, 3),
        ("2026-03-01", "2026-03-31", 1, 3),
    ]
    assert out["rows"][1]["concerns_by_theme"] == themes(job_security=1, human_connection=1)
    assert out["rows"][1]["median_days_to_resolution"] is None


def test_csv_flattens_themes_and_leaves_nulls_empty(desk):
    result = run(desk, "concerns", "--bucket", "month", *Q1, "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    header = result.stdout.splitlines()[0].split(",")
    assert header[:3] == ["start", "end", "concerns_raised"]
    assert "concerns_by_theme.job security" in header and "concerns_by_theme.other" in header
    assert len([c for c in header if c.startswith("concerns_by_theme.")]) == 9
    assert [r["concerns_by_theme.job security"] for r in rows] == ["1", "1", "0"]
    assert [r["median_days_to_resolution"] for r in rows] == ["22.5", "", "49.0"]


def test_weekly_training_json_with_unit_filter(desk):
    result = run(desk, "training", "--bucket", "week", "--from", "2026-01-01", "--to", "2026-01-11", "--unit", "Ward B")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    # Thu 1 Jan - Sun 4 Jan, then Mon 5 - Sun 11. Ward B staff c6 s7 s8 s9: c6 (X1 on 1 Jan) and s7
    # (X3 on 31 Dec) covered -> 2 / 4 in both weeks; no sessions on Ward B in those days.
    assert [(r["start"], r["end"], r["sessions"], r["training_coverage"]) for r in rows] == [
        ("2026-01-01", "2026-01-04", 0, 0.5),
        ("2026-01-05", "2026-01-11", 0, 0.5),
    ]


def test_units_and_mentoring_csv(desk):
    units = list(csv.DictReader(io.StringIO(run(desk, "units", "--bucket", "month", *Q1, "--format", "csv").stdout)))
    assert [(r["unit"], r["staff_active"], r["training_coverage"]) for r in units] == [
        ("Ward A", "3", "1.0"),
        ("Ward B", "4", "0.75"),
    ]
    mentoring = list(
        csv.DictReader(io.StringIO(run(desk, "mentoring", "--bucket", "month", *Q1, "--format", "csv").stdout))
    )
    assert [r["stalled_pairings"] for r in mentoring] == ["1", "3", "2"]


def test_default_period_is_twelve_months_to_today(desk):
    result = run(desk, "mentoring", "--bucket", "month")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["rows"]
    # Twelve months back from today, clipped at both ends: 12 or 13 calendar months.
    assert len(rows) in (12, 13)


@pytest.mark.parametrize(
    "args,message",
    [
        (("training", "--bucket", "week", "--unit", "Ward Z"), "unit"),
        (("training", "--bucket", "week", "--tool", "Crystal ball"), "tool"),
        (("training", "--bucket", "week", "--from", "2026-05-01", "--to", "2026-04-01"), "from"),
        (("training", "--bucket", "week", "--from", "first of May"), "from"),
    ],
)
def test_bad_scope_is_one_clear_line_and_non_zero(desk, args, message):
    result = run(desk, *args)
    assert result.returncode == 1
    assert result.stderr.startswith("champion-desk: error:") and message in result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_unknown_series_or_bucket_is_a_usage_error(desk):
    assert run(desk, "weather", "--bucket", "week").returncode == 2
    assert run(desk, "training", "--bucket", "day").returncode == 2
    assert run(desk, "training").returncode == 2  # --bucket is required


def test_missing_database_is_reported(tmp_path):
    result = run(tmp_path / "none.db", "training", "--bucket", "week")
    assert result.returncode == 1 and "No database" in result.stderr
    assert not (tmp_path / "none.db").exists()


def test_csv_of_an_empty_series_still_has_its_header(db_path):
    open_database(db_path).close()
    result = run(db_path, "readiness", "--bucket", "month", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "start,end,unit,tool,taken_on,respondents,awareness,desire,knowledge,ability,reinforcement,barrier_point"
    ]
