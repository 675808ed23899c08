"""Ward merge, reading and planning through writing: properties on small generated databases
(idempotent, symmetric, tombstones, erasures). The store's writing of a plan: tests/store/test_merging.py."""

from __future__ import annotations

import datetime as dt
import sqlite3
import tempfile
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from champion_desk.errors import ConflictError, NotADeskDatabaseError, StoreError
from champion_desk.exchange import merge as merge_module
from champion_desk.exchange.merge import merge_database, plan_merge, read_snapshot, read_target
from champion_desk.store import erasure, merging, records, summaries
from champion_desk.store.connection import Database
from champion_desk.store.database import migrate_schema, open_database
from champion_desk.store.schema import RECORD_TABLES
from tests.factories import session_values

UNIT_NAMES = ["Ward 1", "Ward 2", "ward 1", "ICU"]
REFS = ["E1", "E2", "e1", None]
NAMES = ["Ann Lee", "Bo Chan", "Cy Dee"]


def _records(path: Path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in RECORD_TABLES}
    finally:
        conn.close()


def _copy(src: Path, dest: Path) -> None:
    source, target = sqlite3.connect(src), sqlite3.connect(dest)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _schema_objects(db) -> list[tuple]:
    return db.conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()


def _base(path: Path) -> dict[str, str]:
    with open_database(path) as db:
        unit = records.insert(db, "unit", {"name": "Base ward"}, "t")
        tool = records.insert(db, "tool", {"name": "Scribe"}, "t")
        champ = records.insert(
            db, "staff", {"display_name": "Zoë Adams", "unit_id": unit, "is_champion": 1, "staff_ref": "C1"}, "t"
        )
        other = records.insert(db, "staff", {"display_name": "Mo Ali", "unit_id": unit, "staff_ref": "C2"}, "t")
    return {"unit": unit, "tool": tool, "champion": champ, "other": other}


def _session(base: dict[str, str], **overrides) -> dict:
    """Return a session of ``_base``'s ward as these tests log it: a 30-minute demo on 1 Nov 2026."""
    values = {"held_on": "2026-11-01", "minutes": 30, "format": "demo", "topic": None}
    return session_values(base, **{**values, **overrides})


operation = st.one_of(
    st.tuples(st.just("unit"), st.sampled_from(UNIT_NAMES)),
    st.tuples(st.just("staff"), st.sampled_from(NAMES), st.sampled_from(REFS)),
    st.tuples(st.just("role"), st.integers(0, 9), st.sampled_from(["nurse", "doctor", "hca"])),
    st.tuples(st.just("delete"), st.integers(0, 9)),
    st.tuples(st.just("undelete"), st.integers(0, 9)),
    st.tuples(st.just("session"), st.integers(0, 9), st.integers(0, 9)),
    st.tuples(st.just("erase"), st.integers(0, 9)),
    st.tuples(st.just("idea"), st.integers(0, 9), st.sampled_from(["new", "planned", "done"])),
    st.tuples(st.just("back"), st.integers(0, 9), st.integers(0, 9)),
)


