"""Sync through a folder: three simulated ward PCs converge; odd files in the folder are skipped and left as they are."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from champion_desk.exchange import sync
from champion_desk.exchange.sync import MARKER, SyncError, find_snapshots, snapshot_name, sync_folder, sync_status
from champion_desk.store import records, syncing
from champion_desk.store.backups import SHARED_LEFTOVER_AFTER_SECONDS
from champion_desk.store.connection import logbook_identity
from champion_desk.store.database import open_database
from champion_desk.store.schema import RECORD_TABLES

# What every PC must end up holding alike. sync_peer and audit are left out: each sync records
# its own row and audit entry, so the last PC to sync always holds one the others have not seen yet.
COMPARED = tuple(t for t in RECORD_TABLES if t != "sync_peer")


def _records(path: Path) -> dict[str, list]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY id").fetchall() for t in COMPARED}
    finally:
        conn.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _ward(path: Path, name: str) -> Path:
    """Create a ward PC's own logbook: its unit, the trust's tool (created apart on each PC), a champion."""
    with open_database(path) as db:
        unit = records.insert(db, "unit", {"name": name}, "t")
        tool = records.insert(db, "tool", {"name": "Scribe"}, "t")
        records.insert(db, "staff", {"display_name": f"Champion of {name}", "unit_id": unit, "is_champion": 1}, "t")
        records.insert(
            db, "story", {"tool_id": tool, "unit_id": unit, "told_on": "2026-11-01", "title": f"{name} saved time"}, "t"
        )
    return path


def _sync(path: Path, folder: Path, **kwargs) -> sync.SyncReport:
    with open_database(path, backup_dir=path.parent / "bk") as db:
        return sync_folder(db, folder, "t", **kwargs)


def _edit(path: Path, step: int, choice: int) -> None:
    """Make one edit on a PC: add a story, edit a record it holds (its own or another ward's), or delete one."""
    with open_database(path) as db:
        stories = [r["id"] for r in records.find(db, "story")]
        if choice == 0 or not stories:
            unit = records.find(db, "unit")[0]["id"]
            tool = records.find(db, "tool")[0]["id"]
            records.insert(
                db, "story", {"tool_id": tool, "unit_id": unit, "told_on": "2026-11-02", "title": f"story {step}"}, "t"
            )
        elif choice == 1:
            records.update(
                db, "story", stories[step % len(stories)], {"summary": f"edited at step {step} on {path.stem}"}, "t"
            )
        else:
            records.delete(db, "story", stories[step % len(stories)], "t")


def _three_wards(tmp_path: Path) -> tuple[Path, list[Path]]:
    """Return a sync folder and three ward PCs' logbooks, each in a folder of its own."""
    folder = tmp_path / "usb"
    folder.mkdir()
    pcs = []
    for name in ("Ward A", "Ward B", "Ward C"):
        (tmp_path / name).mkdir()
        pcs.append(_ward(tmp_path / name / "champion-desk.db", name))
    return folder, pcs


@pytest.fixture
def three_pcs(tmp_path):
    return _three_wards(tmp_path)


def _settle(folder: Path, pcs: list[Path]) -> None:
    # One round in a fixed order carries everything to the last PC; a second brings it back to the others.
    for path in pcs + pcs[:-1]:
        _sync(path, folder)


def test_three_pcs_converge_with_edits_and_deletions(three_pcs):
    folder, pcs = three_pcs
    for round_no, order in enumerate([(0, 1, 2), (2, 0, 1), (1, 2, 0)]):
        for i in order:
            _edit(pcs[i], round_no * 10 + i, (round_no + i) % 3)
            _sync(pcs[i], folder)
    deleted = None
    with open_database(pcs[1]) as db:
        deleted = records.find(db, "story")[0]["id"]
        records.delete(db, "story", deleted, "t")
    _settle(folder, pcs)
    held = [_records(p) for p in pcs]
    assert held[0] == held[1] == held[2]
    assert {r[4] for r in held[0]["unit"]} == {"Ward A", "Ward B", "Ward C"}
    assert len(held[0]["tool"]) == 1, "the tool created apart on each PC is one record everywhere"
    for path in pcs:
        with open_database(path) as db:
            assert records.get(db, "story", deleted, include_deleted=True)["deleted_at"] is not None


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rounds=st.lists(
        st.tuples(st.permutations([0, 1, 2]), st.lists(st.integers(0, 2), min_size=3, max_size=3)),
        min_size=1,
        max_size=3,
    )
)
def test_any_order_of_syncs_converges(tmp_path_factory, rounds):
    folder, pcs = _three_wards(tmp_path_factory.mktemp("pcs"))
    for step, (order, choices) in enumerate(rounds):
        for i in order:
            _edit(pcs[i], step * 3 + i, choices[i])
            _sync(pcs[i], folder)
    _settle(folder, pcs)
    held = [_records(p) for p in pcs]
    assert held[0] == held[1] == held[2]


