"""Starting the app on any page but the dashboard must not import pyqtgraph (~0.5 s of start-up)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from pathlib import Path
    from PySide6.QtWidgets import QApplication
    from champion_desk.store.database import open_database
    from champion_desk.ui.context import AppContext
    from champion_desk.ui.main_window import MainWindow
    from champion_desk.ui.settings import Settings

    app = QApplication([])
    folder = Path(sys.argv[1])
    window = MainWindow(AppContext(open_database(folder / "desk.db")), Settings(folder / "settings.ini"))
    window.show()
    window.show_page("home")
    for _ in range(3):
        app.processEvents()
    print("home", "pyqtgraph" in sys.modules)
    window.show_page("dashboard")
    app.processEvents()
    print("dashboard", "pyqtgraph" in sys.modules)
    sys.stdout.flush()
    os._exit(0)  # skip Qt's teardown: only the imports are under test
    """
)


def test_pyqtgraph_is_imported_only_when_the_dashboard_is_shown(tmp_path):
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:2] == ["home False", "dashboard True"]
