"""Generators of bad database files: what a USB stick, a half-copied file or another app can hand us."""

from __future__ import annotations

import random
import sqlite3
import struct
from collections.abc import Callable
from pathlib import Path

from champion_desk.domain import logbook
from champion_desk.store.database import open_database
from champion_desk.store.schema import APPLICATION_ID, SCHEMA_VERSION
from tests.factories import make_ward, session_values

PAGE = 4096


def make_good_database(path: Path, sessions: int = 12) -> bytes:
    """Create a small, healthy Champion Desk database (checkpointed, no -wal left); return its bytes."""
    db = open_database(path)
    ward = make_ward(db)
    for n in range(sessions):
        logbook.save_session(
            db,
            session_values(ward, minutes=5 + n, notes=f"Session {n} " * 30),
            [{"staff_id": ward["a"]}, {"staff_id": ward["b"]}],
            "t",
        )
        logbook.save(
            db,
            "incident",
            {
                "tool_id": ward["tool"],
                "unit_id": ward["unit"],
                "occurred_on": "2026-11-01",
                "theme": "job security",
                "description": f"Concern {n} " * 40,
            },
            "t",
        )
    db.close()
    return path.read_bytes()


def _other_app(path: Path, rng: random.Random) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE recipes (id INTEGER PRIMARY KEY, title TEXT)")
    conn.executemany("INSERT INTO recipes (title) VALUES (?)", [(f"r{i}",) for i in range(rng.randint(0, 200))])
    if rng.random() < 0.5:
        conn.execute(f"PRAGMA user_version = {rng.randint(0, 5)}")
    conn.commit()
    conn.close()


def _set_header_int(data: bytes, offset: int, value: int) -> bytes:
    return data[:offset] + struct.pack(">I", value & 0xFFFFFFFF) + data[offset + 4 :]


def generate(kind: str, good: bytes, rng: random.Random, path: Path) -> None:
    """Write one bad file of ``kind`` at ``path``."""
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "random bytes":
        path.write_bytes(rng.randbytes(rng.choice((1, 7, 99, 100, 512, 4096, 8192, 65536))))
    elif kind == "sqlite header then random":
        path.write_bytes(good[:100] + rng.randbytes(rng.choice((0, 50, PAGE, 3 * PAGE))))
    elif kind == "truncated":
        cut = rng.choice(
            (
                rng.randrange(1, 100),
                rng.randrange(100, PAGE),
                PAGE * rng.randrange(1, len(good) // PAGE),
                rng.randrange(PAGE, len(good)),
            )
        )
        path.write_bytes(good[:cut])
    elif kind == "bit-flipped page":
        data = bytearray(good)
        page = rng.randrange(len(good) // PAGE)
        for _ in range(rng.randint(1, 16)):
            bit = rng.randrange(PAGE * 8)
            pos = page * PAGE + bit // 8
            if pos >= 100 or page:  # keep the file header's magic so the damage is deeper than byte 0
                data[pos] ^= 1 << (bit % 8)
        path.write_bytes(bytes(data))
    elif kind == "zeroed page":
        page = rng.randrange(1, len(good) // PAGE)
        path.write_bytes(good[: page * PAGE] + bytes(PAGE) + good[(page + 1) * PAGE :])
    elif kind == "another app's SQLite file":
        _other_app(path, rng)
    elif kind == "future schema version":
        path.write_bytes(_set_header_int(good, 60, rng.choice((SCHEMA_VERSION + 1, SCHEMA_VERSION + 5, 99, 2**31 - 1))))
    elif kind == "wrong application id":
        path.write_bytes(_set_header_int(good, 68, rng.choice((0, 1, APPLICATION_ID + 1, 0x4D504258))))
    elif kind == "undecodable schema text":
        # A flipped bit inside a table definition that is no longer valid UTF-8: SQLite quotes the
        # damaged definition in its error message, which Python then cannot decode.
        data = bytearray(good)
        starts = [i for i in range(len(data)) if data.startswith(b"CREATE ", i)]
        at = rng.choice(starts) + rng.randrange(2, 6)
        data[at] = 0xCC
        path.write_bytes(bytes(data))
    elif kind == "undecodable stored text":
        # A flipped bit inside a stored note that leaves bytes which are not UTF-8: no SQLite check
        # sees it (integrity_check does not look inside text), but reading the row fails.
        data = bytearray(good)
        starts = [i for i in range(len(data)) if data.startswith(b"Session ", i)]
        data[rng.choice(starts) + rng.randrange(0, 7)] = 0xFF
        path.write_bytes(bytes(data))
    elif kind == "text file":
        path.write_bytes(("Name,Role\n" + "Ann,Nurse\n" * rng.randint(1, 500)).encode())
    else:
        raise ValueError(kind)


KINDS: tuple[str, ...] = (
    "empty",
    "random bytes",
    "sqlite header then random",
    "truncated",
    "bit-flipped page",
    "zeroed page",
    "another app's SQLite file",
    "future schema version",
    "wrong application id",
    "text file",
    "undecodable schema text",
    "undecodable stored text",
)

Generator = Callable[[str, bytes, random.Random, Path], None]
