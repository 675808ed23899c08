"""Next-step rules: each fires on a hand-built fixture and stays silent just below its threshold."""

from __future__ import annotations

import datetime as dt

import pytest

from champion_desk.domain import next_steps
from champion_desk.domain.dates import format_uk_date
from champion_desk.domain.scope import Scope
from champion_desk.errors import ValidationError
from champion_desk.store import records

END = dt.date(2026, 11, 26)
SCOPE = Scope(dt.date(2026, 9, 1), END)  # 87 days; the previous period is 2026-06-06 .. 2026-08-31


def day(days_before_end: int) -> str:
    return (END - dt.timedelta(days=days_before_end)).isoformat()


@pytest.fixture
def unit(db, ward):
    """The ward of tests/factories.py, its tool live there since well before the scope."""
    records.insert(
        db, "rollout", {"tool_id": ward["tool"], "unit_id": ward["unit"], "stage": "live", "since": "2026-01-05"}, "t"
    )
    return ward


def rules(db, rule, scope=SCOPE, today=END):
    return [s for s in next_steps.suggestions(db, scope, today=today) if s.rule == rule]


def concern(db, w, occurred_on, theme="job security", **extra):
    values = {
        "tool_id": w["tool"],
        "unit_id": w["unit"],
        "occurred_on": occurred_on,
        "theme": theme,
        "severity": "medium",
        "status": "open",
    }
    values.update(extra)
    return records.insert(db, "incident", values, "t")


def story(db, w, told_on):
    records.insert(
        db, "story", {"tool_id": w["tool"], "unit_id": w["unit"], "told_on": told_on, "title": "Home on time"}, "t"
    )


def train(db, w, staff_ids, held_on, signed_off_on=None):
    session = records.insert(
        db,
        "training_session",
        {
            "tool_id": w["tool"],
            "unit_id": w["unit"],
            "trainer_id": w["champion"],
            "held_on": held_on,
            "minutes": 30,
            "format": "hands-on",
        },
        "t",
    )
    for staff_id in staff_ids:
        values = {"session_id": session, "staff_id": staff_id}
        if signed_off_on:
            values.update(signed_off=1, signed_off_by=w["champion"], signed_off_on=signed_off_on)
        records.insert(db, "attendance", values, "t")


def test_theme_rising_needs_the_ratio_and_the_minimum(db, unit):
    concern(db, unit, "2026-07-01")  # previous period: 1
    concern(db, unit, "2026-09-10")
    concern(db, unit, "2026-10-10")
    assert rules(db, "theme_rising") == []  # 2 this period: below the minimum of 3
    concern(db, unit, "2026-11-20")
    [s] = rules(db, "theme_rising")  # 3 >= 3 and 3 >= 2 x 1
    assert (s.unit, s.tool, s.figures["this_period"], s.figures["previous_period"]) == ("Ward 7", "Scribe", 3, 1)
    assert s.signal == "Job security concerns on Ward 7: 3 this period vs 1 in the previous 87 days"
    assert "roadmap" in s.strategy and "open Q&A" in s.action
    assert s.severity_name == "medium"  # high needs 6 (twice the minimum) and 3x the previous
    assert s.target == {
        "page": "concerns",
        "filters": {
            "from": "2026-09-01",
            "to": "2026-11-26",
            "units": ["Ward 7"],
            "tools": [],
            "theme": "job security",
            "unit": "Ward 7",
        },
    }
    concern(db, unit, "2026-07-02")  # previous period now 2: 3 < 2 x 2
    assert rules(db, "theme_rising") == []


def test_a_rising_training_gap_opens_a_prefilled_session(db, unit):
    for d in ("2026-09-10", "2026-10-10", "2026-11-10"):
        concern(db, unit, d, theme="training gap")
    [s] = rules(db, "theme_rising")
    assert s.target == {
        "dialog": "training_session",
        "prefill": {"unit_id": unit["unit"], "tool_id": unit["tool"], "format": "hands-on"},
    }


