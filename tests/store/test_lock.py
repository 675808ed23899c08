"""One app instance per database: the lock file, who holds it, and stale locks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from champion_desk.store import lock
from champion_desk.store.lock import DatabaseLockedError, LockOwner


def _owner(**overrides) -> LockOwner:
    base = dict(user="anna", host="WARD7-PC", pid=os.getpid(), since="2026-11-26T14:02:00Z", boot=lock.boot_id())
    base.update(overrides)
    return LockOwner(**base)


def _dead_pid() -> int:
    # A process that has finished: its pid is (for the length of this test) not running.
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_lock_file_beside_the_database_names_who_has_it_open(db_path):
    with lock.acquire(db_path) as held:
        assert held.path == db_path.with_name("desk.db.lock")
        data = json.loads(held.path.read_text(encoding="utf-8"))
        assert {"user", "host", "pid", "since", "boot"} <= set(data)
        assert data["pid"] == os.getpid()
        assert lock.read_owner(db_path) == held.owner
    assert not held.path.exists()


def test_second_instance_is_told_who_has_it_open(db_path):
    other = _owner(host=lock._current_host(), pid=os.getppid(), user="Zoe")  # a live process
    assert lock._write_new(lock.lock_path(db_path), other)
    with pytest.raises(DatabaseLockedError) as caught:
        lock.acquire(db_path)
    assert caught.value.owner == other
    assert "Zoe on" in str(caught.value) and "read-only" in str(caught.value)
    assert caught.value.stale_unknown is False
    assert lock.read_owner(db_path) == other  # the live lock is left alone


def test_lock_held_by_another_pc_is_not_broken_without_force(db_path):
    other = _owner(host="WARD9-PC", pid=1)
    lock._write_new(lock.lock_path(db_path), other)
    with pytest.raises(DatabaseLockedError) as caught:
        lock.acquire(db_path)
    assert caught.value.stale_unknown is True
    assert "WARD9-PC" in str(caught.value)
    with lock.acquire(db_path, force=True) as held:  # the user confirmed the other PC is done
        assert lock.read_owner(db_path) == held.owner


def test_stale_lock_of_a_dead_process_on_this_pc_is_taken_over(db_path):
    dead = _owner(host=lock._current_host(), pid=_dead_pid())
    lock._write_new(lock.lock_path(db_path), dead)
    assert lock.is_stale(dead)
    with lock.acquire(db_path) as held:
        assert lock.read_owner(db_path) == held.owner != dead
    assert not list(db_path.parent.glob("*.stale-*"))


def test_lock_from_before_a_restart_is_stale_even_if_the_pid_is_reused(db_path):
    # After a power cut the same pid may belong to another program: the boot id tells them apart.
    before = _owner(host="pc", pid=os.getppid(), boot="boot-a")
    assert lock.is_stale(before, host="pc", boot="boot-b")
    assert not lock.is_stale(before, host="pc", boot="boot-a")
    assert not lock.is_stale(before, host="other", boot="boot-b")


def test_unreadable_lock_is_respected_briefly_then_treated_as_debris(db_path):
    path = lock.lock_path(db_path)
    path.write_bytes(b"")  # a lock being written right now looks like this
    with pytest.raises(DatabaseLockedError) as caught:
        lock.acquire(db_path)
    assert caught.value.owner is None
    old = path.stat().st_mtime - lock.UNREADABLE_GRACE_SECONDS - 5
    os.utime(path, (old, old))
    with lock.acquire(db_path):
        pass


def test_release_never_removes_someone_elses_lock(db_path):
    held = lock.acquire(db_path)
    other = _owner(user="replaced")
    lock.lock_path(db_path).write_text(json.dumps(other.__dict__), encoding="utf-8")
    held.release()
    assert lock.read_owner(db_path) == other


def test_a_lock_held_by_a_child_process_blocks_until_it_exits(db_path, tmp_path):
    script = (
        "import sys, time\n"
        "from champion_desk.store import lock\n"
        f"held = lock.acquire({str(db_path)!r})\n"
        "print('locked', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "locked"
        with pytest.raises(DatabaseLockedError) as caught:
            lock.acquire(db_path)
        assert caught.value.owner.pid == proc.pid
    finally:
        proc.kill()  # killed, not closed: the lock file stays behind, as after a crash
        proc.wait()
    assert lock.lock_path(db_path).exists()
    with lock.acquire(db_path):
        pass


def test_owner_description_is_plain_words():
    owner = LockOwner("anna", "WARD7-PC", 42, "2026-11-26T14:02:00Z")
    text = owner.describe()
    assert text.startswith("anna on WARD7-PC (since ") and "2026" in text


def test_pid_alive():
    assert lock.pid_alive(os.getpid())
    assert not lock.pid_alive(_dead_pid())
    assert not lock.pid_alive(0)


def test_a_pid_reused_by_another_program_does_not_keep_a_dead_lock_alive(db_path):
    parent = os.getppid()
    started = lock.process_started(parent)
    if not started:
        pytest.skip("process start times are only read on Linux (/proc)")
    reused = _owner(host=lock._current_host(), pid=parent, started=str(int(started) + 1))
    assert lock.is_stale(reused)
    same = _owner(host=lock._current_host(), pid=parent, started=started)
    assert not lock.is_stale(same)


def test_the_lock_records_when_this_process_started(db_path):
    with lock.acquire(db_path) as held:
        assert held.owner.started == lock.process_started(os.getpid())
