"""Plain read queries behind the record dialogs' pickers: units, tools, staff, champions, pairings.

Every function returns plain dicts (or lists of them) and writes nothing, so the dialogs stay free
of SQL and these lists can be tested without Qt.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from champion_desk.store.connection import Database
from champion_desk.store.syncing import own_unit_names

# Letters NFKD does not split into a base letter and an accent; folded so "Lukasz" finds "Łukasz".
_EXTRA_FOLDS = str.maketrans(
    {"ł": "l", "ø": "o", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ß": "ss", "ı": "i"}
)

_STAFF_SQL = """
    SELECT s.id, s.display_name, s.role, s.unit_id, u.name AS unit_name, s.staff_ref,
           s.is_champion, s.active, s.deleted_at
    FROM staff s LEFT JOIN unit u ON u.id = s.unit_id
"""


def fold(text: str | None) -> str:
    """Return text lower-cased with accents removed, for matching what people type against names."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold().translate(_EXTRA_FOLDS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def units(db: Database) -> list[dict[str, Any]]:
    """Return live units (id, name, site, specialty) sorted by name."""
    return db.query("SELECT id, name, site, specialty FROM unit WHERE deleted_at IS NULL ORDER BY name COLLATE NOCASE")


def tools(db: Database) -> list[dict[str, Any]]:
    """Return live tools (id, name, stage) sorted by name."""
    return db.query("SELECT id, name, stage FROM tool WHERE deleted_at IS NULL ORDER BY name COLLATE NOCASE")


def most_used_tool_id(db: Database) -> str | None:
    """Return the id of the tool with the most sessions and concerns logged (a form's default tool).

    Falls back to the first live tool by name that is not retired, or None without tools.
    """
    busiest = db.scalar(
        """SELECT t.id FROM tool t
           LEFT JOIN (SELECT tool_id, count(*) AS n FROM training_session WHERE deleted_at IS NULL GROUP BY tool_id
                      UNION ALL
                      SELECT tool_id, count(*) AS n FROM incident WHERE deleted_at IS NULL GROUP BY tool_id) used
             ON used.tool_id = t.id
           WHERE t.deleted_at IS NULL AND t.stage != 'retired'
           GROUP BY t.id ORDER BY coalesce(sum(used.n), 0) DESC, t.name COLLATE NOCASE LIMIT 1"""
    )
    if busiest is None:
        busiest = db.scalar("SELECT id FROM tool WHERE deleted_at IS NULL ORDER BY name COLLATE NOCASE LIMIT 1")
    return busiest


def staff(db: Database, include_inactive: bool = False) -> list[dict[str, Any]]:
    """Return live staff with their unit's name, sorted by name; active ones only unless asked.

    Each dict: id, display_name, role, unit_id, unit_name, staff_ref, is_champion, active.
    """
    where = "s.deleted_at IS NULL" + ("" if include_inactive else " AND s.active = 1")
    return [
        _without_deleted(row) for row in db.query(f"{_STAFF_SQL} WHERE {where} ORDER BY s.display_name COLLATE NOCASE")
    ]


def staff_member(db: Database, staff_id: str | None) -> dict[str, Any] | None:
    """Return one colleague as :func:`staff` does (even if inactive or deleted), or None."""
    if not staff_id:
        return None
    row = db.one(f"{_STAFF_SQL} WHERE s.id = ?", (staff_id,))
    return _without_deleted(row) if row else None


def _without_deleted(row: dict[str, Any]) -> dict[str, Any]:
    row = dict(row)
    row["deleted"] = bool(row.pop("deleted_at"))
    return row


def match_staff(
    people: Iterable[dict[str, Any]], text: str, limit: int = 12, prefer_unit_id: str | None = None
) -> list[dict[str, Any]]:
    """Return the people whose name or staff number matches what was typed, best matches first.

    Every typed word must start a word of the name or appear in the staff number, ignoring case
    and accents. An exact staff number ranks first, then colleagues of ``prefer_unit_id`` (the
    ward a session is on), then names that start with the text.
    """
    words = fold(text).split()
    if not words:
        return []
    ranked = []
    for person in people:
        name_words = fold(person["display_name"]).replace("-", " ").split()
        ref = fold(person.get("staff_ref"))
        if not all(any(n.startswith(w) for n in name_words) or (ref and w in ref) for w in words):
            continue
        exact_ref = ref == " ".join(words)
        starts = fold(person["display_name"]).startswith(" ".join(words))
        elsewhere = prefer_unit_id is not None and person.get("unit_id") != prefer_unit_id
        ranked.append(((not exact_ref, elsewhere, not starts, fold(person["display_name"])), person))
    ranked.sort(key=lambda pair: pair[0])
    return [person for _, person in ranked[:limit]]


def search_staff(db: Database, text: str, limit: int = 12, include_inactive: bool = False) -> list[dict[str, Any]]:
    """Return staff matching ``text`` by name or staff number (see :func:`match_staff`)."""
    return match_staff(staff(db, include_inactive), text, limit)


