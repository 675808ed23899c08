"""Crash logging: a rotating log in the user's log folder, with no concern text, names or values."""

from __future__ import annotations

import logging
import sys
import threading

import pytest

from champion_desk import crashlog

CONCERN = "I am frightened the scribe will replace me and Sister Okonkwo agrees"
NAME = "Zoë Adams"
STAFF_REF = "E4471"


def _save_concern(description: str, raised_by: str) -> None:
    staff_ref = STAFF_REF  # noqa: F841 - a local that must never reach the log
    secret_locals = {"description": description, "raised_by": raised_by}  # noqa: F841
    raise ValueError(f"could not save concern {description!r} raised by {raised_by} ({staff_ref}): disk said no")


def _crash(hook) -> None:
    try:
        try:
            _save_concern(CONCERN, NAME)
        except ValueError as exc:
            raise RuntimeError(f"saving for {NAME} failed: {exc}") from exc
    except RuntimeError:
        hook(*sys.exc_info())


def _all_log_text(folder) -> str:
    return "".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob(f"{crashlog.LOG_FILE}*")))


@pytest.fixture
def log_folder(tmp_path):
    folder = tmp_path / "logs"
    crashlog.setup_logging(folder)
    yield folder
    logger = logging.getLogger(crashlog.LOGGER)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


def test_excepthook_logs_type_and_frames_but_no_concern_text_names_or_values(log_folder):
    seen = []
    undo = crashlog.install_excepthook(lambda ref, summary, path: seen.append((ref, summary, path)), log_folder)
    try:
        _crash(sys.excepthook)
    finally:
        undo()
    text = _all_log_text(log_folder)
    assert "builtins.RuntimeError" in text and "builtins.ValueError" in text
    assert "in _save_concern" in text and "tests/test_crashlog.py:" in text
    for secret in (CONCERN, NAME, "Zoë", "Adams", "Okonkwo", "frightened", STAFF_REF, "4471"):
        assert secret not in text, secret
    assert "disk" in text  # the programming words of the message survive to help a fix
    ((ref, summary, path),) = seen
    assert summary == "RuntimeError" and ref in text and path == log_folder / crashlog.LOG_FILE


def test_thread_exceptions_are_logged_too(log_folder):
    undo = crashlog.install_excepthook(folder=log_folder)
    try:
        worker = threading.Thread(target=_save_concern, args=(CONCERN, NAME))
        worker.start()
        worker.join()
    finally:
        undo()
    text = _all_log_text(log_folder)
    assert "ValueError" in text and CONCERN not in text and NAME not in text


def test_logged_exceptions_elsewhere_are_scrubbed_too(log_folder):
    try:
        _save_concern(CONCERN, NAME)
    except ValueError:
        logging.getLogger("champion_desk.store").exception("save failed")
    text = _all_log_text(log_folder)
    assert "save failed" in text and CONCERN not in text and NAME not in text


def test_log_rotates_and_stays_bounded(tmp_path):
    folder = tmp_path / "logs"
    crashlog.setup_logging(folder, max_bytes=2000, backup_count=2)
    try:
        for _ in range(40):
            _crash(crashlog.log_crash)
    finally:
        logger = logging.getLogger(crashlog.LOGGER)
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            handler.close()
    files = sorted(p.name for p in folder.iterdir())
    assert files == ["champion-desk.log", "champion-desk.log.1", "champion-desk.log.2"]
    assert all((folder / f).stat().st_size < 2000 + 4000 for f in files)


def test_default_folder_is_the_users_log_folder():
    from champion_desk.paths import log_dir

    assert crashlog.log_path() == log_dir() / crashlog.LOG_FILE


@pytest.mark.parametrize(
    "message, kept, gone",
    [
        ("'Zoë Adams' is not a champion", ["is not a"], ["Zoë", "Adams"]),
        ("no such table: staff_member", ["no such table", "staff_member"], []),
        ("NHS 943 476 5919 in notes", ["in"], ["943", "5919", "notes"]),
        ("database disk image is malformed", ["database disk image is malformed"], []),
        ("Siobhán said the AI is wrong", [], ["Siobhán", "said", "AI", "wrong"]),
    ],
)
def test_scrub(message, kept, gone):
    out = crashlog.scrub(message)
    for word in kept:
        assert word in out
    for word in gone:
        assert word not in out


def test_keyboard_interrupt_goes_to_the_previous_hook(log_folder, monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "excepthook", lambda *a: seen.append(a[0]))
    undo = crashlog.install_excepthook(folder=log_folder)
    try:
        sys.excepthook(KeyboardInterrupt, KeyboardInterrupt(), None)
    finally:
        undo()
    assert seen == [KeyboardInterrupt]
