"""A power cut can leave the write-ahead log (``-wal``) cut short or with garbage at its end.

SQLite checksums every WAL frame and only counts frames up to the last intact commit, so a
torn WAL must open as a committed state: the first k transactions exactly, where k is the
number of commits whose last byte lies before the tear. A writer with the automatic
checkpoint off (``wal_autocheckpoint=0``) keeps every transaction in the WAL; its database and
WAL are copied after each commit, then the copy's WAL is cut (or overwritten with random bytes)
at random offsets and opened through ``open_database`` (also with the writer's shared-memory
index left beside it, which then describes frames that are gone).
"""

from __future__ import annotations

import shutil
import time

import pytest

from champion_desk.domain import logbook
from champion_desk.store.database import open_database
from tests.factories import make_ward, session_values
from tests.reliability.checks import integrity_problems

pytestmark = pytest.mark.slow

TRANSACTIONS = 30


@pytest.fixture(scope="module")
def wal_source(tmp_path_factory):
    """Return (db bytes, wal bytes, [(wal size after commit i, session ids after commit i)])."""
    folder = tmp_path_factory.mktemp("wal-source")
    path = folder / "ward.db"
    db = open_database(path)
    ward = make_ward(db)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # everything so far into the main file
    db.conn.execute("PRAGMA wal_autocheckpoint = 0")
    wal = path.with_name(path.name + "-wal")
    commits = []
    ids: list[str] = []
    people = [ward["a"], ward["b"], ward["manager"]]
    for n in range(TRANSACTIONS):
        attendees = [{"staff_id": s} for s in people[: 1 + n % 3]]
        ids.append(logbook.save_session(db, session_values(ward, minutes=10 + n, notes="x" * (50 * n)), attendees, "t"))
        commits.append((wal.stat().st_size, tuple(ids)))
    # The shared-memory index (-shm) as the writer left it: it describes the whole WAL, so after a
    # tear it points past the end. A power cut can leave exactly that behind.
    shm = path.with_name(path.name + "-shm").read_bytes()
    data = (path.read_bytes(), wal.read_bytes(), commits, shm)
    db.close()
    return data


def _expected(commits, offset: int) -> tuple[str, ...]:
    done = [ids for size, ids in commits if size <= offset]
    return done[-1] if done else ()


@pytest.mark.parametrize("damage", ["truncate", "garbage", "truncate, stale -shm left behind"])
def test_torn_wal_opens_as_a_committed_prefix(tmp_path, wal_source, rng, reliability_count, figures, damage):
    db_bytes, wal_bytes, commits, shm_bytes = wal_source
    assert len(wal_bytes) == commits[-1][0]
    offsets = reliability_count("wal_offsets")
    started = time.monotonic()
    kept_counts = set()
    for i in range(offsets):
        # Bias a third of the offsets to land right at or next to a frame boundary, where an
        # off-by-one in the recovery would show.
        if i % 3 == 0:
            offset = min(len(wal_bytes), max(0, commits[rng.randrange(len(commits))][0] + rng.choice((-1, 0, 1))))
        else:
            offset = rng.randrange(0, len(wal_bytes) + 1)
        case = tmp_path / f"case{i}"
        case.mkdir()
        path = case / "ward.db"
        path.write_bytes(db_bytes)
        torn = wal_bytes[:offset]
        if damage == "garbage" and offset < len(wal_bytes):
            filler = bytearray(rng.randbytes(len(wal_bytes) - offset))
            # A filler byte equal to the one it replaces would not tear there (1 in 256): the tear
            # must start at the offset for the expected prefix to be the committed one.
            if filler[0] == wal_bytes[offset]:
                filler[0] ^= 0xFF
            torn += bytes(filler)
        path.with_name("ward.db-wal").write_bytes(torn)
        if damage.endswith("stale -shm left behind"):
            path.with_name("ward.db-shm").write_bytes(shm_bytes)
        db = open_database(path, create=False)
        try:
            assert integrity_problems(db.conn) == [], f"offset {offset}"
            live = {
                r["id"]: r["n"]
                for r in db.query(
                    "SELECT s.id, count(a.id) AS n FROM training_session s LEFT JOIN attendance a ON a.session_id = s.id GROUP BY s.id"
                )
            }
            expected = _expected(commits, offset)
            assert set(live) == set(expected), f"offset {offset}: not the committed prefix"
            assert all(live.values())
            kept_counts.add(len(expected))
        finally:
            db.close()
        shutil.rmtree(case)
    figures[f"torn WAL ({damage})"] = (
        f"{offsets} offsets into a {len(wal_bytes)}-byte WAL of {TRANSACTIONS} transactions; "
        f"{len(kept_counts)} different committed prefixes seen; {time.monotonic() - started:.1f} s"
    )
