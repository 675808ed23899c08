"""Erasure: no byte of the name stays in the file or its WAL; counts and links survive; a tombstone remains."""

from __future__ import annotations

import json
import shutil
import sqlite3
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings

from champion_desk.domain.logbook import save_session
from champion_desk.errors import StoreError
from champion_desk.exchange.person import erase_person_by_ref, export_person, find_person
from champion_desk.names import fold
from champion_desk.store import erasure, records
from champion_desk.store.database import open_database
from tests.factories import TODAY, session_values
from tests.test_names import full_name, spellings

NAME = "Nguyễn Thị Mai"


def _raw(path: Path) -> bytes:
    data = path.read_bytes()
    for suffix in ("-wal", "-journal"):
        extra = Path(str(path) + suffix)
        if extra.exists():
            data += extra.read_bytes()
    return data


@pytest.fixture
def busy_ward(db, ward):
    """The ward with Mai's name spread around: attendance, a concern she raised, notes, audit rows."""
    save_session(
        db,
        session_values(ward, notes=f"{NAME} helped set up the laptop"),
        [{"staff_id": ward["a"], "confidence_before": 2, "confidence_after": 4}, {"staff_id": ward["b"]}],
        "Zoë Adams",
        today=TODAY,
    )
    records.insert(
        db,
        "incident",
        {
            "tool_id": ward["tool"],
            "unit_id": ward["unit"],
            "occurred_on": "2026-11-02",
            "theme": "job security",
            "raised_by": ward["a"],
            "reported_by": ward["champion"],
            "description": f"{NAME.upper()} worried about rotas",
            "owner": NAME,
        },
        "Zoë Adams",
    )
    records.update(db, "staff", ward["a"], {"role": "healthcare assistant"}, NAME)  # she logged a change herself
    records.insert(
        db,
        "pairing",
        {
            "mentor_id": ward["champion"],
            "mentee_id": ward["a"],
            "tool_id": ward["tool"],
            "started_on": "2026-11-03",
            "goal": "Confident with drafts",
        },
        "Zoë Adams",
    )
    db.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
    assert NAME.encode() in _raw(db.path)
    return ward


def test_erasure_leaves_no_byte_of_the_name(db, busy_ward):
    before = {t: records.count(db, t) for t in ("attendance", "incident", "pairing", "training_session")}
    report = erase_person_by_ref(db, "E100", "Zoë Adams")
    assert report.result.checkpoint_complete
    for needle in (NAME, NAME.upper(), "E100"):
        assert needle.encode("utf-8") not in _raw(db.path), needle
    # Counts and links stay; the staff row is an anonymous tombstone.
    assert {t: records.count(db, t) for t in before} == before
    row = records.get(db, "staff", busy_ward["a"], include_deleted=True)
    assert erasure.is_erased_row(row) and row["role"] is None and row["unit_id"] == busy_ward["unit"]
    assert records.find(db, "attendance", staff_id=busy_ward["a"])
    assert busy_ward["a"] in erasure.erased_ids(db)
    # Other colleagues keep their names; the audit shows the erasure without naming anyone erased.
    assert records.get(db, "staff", busy_ward["b"])["display_name"] == "Siobhán Ó Briain"
    assert db.scalar("SELECT count(*) FROM audit WHERE action = 'erase'") == 1
    assert db.scalar("PRAGMA integrity_check") == "ok"
    assert db.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_erasing_twice_is_refused(db, busy_ward):
    erase_person_by_ref(db, busy_ward["a"], "x")
    with pytest.raises(StoreError, match="already"):
        erasure.erase_staff(db, busy_ward["a"], "x")


def test_namesakes_keep_their_names(db, ward):
    twin = records.insert(db, "staff", {"display_name": NAME, "staff_ref": "E999"}, "t")
    erase_person_by_ref(db, "E100", "x")
    assert records.get(db, "staff", twin)["display_name"] == NAME