def test_low_coverage_after_go_live(db, unit):
    # 4 active staff on the unit (champion, manager, two colleagues); 1 trained = 25% < 60%.
    train(db, unit, [unit["a"]], "2026-10-01")
    [s] = rules(db, "low_coverage")
    assert s.figures["training_coverage"] == 0.25 and s.unit == "Ward 7" and s.tool == "Scribe"
    assert "25%" in s.signal and "target 60%" in s.signal
    train(db, unit, [unit["b"], unit["manager"]], "2026-10-02")  # 3 of 4 = 75%
    assert rules(db, "low_coverage") == []


def test_low_coverage_waits_the_weeks_after_go_live(db, ward):
    records.insert(
        db, "rollout", {"tool_id": ward["tool"], "unit_id": ward["unit"], "stage": "live", "since": day(7 * 8 - 1)}, "t"
    )
    assert rules(db, "low_coverage") == []  # live 7 weeks and 6 days
    next_steps.set_threshold(db, "coverage_weeks_after_go_live", 7, "t")
    assert len(rules(db, "low_coverage")) == 1


def test_unanswered_concerns_older_than_the_threshold(db, unit):
    concern(db, unit, day(14))
    concern(db, unit, day(30), response="Hands-on session booked")  # answered
    concern(db, unit, day(40), status="closed", resolved_on=day(35))  # closed
    assert rules(db, "unanswered_concerns") == []  # exactly 14 days is not longer than 14
    concern(db, unit, day(15))
    [s] = rules(db, "unanswered_concerns")
    assert s.figures == {"unanswered": 1, "oldest": day(15), "days": 14}
    assert f"oldest raised {format_uk_date(day(15))}" in s.signal  # the UK way, as the app shows dates
    assert s.target["page"] == "concerns"


def test_champion_ratio_above_twenty(db, unit):
    # 4 staff and 1 champion so far; 20 staff per champion is still within the target.
    for n in range(16):
        records.insert(db, "staff", {"display_name": f"Colleague {n}", "unit_id": unit["unit"]}, "t")
    assert rules(db, "champion_ratio") == []
    records.insert(db, "staff", {"display_name": "Colleague 16", "unit_id": unit["unit"]}, "t")
    [s] = rules(db, "champion_ratio")
    assert s.figures == {"staff_active": 21, "champions_active": 1, "staff_per_champion": 21.0}
    assert s.action == "Recruit 1 more champion on Ward 7."


def test_stalled_pairings(db, unit):
    pairing = records.insert(
        db,
        "pairing",
        {
            "mentor_id": unit["champion"],
            "mentee_id": unit["a"],
            "tool_id": unit["tool"],
            "started_on": day(60),
            "progress": 20,
            "status": "active",
        },
        "t",
    )
    records.insert(db, "checkin", {"pairing_id": pairing, "held_on": day(29)}, "t")
    assert rules(db, "stalled_pairings") == []  # a check-in within the last 30 days
    records.delete(db, "checkin", records.find(db, "checkin")[0]["id"], "t")
    records.insert(db, "checkin", {"pairing_id": pairing, "held_on": day(30)}, "t")
    [s] = rules(db, "stalled_pairings")
    assert s.figures == {"stalled_pairings": 1}
    assert s.target["filters"]["stalled"] is True


def test_readiness_barrier_gets_the_adkar_tactic(db, unit):
    pulse = {
        "unit_id": unit["unit"],
        "tool_id": unit["tool"],
        "taken_on": day(10),
        "respondents": 12,
        "awareness": 4.0,
        "desire": 3.0,
        "knowledge": 3.5,
        "ability": 3.2,
        "reinforcement": 3.0,
    }
    records.insert(db, "pulse", pulse, "t")
    assert rules(db, "readiness_barrier") == []  # 3.0 is not below 3
    records.insert(db, "pulse", {**pulse, "taken_on": day(5), "desire": 2.9, "knowledge": 2.0}, "t")
    [s] = rules(db, "readiness_barrier")
    assert s.figures["barrier_point"] == "desire" and s.figures["score"] == 2.9
    assert s.strategy.startswith("Desire") and s.target["dialog"] == "story"


