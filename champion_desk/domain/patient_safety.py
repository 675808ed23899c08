"""The concern form's reminder that harm to a patient is reported through the trust's incident system too.

Champion Desk records staff concerns about AI tools for training and feedback; it is not a
patient-safety incident system, and a concern logged here reaches no one who investigates harm.
When the theme or severity of a concern points at patient harm, the form says so in one line.
The wording is a logbook setting (merged like any record, so every PC of a trust shows the same),
so each trust names its own system; the default names England's.
"""

from __future__ import annotations

from champion_desk.domain.vocab import Severity, Theme
from champion_desk.errors import ValidationError
from champion_desk.store import records
from champion_desk.store.connection import Database

SETTING_KEY = "patient_safety.reminder"
DEFAULT_REMINDER = (
    "If a patient was harmed or nearly harmed, report it through your trust's incident system too "
    "(in England, the Learn from Patient Safety Events service)."
)
REMINDER_MAX = 300
# Themes where a medium or high concern is about what the tool did to a patient's care.
HARM_THEMES = (Theme.ACCURACY_AND_TRUST, Theme.ETHICS_AND_LIABILITY)


def points_at_patient_harm(theme: str | None, severity: str | None) -> bool:
    """Return True when a concern's theme or severity points at harm to a patient.

    Any high-severity concern does; so does a medium one about accuracy or ethics and liability
    (a wrong output acted on, a decision nobody owned). A low one is a worry, not an event.
    """
    if severity == Severity.HIGH:
        return True
    return severity == Severity.MEDIUM and theme in HARM_THEMES


def reminder(db: Database) -> str:
    """Return the reminder's wording in force: the trust's own, else the default."""
    text = db.scalar("SELECT value FROM setting WHERE key = ? AND deleted_at IS NULL", (SETTING_KEY,))
    return text.strip() if isinstance(text, str) and text.strip() else DEFAULT_REMINDER


def set_reminder(db: Database, text: str | None, actor: str) -> str:
    """Store the trust's wording (audited); empty puts the default back. Return the wording now in force.

    Raises ValidationError naming ``reminder``: one line, at most 300 characters.
    """
    text = " ".join((text or "").split())
    if len(text) > REMINDER_MAX:
        raise ValidationError(
            "reminder",
            f"at most {REMINDER_MAX} characters",
            f"Reminder: at most {REMINDER_MAX} characters (got {len(text)}); it is one line on the concern form.",
        )
    records.put_setting(db, SETTING_KEY, text, actor)
    return reminder(db)
