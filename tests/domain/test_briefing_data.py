"""What the briefing collects: figures from metrics, responses only, champions only, redacted text."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from champion_desk.domain import briefing_data
from champion_desk.domain.briefing_data import BriefingCancelled, collect
from champion_desk.domain.metrics import stats
from champion_desk.domain.scope import Scope
from champion_desk.errors import ValidationError
from tests.factories import TODAY
from tests.report.sample import SCOPE, SECRET_DESCRIPTION, SECRET_NAME, SECRET_OWNER, WARD9_CHAMPIONS, OPEN_RESPONSE, build_sample


@pytest.fixture
def data(sample_db):
    return collect(sample_db, SCOPE, made_by="Zoë Adams", today=TODAY)


@pytest.fixture
def sample_db(db):
    build_sample(db)
    return db


def test_figures_are_stats_of_the_scope_and_of_the_previous_period(sample_db, data):
    assert data.figures == stats(sample_db, SCOPE)
    assert data.previous == stats(sample_db, SCOPE.previous())


def test_nothing_collected_holds_a_secret(data):
    blob = repr(dataclasses.asdict(data))
    for secret in (SECRET_NAME, "Quigley", SECRET_DESCRIPTION, SECRET_OWNER, "raised_by", "Colleague 1"):
        assert secret not in blob, secret


def test_responses_per_theme_come_from_resolved_concerns_deduplicated_and_redacted(data):
    # Newest first: the redacted one was resolved most recently.
    assert data.responses["workload and time"] == [
        "Spoke with a colleague; added time on the rota", "Protected 15 minutes a shift to practise"]
    assert data.responses["job security"] == ["Shared the trust's no-job-losses commitment"]
    assert data.responses["accuracy and trust"] == ["Protected 15 minutes a shift to practise"]
    assert OPEN_RESPONSE not in repr(data.responses)  # written on concerns still open


def test_concerns_by_unit_and_barrier_mix(data):
    assert data.concerns_by_unit == {"Ward 7": 3, "Ward 9": 12}
    assert data.barriers["ability"] == 6 and data.barriers["knowledge"] == 6
    assert data.barriers[briefing_data.NOT_RECORDED] == 3
    assert sum(data.barriers.values()) == data.figures["concerns_raised"]


def test_champions_of_the_units_in_scope_with_their_tools(sample_db):
    data = collect(sample_db, dataclasses.replace(SCOPE, units=("Ward 9",)), today=TODAY)
    assert [c["name"] for c in data.champions] == sorted(WARD9_CHAMPIONS, key=str.casefold)
    trainer = next(c for c in data.champions if c["name"] == "Łukasz Wiśniewski")
    assert trainer["tools"] == ["Scribe"]


def test_upcoming_sessions_name_only_champion_trainers(sample_db):
    from champion_desk.store import records

    tool = sample_db.scalar("SELECT id FROM tool WHERE name = 'Scribe'")
    unit = sample_db.scalar("SELECT id FROM unit WHERE name = 'Ward 7'")
    records.insert(sample_db, "training_session", {"tool_id": tool, "unit_id": unit,
                                                   "trainer_id": _non_champion(sample_db),
                                                   "held_on": "2026-12-03", "minutes": 30, "format": "demo"}, "t")
    data = collect(sample_db, SCOPE, today=TODAY)
    assert [(s["held_on"], s["trainer"]) for s in data.upcoming] == [
        ("2026-12-01", "Łukasz Wiśniewski"), ("2026-12-03", "")]


def _non_champion(db) -> str:
    return db.scalar("SELECT id FROM staff WHERE display_name = 'Colleague 3'")


def test_roadmap_lists_tools_with_their_current_stage_per_unit(data):
    (tool,) = data.roadmap
    assert tool["tool"] == "Scribe" and tool["purpose"] == "Less typing, more time with patients"
    assert {(u["unit"], u["stage"]) for u in tool["units"]} == {("Ward 7", "live"), ("Ward 9", "pilot")}


def test_an_empty_period_is_empty(sample_db):
    data = collect(sample_db, Scope(dt.date(2020, 1, 1), dt.date(2020, 3, 31)), today=TODAY)
    assert data.is_empty and not data.responses


def test_unknown_unit_is_a_validation_error(sample_db):
    with pytest.raises(ValidationError):
        collect(sample_db, dataclasses.replace(SCOPE, units=("Nowhere",)), today=TODAY)


def test_progress_can_cancel(sample_db):
    seen = []

    def progress(done, total):
        seen.append(done)
        return len(seen) < 3

    with pytest.raises(BriefingCancelled):
        collect(sample_db, SCOPE, today=TODAY, progress=progress)
    assert len(seen) == 3


def test_bucket_is_weeks_for_a_quarter_and_months_for_a_year():
    assert briefing_data.bucket_for(SCOPE) == "week"
    assert briefing_data.bucket_for(Scope.last_months(12, TODAY)) == "month"
