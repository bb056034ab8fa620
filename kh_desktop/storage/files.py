"""Recognising our database files before anything writes to them, and writing copies safely."""

from __future__ import annotations

import errno
import os
import sqlite3
import struct
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ..domain.errors import UserError, os_reason
from .schema import APPLICATION_ID, SCHEMA_VERSION

T = TypeVar("T")

SQLITE_MAGIC = b"SQLite format 3\x00"
# A copy the program writes (a backup, an exchange file) says so in its meta table: opened with --db
# it may be read and checked, never written (a figure set there would be lost, or sent as another PC's).
COPY_ROLE_KEY = "file_role"
BACKUP_ROLE = "backup"
EXCHANGE_MANIFEST = "exchange_manifest"  # every exchange file has this table; a working database never does


class StoreError(UserError):
    """A database problem told to the user; str() is Vietnamese and says what to do."""


def read_header(path: Path) -> tuple[int, int]:
    """(application_id, user_version) from the 100-byte header, or StoreError if not SQLite."""
    if Path(path).is_dir():
        raise StoreError(folder_message(Path(path)))
    try:
        with open(path, "rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        raise StoreError(f"Không tìm thấy tệp dữ liệu {path}.") from None
    except OSError as exc:
        raise StoreError(f"Không đọc được tệp {path}: {os_reason(exc)}.") from exc
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise StoreError(
            f"Tệp {path} không phải là tệp dữ liệu của Kiến Hải Tiến độ (có thể là tệp khác hoặc đã bị hỏng). "
            "Tệp không bị thay đổi."
        )
    user_version, application_id = struct.unpack(">I", header[60:64])[0], struct.unpack(">I", header[68:72])[0]
    return application_id, user_version


def check_identity(path: Path) -> int:
    """Refuse a file that is not ours or is from a newer program; return its schema version."""
    application_id, user_version = read_header(path)
    if application_id != APPLICATION_ID:
        raise StoreError(
            f"Tệp {path} là cơ sở dữ liệu SQLite nhưng không phải của Kiến Hải Tiến độ. Tệp không bị thay đổi."
        )
    if user_version > SCHEMA_VERSION:
        raise StoreError(
            f"Tệp {path} được tạo bởi phiên bản mới hơn của chương trình (lược đồ {user_version}, "
            f"chương trình này đọc được đến {SCHEMA_VERSION}). Hãy cập nhật chương trình. Tệp không bị thay đổi."
        )
    return user_version


def folder_message(path: Path) -> str:
    return (
        f"“{path}” là một thư mục, không phải tệp dữ liệu. Hãy chỉ tới tệp dữ liệu trong thư mục đó "
        "(ví dụ kien-hai-tien-do.sqlite)."
    )


def copy_role(conn: sqlite3.Connection) -> str | None:
    """ "backup" or "exchange" when the open database is a copy the program wrote, else None."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if EXCHANGE_MANIFEST in tables:
        return "exchange"
    if "meta" in tables:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", [COPY_ROLE_KEY]).fetchone()
        if row and row[0]:
            return str(row[0])
    return None


def not_working_message(path: Path, role: str) -> str:
    """Why a copy is not written to, and what to do instead (Vietnamese)."""
    if role == "exchange":
        return (
            f"Tệp {path} là tệp gửi số liệu (tệp trao đổi), không phải tệp dữ liệu đang dùng: chỉ xem được, "
            f'không ghi vào. Hãy nhận tệp này vào tệp dữ liệu của máy bằng lệnh receive: kh-desktop receive "{path}".'
        )
    return (
        f"Tệp {path} là bản sao lưu, không phải tệp dữ liệu đang dùng: chỉ xem được, không ghi vào. "
        f'Muốn dùng lại bản này, hãy khôi phục bằng lệnh restore: kh-desktop restore "{path}".'
    )


def clear_copy_mark(path: Path) -> None:
    """Make a restored backup a working file again (restore calls this on its copy before putting it in place)."""
    try:
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("DELETE FROM meta WHERE key = ?", [COPY_ROLE_KEY])
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(
            f"Không chép được bản sao lưu: {sqlite_reason(exc)}. Tệp đang dùng không bị thay đổi."
        ) from exc


def open_read_only(path: Path) -> sqlite3.Connection:
    """A read-only connection with defensive settings, for checking a file we do not trust yet."""
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    try:
        conn.execute("PRAGMA trusted_schema = OFF")
        conn.execute("PRAGMA query_only = ON")
        if hasattr(conn, "setconfig"):
            conn.setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)
    except sqlite3.DatabaseError:
        conn.close()
        raise
    return conn


def roll_back_interrupted_write(path: Path) -> None:
    """Undo a write that was cut short (power loss, a killed program) before anything checks the file.

    Such a write leaves a hot journal beside the file. Only a read-write connection may roll it back; a
    read-only check would fail with "attempt to write a readonly database" and call a sound file damaged.
    Reading once through an ordinary connection makes SQLite roll the journal back. Only for our own working
    file: a received file is never opened read-write.
    """
    if not Path(f"{path}-journal").exists():
        return
    try:
        conn = sqlite3.connect(path, timeout=10)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        pass  # quick_check then reports what is wrong


def quick_check(path: Path) -> list[str]:
    """Problems SQLite's quick_check finds; an empty list when the file is sound."""
    try:
        conn = open_read_only(path)
        try:
            rows = [r[0] for r in conn.execute("PRAGMA quick_check")]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def fsync_directory(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a directory for fsync; rename is durable there
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish(temporary: Path, dest: Path) -> None:
    """Make a fully written temporary file the file at `dest`: flushed to disk, renamed into place, and the
    rename itself flushed, so a power cut leaves either the old file or the whole new one."""
    with open(temporary, "rb+") as handle:
        os.fsync(handle.fileno())
    os.replace(temporary, dest)
    fsync_directory(dest.parent)


# ---- the one place SQLite and OS errors become messages for the person -------------------------------------


def write_error_message(exc: sqlite3.DatabaseError, path: Path) -> str:
    """The message for SQLite failing to write to the working file at `path` (its transaction rolled back)."""
    message = str(exc).lower()
    if "readonly" in message or "read-only" in message:
        return f"Tệp dữ liệu {path} chỉ cho phép đọc: không ghi được. Số liệu cũ vẫn còn nguyên."
    if "full" in message:
        return "Ổ đĩa đã đầy: số liệu vừa nhập chưa được ghi. Hãy giải phóng chỗ trống rồi nhập lại."
    if "locked" in message:
        return "Tệp dữ liệu đang bận (một cửa sổ khác đang ghi). Hãy thử lại sau giây lát."
    if "i/o error" in message:
        # SQLite says only "disk I/O error" for a write the system refused (a disk or file size limit reached,
        # a failing disk, a pulled USB stick); its transaction was rolled back.
        return (
            "Ổ đĩa không cho ghi thêm (ổ đầy, giới hạn dung lượng tệp, hoặc ổ bị lỗi): số liệu vừa nhập chưa được "
            "ghi. Số liệu cũ vẫn còn nguyên. Hãy giải phóng chỗ trống hoặc kiểm tra ổ đĩa rồi nhập lại."
        )
    return f"Không ghi được vào tệp dữ liệu: {sqlite_reason(exc)}. Số liệu cũ vẫn còn nguyên."


def os_error_message(exc: OSError, dest: Path) -> str:
    if exc.errno == errno.ENOSPC:
        return f"Ổ đĩa chứa {dest.parent} đã đầy. Hãy giải phóng chỗ trống hoặc chọn nơi khác. Dữ liệu không bị mất."
    if exc.errno in (errno.ENOENT, errno.ENODEV, errno.EIO):
        return (
            f"Không ghi được vào {dest.parent}: thư mục không còn (USB đã rút?). "
            "Hãy cắm lại và thử lại. Dữ liệu không bị mất."
        )
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Không có quyền ghi vào {dest.parent}. Hãy chọn nơi khác. Dữ liệu không bị mất."
    return f"Không ghi được {dest}: {os_reason(exc)}. Dữ liệu không bị mất."


def write_failure(exc: sqlite3.Error, dest: Path, what: str) -> StoreError:
    """The message for SQLite failing to write a copy (`what`: "bản sao", "tệp gửi") at `dest`."""
    # The folder went away while writing (a pulled USB stick), perhaps plugged in again, empty, before SQLite
    # noticed: either way the copy being written is gone.
    if not dest.parent.is_dir() or not dest.with_name(dest.name + ".partial").exists():
        return StoreError(os_error_message(FileNotFoundError(errno.ENOENT, "gone"), dest))
    text = str(exc).lower()
    if "full" in text:
        reason = "ổ đĩa đã đầy"
    elif "i/o error" in text:
        reason = "lỗi đọc ghi ổ đĩa (ổ hỏng hoặc đã rút)"
    else:
        reason = sqlite_reason(exc)
    return StoreError(f"Không ghi được {what} {dest}: {reason}. Dữ liệu đang dùng không bị ảnh hưởng.")


def copy_database(conn: sqlite3.Connection, dest: Path, what: str, prepare: Callable[[sqlite3.Connection], T]) -> T:
    """A consistent copy of `conn`'s database at `dest`: backup API to a temporary name, `prepare(copy)` (its own
    connection, autocommit: the caller's transactions), flushed to disk and renamed into place. Returns what
    `prepare` returned. `what` names the copy in a failure's Vietnamese message ("bản sao", "tệp gửi")."""
    temporary = dest.with_name(dest.name + ".partial")
    try:
        temporary.unlink(missing_ok=True)
        target = sqlite3.connect(temporary, isolation_level=None)
        try:
            conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
            result = prepare(target)
        finally:
            target.close()
        publish(temporary, dest)
    except OSError as exc:
        discard(temporary)
        raise StoreError(os_error_message(exc, dest)) from exc
    except sqlite3.Error as exc:
        error = write_failure(exc, dest, what)  # before the partial copy goes: whether it vanished tells why
        discard(temporary)
        raise error from exc
    return result


def write_snapshot(conn: sqlite3.Connection, dest: Path, role: str | None = BACKUP_ROLE) -> Path:
    """A consistent copy of `conn`'s database at `dest`, marked as a copy (`role`), then read back and checked."""
    dest = Path(dest)

    def mark(target: sqlite3.Connection) -> None:
        if role:
            target.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", [COPY_ROLE_KEY, role])

    copy_database(conn, dest, "bản sao", mark)
    problems = quick_check(dest)
    if problems:
        raise StoreError(f"Bản sao {dest} kiểm tra không đạt ({problems[0]}). Hãy thử ghi lại vào chỗ khác.")
    return dest


def discard(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass  # the folder itself may be gone (a pulled USB stick)


def sqlite_reason(exc: sqlite3.Error) -> str:
    """Why SQLite refused, in Vietnamese (its own words are English)."""
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return "tệp đang bận (một cửa sổ hoặc chương trình khác đang ghi); hãy thử lại sau giây lát"
    if "readonly" in text or "read-only" in text:
        return "tệp chỉ cho phép đọc"
    if "full" in text:
        return "ổ đĩa đã đầy"
    if "i/o error" in text:
        return "lỗi đọc ghi ổ đĩa (ổ đầy, ổ hỏng hoặc đã rút)"
    if "unable to open" in text:
        return "không mở được tệp (thư mục không có, hoặc không có quyền)"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return "tệp bị hỏng hoặc không phải tệp dữ liệu"
    return f"lỗi cơ sở dữ liệu ({exc})"


def import_write_message(exc: Exception) -> str:
    """Why a received file could not be written into the working database (its transaction rolled back)."""
    if isinstance(exc, sqlite3.IntegrityError):  # a row the checks let through: say so, not SQLite's words
        return (
            "Tệp nhận có dòng số liệu không hợp lệ nên không ghi được; số liệu cũ vẫn còn nguyên. "
            "Hãy xin đơn vị gửi lại tệp."
        )
    if "locked" in str(exc).lower():
        return "Tệp dữ liệu đang bận (một cửa sổ khác đang ghi). Hãy thử lại sau giây lát."
    return f"Không ghi được số liệu nhận vào tệp dữ liệu: {sqlite_reason(exc)}. Số liệu cũ vẫn còn nguyên."
