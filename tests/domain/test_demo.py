"""Demo data: deterministic, refused on a non-empty file, cancellable, and every rule and story holds.

The hospital demo is generated once for the module (about half a second); every check below is
written as its own SQL over that file, never through the code under test.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from pathlib import Path

import pytest

from champion_desk.domain import validation, vocab
from champion_desk.domain.demo import PROGRESS_TOTAL, DemoCancelled, DemoRefused, generate_demo
from champion_desk.domain.identifiers import find_identifiers
from champion_desk.errors import ChampionDeskError, ValidationError
from champion_desk.store import records
from champion_desk.store.database import open_database
from champion_desk.store.schema import LOGBOOK_TABLES, RECORD_TABLES

END = dt.date(2026, 6, 30)


@pytest.fixture(scope="module")
def hospital(tmp_path_factory):
    """Return (database, summary) of the hospital demo ending on END."""
    db = open_database(tmp_path_factory.mktemp("demo") / "hospital.db")
    summary = generate_demo(db, "hospital", seed=7, end=END)
    yield db, summary
    db.close()


def table_contents(db) -> dict[str, list[tuple]]:
    """Return every record table's rows in id order, and the audit rows minus their own id and time."""
    out = {t: db.conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in RECORD_TABLES}
    out["audit"] = db.conn.execute(
        'SELECT actor, "table", record_id, action, changes FROM audit ORDER BY "table"'
    ).fetchall()
    return out


# ---- determinism, refusal, cancellation ---------------------------------------------------------


def test_ward_demo_is_identical_for_the_same_seed_and_end(tmp_path):
    contents = []
    for name in ("a.db", "b.db"):
        with open_database(tmp_path / name) as db:
            generate_demo(db, "ward", seed=3, end=END)
            contents.append(table_contents(db))
    assert contents[0] == contents[1]
    assert all(contents[0][t] for t in LOGBOOK_TABLES), "every logbook table has rows"
    with open_database(tmp_path / "c.db") as db:
        generate_demo(db, "ward", seed=4, end=END)
        assert table_contents(db)["staff"] != contents[0]["staff"]


def test_ward_summary_matches_the_file(tmp_path):
    with open_database(tmp_path / "w.db") as db:
        summary = generate_demo(db, "ward", seed=1, end=END)
        for table, n in summary["counts"].items():
            assert db.scalar(f"SELECT count(*) FROM {table}") == n
        assert summary["lagging_unit"] is None  # one unit: nothing to lag behind
        assert summary["end"] == "2026-06-30" and summary["start"] == "2025-07-01"
        assert db.scalar("SELECT is_champion FROM staff WHERE display_name = ?", (summary["champion"],)) == 1
        assert db.scalar("SELECT role FROM staff WHERE display_name = ?", (summary["manager"],)) == "ward manager"
        # One audit row per table, written by the given actor.
        assert db.scalar("SELECT count(*) FROM audit") == len(LOGBOOK_TABLES)
        assert db.scalar("SELECT count(DISTINCT actor) FROM audit WHERE actor = 'demo'") == 1


@pytest.mark.parametrize("deleted", [False, True])
def test_refuses_a_database_that_holds_any_record(db, deleted):
    unit_id = records.insert(db, "unit", {"name": "Ward 7"}, "x")
    if deleted:
        records.delete(db, "unit", unit_id, "x")
    with pytest.raises(DemoRefused, match="already holds records"):
        generate_demo(db, "ward", end=END)
    assert db.scalar("SELECT count(*) FROM unit") == 1
    assert db.scalar("SELECT count(*) FROM staff") == 0


def test_unknown_scale_or_a_future_end_is_a_validation_error(db):
    with pytest.raises(ValidationError) as err:
        generate_demo(db, "county", end=END)
    assert err.value.field == "scale"
    with pytest.raises(ValidationError) as err:
        generate_demo(db, "ward", end=dt.date.today() + dt.timedelta(days=1))
    assert err.value.field == "end"
    assert db.scalar("SELECT count(*) FROM unit") == 0


@pytest.mark.parametrize("phase", ["start", "building", "writing"])
def test_cancelling_writes_nothing(db, phase):
    # Cancel at the first report, while rows are built, or halfway through writing them.
    stop = {"start": lambda done: True, "building": lambda done: 0 < done < 300, "writing": lambda done: done > 700}[
        phase
    ]

    with pytest.raises(DemoCancelled) as err:
        generate_demo(db, "hospital", end=END, progress=lambda done, total: not stop(done))
    assert isinstance(err.value, ChampionDeskError) and "nothing was written" in str(err.value)
    for table in (*RECORD_TABLES, "audit"):
        assert db.scalar(f"SELECT count(*) FROM {table}") == 0, table
    # The database is still usable afterwards.
    generate_demo(db, "ward", end=END)
    assert db.scalar("SELECT count(*) FROM unit") == 1


