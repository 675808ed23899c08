"""Output files are written whole or not at all: a full disk leaves the old file, never half a new one."""

from __future__ import annotations

import datetime as dt
import os
import pickle
import signal
import traceback
from collections.abc import Callable
from pathlib import Path

import pytest

from champion_desk import outfiles
from champion_desk.store.database import open_database
from tests.report.sample import SCOPE, build_sample

resource = pytest.importorskip("resource")  # the full disk is simulated with a POSIX file-size limit

OLD = b"last month's file, still good"


def test_a_failed_write_leaves_the_target_as_it_was_and_no_partial_file(tmp_path):
    target = tmp_path / "briefing.pdf"
    target.write_bytes(OLD)
    with pytest.raises(OSError), outfiles.replacing(target) as tmp:
        tmp.write_bytes(b"half a new")
        raise OSError(28, "No space left on device")
    assert target.read_bytes() == OLD and sorted(p.name for p in tmp_path.iterdir()) == ["briefing.pdf"]
    outfiles.write_bytes(target, b"new")
    assert target.read_bytes() == b"new" and sorted(p.name for p in tmp_path.iterdir()) == ["briefing.pdf"]


def test_files_of_a_folder_move_in_only_when_all_are_written_and_others_stay(tmp_path):
    (tmp_path / "unit.csv").write_bytes(OLD)
    (tmp_path / "my notes.txt").write_bytes(b"not ours")
    with pytest.raises(OSError), outfiles.replacing_files(tmp_path, ["unit.csv", "staff.csv"]) as paths:
        paths["unit.csv"].write_bytes(b"new units")
        raise OSError(28, "No space left on device")
    assert (tmp_path / "unit.csv").read_bytes() == OLD and not (tmp_path / "staff.csv").exists()
    with outfiles.replacing_files(tmp_path, ["unit.csv", "staff.csv"]) as paths:
        for path in paths.values():
            path.write_bytes(b"new")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["my notes.txt", "staff.csv", "unit.csv"]
    assert (tmp_path / "unit.csv").read_bytes() == b"new"


def _with_a_full_disk(limit: int, fn: Callable[[], None]) -> str:
    """Run ``fn`` in a child process that cannot write a file past ``limit`` bytes (a disk that fills).

    Returns "" when ``fn`` finished, else the exception's class name.
    """
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: a write past the limit fails with EFBIG, as on a full disk with ENOSPC
        os.close(read)
        outcome = ""
        try:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
            fn()
        except BaseException as exc:  # noqa: BLE001  # reported to the parent, whatever it is
            outcome = type(exc).__name__ + ": " + "".join(traceback.format_exception_only(exc)).strip()
        os.write(write, pickle.dumps(outcome))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as fh:
        data = fh.read()
    os.waitpid(pid, 0)
    return pickle.loads(data)


def _briefing(path: Path, db_path: Path, out: Path) -> None:
    from champion_desk.report.briefing import make_briefing

    with open_database(db_path) as db:
        make_briefing(db, SCOPE, out)


def _summary(path: Path, db_path: Path, out: Path) -> None:
    from champion_desk.report.briefing import make_briefing

    with open_database(db_path) as db:
        make_briefing(db, SCOPE, out, one_page=True)


def _poster(path: Path, db_path: Path, out: Path) -> None:
    from champion_desk.report.poster import make_poster

    with open_database(db_path) as db:
        make_poster(db, SCOPE, out, today=dt.date(2026, 11, 26))


def _xlsx(path: Path, db_path: Path, out: Path) -> None:
    from champion_desk.exchange.export import export_database

    with open_database(db_path) as db:
        export_database(db, out, "xlsx", full=True)


def _person(path: Path, db_path: Path, out: Path) -> None:
    from champion_desk.exchange.person import export_person

    with open_database(db_path) as db:
        export_person(db, db.scalar("SELECT id FROM staff WHERE display_name = 'Zoë Adams'"), out)


@pytest.mark.parametrize(
    "write,name",
    [(_briefing, "b.pdf"), (_summary, "s.pdf"), (_poster, "p.pdf"), (_xlsx, "e.xlsx"), (_person, "zoe.json")],
    ids=["briefing", "summary", "poster", "xlsx export", "person export"],
)
def test_a_disk_that_fills_while_an_output_is_written_leaves_the_old_file(db, db_path, tmp_path, write, name):
    build_sample(db)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    out = tmp_path / "out" / name
    out.parent.mkdir()
    write(tmp_path, db_path, out)  # a complete one, to learn its size
    size = out.stat().st_size
    out.write_bytes(OLD)
    # Room for the old file's worth and a little more, not for a whole new one.
    failure = _with_a_full_disk(max(len(OLD) + 1, size // 2), lambda: write(tmp_path, db_path, out))
    assert failure, "the write should have run out of room"
    assert out.read_bytes() == OLD, failure
    assert sorted(p.name for p in out.parent.iterdir()) == [name]


def test_a_disk_that_fills_during_a_csv_export_leaves_every_file_as_it_was(db, db_path, tmp_path):
    from champion_desk.exchange.export import export_database

    build_sample(db)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    folder = tmp_path / "export"
    export_database(db, folder, "csv", full=True)
    sizes = {p.name: p.stat().st_size for p in folder.iterdir()}
    for p in folder.iterdir():
        p.write_bytes(OLD)

    def export() -> None:
        with open_database(db_path) as child_db:
            export_database(child_db, folder, "csv", full=True)

    # Room for the small tables, not for the largest one.
    assert _with_a_full_disk(max(sizes.values()) - 1, export)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == dict.fromkeys(sizes, OLD)