def _apply(db, base: dict[str, str], ops: list[tuple]) -> None:
    """Apply generated edits; ones the rules refuse (a clashing name, a deleted record) are skipped."""
    for op in ops:
        staff = [r["id"] for r in db.query("SELECT id FROM staff ORDER BY created_at, id")]
        pick = (lambda i: staff[i % len(staff)]) if staff else None
        try:
            if op[0] == "unit":
                records.insert(db, "unit", {"name": op[1]}, "t")
            elif op[0] == "staff":
                records.insert(db, "staff", {"display_name": op[1], "staff_ref": op[2], "unit_id": base["unit"]}, "t")
            elif op[0] == "role":
                records.update(db, "staff", pick(op[1]), {"role": op[2]}, "t")
            elif op[0] == "delete":
                records.delete(db, "staff", pick(op[1]), "t")
            elif op[0] == "undelete":
                records.undelete(db, "staff", pick(op[1]), "t")
            elif op[0] == "session":
                with db.transaction():
                    sid = records.insert(
                        db,
                        "training_session",
                        _session(base, notes="with Ann Lee"),
                        "t",
                    )
                    records.insert(db, "attendance", {"session_id": sid, "staff_id": pick(op[2])}, "t")
            elif op[0] == "idea":
                records.insert(
                    db,
                    "idea",
                    {
                        "unit_id": base["unit"],
                        "tool_id": base["tool"],
                        "raised_on": "2026-11-01",
                        "status_on": "2026-11-01",
                        "title": "Drafts for Ann Lee's letters",
                        "suggested_by": pick(op[1]),
                        "status": op[2],
                    },
                    "t",
                )
            elif op[0] == "back":
                ideas = [r["id"] for r in db.query("SELECT id FROM idea ORDER BY created_at, id")]
                if ideas:
                    records.insert(
                        db,
                        "idea_support",
                        {
                            "idea_id": ideas[op[1] % len(ideas)],
                            "backed_on": "2026-11-02",
                            "backers": 1,
                            "backed_by": pick(op[2]),
                        },
                        "t",
                    )
            elif op[0] == "erase":
                target = pick(op[1])
                if target not in (base["champion"],):
                    erasure.erase_staff(db, target, "t", purge=False)
        except (ConflictError, StoreError):
            continue


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops_a=st.lists(operation, max_size=8), ops_b=st.lists(operation, max_size=8))
def test_merge_is_symmetric_idempotent_and_keeps_tombstones(ops_a, ops_b):
    _check_merge_properties(ops_a, ops_b)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops_a=st.lists(operation, max_size=8), ops_b=st.lists(operation, max_size=8))
def test_the_properties_hold_when_new_rows_are_copied_in_sql(ops_a, ops_b):
    # A real merge copies only from a thousand rows on; here every table with new rows may.
    with mock.patch.object(merge_module, "COPY_IN_SQL_FROM", 1):
        _check_merge_properties(ops_a, ops_b)


