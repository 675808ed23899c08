"""The store's side of a merge: writing a plan whole (store.merging.write_merge) and runs of merges.

Reading and planning, and merges end to end: tests/exchange/test_merge.py.
"""

from __future__ import annotations

import uuid
from unittest import mock

import pytest

from champion_desk.errors import ConflictError, StoreError
from champion_desk.exchange import merge as merge_module
from champion_desk.exchange.merge import merge_database, plan_merge, read_snapshot, read_target, union
from champion_desk.store import merging, records, summaries
from champion_desk.store.database import open_database
from champion_desk.store.merging import CopiedRows, MergePlan, TableCounts, merge_run, write_merge
from champion_desk.store.schema import columns
from tests.exchange.test_merge import _copy, _records, _ward_with_new_sessions


def _plan(**parts) -> MergePlan:
    """Return a plan that writes nothing but ``parts`` (upserts, copies, dropped, …)."""
    empty = {t: [] for t in merging.ORDER}
    return MergePlan(
        **{
            "upserts": dict(empty),
            "removals": dict(empty),
            "audit_rows": [],
            "to_erase": [],
            "erased_names": set(),
            "counts": {t: TableCounts() for t in merging.ORDER},
            **parts,
        }
    )


def _attached_names(db) -> list:
    return db.conn.execute("SELECT name FROM pragma_database_list WHERE name NOT IN ('main', 'temp')").fetchall()


def test_a_copy_that_does_not_match_its_plan_writes_nothing(tmp_path):
    _, a_path, b_path = _ward_with_new_sessions(tmp_path)
    before = _records(a_path)
    with open_database(a_path) as a:
        # The file holds 12 new sessions, not 13: as if it had changed since it was read.
        with pytest.raises(StoreError, match="not the ones read for the merge"):
            write_merge(a, _plan(copies={"training_session": CopiedRows(13, [])}), "t", "b.db", copy_from=b_path)
        assert _attached_names(a) == []
    assert _records(a_path) == before


def _attendance_row(db, **changes) -> tuple:
    cols = columns("attendance")
    row = dict(zip(cols, db.conn.execute(f"SELECT {', '.join(cols)} FROM attendance LIMIT 1").fetchone()))
    return tuple({**row, **changes}[c] for c in cols)


def _broken_attendances(a_path, written: int) -> list[tuple]:
    """Return ``written`` attendance rows at a new session of a's, the first pointing at no session."""
    with open_database(a_path) as a:
        session = records.insert(
            a,
            "training_session",
            {
                "tool_id": a.scalar("SELECT id FROM tool"),
                "unit_id": a.scalar("SELECT id FROM unit"),
                "trainer_id": a.scalar("SELECT id FROM staff LIMIT 1"),
                "held_on": "2026-10-01",
                "minutes": 30,
                "format": "demo",
            },
            "t",
        )
        for staff in a.conn.execute("SELECT id FROM staff").fetchall():
            records.insert(a, "attendance", {"session_id": session, "staff_id": staff[0]}, "t")
        stamp = a.scalar("SELECT updated_at FROM attendance LIMIT 1")
        # Deleted ones, so that many of one colleague at one session break no other rule.
        return [
            _attendance_row(a, id=str(uuid.uuid4()), deleted_at=stamp, session_id=session if i else "no-such-session")
            for i in range(written)
        ]


@pytest.mark.parametrize(
    ("written", "whole_table_from"), [(1, 10.0), (40, 0.0)], ids=["looked up row by row", "whole table checked"]
)
def test_a_merge_that_would_write_a_broken_link_writes_nothing(tmp_path, written, whole_table_from):
    _, a_path, _ = _ward_with_new_sessions(tmp_path)
    rows = _broken_attendances(a_path, written)
    before = _records(a_path)
    with open_database(a_path) as a, mock.patch.object(merging, "_CHECK_WHOLE_TABLE_FROM", whole_table_from):
        with pytest.raises(ConflictError, match="attendance records pointing at missing records"):
            write_merge(a, _plan(upserts={"attendance": rows}), "t", "b.db")
        assert a.scalar("PRAGMA foreign_keys") == 1
    assert _records(a_path) == before


