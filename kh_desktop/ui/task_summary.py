"""Task counts per unit by status for "Tổng hợp": Văn phòng sees at a glance what is overdue or unassigned."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QLabel, QTableView, QVBoxLayout, QWidget

from ..storage.store import ChangeKind, Store
from ..storage.task_store import list_tasks
from ..tasks.model import DONE, IN_PROGRESS, NOT_STARTED, OVERDUE, STATUS_LABELS
from ..tasks.rules import counts_by_status, gaps, is_due_soon
from .store_service import StoreService
from .table_setup import ANSWERED_ROLES, UNIT_ROLE, RowListModel, setup_row_table

COL_UNIT, COL_TOTAL, COL_OVERDUE, COL_SOON, COL_NOT_STARTED, COL_DOING, COL_DONE, COL_GAPS = range(8)


@dataclass
class UnitTasks:
    unit_id: str | None  # None: the whole commune
    name: str
    total: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    due_soon: int = 0
    gaps: int = 0


def summarize_tasks(store: Store, today: date) -> list[UnitTasks]:
    """Per unit (plan order), then the whole commune: tasks by judged status, due soon, missing person/deadline."""
    tasks = list_tasks(store)
    rows = []
    for unit in store.plan.units:
        rows.append(_row(unit.id, unit.name, [t for t in tasks if t.unit == unit.id], today))
    rows.append(_row(None, "Toàn xã", tasks, today))
    return rows


def _row(unit_id, name, tasks, today) -> UnitTasks:
    return UnitTasks(
        unit_id,
        name,
        len(tasks),
        counts_by_status(tasks, today),
        sum(is_due_soon(t, today) for t in tasks),
        sum(bool(gaps(t)) for t in tasks),
    )


class TaskSummaryTableModel(RowListModel):
    headers = (
        "Nhiệm vụ của đơn vị",
        "Tổng số",
        "Quá hạn",
        "Sắp đến hạn",
        "Chưa bắt đầu",
        "Đang thực hiện",
        "Hoàn thành",
        "Thiếu người / thời hạn",
    )

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if (
            role not in ANSWERED_ROLES
            or not 0 <= index.row() < len(self._rows)
            or not 0 <= index.column() < self.column_count
        ):
            return None  # an invalid index has row and column -1
        row, column = self._rows[index.row()], index.column()
        values = [
            row.name,
            row.total,
            row.counts.get(OVERDUE, 0),
            row.due_soon,
            row.counts.get(NOT_STARTED, 0),
            row.counts.get(IN_PROGRESS, 0),
            row.counts.get(DONE, 0),
            row.gaps,
        ]
        if role == Qt.ItemDataRole.DisplayRole:
            return values[column]
        if role == UNIT_ROLE:
            return row.unit_id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column == COL_UNIT:
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == COL_OVERDUE and values[column]:
                return QColor("#fee2e2")
            if column == COL_SOON and values[column]:
                return QColor("#fef3c7")
            if column == COL_GAPS and values[column]:
                return QColor("#fde68a")
        if role == Qt.ItemDataRole.FontRole and (row.unit_id is None or (column == COL_OVERDUE and values[column])):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and row.unit_id is not None:
            return f"Nhấn để mở nhiệm vụ của {row.name}"
        return None


class TaskSummaryView(QWidget):
    """The task counts table; refreshes itself on the service's change signal."""

    unit_activated = Signal(str)

    def __init__(
        self, service: StoreService, parent: QWidget | None = None, today: date | None = None, count_now: bool = True
    ):
        super().__init__(parent)
        self.service = service
        self._fixed_today = today
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.heading)
        self.model = TaskSummaryTableModel(self)
        self.table = QTableView()
        setup_row_table(self.table, self.model, row_height=24, stretch_column=COL_UNIT)
        self.table.clicked.connect(self._on_clicked)
        self.table.activated.connect(self._on_clicked)
        layout.addWidget(self.table, 1)
        self.counted = False  # count_now=False: whoever holds the view counts when it suits (Tổng hợp: after paint)
        if count_now:
            self.refresh()
        # A typed figure changes no task: only task, settings, exchange and restore changes recount.
        service.figures_changed.connect(
            lambda change: change.kind is ChangeKind.FIGURES or not self.counted or self.refresh()
        )

    @property
    def today(self) -> date:
        return self._fixed_today or date.today()

    def set_today(self, today: date | None) -> None:
        self._fixed_today = today
        self.refresh()

    def refresh(self) -> None:
        self.counted = True
        rows = summarize_tasks(self.service.store, self.today)
        self.model.set_rows(rows)
        whole = rows[-1]
        self.heading.setText(
            f"<b>Nhiệm vụ “06 rõ”</b>: {whole.total} nhiệm vụ · <span style='color:#991b1b'><b>{whole.counts[OVERDUE]} {STATUS_LABELS[OVERDUE]}"
            f"</b></span> · {whole.due_soon} sắp đến hạn · <span style='background:#fde68a'>&nbsp;{whole.gaps} thiếu người phụ trách "
            "hoặc thời hạn&nbsp;</span>"
        )

    def _on_clicked(self, index) -> None:
        unit_id = index.data(UNIT_ROLE)
        if unit_id:
            self.unit_activated.emit(unit_id)
