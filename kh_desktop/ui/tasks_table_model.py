"""The task grid of one unit: read-only cells (edits go through the task dialog), judged against `today`.

Overdue and due-soon rows stand out by colour and by a word in the status column; the "06 rõ" column names
what is missing (người phụ trách, thời hạn) so the gap reads without colour too.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor, QFont

from ..domain.plan import Plan
from ..tasks.model import DONE, OVERDUE, RECURRENCE_LABELS, STATUS_LABELS, Task, format_due
from ..tasks.rules import effective_due, effective_status, gaps, is_due_soon

(
    COL_SOURCE,
    COL_TITLE,
    COL_PERSON,
    COL_DUE,
    COL_STATUS,
    COL_PROGRESS,
    COL_DELIVERABLE,
    COL_AUTHORITY,
    COL_COOPERATING,
    COL_INDICATORS,
    COL_GAPS,
) = range(11)
COLUMN_COUNT = 11
TASK_ROLE = Qt.ItemDataRole.UserRole + 1  # the Task
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2  # the judged status code
DUE_SOON_ROLE = Qt.ItemDataRole.UserRole + 3  # bool
GAPS_ROLE = Qt.ItemDataRole.UserRole + 4  # list of missing "rõ"

DUE_SOON_WORD = "sắp đến hạn"
ROW_BACKGROUNDS = {OVERDUE: QColor("#fee2e2"), "due_soon": QColor("#fef3c7"), DONE: QColor("#f0fdf4")}
STATUS_FOREGROUNDS = {OVERDUE: QColor("#991b1b"), "due_soon": QColor("#92400e"), DONE: QColor("#166534")}
GAP_BACKGROUND = QColor("#fde68a")
CONFLICT_BACKGROUND = QColor("#fed7aa")  # two PCs wrote this task differently: a person must choose
CONFLICT_ROLE = Qt.ItemDataRole.UserRole + 5  # the storage Conflict of the task, or None


class TasksTableModel(QAbstractTableModel):
    def __init__(self, plan: Plan, tasks: list[Task] | None = None, today: date | None = None, parent=None):
        super().__init__(parent)
        self.plan = plan
        self.today = today or date.today()
        self._tasks: list[Task] = []
        self._judged: list[tuple[str, bool, list[str], date | None]] = []
        self.conflicts: dict = {}  # task id -> storage Conflict
        self.set_tasks(tasks or [], self.today)

    def set_tasks(self, tasks: list[Task], today: date, conflicts: dict | None = None) -> None:
        """Show `tasks` judged against `today`; `conflicts` (task id -> Conflict) explains the ⚠ marks."""
        self.beginResetModel()
        self.today = today
        self.conflicts = dict(conflicts or {})
        self._tasks = list(tasks)
        self._judged = [
            (effective_status(t, today), is_due_soon(t, today), gaps(t), effective_due(t, today)) for t in tasks
        ]
        self.endResetModel()

    def task_at(self, row: int) -> Task | None:
        return self._tasks[row] if 0 <= row < len(self._tasks) else None

    def row_of(self, task_id: str) -> int:
        return next((n for n, t in enumerate(self._tasks) if t.id == task_id), -1)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._tasks)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return section + 1 if 0 <= section < len(self._tasks) else None
        headers = [
            "Mục KH",
            "Nhiệm vụ",
            "Người phụ trách",
            "Thời hạn",
            "Trạng thái",
            "Tiến độ",
            "Sản phẩm",
            "Thẩm quyền",
            "Phối hợp",
            "Chỉ tiêu",
            "06 rõ",
        ]
        return headers[section] if 0 <= section < COLUMN_COUNT else None

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._tasks) or not 0 <= index.column() < COLUMN_COUNT:
            return None
        task = self._tasks[index.row()]
        status, soon, missing, due = self._judged[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._text(task, column, status, soon, missing, due)
            if role == Qt.ItemDataRole.ToolTipRole:
                if column == COL_STATUS and task.conflict_id:
                    return self._conflict_tooltip(task, text)
                if column == COL_TITLE:
                    return task.title + (f"\n\n{task.notes}" if task.notes else "")
                return text or None
            return text
        if role == TASK_ROLE:
            return task
        if role == CONFLICT_ROLE:
            return self.conflicts.get(task.id)
        if role == STATUS_ROLE:
            return status
        if role == DUE_SOON_ROLE:
            return soon
        if role == GAPS_ROLE:
            return list(missing)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(task, column, status, soon, missing)
        if role == Qt.ItemDataRole.ForegroundRole and column in (COL_STATUS, COL_DUE):
            key = OVERDUE if status == OVERDUE else "due_soon" if soon else status
            return STATUS_FOREGROUNDS.get(key)
        if role == Qt.ItemDataRole.FontRole and column == COL_STATUS and (status == OVERDUE or soon):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (COL_SOURCE, COL_DUE, COL_PROGRESS, COL_INDICATORS):
                return int(Qt.AlignmentFlag.AlignCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _background(task: Task, column: int, status: str, soon: bool, missing: list[str]):
        """A gap marks its own cell; a conflict marks the status; otherwise overdue, due soon and done mark the row."""
        if column == COL_STATUS and task.conflict_id:
            return CONFLICT_BACKGROUND
        gap_cells = {COL_GAPS: bool(missing), COL_PERSON: "thiếu người phụ trách" in missing}
        gap_cells[COL_DUE] = "thiếu thời hạn" in missing
        if gap_cells.get(column):
            return GAP_BACKGROUND
        if status == OVERDUE:
            return ROW_BACKGROUNDS[OVERDUE]
        if soon:
            return ROW_BACKGROUNDS["due_soon"]
        return ROW_BACKGROUNDS[DONE] if status == DONE else None

    def _conflict_tooltip(self, task: Task, status_text: str) -> str:
        conflict = self.conflicts.get(task.id)
        lines = [status_text, "⚠ Xung đột: hai máy sửa nhiệm vụ này khác nhau; đang tạm dùng bản thứ nhất."]
        if conflict is not None:
            for label, side in (("Đang dùng", conflict.current), ("Máy khác gửi", conflict.other)):
                when = side.entered_at[:16].replace("T", " ")
                lines.append(f"{label}: {side.value} — {side.entered_by or '(không ghi tên)'}, {when}, {side.pc_label}")
            lines.append(
                "Nhấn chuột phải → “Xử lý xung đột…” để chọn bản giữ lại." if conflict.can_settle else conflict.why_not
            )
        return "\n".join(lines)

    def _text(self, task: Task, column: int, status: str, soon: bool, missing: list[str], due) -> str:
        if column == COL_SOURCE:
            return task.source
        if column == COL_TITLE:
            return task.title
        if column == COL_PERSON:
            return task.person
        if column == COL_DUE:
            text = format_due(due)
            if task.recurrence:
                text = f"{text} ({RECURRENCE_LABELS[task.recurrence]})" if text else RECURRENCE_LABELS[task.recurrence]
            return text
        if column == COL_STATUS:
            label = STATUS_LABELS[status]
            if soon:
                label += f" – {DUE_SOON_WORD}"
            if task.conflict_id:
                label += " ⚠ xung đột"
            return label
        if column == COL_PROGRESS:
            return f"{task.progress}%"
        if column == COL_DELIVERABLE:
            return task.deliverable
        if column == COL_AUTHORITY:
            return task.authority
        if column == COL_COOPERATING:
            return ", ".join(self.plan.unit_by_id(u).short for u in task.cooperating)
        if column == COL_INDICATORS:
            return ", ".join(task.indicators)
        if column == COL_GAPS:
            return "Thiếu: " + ", ".join(m.removeprefix("thiếu ") for m in missing) if missing else "✔"
        return ""


# Filters offered above the grid: (key, label). Keys other than "all"/"due_soon"/"gaps" are status codes.
FILTERS = [
    ("all", "Tất cả"),
    (OVERDUE, "Quá hạn"),
    ("due_soon", "Sắp đến hạn"),
    ("gaps", "Thiếu người phụ trách / thời hạn"),
    ("not_started", "Chưa bắt đầu"),
    ("in_progress", "Đang thực hiện"),
    (DONE, "Hoàn thành"),
]


class TasksFilterModel(QSortFilterProxyModel):
    """Rows of one judged status (or due soon, or with 06-rõ gaps)."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.wanted = "all"

    def set_wanted(self, key: str) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10 and later
            self.beginFilterChange()
            self.wanted = key
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.wanted = key
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row, source_parent) -> bool:  # noqa: N802 - Qt API
        if self.wanted == "all":
            return True
        index = self.sourceModel().index(source_row, 0, source_parent)
        if self.wanted == "due_soon":
            return bool(index.data(DUE_SOON_ROLE))
        if self.wanted == "gaps":
            return bool(index.data(GAPS_ROLE))
        return index.data(STATUS_ROLE) == self.wanted
