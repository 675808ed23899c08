"""Checks shared by the reliability tests: integrity, links, and a hash of a database's contents."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from champion_desk.store.schema import TABLE_DDL


def connect_plain(path: Path) -> sqlite3.Connection:
    """Open a database the way the next app start would (read-write, so a leftover WAL is recovered)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    return conn


def integrity_problems(conn: sqlite3.Connection) -> list[str]:
    """Return what ``integrity_check`` and ``foreign_key_check`` found; empty when the file is sound."""
    problems = []
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    if rows != [("ok",)]:
        problems.append(f"integrity_check: {rows[:5]}")
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        problems.append(f"foreign_key_check: {broken[:5]}")
    return problems


def contents_hash(conn: sqlite3.Connection, tables: tuple[str, ...] | None = None) -> str:
    """Return a hash of every row of the documented tables (audit included), in id order."""
    digest = hashlib.sha256()
    for table in tables or tuple(TABLE_DDL):
        digest.update(table.encode())
        for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY id'):
            digest.update(repr(row).encode("utf-8"))
    return digest.hexdigest()


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
