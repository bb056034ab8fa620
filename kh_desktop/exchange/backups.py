"""Rotated backups in the "sao-luu" folder beside the database, and restoring one ("Khôi phục")."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..storage.files import (
    StoreError,
    check_identity,
    clear_copy_mark,
    fsync_directory,
    open_read_only,
    os_error_message,
    quick_check,
    write_snapshot,
)
from ..storage.store import Store
from .folders import backups_dir, stamp, unique_path

KEEP = 10  # generations kept of each reason
REASONS = {
    "khoi-dong": "khi khởi động",
    "truoc-khi-nhan": "trước khi nhận số liệu",
    "thu-cong": "sao lưu thủ công",
    "truoc-khi-khoi-phuc": "tệp đang dùng trước khi khôi phục",
}


@dataclass(frozen=True)
class Backup:
    path: Path
    when: datetime | None
    reason: str

    @property
    def reason_label(self) -> str:
        return REASONS.get(self.reason, self.reason)

    @property
    def when_label(self) -> str:
        return self.when.strftime("%d/%m/%Y %H:%M:%S") if self.when else ""


def backup_now(store: Store, reason: str = "thu-cong", keep: int = KEEP) -> Path:
    """A checked snapshot of the database in sao-luu/, then the oldest of the same reason beyond `keep` removed."""
    return _backup(store.conn, store.path, reason, keep)


def _backup(conn: sqlite3.Connection, db_path: Path, reason: str, keep: int) -> Path:
    folder = backups_dir(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(os_error_message(exc, folder / "x")) from exc
    dest = unique_path(folder, f"{db_path.stem}_{stamp(seconds=True)}_{reason}", db_path.suffix or ".sqlite")
    write_snapshot(conn, dest)  # written to a temporary name, flushed, renamed, then quick_check'ed
    _rotate(db_path, reason, keep)
    return dest


def startup_backup_in_background(db_path: Path) -> threading.Thread:
    """The start-up backup on a thread of its own, through its own read-only connection, so that the window
    answers while the copy is written, flushed and checked (seconds on an old PC's hard disk with an antivirus
    reading every new file). A figure saved meanwhile waits for the copy's read lock or comes after it: the copy
    is one consistent state of the file either way. The caller joins the thread before the program ends."""
    thread = threading.Thread(target=_startup_backup_of, args=(Path(db_path),), name="sao-luu-khoi-dong")
    _STARTUP_BACKUPS[Path(db_path).resolve()] = thread
    thread.start()
    return thread


def wait_for_startup_backup(db_path: Path) -> None:
    """Let the start-up backup of `db_path`, if one is running, finish: before the program ends (a copy cut short
    is thrown away) and before a restore replaces the file (Windows refuses to move a file another connection
    holds open)."""
    thread = _STARTUP_BACKUPS.pop(Path(db_path).resolve(), None)
    if thread is not None:
        thread.join()


_STARTUP_BACKUPS: dict[Path, threading.Thread] = {}  # database -> its start-up backup, until waited for


def _startup_backup_of(db_path: Path) -> None:
    try:
        conn = open_read_only(db_path)
        try:
            _backup(conn, db_path, "khoi-dong", KEEP)
        finally:
            conn.close()
    except (StoreError, sqlite3.Error):
        pass  # never stops the program: the next start tries again, and "Sao lưu ngay" is in the menu


def list_backups(db_path: Path) -> list[Backup]:
    """Backups of this database, newest first."""
    folder = backups_dir(db_path)
    if not folder.is_dir():
        return []
    stem = Path(db_path).stem
    found = []
    for path in folder.iterdir():
        if not path.is_file() or not path.name.startswith(stem + "_") or path.name.endswith(".partial"):
            continue
        parts = path.stem[len(stem) + 1 :].split("_")
        when = None
        if len(parts) >= 3:
            try:
                when = datetime.strptime(f"{parts[0]}_{parts[1]}", "%Y-%m-%d_%H%M%S")
            except ValueError:
                when = None
        found.append(Backup(path, when, parts[2] if len(parts) >= 3 else ""))
    return sorted(found, key=lambda b: b.path.name, reverse=True)


def _rotate(db_path: Path, reason: str, keep: int) -> None:
    same = [b for b in list_backups(db_path) if b.reason == reason]
    for old in same[keep:]:
        try:
            old.path.unlink()
        except OSError:
            pass  # a backup we cannot remove does no harm


def check_backup(path: Path, plan_sha256: str | None = None) -> dict:
    """Refuse a file that is not a sound database of ours (and of the same plan, when given)."""
    path = Path(path)
    check_identity(path)
    problems = quick_check(path)
    if problems:
        raise StoreError(f"Bản sao lưu {path.name} bị hỏng ({problems[0]}). Hãy chọn bản khác.")
    try:
        from ..storage.exchange_store import describe_database  # the receive code: not needed to start

        facts = describe_database(path)
    except Exception as exc:  # any failure to read means: not usable
        raise StoreError(f"Không đọc được bản sao lưu {path.name}: {exc}. Hãy chọn bản khác.") from exc
    if plan_sha256 and facts["plan_sha256"] != plan_sha256:
        raise StoreError(f"Bản sao lưu {path.name} thuộc một kế hoạch khác. Hãy chọn bản khác.")
    return facts


def restore(db_path: Path, backup: Path, plan_sha256: str | None = None) -> Path:
    """Replace the (closed) working database by `backup`, after checking it; return where the old file went.

    The current file (and a leftover journal) is moved into sao-luu/ first, never deleted."""
    db_path, backup = Path(db_path), Path(backup)
    check_backup(backup, plan_sha256)
    wait_for_startup_backup(db_path)
    folder = backups_dir(db_path)
    temporary = db_path.with_name(db_path.name + ".khoi-phuc.partial")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(backup, temporary)
        clear_copy_mark(temporary)  # the copy becomes this PC's working file again
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        if quick_check(temporary):
            raise StoreError(f"Bản chép của {backup.name} kiểm tra không đạt. Tệp đang dùng không bị thay đổi.")
        suffix = db_path.suffix or ".sqlite"
        aside = unique_path(folder, f"{db_path.stem}_{stamp(seconds=True)}_truoc-khi-khoi-phuc", suffix)
        if db_path.exists():
            os.replace(db_path, aside)
            journal = db_path.with_name(db_path.name + "-journal")
            if journal.exists():  # a hot journal must not be replayed onto the restored file
                os.replace(journal, aside.with_name(aside.name + "-journal"))
        os.replace(temporary, db_path)
        fsync_directory(db_path.parent)
        fsync_directory(folder)
    except OSError as exc:
        try:
            temporary.unlink(missing_ok=True)
        except OSError:
            pass
        raise StoreError(os_error_message(exc, db_path)) from exc
    return aside
