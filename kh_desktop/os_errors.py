"""What the operating system or SQLite refused, in Vietnamese (their own words are English)."""

from __future__ import annotations

import errno
import sqlite3

_REASONS = {
    errno.ENOENT: "không tìm thấy tệp hoặc thư mục",
    errno.EACCES: "không có quyền (tệp đang mở ở chương trình khác, hoặc thư mục không cho ghi)",
    errno.EPERM: "không có quyền",
    errno.EISDIR: "đây là một thư mục, không phải tệp",
    errno.ENOTDIR: "một phần của đường dẫn không phải thư mục",
    errno.ENOSPC: "ổ đĩa đã đầy",
    errno.EROFS: "ổ đĩa chỉ cho phép đọc",
    errno.EIO: "lỗi đọc ghi ổ đĩa (ổ hỏng hoặc đã rút)",
    errno.ENAMETOOLONG: "tên tệp hoặc đường dẫn quá dài",
    errno.EINVAL: "tên tệp không hợp lệ",
    errno.EEXIST: "tệp đã có",
    errno.EBUSY: "tệp đang được chương trình khác dùng",
    errno.EMFILE: "mở quá nhiều tệp cùng lúc",
    errno.ENODEV: "không còn thiết bị (USB đã rút?)",
    errno.EXDEV: "không chuyển được tệp sang ổ đĩa khác",
}


def os_reason(exc: OSError) -> str:
    """Why an OSError happened, in Vietnamese; never the system's English text."""
    if isinstance(exc, IsADirectoryError):
        return _REASONS[errno.EISDIR]
    reason = _REASONS.get(exc.errno)
    if reason:
        return reason
    winerror = getattr(exc, "winerror", None)
    if winerror in (32, 33):  # ERROR_SHARING_VIOLATION, ERROR_LOCK_VIOLATION
        return _REASONS[errno.EBUSY]
    code = winerror or exc.errno
    return f"lỗi hệ thống{f' (mã {code})' if code else ''}"


def sqlite_reason(exc: sqlite3.Error) -> str:
    """Why SQLite refused, in Vietnamese."""
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
