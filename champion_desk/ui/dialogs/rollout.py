"""The rollout-stage dialog: a tool's stage on one unit from a date."""

from __future__ import annotations

from typing import Any

from champion_desk.domain import vocab
from champion_desk.ui.dialogs.base import RecordDialog


class RolloutDialog(RecordDialog):
    """A tool's stage on one unit (planned, pilot, live, paused, retired) since a date."""

    table = "rollout"
    noun = "rollout stage"

    def build(self) -> None:
        self.tool_field()
        self.unit_field()
        self.vocab_field("stage", "St&age", vocab.ToolStage)
        self.date_field("since", "&Since")

    def defaults(self) -> dict[str, Any]:
        return {**super().defaults(), "stage": vocab.ToolStage.PILOT.value}
