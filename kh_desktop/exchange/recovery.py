"""What to do at start when the working database does not open (data-safety.md, "At start").

Plain functions, no Qt: the window (ui/app.py) shows their Vietnamese messages and asks the one question.

- A damaged file of ours (quick_check fails, or its first page no longer says SQLite while backups of it exist):
  the damaged file is kept aside in sao-luu/ under a name that rotation never removes, and the newest backup that
  passes its check replaces it. With no good backup, nothing is touched until the person chooses to start an
  empty database (`start_fresh`, which also keeps the damaged file aside) or to quit.
- A file that is not ours, or is from a newer version of the program: refused, never touched.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..storage.files import SQLITE_MAGIC, StoreError, fsync_directory, os_error_message, quick_check, read_header
from ..storage.schema import APPLICATION_ID, SCHEMA_VERSION
from ..storage.store import Store
from .backups import Backup, check_backup, list_backups, restore
from .folders import backups_dir, stamp, unique_path

OPENED, RESTORED, NO_BACKUP, REFUSED = "opened", "restored", "no_backup", "refused"
DAMAGED_PREFIX = "tep-hong"  # sao-luu/tep-hong_<db stem>_<stamp>.sqlite: not a backup, never rotated away


@dataclass
class StartOutcome:
    """How the working database was (or was not) opened at start, with what to tell the person."""

    status: str  # OPENED, RESTORED, NO_BACKUP, REFUSED
    store: Store | None = None
    message: str = ""  # Vietnamese, for a message box ("" when OPENED)
    problem: str = ""  # what was wrong with the file
    damaged_aside: Path | None = None  # where the damaged file now is
    backup: Backup | None = None  # the backup restored
    backup_facts: dict = field(default_factory=dict)
    skipped: list[tuple[Path, str]] = field(default_factory=list)  # backups that failed their check, and why


def _looks_damaged(path: Path) -> tuple[bool, str]:
    """(damaged?, why) for a file Store.open refused: identity first (a foreign or newer file is not damaged)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(100)
    except OSError as exc:
        return False, os_error_message(exc, path)
    if not head.startswith(SQLITE_MAGIC) or len(head) < 100:
        # Our header scribbled over, or a file that was never ours: only backups of this database tell them apart.
        return bool(list_backups(path)), "phần đầu tệp không còn đọc được (không còn là tệp SQLite)"
    application_id, version = read_header(path)
    if application_id != APPLICATION_ID or version > SCHEMA_VERSION:
        return False, ""
    problems = quick_check(path)
    if problems:
        return True, f"kiểm tra toàn vẹn không đạt, SQLite báo “{problems[0]}”"
    return False, ""


def open_at_start(path: Path | str) -> StartOutcome:
    """Open the working database; restore the newest good backup if the file is damaged (see module docstring)."""
    path = Path(path)
    try:
        return StartOutcome(OPENED, Store.open(path))
    except StoreError as exc:
        error = str(exc)
    damaged, problem = _looks_damaged(path)
    if not damaged:
        return StartOutcome(REFUSED, message=_refusal_message(path, error), problem=error)
    skipped: list[tuple[Path, str]] = []
    candidates = [b for b in list_backups(path) if b.path.suffix != ".partial"]
    for backup in candidates:
        try:
            facts = check_backup(backup.path)
        except StoreError as exc:
            skipped.append((backup.path, str(exc)))
            continue
        aside = keep_damaged_aside(path)
        try:
            restore(path, backup.path)
            store = Store.open(path)
        except StoreError as exc:  # the copy failed its check after all: put nothing half-done in place
            skipped.append((backup.path, str(exc)))
            _put_back(aside, path)
            continue
        outcome = StartOutcome(
            RESTORED, store, problem=problem, damaged_aside=aside, backup=backup, backup_facts=facts, skipped=skipped
        )
        outcome.message = _restored_message(outcome)
        return outcome
    outcome = StartOutcome(NO_BACKUP, problem=problem, skipped=skipped)
    outcome.message = _no_backup_message(path, outcome)
    return outcome


def keep_damaged_aside(path: Path) -> Path:
    """Move the damaged file (and a journal beside it) into sao-luu/ under a name that is never rotated away."""
    path = Path(path)
    folder = backups_dir(path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        aside = unique_path(folder, f"{DAMAGED_PREFIX}_{path.stem}_{stamp(seconds=True)}", path.suffix or ".sqlite")
        os.replace(path, aside)
        journal = path.with_name(path.name + "-journal")
        if journal.exists():
            os.replace(journal, aside.with_name(aside.name + "-journal"))
        fsync_directory(folder)
        fsync_directory(path.parent)
    except OSError as exc:
        raise StoreError(os_error_message(exc, path)) from exc
    return aside


def start_fresh(path: Path | str) -> Path:
    """Make room for a new empty database: the damaged file goes aside (never deleted). Returns where it went."""
    return keep_damaged_aside(Path(path))


def _put_back(aside: Path, path: Path) -> None:
    try:
        if not path.exists():
            os.replace(aside, path)
    except OSError:
        pass  # the damaged file stays in sao-luu: still kept


def _when(backup: Backup) -> str:
    return backup.when_label or backup.path.name


def _restored_message(outcome: StartOutcome) -> str:
    backup, facts = outcome.backup, outcome.backup_facts
    lines = [
        "Tệp dữ liệu trên máy này bị hỏng nên chương trình đã tự khôi phục từ bản sao lưu gần nhất còn tốt.",
        "",
        f"Lỗi phát hiện: {outcome.problem}.",
        f"Tệp hỏng được giữ lại (không xóa) ở:\n{outcome.damaged_aside}",
        "",
        f"Đã khôi phục từ bản sao lưu lập lúc {_when(backup)} ({backup.reason_label}), "
        f"có {facts.get('figures', 0)} số liệu:\n{backup.path.name}",
    ]
    if outcome.skipped:
        lines.append(f"({len(outcome.skipped)} bản sao lưu mới hơn cũng bị hỏng nên không dùng được.)")
    lines += [
        "",
        f"Các số liệu và nhiệm vụ nhập hoặc nhận sau {_when(backup)} không có trong bản sao lưu này: "
        "hãy kiểm tra lại và nhập lại. Số liệu đã gửi về Văn phòng có thể lấy lại bằng cách nhận tệp tổng hợp "
        "Văn phòng gửi xuống.",
    ]
    return "\n".join(lines)


def _no_backup_message(path: Path, outcome: StartOutcome) -> str:
    lines = [
        f"Tệp dữ liệu {path} bị hỏng ({outcome.problem}).",
        "",
        "Không có bản sao lưu nào còn dùng được để khôi phục"
        + (f" ({len(outcome.skipped)} bản sao lưu cũng bị hỏng)." if outcome.skipped else " (chưa có bản sao lưu)."),
        "",
        "Có thể tạo tệp dữ liệu mới (trống) để tiếp tục làm việc: tệp hỏng được giữ lại trong thư mục sao-luu, "
        "không bị xóa, để cán bộ kỹ thuật xem lại. Số liệu đã gửi về Văn phòng có thể nhận lại từ tệp tổng hợp "
        "Văn phòng gửi xuống. Hoặc thoát để nhờ cán bộ kỹ thuật trước (tệp hỏng giữ nguyên chỗ cũ).",
    ]
    return "\n".join(lines)


def _refusal_message(path: Path, error: str) -> str:
    # The store's own message says what the file is and that it was not changed; add what happens next.
    return f"{error}\n\nChương trình sẽ đóng lại; tệp {path.name} được giữ nguyên."
