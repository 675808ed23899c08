"""The unit (ward or department) dialog."""

from __future__ import annotations

from champion_desk.domain.validation import NAME_MAX
from champion_desk.ui.dialogs.base import RecordDialog
from champion_desk.ui.widgets.fields import TextField


class UnitDialog(RecordDialog):
    """A ward or department: name (unique), site, specialty."""

    table = "unit"
    noun = "unit"

    def build(self) -> None:
        self.add_field("name", "&Name", TextField(NAME_MAX, "e.g. Ward 7 (Acute Medicine)"))
        self.add_field("site", "S&ite", TextField(NAME_MAX, "e.g. Royal Infirmary"))
        self.add_field("specialty", "S&pecialty", TextField(NAME_MAX, "e.g. Acute medicine"))