def test_progress_rises_to_the_total(db):
    seen: list[tuple[int, int]] = []
    generate_demo(db, "ward", end=END, progress=lambda done, total: seen.append((done, total)) or True)
    assert seen[0][0] == 0 and seen[-1] == (PROGRESS_TOTAL, PROGRESS_TOTAL)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


# ---- every rule holds at hospital scale --------------------------------------------------------


def test_hospital_has_the_promised_shape(hospital):
    db, summary = hospital
    counts = summary["counts"]
    assert counts["unit"] == 12 and counts["staff"] == 900 and counts["tool"] == 3
    assert counts["training_session"] > 800 and counts["attendance"] > 8000 and counts["incident"] > 1000
    assert counts["pairing"] > 150 and counts["checkin"] > 1000 and counts["pulse"] > 100 and counts["story"] > 20
    assert db.query("PRAGMA foreign_key_check") == []
    assert db.scalar("PRAGMA integrity_check") == "ok"


def test_every_unit_has_one_to_three_champions_and_one_ward_manager(hospital):
    db, _ = hospital
    rows = db.query("""
        SELECT u.name, sum(s.is_champion) AS champions, sum(s.role = 'ward manager') AS managers,
               sum(s.role = 'ward manager' AND s.is_champion) AS manager_champions
          FROM unit u JOIN staff s ON s.unit_id = u.id GROUP BY u.id""")
    assert len(rows) == 12 and len(rows) == db.scalar("SELECT count(*) FROM unit")
    for r in rows:
        assert 1 <= r["champions"] <= 3 and r["managers"] == 1 and r["manager_champions"] == 0, r


def test_no_date_falls_after_the_end_but_planned_sessions(hospital):
    db, _ = hospital
    end = END.isoformat()
    # Planned sessions are booked for the weeks after the end: nobody attended, nobody countersigned.
    planned = db.query("SELECT id, held_on, verified_by FROM training_session WHERE held_on > ?", (end,))
    assert planned and all(
        p["held_on"] <= (END + dt.timedelta(days=30)).isoformat() and p["verified_by"] is None for p in planned
    )
    marks = ", ".join("?" for _ in planned)
    assert db.scalar(f"SELECT count(*) FROM attendance WHERE session_id IN ({marks})", [p["id"] for p in planned]) == 0
    date_columns = {
        "tool": ["go_live_on"],
        "rollout": ["since"],
        "training_session": ["verified_on"],
        "attendance": ["signed_off_on"],
        "incident": ["occurred_on", "resolved_on"],
        "pairing": ["started_on", "ended_on"],
        "checkin": ["held_on"],
        "pulse": ["taken_on"],
        "story": ["told_on"],
    }
    for table, cols in date_columns.items():
        for col in cols:
            assert db.scalar(f"SELECT count(*) FROM {table} WHERE {col} > ?", (end,)) == 0, (table, col)
    for table in RECORD_TABLES:
        late = db.scalar(
            f"SELECT count(*) FROM {table} WHERE substr(created_at, 1, 10) > ? OR substr(updated_at, 1, 10) > ?",
            (end, end),
        )
        assert late == 0, table
        assert db.scalar(f"SELECT count(*) FROM {table} WHERE created_at > updated_at OR deleted_at IS NOT NULL") == 0


def test_timestamps_and_ids_are_well_formed(hospital):
    db, _ = hospital
    stamp = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
    uuid4 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    for table in RECORD_TABLES:
        for row in db.query(f"SELECT id, created_at, updated_at FROM {table} LIMIT 200"):
            assert uuid4.match(row["id"]) and stamp.match(row["created_at"]) and stamp.match(row["updated_at"]), row


