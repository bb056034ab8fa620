"""The history of one figure: who changed it, when, from what to what. Read-only; built in code."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QHeaderView, QLabel, QTableView, QVBoxLayout

from ..domain.evaluation import format_value
from ..domain.periods import format_timestamp
from ..storage.store import Revision
from .screen_fit import fit_dialog


class HistoryTableModel(QAbstractTableModel):
    """Revisions of a figure, newest first, each with the value it replaced."""

    COLUMNS = 6

    def __init__(self, revisions: list[Revision], parent=None):
        super().__init__(parent)
        self._revisions = list(revisions)
        by_id = {r.id: r for r in revisions}
        self._old = [by_id.get(r.supersedes) if r.supersedes else None for r in revisions]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._revisions)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self.COLUMNS

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if not 0 <= section < self.COLUMNS:
            return None
        return [
            "Thời điểm",
            "Người nhập",
            "Số cũ",
            "Số mới",
            "Loại",
            "Ghi chú",
        ][section]

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        revision, old = self._revisions[index.row()], self._old[index.row()]
        column = index.column()
        if column == 0:
            text = format_timestamp(revision.entered_at)
            return text + (" (nhận từ máy khác)" if revision.received_at else "")
        if column == 1:
            return revision.entered_by or "(không ghi tên)"
        if column == 2:
            return self._value(old) if old else "—"
        if column == 3:
            return self._value(revision)
        if column == 4:
            if revision.deleted:
                return ""
            return "Ước" if revision.estimate else "Chính thức"
        return revision.note

    def _value(self, revision: Revision) -> str:
        return "(đã xóa)" if revision.deleted else format_value(revision.value)


class HistoryDialog(QDialog):
    def __init__(self, title: str, revisions: list[Revision], parent=None):
        super().__init__(parent)
        self.setWindowTitle("Lịch sử số liệu")
        layout = QVBoxLayout(self)
        heading = QLabel(title)
        heading.setWordWrap(True)
        heading.setStyleSheet("font-weight: bold;")
        layout.addWidget(heading)
        if not revisions:
            layout.addWidget(QLabel("Chưa có số liệu nào cho kỳ này."))
        self.model = HistoryTableModel(revisions, self)
        table = QTableView()
        table.setModel(self.model)
        table.verticalHeader().hide()
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Đóng")
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_dialog(self, 760, 360)