def _check_merge_properties(ops_a: list[tuple], ops_b: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        base = _base(root / "base.db")
        for name, ops in (("a", ops_a), ("b", ops_b)):
            _copy(root / "base.db", root / f"{name}.db")
            with open_database(root / f"{name}.db") as db:
                _apply(db, base, ops)
        a_before, b_before = _records(root / "a.db"), _records(root / "b.db")
        _copy(root / "a.db", root / "ab.db")
        _copy(root / "b.db", root / "ba.db")
        with open_database(root / "ab.db") as db:
            _check_partial_read_plans_the_same(db, root / "b.db")
            indexes = _schema_objects(db)
            merge_database(db, root / "b.db", "t", backup=False)
            again = merge_database(db, root / "b.db", "t", backup=False)
            assert not again.changed, "merging twice must change nothing"
            assert db.conn.execute("PRAGMA foreign_key_check").fetchall() == []
            assert _schema_objects(db) == indexes, "indexes rebuilt for a bulk write come back as they were"
            assert summaries.current(db.conn) == summaries.expected(db.conn), "the summaries are exact after a merge"
        with open_database(root / "ba.db") as db:
            merge_database(db, root / "a.db", "t", backup=False)
        ab, ba = _records(root / "ab.db"), _records(root / "ba.db")
        assert ab == ba, "A into B and B into A must leave the same records"
        # The other file is never changed.
        assert _records(root / "a.db") == a_before and _records(root / "b.db") == b_before
        _check_tombstones_and_erasures(root, ab)


def _check_partial_read_plans_the_same(db, other_path: Path) -> None:
    conn = sqlite3.connect(other_path)
    try:
        other = read_snapshot(conn, with_audit=True)
    finally:
        conn.close()
    partial, whole = plan_merge(read_target(db.conn, other), other), plan_merge(read_snapshot(db.conn), other)
    for table in whole.upserts:  # the same rows; the order is the apply's to choose
        assert sorted(partial.upserts[table], key=repr) == sorted(whole.upserts[table], key=repr), table
        assert sorted(partial.removals[table]) == sorted(whole.removals[table]), table
    assert (partial.audit_rows, partial.to_erase, partial.erased_names) == (
        whole.audit_rows,
        whole.to_erase,
        whole.erased_names,
    )
    assert {t: (c.count, sorted(c.skipped)) for t, c in partial.copies.items()} == {
        t: (c.count, sorted(c.skipped)) for t, c in whole.copies.items()
    }
    assert {t: vars(c) for t, c in partial.counts.items()} == {t: vars(c) for t, c in whole.counts.items()}


def _check_tombstones_and_erasures(root: Path, merged: dict[str, list]) -> None:
    with open_database(root / "ab.db") as db:
        erased = erasure.erased_ids(db)
        rows = {r["id"]: r for r in db.query("SELECT * FROM staff")}
        for side in ("a", "b"):
            with open_database(root / f"{side}.db", readonly=True) as src:
                for r in src.query("SELECT * FROM staff"):
                    final = rows.get(r["id"])
                    if final is None:
                        continue  # reconciled into another record with the same staff number
                    if r["id"] in erased:
                        # (A local undelete may revive the anonymous row, never the person's data.)
                        assert (final["display_name"], final["staff_ref"]) == (erasure.ERASED_NAME, None), (
                            "an erased colleague's data must never come back"
                        )
                    elif final["updated_at"] == r["updated_at"] and r["deleted_at"]:
                        assert final["deleted_at"], "a tombstone wins unless the record was edited after it"
        names = [r["display_name"] for r in db.query("SELECT display_name FROM staff") if r["display_name"]]
        keys = [r["name"].casefold() for r in db.query("SELECT name FROM unit")]
        assert len(keys) == len(set(keys)), "units with the same name are reconciled into one"
        assert names


def test_merge_reconciles_natural_keys_and_repoints(tmp_path):
    base = _base(tmp_path / "base.db")
    _copy(tmp_path / "base.db", tmp_path / "a.db")
    _copy(tmp_path / "base.db", tmp_path / "b.db")
    with open_database(tmp_path / "a.db") as a:
        ua = records.insert(a, "unit", {"name": "Ward 9"}, "t")
        sa = records.insert(a, "staff", {"display_name": "Ann Lee", "staff_ref": "E5", "unit_id": ua}, "t")
    with open_database(tmp_path / "b.db") as b:
        ub = records.insert(b, "unit", {"name": "ward 9"}, "t")
        sb = records.insert(
            b, "staff", {"display_name": "Ann Lee", "staff_ref": "e5", "unit_id": ub, "role": "nurse"}, "t"
        )
        sid = records.insert(
            b,
            "training_session",
            _session(base, unit_id=ub),
            "t",
        )
        records.insert(b, "attendance", {"session_id": sid, "staff_id": sb}, "t")
    with open_database(tmp_path / "a.db") as a:
        report = merge_database(a, tmp_path / "b.db", "t")
        assert report.counts["unit"].reconciled == 1 and report.counts["staff"].reconciled == 1
        # Whichever id the reconciled record keeps, this file already held it: updated, not added.
        assert (report.counts["unit"].added, report.counts["unit"].updated) == (0, 1)
        assert (report.counts["staff"].added, report.counts["staff"].updated) == (0, 1)
        assert report.backup is not None and report.backup.exists()
        unit_id, staff_id = min(ua, ub), min(sa, sb)
        assert [u["id"] for u in a.query("SELECT id FROM unit WHERE name LIKE 'ward 9'")] == [unit_id]
        person = records.get(a, "staff", staff_id)
        assert person["role"] == "nurse" and person["unit_id"] == unit_id  # newest values, re-pointed unit
        assert records.get(a, "training_session", sid)["unit_id"] == unit_id
        assert records.find(a, "attendance", session_id=sid)[0]["staff_id"] == staff_id
        assert a.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_ideas_merge_with_their_newest_status_and_a_colleague_backing_on_two_pcs_counts_once(tmp_path):
    from champion_desk.domain.ideas import back_idea, save_idea, support

    base = _base(tmp_path / "base.db")
    with open_database(tmp_path / "base.db") as db:
        idea = save_idea(db, {"unit_id": base["unit"], "raised_on": "2026-11-01", "title": "Scribe for letters"}, "t")
    _copy(tmp_path / "base.db", tmp_path / "a.db")
    _copy(tmp_path / "base.db", tmp_path / "b.db")
    for side, status in (("a", "under consideration"), ("b", "planned")):
        with open_database(tmp_path / f"{side}.db") as db:
            person = records.insert(db, "staff", {"display_name": "Ann Lee", "staff_ref": "E7"}, "t")
            back_idea(db, idea, "t", "2026-11-05", backed_by=person)
            back_idea(db, idea, "t", "2026-11-05", backers=3)
            save_idea(db, {"status": status}, "t", idea)
    with open_database(tmp_path / "a.db") as a:
        merge_database(a, tmp_path / "b.db", "t", backup=False)
        assert records.get(a, "idea", idea)["status"] == "planned", "the later edit wins"
        assert support(a, idea) == 1 + 3 + 3, "Ann once, and each PC's show of hands"
        assert a.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_one_live_attendance_per_person_after_reconciling(tmp_path):
    base = _base(tmp_path / "base.db")
    with open_database(tmp_path / "base.db") as db:
        sid = records.insert(
            db,
            "training_session",
            _session(base),
            "t",
        )
    _copy(tmp_path / "base.db", tmp_path / "a.db")
    _copy(tmp_path / "base.db", tmp_path / "b.db")
    for side in ("a", "b"):
        with open_database(tmp_path / f"{side}.db") as db:
            person = records.insert(db, "staff", {"display_name": "Ann Lee", "staff_ref": "E7"}, "t")
            records.insert(db, "attendance", {"session_id": sid, "staff_id": person, "confidence_after": 4}, "t")
    with open_database(tmp_path / "a.db") as a:
        report = merge_database(a, tmp_path / "b.db", "t", backup=False)
        assert report.counts["attendance"].reconciled == 1
        assert len(records.find(a, "attendance", session_id=sid)) == 1


def test_an_erased_colleague_stays_erased_even_if_edited_elsewhere_later(tmp_path):
    base = _base(tmp_path / "base.db")
    _copy(tmp_path / "base.db", tmp_path / "a.db")
    _copy(tmp_path / "base.db", tmp_path / "b.db")
    with open_database(tmp_path / "a.db") as a:
        erasure.erase_staff(a, base["other"], "t")
    with open_database(tmp_path / "b.db") as b:
        records.update(b, "staff", base["other"], {"role": "matron"}, "Mo Ali")  # later than the erasure
        records.insert(b, "unit", {"name": "Mo Ali's old ward"}, "Mo Ali")
    for target, other in (("a", "b"), ("b", "a")):
        _copy(tmp_path / f"{target}.db", tmp_path / "m.db")
        for suffix in ("-wal", "-shm"):
            Path(str(tmp_path / "m.db") + suffix).unlink(missing_ok=True)
        with open_database(tmp_path / "m.db") as m:
            merge_database(m, tmp_path / f"{other}.db", "t", backup=False)
            assert erasure.is_erased_row(records.get(m, "staff", base["other"], include_deleted=True))
            m.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw = (tmp_path / "m.db").read_bytes()
        assert b"Mo Ali" not in raw, f"merging {other} into {target} brought the name back"


@pytest.mark.parametrize("kind", ["garbage", "empty", "other-app", "future"])
def test_merge_refuses_bad_files_and_changes_nothing(db, ward, tmp_path, kind):
    import hashlib
    import struct

    path = tmp_path / "other.db"
    if kind == "garbage":
        path.write_bytes(b"\x00\xff" * 4096)
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "other-app":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
    else:
        from champion_desk.store.backups import backup_database

        backup_database(db, to=path)
        data = bytearray(path.read_bytes())
        data[60:64] = struct.pack(">i", 42)
        path.write_bytes(bytes(data))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    before = _records(db.path)
    with pytest.raises(StoreError):
        merge_database(db, path, "t")
    assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert _records(db.path) == before


def test_a_cancelled_merge_writes_nothing(tmp_path):
    from champion_desk.store.importing import Cancelled

    _base(tmp_path / "a.db")
    with open_database(tmp_path / "b.db") as b:
        for i in range(50):
            records.insert(b, "unit", {"name": f"Ward {i}"}, "t")
    before = _records(tmp_path / "a.db")
    calls = []

    def cancel_during_writes(done, total):
        calls.append((done, total))
        return total == 0  # let checking and planning run, cancel once rows are being written

    with open_database(tmp_path / "a.db") as a:
        objects = _schema_objects(a)
        with pytest.raises(Cancelled):
            merge_database(a, tmp_path / "b.db", "t", backup=False, progress=cancel_during_writes)
        assert _schema_objects(a) == objects, "indexes and triggers dropped for the bulk write are back"
    assert _records(tmp_path / "a.db") == before and calls


def test_a_merge_stopped_while_indexes_are_rebuilt_leaves_them_as_they_were(tmp_path):
    from champion_desk.store.importing import Cancelled

    base = _base(tmp_path / "a.db")
    _copy(tmp_path / "a.db", tmp_path / "b.db")
    with open_database(tmp_path / "b.db") as b:
        for i in range(30):  # many times the two colleagues a holds: staff's own indexes are dropped for the write
            records.insert(b, "staff", {"display_name": f"Colleague {i}", "unit_id": base["unit"]}, "t")
    before = _records(tmp_path / "a.db")
    with open_database(tmp_path / "a.db") as a:
        objects = _schema_objects(a)
        assert any(row[0] == "index" and row[2] == "staff" and row[3] for row in objects)
        with pytest.raises(Cancelled):
            merge_database(a, tmp_path / "b.db", "t", backup=False, progress=lambda done, total: total == 0)
        assert _schema_objects(a) == objects
        assert summaries.current(a.conn) == summaries.expected(a.conn)
    assert _records(tmp_path / "a.db") == before
    with open_database(tmp_path / "a.db") as a:
        merge_database(a, tmp_path / "b.db", "t", backup=False)
        assert _schema_objects(a) == objects
        assert a.scalar("SELECT count(*) FROM staff") == 32


def test_reading_only_what_a_merge_can_change_plans_the_same_as_reading_everything(tmp_path):
    base = _base(tmp_path / "a.db")

    def session(db, staff: str) -> str:
        with db.transaction():
            sid = records.insert(
                db,
                "training_session",
                _session(base),
                "t",
            )
            records.insert(db, "attendance", {"session_id": sid, "staff_id": staff}, "t")
        return sid

    with open_database(tmp_path / "a.db") as a:
        shared = session(a, base["champion"])
    _copy(tmp_path / "a.db", tmp_path / "b.db")
    with open_database(tmp_path / "a.db") as a:
        for _ in range(10):  # sessions only a holds: few of a's rows are shared, so they are looked up
            session(a, base["champion"])
        records.insert(a, "attendance", {"session_id": shared, "staff_id": base["other"]}, "t")
    with open_database(tmp_path / "b.db") as b:
        records.update(b, "training_session", shared, {"minutes": 45}, "t")
        records.insert(
            b, "attendance", {"session_id": shared, "staff_id": base["other"]}, "t"
        )  # the same person, twice
        records.insert(b, "unit", {"name": "base  WARD"}, "t")  # reconciled with a's unit: references re-pointed
    with open_database(tmp_path / "a.db") as a:
        _check_partial_read_plans_the_same(a, tmp_path / "b.db")
        report = merge_database(a, tmp_path / "b.db", "t", backup=False)
        assert report.counts["attendance"].reconciled == 1 and report.counts["unit"].reconciled == 1
        assert a.scalar("SELECT minutes FROM training_session WHERE id = ?", (shared,)) == 45


def test_a_file_that_fails_its_check_is_refused_even_though_it_was_read_while_checked(tmp_path):
    """The merge reads and plans while integrity_check runs; a refusal must still replace that plan.

    A byte flipped inside one copy of a unit's name leaves every page well formed (quick_check
    passes, reading works) but the table and its unique index disagree: only integrity_check sees it.
    """
    from champion_desk.errors import CorruptDatabaseError

    other = tmp_path / "other.db"
    with open_database(other) as db:
        records.insert(db, "unit", {"name": "Quokka Ward"}, "test")
        db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(other.read_bytes())
    at = data.index(b"Quokka Ward")
    data[at] = ord("X")
    other.write_bytes(bytes(data))
    conn = sqlite3.connect(other)
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok"
    conn.close()

    with open_database(tmp_path / "ours.db") as db:
        before = _records(tmp_path / "ours.db")
        with pytest.raises(CorruptDatabaseError, match="damaged"):
            merge_database(db, other, "test")
    assert _records(tmp_path / "ours.db") == before


def _ward_with_new_sessions(tmp_path: Path) -> tuple[dict[str, str], Path, Path]:
    """Return a base and two files: b holds 12 new sessions with attendances, one naming a colleague a erased."""
    base = _base(tmp_path / "a.db")
    with open_database(tmp_path / "a.db") as a:
        named = records.insert(a, "staff", {"display_name": "Ann Lee", "unit_id": base["unit"], "staff_ref": "N1"}, "t")
    _copy(tmp_path / "a.db", tmp_path / "b.db")
    with open_database(tmp_path / "b.db") as b:
        for i in range(12):
            with b.transaction():
                sid = records.insert(
                    b,
                    "training_session",
                    _session(base, held_on=f"2026-10-{i + 1:02d}", notes="with Ann Lee" if i == 0 else f"session {i}"),
                    "t",
                )
                records.insert(
                    b,
                    "attendance",
                    {
                        "session_id": sid,
                        "staff_id": base["other"],
                        "confidence_before": 2,
                        "confidence_after": 4,
                        "signed_off": 1,
                        "signed_off_by": base["champion"],
                    },
                    "t",
                )
    with open_database(tmp_path / "a.db") as a:
        records.update(a, "staff", base["other"], {"role": "nurse"}, "t")
        erasure.erase_staff(a, named, "t", purge=False)
    return base, tmp_path / "a.db", tmp_path / "b.db"


def test_new_rows_copied_in_sql_leave_the_same_records_as_rows_bound_one_by_one(tmp_path):
    _, a_path, b_path = _ward_with_new_sessions(tmp_path)
    _copy(a_path, tmp_path / "bound.db")
    with open_database(b_path) as b:
        other = read_snapshot(b.conn, with_audit=True)
    with mock.patch.object(merge_module, "COPY_IN_SQL_FROM", 5):
        with open_database(a_path) as a:
            plan = plan_merge(read_target(a.conn, other), other)
            # The scrubbed session is bound from Python; the other 11 and their attendances are copied.
            assert plan.copies["training_session"].count == 11 and len(plan.copies["training_session"].skipped) == 1
            assert plan.copies["attendance"].count == 12
            merge_database(a, b_path, "t", backup=False)
            assert summaries.current(a.conn) == summaries.expected(a.conn)
            assert (
                a.conn.execute("SELECT name FROM pragma_database_list WHERE name NOT IN ('main', 'temp')").fetchall()
                == []
            )
            assert not merge_database(a, b_path, "t", backup=False).changed
    with mock.patch.object(merge_module, "COPY_IN_SQL_FROM", 10**9):
        with open_database(tmp_path / "bound.db") as bound:
            merge_database(bound, b_path, "t", backup=False)
    copied, bound_records = _records(a_path), _records(tmp_path / "bound.db")
    assert copied == bound_records
    assert not any(b"Ann Lee" in repr(rows).encode() for rows in copied.values())


def _refused_after_damaging_the_other_file(tmp_path: Path, statements: list[str], error: type, match: str) -> None:
    """Damage b with ``statements`` (run as a foreign tool would), then check merging it is refused and changes nothing."""
    _, a_path, b_path = _ward_with_new_sessions(tmp_path)
    conn = sqlite3.connect(b_path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    before = _records(a_path)
    with open_database(a_path) as a, pytest.raises(error, match=match):
        merge_database(a, b_path, "t", backup=False)
    assert _records(a_path) == before


def test_another_file_with_broken_links_is_refused_before_anything_is_merged(tmp_path):
    from champion_desk.errors import CorruptDatabaseError

    _refused_after_damaging_the_other_file(
        tmp_path,
        ["UPDATE attendance SET session_id = 'no-such-session' WHERE rowid = (SELECT max(rowid) FROM attendance)"],
        CorruptDatabaseError,
        "has attendance records that point at missing training_session records",
    )


def test_another_file_that_declares_other_links_is_refused(tmp_path):
    # Its own link check would pass rows whose colleague is missing: a merge copying them must not trust it.
    _refused_after_damaging_the_other_file(
        tmp_path,
        [
            "PRAGMA writable_schema = ON",
            "UPDATE sqlite_master SET sql = replace(sql, 'REFERENCES staff(id)', '') WHERE name = 'attendance'",
        ],
        NotADeskDatabaseError,
        "attendance does not declare the documented",
    )


def test_a_merge_replanned_inside_its_transaction_writes_the_same(tmp_path):
    _, a_path, b_path = _ward_with_new_sessions(tmp_path)
    _copy(a_path, tmp_path / "plain.db")
    with open_database(tmp_path / "plain.db") as plain:
        merge_database(plain, b_path, "t", backup=False)
    with (
        mock.patch.object(merge_module, "COPY_IN_SQL_FROM", 5),
        # Read at one fingerprint; the write transaction finds another (as if another connection wrote).
        mock.patch.object(merge_module, "data_fingerprint", return_value="read"),
        mock.patch.object(merging, "data_fingerprint", return_value="changed since"),
    ):
        with open_database(a_path) as a:
            merge_database(a, b_path, "t", backup=False)
    assert _records(a_path) == _records(tmp_path / "plain.db")


def test_a_utf16_file_from_elsewhere_merges_without_copying_in_sql(tmp_path):
    # SQLite attaches only files of the same text encoding; such a file is written row by row.
    _, a_path, b_path = _ward_with_new_sessions(tmp_path)
    wide = tmp_path / "wide.db"
    conn = sqlite3.connect(wide, isolation_level=None)
    conn.execute("PRAGMA encoding = 'UTF-16le'")  # before the first table is made, which fixes it
    with Database(conn, wide, readonly=False) as fresh:
        migrate_schema(fresh)
    with mock.patch.object(merge_module, "COPY_IN_SQL_FROM", 5):
        with open_database(wide) as w:
            assert w.scalar("PRAGMA encoding") == "UTF-16le"
            merge_database(w, b_path, "t", backup=False)  # now it holds b's records, in UTF-16
        _copy(a_path, tmp_path / "plain.db")
        with open_database(tmp_path / "plain.db") as plain:
            merge_database(plain, b_path, "t", backup=False)
        with open_database(a_path) as a:
            merge_database(a, wide, "t", backup=False)
    assert _records(a_path) == _records(tmp_path / "plain.db")


def test_an_invite_list_merges_and_one_live_invitation_per_person_after_reconciling(tmp_path):
    from champion_desk.domain import logbook

    base = _base(tmp_path / "base.db")
    session = _session(base, held_on=(dt.date.today() + dt.timedelta(days=30)).isoformat(), starts_at="14:00")
    with open_database(tmp_path / "base.db") as db:
        sid = records.insert(db, "training_session", session, "t")
    _copy(tmp_path / "base.db", tmp_path / "a.db")
    _copy(tmp_path / "base.db", tmp_path / "b.db")
    for side in ("a", "b"):
        with open_database(tmp_path / f"{side}.db") as db:
            person = records.insert(db, "staff", {"display_name": "Ann Lee", "staff_ref": "E7"}, "t")
            invited = [person] + ([base["other"]] if side == "b" else [])
            logbook.save_session(db, {}, [], "t", sid, invited=invited)
    with open_database(tmp_path / "a.db") as a:
        report = merge_database(a, tmp_path / "b.db", "t", backup=False)
        assert report.counts["invitation"].reconciled == 1
        rows = a.query(
            "SELECT s.staff_ref, i.status FROM invitation i JOIN staff s ON s.id = i.staff_id"
            " WHERE i.session_id = ? AND i.deleted_at IS NULL ORDER BY s.staff_ref",
            (sid,),
        )
        assert [(r["staff_ref"], r["status"]) for r in rows] == [("C2", "invited"), ("E7", "invited")]
        assert a.conn.execute("PRAGMA foreign_key_check").fetchall() == []


@pytest.mark.parametrize("spelling", ["Mo\nAli", "MO  ALI", "mo\u00a0ali"])
def test_an_erased_name_in_another_files_audit_changes_is_scrubbed_in_any_spelling(tmp_path, spelling):
    """The audit's changes are JSON: a name with a line break is written there as "Mo\\nAli"."""
    base = _base(tmp_path / "base.db")
    _copy(tmp_path / "base.db", tmp_path / "a.db")
    _copy(tmp_path / "base.db", tmp_path / "b.db")
    with open_database(tmp_path / "a.db") as a:
        erasure.erase_staff(a, base["other"], "t")
    with open_database(tmp_path / "b.db") as b:
        records.insert(
            b,
            "incident",
            {
                "tool_id": base["tool"],
                "unit_id": base["unit"],
                "occurred_on": "2026-11-02",
                "theme": "workload",
                "reported_by": base["champion"],
                "description": f"Asked {spelling} to check the rota",
            },
            "Zoë Adams",
        )
    with open_database(tmp_path / "a.db") as a:
        merge_database(a, tmp_path / "b.db", "t", backup=False)
        changes = [r["changes"] for r in a.query("SELECT changes FROM audit WHERE \"table\" = 'incident'")]
        a.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert changes and all("[erased]" in c for c in changes)
    raw = (tmp_path / "a.db").read_bytes().lower()
    for form in ("mo ali", "mo\\nali", "mo  ali", "mo\u00a0ali"):
        assert form.encode() not in raw, form