def test_vocabulary_values_only(hospital):
    db, _ = hospital
    checks = [
        ("incident", "theme", vocab.Theme, False),
        ("incident", "barrier", vocab.Barrier, True),
        ("incident", "severity", vocab.Severity, False),
        ("incident", "status", vocab.ConcernStatus, False),
        ("training_session", "format", vocab.SessionFormat, False),
        ("tool", "stage", vocab.ToolStage, False),
        ("rollout", "stage", vocab.ToolStage, False),
        ("pairing", "status", vocab.PairingStatus, False),
    ]
    for table, column, enum, nullable in checks:
        found = {r[column] for r in db.query(f"SELECT DISTINCT {column} FROM {table}")}
        allowed = set(vocab.values(enum)) | ({None} if nullable else set())
        assert found <= allowed, (table, column, found - allowed)
    roles = {r["role"] for r in db.query("SELECT DISTINCT role FROM staff")}
    assert roles <= set(vocab.ROLE_SUGGESTIONS)
    # The story uses the whole vocabulary, not a corner of it.
    assert {r["theme"] for r in db.query("SELECT DISTINCT theme FROM incident")} == set(vocab.values(vocab.Theme))
    assert {r["format"] for r in db.query("SELECT DISTINCT format FROM training_session")} == set(
        vocab.values(vocab.SessionFormat)
    )
    assert {r["status"] for r in db.query("SELECT DISTINCT status FROM incident")} == set(
        vocab.values(vocab.ConcernStatus)
    )
    assert {"planned", "pilot", "live", "paused"} <= {
        r["stage"] for r in db.query("SELECT DISTINCT stage FROM rollout")
    }


def test_mentors_are_champions_of_the_mentees_unit_and_never_mentees(hospital):
    db, _ = hospital
    assert (
        db.scalar("""SELECT count(*) FROM pairing p JOIN staff m ON m.id = p.mentor_id
                        WHERE m.is_champion = 0 OR p.mentor_id = p.mentee_id""")
        == 0
    )
    assert db.scalar("SELECT count(*) FROM pairing WHERE mentor_id IN (SELECT mentee_id FROM pairing)") == 0
    assert (
        db.scalar("""SELECT count(*) FROM pairing p JOIN staff m ON m.id = p.mentor_id JOIN staff e ON e.id = p.mentee_id
                        WHERE m.unit_id <> e.unit_id""")
        == 0
    )


def test_pairing_dates_and_statuses_agree(hospital):
    db, _ = hospital
    assert db.scalar("SELECT count(*) FROM pairing WHERE status IN ('completed', 'ended') AND ended_on IS NULL") == 0
    assert db.scalar("SELECT count(*) FROM pairing WHERE status IN ('active', 'paused') AND ended_on IS NOT NULL") == 0
    assert db.scalar("SELECT count(*) FROM pairing WHERE ended_on < started_on") == 0
    assert (
        db.scalar("""SELECT count(*) FROM checkin c JOIN pairing p ON p.id = c.pairing_id
                        WHERE c.held_on < p.started_on OR c.held_on > coalesce(p.ended_on, '9999')""")
        == 0
    )
    assert db.scalar("SELECT count(*) FROM pairing WHERE status = 'completed'") > 0


def test_concerns_follow_the_rules(hospital):
    db, _ = hospital
    assert db.scalar("SELECT count(*) FROM incident WHERE resolved_on < occurred_on") == 0
    assert (
        db.scalar(
            "SELECT count(*) FROM incident WHERE status IN ('addressed', 'closed') AND (resolved_on IS NULL OR trim(coalesce(response, '')) = '')"
        )
        == 0
    )
    assert (
        db.scalar("SELECT count(*) FROM incident WHERE status IN ('open', 'in progress') AND resolved_on IS NOT NULL")
        == 0
    )
    # Reported by a champion of the concern's own unit; raised_by only on a minority, never the reporter.
    assert (
        db.scalar("""SELECT count(*) FROM incident i JOIN staff s ON s.id = i.reported_by
                        WHERE s.is_champion = 0 OR s.unit_id <> i.unit_id""")
        == 0
    )
    raised = db.scalar("SELECT avg(raised_by IS NOT NULL) FROM incident")
    assert 0.05 < raised < 0.4
    assert db.scalar("SELECT count(*) FROM incident WHERE raised_by = reported_by") == 0
    # Some are still open, a few of those for more than two weeks.
    open_long = db.scalar(
        "SELECT count(*) FROM incident WHERE status IN ('open', 'in progress') AND occurred_on < ?",
        ((END - dt.timedelta(days=14)).isoformat(),),
    )
    assert 0 < open_long < 0.1 * db.scalar("SELECT count(*) FROM incident")
    # Responses are varied, not one sentence pasted everywhere.
    assert db.scalar("SELECT count(DISTINCT response) FROM incident WHERE response IS NOT NULL") > 100


