"""Where things live: bundled resources, and the working database in the user's data folder."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from platformdirs import user_data_dir

APP_DIR_NAME = "KienHaiTienDo"
DB_FILE_NAME = "kien-hai-tien-do.sqlite"
PORTABLE_MARKER = "portable.txt"  # beside the program: keep the data beside it too
SETTINGS_FILE_NAME = "cai-dat.ini"  # portable mode only


def program_dir() -> Path:
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(__file__).resolve().parent.parent


def resources_dir() -> Path:
    """resources/ in a source tree, or the same relative path inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    return Path(bundle) / "resources" if bundle else program_dir() / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


def guide_path() -> Path:
    """The user guide: docs/ of the source tree, or the same relative path inside a PyInstaller bundle."""
    bundle = getattr(sys, "_MEIPASS", None)
    base = Path(bundle) if bundle else program_dir()
    return base / "docs" / "huong-dan-su-dung.md"


def default_plan_path() -> Path:
    return resource("plan", "kien-hai-2026-2030.json")


def is_portable() -> bool:
    if os.environ.get("KH_PORTABLE") == "1":
        return True
    try:
        return (program_dir() / PORTABLE_MARKER).exists()
    except OSError:  # a program folder this account may not look into: no marker it could have put there
        return False


def data_dir() -> Path:
    if is_portable():
        return program_dir() / "du-lieu"
    return Path(user_data_dir(APP_DIR_NAME, appauthor=False, roaming=False))


def portable_settings_path() -> Path | None:
    """In portable mode the window's settings go beside the data (an INI file), not into the PC's registry."""
    return data_dir() / SETTINGS_FILE_NAME if is_portable() else None


def default_db_path() -> Path:
    override = os.environ.get("KH_DB")
    return Path(override) if override else data_dir() / DB_FILE_NAME
