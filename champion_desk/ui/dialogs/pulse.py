"""The readiness-pulse dialog: a unit's mean ADKAR scores for a tool."""

from __future__ import annotations

from champion_desk.domain import vocab
from champion_desk.ui.dialogs.base import RecordDialog
from champion_desk.ui.widgets.fields import MeanScoreField, NumberField

ELEMENT_HINTS = {
    "awareness": "They know why the tool is coming",
    "desire": "They want to take part",
    "knowledge": "They know how to use it",
    "ability": "They can use it on shift",
    "reinforcement": "Use is kept up and recognised",
}


class PulseDialog(RecordDialog):
    """A readiness pulse: how many answered, and the mean (1.0–5.0) of each ADKAR element."""

    table = "pulse"
    noun = "readiness pulse"

    def build(self) -> None:
        self.unit_field()
        self.tool_field()
        self.date_field("taken_on", "&Date")
        self.add_field(
            "respondents", "&Respondents", NumberField(1, 100000, optional=True), note="How many colleagues answered"
        )
        self.section("Mean scores (1.0 to 5.0)", note="Type each mean with one decimal, e.g. 3.4.")
        for element in vocab.values(vocab.Barrier):
            label = element[:1].upper() + element[1:]
            self.add_field(element, f"&{label}", MeanScoreField(), note=ELEMENT_HINTS[element])