def test_export_person_has_everything_naming_them(db, busy_ward, tmp_path):
    out = tmp_path / "mai.json"
    counts = export_person(db, find_person(db, "e100")["id"], out)
    data = json.loads(out.read_text(encoding="utf-8"))["records"]
    assert data["staff"]["display_name"] == NAME
    assert len(data["attendance"]) == 1 and data["attendance"][0]["confidence_after"] == 4
    assert data["incident"][0]["raised_by"] == busy_ward["a"]
    assert data["pairing"][0]["mentee_id"] == busy_ward["a"]
    assert any(a["actor"] == NAME for a in data["audit"])
    assert counts["attendance"] == 1 and counts["staff"] == 1


def test_erasing_yourself_does_not_sign_with_your_name(db, busy_ward):
    erase_person_by_ref(db, "E100", NAME)
    assert NAME.encode() not in _raw(db.path)


def test_surname_first_names_are_also_erased_as_written_in_notes(db, ward):
    person = records.insert(db, "staff", {"display_name": "Adams,  Zoë", "staff_ref": "E555"}, "t")
    records.insert(
        db,
        "incident",
        {
            "tool_id": ward["tool"],
            "unit_id": ward["unit"],
            "occurred_on": "2026-11-02",
            "theme": "workload and time",
            "description": "zoë adams asked about rotas",
        },
        "t",
    )
    erasure.erase_staff(db, person, "t")
    assert "zoë adams".encode() not in _raw(db.path) and "Adams,  Zoë".encode() not in _raw(db.path)


def test_an_erased_colleague_cannot_be_restored(db, busy_ward):
    from champion_desk.errors import ConflictError

    erase_person_by_ref(db, busy_ward["a"], "x")
    with pytest.raises(ConflictError) as err:
        records.undelete(db, "staff", busy_ward["a"], "x")
    assert err.value.rule == "erased records cannot be restored"
    assert records.get(db, "staff", busy_ward["a"], include_deleted=True)["deleted_at"]


# --- every column, every form -----------------------------------------------------------------

SPELLED = unicodedata.normalize("NFD", "NGUYỄN  thị\nMAI")  # decomposed, other case, double space, line break


def _fill_every_table(db, ward) -> None:
    """Give every table with free text a row (the ward has units, tools and staff already)."""
    save_session(db, session_values(ward), [{"staff_id": ward["b"]}], "t", today=TODAY)
    records.insert(
        db, "rollout", {"tool_id": ward["tool"], "unit_id": ward["unit"], "stage": "live", "since": "2026-10-01"}, "t"
    )
    records.insert(
        db,
        "incident",
        {"tool_id": ward["tool"], "unit_id": ward["unit"], "occurred_on": "2026-11-02", "theme": "other"},
        "t",
    )
    pairing = records.insert(
        db,
        "pairing",
        {"mentor_id": ward["champion"], "mentee_id": ward["b"], "tool_id": ward["tool"], "started_on": "2026-11-03"},
        "t",
    )
    records.insert(db, "checkin", {"pairing_id": pairing, "held_on": "2026-11-10"}, "t")
    records.insert(db, "story", {"tool_id": ward["tool"], "told_on": "2026-11-11", "title": "Quicker notes"}, "t")
    records.insert(db, "setting", {"key": "test.note", "value": "x"}, "t")
    records.insert(db, "suggestion_response", {"suggestion_key": "k", "decision": "dismissed"}, "t")
    records.insert(db, "usage", {"staff_id": ward["b"], "tool_id": ward["tool"], "day": "2026-11-02", "count": 3}, "t")
    records.insert(
        db,
        "idea",
        {"unit_id": ward["unit"], "raised_on": "2026-11-04", "title": "Drafts for letters", "status": "new"},
        "t",
    )
    db.conn.execute(
        "INSERT INTO sync_peer (id, created_at, updated_at, logbook_id, seen_by, ward_name, pc_name)"
        " VALUES ('p1', 'x', 'x', 'l1', 'l2', 'Cedar Ward', 'WARD-PC-3')"
    )


