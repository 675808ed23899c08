"""The usage import: matching users, bad lines, idempotence, replacing a newer export's days, all or nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from champion_desk.exchange import usage
from champion_desk.exchange.tabular import read_table
from champion_desk.store import records


@pytest.fixture
def people(db, ward):
    """The hand-built ward, with an e-mail for one colleague and a login for another."""
    records.update(db, "staff", ward["a"], {"email": "Mai.Nguyen@nhs.net"}, "t")
    records.update(db, "staff", ward["b"], {"login": "sobriain"}, "t")
    return ward


def _file(tmp_path, text: str, name: str = "scribe.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return read_table(path)


def _import(db, table, **kw):
    mapping = usage.complete_mapping(kw.pop("maps", []), table.headers)
    return usage.import_usage(db, table, mapping, "t", backup=False, **{"tool": "Scribe", **kw})


def _stored(db) -> list[tuple]:
    return [
        tuple(r.values())
        for r in db.query(
            "SELECT s.display_name, u.day, u.count FROM usage u JOIN staff s ON s.id = u.staff_id"
            " WHERE u.deleted_at IS NULL ORDER BY u.day, s.display_name"
        )
    ]


def test_users_match_by_staff_number_email_or_login_whatever_their_case(db, people, tmp_path):
    table = _file(
        tmp_path,
        "Employee Number,E-mail,Username,Date,Encounters\n"
        "e100,,,2026-11-02,4\n"
        ",MAI.NGUYEN@NHS.NET,,03/11/2026,2\n"
        ",,SOBRIAIN,4 Nov 2026,7\n",
    )
    plan = _import(db, table)
    assert plan.written and plan.counts["added"] == 3 and not plan.problems and not plan.unmatched
    assert _stored(db) == [
        ("Nguyễn Thị Mai", "2026-11-02", 4),
        ("Nguyễn Thị Mai", "2026-11-03", 2),
        ("Siobhán Ó Briain", "2026-11-04", 7),
    ]
    assert {r["source"] for r in db.query("SELECT source FROM usage")} == {"scribe.csv"}


def test_unmatched_users_are_reported_by_line_and_never_become_colleagues(db, people, tmp_path):
    staff_before = records.count(db, "staff")
    table = _file(tmp_path, "Staff number,Date,Count\nE100,2026-11-02,4\nX999,2026-11-02,9\n")
    plan = _import(db, table)
    assert [str(p) for p in plan.unmatched] == [
        "line 3: staff_ref: matches no colleague (no colleague is created) (X999)"
    ]
    assert plan.written and _stored(db) == [("Nguyễn Thị Mai", "2026-11-02", 4)]
    assert records.count(db, "staff") == staff_before


def test_a_file_matching_nobody_is_refused_as_a_whole(db, people, tmp_path):
    table = _file(tmp_path, "Staff number,Date,Count\nX1,2026-11-02,4\nX2,2026-11-02,9\n")
    with pytest.raises(usage.UsageError, match="None of the 2 users"):
        _import(db, table)


def test_bad_lines_name_the_line_field_and_rule_and_nothing_is_written(db, people, tmp_path):
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    table = _file(
        tmp_path,
        "Staff number,Date,Count,Tool\n"
        "E100,2026-11-02,4,\n"
        "E101,2026-13-02,4,\n"
        "E101,2026-11-03,four,\n"
        f"E101,{future},1,\n"
        "E100,2026-11-05,1,Sepsis Alert\n"
        ",2026-11-05,1,\n"
        "E100,2026-11-02,5,\n",
    )
    plan = _import(db, table)
    assert [str(p) for p in plan.problems] == [
        "line 3: day: must be a date (YYYY-MM-DD, DD/MM/YYYY or 15 Mar 2026) (got '2026-13-02')",
        "line 4: count: must be a whole number, 0 or more (got 'four')",
        f"line 5: day: must not be in the future ({future})",
        "line 6: tool: must name a tool on Tools & roadmap (got 'Sepsis Alert')",
        "line 7: staff_ref: one of staff number, e-mail or login is required",
        "line 8: day: the same user, tool and day is already on another line (line 2)",
    ]
    assert not plan.written and _stored(db) == []
    # --skip-invalid writes the valid line only.
    plan = _import(db, table, skip_invalid=True)
    assert plan.written and _stored(db) == [("Nguyễn Thị Mai", "2026-11-02", 4)]


def test_re_importing_the_same_file_changes_nothing(db, people, tmp_path):
    table = _file(tmp_path, "Staff number,Date,Count\nE100,2026-11-02,4\nE101,2026-11-02,1\n")
    _import(db, table)
    audit_before = db.scalar("SELECT count(*) FROM audit")
    plan = _import(db, table)
    assert not plan.written and plan.counts == {
        "added": 0,
        "updated": 0,
        "unchanged": 2,
        "removed": 0,
        "unmatched": 0,
        "invalid": 0,
    }
    assert db.scalar("SELECT count(*) FROM audit") == audit_before


def test_a_newer_export_replaces_the_days_it_covers_for_the_colleagues_it_names(db, people, tmp_path):
    _import(
        db,
        _file(
            tmp_path,
            "Staff number,Date,Count\nE100,2026-11-02,4\nE101,2026-11-02,1\nE101,2026-11-03,2\nE100,2026-11-04,1\n",
        ),
    )
    plan = _import(
        db,
        _file(
            tmp_path, "Staff number,Date,Count\nE100,2026-11-02,6\nE100,2026-11-03,1\nE101,2026-11-03,2\n", "newer.csv"
        ),
    )
    assert plan.counts == {"added": 1, "updated": 1, "unchanged": 1, "removed": 1, "unmatched": 0, "invalid": 0}
    # 2 Nov: E100 corrected; E101, named in the file but not on 2 Nov, had no use that day.
    # 4 Nov, which the newer file does not cover, is kept.
    assert _stored(db) == [
        ("Nguyễn Thị Mai", "2026-11-02", 6),
        ("Nguyễn Thị Mai", "2026-11-03", 1),
        ("Siobhán Ó Briain", "2026-11-03", 2),
        ("Nguyễn Thị Mai", "2026-11-04", 1),
    ]
    assert db.scalar("SELECT count(*) FROM usage WHERE deleted_at IS NOT NULL") == 1


def test_an_export_of_some_colleagues_leaves_the_others_use_on_the_same_days(db, people, tmp_path):
    _import(db, _file(tmp_path, "Staff number,Date,Count\nE100,2026-11-02,4\nE101,2026-11-02,1\n"))
    plan = _import(db, _file(tmp_path, "Staff number,Date,Count\nE100,2026-11-02,5\n", "one-ward.csv"))
    assert plan.counts["removed"] == 0
    assert _stored(db) == [("Nguyễn Thị Mai", "2026-11-02", 5), ("Siobhán Ó Briain", "2026-11-02", 1)]


def test_a_tool_column_names_each_rows_tool_and_an_unknown_tool_option_is_refused(db, people, tmp_path):
    records.insert(db, "tool", {"name": "Sepsis Alert"}, "t")
    table = _file(tmp_path, "Login,Day,Alerts acknowledged,Product\nsobriain,2026-11-02,3,sepsis alert\n")
    plan = usage.import_usage(db, table, usage.complete_mapping([], table.headers), "t", backup=False)
    assert plan.written
    assert db.scalar("SELECT t.name FROM usage u JOIN tool t ON t.id = u.tool_id") == "Sepsis Alert"
    with pytest.raises(usage.UsageError, match="--tool: no tool named 'Nope'"):
        _import(db, table, tool="Nope")


def test_map_options_name_columns_the_synonyms_do_not_know(db, people, tmp_path):
    table = _file(tmp_path, "Clinician;Week;Drafts\nE100;2026-11-02;12\n")
    with pytest.raises(usage.UsageError, match="No column names the user"):
        _import(db, table)
    plan = _import(db, table, maps=["staff_ref=Clinician", "day=Week", "count=Drafts"])
    assert plan.written and _stored(db) == [("Nguyễn Thị Mai", "2026-11-02", 12)]


def test_an_ambiguous_email_is_a_problem_not_a_guess(db, people, tmp_path):
    records.update(db, "staff", people["b"], {"email": "mai.nguyen@nhs.net"}, "t")
    plan = _import(db, _file(tmp_path, "Email,Date,Count\nmai.nguyen@nhs.net,2026-11-02,1\n"))
    assert [p.rule for p in plan.problems] == ["matches 2 colleagues; give each a distinct e-mail"]
    assert not plan.written


def test_the_import_is_all_or_nothing_when_a_write_fails(db, people, tmp_path, monkeypatch):
    table = _file(tmp_path, "Staff number,Date,Count\nE100,2026-11-02,4\nE101,2026-11-02,1\n")

    def fail(*args, **kw):
        raise RuntimeError("power cut")

    monkeypatch.setattr(usage.records, "delete", fail)
    _import(db, table)
    newer = _file(tmp_path, "Staff number,Date,Count\nE100,2026-11-02,5\nE101,2026-11-03,1\n", "newer.csv")
    with pytest.raises(RuntimeError):
        _import(db, newer)
    assert _stored(db) == [("Nguyễn Thị Mai", "2026-11-02", 4), ("Siobhán Ó Briain", "2026-11-02", 1)]


def test_roster_import_fills_email_and_login(db, tmp_path):
    from champion_desk.exchange import roster

    table = _file(
        tmp_path, "Staff number,Name,Work email,Login name\nE1,Ada Lovelace,ada@nhs.net,alove\nE2,Bob,not-an-email,\n"
    )
    plan = roster.import_roster(db, table, roster.guess_mapping(table.headers), "t", backup=False, skip_invalid=True)
    assert [str(p) for p in plan.problems] == [
        "line 3: email: must be an e-mail address (name@domain) (got 'not-an-email')"
    ]
    assert db.one("SELECT email, login FROM staff WHERE staff_ref = 'E1'") == {"email": "ada@nhs.net", "login": "alove"}


def test_the_command_prints_the_plan_and_refuses_invalid_rows(db_path, tmp_path, capsys):
    from champion_desk.cli import main

    assert main(["--db", str(db_path), "init"]) == 0
    from champion_desk.store.database import open_database

    with open_database(db_path) as db:
        from tests.factories import make_ward

        make_ward(db)
    good = tmp_path / "good.csv"
    good.write_text("Staff number,Date,Count\nE100,2026-11-02,4\nZ9,2026-11-02,1\n", encoding="utf-8")
    assert main(["--db", str(db_path), "import-usage", str(good), "--tool", "scribe", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "line 3: staff_ref: matches no colleague" in out and "added 1" in out and "Dry run" in out
    bad = tmp_path / "bad.csv"
    bad.write_text("Staff number,Date,Count\nE100,2026-11-02,-1\n", encoding="utf-8")
    assert main(["--db", str(db_path), "import-usage", str(bad), "--tool", "Scribe"]) == 1
    captured = capsys.readouterr()
    assert "line 2: count: must be a whole number, 0 or more (got '-1')" in captured.out
    assert "nothing was written" in captured.err


def test_a_colleagues_own_use_is_in_their_subject_access_export(db, people, tmp_path):
    from champion_desk.exchange.person import person_records

    _import(db, _file(tmp_path, "Staff number,Date,Count\nE100,2026-11-02,4\nE101,2026-11-02,1\n"))
    found = person_records(db, people["a"])
    assert [(r["day"], r["count"]) for r in found["usage"]] == [("2026-11-02", 4)]
    assert found["staff"]["email"] == "Mai.Nguyen@nhs.net"


def test_a_count_column_is_found_by_its_words_when_no_synonym_matches_exactly():
    mapping = usage.guess_mapping(["Employee ID", "Activity Date", "Encounters Documented", "Department"])
    assert mapping == {"staff_ref": ("Employee ID",), "day": ("Activity Date",), "count": ("Encounters Documented",)}
    mapping = usage.guess_mapping(["Assignment No.", "Week Commencing", "Alerts Acknowledged", "Product"])
    assert mapping == {
        "staff_ref": ("Assignment No.",),
        "day": ("Week Commencing",),
        "count": ("Alerts Acknowledged",),
        "tool": ("Product",),
    }
