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
from tests.report.sample import (
    OPEN_RESPONSE,
    SCOPE,
    SECRET_DESCRIPTION,
    SECRET_NAME,
    SECRET_OWNER,
    WARD9_CHAMPIONS,
    build_sample,
)


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


def test_the_usage_facts_are_read_once_for_both_periods_and_the_adoption_section(sample_db, monkeypatch):
    from champion_desk.domain import metrics

    spans = []
    read = metrics._read_usage_facts  # noqa: SLF001 - counted, not replaced

    def counted(db, f, first, last):
        spans.append((first, last))
        return read(db, f, first, last)

    monkeypatch.setattr(metrics, "_read_usage_facts", counted)
    monkeypatch.setattr(metrics, "_last_facts", None)
    data = collect(sample_db, SCOPE, made_by="Zoë Adams", today=TODAY)
    assert len(spans) == 1 and spans[0][1] == SCOPE.date_to
    monkeypatch.setattr(metrics, "_last_facts", None)
    assert data.figures == stats(sample_db, SCOPE) and data.previous == stats(sample_db, SCOPE.previous())


def test_nothing_collected_holds_a_secret(data):
    blob = repr(dataclasses.asdict(data))
    for secret in (SECRET_NAME, "Quigley", SECRET_DESCRIPTION, SECRET_OWNER, "raised_by", "Colleague 1"):
        assert secret not in blob, secret


def test_responses_per_theme_come_from_resolved_concerns_deduplicated_and_redacted(data):
    # Newest first: the redacted one was resolved most recently.
    assert data.responses["workload and time"] == [
        "Spoke with a colleague; added time on the rota",
        "Protected 15 minutes a shift to practise",
    ]
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
    records.insert(
        sample_db,
        "training_session",
        {
            "tool_id": tool,
            "unit_id": unit,
            "trainer_id": _non_champion(sample_db),
            "held_on": "2026-12-03",
            "minutes": 30,
            "format": "demo",
        },
        "t",
    )
    data = collect(sample_db, SCOPE, today=TODAY)
    assert [(s["held_on"], s["trainer"]) for s in data.upcoming] == [
        ("2026-12-01", "Łukasz Wiśniewski"),
        ("2026-12-03", ""),
    ]


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


# --- next steps -------------------------------------------------------------------------------------


def _suggestions(db):
    from champion_desk.domain import next_steps

    return next_steps.suggestions(db, SCOPE, today=TODAY)


def test_next_steps_are_the_agreed_suggestions_only(sample_db):
    from champion_desk.domain import next_steps

    top = _suggestions(sample_db)
    next_steps.respond(sample_db, top[2].key, "agreed", "t", today=TODAY)
    next_steps.respond(sample_db, top[0].key, "dismissed", "t", reason="Not for us", today=TODAY)
    next_steps.respond(sample_db, top[1].key, "snoozed", "t", until=TODAY + dt.timedelta(days=7), today=TODAY)
    data = collect(sample_db, SCOPE, today=TODAY)
    assert data.next_steps_agreed
    assert [s["key"] for s in data.next_steps] == [top[2].key]
    assert data.next_steps[0]["action"] == top[2].action


def test_with_none_agreed_next_steps_are_the_top_proposals_most_severe_first(sample_db):
    from champion_desk.domain import next_steps

    data = collect(sample_db, SCOPE, today=TODAY)
    assert not data.next_steps_agreed and not data.next_steps_partial
    expected = briefing_data.pick_proposals(_suggestions(sample_db))
    assert [s["key"] for s in data.next_steps] == [s.key for s in expected]
    assert 0 < len(data.next_steps) <= briefing_data.PROPOSALS_SHOWN
    order = {"high": 3, "medium": 2, "low": 1}
    severities = [order[s["severity"]] for s in data.next_steps]
    assert severities == sorted(severities, reverse=True)
    # A dismissed suggestion is not proposed again.
    next_steps.respond(sample_db, data.next_steps[0]["key"], "dismissed", "t", reason="Done already", today=TODAY)
    again = collect(sample_db, SCOPE, today=TODAY)
    assert data.next_steps[0]["key"] not in [s["key"] for s in again.next_steps]


