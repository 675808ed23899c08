"""The app's pages in navigation order: the one list the main window and ``--page`` both use.

Plain data below every layer (no Qt), so the command line can offer ``--page`` choices without
loading the GUI, and a page added here appears in both places at once.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageEntry:
    """A page of the main window: its name (for ``--page``, settings and its icon file) and its title."""

    name: str
    title: str


PAGES: tuple[PageEntry, ...] = (
    PageEntry("home", "Home"),
    PageEntry("training", "Training"),
    PageEntry("concerns", "Concerns"),
    PageEntry("mentoring", "Mentoring"),
    PageEntry("stories", "Stories"),
    PageEntry("ideas", "Ideas"),
    PageEntry("readiness", "Readiness"),
    PageEntry("people", "People"),
    PageEntry("tools", "Tools & roadmap"),
    PageEntry("dashboard", "Dashboard"),
    PageEntry("briefing", "Briefing"),
)
PAGE_NAMES: tuple[str, ...] = tuple(p.name for p in PAGES)
