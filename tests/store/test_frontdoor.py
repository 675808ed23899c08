"""The front door: one way in to a logbook for the app and every command, and the rules it keeps."""

from __future__ import annotations

import builtins
import os
import shutil
import signal
import struct
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from champion_desk import paths
from champion_desk.errors import NotADeskDatabaseError, StoreError
from champion_desk.store import connection, lock, records
from champion_desk.store.backups import LEFTOVER_AFTER_SECONDS, default_backup_dir, remove_leftovers
from champion_desk.store.database import check_header, open_database
from champion_desk.store.frontdoor import CommandAsker, open_logbook, open_reader, refuse_protected_output

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "champion_desk", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def _logbook(path: Path, *units: str) -> Path:
    db = open_database(path)
    with db.transaction():
        for name in units:
            records.insert(db, "unit", {"name": name}, "test")
    db.close()
    return path


def test_no_file_of_an_open_logbook_is_opened_outside_sqlite(db_path, monkeypatch):
    # Closing any descriptor of the file would drop every SQLite lock this process holds on it.
    db = open_database(db_path)
    opened: list[str] = []
    real_open, real_os_open = builtins.open, os.open

    def spy_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    def spy_os_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_os_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy_open)
    monkeypatch.setattr(os, "open", spy_os_open)
    try:
        assert check_header(db_path) > 0
        reader = open_reader(db_path)
        reader.close()
        with open_logbook(db_path, CommandAsker(), write=False) as other:
            other.db.scalar("SELECT count(*) FROM unit")
    finally:
        monkeypatch.undo()
        db.close()
    ours = {str(db_path), f"{db_path}-wal", f"{db_path}-shm"}
    assert not ours.intersection(opened), opened


def test_the_header_of_a_closed_file_is_read_without_sqlite(db_path):
    _logbook(db_path)
    assert not connection.is_open_here(db_path)
    assert check_header(db_path) > 0
    db = open_database(db_path)
    assert connection.is_open_here(db_path)
    db.close()
    assert not connection.is_open_here(db_path)


def test_a_symlink_reaches_the_same_lock(tmp_path):
    real = _logbook(tmp_path / "real" / "ward.db")
    alias = tmp_path / "alias.db"
    alias.symlink_to(real)
    with open_logbook(real, CommandAsker(), write=True) as held:
        assert held.lock.path == lock.lock_path(real.resolve())
        with pytest.raises(lock.DatabaseLockedError) as caught:
            open_logbook(alias, CommandAsker(), write=True)
        assert "already open" in str(caught.value)
        # Readers still work beside it, by either name.
        with open_logbook(alias, CommandAsker(), write=False) as reader:
            assert reader.readonly and reader.db.scalar("SELECT count(*) FROM unit") == 0


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_path_that_is_not_a_regular_file_is_refused_before_it_is_opened(tmp_path, kind):
    target = tmp_path / "odd.db"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.mkdir()
    with pytest.raises(NotADeskDatabaseError):
        open_logbook(target, CommandAsker(), write=False)
    result = _cli("--db", str(target), "stats")  # a FIFO would hang for ever if it were opened
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1


# --- a -wal that does not belong ---------------------------------------------------------------

KILLED_WRITER = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {root!r})
    from champion_desk.store import records
    from champion_desk.store.frontdoor import CommandAsker, open_logbook
    db = open_logbook({path!r}, CommandAsker(), write=True).db
    with db.transaction():
        for n in range(40):
            records.insert(db, "unit", {{"name": f"Killed Writer Unit {{n}}"}}, "writer")
    os.kill(os.getpid(), signal.SIGKILL)
