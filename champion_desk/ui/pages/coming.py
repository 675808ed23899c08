"""A page whose real content is still being built: it says what it will show, rather than nothing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from champion_desk.ui.context import AppContext
from champion_desk.ui.pages.base import Page

# What each not-yet-built page will show, in a champion's words.
PROMISES: dict[str, tuple[str, list[str]]] = {
    "dashboard": ("Dashboard", [
        "Training coverage over time: the share of each unit's staff trained and signed off on each tool.",
        "Concerns by theme and how quickly they are addressed, so recurring worries stand out.",
        "Mentoring: active pairings, check-ins and mentees' confidence gains.",
        "Readiness by unit (ADKAR), to judge which unit is ready for go-live.",
        "All for the period, units and tools chosen in the bar above.",
    ]),
    "briefing": ("Briefing", [
        "A PDF for the staff meeting: key figures, charts, “you said, we did”, success stories and the roadmap.",
        "Anonymised: it never names who raised a concern, and small counts print as “fewer than 5”.",
        "Choose the period, units and tools, preview it, then save or print it.",
    ]),
}


class ComingPage(Page):
    """Placeholder for the Dashboard and Briefing pages until their own work replaces it."""

    uses_scope = False

    def __init__(self, context: AppContext, name: str, parent: QWidget | None = None) -> None:
        self.name = name
        self.title, points = PROMISES.get(name, (name.capitalize(), []))
        super().__init__(context, parent)
        heading = QLabel(self.title, self)
        heading.setObjectName("pageTitle")
        lead = QLabel(f"The {self.title.lower()} is coming in a later version of Champion Desk. It will show:", self)
        lead.setWordWrap(True)
        bullets = QLabel("<ul>" + "".join(f"<li style='margin-bottom:6px'>{p}</li>" for p in points) + "</ul>", self)
        bullets.setWordWrap(True)
        bullets.setTextFormat(Qt.TextFormat.RichText)
        meanwhile = QLabel("Meanwhile, everything you log now will appear there.", self)
        meanwhile.setObjectName("hint")
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(lead)
        layout.addWidget(bullets)
        layout.addWidget(meanwhile)
        layout.addStretch(1)