def test_proposals_keep_at_most_two_of_one_rule_while_others_are_waiting():
    from champion_desk.domain.next_steps import HIGH, Suggestion

    found = [Suggestion(f"k{n}", "champion_ratio", f"U{n}", None, "", {}, "", "", HIGH) for n in range(5)]
    found.insert(3, Suggestion("t", "theme_rising", "U", None, "", {}, "", "", HIGH))
    assert [s.key for s in briefing_data.pick_proposals(found, fill=False)] == ["t", "k0", "k1"]
    # With too few other suggestions, the places left go to the next ones in order.
    assert [s.key for s in briefing_data.pick_proposals(found, limit=4)] == ["t", "k0", "k1", "k2"]


def test_rules_run_on_some_units_give_what_next_steps_gives(sample_db):
    everything = {s.key: s for s in _suggestions(sample_db)}
    every_rule = set(briefing_data.KEY_RULES.values())
    assert {s.key for s in briefing_data.run_rules(sample_db, SCOPE, TODAY, every_rule, None)} == set(everything)
    ward7 = briefing_data.run_rules(sample_db, SCOPE, TODAY, every_rule, ["Ward 7"])
    assert ward7 and all(s.unit == "Ward 7" for s in ward7)
    for s in ward7:
        assert (s.signal, s.action, s.figures) == (
            everything[s.key].signal,
            everything[s.key].action,
            everything[s.key].figures,
        )
    assert {s.key for s in ward7} == {k for k, s in everything.items() if s.unit == "Ward 7"}


def test_next_steps_hold_no_signal_text_and_no_secret(sample_db):
    from champion_desk.domain import next_steps

    for s in _suggestions(sample_db):
        next_steps.respond(sample_db, s.key, "agreed", "t", today=TODAY)
    data = collect(sample_db, SCOPE, today=TODAY)
    blob = repr(data.next_steps)
    assert "this period vs" not in blob  # the raw signal, whose counts are not suppressed
    for secret in (SECRET_NAME, "Quigley", SECRET_DESCRIPTION, SECRET_OWNER, "Colleague 1"):
        assert secret not in blob


def test_whys_hide_small_counts_and_what_would_uncover_them(sample_db):
    from champion_desk.domain import next_steps
    from champion_desk.domain.privacy import Suppressor

    for s in _suggestions(sample_db):
        next_steps.respond(sample_db, s.key, "agreed", "t", today=TODAY)
    data = collect(sample_db, SCOPE, today=TODAY)
    whys = dict(
        zip(
            (
                s["key"].split(":")[0] + ":" + s["unit"] + ":" + str(s["figures"].get("theme", ""))
                for s in data.next_steps
            ),
            briefing_data.next_step_whys(data.next_steps, data, Suppressor(5)),
        )
    )
    # The previous window's count is never printed, not even as "none": its days are not whole months.
    assert (
        whys["theme_rising:Ward 7:job security"]
        == "Job security concerns on Ward 7: fewer than 5 this period, up on the previous 87 days."
    )
    assert not any("against none" in why for why in whys.values())
    # 5 accuracy concerns are that theme's whole total, hidden in "You said, we did": not shown here either,
    # and Ward 9's workload count then goes too (Ward 9's total is hidden beside Ward 7's small one).
    assert "the number is not shown" in whys["theme_rising:Ward 9:accuracy and trust"]
    assert "the number is not shown" in whys["theme_rising:Ward 9:workload and time"]
    assert whys["barrier:Ward 7:"].startswith("Readiness for Scribe on Ward 7 stalls at desire (score not shown")
    assert (
        whys["barrier:Ward 9:"]
        == "Readiness for Scribe on Ward 9 stalls at knowledge: 2.6 of 5 in the pulse of Nov 2026."
    )
    assert not any(": 7 this period" in w or ": 5 this period" in w for w in whys.values())


