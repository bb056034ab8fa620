"""Checks a received workbook must pass before openpyxl reads it (data-safety.md: hostile until checked)."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..domain.errors import os_reason
from .common import ExcelError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_UNCOMPRESSED = 100 * 1024 * 1024
MAX_MEMBER_UNCOMPRESSED = 50 * 1024 * 1024
MAX_RATIO = 100  # a real xlsx part compresses 5–20×; bombs compress 1000× and more
MAX_MEMBERS = 2_000
_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")  # old .xls (and password-protected .xlsx)


def check_workbook_file(path: Path | str) -> None:
    """Refuse, with a specific Vietnamese message, anything but a reasonable .xlsx file."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as exc:
        raise ExcelError(f"Không đọc được tệp {name}: {os_reason(exc)}.") from exc
    if head.startswith(_OLE2) or path.suffix.lower() == ".xls":
        raise ExcelError(
            f"Tệp {name} là định dạng Excel cũ (.xls) hoặc có đặt mật khẩu. Hãy mở bằng Excel, "
            "bỏ mật khẩu nếu có, rồi lưu lại dạng “Excel Workbook (*.xlsx)”."
        )
    if size > MAX_FILE_BYTES:
        raise ExcelError(f"Tệp {name} quá lớn ({size // (1024 * 1024)} MB); tệp số liệu của xã chỉ vài chục KB.")
    if not head.startswith(b"PK") or not zipfile.is_zipfile(path):
        raise ExcelError(f"Tệp {name} không phải tệp Excel (.xlsx) hoặc đã bị hỏng.")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_MEMBERS:
                raise ExcelError(f"Tệp {name} có quá nhiều thành phần ({len(infos)}): không nhận.")
            total = 0
            for info in infos:
                total += info.file_size
                ratio = info.file_size / max(info.compress_size, 1)
                if info.file_size > MAX_MEMBER_UNCOMPRESSED or (info.file_size > 1024 * 1024 and ratio > MAX_RATIO):
                    raise ExcelError(
                        f"Tệp {name} có thành phần nén bất thường ({info.filename}: bung ra "
                        f"{info.file_size // (1024 * 1024)} MB). Có thể là “bom nén”: không nhận."
                    )
            if total > MAX_TOTAL_UNCOMPRESSED:
                raise ExcelError(
                    f"Tệp {name} bung ra quá lớn ({total // (1024 * 1024)} MB). Có thể là “bom nén”: không nhận."
                )
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise ExcelError(f"Tệp {name} không phải bảng tính Excel (.xlsx) hợp lệ.")
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")):
                    _check_xml(archive, info, name)
    except zipfile.BadZipFile as exc:
        raise ExcelError(f"Tệp {name} không phải tệp Excel (.xlsx) hoặc đã bị hỏng.") from exc


def _check_xml(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> None:
    """No DTDs: Excel never writes them, and entity declarations are how XML bombs work."""
    with archive.open(info) as member:
        data = member.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise ExcelError(f"Tệp {name} khai báo sai kích thước thành phần {info.filename}: không nhận.")
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ExcelError(
            f"Tệp {name} chứa khai báo XML (DOCTYPE/ENTITY) mà Excel không bao giờ tạo: có thể là tệp độc hại, không nhận."
        )