def test_erasure_removes_the_colleagues_use_of_the_tools_and_their_email_and_login(db, ward):
    records.update(db, "staff", ward["a"], {"email": "mai.nguyen@nhs.net", "login": "mnguyen"}, "t")
    theirs = records.insert(
        db, "usage", {"staff_id": ward["a"], "tool_id": ward["tool"], "day": "2026-11-02", "count": 4}, "t"
    )
    other = records.insert(
        db, "usage", {"staff_id": ward["b"], "tool_id": ward["tool"], "day": "2026-11-02", "count": 2}, "t"
    )
    erase_person_by_ref(db, "E100", "t")
    assert (
        db.scalar("SELECT deleted_at FROM usage WHERE id = ?", (theirs,)) is not None
    )  # a tombstone: merges honour it
    assert db.scalar("SELECT deleted_at FROM usage WHERE id = ?", (other,)) is None
    assert db.one("SELECT email, login FROM staff WHERE id = ?", (ward["a"],)) == {"email": None, "login": None}
    raw = _raw(db.path)
    assert b"mai.nguyen@nhs.net" not in raw and b"mnguyen" not in raw


SCHEMA_COLUMNS = [(t, c) for t, cols in erasure.schema_text_columns().items() for c in cols]


def test_the_columns_come_from_sqlite_and_include_the_ones_ddl_parsing_missed(db):
    assert erasure.free_text_columns(db.conn) == erasure.schema_text_columns()
    for missed in (("checkin", "note"), ("story", "source"), ("unit", "specialty"), ("suggestion_response", "reason")):
        assert missed in SCHEMA_COLUMNS


@pytest.mark.parametrize(("table", "column"), SCHEMA_COLUMNS, ids=[f"{t}.{c}" for t, c in SCHEMA_COLUMNS])
def test_a_name_in_any_text_column_is_erased(db, ward, table, column):
    _fill_every_table(db, ward)
    target = db.scalar(f"SELECT min(rowid) FROM {table} WHERE id != ?", (ward["a"],))
    db.conn.execute(f"UPDATE {table} SET {column} = ? WHERE rowid = ?", (f"{SPELLED} and E100 were here", target))
    erase_person_by_ref(db, "E100", "t")
    value = db.scalar(f"SELECT {column} FROM {table} WHERE rowid = ?", (target,))
    assert value == "[erased] and [erased] were here"
    raw = _raw(db.path)
    for needle in (SPELLED, "E100", NAME, unicodedata.normalize("NFD", NAME)):
        assert needle.encode() not in raw


def test_a_column_added_later_is_covered_without_being_listed(db, ward):
    db.conn.execute("ALTER TABLE pulse ADD COLUMN comment TEXT")
    pulse = records.insert(
        db, "pulse", {"unit_id": ward["unit"], "tool_id": ward["tool"], "taken_on": "2026-11-01", "respondents": 6}, "t"
    )
    db.conn.execute("UPDATE pulse SET comment = ? WHERE id = ?", (f"asked {NAME.lower()}", pulse))
    erase_person_by_ref(db, "E100", "t")
    assert db.scalar("SELECT comment FROM pulse WHERE id = ?", (pulse,)) == "asked [erased]"


def test_earlier_names_and_their_audit_actor_are_erased(db, ward):
    records.insert(
        db,
        "incident",
        {
            "tool_id": ward["tool"],
            "unit_id": ward["unit"],
            "occurred_on": "2026-11-02",
            "theme": "other",
            "response": "Met Mai Nguyen-Smith again",
        },
        "Mai Nguyen-Smith",
    )
    records.update(db, "staff", ward["a"], {"display_name": "Mai Nguyen-Smith"}, "t")
    records.update(
        db, "staff", ward["a"], {"display_name": NAME}, "t"
    )  # renamed back: the earlier name is in the audit only
    erase_person_by_ref(db, "E100", "t")
    raw = _raw(db.path)
    assert b"Nguyen-Smith" not in raw and NAME.encode() not in raw
    assert db.scalar("SELECT count(*) FROM audit WHERE actor = ?", (erasure.ERASED_NAME,)) >= 1


