"""The one base class of errors whose message is for the person."""

from __future__ import annotations

import errno


class UserError(Exception):
    """Something the person can act on: str() is a whole Vietnamese sentence, shown as it is (no traceback).

    Each front end catches it in one place: the command line in cli/main.py (message, exit code 2), the window
    in ui/app.py's error hook (a message box) besides the views that show it where the person is typing.
    """


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
    """Why an OSError happened, in Vietnamese: never the system's English words (strerror)."""
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