def test_the_snapshot_has_a_stable_portable_name_and_the_folder_a_trust(three_pcs):
    folder, pcs = three_pcs
    first = _sync(pcs[0], folder, ward_name="Ward 7B: Renal/Dialysis ÅÉ*?")
    second = _sync(pcs[0], folder)
    assert first.snapshot == second.snapshot, "the same logbook writes the same file each time"
    name = first.snapshot.name
    assert name.startswith("champion-desk-Ward-7B-Renal-Dialysis-AE-") and name.endswith(".db")
    assert all(c.isascii() and (c.isalnum() or c in "-.") for c in name)
    assert json.loads((folder / MARKER).read_text())["trust_id"] == first.trust_id == second.trust_id
    assert [p.name for p in folder.iterdir() if p.name.startswith(".")] == [], "no temporary name is left"
    renamed = _sync(pcs[0], folder, ward_name="Ward 7B")
    assert not first.snapshot.exists() and renamed.snapshot.exists(), "the snapshot under the former name goes"
    _sync(pcs[0], folder, ward_name="Ward 7B: Renal/Dialysis ÅÉ*?")
    with open_database(pcs[0]) as db:
        own = syncing.own_row(db.conn, logbook_identity(db.conn))
        assert (own.trust_id, own.ward_name) == (first.trust_id, "Ward 7B: Renal/Dialysis ÅÉ*?")
        assert name == snapshot_name(logbook_identity(db.conn), own.ward_name)
    conn = sqlite3.connect(first.snapshot)
    assert (
        conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        and conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    )
    conn.close()


def test_a_conflicted_copy_left_by_a_sync_engine_is_merged(three_pcs):
    folder, pcs = three_pcs
    written = _sync(pcs[0], folder).snapshot
    _edit(pcs[0], 99, 0)  # a story only the conflicted copy will hold
    stem = written.name[: -len(".db")]
    again = _sync(pcs[0], folder).snapshot
    conflicted = [
        folder / f"{stem}.sync-conflict-20261207-101500-ABCDEFG.db",
        folder / f"{stem} (conflicted copy 2026-12-07).db",
    ]
    os.replace(again, conflicted[0])
    _sync(pcs[0], folder)  # writes the plain name again
    os.replace(folder / written.name, conflicted[1])
    report = _sync(pcs[1], folder)
    assert {line.path.name for line in report.merged} == {p.name for p in conflicted}
    with open_database(pcs[1]) as db:
        assert [s["title"] for s in records.find(db, "story") if s["title"] == "story 99"] == ["story 99"]