def test_parts_of_a_total_printed_elsewhere_hide_what_would_give_a_small_one_away():
    from champion_desk.domain.privacy import Suppressor

    sup = Suppressor(5)
    # 7 + 3 = 10 printed elsewhere: printing 7 would give the 3 away.
    assert sup.parts_to_hide({"a": 7, "b": 3}, 10) == {"a", "b"}
    # Other parts of 20 stay unprinted: the 3 cannot be worked back.
    assert sup.parts_to_hide({"a": 7, "b": 3}, 30) == {"b"}
    # A part hidden for another reason is not uncovered by the others and the total.
    assert sup.parts_to_hide({"a": 7, "b": 6}, 13, hidden=["b"]) == {"a", "b"}
    assert sup.parts_to_hide({"a": 7, "b": 6}, 13) == set()


# --- stub buckets and repeated responses --------------------------------------------------------------


def test_a_stub_bucket_is_merged_counts_added_states_from_the_later_end():
    rows = [
        {
            "start": "2025-11-27",
            "end": "2025-11-30",
            "sessions": 4,
            "training_coverage": 0.5,
            "concerns_by_theme": {"a": 2, "b": 1},
            "concerns_open": 9,
            "median_days_to_resolution": 3.0,
        },
        {
            "start": "2025-12-01",
            "end": "2025-12-31",
            "sessions": 74,
            "training_coverage": 0.6,
            "concerns_by_theme": {"a": 10, "b": 0},
            "concerns_open": 12,
            "median_days_to_resolution": 8.0,
        },
        {
            "start": "2026-01-01",
            "end": "2026-01-31",
            "sessions": 71,
            "training_coverage": 0.7,
            "concerns_by_theme": {"a": 7, "b": 6},
            "concerns_open": 5,
            "median_days_to_resolution": 4.0,
        },
        {
            "start": "2026-02-01",
            "end": "2026-02-10",
            "sessions": 3,
            "training_coverage": 0.8,
            "concerns_by_theme": {"a": 1, "b": 0},
            "concerns_open": 6,
            "median_days_to_resolution": 2.0,
        },
    ]
    merged = briefing_data.merge_stubs(rows, "month")
    assert [(r["start"], r["end"]) for r in merged] == [("2025-11-27", "2025-12-31"), ("2026-01-01", "2026-02-10")]
    assert [r["sessions"] for r in merged] == [78, 74]
    assert [r["concerns_by_theme"] for r in merged] == [{"a": 12, "b": 1}, {"a": 8, "b": 6}]
    assert [r["concerns_open"] for r in merged] == [12, 6]  # the state at the merged bucket's end
    assert [r["training_coverage"] for r in merged] == [0.6, 0.8]
    assert [r["median_days_to_resolution"] for r in merged] == [None, None]  # a median does not add up
    # Half a month or more stays a bar of its own; so does a period of two buckets.
    assert len(briefing_data.merge_stubs([dict(rows[1], start="2025-12-10"), *rows[2:3]], "month")) == 2
    assert briefing_data.merge_stubs(rows[:2], "month") == rows[:2]


def test_a_stub_week_of_under_four_days_is_merged_a_longer_one_kept():
    weeks = [
        {"start": "2026-08-29", "end": "2026-08-30", "checkins": 2},  # Sat-Sun
        {"start": "2026-08-31", "end": "2026-09-06", "checkins": 9},
        {"start": "2026-09-07", "end": "2026-09-10", "checkins": 3},
    ]  # Mon-Thu: kept
    merged = briefing_data.merge_stubs(weeks, "week")
    assert [(r["start"], r["end"], r["checkins"]) for r in merged] == [
        ("2026-08-29", "2026-09-06", 11),
        ("2026-09-07", "2026-09-10", 3),
    ]