def champions_with_mentees(db: Database, include_id: str | None = None) -> list[dict[str, Any]]:
    """Return active champions, each with ``mentees``: the names of their active mentees, by name.

    ``include_id`` keeps a pairing's current mentor listed even if no longer an active champion.
    Each dict: id, display_name, unit_name, is_champion, mentees (list of str).
    """
    rows = db.query(
        """SELECT s.id, s.display_name, u.name AS unit_name, s.is_champion
           FROM staff s LEFT JOIN unit u ON u.id = s.unit_id
           WHERE s.deleted_at IS NULL AND ((s.is_champion = 1 AND s.active = 1) OR s.id IS ?)
           ORDER BY s.display_name COLLATE NOCASE""",
        (include_id,),
    )
    mentees: dict[str, list[str]] = {}
    for pair in db.query(
        """SELECT p.mentor_id, m.display_name FROM pairing p JOIN staff m ON m.id = p.mentee_id
           WHERE p.deleted_at IS NULL AND p.status = 'active' AND m.deleted_at IS NULL
           ORDER BY m.display_name COLLATE NOCASE"""
    ):
        mentees.setdefault(pair["mentor_id"], []).append(pair["display_name"])
    return [{**row, "mentees": mentees.get(row["id"], [])} for row in rows]


def active_pairings(db: Database, include_id: str | None = None) -> list[dict[str, Any]]:
    """Return active pairings (plus ``include_id`` whatever its status) with names, by mentor then mentee.

    Each dict: id, mentor_id, mentor_name, mentor_unit_id, mentee_id, mentee_name, mentee_unit_id,
    tool_id, tool_name, started_on, status.
    """
    return db.query(
        """SELECT p.id, p.mentor_id, mr.display_name AS mentor_name, mr.unit_id AS mentor_unit_id,
                  p.mentee_id, me.display_name AS mentee_name, me.unit_id AS mentee_unit_id,
                  p.tool_id, t.name AS tool_name, p.started_on, p.status
           FROM pairing p
           JOIN staff mr ON mr.id = p.mentor_id
           JOIN staff me ON me.id = p.mentee_id
           JOIN tool t ON t.id = p.tool_id
           WHERE p.deleted_at IS NULL AND (p.status = 'active' OR p.id IS ?)
           ORDER BY mr.display_name COLLATE NOCASE, me.display_name COLLATE NOCASE""",
        (include_id,),
    )


YOURS, YOUR_UNIT, OTHER = "yours", "your unit", "other"


def home_unit_ids(db: Database, staff_id: str | None) -> set[str]:
    """Return the units someone works for: their own, and the units a ward logbook that syncs calls its own."""
    person = staff_member(db, staff_id)
    ids = {person["unit_id"]} if person and person["unit_id"] else set()
    own = {" ".join(name.split()).casefold() for name in own_unit_names(db.conn)}
    ids.update(u["id"] for u in units(db) if " ".join(u["name"].split()).casefold() in own)
    return ids


def checkin_pairings(db: Database, staff_id: str | None, include_id: str | None = None) -> list[dict[str, Any]]:
    """Return the pairings to offer someone logging a check-in: their own, then their units', by mentor.

    A champion logs their own check-ins, or covers a colleague's on their ward: another ward's
    hundred pairings are noise, and choosing one of them by mistake files the check-in under the
    wrong mentee. So other units' pairings are offered only when neither of the first two groups
    has any (a trust-wide manager, someone with no unit); ``include_id`` (the pairing being edited,
    or one chosen on the Mentoring page) is always offered. Each dict as :func:`active_pairings`
    plus ``whose``: ``YOURS``, ``YOUR_UNIT`` or ``OTHER``.
    """
    homes = home_unit_ids(db, staff_id)
    grouped: dict[str, list[dict[str, Any]]] = {YOURS: [], YOUR_UNIT: [], OTHER: []}
    for pairing in active_pairings(db, include_id):
        if staff_id and staff_id in (pairing["mentor_id"], pairing["mentee_id"]):
            whose = YOURS
        elif homes & {pairing["mentor_unit_id"], pairing["mentee_unit_id"]}:
            whose = YOUR_UNIT
        else:
            whose = OTHER
        grouped[whose].append({**pairing, "whose": whose})
    if grouped[YOURS] or grouped[YOUR_UNIT]:
        grouped[OTHER] = [p for p in grouped[OTHER] if p["id"] == include_id]
    return grouped[YOURS] + grouped[YOUR_UNIT] + grouped[OTHER]


def attendees(db: Database, session_id: str) -> list[dict[str, Any]]:
    """Return a session's live attendances with each colleague's name and staff number, by name.

    Each dict: the attendance fields (staff_id, confidence_before/after, signed_off, signed_off_by,
    signed_off_on, signed_off_signature) plus display_name, staff_ref and signed_off_by_name.
    """
    return db.query(
        """SELECT a.id, a.staff_id, a.confidence_before, a.confidence_after, a.signed_off, a.signed_off_by,
                  a.signed_off_on, s.display_name, s.staff_ref, s.role, u.name AS unit_name,
                  so.display_name AS signed_off_by_name, a.signed_off_signature
           FROM attendance a
           JOIN staff s ON s.id = a.staff_id
           LEFT JOIN unit u ON u.id = s.unit_id
           LEFT JOIN staff so ON so.id = a.signed_off_by
           WHERE a.session_id = ? AND a.deleted_at IS NULL
           ORDER BY s.display_name COLLATE NOCASE""",
        (session_id,),
    )