def test_a_merge_that_would_leave_a_record_pointing_at_a_gone_one_writes_nothing(tmp_path):
    base, a_path, _ = _ward_with_new_sessions(tmp_path)
    before = _records(a_path)
    with open_database(a_path) as a:
        # Nothing is written, but the plan says the ward is gone: its colleagues would point at no ward.
        with pytest.raises(ConflictError, match="pointing at missing records"):
            write_merge(a, _plan(dropped={"unit": [base["unit"]]}), "t", "b.db")
    assert _records(a_path) == before


def _plan_from(db, path) -> MergePlan:
    with open_database(path) as other_db:
        other = read_snapshot(other_db.conn, with_audit=True)
    return plan_merge(read_target(db.conn, other), other, copies_allowed=merging.can_copy_from(db, path))


def test_a_run_keeps_the_merges_that_pass_drops_the_one_that_fails_and_recounts_once(tmp_path):
    _, a_path, b_path = _ward_with_new_sessions(tmp_path)
    broken = _broken_attendances(a_path, 1)
    before = _records(a_path)
    _copy(a_path, tmp_path / "alone.db")
    recounts = []
    real_rebuild = summaries.rebuild
    with (
        open_database(a_path) as a,
        mock.patch.object(summaries, "rebuild", side_effect=lambda conn: recounts.append(1) or real_rebuild(conn)),
    ):
        with merge_run(a):
            plan = _plan_from(a, b_path)
            assert not plan.copies, "no file can be attached inside the run's transaction"
            with pytest.raises(StoreError, match="inside a run"):
                write_merge(a, _plan(copies={"attendance": CopiedRows(1, [])}), "t", "c.db", copy_from=b_path)
            write_merge(a, plan, "t", "b.db")
            with pytest.raises(ConflictError):
                write_merge(a, _plan(upserts={"attendance": broken}), "t", "c.db")
            assert a.conn.in_transaction and recounts == []
        assert not a.conn.in_transaction and recounts == [1]
        assert a.scalar("PRAGMA foreign_keys") == 1
        assert summaries.current(a.conn) == summaries.expected(a.conn)
        merged_from = [r[0] for r in a.conn.execute("SELECT changes FROM audit WHERE action = 'merge'")]
        assert len(merged_from) == 1 and '"b.db"' in merged_from[0]
    after = _records(a_path)
    assert after != before
    assert broken[0][0] not in {r[0] for r in after["attendance"]}
    # The same records as merging b alone, outside a run (rows copied in SQL there).
    with open_database(tmp_path / "alone.db") as alone:
        merge_database(alone, b_path, "t", backup=False)
    assert _records(tmp_path / "alone.db") == after


def test_a_run_that_raises_keeps_none_of_its_merges(tmp_path):
    _, a_path, b_path = _ward_with_new_sessions(tmp_path)
    before = _records(a_path)
    with open_database(a_path) as a:
        with pytest.raises(RuntimeError), merge_run(a):
            write_merge(a, _plan_from(a, b_path), "t", "b.db")
            raise RuntimeError("the sync was stopped by something other than one merge")
        assert not a.conn.in_transaction
        assert summaries.current(a.conn) == summaries.expected(a.conn)
    assert _records(a_path) == before


def test_a_run_whose_transaction_sqlite_rolled_back_merges_nothing_more(tmp_path):
    _, a_path, b_path = _ward_with_new_sessions(tmp_path)
    before = _records(a_path)
    with open_database(a_path) as a:
        with pytest.raises(merging.RolledBackError, match="nothing was merged. Free some space"), merge_run(a):
            plan = _plan_from(a, b_path)
            a.conn.execute("ROLLBACK")  # as SQLite does itself on a full disk
            with pytest.raises(StoreError, match="rolled back by an error"):
                write_merge(a, plan, "t", "b.db")
    assert _records(a_path) == before


