"""Bad files from a USB stick, a half-finished copy or another app: refused cleanly, never changed.

Each generated file goes to ``open_database`` and to ``champion-desk check``, ``merge`` and
``restore`` (in process, and a sample of ``check`` through a real subprocess to see what a user
would see); merge and restore must also leave the database they were run in unchanged. Each must be refused within 5 s
with a one-line message and no traceback, and its bytes must be unchanged (same SHA-256).

Some bit flips cannot be detected by anyone: SQLite pages carry no checksums, so a flipped bit
inside a stored text is just a different text. Those files are accepted, and the test requires
that they then pass ``integrity_check`` (the damage really was invisible); they are counted.

KNOWN_STORE_DEFECTS lists failures whose fix belongs in store/database.py (not this suite's
file): while one still occurs the test reports it as an expected failure naming the fix; any
other failure fails the test.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from champion_desk import cli
from champion_desk.errors import ChampionDeskError
from champion_desk.store.database import open_database
from tests.reliability import landed
from tests.reliability.badfiles import KINDS, generate, make_good_database
from tests.reliability.checks import connect_plain, contents_hash, file_sha256

pytestmark = pytest.mark.slow

LIMIT_SECONDS = 5.0

_UNICODE = (
    "store/database.py translate_errors(): also catch UnicodeDecodeError (Python cannot decode "
    "SQLite's error text when it quotes a damaged schema) and raise CorruptDatabaseError; "
    "store/health.py check_database() and store/backups.py check_foreign_file(): catch "
    "UnicodeDecodeError beside sqlite3.DatabaseError"
)
_LITTER = (
    "a mode=ro connection to a WAL-mode file creates -wal/-shm it cannot remove; note which of them "
    "existed before connecting and, after conn.close(), delete the ones it created when the -wal is "
    "empty (0 bytes)"
)
_FOREIGN_INTEGRITY = (
    "store/backups.py check_foreign_file(): run PRAGMA integrity_check, not quick_check, on a file from "
    "elsewhere: quick_check does not compare indexes with their tables, so a bit flipped inside a row "
    "(the row's data silently changed) passes it; integrity_check reports 'row N missing from index'"
)
_FOREIGN_MESSAGE = (
    "store/backups.py check_foreign_file() line 'is damaged: {result[0][0]}': the first integrity row "
    "can hold newlines ('*** in database main ***\\nPage 3: btreeInitPage() returns error code 11'); "
    "join its lines with '; ' so the message stays one line"
)
_UNDECODABLE = (
    "a stored text that is not valid UTF-8 passes integrity_check (SQLite never looks inside text) "
    "and then makes every read of that row raise sqlite3.OperationalError 'Could not decode to UTF-8 "
    "column ... with text ...' (which quotes the text: concern words). store/health.py check_database() "
    "and store/backups.py check_foreign_file(): read the text columns with conn.text_factory = bytes and "
    "refuse (CorruptDatabaseError naming table and column only) when one does not decode; "
    "store/database.py translate_errors(): map 'Could not decode to UTF-8' to CorruptDatabaseError "
    "without the quoted text"
)
KNOWN_STORE_DEFECTS = {
    "check accepted undecodable text": _UNDECODABLE,
    "restore accepted undecodable text": _UNDECODABLE,
    "merge accepted undecodable text": _UNDECODABLE,
    "open: UnicodeDecodeError escapes": _UNICODE,
    "check: UnicodeDecodeError escapes": _UNICODE,
    "merge: UnicodeDecodeError escapes": _UNICODE,
    "restore: UnicodeDecodeError escapes": _UNICODE,
    "UnicodeDecodeError escapes": _UNICODE,
    "check leaves empty -wal/-shm beside the file": "store/health.py check_database(): " + _LITTER,
    "merge leaves empty -wal/-shm beside the file": "store/backups.py check_foreign_file()/checked_copy(): " + _LITTER,
    "restore leaves empty -wal/-shm beside the file": "store/backups.py check_foreign_file()/checked_copy(): "
    + _LITTER,
    "merge accepted a damaged file": _FOREIGN_INTEGRITY,
    "restore accepted a damaged file": _FOREIGN_INTEGRITY,
    "merge: OperationalError escapes": (
        "exchange/merge.py (reading the other file's rows): a flipped bit can leave a text value that is "
        "not valid UTF-8, which passes quick_check (and integrity_check) but makes sqlite3 raise "
        "OperationalError 'Could not decode to UTF-8 column ... with text ...' - uncaught, so the CLI "
        "shows a traceback, and its message quotes the stored text (a concern). Catch it while reading and "
        "raise MergeError/CorruptDatabaseError naming the table and column only"
    ),
    "merge: unclear message": _FOREIGN_MESSAGE,
    "restore: unclear message": _FOREIGN_MESSAGE,
}


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    return make_good_database(tmp_path_factory.mktemp("good") / "good.db")


def _one_line(message: str) -> bool:
    return bool(message.strip()) and "\n" not in message.strip() and "Traceback" not in message and len(message) < 500


def _try_open(path: Path) -> tuple[str, str | None]:
    """Return (outcome, defect): outcome 'refused', 'accepted-intact'; defect names a failure or None."""
    try:
        db = open_database(path, create=False)
    except ChampionDeskError as exc:
        return "refused", None if _one_line(str(exc)) else "unclear message"
    except UnicodeDecodeError:
        return "crashed", "UnicodeDecodeError escapes"
    except Exception as exc:  # anything else is a crash the user would see as a traceback
        return "crashed", f"{type(exc).__name__} escapes"
    try:
        rows = db.conn.execute("PRAGMA integrity_check").fetchall()
        intact = rows == [("ok",)]
    except Exception:
        intact = False
    finally:
        db.close()
    if intact:
        return "accepted-intact", None
    # By design open_database does not re-read the whole file (seconds at trust scale); the app's
    # start-up safeguard runs recovery.diagnose first and offers the latest good backup. A damaged
    # file is a defect only if that check lets it through too (damage quick_check cannot see is
    # counted apart, as undetectable).
    from champion_desk.store import recovery

    try:
        caught = recovery.diagnose(path) is not None
    except ChampionDeskError:
        caught = True
    # Damage only integrity_check sees (a row whose index entry disagrees) is the documented limit:
    # found by `champion-desk check`, merge and restore, and when the row is read.
    return (
        "accepted-damaged, caught at start-up" if caught else "accepted-damaged, only integrity_check sees it"
    ), None


def _try_cli(*args: str) -> tuple[str, str | None]:
    """Run a champion-desk command in process; return (outcome, defect) as _try_open does."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(args))
    except UnicodeDecodeError:
        return "crashed", "UnicodeDecodeError escapes"
    except BaseException as exc:
        return "crashed", f"{type(exc).__name__} escapes"
    if code == 0:
        return "passed", None
    text = err.getvalue() + out.getvalue()
    if "Traceback" in text:
        return "crashed", f"traceback printed by {args[2]}"
    if err.getvalue() and not _one_line(err.getvalue()):
        return "refused", "unclear message"
    return "refused", None


