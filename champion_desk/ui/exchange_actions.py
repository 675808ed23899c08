"""File-menu actions for data exchange (import, export, merge, restore) and colleague data rights.

The main window calls ``add_file_menu_actions``; the People page calls ``export_person`` and
``erase_person``. (Being filled in by the data-exchange work, issue 6.)
"""

from __future__ import annotations

from PySide6.QtWidgets import QMenu, QWidget

from champion_desk.ui.context import AppContext


def add_file_menu_actions(menu: QMenu, context: AppContext, parent: QWidget) -> None:
    """Add Import roster…, Export…, Merge a ward database… and Restore from backup… to ``menu``."""
