"""Making a file look like an older schema version, as the migration tests need."""

from __future__ import annotations

import sqlite3

from champion_desk.store import schema


def forget_migrations_after(conn: sqlite3.Connection, version: int) -> None:
    """Forget every migration that brought the file past ``version`` (their names from schema.MIGRATIONS).

    With what those migrations added undone by the caller, the file opens as that version would.
    """
    names = [name for name, _ in schema.MIGRATIONS[version:]]
    conn.execute(f"DELETE FROM _sqlite_migrations WHERE name IN ({', '.join('?' * len(names))})", names)
    conn.execute(f"PRAGMA user_version = {version}")
