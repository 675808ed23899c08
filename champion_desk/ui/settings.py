"""What this PC remembers between runs: window layout, last page, last database, who is logging."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from champion_desk.domain import pin

ORGANISATION = "ChampionDesk"
APPLICATION = "Champion Desk"
SETTINGS_FILE = "champion-desk.ini"


def settings_path() -> Path:
    """Return the settings file: ``champion-desk.ini`` in the per-user config folder.

    An explicit file (rather than QSettings' native location) because Qt resolves its native
    folders once per process, while the config folder is read from the environment each time
    here, so every test gets its own file under its temporary HOME.
    """
    from platformdirs import user_config_path

    return user_config_path(ORGANISATION, appauthor=False) / SETTINGS_FILE


def _db_key(db_path: Path | str | None) -> str:
    # Paths hold slashes that QSettings would read as groups: key by a short digest instead.
    text = str(Path(db_path).expanduser().resolve()) if db_path else "memory"
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


class Settings:
    """Typed access to the settings this app keeps (one INI file per user)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or settings_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    def _get(self, key: str, default: Any = None) -> Any:
        value = self._qs.value(key, default)
        return default if value is None else value

    def _set(self, key: str, value: Any) -> None:
        if value is None:
            self._qs.remove(key)
        else:
            self._qs.setValue(key, value)

    def sync(self) -> None:
        """Write pending changes to disk."""
        self._qs.sync()

    # --- pages and database -------------------------------------------------------------
    @property
    def last_page(self) -> str | None:
        return self._get("window/last_page") or None

    @last_page.setter
    def last_page(self, name: str | None) -> None:
        self._set("window/last_page", name)

    @property
    def scope_preset(self) -> str:
        """Return the period preset chosen last ("12m" by default)."""
        return self._get("scope/preset") or "12m"

    @scope_preset.setter
    def scope_preset(self, key: str) -> None:
        self._set("scope/preset", key)

    @property
    def last_database(self) -> Path | None:
        text = self._get("database/last")
        return Path(text) if text else None

    @last_database.setter
    def last_database(self, path: Path | None) -> None:
        self._set("database/last", str(path) if path else None)

    @property
    def sync_folder(self) -> Path | None:
        """The folder File › Sync with folder… used last on this PC (a USB stick's mount point, a shared folder)."""
        text = self._get("sync/folder")
        return Path(text) if text else None

    @sync_folder.setter
    def sync_folder(self, path: Path | None) -> None:
        self._set("sync/folder", str(path) if path else None)

    @property
    def clean_close(self) -> str | None:
        """The signature of the database file as this PC last closed it cleanly (recovery.file_signature)."""
        return self._get("database/clean_close") or None

    @clean_close.setter
    def clean_close(self, signature: str | None) -> None:
        self._set("database/clean_close", signature)

    def user_for(self, db_path: Path | str | None) -> str | None:
        """Return the staff id of who was logging on this database last time, or None."""
        return self._get(f"users/{_db_key(db_path)}") or None

    def set_user_for(self, db_path: Path | str | None, staff_id: str | None) -> None:
        """Remember who is logging on this database (None forgets)."""
        self._set(f"users/{_db_key(db_path)}", staff_id)

    # --- app PIN (domain.pin): only the scrypt hash is kept, never the PIN ---------------------
    @property
    def pin_hash(self) -> str | None:
        return self._get("security/pin_hash") or None

    @pin_hash.setter
    def pin_hash(self, value: str | None) -> None:
        self._set("security/pin_hash", value)

    @property
    def pin_failures(self) -> tuple[int, float]:
        """Return the wrong PINs in a row and the wall-clock time of the last (0, 0.0 when none).

        An unreadable record (a hand-edited file) reads as five wrong tries just now, so editing
        the file cannot clear a wait.
        """
        from champion_desk.domain.pin import FREE_TRIES

        try:
            return int(self._get("security/pin_failures", 0)), float(self._get("security/pin_last_failure", 0.0))
        except (TypeError, ValueError):
            return FREE_TRIES, float("nan")

    def set_pin_failures(self, failures: int, last_failure: float) -> None:
        """Keep the wrong-try record, on disk at once: a wait must survive the app being killed."""
        self._set("security/pin_failures", int(failures) or None)
        self._set("security/pin_last_failure", float(last_failure) if failures else None)
        self.sync()

    @property
    def auto_lock_minutes(self) -> int:
        """Return the idle minutes before the app locks (0 = never; only with a PIN set)."""
        from champion_desk.domain.pin import DEFAULT_AUTO_LOCK_MINUTES, check_auto_lock_minutes
        from champion_desk.errors import ValidationError

        try:
            return check_auto_lock_minutes(int(self._get("security/auto_lock_minutes", DEFAULT_AUTO_LOCK_MINUTES)))
        except (TypeError, ValueError, ValidationError):
            return DEFAULT_AUTO_LOCK_MINUTES  # a hand-edited settings file falls back to the default

    @auto_lock_minutes.setter
    def auto_lock_minutes(self, minutes: int) -> None:
        self._set("security/auto_lock_minutes", int(minutes))

    # --- layout: geometry, splitters, table headers -------------------------------------------
    def layout_state(self, key: str) -> QByteArray | None:
        """Return a saved widget state (geometry, splitter, header) by key, or None."""
        value = self._get(f"layout/{key}")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_layout_state(self, key: str, state: QByteArray) -> None:
        """Save a widget state (from saveGeometry / saveState) under key."""
        self._set(f"layout/{key}", state)


def remembered_attempts(
    settings: Settings | None = None, on_wrong: Callable[[int], None] | None = None
) -> pin.PinAttempts:
    """Return the wrong-PIN record this PC's settings keep, storing every change back at once.

    ``on_wrong(failures)`` is called after each wrong PIN (the app records it in the audit log).
    """
    settings = settings or Settings()
    failures, last_failure = settings.pin_failures

    def changed(attempts: pin.PinAttempts) -> None:
        before = settings.pin_failures[0]
        settings.set_pin_failures(attempts.failures, attempts.last_failure)
        if on_wrong is not None and attempts.failures > before:
            on_wrong(attempts.failures)

    return pin.PinAttempts.resume(failures, last_failure, on_change=changed)
