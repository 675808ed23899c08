"""Exceptions shared by every layer; this module imports nothing of the project."""

from __future__ import annotations


class ChampionDeskError(Exception):
    """Base class for every error Champion Desk expects and reports to the user."""


def one_line(error: object, limit: int = 300) -> str:
    """Return a low-level error's text as one line of at most ``limit`` characters, for a user's message.

    SQLite's messages can span lines (integrity_check) or quote a whole damaged trigger or table
    definition: a refusal should say what went wrong in a line, not repeat the file's schema.
    """
    text = "; ".join(part.strip() for part in str(error).splitlines() if part.strip())
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ValidationError(ChampionDeskError):
    """A value breaks a rule; names the field and the rule so the UI can show it beside the field."""

    def __init__(self, field: str, rule: str, message: str | None = None) -> None:
        self.field = field
        self.rule = rule
        self.message = message or f"{field.replace('_', ' ')}: {rule}"
        super().__init__(self.message)


class PatientIdentifierWarning(ChampionDeskError):
    """Free text looks like it holds a patient identifier; the user must acknowledge before saving."""

    def __init__(self, findings: list[tuple[str, str]]) -> None:
        # Each finding is (field, what was seen), e.g. ("notes", "an NHS number").
        self.findings = findings
        described = "; ".join(f"{field}: looks like {what}" for field, what in findings)
        super().__init__(
            f"Possible patient identifier ({described}). No patient data may be stored; "
            "remove it, or confirm it is not patient data."
        )


class StoreError(ChampionDeskError):
    """Something about the database file or a write to it went wrong."""


class NotADeskDatabaseError(StoreError):
    """The file is not a Champion Desk database (another app's file, not SQLite, or empty)."""


class CorruptDatabaseError(StoreError):
    """The file is a damaged SQLite database."""


class NewerVersionError(StoreError):
    """The file was written by a newer Champion Desk whose schema this version does not know."""


class NotFoundError(StoreError):
    """No live record with that id (or name) exists."""


class ConflictError(StoreError):
    """A write would break a uniqueness or reference rule of the database."""

    def __init__(self, field: str, rule: str, message: str) -> None:
        self.field = field
        self.rule = rule
        self.message = message
        super().__init__(message)


class ReadOnlyDatabaseError(StoreError):
    """The database was opened read-only, or its folder cannot be written."""


class DiskFullError(StoreError):
    """The disk (or the database's size limit) is full; nothing of the failed write was kept."""
