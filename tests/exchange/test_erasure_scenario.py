"""A colleague named everywhere, in several spellings, renamed once, is erased without a trace.

Run through the public commands (``erase-person``, ``export``, ``briefing``) on a file on disk,
as a ward would: afterwards no spelling of either name nor the staff number is in the database,
its WAL or its free pages, and the place names ("Cedar Ward", though a colleague is called
Stacey Ward) print intact in the default export and the briefing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import sqlite3
import unicodedata
from pathlib import Path

from champion_desk import cli
from champion_desk.domain import logbook
from champion_desk.store import records
from champion_desk.store.database import open_database

EARLIER = "Seán Sullivan"
NAME = "Seán Ó Súilleabháin"
REF = "E1955454"


def _cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(list(args))
    return code, out.getvalue(), err.getvalue()


def _all_bytes(path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm")) if p.exists())


def _forms(name: str) -> set[bytes]:
    out = set()
    for text in (name, name.upper(), name.lower(), name.replace(" ", "  ")):
        for form in ("NFC", "NFD"):
            out.add(unicodedata.normalize(form, text).encode())
    return out


def _plant(path: Path) -> dict[str, str]:
    today = dt.date.today()
    day = (today - dt.timedelta(days=10)).isoformat()
    with open_database(path) as db:
        cedar = records.insert(db, "unit", {"name": "Cedar Ward", "specialty": f"{EARLIER}'s team"}, "t")
        tool = records.insert(db, "tool", {"name": "Scribe", "stage": "live"}, "t")
        champion = records.insert(db, "staff", {"display_name": "Zoë Adams", "unit_id": cedar, "is_champion": 1}, "t")
        stacey = records.insert(db, "staff", {"display_name": "Stacey Ward", "unit_id": cedar, "staff_ref": "E2"}, "t")
        sean = records.insert(db, "staff", {"display_name": EARLIER, "unit_id": cedar, "staff_ref": REF}, "t")
        # Logged under the earlier name: it is the audit actor of these rows.
        logbook.save_session(
            db,
            {
                "tool_id": tool,
                "unit_id": cedar,
                "trainer_id": champion,
                "held_on": day,
                "minutes": 30,
                "format": "hands-on",
                "notes": unicodedata.normalize("NFD", f"{NAME.upper()} set up the laptop"),
            },
            [{"staff_id": sean}, {"staff_id": stacey}],
            EARLIER,
            today=today,
        )
        records.update(db, "staff", sean, {"display_name": NAME}, "Zoë Adams")  # renamed once
        pairing = records.insert(
            db,
            "pairing",
            {
                "mentor_id": champion,
                "mentee_id": sean,
                "tool_id": tool,
                "started_on": day,
                "goal": f"{NAME.lower()} drafts alone",
            },
            "t",
        )
        records.insert(
            db,
            "checkin",
            {"pairing_id": pairing, "held_on": day, "note": f"{NAME}'s confidence is up; {REF} signed off"},
            NAME,
        )
        records.insert(
            db,
            "story",
            {
                "tool_id": tool,
                "unit_id": cedar,
                "told_on": day,
                "title": "Drafts by lunch",
                "summary": "An hour saved on Cedar Ward",
                "source": "seán  ó\nsúilleabháin",
            },
            "t",
        )
        logbook.save(
            db,
            "incident",
            {
                "tool_id": tool,
                "unit_id": cedar,
                "reported_by": champion,
                "raised_by": sean,
                "occurred_on": day,
                "theme": "workload and time",
                "status": "addressed",
                "resolved_on": day,
                "description": f"{EARLIER} worried about rotas",
                "response": f"Met {EARLIER.upper()} and Stacey Ward on Cedar Ward; time added",
                "owner": NAME,
            },
            "t",
            acknowledge_identifiers=True,
            today=today,
        )
        records.insert(
            db,
            "suggestion_response",
            {
                "suggestion_key": "k",
                "decision": "dismissed",
                "reason": f"{unicodedata.normalize('NFD', NAME)} is on leave",
            },
            "t",
        )
        note = records.insert(
            db, "story", {"tool_id": tool, "told_on": day, "title": "t", "summary": f"Ask {NAME}"}, "t"
        )
        records.update(db, "story", note, {"summary": f"Asked {EARLIER} twice"}, "t")  # the audit keeps both texts
        return {"sean": sean, "stacey": stacey}


def test_a_renamed_colleague_named_everywhere_leaves_no_trace_and_places_stay(tmp_path):
    path = tmp_path / "desk.db"
    ids = _plant(path)
    # A file another program left with deleted text in its free pages (no secure_delete there).
    other = sqlite3.connect(path)
    other.execute("PRAGMA secure_delete = OFF")
    other.execute("CREATE TABLE scratch (t TEXT)")
    other.execute("INSERT INTO scratch VALUES (?)", (f"{NAME} {REF} " * 300,))
    other.execute("DROP TABLE scratch")
    other.commit()
    other.close()
    needles = _forms(NAME) | _forms(EARLIER) | {REF.encode()}
    assert any(n in _all_bytes(path) for n in needles)

    code, out, err = _cli("--db", str(path), "erase-person", REF, "--yes")
    assert code == 0, err
    assert f"Erased the personal data of colleague {ids['sean']}" in out and "Not finished" not in out
    left = [n for n in needles if n in _all_bytes(path)]
    assert not left, f"erase-person left {left}"
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0

    code, _, err = _cli("--db", str(path), "export", "--out", str(tmp_path / "out"), "--format", "csv")
    assert code == 0, err
    exported = {p.stem: p.read_text(encoding="utf-8-sig") for p in (tmp_path / "out").glob("*.csv")}
    assert "Cedar Ward" in exported["unit"] and "Cedar a colleague" not in "".join(exported.values())
    # Concerns are counted per unit, month and theme in a manager's export, never listed.
    assert "incident" not in exported and "Cedar Ward" in exported["concern_counts"]
    (tmp_path / "pass").write_text("a long enough passphrase\n", encoding="utf-8")
    code, _, err = _cli(
        "--db", str(path), "export", "--out", str(tmp_path / "full.zip.age"), "--format", "csv", "--full",
        "--passphrase-file", str(tmp_path / "pass"),
    )  # fmt: skip
    assert code == 0, err
    import zipfile

    from champion_desk.store.sealed import unseal_bytes

    plain = unseal_bytes((tmp_path / "full.zip.age").read_bytes(), "a long enough passphrase", "full.zip.age")
    full = zipfile.ZipFile(io.BytesIO(plain)).read("incident.csv").decode("utf-8-sig")
    assert "Met [erased] and" in full and "on Cedar Ward; time added" in full
    assert "Stacey" not in "".join(exported.values())

    code, _, err = _cli("--db", str(path), "briefing", "--out", str(tmp_path / "b.pdf"), "--suppress-below", "3")
    assert code == 0, err
    from pypdf import PdfReader

    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(str(tmp_path / "b.pdf")).pages)
    assert "Cedar Ward" in text and "Stacey" not in text and "Súilleabháin" not in text and "Sullivan" not in text