""")


def _killed_writer(path: Path) -> None:
    subprocess.run([sys.executable, "-c", KILLED_WRITER.format(root=str(ROOT), path=str(path))], timeout=60)
    assert Path(f"{path}-wal").stat().st_size > 0


def _set_aside(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f"{path.name}-wal.set-aside-*"))


def test_a_crashed_writers_own_log_is_kept_and_replayed(tmp_path):
    path = _logbook(tmp_path / "ward.db", "Cedar Ward")
    _killed_writer(path)
    result = _cli("--db", str(path), "stats", "--json")
    assert result.returncode == 0, result.stderr
    assert not _set_aside(path)
    with open_logbook(path, CommandAsker(), write=False) as book:
        assert book.db.scalar("SELECT count(*) FROM unit") == 41


def test_another_logbooks_log_left_beside_a_copied_file_is_set_aside(tmp_path):
    path = _logbook(tmp_path / "ward.db", "Cedar Ward")
    _killed_writer(path)
    # A healthy logbook copied over this one without its companion: the -wal is the old file's.
    healthy = _logbook(tmp_path / "elsewhere" / "healthy.db", *(f"Healthy {n}" for n in range(30)))
    shutil.copyfile(healthy, path)
    before = path.read_bytes()
    result = _cli("--db", str(path), "stats", "--json")
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(notes) == 1 and "did not belong" in notes[0] and "set aside" in notes[0]
    assert path.read_bytes() == before, "the logbook itself must be left byte for byte"
    log = Path(f"{path}-wal")
    assert len(_set_aside(path)) == 1 and (not log.exists() or log.stat().st_size == 0)
    check = _cli("--db", str(path), "check")
    assert check.returncode == 0, check.stdout + check.stderr
    with open_logbook(path, CommandAsker(), write=False) as book:
        assert book.db.scalar("SELECT count(*) FROM unit") == 30


def test_a_log_with_a_broken_header_is_set_aside(tmp_path):
    path = _logbook(tmp_path / "ward.db", "Cedar Ward")
    header = struct.pack(">8I", 0x377F0682, 3007000, 4096, 0, 1, 2, 3, 4)  # checksum is wrong
    Path(f"{path}-wal").write_bytes(header + b"\0" * 4120)
    before = path.read_bytes()
    messages: list[str] = []

    class Listening(CommandAsker):
        def notice(self, message: str) -> None:
            messages.append(message)

    with open_logbook(path, Listening(), write=False) as book:
        assert book.db.scalar("SELECT count(*) FROM unit") == 1
    assert path.read_bytes() == before
    assert len(messages) == 1 and "checksum" in messages[0]
    assert _set_aside(path)[0].read_bytes().startswith(header)


# --- output paths ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["briefing", "--out", "{db}"],
        ["poster", "--out", "{db}"],
        ["export", "--format", "xlsx", "--out", "{db}"],
        ["export-person", "X1", "--out", "{db}"],
        ["privacy-report", "--out", "{db}"],
        ["backup", "--to", "{db}"],
        ["briefing", "--out", "{db}-wal"],
        ["briefing", "--out", "{db}.lock"],
        ["briefing", "--out", "{backups}/mine.pdf"],
        ["briefing", "--out", "{alias}"],
    ],
    ids=[
        "briefing",
        "poster",
        "export",
        "export-person",
        "privacy-report",
        "backup",
        "wal",
        "lock",
        "backups",
        "symlink",
    ],
)
def test_no_output_may_overwrite_the_logbook_or_its_files(tmp_path, command):
    path = _logbook(tmp_path / "ward.db", "Cedar Ward")
    db = open_database(path)
    with db.transaction():
        records.insert(db, "staff", {"display_name": "Ada Lovelace", "staff_ref": "X1"}, "test")
    db.close()
    alias = tmp_path / "alias.pdf"
    alias.symlink_to(path)
    backups = default_backup_dir(path)
    backups.mkdir(exist_ok=True)
    before = path.read_bytes()
    args = [a.format(db=path, backups=backups, alias=alias) for a in command]
    result = _cli("--db", str(path), *args)
    assert result.returncode == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "choose" in lines[0], result.stderr
    assert path.read_bytes() == before
    assert not list(backups.iterdir())


def test_an_ordinary_output_path_is_allowed(tmp_path):
    path = _logbook(tmp_path / "ward.db")
    assert refuse_protected_output(tmp_path / "briefing.pdf", path) == (tmp_path / "briefing.pdf").resolve()
    with pytest.raises(StoreError):
        refuse_protected_output(tmp_path / "." / "ward.db", path)


# --- copies in progress ------------------------------------------------------------------------


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_copies_left_by_killed_runs_are_removed_and_live_ones_kept(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    dead = _dead_pid()
    stale_partial = folder / f".partial-{dead}-abc.db"
    stale_partial.write_bytes(b"names and concern text")
    stale_scratch = folder / f".scratch-{dead}-xyz"
    stale_scratch.mkdir()
    (stale_scratch / "copy.db").write_bytes(b"another ward's names")
    live = folder / f".partial-{os.getpid()}-live.db"
    live.write_bytes(b"in progress")
    old_live = folder / f".partial-{os.getpid()}-old.db"
    old_live.write_bytes(b"pid reused long after")
    long_ago = old_live.stat().st_mtime - LEFTOVER_AFTER_SECONDS - 60
    os.utime(old_live, (long_ago, long_ago))
    removed = remove_leftovers(folder)
    assert set(removed) == {stale_partial, stale_scratch, old_live}
    assert live.exists() and not stale_partial.exists() and not stale_scratch.exists()


def test_backup_and_check_clear_what_a_killed_backup_left(tmp_path):
    path = _logbook(tmp_path / "ward.db", "Cedar Ward")
    folder = default_backup_dir(path)
    folder.mkdir()
    leftover = folder / f".partial-{_dead_pid()}-x.db"
    leftover.write_bytes(b"x")
    assert _cli("--db", str(path), "backup").returncode == 0
    assert not leftover.exists()
    leftover.write_bytes(b"x")
    result = _cli("--db", str(path), "check")
    assert result.returncode == 0 and not leftover.exists()
    assert "interrupted" in result.stderr


# --- one logbook for the app and the commands -----------------------------------------------------


def test_commands_use_the_logbook_the_app_last_opened_and_say_when_it_is_the_demo(tmp_path):
    real = paths.default_db_path()
    demo = _logbook(paths.demo_db_path(real), "Demo Ward")
    paths.remember_db_path(demo)
    result = _cli("stats", "--json")
    assert result.returncode == 0, result.stderr
    assert "demo logbook" in result.stderr and str(demo) in result.stderr
    out = tmp_path / "b.pdf"
    briefing = _cli("briefing", "--out", str(out))
    assert briefing.returncode == 0, briefing.stderr
    assert out.exists() and not real.exists()


def test_a_missing_logbook_is_never_answered_with_demo_advice(tmp_path):
    demo = _logbook(paths.demo_db_path(paths.default_db_path()), "Demo Ward")
    demo_result = _cli("init", "--help")
    assert demo_result.returncode == 0
    Path(paths.data_dir() / paths.LAST_LOGBOOK_FILE).unlink(missing_ok=True)
    result = _cli("stats")
    assert result.returncode == 1
    assert "champion-desk demo" not in result.stderr and str(demo) in result.stderr


def test_a_killed_app_leaves_its_lock_to_be_taken_over(tmp_path):
    path = _logbook(tmp_path / "ward.db")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from champion_desk.store.frontdoor import CommandAsker, open_logbook
        book = open_logbook({str(path)!r}, CommandAsker(), write=True)
        print("held", flush=True)
        time.sleep(60)
    """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    refused = _cli("--db", str(path), "init")
    assert refused.returncode == 1 and "already open" in refused.stderr
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert _cli("--db", str(path), "init").returncode == 0