def test_responses_that_repeat_one_action_print_once_for_variety(db):
    from champion_desk.store import records
    from tests.factories import make_ward

    ids = make_ward(db)
    records.update(db, "tool", ids["tool"], {"name": "NoteWise Ambient Scribe"}, "t")
    texts = [
        "Confirmed the vendor cannot keep what goes into the scribe; shared the data protection summary.",
        "Confirmed the vendor cannot keep what goes into the admin assistant; shared the data protection "
        "summary. Colleague said it helped.",
        "confirmed  the vendor cannot keep what goes into the Scribe; shared the data protection summary. "
        "Checked back a fortnight later: concern settled.",
        "Added a consent script to the Ward 7 folder and went through it at huddle.",
        "Added a consent script to the ward folder and went through it at huddle. Added to the ward FAQ.",
        "Held 2 drop-ins with the information governance lead.",
        "Held 3 drop-ins with the information governance lead.",
        "Shared where data from the scribe is kept and for how long.",
    ]
    for n, text in enumerate(texts):
        records.insert(
            db,
            "incident",
            {
                "tool_id": ids["tool"],
                "unit_id": ids["unit"],
                "reported_by": ids["champion"],
                "occurred_on": f"2026-10-{10 + n:02d}",
                "theme": "privacy and data",
                "status": "closed",
                "response": text,
                "resolved_on": f"2026-11-{20 - n:02d}",
            },
            "t",
        )
    data = collect(db, SCOPE, today=TODAY)
    # Newest first, one of each action: four different things done, not the same one three times.
    assert data.responses["privacy and data"] == [texts[0], texts[3], texts[5], texts[7]]


def test_response_gists_ignore_tools_units_numbers_and_follow_ups():
    gist = briefing_data.response_gist(["NoteWise Ambient Scribe", "Ward 7", "SepsisWatch Alert"])
    assert gist("Logged it with the digital team. Added to the ward FAQ.") == "logged it with digital team"
    assert gist("Trained 12 staff on Ward 7's NoteWise Ambient Scribe.") == gist("Trained 4 staff on the scribe.")
    assert briefing_data.same_gist(
        gist("Switched off prompts in the sepsis alert."), gist("Switched off prompts in the scribe.")
    )
    assert not briefing_data.same_gist(gist("Added night-shift training slots."), gist("Added a consent script."))


def test_people_per_unit_are_the_figures_stats_gives_each_unit_and_all_units(db):
    """The per-unit tables the protection decides on hold exactly what each unit's briefing prints."""
    import dataclasses
    import datetime as dt

    from champion_desk.domain.briefing_data import COUNT, NO_UNIT, people_table
    from champion_desk.domain.demo import generate_demo
    from champion_desk.domain.metrics import stats
    from champion_desk.domain.scope import Scope

    generate_demo(db, "hospital", seed=3, end=dt.date(2026, 11, 30))
    scope = Scope(dt.date(2026, 6, 1), dt.date(2026, 8, 31))
    table = people_table(db, scope)
    names = {r["id"]: r["name"] for r in db.query("SELECT id, name FROM unit")}
    keys = ("staff_active", "signed_off_staff", "attendances", "concerns_open", "pairings_active", "stalled_pairings")
    for key in keys:
        assert sum(table[key].values()) == stats(db, scope)[key], key
    for uid, name in names.items():
        one = stats(db, dataclasses.replace(scope, units=(name,)))
        for key in keys:
            assert table[key][(uid, COUNT)] == one[key], (name, key)
        assert table["covered"][(uid, COUNT)] == round((one["training_coverage"] or 0) * one["staff_active"])
    assert all(n == 0 for key in table for (u, _), n in table[key].items() if u == NO_UNIT)


def test_a_rising_theme_s_why_never_prints_the_count_of_the_rule_s_own_previous_window(sample_db):
    """The rule compares with the same number of days before; the briefing with whole months before.
    Both printed, the two previous counts would differ by the concerns of a day or two."""
    from champion_desk.domain.privacy import Suppressor

    data = collect(sample_db, SCOPE, today=TODAY)
    step = {
        "key": "theme_rising:x:2026-11",
        "rule": "theme_rising",
        "unit": "Ward 9",
        "tool": "",
        "action": "",
        "strategy": "",
        "severity": "medium",
        "days": 91,
        "figures": {"theme": "workload and time", "this_period": 7, "previous_period": 3},
    }
    (why,) = briefing_data.next_step_whys([step], data, Suppressor(5))
    assert "the previous 91 days" in why and "3" not in why.replace("91", "")
    # Where this period's count may print, it does, and the previous one still does not.
    assert (
        briefing_data._why(0, step, Suppressor(5), {})
        == "Workload and time concerns on Ward 9: 7 this period, up on the previous 91 days."
    )