def test_damaged_foreign_newer_and_other_trust_snapshots_are_skipped_and_left_as_they_are(three_pcs, tmp_path):
    folder, pcs = three_pcs
    # Ward C's snapshot, damaged on the way (never merged here before, so it must be read).
    third = _sync(pcs[2], folder).snapshot
    damaged = folder / "champion-desk-damaged-1.db"
    data = bytearray(third.read_bytes())
    third.unlink()
    data[len(data) // 2 : len(data) // 2 + 4096] = os.urandom(4096)
    damaged.write_bytes(bytes(data))
    good = _sync(pcs[0], folder).snapshot
    foreign = folder / "notes.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.close()
    newer = folder / "champion-desk-newer-2.db"
    newer_bytes = bytearray(good.read_bytes())
    newer_bytes[60:64] = (999).to_bytes(4, "big")  # user_version: a schema this version does not know
    newer.write_bytes(bytes(newer_bytes))
    # Another trust: a logbook that synced with another folder first.
    other_folder = tmp_path / "other-trust"
    other_folder.mkdir()
    (tmp_path / "elsewhere").mkdir()
    stranger = _ward(tmp_path / "elsewhere" / "champion-desk.db", "Ward Z")
    other = _sync(stranger, other_folder).snapshot
    planted = folder / other.name
    planted.write_bytes(other.read_bytes())
    before = {p.name: _digest(p) for p in folder.iterdir()}
    report = _sync(pcs[1], folder)
    skipped = {line.path.name: line.message for line in report.skipped}
    assert set(skipped) == {damaged.name, foreign.name, newer.name, planted.name}
    assert "another trust" in skipped[planted.name]
    assert all("\n" not in m for m in skipped.values())
    assert [line.path.name for line in report.merged] == [good.name]
    for name, digest in before.items():
        assert _digest(folder / name) == digest, f"{name} was changed"
    with open_database(pcs[1]) as db:
        assert "Ward Z" not in {u["name"] for u in records.find(db, "unit")}


def test_a_logbook_of_one_trust_is_refused_by_another_trusts_folder(three_pcs, tmp_path):
    folder, pcs = three_pcs
    trust = _sync(pcs[0], folder).trust_id
    other = tmp_path / "other"
    other.mkdir()
    _sync(pcs[1], other)
    with pytest.raises(SyncError, match="another trust"):
        _sync(pcs[1], folder)
    new_stick = tmp_path / "new-stick"
    new_stick.mkdir()
    assert _sync(pcs[0], new_stick).trust_id == trust, (
        "an empty folder takes the trust of the logbook that syncs into it"
    )


def test_a_snapshot_killed_half_written_is_ignored_and_cleaned_up_later(three_pcs):
    folder, pcs = three_pcs
    _sync(pcs[0], folder)
    good = find_snapshots(folder)[0]
    half = good.read_bytes()[: len(good.read_bytes()) // 2]
    killed = folder / ".partial-4194301-abcd1234.db"  # a dead process (or another PC's) copy, cut short
    killed.write_bytes(half)
    live = folder / ".partial-4194302-efgh5678.db"  # another PC may be writing this one right now
    live.write_bytes(half)
    old = time.time() - SHARED_LEFTOVER_AFTER_SECONDS - 60
    os.utime(killed, (old, old))
    report = _sync(pcs[1], folder)
    assert {line.path.name for line in report.lines} == {good.name, report.snapshot.name}
    assert not killed.exists(), "a copy older than the limit is a killed one: removed"
    assert live.exists(), "a recent copy may be another PC's, still being written: left alone"


def test_a_folder_holding_the_logbook_itself_or_its_backups_is_refused(three_pcs):
    _, pcs = three_pcs
    with pytest.raises(SyncError, match="holds the logbook itself"):
        _sync(pcs[0], pcs[0].parent)
    (pcs[0].parent / "backups").mkdir()
    with pytest.raises(SyncError, match="backups folder"):
        _sync(pcs[0], pcs[0].parent / "backups")


def test_a_snapshot_merged_before_and_not_written_since_is_not_read_again(three_pcs):
    folder, pcs = three_pcs
    _sync(pcs[0], folder)
    assert len(_sync(pcs[1], folder).merged) == 1
    again = _sync(pcs[1], folder)
    assert [line.outcome for line in again.lines if line.path.name != again.snapshot.name] == ["up to date"]


def test_sync_status_lists_each_ward_with_days_since_it_synced(three_pcs):
    import datetime as dt

    folder, pcs = three_pcs
    for path in pcs:
        _sync(path, folder)
    _sync(pcs[0], folder)
    with open_database(pcs[0]) as db:
        today = dt.datetime.now(dt.timezone.utc).date()
        wards = sync_status(db, today=today)
        assert [w.ward_name for w in wards] == ["Ward A", "Ward B", "Ward C"] and wards[0].is_this_logbook
        assert all(w.days_ago == 0 and not w.stale for w in wards)
        assert wards[1].rows_received > 0 and wards[1].last_merged_here is not None
        later = sync_status(db, today=today + dt.timedelta(days=8))
        assert all(w.stale and w.days_ago == 8 for w in later)
        assert not any(w.stale for w in sync_status(db, today=today + dt.timedelta(days=7)))


def test_cancel_keeps_the_snapshots_merged_before_and_rolls_back_the_one_under_way(three_pcs):
    folder, pcs = three_pcs
    _sync(pcs[0], folder)
    _sync(pcs[1], folder)
    calls = {"merges started": 0}

    def progress(done: int, total: int) -> bool:
        # 1000 steps per snapshot: the first merge's last write reports 1000, the second merge's
        # start reports 1000 again (no rows counted yet); cancel at that second report.
        if done == 1000:
            calls["merges started"] += 1
        return calls["merges started"] < 2

    report = _sync(pcs[2], folder, progress=progress)
    assert report.cancelled
    assert [line.outcome for line in report.lines] == ["written", "merged", "skipped"]
    assert "cancelled" in report.lines[-1].message
    # Either ward may come first: the one holding the id the shared tool keeps (merge_first_those_holding_kept_ids).
    first = "Ward A" if "Ward-A" in report.lines[1].path.name else "Ward B"
    with open_database(pcs[2]) as db:
        units = {u["name"] for u in records.find(db, "unit")}
    assert units == {"Ward C", first}, "the first ward's snapshot stays merged, the second was rolled back"


def test_a_sync_sqlite_rolled_back_mid_run_stops_with_one_plain_line_and_merges_nothing(three_pcs, monkeypatch):
    from champion_desk.errors import DiskFullError
    from champion_desk.store import merging

    folder, pcs = three_pcs
    _sync(pcs[0], folder)
    _sync(pcs[1], folder)
    before = _records(pcs[2])
    real_apply = merging._apply
    merges = []

    def full_disk_at_the_second_merge(db, *args):
        merges.append(1)
        if len(merges) == 2:
            db.conn.execute("ROLLBACK")  # what SQLite does itself on a full disk, with the error below
            raise DiskFullError("The disk is full: the last change was not saved. Free some space and try again.")
        return real_apply(db, *args)

    monkeypatch.setattr(merging, "_apply", full_disk_at_the_second_merge)
    with pytest.raises(merging.RolledBackError) as caught:
        _sync(pcs[2], folder)
    assert len(merges) == 2, "both snapshots were merged in the run (the first one's indexes were dropped for it)"
    assert str(caught.value) == (
        "SQLite rolled the whole sync back after an error (the disk may be full): nothing was merged. "
        "Free some space and sync again."
    )
    assert _records(pcs[2]) == before, "the first ward's merge went with the rollback"
    conn = sqlite3.connect(pcs[2])
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()
    monkeypatch.setattr(merging, "_apply", real_apply)
    report = _sync(pcs[2], folder)
    assert len(report.merged) == 2, "with room again the next sync merges both"


def test_snapshots_holding_the_ids_shared_names_keep_are_merged_first(three_pcs, tmp_path):
    _, pcs = three_pcs  # each holds its own unit and its own "Scribe", created apart
    tools = {}
    for path in pcs:
        conn = sqlite3.connect(path)
        try:
            tools[path] = conn.execute("SELECT id FROM tool WHERE name = 'Scribe'").fetchone()[0]
        finally:
            conn.close()
    found = sorted(pcs, key=tools.get, reverse=True)  # the one holding the id 'Scribe' keeps comes last
    (tmp_path / "hub").mkdir()
    with open_database(tmp_path / "hub" / "desk.db") as hub:
        ordered = sync.merge_first_those_holding_kept_ids(hub, found)
    # It moves to the front; the others keep their order (a unit name only one of them holds moves no record).
    assert ordered == [found[-1], *found[:-1]]


def test_a_ward_that_syncs_starts_on_its_own_units_and_a_hub_on_all(three_pcs, tmp_path):
    from champion_desk.store.syncing import own_unit_names

    folder, pcs = three_pcs
    with open_database(pcs[0]) as db:
        assert own_unit_names(db.conn) == ()  # never synced: it holds only its own records
    for path in pcs:
        _sync(path, folder)
    _sync(pcs[0], folder)
    with open_database(pcs[0]) as db:
        assert {u["name"] for u in records.find(db, "unit")} == {"Ward A", "Ward B", "Ward C"}
        assert own_unit_names(db.conn) == ("Ward A",)
    hub = tmp_path / "hub.db"
    with open_database(hub):
        pass
    _sync(hub, folder, ward_name="Trust hub")
    with open_database(hub) as db:
        assert len(records.find(db, "unit")) == 3 and own_unit_names(db.conn) == ()


def test_one_line_says_how_many_wards_are_known_and_names_those_past_the_threshold(three_pcs):
    import datetime as dt

    from champion_desk.domain.syncs import NAMED_IN_SUMMARY, WardStatus, status_summary

    folder, pcs = three_pcs
    for path in pcs:
        _sync(path, folder)
    with open_database(pcs[2]) as db:
        today = dt.datetime.now(dt.timezone.utc).date()
        assert status_summary(sync_status(db, today=today)) == "3 ward logbooks known; every one synced within 7 days."
        later = status_summary(sync_status(db, today=today + dt.timedelta(days=9)))
        assert later == (
            "3 ward logbooks known; 3 not synced for over 7 days: "
            "Ward C (9 days ago), Ward A (9 days ago), Ward B (9 days ago)."
        )
    assert status_summary([]) is None
    many = [WardStatus(f"id{i}", f"Ward {i}", None, None, None, 0, False, None, True) for i in range(8)]
    line = status_summary(many)
    assert line.count("(never)") == NAMED_IN_SUMMARY and line.endswith(f"and {8 - NAMED_IN_SUMMARY} more.")


def test_the_briefing_data_carries_the_sync_line_for_its_footer(three_pcs):
    from champion_desk.domain.briefing_data import collect
    from champion_desk.domain.scope import Scope

    folder, pcs = three_pcs
    with open_database(pcs[0]) as db:
        assert collect(db, Scope.last_months(3), full=False).sync_line is None
    _sync(pcs[0], folder)
    _sync(pcs[1], folder)
    with open_database(pcs[1]) as db:
        assert collect(db, Scope.last_months(3), full=False).sync_line == (
            "2 ward logbooks known; every one synced within 7 days."
        )


def test_sealed_snapshots_round_trip_and_a_wrong_passphrase_skips_in_one_line(tmp_path):
    from champion_desk.store import sealed

    folder = tmp_path / "stick"
    folder.mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "c").mkdir()
    a = _ward(tmp_path / "a" / "ward.db", "Ash Ward")
    b = _ward(tmp_path / "b" / "ward.db", "Birch Ward")
    c = _ward(tmp_path / "c" / "ward.db", "Cedar Ward")
    passphrase = "trust hub passphrase"
    _sync(a, folder, passphrase=passphrase)
    written = find_snapshots(folder)
    assert len(written) == 1 and sealed.is_sealed(written[0])
    assert b"Ash Ward" not in written[0].read_bytes() and b"Champion of" not in written[0].read_bytes()
    report = _sync(b, folder, passphrase=passphrase)
    assert [line.outcome for line in report.lines if line.path == written[0]] == ["merged"]
    with open_database(b) as db:
        assert records.find(db, "unit", name="Ash Ward")
    before = {p: _digest(p) for p in find_snapshots(folder)}
    for wrong in ("another passphrase", None):
        report = _sync(c, folder, passphrase=wrong)
        skipped = [line for line in report.lines if line.outcome == "skipped"]
        assert len(skipped) == 2 and all("\n" not in line.text() for line in skipped)
        assert all("passphrase" in line.text() for line in skipped)
    assert {p: _digest(p) for p in before} == before
    with open_database(c) as db:
        assert not records.find(db, "unit", name="Ash Ward")
    # Back at A: B's sealed snapshot (carrying A's and B's records) comes across with the passphrase.
    report = _sync(a, folder, passphrase=passphrase)
    with open_database(a) as db:
        assert records.find(db, "unit", name="Birch Ward")


def test_a_demo_logbook_never_syncs_and_leaves_the_folder_untouched(tmp_path):
    folder = tmp_path / "stick"
    folder.mkdir()
    demo = _ward(tmp_path / "champion-desk-demo.db", "Demo Ward")
    with pytest.raises(sync.SyncError, match="holds demo data: it never syncs"):
        _sync(demo, folder)
    assert list(folder.iterdir()) == []
