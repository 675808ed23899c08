"""Where Champion Desk keeps its files: the user's data folder, logs, and bundled resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

APP_DIR_NAME = "ChampionDesk"
DB_ENV = "CHAMPION_DESK_DB"


def data_dir() -> Path:
    """Return the per-user data folder (e.g. ~/.local/share/ChampionDesk on Linux)."""
    from platformdirs import user_data_path

    return user_data_path(APP_DIR_NAME, appauthor=False)


def log_dir() -> Path:
    """Return the per-user log folder."""
    from platformdirs import user_log_path

    return user_log_path(APP_DIR_NAME, appauthor=False)


DEFAULT_DB_NAME = "champion-desk.db"
# Plain text in the data folder, so the commands (which never load Qt's settings) read it too.
LAST_LOGBOOK_FILE = "last-logbook.txt"


def default_db_path() -> Path:
    """Return the database used when neither --db nor CHAMPION_DESK_DB names one."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return data_dir() / DEFAULT_DB_NAME


DEMO_SUFFIX = "-demo"


def demo_db_path(target: Path) -> Path:
    """Return where demo data goes: a file of its own beside the real logbook ``target``.

    A demo file is its own demo: the app remembers the demo it last opened, and its demo data
    must be that file again, not a second one beside it.
    """
    if is_demo_path(target):
        return target
    return target.with_name(f"{target.stem}{DEMO_SUFFIX}{target.suffix}")


def is_demo_path(path: Path) -> bool:
    """Return True for a logbook file named as demo data (``demo_db_path`` of some logbook)."""
    return Path(path).stem.endswith(DEMO_SUFFIX)


def real_db_path(path: Path) -> Path:
    """Return the real logbook a demo file sits beside (``path`` itself when it is not demo data)."""
    if not is_demo_path(path):
        return path
    return path.with_name(f"{path.stem.removesuffix(DEMO_SUFFIX)}{path.suffix}")


def remembered_db_path() -> Path | None:
    """Return the logbook the app last opened on this PC, if it still exists."""
    try:
        text = (data_dir() / LAST_LOGBOOK_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    path = Path(text) if text else None
    return path if path is not None and path.is_file() else None


def remember_db_path(path: Path) -> None:
    """Record ``path`` as the logbook the app opened last (best effort: a read-only home keeps the old one)."""
    folder = data_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".{LAST_LOGBOOK_FILE}.{os.getpid()}"
        tmp.write_text(str(Path(path).resolve()), encoding="utf-8")
        os.replace(tmp, folder / LAST_LOGBOOK_FILE)
    except OSError:
        pass


def chosen_db_path(explicit: Path | None) -> Path:
    """Return the logbook to use: ``explicit`` (--db), else $CHAMPION_DESK_DB, else the one the app
    last opened on this PC, else the default in the data folder. The app and every command agree."""
    if explicit is not None:
        return Path(explicit).expanduser()
    if os.environ.get(DB_ENV):
        return default_db_path()
    return remembered_db_path() or default_db_path()


def resource_path(*parts: str) -> Path:
    """Return a path inside ``resources/``, from a checkout or from a PyInstaller bundle."""
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) if base else Path(__file__).resolve().parent.parent
    return root.joinpath("resources", *parts)
