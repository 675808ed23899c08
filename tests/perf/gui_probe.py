#!/usr/bin/env python3
"""GUI measurements for tests/perf/run.py, each run as its own process (offscreen Qt).

gui_probe.py floor [--stay]        the start-up floor: a bare QMainWindow holding one pyqtgraph
                                   PlotWidget, shown, quitting once the event loop is idle (the
                                   same way CHAMPION_DESK_EXIT_WHEN_SHOWN=1 quits the real app);
                                   with --stay it runs until stopped (timed from outside)
gui_probe.py seed-settings DB      remember a user for DB in this PC's settings (under the
                                   caller's XDG_CONFIG_HOME), so the app starts without asking
gui_probe.py redraw DB END RUNS    the dashboard in process: redraws after scope changes, and
                                   the raw SQL one redraw runs (captured with the connection's
                                   trace callback, re-run on a plain connection); prints JSON
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import sqlite3
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def floor() -> int:
    import pyqtgraph as pg
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv)
    window = QMainWindow()
    window.setCentralWidget(pg.PlotWidget())
    window.resize(1180, 760)
    window.show()
    if "--stay" in sys.argv:  # timed from outside (run.py's X server figure): stays until stopped
        return app.exec()

    def done() -> None:  # as champion_desk.app.quit_when_idle
        print(f"shown-and-idle {time.monotonic()}", file=sys.stderr, flush=True)
        app.quit()

    QTimer.singleShot(0, lambda: QTimer.singleShot(0, done))
    return app.exec()


def seed_settings(db_path: str) -> int:
    from champion_desk.store.database import open_database
    from champion_desk.ui.settings import Settings

    db = open_database(db_path)
    user = db.one("SELECT id FROM staff WHERE is_champion = 1 AND deleted_at IS NULL ORDER BY id LIMIT 1")
    db.close()
    settings = Settings()
    settings.set_user_for(Path(db_path), user["id"])
    settings.last_page = "home"
    settings.sync()
    return 0


def redraw(db_path: str, end: str, runs: int) -> int:
    from PySide6.QtWidgets import QApplication

    from champion_desk.domain.scope import Scope
    from champion_desk.store.database import open_database
    from champion_desk.ui import background
    from champion_desk.ui.context import AppContext
    from champion_desk.ui.pages.dashboard import DashboardPage

    app = QApplication(sys.argv)
    db = open_database(db_path)
    today = dt.date.fromisoformat(end)
    # The default scope (last 12 months, all units, by month) reached from another one, so
    # nothing of the previous redraw can be reused.
    target, other = Scope.last_months(12, today), Scope.last_months(6, today)
    context = AppContext(db, other)
    page = DashboardPage(context)
    page.resize(1600, 1000)
    page.show()
    app.processEvents()
    page.on_shown()  # builds the charts (imports pyqtgraph) and draws the first scope
    app.processEvents()

    walls: list[float] = []
    adoption_ms: list[float] = []
    adoption_drawn: list[bool] = []
    page.adoption_shown.connect(lambda: adoption_drawn.append(True))

    def change(scope: Scope) -> float:
        adoption_drawn.clear()
        start = time.perf_counter()
        context.set_scope(scope)  # the page redraws on the signal, as from the scope bar
        app.processEvents()  # and the charts paint (offscreen)
        walls.append((time.perf_counter() - start) * 1000)
        # The adoption chart is read in the background, after the others are painted: waited for
        # (and timed) so the next change starts from an app at rest, as a person's next click does.
        while not adoption_drawn and time.perf_counter() - start < 60:
            app.processEvents()
            time.sleep(0.002)
        adoption_ms.append((time.perf_counter() - start) * 1000)
        return page.last_timings["series_ms"] + page.last_timings["draw_ms"]

    samples, series_ms, painted_ms, adopted_ms = [], [], [], []
    for _ in range(runs + 1):
        change(other)
        samples.append(change(target))
        series_ms.append(page.last_timings["series_ms"])
        painted_ms.append(walls[-1])
        adopted_ms.append(adoption_ms[-1])
    # The first is a warm-up.
    samples, series_ms, painted_ms, adopted_ms = samples[1:], series_ms[1:], painted_ms[1:], adopted_ms[1:]

    # The SQL one redraw of the target scope runs, on every connection the page reads from.
    change(other)
    statements: list[str] = []
    db.conn.set_trace_callback(statements.append)
    page.sql_trace = statements.append  # the redraw's second connection
    change(target)
    db.conn.set_trace_callback(None)
    page.sql_trace = None
    raw = sqlite3.connect(f"file:{Path(db_path).as_posix()}?mode=ro", uri=True)
    statements = [s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    raw_ms = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        for sql in statements:
            raw.execute(sql).fetchall()
        raw_ms.append((time.perf_counter() - start) * 1000)
    raw_ms = raw_ms[1:]
    print(
        json.dumps(
            {
                "redraw_ms": samples,
                "series_ms": series_ms,
                "painted_ms": painted_ms,
                "adoption_ms": adopted_ms,
                "raw_sql_ms": raw_ms,
                "statements": len(statements),
                "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "median_redraw_ms": statistics.median(samples),
            }
        )
    )
    page.close()
    # Quitting without app.exec() does not emit aboutToQuit: stop the reads here, or Qt aborts
    # the process when it destroys a thread still running.
    background._stop_all()
    db.close()
    return 0


def main() -> int:
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "floor":
        return floor()
    if mode == "seed-settings":
        return seed_settings(args[0])
    if mode == "redraw":
        return redraw(args[0], args[1], int(args[2]))
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    raise SystemExit(main())
