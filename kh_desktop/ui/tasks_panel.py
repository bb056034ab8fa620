""" "Nhiệm vụ": one unit's "06 rõ" tasks — a grid with a status filter, add / edit through a dialog, history.

Writes go through the service (StoreService.add_task / update_task, undoable), which announces a
Change(kind=ChangeKind.TASKS) on its one signal; every view (this panel, Tổng hợp) refreshes itself from it.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import UserError
from ..storage.store import ChangeKind
from ..storage.task_store import find_task, list_tasks, task_history
from ..tasks.edit import parse_field
from ..tasks.model import OVERDUE, Task
from ..tasks.rules import counts_by_status, gaps, is_due_soon
from .screen_fit import available_area, column_scale
from .store_service import StoreService
from .tasks_table_model import (
    COL_DUE,
    COL_GAPS,
    COL_PERSON,
    COL_PROGRESS,
    COL_SOURCE,
    COL_STATUS,
    COL_TITLE,
    FILTERS,
    TasksFilterModel,
    TasksTableModel,
)


class TasksPanel(QWidget):
    """The tasks one unit leads. `today` decides overdue / due soon (tests set it; the window uses the day)."""

    conflict_requested = Signal(str, object)  # kind ("task"), key (task_id,): settle it (the window does)

    def __init__(self, service: StoreService, unit_id: str, parent: QWidget | None = None, today: date | None = None):
        super().__init__(parent)
        self.service = service
        self.unit_id = unit_id
        self._fixed_today = today
        store = service.store
        self.unit = store.plan.unit_by_id(unit_id)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)

        bar = QHBoxLayout()
        bar.addWidget(QLabel("Xem:"))
        self.filter_combo = QComboBox()
        for key, label in FILTERS:
            self.filter_combo.addItem(label, key)
        self.filter_combo.currentIndexChanged.connect(self._on_filter_changed)
        bar.addWidget(self.filter_combo)
        bar.addStretch(1)
        self.add_button = QPushButton("Thêm nhiệm vụ…")
        self.add_button.clicked.connect(self.add_task)
        self.edit_button = QPushButton("Sửa / phân công…")
        self.edit_button.clicked.connect(self.edit_current)
        self.history_button = QPushButton("Lịch sử…")
        self.history_button.clicked.connect(self.show_history)
        self.conflict_button = QPushButton("⚠ Xử lý xung đột…")
        self.conflict_button.setToolTip("Hai máy sửa nhiệm vụ này khác nhau: chọn bản giữ lại")
        self.conflict_button.clicked.connect(self.settle_current)
        for button in (self.add_button, self.edit_button, self.history_button, self.conflict_button):
            bar.addWidget(button)
        layout.addLayout(bar)

        self.model = TasksTableModel(store.plan, [], self.today, self)
        self.proxy = TasksFilterModel(self)
        self.proxy.setSourceModel(self.model)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(True)
        self.view.setAlternatingRowColors(False)
        # Row heights follow the wrapped task text; recomputed when the title column's width settles.
        self._rows_timer = QTimer(self)
        self._rows_timer.setSingleShot(True)
        self._rows_timer.setInterval(0)
        self._rows_timer.timeout.connect(self.view.resizeRowsToContents)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setMinimumSectionSize(48)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        widths = {COL_SOURCE: 60, COL_PERSON: 130, COL_DUE: 105, COL_STATUS: 125, COL_PROGRESS: 58, COL_GAPS: 125}
        # Narrower on a small screen, so the task's own text keeps a readable share of the width.
        scale = column_scale(available_area(self).width, 1250)
        for column in range(self.model.columnCount()):
            self.view.setColumnWidth(column, round(widths.get(column, 95) * scale))
        header.setSectionResizeMode(COL_TITLE, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_args: self._rows_timer.start())
        self.view.doubleClicked.connect(lambda _index: self.edit_current())
        self.view.activated.connect(lambda _index: self.edit_current())
        self.view.selectionModel().currentRowChanged.connect(lambda *_args: self._update_conflict_button())
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_context_menu)
        layout.addWidget(self.view, 1)

        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.refresh()
        self._set_status(
            "Nền đỏ: quá hạn; nền vàng nhạt: sắp đến hạn (trong 14 ngày); ô vàng đậm: còn thiếu người phụ trách "
            "hoặc thời hạn. Nhấn đúp một dòng để phân công, ghi thời hạn, cập nhật tiến độ."
        )
        service.figures_changed.connect(self._on_store_changed)

    # ---- state -----------------------------------------------------------------------------------

    @property
    def today(self) -> date:
        return self._fixed_today or date.today()

    def set_today(self, today: date | None) -> None:
        self._fixed_today = today
        self.refresh()

    @property
    def editable(self) -> bool:
        mine = self.service.store.pc_unit
        return mine is None or mine == self.unit_id

    def refresh(self) -> None:
        store = self.service.store
        current = self.current_task()
        tasks = list_tasks(store, self.unit_id)
        conflicts = {}
        if any(t.conflict_id for t in tasks):
            from ..storage.conflict_store import task_conflict_list  # with the exchange code: loaded on first use

            conflicts = {c.key[0]: c for c in task_conflict_list(store) if c.unit_id == self.unit_id}
        self.model.set_tasks(tasks, self.today, conflicts)
        self._rows_timer.start()
        if current is not None:
            self.select_task(current.id)
        counts = counts_by_status(tasks, self.today)
        soon = sum(is_due_soon(t, self.today) for t in tasks)
        missing = sum(bool(gaps(t)) for t in tasks)
        access = (
            ""
            if self.editable
            else " · Chỉ xem: máy này thuộc {unit}.".format(
                unit=store.plan.unit_by_id(store.pc_unit).name if store.pc_unit else ""
            )
        )
        self.heading.setText(
            (
                "<b>{total} nhiệm vụ</b> do {unit} chủ trì: "
                "<span style='color:#991b1b'><b>{overdue} quá hạn</b></span>, "
                "<span style='color:#92400e'>{soon} sắp đến hạn</span>, {doing} đang thực hiện, "
                "{done} hoàn thành · <span style='background:#fde68a'>&nbsp;{missing} thiếu người phụ trách "
                "hoặc thời hạn&nbsp;</span>{access}"
            ).format(
                total=len(tasks),
                unit=self.unit.name,
                overdue=counts[OVERDUE],
                soon=soon,
                doing=counts["in_progress"],
                done=counts["done"],
                missing=missing,
                access=access,
            )
        )
        if conflicts:
            self.heading.setText(
                self.heading.text()
                + f" · <span style='background:#fed7aa'>&nbsp;⚠ {len(conflicts)} xung đột chờ xử lý&nbsp;</span>"
            )
        self.add_button.setEnabled(self.editable)
        self.edit_button.setEnabled(self.editable)
        self._update_conflict_button()

    def current_task(self) -> Task | None:
        index = self.view.currentIndex() if hasattr(self, "view") else None
        if index is None or not index.isValid():
            return None
        return self.model.task_at(self.proxy.mapToSource(index).row())

    def select_task(self, task_id: str) -> bool:
        row = self.model.row_of(task_id)
        if row < 0:
            return False
        index = self.proxy.mapFromSource(self.model.index(row, COL_TITLE))
        if not index.isValid():
            return False
        self.view.setCurrentIndex(index)
        return True

    def set_filter(self, key: str) -> None:
        self.filter_combo.setCurrentIndex(max(self.filter_combo.findData(key), 0))

    # ---- writing (through the store; the dialog only hands values back) --------------------------

    def add_task(self) -> None:
        from .task_dialog import TaskDialog

        dialog = TaskDialog(self.service.store.plan, self.unit_id, units_editable=False, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.save_new(dialog.values())

    def edit_current(self) -> None:
        task = self.current_task()
        if task is None:
            self._set_status("Hãy chọn một nhiệm vụ trong bảng.", error=True)
            return
        if not self.editable:
            self.show_history()
            return
        units_editable = self.service.store.pc_unit is None
        from .task_dialog import TaskDialog

        dialog = TaskDialog(self.service.store.plan, self.unit_id, task, units_editable=units_editable, parent=self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        self.save_changes(task.id, dialog.values())

    def save_new(self, values: dict) -> Task | None:
        """Add a task from a dialog's values; a refusal is shown, nothing written."""
        values = {k: v for k, v in values.items() if k != "unit"}
        try:
            task, _change = self.service.add_task(self.unit_id, values)
        except UserError as exc:  # TaskRefused, StoreError
            self._set_status(str(exc), error=True)
            return None
        self.select_task(task.id)
        self._set_status("Đã thêm nhiệm vụ.")
        return task

    def save_changes(self, task_id: str, values: dict) -> Task | None:
        """Write the fields that differ from the stored task; a refusal is shown, nothing written."""
        store = self.service.store
        try:
            current = find_task(store, task_id)
            changes = {}
            for name, value in values.items():
                try:
                    if parse_field(store.plan, name, value) == getattr(current, name):
                        continue
                except ValueError:
                    pass  # the store refuses it with its message
                changes[name] = value
            if not changes:
                self._set_status("Không có gì thay đổi.")
                return current
            task, _change = self.service.update_task(task_id, changes, today=self.today)
        except UserError as exc:
            self._set_status(str(exc), error=True)
            return None
        if task.unit == self.unit_id:
            self.select_task(task.id)
        self._set_status("Đã lưu nhiệm vụ.")
        return task

    def show_history(self) -> None:
        task = self.current_task()
        if task is None:
            self._set_status("Hãy chọn một nhiệm vụ trong bảng.", error=True)
            return
        from .task_history_dialog import TaskHistoryDialog

        TaskHistoryDialog(self.service.store.plan, task, task_history(self.service.store, task.id), self).exec()

    def settle_current(self) -> None:
        """Ask the window to open the conflict list at the selected task."""
        task = self.current_task()
        if task is None or not task.conflict_id:
            self._set_status("Nhiệm vụ đang chọn không có xung đột.", error=True)
            return
        self.conflict_requested.emit("task", (task.id,))

    def task_menu(self, index) -> QMenu:
        """The context menu of a task row: settle its conflict, edit, history."""
        menu = QMenu(self)
        task = self.model.task_at(self.proxy.mapToSource(index).row()) if index.isValid() else None
        if task is not None and task.conflict_id:
            settle = QAction("⚠ Xử lý xung đột (chọn bản giữ lại)…", menu)
            settle.triggered.connect(self.settle_current)
            menu.addAction(settle)
            menu.addSeparator()
        if self.editable:
            edit = QAction("Sửa / phân công…", menu)
            edit.triggered.connect(self.edit_current)
            menu.addAction(edit)
        history = QAction("Lịch sử…", menu)
        history.triggered.connect(self.show_history)
        menu.addAction(history)
        return menu

    def _on_context_menu(self, point) -> None:
        index = self.view.indexAt(point)
        if not index.isValid():
            return
        self.view.setCurrentIndex(index)
        self.task_menu(index).exec(self.view.viewport().mapToGlobal(point))

    def _update_conflict_button(self) -> None:
        task = self.current_task()
        has_any = any(self.model.task_at(r).conflict_id for r in range(self.model.rowCount()))
        self.conflict_button.setVisible(has_any)
        self.conflict_button.setEnabled(bool(task and task.conflict_id))

    # ---- reacting --------------------------------------------------------------------------------

    def _on_store_changed(self, change) -> None:
        if change.kind is ChangeKind.FIGURES:  # a typed figure changes no task; refreshing 8 panels cost ~40 ms
            return
        self.refresh()

    def _on_filter_changed(self, _index) -> None:
        self.proxy.set_wanted(self.filter_combo.currentData())
        self._rows_timer.start()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.view.resizeRowsToContents()

    def _set_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {'#991b1b' if error else '#374151'}; padding: 2px;")