def test_a_write_beside_the_app_is_made_only_on_this_pc_and_a_local_disk(tmp_path, monkeypatch, capsys):
    import dataclasses

    from champion_desk.store import frontdoor
    from champion_desk.store.location import NetworkLocation

    path = _logbook(tmp_path / "ward.db", "Ward 7")

    def event(db):
        records.security_event(db, "command line", records.MANAGER_EXPORT, {"rows": 1})
        return "written"

    def events():
        with open_database(path, create=False, readonly=True) as db:
            return db.scalar("SELECT count(*) FROM audit WHERE record_id = ?", (records.MANAGER_EXPORT,))

    app = open_logbook(path, CommandAsker(), write=True)  # the app on this PC, its connection open
    try:
        assert frontdoor.write_beside(path, CommandAsker(), event) == "written" and events() == 1
        share = NetworkLocation(path, "smb", str(tmp_path))
        monkeypatch.setattr(frontdoor, "network_location", lambda p: share)
        with pytest.raises(lock.DatabaseLockedError):
            frontdoor.write_beside(path, CommandAsker(), event)
    finally:
        app.close()
    monkeypatch.undo()
    held = lock.acquire(path, owner=dataclasses.replace(lock.current_owner(), host="WARD-PC-07"))
    try:
        with pytest.raises(lock.DatabaseLockedError):
            frontdoor.write_beside(path, CommandAsker(), event)
    finally:
        held.release()
    assert events() == 1
    assert frontdoor.write_beside(path, CommandAsker(), event) == "written" and events() == 2  # free: as any writer
    assert not lock.lock_path(path).exists()
