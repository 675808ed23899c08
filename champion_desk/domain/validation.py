"""The rules a record must meet before it is saved; each broken rule is a ValidationError(field, rule)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from champion_desk.domain import vocab
from champion_desk.domain.dates import format_uk_date
from champion_desk.domain.identifiers import find_identifiers
from champion_desk.errors import ValidationError
from champion_desk.store.database import Database

NAME_MAX = 120
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 4000
PLANNED_DAYS_AHEAD = 366

# Free-text fields checked for patient identifiers before saving.
FREE_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "training_session": ("topic", "notes"),
    "incident": ("description", "root_cause", "response", "owner"),
    "pairing": ("goal",),
    "checkin": ("note",),
    "story": ("title", "summary", "measure", "value", "source"),
    "tool": ("purpose",),
}

REFERENCES: dict[str, dict[str, str]] = {
    "staff": {"unit_id": "unit"},
    "rollout": {"tool_id": "tool", "unit_id": "unit"},
    "training_session": {"tool_id": "tool", "unit_id": "unit", "trainer_id": "staff", "verified_by": "staff"},
    "attendance": {"session_id": "training_session", "staff_id": "staff", "signed_off_by": "staff"},
    "incident": {"tool_id": "tool", "unit_id": "unit", "reported_by": "staff", "raised_by": "staff"},
    "pairing": {"mentor_id": "staff", "mentee_id": "staff", "tool_id": "tool"},
    "checkin": {"pairing_id": "pairing"},
    "pulse": {"unit_id": "unit", "tool_id": "tool"},
    "story": {"tool_id": "tool", "unit_id": "unit"},
}


class _Checker:
    """Collects every broken rule of one record, so a form can mark all its fields at once."""

    def __init__(self, db: Database, table: str, values: Mapping[str, Any], record_id: str | None, today: dt.date):
        self.db, self.table, self.values, self.record_id, self.today = db, table, dict(values), record_id, today
        self.problems: list[ValidationError] = []

    def fail(self, field: str, rule: str, message: str | None = None) -> None:
        if not any(p.field == field for p in self.problems):
            self.problems.append(ValidationError(field, rule, message))

    def get(self, field: str) -> Any:
        value = self.values.get(field)
        return None if isinstance(value, str) and not value.strip() else value

    def required(self, *fields: str) -> None:
        for f in fields:
            if self.get(f) is None:
                self.fail(f, "is required", f"{_label(f)} is required.")

    def text(self, field: str, limit: int) -> None:
        value = self.values.get(field)
        if value is not None and not isinstance(value, str):
            self.fail(field, "must be text")
        elif value and len(value) > limit:
            self.fail(field, f"at most {limit} characters", f"{_label(field)} is {len(value)} characters; at most {limit} are allowed.")

    def choice(self, field: str, enum: type, required: bool = True) -> None:
        value = self.get(field)
        if value is None:
            if required:
                self.required(field)
            return
        allowed = vocab.values(enum)
        if value not in allowed:
            self.fail(field, f"must be one of: {', '.join(allowed)}", f"{_label(field)} must be one of: {', '.join(allowed)} (got {value!r}).")

    def integer(self, field: str, low: int, high: int | None, required: bool = False) -> None:
        value = self.get(field)
        if value is None:
            if required:
                self.required(field)
            return
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(field, "must be a whole number", f"{_label(field)} must be a whole number (got {value!r}).")
        elif value < low or (high is not None and value > high):
            rule = f"between {low} and {high}" if high is not None else f"at least {low}"
            self.fail(field, rule, f"{_label(field)} must be {rule} (got {value}).")

    def number(self, field: str, low: float, high: float, required: bool = False) -> None:
        value = self.get(field)
        if value is None:
            if required:
                self.required(field)
            return
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(field, "must be a number", f"{_label(field)} must be a number (got {value!r}).")
        elif not low <= value <= high:
            self.fail(field, f"between {low:g} and {high:g}", f"{_label(field)} must be between {low:g} and {high:g} (got {value}).")

    def boolean(self, field: str) -> None:
        value = self.values.get(field)
        if value is not None and value not in (0, 1, True, False):
            self.fail(field, "must be yes or no", f"{_label(field)} must be yes or no.")

    def date(self, field: str, required: bool = False, future_days: int = 0) -> dt.date | None:
        value = self.get(field)
        if value is None:
            if required:
                self.required(field)
            return None
        try:
            day = dt.date.fromisoformat(value) if isinstance(value, str) else None
        except ValueError:
            day = None
        if day is None or len(value) != 10:
            self.fail(field, "must be a date written YYYY-MM-DD", f"{_label(field)} must be a date written YYYY-MM-DD (got {value!r}).")
            return None
        if day > self.today + dt.timedelta(days=future_days):
            if future_days:
                self.fail(field, f"at most {future_days} days ahead", f"{_label(field)} is too far ahead (at most {future_days} days).")
            else:
                self.fail(field, "must not be in the future", f"{_label(field)} ({format_uk_date(day)}) must not be in the future.")
            return None
        return day

    def not_before(self, field: str, day: dt.date | None, other_field: str, other: dt.date | None) -> None:
        if day and other and day < other:
            self.fail(field, f"must not be before {_label(other_field)}", f"{_label(field)} ({format_uk_date(day)}) must not be before {_label(other_field)} ({format_uk_date(other)}).")

    def references(self) -> dict[str, dict[str, Any]]:
        """Check every link points at a live record; return the linked rows by field."""
        rows = {}
        for field, target in REFERENCES.get(self.table, {}).items():
            value = self.get(field)
            if value is None:
                continue
            row = self.db.one(f"SELECT * FROM {target} WHERE id = ? AND deleted_at IS NULL", (value,))
            if row is None:
                self.fail(field, f"must name an existing {_label(target)}", f"{_label(field)}: no such {_label(target)} (it may have been deleted).")
            else:
                rows[field] = row
        return rows

    def unique(self, field: str, what: str) -> None:
        value = self.get(field)
        if value is None:
            return
        clash = self.db.one(
            f"SELECT id, deleted_at FROM {self.table} WHERE {field} = ? COLLATE NOCASE AND id IS NOT ?",
            (value.strip() if isinstance(value, str) else value, self.record_id),
        )
        if clash:
            hint = " (a deleted one: restore it instead)" if clash["deleted_at"] else ""
            self.fail(field, "must be unique", f"Another {what} already has {_label(field)} {value!r}{hint}.")


def _label(field: str) -> str:
    return {"training_session": "training session", "held_on": "date", "occurred_on": "date",
            "told_on": "date", "taken_on": "date", "started_on": "start date", "ended_on": "end date",
            "staff_ref": "staff number", "display_name": "name", "unit_id": "unit", "tool_id": "tool",
            "trainer_id": "trainer", "mentor_id": "mentor", "mentee_id": "mentee", "staff_id": "colleague",
            "pairing_id": "pairing", "session_id": "session", "resolved_on": "resolved date",
            "verified_by": "countersigned by", "verified_on": "countersign date",
            "signed_off_by": "signed off by", "signed_off_on": "sign-off date", "go_live_on": "go-live date",
            }.get(field, field.replace("_", " "))


def _unit(c: _Checker) -> None:
    c.required("name")
    c.text("name", NAME_MAX)
    c.text("site", NAME_MAX)
    c.text("specialty", NAME_MAX)
    c.unique("name", "unit")


def _staff(c: _Checker) -> None:
    c.required("display_name")
    c.text("display_name", NAME_MAX)
    c.text("role", 80)
    c.text("staff_ref", 40)
    c.boolean("is_champion")
    c.boolean("active")
    c.references()
    c.unique("staff_ref", "colleague")


def _tool(c: _Checker) -> None:
    c.required("name")
    c.text("name", NAME_MAX)
    c.text("vendor", NAME_MAX)
    c.text("purpose", LONG_TEXT_MAX)
    c.choice("stage", vocab.ToolStage)
    c.date("go_live_on", future_days=5 * 366)
    c.integer("refresher_months", 1, 60)
    c.unique("name", "tool")


def _rollout(c: _Checker) -> None:
    c.required("tool_id", "unit_id")
    c.choice("stage", vocab.ToolStage)
    c.date("since", required=True, future_days=5 * 366)
    c.references()


def _training_session(c: _Checker) -> None:
    c.required("tool_id", "unit_id", "trainer_id")
    held = c.date("held_on", required=True, future_days=PLANNED_DAYS_AHEAD)
    c.integer("minutes", 1, 600, required=True)
    c.choice("format", vocab.SessionFormat)
    c.text("topic", SHORT_TEXT_MAX)
    c.text("notes", LONG_TEXT_MAX)
    c.references()
    if c.get("verified_by") is not None:
        if c.get("verified_by") == c.get("trainer_id"):
            c.fail("verified_by", "must not be the session's own trainer", "A session cannot be countersigned by its own trainer.")
        if held and held > c.today:
            c.fail("verified_by", "only after the session is held", "A planned session cannot be countersigned before it is held.")
        c.not_before("verified_on", c.date("verified_on", required=True), "held_on", held)
    elif c.get("verified_on") is not None:
        c.fail("verified_by", "is required with a countersign date", "Countersigned by is required when a countersign date is given.")


def _attendance(c: _Checker) -> None:
    c.required("session_id", "staff_id")
    c.integer("confidence_before", 1, 5)
    c.integer("confidence_after", 1, 5)
    c.boolean("signed_off")
    rows = c.references()
    session = rows.get("session_id")
    held = dt.date.fromisoformat(session["held_on"]) if session else None
    if held and held > c.today:
        if c.get("confidence_after") is not None:
            c.fail("confidence_after", "only after the session is held", "Confidence after can be recorded once the session has been held.")
        if c.get("signed_off"):
            c.fail("signed_off", "only after the session is held", "Sign-off can be recorded once the session has been held.")
    if c.get("signed_off"):
        c.required("signed_off_by")
        if c.get("signed_off_by") is not None and c.get("signed_off_by") == c.get("staff_id"):
            c.fail("signed_off_by", "must not be the attendee", "Colleagues cannot sign off their own competency.")
        c.not_before("signed_off_on", c.date("signed_off_on", required=True), "held_on", held)
    elif c.get("signed_off_by") is not None or c.get("signed_off_on") is not None:
        c.fail("signed_off", "must be ticked when a sign-off is recorded", "Tick 'signed off' to record who signed off and when.")
    if session and c.get("staff_id") is not None:
        clash = c.db.scalar(
            "SELECT count(*) FROM attendance WHERE session_id = ? AND staff_id = ? AND deleted_at IS NULL AND id IS NOT ?",
            (session["id"], c.get("staff_id"), c.record_id),
        )
        if clash:
            c.fail("staff_id", "one attendance per person per session", "This colleague is already listed as attending this session.")


def _incident(c: _Checker) -> None:
    c.required("tool_id", "unit_id")
    occurred = c.date("occurred_on", required=True)
    c.choice("theme", vocab.Theme)
    c.choice("barrier", vocab.Barrier, required=False)
    c.choice("severity", vocab.Severity)
    c.choice("status", vocab.ConcernStatus)
    for f in ("description", "root_cause", "response"):
        c.text(f, LONG_TEXT_MAX)
    c.text("owner", NAME_MAX)
    resolved = c.date("resolved_on")
    c.not_before("resolved_on", resolved, "occurred_on", occurred)
    status = c.get("status")
    if status in vocab.values(vocab.ConcernStatus):
        if status in vocab.RESOLVED_STATUSES and c.get("resolved_on") is None:
            c.fail("resolved_on", "is required once a concern is addressed or closed", "Resolved date is required once the concern is addressed or closed.")
        if status not in vocab.RESOLVED_STATUSES and c.get("resolved_on") is not None:
            c.fail("resolved_on", "must be empty while the concern is open", "Resolved date must be empty while the concern is open or in progress.")
    c.references()


def _pairing(c: _Checker) -> None:
    c.required("mentor_id", "mentee_id", "tool_id")
    started = c.date("started_on", required=True)
    c.integer("progress", 0, 100, required=True)
    c.choice("status", vocab.PairingStatus)
    c.text("goal", 500)
    ended = c.date("ended_on")
    c.not_before("ended_on", ended, "started_on", started)
    rows = c.references()
    if c.get("mentor_id") is not None and c.get("mentor_id") == c.get("mentee_id"):
        c.fail("mentee_id", "must not be the mentor", "A colleague cannot mentor themselves.")
    mentor = rows.get("mentor_id")
    if mentor and not mentor["is_champion"]:
        c.fail("mentor_id", "must be a champion", f"{mentor['display_name']} is not a champion; mentors must be champions.")
    status = c.get("status")
    if status in ("completed", "ended") and ended is None and c.get("ended_on") is None:
        c.fail("ended_on", "is required once a pairing is completed or ended", "End date is required once the pairing is completed or ended.")
    if status in ("active", "paused") and c.get("ended_on") is not None:
        c.fail("ended_on", "must be empty while the pairing is active or paused", "End date must be empty while the pairing is active or paused.")


def _checkin(c: _Checker) -> None:
    c.required("pairing_id")
    held = c.date("held_on", required=True)
    c.integer("minutes", 1, 600)
    c.integer("confidence", 1, 5)
    c.text("note", LONG_TEXT_MAX)
    rows = c.references()
    pairing = rows.get("pairing_id")
    if pairing:
        c.not_before("held_on", held, "started_on", dt.date.fromisoformat(pairing["started_on"]))


def _pulse(c: _Checker) -> None:
    c.required("unit_id", "tool_id")
    c.date("taken_on", required=True)
    c.integer("respondents", 1, 100000, required=True)
    for element in vocab.values(vocab.Barrier):
        c.number(element, 1, 5, required=True)
    c.references()


def _story(c: _Checker) -> None:
    c.required("tool_id", "title")
    c.date("told_on", required=True)
    c.text("title", SHORT_TEXT_MAX)
    c.text("summary", LONG_TEXT_MAX)
    c.text("measure", SHORT_TEXT_MAX)
    c.text("value", 60)
    c.text("source", SHORT_TEXT_MAX)
    c.references()


_RULES: dict[str, Callable[[_Checker], None]] = {
    "unit": _unit, "staff": _staff, "tool": _tool, "rollout": _rollout, "training_session": _training_session,
    "attendance": _attendance, "incident": _incident, "pairing": _pairing, "checkin": _checkin,
    "pulse": _pulse, "story": _story,
}


def problems(db: Database, table: str, values: Mapping[str, Any], record_id: str | None = None, today: dt.date | None = None) -> list[ValidationError]:
    """Return every rule the record (all its fields, as it would be saved) breaks; empty when valid."""
    checker = _Checker(db, table, values, record_id, today or dt.date.today())
    _RULES[table](checker)
    return checker.problems


def validate(db: Database, table: str, values: Mapping[str, Any], record_id: str | None = None, today: dt.date | None = None) -> None:
    """Raise the first ValidationError the record breaks (see :func:`problems` for all of them)."""
    found = problems(db, table, values, record_id, today)
    if found:
        error = found[0]
        error.others = found[1:]
        raise error


def identifier_findings(table: str, values: Mapping[str, Any], today: dt.date | None = None) -> list[tuple[str, str]]:
    """Return (field, what) for free text that looks like a patient identifier."""
    found = []
    for field in FREE_TEXT_FIELDS.get(table, ()):
        for what in find_identifiers(values.get(field), today):
            found.append((field, what))
    return found
