"""Every revision of one task, newest first: who changed what, when, on which PC."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableView, QVBoxLayout

from ..domain.periods import format_timestamp
from ..domain.plan import Plan
from ..storage.task_store import TaskRevision
from ..tasks.model import RECURRENCE_LABELS, STATUS_LABELS, Task, format_due
from .screen_fit import fit_dialog

HEADERS = ("Thời điểm", "Người ghi", "Người phụ trách", "Thời hạn", "Trạng thái", "Tiến độ", "Sản phẩm", "Ghi chú")


class TaskHistoryModel(QAbstractTableModel):
    def __init__(self, revisions: list[TaskRevision], parent=None):
        super().__init__(parent)
        self._revisions = list(revisions)

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._revisions)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return HEADERS[section] if 0 <= section < len(HEADERS) else None
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._revisions):
            return None
        if role != Qt.ItemDataRole.DisplayRole or not 0 <= index.column() < len(HEADERS):
            return None
        revision = self._revisions[index.row()]
        t: Task = revision.task
        due = format_due(t.due)
        if t.recurrence:
            due = f"{due} ({RECURRENCE_LABELS[t.recurrence]})".strip()
        cells = (
            format_timestamp(t.entered_at) if t.entered_at else "",
            t.entered_by + (" (nhận từ máy khác)" if revision.received_at else ""),
            t.person,
            due,
            "(đã xóa)" if revision.deleted else STATUS_LABELS[t.status],
            f"{t.progress}%",
            t.deliverable,
            t.notes,
        )
        return cells[index.column()]


class TaskHistoryDialog(QDialog):
    def __init__(self, plan: Plan, task: Task, revisions: list[TaskRevision], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Lịch sử nhiệm vụ")
        layout = QVBoxLayout(self)
        title = QLabel(f"<b>{plan.unit_by_id(task.unit).name}</b>: {task.title}")
        title.setWordWrap(True)
        layout.addWidget(title)
        self.model = TaskHistoryModel(revisions, self)
        view = QTableView()
        view.setModel(self.model)
        view.verticalHeader().hide()
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        view.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_dialog(self, 900, 360)
