"""Starting the app on Home leaves out what Home does not show (start-up time).

The scope bar, the record lists, the first-run and user-picker dialogs' helpers, the
validation rules behind saving and deleting, and pyqtgraph (~0.5 s: only the dashboard draws
charts) are imported the first time they are needed. Run in a fresh process, so nothing another
test imported counts.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import os, sys
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from pathlib import Path
    from champion_desk.app import Desk, make_application
    from champion_desk.store.database import open_database
    from champion_desk.ui.settings import Settings

    folder = Path(sys.argv[1])
    open_database(folder / "desk.db").close()
    app = make_application([])
    desk = Desk(Settings(folder / "settings.ini"))
    desk.ask_user = lambda current_id=None: None  # nobody to choose in an empty logbook
    assert desk.start(folder / "desk.db", "home")
    for _ in range(3):
        app.processEvents()
    assert desk.window.current_page_name() == "home"
    lazy = ("champion_desk.ui.scope_bar", "champion_desk.ui.pages.record_list", "champion_desk.ui.first_run",
            "champion_desk.ui.models.records", "champion_desk.domain.logbook", "champion_desk.domain.validation",
            "pyqtgraph")
    print(" ".join(m for m in lazy if m in sys.modules) or "none")
    desk.window.show_page("training")
    print("training", "champion_desk.ui.scope_bar" in sys.modules, desk.window.scope_bar.isVisible())
    desk.window.show_page("dashboard")
    app.processEvents()
    print("dashboard", "pyqtgraph" in sys.modules)
    sys.stdout.flush()
    os._exit(0)  # skip Qt's teardown: only the imports are under test
    """
)


def test_a_start_on_home_imports_only_what_home_shows(tmp_path):
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["none", "training True True", "dashboard True"]
