"""First run: no database yet, so start a new one, open an existing file, or try hospital demo data."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QCommandLinkButton, QDialog, QFileDialog, QLabel, QMessageBox, QVBoxLayout, QWidget

from champion_desk.errors import ChampionDeskError
from champion_desk.paths import demo_db_path, real_db_path
from champion_desk.store.connection import Database
from champion_desk.store.database import open_database
from champion_desk.ui.workers import OperationCancelled, run_with_progress

CREATE, OPEN, DEMO = "create", "open", "demo"
DEMO_SCALE = "hospital"  # tests set "ward" for speed
FILE_FILTER = "Champion Desk database (*.db *.sqlite *.sqlite3);;All files (*)"


@dataclass
class FirstRunResult:
    """The opened database and, after demo data, the generator's summary (its suggested log-ins)."""

    db: Database
    demo_summary: dict[str, Any] = field(default_factory=dict)


class FirstRunDialog(QDialog):
    """Three choices, as large buttons; ``choice`` is CREATE, OPEN or DEMO once accepted."""

    def __init__(self, target: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice: str | None = None
        new = new_logbook_path(target)
        demo = demo_db_path(target)
        self.setWindowTitle("Welcome to Champion Desk")
        self.setAccessibleName("Welcome to Champion Desk")
        self.setMinimumWidth(520)
        intro = QLabel(
            "<h2>Welcome to Champion Desk</h2>"
            "<p>Your logbook for training sessions, staff concerns, mentoring and success stories "
            "while AI tools are introduced on your unit. Everything stays on this PC; "
            "no patient data goes in.</p><p>How would you like to start?</p>",
            self,
        )
        intro.setWordWrap(True)
        self.create_button = QCommandLinkButton(
            "Start a new, empty logbook",
            f"Creates {new.name} in {new.parent}"
            if new is not None
            else f"{target.name} is already in {target.parent}: you choose the new one's name and folder",
            self,
        )
        self.open_button = QCommandLinkButton(
            "Open an existing logbook file…", "For example one copied from another ward PC or a backup", self
        )
        if holds_a_logbook(demo):
            self.demo_button = QCommandLinkButton(
                "Open the hospital demo data",
                f"The made-up hospital made on this PC before, in {demo.name}. "
                "For real work, start a new, empty logbook.",
                self,
            )
        else:
            self.demo_button = QCommandLinkButton(
                "Try it with hospital demo data",
                "A made-up hospital's training sessions, concerns, mentoring and stories, "
                "to explore safely, kept in a file of its own. For real work, choose File › New database later.",
                self,
            )
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        for button, choice in ((self.create_button, CREATE), (self.open_button, OPEN), (self.demo_button, DEMO)):
            button.setAccessibleName(button.text())
            button.clicked.connect(lambda _=False, c=choice: self._choose(c))
            layout.addWidget(button)
        self.create_button.setDefault(True)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


def holds_a_logbook(path: Path) -> bool:
    """Return True when a file with something in it is at ``path`` (an empty file may become a logbook)."""
    return path.is_file() and path.stat().st_size > 0


def new_logbook_path(target: Path) -> Path | None:
    """Return where "Start a new, empty logbook" creates one, never over a file that is there.

    ``target`` when nothing is there yet; for a demo file (the app starts on the demo it opened
    last), the real logbook beside it while that is not there; otherwise None: the person chooses.
    """
    for path in (target, real_db_path(target)):
        if not holds_a_logbook(path):
            return path
    return None


def ask_open_path(parent: QWidget | None, start: Path | None = None) -> Path | None:
    """Ask for an existing database file; return it or None."""
    name, _ = QFileDialog.getOpenFileName(
        parent, "Open a Champion Desk database", str(start or Path.home()), FILE_FILTER
    )
    return Path(name) if name else None


def ask_new_path(parent: QWidget | None, start: Path | None = None) -> Path | None:
    """Ask where to create a new database file; return it or None."""
    name, _ = QFileDialog.getSaveFileName(
        parent, "New Champion Desk database", str(start or Path.home() / "champion-desk.db"), FILE_FILTER
    )
    if not name:
        return None
    path = Path(name)
    return path if path.suffix else path.with_suffix(".db")


def _remove_database_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def create_demo(target: Path, parent: QWidget | None, scale: str | None = None) -> FirstRunResult | None:
    """Create ``target`` filled with demo data (progress, cancel); return it, or None if cancelled.

    A cancelled or failed run leaves no file behind. Raises ChampionDeskError on failure.
    """
    from champion_desk.domain.demo import generate_demo

    existed = target.exists()
    db = open_database(target)
    try:
        summary = run_with_progress(
            parent,
            "Creating demo data",
            generate_demo,
            db,
            scale or DEMO_SCALE,
            label="Building a made-up hospital's logs…",
        ).wait()
    except BaseException as exc:
        db.close()
        if not existed:
            _remove_database_files(target)
        if isinstance(exc, OperationCancelled):
            return None
        raise
    return FirstRunResult(db, summary)


def setup_database(
    choice: str, target: Path, parent: QWidget | None = None, open_path: Path | None = None
) -> FirstRunResult | None:
    """Carry out a first-run choice; return the open database, or None when the user backed out.

    CREATE creates a new logbook where :func:`new_logbook_path` says (asking where when a file is
    already there); OPEN opens ``open_path`` (asking for it when not given); DEMO fills a file of its
    own beside ``target`` (``paths.demo_db_path``) with demo data, or opens it when it was made
    before. Raises ChampionDeskError (or OSError) when the file cannot be used.
    """
    if choice == CREATE:
        path = new_logbook_path(target) or ask_new_path(parent, target.parent)
        if path is None:
            return None
        if holds_a_logbook(path):
            raise ChampionDeskError(
                f"{path} is already there: a new logbook never replaces a file. "
                "Choose another name, or open it with Open an existing logbook file…"
            )
        return FirstRunResult(open_database(path, create=True))
    if choice == OPEN:
        path = open_path or ask_open_path(parent, target.parent)
        return FirstRunResult(open_database(path, create=False)) if path else None
    if choice == DEMO:
        # Never into the real logbook's file: made-up records must not mix with real work later.
        demo = demo_db_path(target)
        if holds_a_logbook(demo):
            return FirstRunResult(open_database(demo, create=False))
        return create_demo(demo, parent)
    raise ValueError(f"Unknown first-run choice {choice!r}")


def run_first_run(target: Path, parent: QWidget | None = None) -> FirstRunResult | None:
    """Show the welcome dialog until a database is open; return it, or None if the user quits."""
    while True:
        dialog = FirstRunDialog(target, parent)
        accepted = dialog.exec() == QDialog.DialogCode.Accepted
        choice = dialog.choice
        dialog.deleteLater()
        if not accepted or choice is None:
            return None
        try:
            result = setup_database(choice, target, parent)
        except (ChampionDeskError, OSError) as exc:
            QMessageBox.warning(parent, "Could not open the logbook", str(exc))
            continue
        if result is not None:
            return result
