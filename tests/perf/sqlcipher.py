#!/usr/bin/env python3
"""SQLCipher against plain SQLite on this machine, for the live-logbook decision in docs/security.md (issue 27).

Not part of the test suite, and sqlcipher3 is not a dependency: install it into a venv of your own
(`.venv/bin/pip install sqlcipher3-binary`), then run `.venv/bin/python tests/perf/sqlcipher.py`.

Builds the hospital demo, makes an encrypted copy of it (SQLCipher 4 defaults: AES-256, 256 000
PBKDF2 iterations, HMAC per page) and times on each, interleaved, over --runs rounds:
open (connect, key, first read of the schema), a dashboard-like read (every table counted,
sessions and attendances by unit and month), and 200 saves, each its own transaction in WAL with
synchronous=FULL as the app saves. Prints the median, min and max of each and the ratio.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

KEY = "benchmark passphrase only"
READ_SQL = [
    "SELECT name FROM sqlite_master WHERE type = 'table'",
    "SELECT count(*) FROM staff",
    "SELECT count(*) FROM training_session",
    "SELECT count(*) FROM attendance",
    "SELECT count(*) FROM incident",
    "SELECT count(*) FROM audit",
    "SELECT s.unit_id, substr(s.held_on, 1, 7), count(*) FROM attendance a JOIN training_session s"
    " ON s.id = a.session_id WHERE a.deleted_at IS NULL GROUP BY 1, 2",
    "SELECT unit_id, theme, count(*) FROM incident GROUP BY 1, 2",
]


def _open_plain(path: Path):
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


def _open_cipher(path: Path):
    from sqlcipher3 import dbapi2

    conn = dbapi2.connect(str(path), isolation_level=None)
    conn.execute(f"PRAGMA key = '{KEY}'")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


def _read(conn) -> None:
    for sql in READ_SQL:
        conn.execute(sql).fetchall()


def _saves(conn, n: int = 200) -> None:
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    for _ in range(n):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            'INSERT INTO audit (id, at, actor, "table", record_id, action, changes) VALUES (?, ?, ?, ?, ?, ?, ?)',
            (str(uuid.uuid4()), "2026-12-07T00:00:00Z", "bench", "unit", "x", "update", "{}"),
        )
        conn.execute("COMMIT")


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scale", default="hospital", choices=("ward", "hospital", "trust"))
    args = parser.parse_args()
    try:
        from sqlcipher3 import dbapi2
    except ImportError:
        print("sqlcipher3 is not installed in this environment: pip install sqlcipher3-binary", file=sys.stderr)
        return 1
    work = Path(tempfile.mkdtemp(prefix="sqlcipher-bench-"))
    try:
        plain = work / "plain.db"
        env = {**os.environ, "HOME": str(work), "XDG_DATA_HOME": str(work), "XDG_CONFIG_HOME": str(work)}
        subprocess.run(
            [sys.executable, "-m", "champion_desk", "--db", str(plain), "demo", "--scale", args.scale],
            check=True,
            capture_output=True,
            env=env,
        )
        conn = sqlite3.connect(plain)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
        cipher = work / "cipher.db"
        conn = dbapi2.connect(str(plain))
        conn.execute(f"ATTACH DATABASE '{cipher}' AS enc KEY '{KEY}'")
        conn.execute("SELECT sqlcipher_export('enc')")
        conn.execute("DETACH DATABASE enc")
        conn.close()
        print(
            f"{args.scale} demo: plain {plain.stat().st_size / 1e6:.1f} MB, encrypted {cipher.stat().st_size / 1e6:.1f} MB"
        )
        print(f"sqlcipher {dbapi2.sqlite_version}, sqlite {sqlite3.sqlite_version}, {args.runs} runs each, interleaved")
        figures: dict[str, dict[str, list[float]]] = {
            k: {"plain": [], "sqlcipher": []} for k in ("open", "read", "200 saves")
        }
        for _ in range(args.runs):
            for kind, opener, path in (("plain", _open_plain, plain), ("sqlcipher", _open_cipher, cipher)):
                copy = work / f"run-{kind}.db"
                shutil.copyfile(path, copy)
                holder: list = []
                figures["open"][kind].append(_timed(lambda: holder.append(opener(copy))))
                conn = holder[0]
                figures["read"][kind].append(_timed(lambda: _read(conn)))
                figures["200 saves"][kind].append(_timed(lambda: _saves(conn)))
                conn.close()
                for leftover in work.glob(f"run-{kind}.db*"):
                    leftover.unlink()
        print(f"{'figure':<10} {'plain median (min-max)':>28} {'sqlcipher median (min-max)':>30} {'ratio':>7}")
        for name, sides in figures.items():
            cells = []
            for kind in ("plain", "sqlcipher"):
                values = sides[kind]
                cells.append(
                    f"{statistics.median(values) * 1000:8.1f} ms ({min(values) * 1000:.1f}-{max(values) * 1000:.1f})"
                )
            ratio = statistics.median(sides["sqlcipher"]) / statistics.median(sides["plain"])
            print(f"{name:<10} {cells[0]:>28} {cells[1]:>30} {ratio:6.1f}x")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
