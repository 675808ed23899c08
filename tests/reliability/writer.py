"""Child process for the kill tests: saves records through the domain layer in a loop, forever.

Usage: python writer.py DATABASE SEED [split]

``split`` is a deliberately broken writer (session and attendees in separate transactions) that
the test uses to show its checks can fail.

Before each save it prints ``W <kind> <id or -> <staff ids>`` (what it is about to write) and
after the save has committed ``A <kind> <id> <staff ids>`` (acknowledged). The parent kills
this process with SIGKILL at a random moment and then checks the database against what was
acknowledged; at most the one write announced but not acknowledged may or may not be there.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from champion_desk.domain import logbook  # noqa: E402
from champion_desk.store.database import open_database  # noqa: E402


def _say(line: str) -> None:
    # One write per line, flushed: a line cut short by the kill has no newline and is ignored.
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main() -> None:
    path, seed = sys.argv[1], int(sys.argv[2])
    split = sys.argv[3:] == ["split"]
    rng = random.Random(seed)
    db = open_database(path, create=False)
    ward = {r["id"]: r for r in db.query("SELECT id, is_champion FROM staff")}
    unit = db.scalar("SELECT id FROM unit")
    tool = db.scalar("SELECT id FROM tool")
    champion = next(i for i, r in ward.items() if r["is_champion"])
    colleagues = sorted(i for i in ward if i != champion)
    sessions = [r["id"] for r in db.query("SELECT id FROM training_session WHERE deleted_at IS NULL")]
    # Tell the parent how this connection commits: a process kill only proves atomicity; surviving a
    # power cut as well rests on WAL with synchronous=FULL (each commit synced to disk before it returns).
    _say(f"READY {db.scalar('PRAGMA journal_mode')} {db.scalar('PRAGMA synchronous')}")
    while True:
        roll = rng.random()
        attendees = sorted(rng.sample(colleagues, rng.randint(1, min(5, len(colleagues)))))
        people = ",".join(attendees)
        if roll < 0.6 or not sessions:
            _say(f"W session - {people}")
            session = {
                "tool_id": tool,
                "unit_id": unit,
                "trainer_id": champion,
                "held_on": "2026-11-20",
                "minutes": rng.randint(5, 90),
                "format": "hands-on",
                "topic": "Checking drafts " * rng.randint(1, 8),
            }
            people_rows = [{"staff_id": s, "confidence_before": 2, "confidence_after": 4} for s in attendees]
            if split:
                new = logbook.save(db, "training_session", session, "writer", acknowledge_identifiers=True)
                logbook.save_session(db, {}, people_rows, "writer", session_id=new)
            else:
                new = logbook.save_session(db, session, people_rows, "writer", acknowledge_identifiers=True)
            sessions.append(new)
            _say(f"A session {new} {people}")
        elif roll < 0.8:
            target = rng.choice(sessions)
            _say(f"W session {target} {people}")
            logbook.save_session(
                db,
                {"minutes": rng.randint(5, 90)},
                [{"staff_id": s} for s in attendees],
                "writer",
                session_id=target,
                acknowledge_identifiers=True,
            )
            _say(f"A session {target} {people}")
        else:
            _say("W incident - -")
            new = logbook.save(
                db,
                "incident",
                {
                    "tool_id": tool,
                    "unit_id": unit,
                    "reported_by": champion,
                    "raised_by": rng.choice(colleagues),
                    "occurred_on": "2026-11-19",
                    "theme": "workload and time",
                    "description": "Worried about time " * 20,
                },
                "writer",
                acknowledge_identifiers=True,
            )
            _say(f"A incident {new} -")


if __name__ == "__main__":
    main()
