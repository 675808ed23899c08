"""Bad files from a USB stick, a half-finished copy or another app: refused cleanly, never changed.

Each generated file goes to ``open_database`` and to ``champion-desk check`` (in process, and a
sample through a real subprocess to see what a user would see). Each must be refused within 5 s
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
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from champion_desk import cli
from champion_desk.errors import ChampionDeskError
from champion_desk.store.database import open_database
from tests.reliability.badfiles import KINDS, generate, make_good_database
from tests.reliability.checks import file_sha256

pytestmark = pytest.mark.slow

LIMIT_SECONDS = 5.0

KNOWN_STORE_DEFECTS = {
    "open accepts a damaged file": (
        "store/database.py open_database(): for an existing file, run PRAGMA quick_check (on a "
        "mode=ro connection, before journal_mode=WAL or any migration) and raise CorruptDatabaseError "
        "when it is not 'ok'"
    ),
    "UnicodeDecodeError escapes": (
        "store/database.py translate_errors(): also catch UnicodeDecodeError (Python cannot decode "
        "SQLite's error text when it quotes a damaged schema) and raise CorruptDatabaseError; "
        "store/health.py check_database(): catch UnicodeDecodeError beside sqlite3.DatabaseError"
    ),
    "check leaves empty -wal/-shm beside the file": (
        "store/health.py check_database(): a mode=ro connection to a WAL-mode file creates -wal/-shm "
        "it cannot remove; note which of them existed before connecting and, after conn.close(), "
        "delete the ones it created when the -wal is empty (0 bytes)"
    ),
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
        return "refused", None if _one_line(str(exc)) else f"unclear message: {exc!r}"
    except UnicodeDecodeError:
        return "crashed", "UnicodeDecodeError escapes"
    except Exception as exc:  # anything else is a crash the user would see as a traceback
        return "crashed", f"{type(exc).__name__} escapes open_database: {exc}"
    try:
        rows = db.conn.execute("PRAGMA integrity_check").fetchall()
        intact = rows == [("ok",)]
    except Exception:
        intact = False
    finally:
        db.close()
    return ("accepted-intact", None) if intact else ("accepted-damaged", "open accepts a damaged file")


def _try_check(path: Path) -> tuple[str, str | None]:
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["--db", str(path), "check"])
    except UnicodeDecodeError:
        return "crashed", "UnicodeDecodeError escapes"
    except BaseException as exc:
        return "crashed", f"{type(exc).__name__} escapes champion-desk check: {exc}"
    if code == 0:
        return "passed", None
    text = err.getvalue() + out.getvalue()
    if "Traceback" in text:
        return "crashed", "traceback printed by check"
    if err.getvalue() and not _one_line(err.getvalue()):
        return "refused", f"unclear message: {err.getvalue()!r}"
    return "refused", None


def test_malformed_files_are_refused_cleanly_and_left_unchanged(tmp_path, good, rng, reliability_count, figures):
    total = reliability_count("malformed_files")
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
        for entry, attempt in (("open", _try_open), ("check", _try_check)):
            t0 = time.monotonic()
            outcome, defect = attempt(path)
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
                defect = defect or (f"{entry} leaves empty -wal/-shm beside the file" if empty else f"{entry} left {litter}")
                for p in litter:
                    p.unlink()
            if outcome == "passed" and _try_open(path)[0] != "accepted-intact":
                defect = "check passed a damaged file"
            if defect:
                defects[defect] += 1
                examples.setdefault(defect, f"{kind} ({entry}), seed file bad{i}.db")
        path.unlink()
    accepted = sum(n for k, n in outcomes.items() if k.endswith("open: accepted-intact"))
    accepted_kinds = sorted({k.split(" / ")[0] for k, n in outcomes.items() if k.endswith("open: accepted-intact")})
    figures["malformed files"] = (
        f"{total} files of {len(KINDS)} kinds, each given to open_database and check; "
        f"{accepted} files ({', '.join(accepted_kinds) or 'none'}) held undetectable damage and passed integrity_check; "
        f"slowest answer {slowest:.2f} s; {time.monotonic() - started:.1f} s in all"
    )
    figures["malformed files: defects found"] = dict(defects) or "none"
    unknown = {d: n for d, n in defects.items() if d not in KNOWN_STORE_DEFECTS}
    assert not unknown, f"{unknown}; examples: {examples}"
    if defects:
        fixes = "; ".join(f"{d} ({n}x, e.g. {examples[d]}): fix in {KNOWN_STORE_DEFECTS[d]}" for d, n in defects.items())
        pytest.xfail(f"known store defects still present: {fixes}")


def test_check_subprocess_shows_a_message_not_a_traceback(tmp_path, good, rng, figures):
    # What the user really sees: one process per kind of bad file, stderr read whole.
    defects: dict[str, str] = {}
    for kind in KINDS:
        path = tmp_path / f"{kind.replace(' ', '-').replace(chr(39), '')}.db"
        generate(kind, good, rng, path)
        before = file_sha256(path)
        t0 = time.monotonic()
        proc = subprocess.run([sys.executable, "-m", "champion_desk", "--db", str(path), "check"],
                              capture_output=True, text=True, timeout=30, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
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
            assert kind == "bit-flipped page", kind  # only invisible damage may pass
        else:
            assert proc.returncode == 1, kind
            if proc.stderr.strip():
                assert len(proc.stderr.strip().splitlines()) == 1, f"{kind}: {proc.stderr}"
            else:
                assert "PROBLEMS:" in proc.stdout, kind
    figures["check subprocess"] = (
        f"{len(KINDS)} kinds of bad file through a real `champion-desk check` process; tracebacks: "
        f"{', '.join(f'{d} ({k})' for d, k in defects.items()) or 'none'}"
    )
    if defects:
        pytest.xfail("; ".join(f"{d} for {k}: fix in {KNOWN_STORE_DEFECTS[d]}" for d, k in defects.items()))
