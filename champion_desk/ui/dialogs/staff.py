"""The colleague (staff) dialog; also used to add a colleague inline from other dialogs."""

from __future__ import annotations

from typing import Any

from champion_desk.domain import vocab
from champion_desk.domain.validation import NAME_MAX
from champion_desk.ui.dialogs.base import RecordDialog
from champion_desk.ui.widgets.fields import CheckField, SuggestedTextField, TextField


class StaffDialog(RecordDialog):
    """A colleague: name, role, unit, staff number, e-mail, login, champion, active. Only what the job needs."""

    table = "staff"
    noun = "colleague"

    def build(self) -> None:
        self.add_field("display_name", "&Name", TextField(NAME_MAX, "As colleagues know them"))
        self.add_field(
            "role",
            "&Role",
            SuggestedTextField(vocab.ROLE_SUGGESTIONS),
            hint="Pick a suggestion or type the role as your roster has it.",
        )
        self.unit_field(optional=True)
        self.add_field(
            "staff_ref",
            "Staff &number",
            TextField(40, "Optional, e.g. E1042"),
            hint="Optional. Must be unique; lets you find them by number.",
        )
        # How a tool's usage export names them (File › Import usage… matches on these).
        self.add_field(
            "email",
            "&E-mail",
            TextField(254, "Optional, e.g. name@nhs.net"),
            hint="Optional. Usage imports match colleagues on it.",
        )
        self.add_field(
            "login",
            "&Login",
            TextField(80, "Optional, as the tools know them"),
            hint="Optional. Usage imports match colleagues on it.",
        )
        self.add_field("is_champion", "", CheckField("&Champion (can train and mentor)"))
        self.add_field("active", "", CheckField("&Active (works here now)"))

    def defaults(self) -> dict[str, Any]:
        return {**super().defaults(), "is_champion": 0, "active": 1}
