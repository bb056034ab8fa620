"""Folders the program owns beside the working database, and file names a person can read."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from pathlib import Path

BACKUP_FOLDER = "sao-luu"
RECEIVED_FOLDER = "so-lieu-nhan"
REFUSED_FOLDER = "bi-tu-choi"
CHECKING_FOLDER = "dang-kiem-tra"
HELD_FOLDER = "cho-xac-nhan"  # files waiting for a person to approve their PC
EXCHANGE_SUFFIX = ".khtd"


def backups_dir(db_path: Path) -> Path:
    return Path(db_path).resolve().parent / BACKUP_FOLDER


def received_dir(db_path: Path) -> Path:
    return Path(db_path).resolve().parent / RECEIVED_FOLDER


def ascii_slug(text: str, joiner: str = "-") -> str:
    """'P. Kinh tế' -> 'P-Kinh-te': letters without marks, đ -> d, anything else a joiner."""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^A-Za-z0-9]+", joiner, text).strip(joiner)


def stamp(when: datetime | None = None, seconds: bool = False) -> str:
    when = when or datetime.now()
    return when.strftime("%Y-%m-%d_%H%M%S" if seconds else "%Y-%m-%d_%H%M")


def unique_path(folder: Path, stem: str, suffix: str) -> Path:
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}_{number}{suffix}"
        number += 1
    return candidate
