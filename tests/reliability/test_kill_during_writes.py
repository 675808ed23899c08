"""Kill the app mid-save (SIGKILL, as a power button or Task Manager would) and prove nothing
acknowledged is lost and nothing is half-written.

A child process (``writer.py``) saves training sessions with their attendees, session updates
and concerns through ``champion_desk.domain.logbook`` in a loop, announcing each write before
it starts and acknowledging it after the commit. The parent kills it at a random moment, then
checks the database: integrity and foreign keys sound, every acknowledged write present exactly
as acknowledged, every session with its attendances and its audit row, and at most the one
write in flight allowed to have landed or not, but then whole.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from champion_desk.store import records
from champion_desk.store.database import open_database
from tests.reliability.checks import connect_plain, integrity_problems

pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")]

WRITER = Path(__file__).with_name("writer.py")
COLLEAGUES = 8


def _make_ward(path: Path) -> None:
    db = open_database(path)
    unit = records.insert(db, "unit", {"name": "Ward 7"}, "t")
    records.insert(db, "tool", {"name": "Scribe", "stage": "live"}, "t")
    records.insert(db, "staff", {"display_name": "Champion", "unit_id": unit, "is_champion": 1}, "t")
    for n in range(COLLEAGUES):
        records.insert(db, "staff", {"display_name": f"Colleague {n}", "unit_id": unit}, "t")
    db.close()


def _run_and_kill(path: Path, seed: int, delay: float, *extra: str) -> list[str]:
    """Start the writer, kill it ``delay`` seconds after it is ready; return its complete lines after READY."""
    # bufsize=0: READY must be read without read-ahead, or lines after it would sit in a buffer
    # that communicate() (which reads the pipe itself) never sees, and acknowledgements would go missing.
    proc = subprocess.Popen(
        [sys.executable, str(WRITER), str(path), str(seed), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        bufsize=0,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    try:
        first = proc.stdout.readline()
        if first.strip() != b"READY wal 2":  # WAL journal, synchronous=FULL (2)
            proc.kill()
            raise AssertionError(f"writer did not start: {first!r} {proc.stderr.read().decode()[-2000:]}")
        time.sleep(delay)
        os.kill(proc.pid, signal.SIGKILL)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL, err.decode()[-2000:]
    text = out.decode("utf-8", errors="replace")
    lines = text.split("\n")
    return lines[:-1]  # the last piece has no newline: cut short by the kill, never acknowledged


class Ledger:
    """What the writers acknowledged over all runs: sessions with their attendee sets, concerns."""

    def __init__(self) -> None:
        self.sessions: dict[str, frozenset[str]] = {}
        self.incidents: set[str] = set()
        self.acknowledged = 0

    def absorb(self, lines: list[str]) -> tuple[str, ...] | None:
        """Record a run's acknowledged writes; return the write in flight at the kill, if any."""
        pending = None
        for line in lines:
            kind, *rest = line.split(" ")
            if kind == "W":
                pending = tuple(rest)
            elif kind == "A":
                what, rid, people = rest
                if what == "session":
                    self.sessions[rid] = frozenset(people.split(","))
                else:
                    self.incidents.add(rid)
                self.acknowledged += 1
                pending = None
        return pending


def _verify(path: Path, ledger: Ledger, pending: tuple[str, ...] | None) -> str:
    """Check the database after a kill; return how the in-flight write ended ('none'/'landed'/'lost')."""
    conn = connect_plain(path)
    try:
        assert integrity_problems(conn) == []
        live = {}
        for sid, staff in conn.execute(
            "SELECT s.id, a.staff_id FROM training_session s LEFT JOIN attendance a "
            "ON a.session_id = s.id AND a.deleted_at IS NULL WHERE s.deleted_at IS NULL"
        ):
            live.setdefault(sid, set())
            if staff:
                live[sid].add(staff)
        incidents = {r[0] for r in conn.execute("SELECT id FROM incident")}
        audited = {
            r[0]
            for r in conn.execute(
                "SELECT record_id FROM audit WHERE \"table\" = 'training_session' AND action = 'create'"
            )
        }
        # No session is ever without its attendances, nor without its audit row: saves land whole.
        assert all(live.values()), "a session without its attendances"
        assert set(live) <= audited, "a session without its audit row"
        outcome = "none"
        pending_people = frozenset(pending[2].split(",")) if pending and pending[0] == "session" else None
        # Every acknowledged session is there with exactly the attendees acknowledged last, unless the
        # write in flight was an update of it that landed (whole).
        for sid, people in ledger.sessions.items():
            assert sid in live, f"acknowledged session {sid} lost"
            if live[sid] != people:
                assert pending and pending[1] == sid and live[sid] == pending_people, f"session {sid} half-updated"
                outcome = "landed"
                ledger.sessions[sid] = pending_people
        assert ledger.incidents <= incidents, "an acknowledged concern was lost"
        extra_sessions = set(live) - set(ledger.sessions)
        extra_incidents = incidents - ledger.incidents
        assert len(extra_sessions) + len(extra_incidents) <= 1, "more than the one write in flight appeared"
        if extra_sessions:
            (sid,) = extra_sessions
            assert pending and pending[:2] == ("session", "-") and live[sid] == pending_people
            ledger.sessions[sid] = pending_people  # it landed whole: the next run builds on it
            outcome = "landed"
        if extra_incidents:
            assert pending and pending[0] == "incident"
            ledger.incidents |= extra_incidents
            outcome = "landed"
        if pending and outcome == "none":
            outcome = "lost"
    finally:
        conn.close()
    return outcome


def test_sigkill_during_saves_loses_nothing_acknowledged(tmp_path, rng, reliability_count, figures):
    path = tmp_path / "ward.db"
    _make_ward(path)
    ledger = Ledger()
    kills = reliability_count("kills_during_saves")
    outcomes = {"none": 0, "landed": 0, "lost": 0}
    started = time.monotonic()
    for _ in range(kills):
        lines = _run_and_kill(path, rng.randrange(1 << 30), rng.uniform(0.0, 0.25))
        pending = ledger.absorb(lines)
        outcomes[_verify(path, ledger, pending)] += 1
    figures["kills during saves"] = (
        f"{kills} SIGKILLs, {ledger.acknowledged} acknowledged saves all present; kills mid-save: "
        f"{outcomes['landed'] + outcomes['lost']} ({outcomes['landed']} landed whole, {outcomes['lost']} rolled back whole); "
        f"{time.monotonic() - started:.1f} s"
    )
    assert ledger.acknowledged > 0
    # Most kills must land in the middle of a save, or the test is not testing what it claims.
    assert outcomes["landed"] + outcomes["lost"] >= kills // 2


def test_the_checks_catch_a_writer_that_saves_in_two_transactions(tmp_path, rng):
    # Guard against checks that cannot fail: a writer committing a session before its attendees
    # must be caught with a session without attendances within a few kills.
    path = tmp_path / "ward.db"
    _make_ward(path)
    ledger = Ledger()
    for _ in range(40):
        pending = ledger.absorb(_run_and_kill(path, rng.randrange(1 << 30), rng.uniform(0.0, 0.1), "split"))
        try:
            _verify(path, ledger, pending)
        except AssertionError as exc:
            assert "without its attendances" in str(exc) or "half" in str(exc) or "in flight" in str(exc)
            return
    pytest.fail("40 kills of a two-transaction writer went unnoticed")
