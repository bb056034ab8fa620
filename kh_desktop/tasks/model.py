"""A task of the register and the parsing of what a person types into one.

Status is stored as one of three words a person chooses (chưa bắt đầu, đang thực hiện, hoàn thành);
"quá hạn" is never stored: it is judged from the deadline and the day (rules.py), so a task does not
need anyone to notice that its date has passed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

from ..domain.evaluation import ValueRefused
from ..domain.plan import normalize_name

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
DONE = "done"
OVERDUE = "overdue"  # judged, never stored

STATUS_LABELS = {
    NOT_STARTED: "chưa bắt đầu",
    IN_PROGRESS: "đang thực hiện",
    DONE: "hoàn thành",
    OVERDUE: "quá hạn",
}
STORED_STATUSES = (NOT_STARTED, IN_PROGRESS, DONE)
STATUS_ORDER = (OVERDUE, NOT_STARTED, IN_PROGRESS, DONE)

QUARTERLY = "quarterly"
YEARLY = "yearly"
RECURRENCE_LABELS = {QUARTERLY: "hằng quý", YEARLY: "hằng năm"}

# The fields a person may change, with the Vietnamese words used in messages and history.
FIELD_LABELS = {
    "title": "nhiệm vụ",
    "person": "người phụ trách",
    "unit": "đơn vị chủ trì",
    "cooperating": "đơn vị phối hợp",
    "due": "thời hạn",
    "recurrence": "lặp lại",
    "deliverable": "sản phẩm",
    "authority": "thẩm quyền",
    "status": "trạng thái",
    "progress": "tiến độ",
    "notes": "ghi chú",
    "indicators": "chỉ tiêu",
}

MAX_TEXT = 4000


class TaskRefused(ValueRefused):
    """A task change refused; str() is Vietnamese and says what to do. Nothing was written."""


@dataclass(frozen=True)
class Task:
    """The current state of one task (one revision of it)."""

    id: str
    unit: str
    title: str
    person: str = ""
    cooperating: tuple[str, ...] = ()
    due: date | None = None
    recurrence: str | None = None
    deliverable: str = ""
    authority: str = ""
    status: str = NOT_STARTED
    progress: int = 0
    notes: str = ""
    indicators: tuple[str, ...] = ()
    source: str = ""  # where in the plan it comes from, e.g. "IV.1.4"; empty for tasks added later
    ordinal: int | None = None  # the plan's order for seeded tasks
    revision_id: str = ""
    conflict_id: str | None = None
    entered_by: str = ""
    entered_at: str = ""
    pc_id: str = ""

    def with_changes(self, **changes) -> Task:
        return replace(self, **changes)


# ---- parsing what a person types -----------------------------------------------------------


def clean_text(text, *, one_line: bool = False) -> str:
    """NFC, control characters dropped, trimmed; refuse text too long to be a task field."""
    if text is None:
        return ""
    text = unicodedata.normalize("NFC", str(text))
    keep = "\n" if not one_line else ""
    text = "".join(ch for ch in text if ch in keep or ch >= " ").strip()
    if len(text) > MAX_TEXT:
        raise TaskRefused(f"Nội dung quá dài ({len(text)} ký tự, tối đa {MAX_TEXT}).")
    return text


def parse_due(text) -> date | None:
    """A deadline as 2026-09-30 or 30/09/2026; empty means no deadline."""
    if text is None or isinstance(text, date):
        return text
    text = str(text).strip()
    if not text:
        return None
    try:
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
            year, month, day = (int(g) for g in match.groups())
        elif match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text):
            day, month, year = (int(g) for g in match.groups())
        else:
            raise ValueError(text)
        value = date(year, month, day)
    except ValueError:
        raise TaskRefused(
            f"Thời hạn “{text}” không phải là ngày hợp lệ. Hãy viết theo dạng 2026-09-30 (năm-tháng-ngày) "
            "hoặc 30/09/2026."
        ) from None
    if not 2000 <= value.year <= 2100:
        raise TaskRefused(f"Thời hạn “{text}” nằm ngoài khoảng năm hợp lý.")
    return value


def format_due(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


_STATUS_WORDS = {
    **{normalize_name(label): code for code, label in STATUS_LABELS.items()},
    **{normalize_name(code.replace("_", " ")): code for code in STATUS_LABELS},
    "chua bat dau": NOT_STARTED,
    "dang thuc hien": IN_PROGRESS,
    "hoan thanh": DONE,
    "qua han": OVERDUE,
}


def status_code(text, *, judged: bool = True) -> str:
    """The status a word names; `judged` allows "quá hạn" (for filtering, not for storing)."""
    code = _STATUS_WORDS.get(normalize_name(str(text or "")).replace("_", " "))
    if code is None:
        shown = STATUS_LABELS if judged else {c: STATUS_LABELS[c] for c in STORED_STATUSES}
        raise TaskRefused(f"Trạng thái “{text}” không có. Chọn một trong: {', '.join(shown.values())}.")
    return code


def parse_status(text) -> str:
    code = status_code(text, judged=False) if normalize_name(str(text or "")) != "quá hạn" else OVERDUE
    if code == OVERDUE:
        raise TaskRefused(
            "“Quá hạn” do chương trình tự xác định từ thời hạn và ngày hôm nay, không chọn bằng tay. "
            "Hãy đặt trạng thái thật (chưa bắt đầu, đang thực hiện, hoàn thành) hoặc sửa thời hạn."
        )
    return code


_RECURRENCE_WORDS = {
    "": None,
    "khong": None,
    "không": None,
    "none": None,
    "quarterly": QUARTERLY,
    "hang quy": QUARTERLY,
    "hằng quý": QUARTERLY,
    "hàng quý": QUARTERLY,
    "yearly": YEARLY,
    "hang nam": YEARLY,
    "hằng năm": YEARLY,
    "hàng năm": YEARLY,
}


def parse_recurrence(text) -> str | None:
    key = normalize_name(str(text or ""))
    if key not in _RECURRENCE_WORDS:
        raise TaskRefused(f"Lặp lại “{text}” không có. Chọn: hằng quý, hằng năm, hoặc để trống (không lặp).")
    return _RECURRENCE_WORDS[key]


def parse_progress(text) -> int:
    raw = str(text if text is not None else "").strip().removesuffix("%").strip()
    try:
        value = int(raw) if raw else 0
    except ValueError:
        raise TaskRefused(f"Tiến độ “{text}” phải là một số nguyên từ 0 đến 100 (phần trăm).") from None
    if not 0 <= value <= 100:
        raise TaskRefused(f"Tiến độ {value}% nằm ngoài 0–100%.")
    return value


def split_list(text) -> list[str]:
    """Comma- or semicolon-separated words, or a list already."""
    if text is None:
        return []
    if isinstance(text, (list, tuple)):
        return [str(t).strip() for t in text if str(t).strip()]
    return [part.strip() for part in re.split(r"[,;]", str(text)) if part.strip()]