def _undecodable(path: Path) -> bool:
    """Return True when some stored text of the file is not valid UTF-8 (reading that row would fail)."""
    import sqlite3

    conn = sqlite3.connect(f"file:{path.as_posix()}?mode=ro&immutable=1", uri=True)
    conn.text_factory = bytes
    try:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table.decode() if isinstance(table, bytes) else table}"'):
                for value in row:
                    if isinstance(value, bytes):
                        try:
                            value.decode("utf-8")
                        except UnicodeDecodeError:
                            return True
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()
    return False


def _target_hash(path: Path) -> str:
    conn = connect_plain(path)
    try:
        return contents_hash(conn)
    finally:
        conn.close()


def test_malformed_files_are_refused_cleanly_and_left_unchanged(tmp_path, good, rng, reliability_count, figures):
    total = reliability_count("malformed_files")
    # The database a user runs merge and restore in: it must come out of every refusal unchanged.
    target_master = tmp_path / "master" / "target.db"
    target_master.parent.mkdir()
    make_good_database(target_master, sessions=3)
    target = tmp_path / "work" / "target.db"
    target.parent.mkdir()
    shutil.copy(target_master, target)
    outcomes: Counter = Counter()
    defects: Counter = Counter()
    examples: dict[str, str] = {}
    slowest = 0.0
    started = time.monotonic()
    for i in range(total):
        kind = KINDS[i % len(KINDS)]
        path = tmp_path / f"bad{i}.db"
        generate(kind, good, rng, path)
        before = file_sha256(path)
        entries = [
            ("open", lambda: _try_open(path)),
            ("check", lambda: _try_cli("--db", str(path), "check")),
        ]
        if landed.MERGE:
            entries.append(("merge", lambda: _try_cli("--db", str(target), "merge", str(path))))
        if landed.RESTORE:
            entries.append(("restore", lambda: _try_cli("--db", str(target), "restore", str(path), "--yes")))
        for entry, attempt in entries:
            target_before = _target_hash(target) if entry in ("merge", "restore") else None
            t0 = time.monotonic()
            outcome, defect = attempt()
            elapsed = time.monotonic() - t0
            slowest = max(slowest, elapsed)
            outcomes[f"{kind} / {entry}: {outcome}"] += 1
            if elapsed > LIMIT_SECONDS:
                defect = f"took {elapsed:.1f} s"
            if file_sha256(path) != before:
                defect = f"{entry} changed the file"
            litter = list(tmp_path.glob(f"bad{i}.db-*"))
            if litter:
                empty = all(p.stat().st_size == 0 or p.name.endswith("-shm") for p in litter)
                defect = defect or (
                    f"{entry} leaves empty -wal/-shm beside the file" if empty else f"{entry} left {litter}"
                )
                for p in litter:
                    p.unlink()
            if outcome == "passed" and _try_open(path)[0] != "accepted-intact":
                defect = f"{entry} accepted a damaged file"
            elif outcome in ("passed", "accepted-intact") and entry != "open" and _undecodable(path):
                # (open does not read every stored word, by design; check, merge and restore do)
                defect = f"{entry} accepted undecodable text"
            if target_before is not None:
                if outcome != "passed" and _target_hash(target) != target_before:
                    defect = f"a refused {entry} changed the target database"
                if outcome == "passed" or _target_hash(target) != target_before:
                    shutil.copy(target_master, target)  # the next file meets the same target
                    for p in target.parent.glob("target.db-*"):
                        p.unlink()
            if defect and (
                defect == "unclear message" or defect.endswith(" escapes") or defect.startswith("traceback")
            ):
                defect = f"{entry}: {defect}"
            if defect:
                defects[defect] += 1
                examples.setdefault(defect, f"{kind} ({entry}), seed file bad{i}.db")
        path.unlink()
    accepted = sum(n for k, n in outcomes.items() if k.endswith("open: accepted-intact"))
    accepted_kinds = sorted({k.split(" / ")[0] for k, n in outcomes.items() if k.endswith("open: accepted-intact")})
    figures["malformed files"] = (
        f"{total} files of {len(KINDS)} kinds, each given to {', '.join(e for e, _ in entries)}; "
        f"{accepted} files ({', '.join(accepted_kinds) or 'none'}) held undetectable damage and passed integrity_check; "
        f"slowest answer {slowest:.2f} s; {time.monotonic() - started:.1f} s in all"
    )
    figures["malformed files: defects found"] = dict(defects) or "none"
    unknown = {d: n for d, n in defects.items() if d not in KNOWN_STORE_DEFECTS}
    assert not unknown, f"{unknown}; examples: {examples}"
    if defects:
        fixes = "; ".join(
            f"{d} ({n}x, e.g. {examples[d]}): fix in {KNOWN_STORE_DEFECTS[d]}" for d, n in defects.items()
        )
        pytest.xfail(f"known store defects still present: {fixes}")


