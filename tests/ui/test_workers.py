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