def test_refreshers_due_within_thirty_days(db, unit):
    # Refresher every 12 months: a sign-off on 2025-12-27 is due 2026-12-27, 31 days after the end.
    train(db, unit, [unit["a"]], "2025-12-27", signed_off_on="2025-12-27")
    assert rules(db, "refreshers_due") == []
    train(db, unit, [unit["b"]], "2025-12-26", signed_off_on="2025-12-26")  # due 2026-12-26: 30 days
    [s] = rules(db, "refreshers_due")
    assert s.figures == {"due": 1, "first_due": "2026-12-26"} and s.severity_name == "low"


def test_story_gap_on_a_live_unit(db, unit):
    story(db, unit, day(89))
    assert rules(db, "story_gap") == []
    records.delete(db, "story", records.find(db, "story")[0]["id"], "t")
    story(db, unit, day(90))  # told exactly 90 days ago: outside the last 90 days
    [s] = rules(db, "story_gap")
    assert s.target == {"dialog": "story", "prefill": {"unit_id": unit["unit"], "tool_id": unit["tool"]}}


def idea(db, w, raised_on, status="new", status_on=None, **extra):
    values = {
        "unit_id": w["unit"],
        "tool_id": w["tool"],
        "raised_on": raised_on,
        "title": "Headsets",
        "status": status,
        "status_on": status_on or raised_on,
        **extra,
    }
    return records.insert(db, "idea", values, "t")


def test_ideas_waiting_longer_than_the_threshold_without_a_status_change(db, unit):
    idea(db, unit, day(100), "under consideration", status_on=day(30))  # exactly 30 days: not longer
    idea(db, unit, day(200), "planned", status_on=day(150))  # decided
    idea(db, unit, day(120), "not now", status_on=day(110), status_reason="No budget")
    idea(db, unit, day(5))  # new, but only for 5 days
    gone = idea(db, unit, day(90))
    records.delete(db, "idea", gone, "t")
    assert rules(db, "ideas_waiting") == []
    idea(db, unit, day(200), "new", tool_id=None)  # any tool, raised long before the scope
    idea(db, unit, day(45), "under consideration", status_on=day(31))
    [s] = rules(db, "ideas_waiting")
    assert s.figures == {"waiting": 2, "oldest": day(200), "days": 30}
    assert f"oldest unchanged since {format_uk_date(day(200))}" in s.signal
    assert (s.severity, s.unit) == (next_steps.LOW, "Ward 7")
    # The drill-down starts at the first waiting idea, so the Ideas page lists both.
    assert s.target == {
        "page": "ideas",
        "filters": {
            "from": day(200),
            "to": END.isoformat(),
            "units": ["Ward 7"],
            "tools": [],
            "unit": "Ward 7",
            "status": "waiting",
        },
    }
    next_steps.set_threshold(db, "idea_wait_days", 60, "t")
    [s] = rules(db, "ideas_waiting")
    assert s.figures["waiting"] == 1


def test_dismiss_and_snooze_persist_and_can_be_withdrawn(db, unit):
    story(db, unit, day(200))
    [s] = rules(db, "story_gap")
    with pytest.raises(ValidationError) as err:
        next_steps.respond(db, s.key, "dismissed", "Zoë")
    assert (err.value.field, err.value.rule) == ("reason", "is required to dismiss")
    response = next_steps.respond(
        db, s.key, "dismissed", "Zoë", reason="Stories are collected by the comms team", decided_by=unit["champion"]
    )
    assert rules(db, "story_gap") == []
    hidden = [x for x in next_steps.suggestions(db, SCOPE, today=END, include_hidden=True) if x.rule == "story_gap"]
    assert hidden[0].response["reason"] == "Stories are collected by the comms team"
    assert db.scalar("SELECT count(*) FROM audit WHERE \"table\" = 'suggestion_response'") == 1
    next_steps.withdraw(db, response, "Zoë")
    assert len(rules(db, "story_gap")) == 1
    with pytest.raises(ValidationError, match="after today"):
        next_steps.respond(db, s.key, "snoozed", "Zoë", until=END, today=END)
    next_steps.respond(db, s.key, "snoozed", "Zoë", until=END + dt.timedelta(days=7), today=END)
    assert rules(db, "story_gap") == []
    assert len(rules(db, "story_gap", today=END + dt.timedelta(days=7))) == 1  # the snooze is over


