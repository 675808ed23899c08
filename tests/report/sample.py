"""A small hand-built database for briefing tests: two wards, planted secrets, Unicode names.

Ward 7 (from tests/factories.py) raises 3 concerns (a count the briefing must hide); Ward 9 raises
12. A colleague who is not a champion raises one of them, with a description and an owner that
must never print, and a response that names them (it must print redacted).
"""

from __future__ import annotations

import datetime as dt

from champion_desk.domain.scope import Scope
from champion_desk.store import records
from tests.factories import TODAY, make_ward

SECRET_NAME = "Bartholomew Quigley"
SECRET_DESCRIPTION = "Quietly worried the scribe mishears accents"
SECRET_OWNER = "Owner Ophelia Smythe"
# Names Helvetica cannot print; make_ward creates them, build_sample makes them champions.
UNICODE_CHAMPIONS = ("Zoë Adams", "Łukasz Nowak", "Nguyễn Thị Mai", "Siobhán Ó Briain")
WARD9_CHAMPIONS = ("Łukasz Wiśniewski", "Nguyễn Văn An", "Aoife Ní Bhriain")
# Written on concerns still open: not yet "what we did", so it must not print.
OPEN_RESPONSE = "Draft reply still being agreed"
SCOPE = Scope(dt.date(2026, 9, 1), dt.date(2026, 11, 26))


def day(n: int) -> str:
    """Return the ISO date n days before the sample's today."""
    return (TODAY - dt.timedelta(days=n)).isoformat()


def build_sample(db) -> dict[str, str]:
    """Fill ``db`` with the sample; return ids by role."""
    ids = make_ward(db)  # Ward 7: champion Zoë Adams, manager, two colleagues
    ins = records.insert
    ids["ward9"] = ins(db, "unit", {"name": "Ward 9"}, "t")
    for key in ("manager", "a", "b"):
        records.update(db, "staff", ids[key], {"is_champion": 1}, "t")
    for name in WARD9_CHAMPIONS:
        ids[name] = ins(
            db, "staff", {"display_name": name, "unit_id": ids["ward9"], "is_champion": 1, "role": "nurse"}, "t"
        )
    ids["secret"] = ins(db, "staff", {"display_name": SECRET_NAME, "unit_id": ids["ward9"], "role": "nurse"}, "t")
    colleagues = [ins(db, "staff", {"display_name": f"Colleague {n}", "unit_id": ids["ward9"]}, "t") for n in range(14)]
    ins(db, "rollout", {"tool_id": ids["tool"], "unit_id": ids["ward9"], "stage": "pilot", "since": day(80)}, "t")
    ins(db, "rollout", {"tool_id": ids["tool"], "unit_id": ids["unit"], "stage": "live", "since": day(60)}, "t")
    db.conn.execute("UPDATE tool SET purpose = 'Less typing, more time with patients' WHERE id = ?", (ids["tool"],))

    trainer = ids["Łukasz Wiśniewski"]
    for n in range(6):
        s = ins(
            db,
            "training_session",
            {
                "tool_id": ids["tool"],
                "unit_id": ids["ward9"],
                "trainer_id": trainer,
                "held_on": day(10 + 7 * n),
                "minutes": 30,
                "format": "hands-on",
                "topic": "Checking drafts",
            },
            "t",
        )
        for who in colleagues[n * 2 : n * 2 + 6]:
            ins(
                db,
                "attendance",
                {"session_id": s, "staff_id": who, "confidence_before": 2, "confidence_after": 4, "signed_off": 1},
                "t",
            )
    # A future session run by a champion: its date and trainer go on the poster.
    ins(
        db,
        "training_session",
        {
            "tool_id": ids["tool"],
            "unit_id": ids["ward9"],
            "trainer_id": trainer,
            "held_on": (TODAY + dt.timedelta(days=5)).isoformat(),
            "minutes": 45,
            "format": "hands-on",
            "topic": "Night-shift drop-in",
        },
        "t",
    )

    themes = ["workload and time"] * 7 + ["accuracy and trust"] * 5
    for n, theme in enumerate(themes):
        raised_by = ids["secret"] if n == 0 else None
        ins(
            db,
            "incident",
            {
                "tool_id": ids["tool"],
                "unit_id": ids["ward9"],
                "reported_by": trainer,
                "raised_by": raised_by,
                "occurred_on": day(5 + 5 * n),
                "theme": theme,
                "barrier": "knowledge" if n % 2 else "ability",
                "description": SECRET_DESCRIPTION if n == 0 else f"Concern text {n}",
                "status": "closed" if n < 8 else "open",
                "response": (
                    f"Spoke with {SECRET_NAME}; added time on the rota"
                    if n == 0
                    else "Protected 15 minutes a shift to practise"
                    if n < 8
                    else OPEN_RESPONSE
                ),
                "owner": SECRET_OWNER,
                "resolved_on": day(2 + 5 * n) if n < 8 else None,
            },
            "t",
        )
    for n in range(3):  # Ward 7: three concerns, a count that must print as "fewer than 5"
        ins(
            db,
            "incident",
            {
                "tool_id": ids["tool"],
                "unit_id": ids["unit"],
                "reported_by": ids["champion"],
                "occurred_on": day(20 + n),
                "theme": "job security",
                "status": "addressed",
                "response": "Shared the trust's no-job-losses commitment",
                "resolved_on": day(3),
            },
            "t",
        )
    p = ins(
        db,
        "pairing",
        {
            "mentor_id": trainer,
            "mentee_id": colleagues[0],
            "tool_id": ids["tool"],
            "started_on": day(70),
            "progress": 40,
        },
        "t",
    )
    ins(db, "checkin", {"pairing_id": p, "held_on": day(12), "confidence": 3}, "t")
    ins(
        db,
        "pulse",
        {
            "unit_id": ids["ward9"],
            "tool_id": ids["tool"],
            "taken_on": day(15),
            "respondents": 12,
            "awareness": 4.2,
            "desire": 3.1,
            "knowledge": 2.6,
            "ability": 2.9,
            "reinforcement": 3.0,
        },
        "t",
    )
    ins(
        db,
        "pulse",
        {
            "unit_id": ids["unit"],
            "tool_id": ids["tool"],
            "taken_on": day(15),
            "respondents": 3,
            "awareness": 4.9,
            "desire": 1.2,
            "knowledge": 2.0,
            "ability": 2.0,
            "reinforcement": 2.0,
        },
        "t",
    )
    ins(
        db,
        "story",
        {
            "tool_id": ids["tool"],
            "unit_id": ids["ward9"],
            "told_on": day(9),
            "title": "Home on time",
            "summary": "Handover notes drafted before the shift ends.",
            "measure": "Shifts finishing on time",
            "value": "78%",
        },
        "t",
    )
    return ids