def test_check_subprocess_shows_a_message_not_a_traceback(tmp_path, good, rng, figures):
    # What the user really sees: one process per kind of bad file, stderr read whole.
    defects: dict[str, str] = {}
    for kind in KINDS:
        path = tmp_path / f"{kind.replace(' ', '-').replace(chr(39), '')}.db"
        generate(kind, good, rng, path)
        before = file_sha256(path)
        t0 = time.monotonic()
        proc = subprocess.run(
            [sys.executable, "-m", "champion_desk", "--db", str(path), "check"],
            capture_output=True,
            text=True,
            timeout=30,
            env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
        )
        elapsed = time.monotonic() - t0
        assert elapsed < LIMIT_SECONDS + 2, f"{kind}: {elapsed:.1f} s"  # + interpreter start-up
        assert file_sha256(path) == before, kind
        if "Traceback" in proc.stderr:
            last = proc.stderr.strip().splitlines()[-1]
            if last.startswith("UnicodeDecodeError"):
                defects["UnicodeDecodeError escapes"] = kind
                continue
            pytest.fail(f"{kind}: {proc.stderr[-1500:]}")
        if proc.returncode == 0:
            if kind == "undecodable stored text":
                defects["check accepted undecodable text"] = kind
                continue
            assert kind == "bit-flipped page", kind  # only invisible damage may pass
        else:
            assert proc.returncode == 1, kind
            if proc.stderr.strip():
                assert len(proc.stderr.strip().splitlines()) == 1, f"{kind}: {proc.stderr}"
            else:
                assert "PROBLEMS:" in proc.stdout, kind
    figures["check subprocess"] = (
        f"{len(KINDS)} kinds of bad file through a real `champion-desk check` process; problems: "
        f"{', '.join(f'{d} ({k})' for d, k in defects.items()) or 'none'}"
    )
    if defects:
        pytest.xfail("; ".join(f"{d} for {k}: fix in {KNOWN_STORE_DEFECTS[d]}" for d, k in defects.items()))
