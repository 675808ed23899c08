"""The concern (resistance incident) dialog, with the confidential "raised by"."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel

from champion_desk.domain import patient_safety, vocab
from champion_desk.domain.validation import NAME_MAX
from champion_desk.ui.dialogs.base import RecordDialog
from champion_desk.ui.widgets.fields import LongTextField, TextField
from champion_desk.ui.widgets.optional_date import OptionalDateEdit

CONFIDENTIAL_NOTE = (
    "Confidential — only to offer follow-up; never printed. Leave empty if they would rather stay anonymous."
)


class IncidentDialog(RecordDialog):
    """A concern raised about an AI tool: what, why, what was done, and (confidentially) by whom.

    ``raised_by`` appears only here: lists, briefings and exports never show it.
    """

    table = "incident"
    noun = "concern"
    columns = 2
    min_width = 940

    def build(self) -> None:
        self.section("The concern", column=0)
        # The theme comes first: it is the one choice with no sensible default.
        self.vocab_field("theme", "T&heme", vocab.Theme, empty_label="— choose the theme —")
        self.vocab_field("barrier", "ADKAR &barrier", vocab.Barrier, empty_label="— not sure —")
        self.vocab_field("severity", "Se&verity", vocab.Severity)
        self.unit_field()
        self.tool_field()
        self.date_field("occurred_on", "&Date")
        self.add_field("description", "Descri&ption", LongTextField(4, "What was said or seen — no patient details"))
        self.add_field("root_cause", "Root &cause", LongTextField(2, "Why, as far as you know"))
        # Shown only when the theme or severity points at patient harm: a reminder that is always
        # there is read by nobody.
        self.safety_reminder = QLabel(patient_safety.reminder(self.context.db), self)
        self.safety_reminder.setObjectName("patientSafetyReminder")
        self.safety_reminder.setWordWrap(True)
        self.safety_reminder.setAccessibleName("Patient safety reminder")
        self.safety_reminder.setStyleSheet("font-weight: bold;")
        self.safety_reminder.hide()
        self._form.addRow(self.safety_reminder)
        for name in ("theme", "severity"):
            self.fields[name].widget.currentIndexChanged.connect(self.show_safety_reminder)
        self._after_load.append(self.show_safety_reminder)
        self.section("What was done", column=1)
        self.vocab_field("status", "&Status", vocab.ConcernStatus)
        self.add_field("response", "&Response", LongTextField(4, "“You said, we did”: what was done or explained"))
        self.add_field("owner", "O&wner", TextField(NAME_MAX, "Who is following it up"))
        self.add_field(
            "resolved_on",
            "Resol&ved on",
            OptionalDateEdit(show_toggle=False),
            hint="Filled in when the status becomes addressed or closed.",
        )
        self.section("Raised by (confidential)", column=1, note=CONFIDENTIAL_NOTE)
        self.staff_field("raised_by", "Raised b&y", hint=CONFIDENTIAL_NOTE)
        self.link_date_to_status("status", "resolved_on", vocab.RESOLVED_STATUSES)

    def show_safety_reminder(self) -> None:
        """Show the incident-system reminder while the theme or severity points at patient harm."""
        theme = self.fields["theme"].widget.value()
        severity = self.fields["severity"].widget.value()
        self.safety_reminder.setVisible(patient_safety.points_at_patient_harm(theme, severity))

    def defaults(self) -> dict[str, Any]:
        return {
            **super().defaults(),
            "severity": vocab.Severity.MEDIUM.value,
            "status": vocab.ConcernStatus.OPEN.value,
            "theme": None,
        }

    def extra_values(self) -> dict[str, Any]:
        # The champion who logs a concern reports it; editing later keeps the original reporter.
        return {} if self.record else {"reported_by": self.current_user_id()}