def test_countersigns_and_sign_offs_follow_the_rules(hospital):
    db, _ = hospital
    assert db.scalar("SELECT count(*) FROM training_session WHERE verified_by = trainer_id") == 0
    assert (
        db.scalar(
            "SELECT count(*) FROM training_session WHERE verified_on < held_on OR (verified_by IS NULL) <> (verified_on IS NULL)"
        )
        == 0
    )
    # Countersigned by the ward manager of the session's unit; run by a champion.
    assert (
        db.scalar("""SELECT count(*) FROM training_session t JOIN staff m ON m.id = t.verified_by
                        WHERE m.role <> 'ward manager' OR m.unit_id <> t.unit_id""")
        == 0
    )
    assert (
        db.scalar("SELECT count(*) FROM training_session t JOIN staff s ON s.id = t.trainer_id WHERE s.is_champion = 0")
        == 0
    )
    # Managers keep up with countersigning: the backlog is the last six weeks', not years'.
    cut = (END - dt.timedelta(days=42)).isoformat()
    assert db.scalar("SELECT avg(verified_by IS NOT NULL) FROM training_session WHERE held_on < ?", (cut,)) > 0.9
    assert 0.2 < db.scalar("SELECT avg(verified_by IS NOT NULL) FROM training_session WHERE held_on >= ?", (cut,)) < 0.8
    assert (
        db.scalar("""SELECT count(*) FROM attendance a JOIN training_session t ON t.id = a.session_id
                        WHERE a.signed_off = 1 AND (a.signed_off_on < t.held_on OR a.signed_off_by IS NULL
                              OR a.signed_off_by = a.staff_id)""")
        == 0
    )
    assert (
        db.scalar("""SELECT count(*) FROM attendance a JOIN staff s ON s.id = a.signed_off_by
                        WHERE s.is_champion = 0 AND s.role <> 'ward manager'""")
        == 0
    )
    assert (
        db.scalar(
            "SELECT count(*) FROM attendance WHERE signed_off = 0 AND (signed_off_by IS NOT NULL OR signed_off_on IS NOT NULL)"
        )
        == 0
    )
    # Confidence usually rises after a session.
    up, down = (
        db.one("""SELECT sum(confidence_after > confidence_before) AS up, sum(confidence_after < confidence_before) AS down
                          FROM attendance WHERE confidence_after IS NOT NULL""").values()
    )
    assert up > 10 * down


def test_pulses_are_ADKAR_means_on_every_unit(hospital):
    db, summary = hospital
    for element in vocab.values(vocab.Barrier):
        assert db.scalar(f"SELECT count(*) FROM pulse WHERE {element} NOT BETWEEN 1 AND 5") == 0
    assert db.scalar("SELECT count(DISTINCT unit_id) FROM pulse") == summary["counts"]["unit"]
    assert (
        db.scalar(
            "SELECT count(*) FROM pulse p JOIN staff s ON s.unit_id = p.unit_id GROUP BY p.id HAVING p.respondents > count(*)"
        )
        is None
    )


def test_stories_carry_measures_and_values(hospital):
    db, _ = hospital
    assert (
        db.scalar("SELECT count(*) FROM story WHERE trim(coalesce(measure, '')) = '' OR trim(coalesce(value, '')) = ''")
        == 0
    )
    assert db.scalar("SELECT count(DISTINCT measure) FROM story") >= 4


def test_staff_names_and_refs_look_real(hospital):
    db, _ = hospital
    names = [r["display_name"] for r in db.query("SELECT display_name FROM staff")]
    for name in ("Zoë Fletcher", "Łukasz Nowak", "Nguyễn Thị Mai", "Siobhán Ó Briain"):
        assert name in names
    assert len(set(names)) == len(names)
    families = {n.split()[-1] for n in names}
    assert len(families) > 150
    refs = [r["staff_ref"] for r in db.query("SELECT staff_ref FROM staff")]
    assert all(re.fullmatch(r"E\d{7}", r) for r in refs) and len(set(refs)) == len(refs)
    inactive = db.scalar("SELECT count(*) FROM staff WHERE active = 0")
    assert 0 < inactive < 0.05 * len(names)


