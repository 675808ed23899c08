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


def default_db_path() -> Path:
    """Return the database used when neither --db nor CHAMPION_DESK_DB names one."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return data_dir() / "champion-desk.db"


def resource_path(*parts: str) -> Path:
    """Return a path inside ``resources/``, from a checkout or from a PyInstaller bundle."""
    base = getattr(sys, "_MEIPASS", None)
    root = Path(base) if base else Path(__file__).resolve().parent.parent
    return root.joinpath("resources", *parts)