def test_free_pages_left_by_another_program_are_cleared(db, ward):
    # Another program deleted a long note without secure_delete: its pages still hold the name.
    other = sqlite3.connect(db.path)
    other.execute("PRAGMA secure_delete = OFF")
    story = records.insert(db, "story", {"tool_id": ward["tool"], "told_on": "2026-11-11", "title": "t"}, "t")
    other.execute("UPDATE story SET summary = ? WHERE id = ?", (f"{NAME} said " * 400, story))
    other.commit()
    other.execute("UPDATE story SET summary = NULL WHERE id = ?", (story,))
    other.commit()
    other.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    other.close()
    assert NAME.encode() in _raw(db.path) and db.scalar("PRAGMA freelist_count") > 0
    erasure.erase_staff(db, ward["a"], "t")
    assert NAME.encode() not in _raw(db.path)


def test_zeroing_free_pages_leaves_none_with_old_bytes(db, ward):
    other = sqlite3.connect(db.path)
    other.execute("PRAGMA secure_delete = OFF")
    other.execute("CREATE TABLE scratch (t TEXT)")
    other.execute("INSERT INTO scratch VALUES (?)", ("SECRET-PAGE " * 5000,))
    other.execute("DROP TABLE scratch")
    other.commit()
    other.close()
    free = db.scalar("PRAGMA freelist_count")
    assert free > 10
    with db.transaction():
        erasure.zero_free_pages(db)
    assert db.scalar("PRAGMA freelist_count") >= free  # the pages are free again, not used up
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert b"SECRET-PAGE" not in _raw(db.path)


