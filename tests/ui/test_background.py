"""Background reads: results come back to the UI thread; quitting stops a read instead of waiting."""

from __future__ import annotations

import threading
import time

from champion_desk.ui import background

HEAVY = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) SELECT count(*) FROM n"


def test_a_read_comes_back_by_signal(qtbot, db):
    got = []
    read = background.start_read(db.path, lambda d: d.scalar("SELECT 41 + 1"), got.append, lambda message: None)
    qtbot.waitUntil(lambda: got == [42])
    read.wait()


def test_stopping_ends_a_read_caught_between_two_statements(qtbot, db):
    started, done, failed = threading.Event(), [], []

    def many_statements(d):
        started.set()
        for i in range(500):
            time.sleep(0.005)  # between statements: a single interrupt landing here is lost
            d.conn.execute(HEAVY).fetchall()
            done.append(i)
        return len(done)

    read = background.start_read(db.path, many_statements, lambda result: None, failed.append)
    assert started.wait(30)
    background._stop_all()
    assert read.isFinished()
    assert len(done) < 500 and not failed  # stopped part-way, and an interrupt is not reported as a failure


def test_interrupting_a_read_that_is_closing_its_connection_does_not_raise(qtbot, db, monkeypatch):
    # The read's close() is held open just after the connection closed, the moment before the old
    # code cleared ``_db``: an interrupt() landing there used a closed connection and raised
    # ProgrammingError out of the aboutToQuit slot. Now it waits for close-and-clear and finds none.
    from champion_desk.store.connection import Database

    closed = threading.Event()
    real_close = Database.close

    def close_then_linger(self):
        real_close(self)
        if threading.current_thread() is not threading.main_thread():
            closed.set()
            time.sleep(0.3)

    monkeypatch.setattr(Database, "close", close_then_linger)
    read = background.start_read(db.path, lambda d: d.scalar("SELECT 1"), lambda result: None, lambda message: None)
    assert closed.wait(30)
    read.interrupt()  # raised "Cannot operate on a closed database" before the lock
    background._stop_all()  # and so does quitting, which interrupts every read still running
    assert read.wait(30000)