def test_every_record_passes_validation(hospital):
    db, _ = hospital
    for table in RECORD_TABLES:
        # Every row of the small tables; a spread sample of the big ones keeps the test quick.
        rows = db.query(f"SELECT * FROM {table} ORDER BY id LIMIT 400")
        for row in rows:
            values = {k: v for k, v in row.items() if k not in records.SYSTEM_FIELDS}
            found = validation.problems(db, table, values, record_id=row["id"], today=END)
            assert not found, (table, row, [p.message for p in found])


def test_free_text_never_looks_like_a_patient_identifier(hospital):
    db, _ = hospital
    for table, fields in validation.FREE_TEXT_FIELDS.items():
        seen = set()
        for row in db.query(f"SELECT {', '.join(fields)} FROM {table}"):
            seen.update(v for v in row.values() if v)
        flagged = [text for text in seen if find_identifiers(text, END)]
        assert not flagged, (table, flagged[:3])


# ---- the story ------------------------------------------------------------------------------


def unit_figures(db) -> dict[str, dict[str, float]]:
    """Return per unit: job-security share of concerns, training coverage, staff per champion."""
    rows = db.query("""
        SELECT u.name,
               (SELECT avg(i.theme = 'job security') FROM incident i WHERE i.unit_id = u.id) AS job_security,
               (SELECT avg(EXISTS (SELECT 1 FROM attendance a WHERE a.staff_id = s.id))
                  FROM staff s WHERE s.unit_id = u.id AND s.active = 1) AS coverage,
               (SELECT 1.0 * sum(s.active) / sum(s.is_champion * s.active) FROM staff s WHERE s.unit_id = u.id) AS per_champion
          FROM unit u""")
    return {r["name"]: r for r in rows}


def test_the_lagging_unit_stands_out(hospital):
    db, summary = hospital
    lagging = summary["lagging_unit"]
    figures = unit_figures(db)
    assert lagging in figures
    top = max(figures.values(), key=lambda r: r["job_security"])
    assert top["name"] == lagging
    median = statistics.median(r["coverage"] for r in figures.values())
    assert figures[lagging]["coverage"] < median
    assert figures[lagging]["coverage"] == min(r["coverage"] for r in figures.values())
    assert figures[lagging]["per_champion"] > 20
    # Its latest readiness pulse shows a barrier: the first ADKAR element below 3.
    latest = db.query(
        """SELECT * FROM pulse p JOIN unit u ON u.id = p.unit_id WHERE u.name = ?
                          AND p.taken_on = (SELECT max(taken_on) FROM pulse q WHERE q.unit_id = p.unit_id AND q.tool_id = p.tool_id)""",
        (lagging,),
    )
    assert latest and all(min(r[e] for e in vocab.values(vocab.Barrier)) < 3 for r in latest)


def test_good_units_reach_solid_coverage(hospital):
    db, summary = hospital
    figures = unit_figures(db)
    good = [r["coverage"] for name, r in figures.items() if name != summary["lagging_unit"]]
    assert statistics.median(good) > 0.6
    assert max(good) <= 1.0


def test_coverage_rises_along_an_s_curve_after_go_live(hospital):
    """Cumulative share of a good unit's staff first trained on the first tool, month by month, rises slowly, fast, then slowly."""
    db, summary = hospital
    unit = summary["champion_unit"]
    firsts = [
        r["first"]
        for r in db.query(
            """
        SELECT min(t.held_on) AS first FROM attendance a JOIN training_session t ON t.id = a.session_id
          JOIN tool o ON o.id = t.tool_id JOIN unit u ON u.id = t.unit_id
         WHERE u.name = ? AND o.go_live_on = (SELECT min(go_live_on) FROM tool) GROUP BY a.staff_id""",
            (unit,),
        )
    ]
    months = sorted({f[:7] for f in firsts})
    per_month = [sum(f.startswith(m) for f in firsts) for m in months]
    peak = per_month.index(max(per_month))
    assert 0 < peak < len(per_month) - 1, per_month
    assert per_month[0] < max(per_month) and per_month[-1] < max(per_month)


def test_concerns_peak_around_go_live_then_fall(hospital):
    db, _ = hospital
    # For each unit and tool gone live over 4 months before the end: the 60 days around go-live
    # see more concerns than the 60 days that follow three months later.
    rows = db.query(
        """
        SELECT r.unit_id, r.tool_id, r.since,
               (SELECT count(*) FROM incident i WHERE i.unit_id = r.unit_id AND i.tool_id = r.tool_id
                   AND i.occurred_on BETWEEN date(r.since, '-30 days') AND date(r.since, '+30 days')) AS around,
               (SELECT count(*) FROM incident i WHERE i.unit_id = r.unit_id AND i.tool_id = r.tool_id
                   AND i.occurred_on BETWEEN date(r.since, '+90 days') AND date(r.since, '+150 days')) AS later
          FROM rollout r WHERE r.stage = 'live' AND r.since < date(?, '-150 days')""",
        (END.isoformat(),),
    )
    assert len(rows) >= 10
    falling = sum(r["around"] > r["later"] for r in rows)
    assert falling >= 0.85 * len(rows)


