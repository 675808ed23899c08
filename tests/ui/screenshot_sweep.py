"""Screenshot every page and every dialog on the screen Qt was given, and list what does not fit.

Not a test: the tool behind "look at every page and dialog at 1024x768 and 1366x768" (README,
"Looking at it as a user"). Run it on a real X server so the window manager's frames count:

    Xvfb :99 -screen 0 1024x768x24 &
    DISPLAY=:99 QT_QPA_PLATFORM=xcb python tests/ui/screenshot_sweep.py DB OUT_DIR

It writes one PNG per page and per window (every class ``test_accessibility`` builds, and every
record dialog), and prints, as JSON, what ``screen_fit_probe.problems_of`` finds in each.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWizard

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def pump(app: QApplication, seconds: float) -> None:
    """Let layouts, deferred resizes and the pages' background reads finish."""
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        app.processEvents()
        time.sleep(0.02)


def main(db_path: str, out: str) -> dict[str, list[str]]:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from champion_desk.store.database import open_database
    from champion_desk.ui.context import AppContext
    from champion_desk.ui.dialogs.registry import DIALOGS, dialog_class
    from champion_desk.ui.main_window import PAGES, MainWindow
    from champion_desk.ui.settings import Settings
    from champion_desk.ui.user_picker import find_user
    from tests.ui.screen_fit_probe import cut_labels, cut_placeholders, problems_of
    from tests.ui.test_accessibility import BUILDERS, walk_wizard

    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    screen = app.primaryScreen().availableGeometry()
    db = open_database(db_path)
    context = AppContext(db)
    # The demo's champion on Cedar Ward, else the first live champion: pages show what a champion sees.
    champion = db.scalar(
        "SELECT id FROM staff WHERE is_champion = 1 AND active = 1 AND deleted_at IS NULL "
        "ORDER BY display_name != 'Zoë Fletcher', display_name LIMIT 1"
    )
    context.set_user(find_user(db, champion))
    window = MainWindow(context, Settings(folder / "sweep.ini"))
    window.showMaximized()
    pump(app, 1.0)
    found: dict[str, list[str]] = {}
    for spec in PAGES:
        window.show_page(spec.name)
        pump(app, 1.5)
        window.grab().save(str(folder / f"page-{spec.name}.png"))
        found[f"page {spec.name}"] = (
            problems_of(window, f"page {spec.name}", screen)
            + cut_placeholders(window, f"page {spec.name}")
            + cut_labels(window, f"page {spec.name}")
        )
    windows = [(f"dialog-{table}", lambda t=table: dialog_class(t)(context, parent=window)) for table in DIALOGS]
    windows += [(name, lambda b=build: b(context, folder)) for name, build in sorted(BUILDERS.items()) if build]
    for name, build in windows:
        top = build()
        top.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, False)
        # The sign-in screen is always opened full screen (signin_actions), so it is looked at that way.
        top.showFullScreen() if name == "KioskWindow" else top.show()
        pump(app, 0.5)
        shots = []

        def shoot(number: int, top=top, name=name, shots=shots) -> None:
            pump(app, 0.3)
            path = folder / f"{name}-{number}.png"
            top.grab().save(str(path))
            shots.append(path)
            found[f"{name} {number}"] = (
                problems_of(top, f"{name} {number}", screen)
                + cut_placeholders(top, f"{name} {number}")
                + cut_labels(top, f"{name} {number}")
            )

        if isinstance(top, QWizard):
            walk_wizard(top, shoot)
        else:
            shoot(1)
        if hasattr(top, "_may_close"):
            top._may_close = True  # noqa: SLF001 - the kiosk refuses to close without a PIN
        top.close()
        top.deleteLater()
        pump(app, 0.1)
    window.close()
    db.close()
    return {where: problems for where, problems in found.items() if problems}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1], sys.argv[2]), indent=1))