def _ward_of_its_own(path, sessions: int) -> None:
    """A ward file made apart from any other: the same unit and tool names, ids of its own."""
    with open_database(path) as db:
        unit = records.insert(db, "unit", {"name": "Ward 9"}, "t")
        tool = records.insert(db, "tool", {"name": "Scribe"}, "t")
        trainer = records.insert(db, "staff", {"display_name": "Zoë Adams", "unit_id": unit}, "t")
        for i in range(sessions):
            with db.transaction():
                session = records.insert(
                    db,
                    "training_session",
                    {
                        "tool_id": tool,
                        "unit_id": unit,
                        "trainer_id": trainer,
                        "held_on": f"2026-10-{i + 1:02d}",
                        "minutes": 30,
                        "format": "demo",
                    },
                    "t",
                )
                records.insert(db, "attendance", {"session_id": session, "staff_id": trainer}, "t")
            records.insert(
                db, "usage", {"staff_id": trainer, "tool_id": tool, "day": f"2026-10-{i + 1:02d}", "count": 3}, "t"
            )


def test_rows_whose_links_are_all_that_change_are_re_pointed_in_sql_with_the_same_records(tmp_path):
    _ward_of_its_own(tmp_path / "a.db", 6)
    _ward_of_its_own(tmp_path / "b.db", 6)
    _copy(tmp_path / "a.db", tmp_path / "ab.db")
    _copy(tmp_path / "b.db", tmp_path / "ba.db")
    re_pointed_in_place = unread = 0
    for target, other in (("ab.db", "b.db"), ("ba.db", "a.db")):
        with open_database(tmp_path / other) as other_db:
            whole = read_snapshot(other_db.conn, with_audit=True)
        with open_database(tmp_path / target) as db, mock.patch.object(merge_module, "COPY_IN_SQL_FROM", 2):
            mine = read_snapshot(db.conn)
            expected = union(mine, whole).final
            partial = read_target(db.conn, whole)
            unread += sum(len(ids) for ids in partial.repoint_only.values())
            plan = plan_merge(partial, whole)
            for table in ("training_session", "usage"):
                # Whichever file's unit and tool are kept, one side's rows only change their links.
                assert plan.upserts[table] == [], table
                assert plan.copies[table].count == 6, table
                re_pointed_in_place += len(plan.repointed[table])
            whole_read = plan_merge(read_snapshot(db.conn), whole)
            assert {t: sorted(ids) for t, ids in whole_read.repointed.items()} == {
                t: sorted(ids) for t, ids in plan.repointed.items()
            }, "reading only the ids of rows only re-pointed plans the same as reading them whole"
            assert plan.counts == whole_read.counts
            report = merge_database(db, tmp_path / other, "t", backup=False)
            assert report.counts["training_session"].updated == len(plan.repointed["training_session"])
            assert summaries.current(db.conn) == summaries.expected(db.conn)
            assert db.conn.execute("PRAGMA foreign_key_check").fetchall() == []
        merged = _records(tmp_path / target)
        for table in merging.ORDER:
            assert merged[table] == sorted(expected[table].values()), table
    # This file's own sessions and usage whose unit or tool took the other's id: a file's six usage
    # rows in one direction (its tool), its sessions in one or both (its unit, its tool).
    assert re_pointed_in_place in (12, 18)
    assert unread == re_pointed_in_place, "only their ids were read"
    assert _records(tmp_path / "ab.db") == _records(tmp_path / "ba.db")


def test_re_pointing_rows_that_are_not_the_ones_read_writes_nothing(tmp_path):
    base, a_path, _ = _ward_with_new_sessions(tmp_path)
    before = _records(a_path)
    with open_database(a_path) as a:
        with pytest.raises(StoreError, match="not the ones read for the merge"):
            write_merge(
                a,
                _plan(repointed={"training_session": ["no-such-session"]}, remap={base["unit"]: "another"}),
                "t",
                "b.db",
            )
        with pytest.raises(StoreError, match="ids they are re-pointed to"):
            write_merge(a, _plan(repointed={"training_session": ["no-such-session"]}), "t", "b.db")
    assert _records(a_path) == before
