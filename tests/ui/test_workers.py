"""Long work off the UI thread: result, error and cancel are each reported by signal and by wait()."""

from __future__ import annotations

import threading

import pytest

from champion_desk.ui.workers import OperationCancelled, run_with_progress


def _count(n, progress):
    for i in range(n):
        if progress(i, n) is False:
            raise RuntimeError("stopped")
    return n * 2


def test_result_is_returned_and_signalled(qtbot):
    op = run_with_progress(None, "Counting", _count, 5)
    with qtbot.waitSignal(op.succeeded, timeout=5000) as signal:
        pass
    assert signal.args == [10]
    assert op.wait() == 10


def test_error_is_raised_by_wait(qtbot):
    def boom(progress):
        raise ValueError("bad input")

    op = run_with_progress(None, "Failing", boom)
    with pytest.raises(ValueError, match="bad input"):
        op.wait()


def test_cancel_stops_the_function(qtbot):
    started = threading.Event()
    seen = []

    def slow(progress):
        started.set()
        while progress(1, 2):
            threading.Event().wait(0.01)
        seen.append("saw cancel")
        raise RuntimeError("rolled back")

    op = run_with_progress(None, "Slow", slow)
    assert started.wait(5)
    op.dialog.canceled.emit()  # what the Cancel button (or Esc, or closing the dialog) does
    with pytest.raises(OperationCancelled):
        op.wait()
    assert seen == ["saw cancel"] and op.was_cancelled


def test_a_dropped_operation_still_finishes(qtbot):
    import gc

    results = []

    def work(progress):
        threading.Event().wait(0.2)
        return 7

    run_with_progress(None, "Unreferenced", work).succeeded.connect(results.append)
    gc.collect()  # without the module's reference the running thread could be destroyed here
    qtbot.waitUntil(lambda: results == [7], timeout=5000)


INNER_TEST = """
import time

from champion_desk.ui.workers import run_with_progress


def test_ends_while_its_operation_still_reads(qapp, db, tmp_path_factory):
    def slow(database, progress):
        time.sleep(0.5)  # the test body has long returned by now
        try:
            found = f"read {database.scalar('SELECT count(*) FROM unit')}"
        except Exception as exc:
            found = f"failed {exc!r}"
        with open(RESULT, "w") as out:
            out.write(found)

    run_with_progress(None, "Slow", slow, db)  # and never waited for
"""


def test_the_db_fixture_lets_running_work_end_before_it_closes_the_database(tmp_path):
    # A test that leaves a page's operation running used to have the fixture close the connection
    # under the thread: at best the read failed, at worst SQLite crashed the whole suite. Run such
    # a test in a pytest of its own, with this project's fixtures, and see what the thread read.
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    result = tmp_path / "result.txt"
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["tests.conftest"]\n')
    (tmp_path / "test_inner.py").write_text(INNER_TEST.replace("RESULT", repr(str(result))))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(tmp_path / "test_inner.py"),
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(root)},
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert result.read_text() == "read 0"
