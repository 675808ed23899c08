"""The rules a record must meet before it is saved; each broken rule is a ValidationError(field, rule)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any

from champion_desk.domain import vocab
from champion_desk.domain.dates import format_uk_date
from champion_desk.domain.identifiers import find_identifiers
from champion_desk.errors import ValidationError
from champion_desk.store.connection import Database

NAME_MAX = 120
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 4000
PLANNED_DAYS_AHEAD = 366

# The longest text each field takes (the rules below check it on every save); a merge refuses a
# file holding longer text, which the app could not have saved and the briefing need not lay out.
TEXT_LIMITS: dict[str, dict[str, int]] = {
    "unit": {"name": NAME_MAX, "site": NAME_MAX, "specialty": NAME_MAX},
    "staff": {"display_name": NAME_MAX, "role": 80, "staff_ref": 40},
    "tool": {"name": NAME_MAX, "vendor": NAME_MAX, "purpose": LONG_TEXT_MAX},
    "training_session": {"topic": SHORT_TEXT_MAX, "notes": LONG_TEXT_MAX, "place": NAME_MAX},
    "incident": {
        "description": LONG_TEXT_MAX,
        "root_cause": LONG_TEXT_MAX,
        "response": LONG_TEXT_MAX,
        "owner": NAME_MAX,
    },
    "pairing": {"goal": 500},
    "checkin": {"note": LONG_TEXT_MAX},
    "story": {
        "title": SHORT_TEXT_MAX,
        "summary": LONG_TEXT_MAX,
        "measure": SHORT_TEXT_MAX,
        "value": 60,
        "source": SHORT_TEXT_MAX,
    },
}

# Free-text fields checked for patient identifiers before saving.
FREE_TEXT_FIELDS: dict[str, tuple[str, ...]] = {
    "training_session": ("topic", "notes", "place"),
    "incident": ("description", "root_cause", "response", "owner"),
    "pairing": ("goal",),
    "checkin": ("note",),
    "story": ("title", "summary", "measure", "value", "source"),
    "tool": ("purpose",),
    "idea": ("title", "description", "status_reason"),
}

REFERENCES: dict[str, dict[str, str]] = {
    "staff": {"unit_id": "unit"},
    "rollout": {"tool_id": "tool", "unit_id": "unit"},
    "training_session": {"tool_id": "tool", "unit_id": "unit", "trainer_id": "staff", "verified_by": "staff"},
    "attendance": {"session_id": "training_session", "staff_id": "staff", "signed_off_by": "staff"},
    "invitation": {"session_id": "training_session", "staff_id": "staff"},
    "incident": {"tool_id": "tool", "unit_id": "unit", "reported_by": "staff", "raised_by": "staff"},
    "pairing": {"mentor_id": "staff", "mentee_id": "staff", "tool_id": "tool"},
    "checkin": {"pairing_id": "pairing"},
    "pulse": {"unit_id": "unit", "tool_id": "tool"},
    "story": {"tool_id": "tool", "unit_id": "unit"},
    "usage": {"staff_id": "staff", "tool_id": "tool"},
    "idea": {
        "tool_id": "tool",
        "unit_id": "unit",
        "suggested_by": "staff",
        "led_to_rollout_id": "rollout",
        "led_to_story_id": "story",
    },
    "idea_support": {"idea_id": "idea", "backed_by": "staff"},
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
            self.fail(
                field,
                f"at most {limit} characters",
                f"{_label(field)} is {len(value)} characters; at most {limit} are allowed.",
            )

    def choice(self, field: str, enum: type, required: bool = True) -> None:
        value = self.get(field)
        if value is None:
            if required:
                self.required(field)
            return
        allowed = vocab.values(enum)
        if value not in allowed:
            self.fail(
                field,
                f"must be one of: {', '.join(allowed)}",
                f"{_label(field)} must be one of: {', '.join(allowed)} (got {value!r}).",
            )

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
            self.fail(
                field,
                f"between {low:g} and {high:g}",
                f"{_label(field)} must be between {low:g} and {high:g} (got {value}).",
            )

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
            self.fail(
                field,
                "must be a date written YYYY-MM-DD",
                f"{_label(field)} must be a date written YYYY-MM-DD (got {value!r}).",
            )
            return None
        if day > self.today + dt.timedelta(days=future_days):
            if future_days:
                self.fail(
                    field,
                    f"at most {future_days} days ahead",
                    f"{_label(field)} is too far ahead (at most {future_days} days).",
                )
            else:
                self.fail(
                    field,
                    "must not be in the future",
                    f"{_label(field)} ({format_uk_date(day)}) must not be in the future.",
                )
            return None
        return day

    def not_before(self, field: str, day: dt.date | None, other_field: str, other: dt.date | None) -> None:
        if day and other and day < other:
            self.fail(
                field,
                f"must not be before {_label(other_field)}",
                f"{_label(field)} ({format_uk_date(day)}) must not be before {_label(other_field)} ({format_uk_date(other)}).",
            )

    def references(self) -> dict[str, dict[str, Any]]:
        """Check every link points at a live record; return the linked rows by field."""
        rows = {}
        for field, target in REFERENCES.get(self.table, {}).items():
            value = self.get(field)
            if value is None:
                continue
            row = self.db.one(f"SELECT * FROM {target} WHERE id = ? AND deleted_at IS NULL", (value,))
            if row is None:
                self.fail(
                    field,
                    f"must name an existing {_label(target)}",
                    f"{_label(field)}: no such {_label(target)} (it may have been deleted).",
                )
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


# One "@" with text either side and a dot in the domain: enough to catch a name typed in the column.
_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9]")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _label(field: str) -> str:
    return {
        "training_session": "training session",
        "held_on": "date",
        "occurred_on": "date",
        "told_on": "date",
        "taken_on": "date",
        "started_on": "start date",
        "ended_on": "end date",
        "staff_ref": "staff number",
        "display_name": "name",
        "unit_id": "unit",
        "tool_id": "tool",
        "trainer_id": "trainer",
        "mentor_id": "mentor",
        "mentee_id": "mentee",
        "staff_id": "colleague",
        "pairing_id": "pairing",
        "session_id": "session",
        "resolved_on": "resolved date",
        "verified_by": "countersigned by",
        "verified_on": "countersign date",
        "signed_off_by": "signed off by",
        "signed_off_on": "sign-off date",
        "go_live_on": "go-live date",
        "raised_on": "date",
        "status_on": "status date",
        "status_reason": "reason",
        "led_to_rollout_id": "roadmap stage",
        "led_to_story_id": "story",
        "idea_id": "idea",
        "backed_on": "date",
        "backed_by": "backed by",
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
    c.text("email", 254)
    c.text("login", 80)
    email = c.get("email")
    if isinstance(email, str) and not _EMAIL.fullmatch(email.strip()):
        c.fail(
            "email",
            "must be an e-mail address (name@domain)",
            f"e-mail must be an address like name@nhs.net (got {email!r}).",
        )
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


def _usage(c: _Checker) -> None:
    c.required("staff_id", "tool_id")
    c.date("day", required=True)
    c.integer("count", 0, None, required=True)
    c.text("source", NAME_MAX)
    c.references()


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
    c.text("place", NAME_MAX)
    starts = c.get("starts_at")
    if starts is not None and not (isinstance(starts, str) and _TIME.fullmatch(starts)):
        c.fail(
            "starts_at",
            "a time written HH:MM (24-hour clock)",
            f"Start time must be a time written HH:MM on the 24-hour clock, e.g. 14:00 (got {starts!r}).",
        )
    c.references()
    if c.get("verified_by") is not None:
        if c.get("verified_by") == c.get("trainer_id"):
            c.fail(
                "verified_by",
                "must not be the session's own trainer",
                "A session cannot be countersigned by its own trainer.",
            )
        if held and held > c.today:
            c.fail(
                "verified_by",
                "only after the session is held",
                "A planned session cannot be countersigned before it is held.",
            )
        c.not_before("verified_on", c.date("verified_on", required=True), "held_on", held)
    elif c.get("verified_on") is not None:
        c.fail(
            "verified_by",
            "is required with a countersign date",
            "Countersigned by is required when a countersign date is given.",
        )


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
            c.fail(
                "confidence_after",
                "only after the session is held",
                "Confidence after can be recorded once the session has been held.",
            )
        if c.get("signed_off"):
            c.fail(
                "signed_off",
                "only after the session is held",
                "Sign-off can be recorded once the session has been held.",
            )
    if c.get("signed_off"):
        c.required("signed_off_by")
        if c.get("signed_off_by") is not None and c.get("signed_off_by") == c.get("staff_id"):
            c.fail("signed_off_by", "must not be the attendee", "Colleagues cannot sign off their own competency.")
        c.not_before("signed_off_on", c.date("signed_off_on", required=True), "held_on", held)
    elif c.get("signed_off_by") is not None or c.get("signed_off_on") is not None:
        c.fail(
            "signed_off",
            "must be ticked when a sign-off is recorded",
            "Tick 'signed off' to record who signed off and when.",
        )
    if session and c.get("staff_id") is not None:
        clash = c.db.scalar(
            "SELECT count(*) FROM attendance WHERE session_id = ? AND staff_id = ? AND deleted_at IS NULL AND id IS NOT ?",
            (session["id"], c.get("staff_id"), c.record_id),
        )
        if clash:
            c.fail(
                "staff_id",
                "one attendance per person per session",
                "This colleague is already listed as attending this session.",
            )


def _invitation(c: _Checker) -> None:
    c.required("session_id", "staff_id")
    c.choice("status", vocab.InvitationStatus)
    c.boolean("walk_in")
    c.boolean("confirmed")
    rows = c.references()
    session = rows.get("session_id")
    if session and c.get("status") in (vocab.InvitationStatus.ATTENDED, vocab.InvitationStatus.DID_NOT_ATTEND):
        if dt.date.fromisoformat(session["held_on"]) > c.today:
            c.fail(
                "status",
                "only once the session is held",
                "Whether a colleague came can be recorded once the session has been held.",
            )
    if session and c.get("staff_id") is not None:
        clash = c.db.scalar(
            "SELECT count(*) FROM invitation WHERE session_id = ? AND staff_id = ? AND deleted_at IS NULL AND id IS NOT ?",
            (session["id"], c.get("staff_id"), c.record_id),
        )
        if clash:
            c.fail("staff_id", "one invitation per person per session", "This colleague is already invited.")


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
            c.fail(
                "resolved_on",
                "is required once a concern is addressed or closed",
                "Resolved date is required once the concern is addressed or closed.",
            )
        if status not in vocab.RESOLVED_STATUSES and c.get("resolved_on") is not None:
            c.fail(
                "resolved_on",
                "must be empty while the concern is open",
                "Resolved date must be empty while the concern is open or in progress.",
            )
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
        c.fail(
            "mentor_id", "must be a champion", f"{mentor['display_name']} is not a champion; mentors must be champions."
        )
    status = c.get("status")
    if status in ("completed", "ended") and ended is None and c.get("ended_on") is None:
        c.fail(
            "ended_on",
            "is required once a pairing is completed or ended",
            "End date is required once the pairing is completed or ended.",
        )
    if status in ("active", "paused") and c.get("ended_on") is not None:
        c.fail(
            "ended_on",
            "must be empty while the pairing is active or paused",
            "End date must be empty while the pairing is active or paused.",
        )


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


def _idea(c: _Checker) -> None:
    c.required("unit_id", "title")
    raised = c.date("raised_on", required=True)
    c.text("title", SHORT_TEXT_MAX)
    c.text("description", LONG_TEXT_MAX)
    c.text("status_reason", SHORT_TEXT_MAX)
    c.choice("status", vocab.IdeaStatus)
    c.not_before("status_on", c.date("status_on", required=True), "raised_on", raised)
    if c.get("status") == vocab.IdeaStatus.NOT_NOW:
        # Staff are owed a why when their idea is put aside; a bare "not now" reads as "no".
        if c.get("status_reason") is None:
            c.fail(
                "status_reason", "is required when the idea is 'not now'", "Reason is required for 'not now': say why."
            )
    c.references()


def _idea_support(c: _Checker) -> None:
    c.required("idea_id")
    backed = c.date("backed_on", required=True)
    c.integer("backers", 1, 1000, required=True)
    rows = c.references()
    idea = rows.get("idea_id")
    if idea:
        c.not_before("backed_on", backed, "raised_on", dt.date.fromisoformat(idea["raised_on"]))
    if c.get("backed_by") is not None:
        if c.get("backers") not in (None, 1):
            c.fail(
                "backers",
                "must be 1 when a colleague is named",
                "Backers must be 1 when you name who backed the idea; log a group's show of hands without names.",
            )
        if idea and c.get("backed_by") == idea["suggested_by"]:
            c.fail(
                "backed_by",
                "must not be who suggested the idea",
                "Whoever suggested the idea already counts as behind it.",
            )
        clash = c.db.scalar(
            "SELECT count(*) FROM idea_support WHERE idea_id = ? AND backed_by = ? AND deleted_at IS NULL AND id IS NOT ?",
            (c.get("idea_id"), c.get("backed_by"), c.record_id),
        )
        if clash:
            c.fail("backed_by", "one backing per colleague per idea", "This colleague has already backed this idea.")


_RULES: dict[str, Callable[[_Checker], None]] = {
    "unit": _unit,
    "staff": _staff,
    "tool": _tool,
    "rollout": _rollout,
    "training_session": _training_session,
    "attendance": _attendance,
    "invitation": _invitation,
    "incident": _incident,
    "pairing": _pairing,
    "checkin": _checkin,
    "pulse": _pulse,
    "story": _story,
    "usage": _usage,
    "idea": _idea,
    "idea_support": _idea_support,
}


def problems(
    db: Database, table: str, values: Mapping[str, Any], record_id: str | None = None, today: dt.date | None = None
) -> list[ValidationError]:
    """Return every rule the record (all its fields, as it would be saved) breaks; empty when valid."""
    checker = _Checker(db, table, values, record_id, today or dt.date.today())
    _RULES[table](checker)
    return checker.problems


def validate(
    db: Database, table: str, values: Mapping[str, Any], record_id: str | None = None, today: dt.date | None = None
) -> None:
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