def test_thresholds_are_checked_and_stored(db):
    with pytest.raises(ValidationError) as err:
        next_steps.set_threshold(db, "coverage_target", 1.5, "t")
    assert (err.value.field, err.value.rule) == ("coverage_target", "between 0.05 and 1")
    next_steps.set_threshold(db, "coverage_target", 0.8, "t")
    next_steps.set_threshold(db, "coverage_target", 0.7, "t")
    assert next_steps.thresholds(db)["coverage_target"] == 0.7
    assert db.query("SELECT id, key FROM setting") == [
        {"id": "setting:next_steps.coverage_target", "key": "next_steps.coverage_target"}
    ]


def test_on_the_hospital_demo_the_lagging_unit_gets_the_job_security_suggestion(tmp_path):
    from champion_desk.domain.demo import generate_demo
    from champion_desk.store.database import open_database

    db = open_database(tmp_path / "h.db")
    end = dt.date(2026, 6, 30)
    summary = generate_demo(db, "hospital", seed=1, end=end)
    found = next_steps.suggestions(db, Scope.last_months(3, end), today=end)
    lagging = [s for s in found if s.unit == summary["lagging_unit"]]
    assert any(s.rule == "theme_rising" and s.figures["theme"] == "job security" for s in lagging)
    assert any(s.rule == "champion_ratio" for s in lagging)
    assert found[0].severity_name == "high"
    db.close()


def test_coverage_by_unit_and_tool_equals_the_metric_per_tool(tmp_path):
    # One definition of coverage: the one-pass table must equal unit_breakdown with each tool alone.
    from champion_desk.domain import breakdowns, metrics
    from champion_desk.domain.demo import generate_demo
    from champion_desk.store.database import open_database

    db = open_database(tmp_path / "h.db")
    end = dt.date(2026, 6, 30)
    generate_demo(db, "hospital", seed=2, end=end)
    scope = Scope.last_months(3, end)
    table = next_steps.coverage_by_unit_and_tool(db, metrics.resolve(db, scope), end)
    units = {r["name"]: r["id"] for r in db.query("SELECT id, name FROM unit")}
    for tool in db.query("SELECT id, name FROM tool"):
        for row in breakdowns.unit_breakdown(db, scope.with_tools((tool["name"],)), with_refreshers=False):
            staff, covered = table[(units[row["unit"]], tool["id"])]
            assert (staff, metrics.share(covered, staff)) == (row["staff_active"], row["training_coverage"]), (
                row,
                tool["name"],
            )
    db.close()


def test_missed_twice_counts_colleagues_never_names_them(db, ward):
    from tests.domain.test_due import make_due_ward

    make_due_ward(db, ward)  # Carys missed Scribe sessions on 1 Sep and 1 Oct 2026
    scope = Scope(dt.date(2026, 9, 1), dt.date(2026, 11, 26))
    [s] = rules(db, "missed_twice", scope, dt.date(2026, 11, 26))
    assert (s.unit, s.tool, s.figures) == ("Ward 7", "Scribe", {"colleagues": 1, "last_missed_on": "2026-10-01"})
    assert "Carys" not in s.signal + s.action and s.target["dialog"] == "training_session"
    # Before her second miss there is no suggestion.
    assert rules(db, "missed_twice", Scope(dt.date(2026, 9, 1), dt.date(2026, 9, 30)), dt.date(2026, 9, 30)) == []


def test_no_suggestion_of_the_hospital_demo_prints_a_date_the_iso_way(tmp_path):
    """The panel, the briefing and the command show the why as it is: every date in it the UK way."""
    import re

    from champion_desk.domain.demo import generate_demo
    from champion_desk.store.database import open_database

    demo = open_database(tmp_path / "hospital.db")
    generate_demo(demo, "hospital", seed=1, end=dt.date(2026, 11, 30))
    found = next_steps.suggestions(demo, Scope(dt.date(2026, 9, 1), dt.date(2026, 11, 30)), today=dt.date(2026, 12, 1))
    assert len({s.rule for s in found}) >= 6, "the demo should trip most rules, or the check proves little"
    iso = re.compile(r"\d{4}-\d{2}-\d{2}")
    assert [(s.rule, s.signal) for s in found if iso.search(f"{s.signal} {s.action} {s.strategy}")] == []
    demo.close()
