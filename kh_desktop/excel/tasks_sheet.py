"""The "Nhiệm vụ" sheet of the Excel export: every "06 rõ" task, one row each, for reading and filtering.

It has no hidden key row, so the importer leaves it alone (tasks change in the program, not in Excel).
"""

from __future__ import annotations

from datetime import date

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..storage.store import Store
from ..storage.task_store import list_tasks
from ..tasks.model import OVERDUE, RECURRENCE_LABELS, STATUS_LABELS
from ..tasks.rules import effective_due, effective_status, gaps, is_due_soon
from .common import HEADER_ROW, SUBTITLE_ROW, TITLE_ROW, Look, merge, put_number, put_text

TASKS_SHEET = "Nhiệm vụ"
COLUMNS = (
    ("STT", 6),
    ("Đơn vị chủ trì", 20),
    ("Mục KH", 8),
    ("Nhiệm vụ (rõ việc)", 60),
    ("Người phụ trách (rõ người)", 20),
    ("Đơn vị phối hợp", 18),
    ("Thời hạn (rõ thời gian)", 13),
    ("Lặp lại", 10),
    ("Sản phẩm (rõ sản phẩm)", 26),
    ("Thẩm quyền", 16),
    ("Trạng thái", 15),
    ("Tiến độ", 9),
    ("Chỉ tiêu", 12),
    ("Còn thiếu (06 rõ)", 22),
    ("Ghi chú", 28),
    ("Mã nhiệm vụ", 34),
)
_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDE7F0")
_OVERDUE_FILL = PatternFill("solid", fgColor="FEE2E2")
_SOON_FILL = PatternFill("solid", fgColor="FEF3C7")
_GAP_FILL = PatternFill("solid", fgColor="FDE68A")
_WRAP = Alignment(wrap_text=True, vertical="top")
TITLE = Look(font=Font(bold=True, size=13), alignment=Alignment(horizontal="center"))
SUBTITLE = Look(font=Font(italic=True), alignment=Alignment(horizontal="center"))
HEAD = Look(
    font=Font(bold=True),
    fill=_HEAD_FILL,
    border=_BORDER,
    alignment=Alignment(wrap_text=True, vertical="center", horizontal="center"),
)
CELL = Look(border=_BORDER, alignment=_WRAP)
OVERDUE_CELL = Look(border=_BORDER, alignment=_WRAP, fill=_OVERDUE_FILL)
SOON_CELL = Look(border=_BORDER, alignment=_WRAP, fill=_SOON_FILL)
GAP_CELL = Look(border=_BORDER, alignment=_WRAP, fill=_GAP_FILL)


def write_tasks_sheet(ws, store: Store, today: date) -> None:
    plan = store.plan
    last = len(COLUMNS)
    put_text(ws, TITLE_ROW, 1, "BẢNG PHÂN CÔNG NHIỆM VỤ THỰC HIỆN KẾ HOẠCH (NGUYÊN TẮC “06 RÕ”)")
    put_text(ws, SUBTITLE_ROW, 1, f"Tình hình đến ngày {today.strftime('%d/%m/%Y')}")
    for row in (TITLE_ROW, SUBTITLE_ROW):
        merge(ws, row, 1, row, last)
    TITLE.apply(ws.cell(row=TITLE_ROW, column=1))
    SUBTITLE.apply(ws.cell(row=SUBTITLE_ROW, column=1))
    for column, (title, width) in enumerate(COLUMNS, 1):
        put_text(ws, HEADER_ROW, column, title, HEAD)
        ws.column_dimensions[get_column_letter(column)].width = width
    row = HEADER_ROW + 1  # no hidden key row on this sheet: data right under the header
    for number, task in enumerate(list_tasks(store), 1):
        status = effective_status(task, today)
        soon = is_due_soon(task, today)
        missing = gaps(task)
        due = effective_due(task, today)
        put_number(ws, row, 1, number)
        put_text(ws, row, 2, plan.unit_by_id(task.unit).name)
        put_text(ws, row, 3, task.source)
        put_text(ws, row, 4, task.title)
        put_text(ws, row, 5, task.person)
        put_text(ws, row, 6, ", ".join(plan.unit_by_id(u).short for u in task.cooperating))
        if due is not None:
            cell = ws.cell(row=row, column=7, value=due)
            cell.number_format = "DD/MM/YYYY"
        put_text(ws, row, 8, RECURRENCE_LABELS.get(task.recurrence, ""))
        put_text(ws, row, 9, task.deliverable)
        put_text(ws, row, 10, task.authority)
        put_text(ws, row, 11, STATUS_LABELS[status] + (" – sắp đến hạn" if soon else ""))
        ws.cell(row=row, column=12, value=task.progress / 100).number_format = "0%"
        put_text(ws, row, 13, ", ".join(task.indicators))
        put_text(ws, row, 14, ", ".join(missing))
        put_text(ws, row, 15, task.notes)
        put_text(ws, row, 16, task.id)
        marked = OVERDUE_CELL if status == OVERDUE else SOON_CELL if soon else CELL
        for column in range(1, last + 1):
            look = marked if column in (7, 11) else GAP_CELL if column == 14 and missing else CELL
            look.apply(ws.cell(row=row, column=column))
        row += 1
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=5)
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(last)}{max(row - 1, HEADER_ROW)}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