def test_some_pairings_stall_and_mentees_gain_confidence(hospital):
    db, _ = hospital
    end = END.isoformat()
    stalled = db.scalar(
        """
        SELECT count(*) FROM pairing p WHERE p.ended_on IS NULL AND p.started_on < date(?, '-30 days')
           AND NOT EXISTS (SELECT 1 FROM checkin c WHERE c.pairing_id = p.id AND c.held_on > date(?, '-30 days'))""",
        (end, end),
    )
    active = db.scalar("SELECT count(*) FROM pairing WHERE ended_on IS NULL")
    assert 0 < stalled < 0.4 * active
    # Across completed pairings, the last check-in's confidence beats the first.
    rows = db.query("""
        SELECT (SELECT confidence FROM checkin c WHERE c.pairing_id = p.id ORDER BY held_on LIMIT 1) AS first,
               (SELECT confidence FROM checkin c WHERE c.pairing_id = p.id ORDER BY held_on DESC LIMIT 1) AS last
          FROM pairing p WHERE p.status = 'completed'""")
    rose = sum(r["last"] > r["first"] for r in rows if r["first"] is not None)
    assert rose >= 0.8 * len(rows)


def test_one_rollout_is_paused_and_some_refreshers_are_due(hospital):
    db, _ = hospital
    assert db.scalar("SELECT count(*) FROM rollout WHERE stage = 'paused'") == 1
    assert {r["refresher_months"] for r in db.query("SELECT refresher_months FROM tool")} <= {6, 12}
    # Colleagues whose latest sign-off on a tool is older than the tool's refresher period.
    due = db.scalar(
        """
        SELECT count(*) FROM (
            SELECT a.staff_id, t.tool_id, max(a.signed_off_on) AS last, o.refresher_months AS months
              FROM attendance a JOIN training_session t ON t.id = a.session_id JOIN tool o ON o.id = t.tool_id
             WHERE a.signed_off = 1 GROUP BY a.staff_id, t.tool_id)
         WHERE last < date(?, '-' || months || ' months')""",
        (END.isoformat(),),
    )
    signed = db.scalar("SELECT count(DISTINCT staff_id) FROM attendance WHERE signed_off = 1")
    assert 0 < due < signed


def test_every_tool_has_fitting_phrases_for_every_theme():
    from champion_desk.domain.demo_words import DESCRIPTIONS, RESPONSES, TOOLS, phrases

    for info in TOOLS.values():
        for theme in vocab.values(vocab.Theme):
            assert len(phrases(info, DESCRIPTIONS, theme)) >= 2, (info.key, theme)
            assert len(phrases(info, RESPONSES, theme)) >= 2, (info.key, theme)
            assert not any(p.startswith("[") for p in phrases(info, RESPONSES, theme))


def test_the_demo_words_are_the_files_in_resources_demo():
    # resources/ is what build.spec ships beside the code and paths.resource_path finds at run
    # time; a words file elsewhere, or one the loader does not know, would be missed in the bundle.
    from champion_desk.domain.demo_words import FILES
    from champion_desk.paths import resource_path

    folder = resource_path("demo")
    assert sorted(p.name for p in folder.iterdir()) == sorted(FILES)
    spec = (Path(__file__).resolve().parents[2] / "build.spec").read_text(encoding="utf-8")
    assert '(str(ROOT / "resources"), "resources")' in spec


def test_every_tool_goes_to_units_the_story_has():
    from champion_desk.domain.demo import SCALES
    from champion_desk.domain.demo_words import TOOLS, UNITS

    kinds = {kind for _, _, kind in UNITS}
    for info in TOOLS.values():
        assert set(info.kinds) <= kinds, info.key
    assert {tool for spec in SCALES.values() for tool in spec.tools} <= set(TOOLS)


def test_the_connection_page_cache_is_put_back(db):
    before = db.scalar("PRAGMA cache_size")
    generate_demo(db, "ward", end=END)
    assert db.scalar("PRAGMA cache_size") == before