def test_a_reader_holding_old_pages_is_named_and_erasing_again_by_id_finishes(db, busy_ward, capsys):
    reader = sqlite3.connect(db.path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM staff").fetchone()  # a read transaction on the old snapshot
    db.conn.execute("PRAGMA busy_timeout = 50")
    report = erase_person_by_ref(db, "E100", "t")
    text = "\n".join(report.lines())
    assert report.result.purge_problem == erasure.BUSY and not report.result.checkpoint_complete
    assert "another program still has this database open" in text
    assert f"champion-desk erase-person {busy_ward['a']} --yes" in text
    assert NAME.encode() in _raw(db.path)  # the old pages are really still there: the message is true
    reader.execute("COMMIT")
    reader.close()
    again = erase_person_by_ref(db, busy_ward["a"], "t")  # by the id it printed
    assert again.already_erased and again.result.purge_problem is None
    assert "now cleared" in "\n".join(again.lines())
    assert NAME.encode() not in _raw(db.path)


def test_on_a_full_disk_nothing_is_erased_and_the_message_says_so(db, ward):
    from champion_desk.errors import DiskFullError

    story = records.insert(
        db,
        "story",
        {"tool_id": ward["tool"], "told_on": "2026-11-11", "title": "t", "summary": " ".join(["Al Bo"] * 3000)},
        "t",
    )
    person = records.insert(db, "staff", {"display_name": "Al Bo", "staff_ref": "E5"}, "t")
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.execute(f"PRAGMA max_page_count = {db.scalar('PRAGMA page_count')}")
    with pytest.raises(DiskFullError) as caught:
        erase_person_by_ref(db, "E5", "t")
    assert "nothing was erased" in str(caught.value)
    assert records.get(db, "staff", person)["display_name"] == "Al Bo"
    assert "Al Bo" in records.get(db, "story", story)["summary"]
    db.conn.execute("PRAGMA max_page_count = 1073741823")
    report = erase_person_by_ref(db, "E5", "t")  # with room again it runs whole
    assert report.result.purge_problem is None and b"Al Bo" not in _raw(db.path)


def test_when_the_checkpoint_would_not_fit_on_the_disk_nothing_is_erased(db, ward, monkeypatch):
    from collections import namedtuple

    from champion_desk.errors import DiskFullError

    records.insert(
        db,
        "story",
        {"tool_id": ward["tool"], "told_on": "2026-11-11", "title": "t", "summary": " ".join(["Al Bo"] * 3000)},
        "t",
    )
    records.insert(db, "staff", {"display_name": "Al Bo", "staff_ref": "E5"}, "t")
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(erasure.shutil, "disk_usage", lambda _: usage(10**9, 10**9, 0))
    with pytest.raises(DiskFullError, match="nothing was erased"):
        erase_person_by_ref(db, "E5", "t")
    assert db.scalar("SELECT count(*) FROM staff WHERE display_name = 'Al Bo'") == 1


_TEMPLATE: dict[str, Path] = {}


def _template() -> Path:
    """Return an empty database file to copy (creating one per example would dominate the run)."""
    if "path" not in _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="erasure-template-"))
        open_database(folder / "t.db").close()
        _TEMPLATE["path"] = folder / "t.db"
    return _TEMPLATE["path"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(full_name)
def test_after_erasure_no_spelling_of_a_generated_name_is_anywhere_in_the_file(name):
    first, _, last = name.partition(" ")
    core = last.split()[-1].split("'")[-1].split("-")[0]
    assume(fold(first) not in {"cedar", "scribe"} and fold(core) not in {"cedar", "scribe"})
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "desk.db"
        shutil.copy(_template(), path)
        with open_database(path) as db:
            unit = records.insert(db, "unit", {"name": f"Cedar {core}"}, "t")
            tool = records.insert(db, "tool", {"name": f"{core} Scribe"}, "t")
            person = records.insert(db, "staff", {"display_name": name, "unit_id": unit, "staff_ref": "E4207319"}, "t")
            trainer = records.insert(db, "staff", {"display_name": "Zoë Adams", "is_champion": 1}, "t")
            notes = " / ".join(spellings(name))
            save_session(
                db,
                {
                    "tool_id": tool,
                    "unit_id": unit,
                    "trainer_id": trainer,
                    "held_on": "2026-11-20",
                    "minutes": 30,
                    "format": "hands-on",
                    "notes": f"With {notes}",
                },
                [{"staff_id": person}],
                spellings(name)[3],
                today=TODAY,
            )
            erase_person_by_ref(db, "E4207319", "t")
            raw = _raw(path)
            for spelling in spellings(name):
                for form in {spelling, unicodedata.normalize("NFC", spelling), unicodedata.normalize("NFD", spelling)}:
                    assert form.encode() not in raw, (name, form)
            # Long enough not to turn up by chance among the file's binary bytes ("E42" once did).
            assert b"E4207319" not in raw
            assert records.get(db, "unit", unit)["name"] == f"Cedar {core}"
            assert records.get(db, "tool", tool)["name"] == f"{core} Scribe"
            assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0


def test_the_command_says_what_is_left_and_running_it_again_by_the_id_finishes(db_path, monkeypatch):
    import contextlib
    import io

    from champion_desk import cli
    from tests.factories import make_ward

    with open_database(db_path) as db:
        staff_id = make_ward(db)["a"]

    def run(*args: str) -> tuple[int, str]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            code = cli.main(["--db", str(db_path), *args])
        return code, out.getvalue()

    with monkeypatch.context() as m:
        m.setattr(erasure, "purge_deleted_bytes", lambda db: erasure.FULL)  # the file could not grow
        code, out = run("erase-person", "E100", "--yes")
    assert code == 1
    assert "Not finished: the disk is full" in out and f"champion-desk erase-person {staff_id} --yes" in out
    code, out = run("erase-person", staff_id, "--yes")
    assert code == 0 and "already erased" in out and "now cleared" in out


def test_place_names_that_would_become_one_stop_the_erasure_with_nothing_changed(db, ward):
    from champion_desk.errors import ConflictError

    records.insert(db, "unit", {"name": f"{NAME}'s old ward"}, "t")
    records.insert(db, "unit", {"name": "E100's old ward"}, "t")
    with pytest.raises(ConflictError, match="rename one of them first. Nothing was erased") as caught:
        erase_person_by_ref(db, "E100", "t")
    assert caught.value.field == "unit.name"
    assert records.get(db, "staff", ward["a"])["display_name"] == NAME


@pytest.fixture
def small_disk(tmp_path):
    """Yield a folder on a 3 MB tmpfs of its own (Linux, as root), or skip."""
    import os
    import subprocess

    folder = tmp_path / "small"
    folder.mkdir()
    if (
        os.name != "posix"
        or os.geteuid() != 0
        or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(folder)], capture_output=True
        ).returncode
        != 0
    ):
        pytest.skip("a small tmpfs needs Linux and root")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_on_a_really_full_disk_nothing_is_erased_then_with_room_all_of_it(small_disk):
    import os

    from champion_desk.errors import DiskFullError

    path = small_disk / "desk.db"
    with open_database(path) as db:
        tool = records.insert(db, "tool", {"name": "Scribe"}, "t")
        records.insert(db, "staff", {"display_name": "Al Bo", "staff_ref": "E5"}, "t")
        for _ in range(30):
            records.insert(
                db,
                "story",
                {"tool_id": tool, "told_on": "2026-11-11", "title": "t", "summary": " ".join(["Al Bo"] * 800)},
                "t",
            )
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        filler = os.open(small_disk / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while True:
                os.write(filler, b"\0" * 4096)
        except OSError:
            pass
        finally:
            os.close(filler)
        with pytest.raises(DiskFullError, match="nothing was erased"):
            erase_person_by_ref(db, "E5", "t")
        assert db.scalar("SELECT count(*) FROM staff WHERE display_name = 'Al Bo' AND staff_ref = 'E5'") == 1
        assert db.scalar("SELECT count(*) FROM story WHERE summary LIKE 'Al Bo%'") == 30
        (small_disk / "filler").unlink()
        report = erase_person_by_ref(db, "E5", "t")
        assert report.result.purge_problem is None
        assert b"Al Bo" not in _raw(path)


def test_erasure_removes_what_a_killed_backup_or_merge_left_in_the_backups_folder(tmp_path):
    import subprocess
    import sys

    from champion_desk.store.backups import default_backup_dir
    from champion_desk.store.database import open_database

    db = open_database(tmp_path / "ward.db")
    staff = records.insert(db, "staff", {"display_name": "Gráinne Leftover", "staff_ref": "L1"}, "t")
    folder = default_backup_dir(db.path)
    folder.mkdir()
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    partial = folder / f".partial-{child.pid}-x.db"
    partial.write_bytes("Gráinne Leftover".encode())
    scratch = folder / f".scratch-{child.pid}-y"
    scratch.mkdir()
    (scratch / "copy.db").write_bytes("Gráinne Leftover".encode())
    erasure.erase_staff(db, staff, "t")
    db.close()
    assert not partial.exists() and not scratch.exists()


def test_erasure_covers_ideas_she_suggested_backed_or_is_named_in(db, busy_ward):
    from champion_desk.domain.ideas import back_idea, save_idea, support

    ward = busy_ward
    hers = save_idea(
        db,
        {
            "unit_id": ward["unit"],
            "raised_on": "2026-11-04",
            "suggested_by": ward["a"],
            "title": f"{NAME}'s idea: drafts for letters",
            "description": f"Ask {NAME} how",
            "status": "not now",
            "status_reason": f"{NAME} is on leave",
        },
        "Zoë Adams",
        today=TODAY,
    )
    other = save_idea(
        db,
        {"unit_id": ward["unit"], "raised_on": "2026-11-04", "title": "Night-shift huddles"},
        "Zoë Adams",
        today=TODAY,
    )
    back_idea(db, other, NAME, "2026-11-05", backed_by=ward["a"], today=TODAY)
    erase_person_by_ref(db, "E100", "Zoë Adams")
    assert NAME.encode() not in _raw(db.path)
    row = records.get(db, "idea", hers)
    assert (row["title"], row["description"], row["status_reason"]) == (
        "[erased]'s idea: drafts for letters",
        "Ask [erased] how",
        "[erased] is on leave",
    )
    assert row["suggested_by"] == ward["a"]  # the link stays, to an anonymous tombstone
    assert support(db, other) == 1, "her backing still counts, without her name"


def test_export_person_has_the_ideas_she_suggested_or_backed(db, ward):
    from champion_desk.domain.ideas import back_idea, save_idea
    from champion_desk.exchange.person import person_records

    hers = save_idea(
        db,
        {"unit_id": ward["unit"], "raised_on": "2026-11-04", "suggested_by": ward["a"], "title": "Drafts for letters"},
        "t",
        today=TODAY,
    )
    other = save_idea(db, {"unit_id": ward["unit"], "raised_on": "2026-11-04", "title": "Huddles"}, "t", today=TODAY)
    back_idea(db, other, "t", "2026-11-05", backed_by=ward["a"], today=TODAY)
    back_idea(db, other, "t", "2026-11-05", backers=4, today=TODAY)
    found = person_records(db, ward["a"])
    assert [r["id"] for r in found["idea"]] == [hers]
    assert [(r["idea_id"], r["backed_by"]) for r in found["idea_support"]] == [(other, ward["a"])]


@pytest.mark.parametrize("spelling", spellings(NAME))
def test_export_person_has_what_they_did_under_any_spelling_and_an_earlier_name(db, ward, tmp_path, spelling):
    """A subject-access answer finds their audit rows in every form erasure would remove."""
    records.update(db, "staff", ward["a"], {"display_name": "Mai Nguyễn-Wood"}, "Zoë Adams")
    by_spelling = records.insert(db, "tool", {"name": "Rota helper"}, spelling)
    by_earlier_name = records.insert(db, "tool", {"name": "Bed board"}, NAME)
    by_new_name = records.insert(db, "tool", {"name": "Handover notes"}, "MAI NGUYỄN-WOOD")
    by_someone_else = records.insert(db, "tool", {"name": "Ward map"}, "Thị Mai Tran")
    out = tmp_path / "mai.json"
    export_person(db, ward["a"], out)
    found = {a["record_id"] for a in json.loads(out.read_text(encoding="utf-8"))["records"]["audit"]}
    assert {by_spelling, by_earlier_name, by_new_name} <= found
    assert by_someone_else not in found


def test_erasure_blanks_the_os_account_of_audit_rows_made_under_their_recorded_logins(db, ward, monkeypatch):
    accounts = iter(["js-old", "JSMITH", "TRUST\\jsmith", "jsmith2", "nurse7"])

    def row_under(account: str) -> None:
        monkeypatch.setattr(records, "os_account", lambda: account)
        with db.transaction():
            records.write_audit(db, "t", "unit", ward["unit"], "update", {"note": "x"})

    records.update(db, "staff", ward["a"], {"login": "js-old"}, "t")
    records.update(db, "staff", ward["a"], {"login": "JSmith"}, "t")  # the audit keeps the old one
    for account in accounts:
        row_under(account)
    monkeypatch.setattr(records, "os_account", lambda: "jsmith")  # they erase their own data
    erasure.erase_staff(db, ward["a"], "t", purge=False)
    kept = sorted(
        r["os_account"] for r in db.query("SELECT os_account FROM audit WHERE record_id = ?", (ward["unit"],))
    )
    assert kept.count(erasure.ERASED_TEXT) == 3
    assert "jsmith2" in kept and "nurse7" in kept  # compared whole: another login is left alone
    assert not db.scalar("SELECT count(*) FROM audit WHERE lower(os_account) LIKE '%jsmith' OR os_account = 'js-old'")
    assert db.scalar("SELECT os_account FROM audit WHERE action = 'erase'") == erasure.ERASED_TEXT


def test_erasure_leaves_os_accounts_alone_for_a_colleague_with_no_login(db, ward, monkeypatch):
    monkeypatch.setattr(records, "os_account", lambda: "")
    records.update(db, "staff", ward["b"], {"role": "staff nurse"}, "t")
    before = db.scalar("SELECT count(*) FROM audit WHERE os_account = ''")
    erasure.erase_staff(db, ward["a"], "t", purge=False)
    assert db.scalar("SELECT count(*) FROM audit WHERE os_account = ?", (erasure.ERASED_TEXT,)) == 0
    assert db.scalar("SELECT count(*) FROM audit WHERE os_account = ''") >= before
