"""One unit's tab: its indicators for the chosen period (grid + chart), and room for more sections.

Sections live in an inner QTabWidget ("Chỉ tiêu" now; "Nhiệm vụ" can be added with add_section()).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..domain.periods import BASELINE, Period
from ..storage.store import ChangeKind
from .figure_columns import COL_ACTUAL, COL_KIND, COL_NOTE
from .store_service import StoreService
from .ui_memory import apply_columns, apply_splitter, save_columns, save_splitter

if TYPE_CHECKING:  # loaded when the tab is first built: start-up on Tổng hợp needs none of them (~10 ms)
    from .figures_table_model import FiguresTableModel
    from .figures_view import FiguresView
    from .progress_chart import ProgressChart

SPLITTER_KEY = "unit/splitter"  # grid above, chart below
FIGURE_COLUMNS_KEY = "unit/figure_columns"
TASK_COLUMNS_KEY = "unit/task_columns"


class UnitTab(QWidget):
    """The figures of one unit. Gets the service and the period; refreshes itself on figures_changed."""

    conflict_requested = Signal(str, object)  # kind ("figure"), key (code, period): settle it (the window does)
    adjust_requested = Signal(str)  # an indicator code: adjust its target by a resolution (Văn phòng's PC)

    # Built when the tab is first shown (or any of these is first used): start-up shows one tab of nine, and
    # a unit's grid, chart and task list take ~50 ms each to build.
    _BUILT_ON_DEMAND = frozenset({"sections", "model", "view", "chart", "tasks_panel", "status", "empty_message"})

    def __init__(
        self,
        service: StoreService,
        unit_id: str,
        period: Period,
        parent: QWidget | None = None,
        settings: QSettings | None = None,
    ):
        super().__init__(parent)
        self.service = service
        self.settings = settings  # the window's: splitter and column widths shared by every unit's tab
        self.unit_id = unit_id
        self.period = period
        self.unit = service.store.plan.unit_by_id(unit_id)
        self._built = False
        self._chart_stale = False
        self._chart_queued = False

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.heading)
        self._update_heading()
        service.figures_changed.connect(self._on_figures_changed)

    def __getattr__(self, name: str):
        # Only reached for attributes not set yet: the parts built on demand build the tab first.
        if name in UnitTab._BUILT_ON_DEMAND and not self.__dict__.get("_built", True):
            self.ensure_built()
            return getattr(self, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def ensure_built(self) -> None:
        """Build the sections (the grid and chart of "Chỉ tiêu", the "Nhiệm vụ" panel) once."""
        if self._built:
            return
        self._built = True
        self.model: FiguresTableModel | None = None
        self.view: FiguresView | None = None
        self.chart: ProgressChart | None = None
        self.splitter: QSplitter | None = None
        self.sections = QTabWidget()
        self.sections.setDocumentMode(True)
        indicators = self.service.store.plan.indicators_of(self.unit_id)
        page = self._figures_page() if indicators else self._empty_page()
        self.sections.addTab(page, "Chỉ tiêu")
        from .tasks_panel import TasksPanel

        self.tasks_panel = TasksPanel(self.service, self.unit_id, self)
        self.tasks_panel.conflict_requested.connect(self.conflict_requested)
        self.add_section(self.tasks_panel, "Nhiệm vụ")
        if not indicators:  # a unit with no annex row works from its tasks
            self.sections.setCurrentWidget(self.tasks_panel)
        self.layout().addWidget(self.sections, 1)
        if self.isVisible():  # built from showEvent: show the new children now, not on the next event-loop turn
            self.sections.show()

    # ---- building ------------------------------------------------------------------------------

    def add_section(self, widget: QWidget, title: str) -> int:
        """Add a section (e.g. the tasks panel) beside "Chỉ tiêu"."""
        return self.sections.addTab(widget, title)

    def _figures_page(self) -> QWidget:
        from .figures_table_model import FiguresTableModel
        from .figures_view import FiguresView
        from .progress_chart import ProgressChart

        self.model = FiguresTableModel(self.service, self.unit_id, self.period, self)
        self.view = FiguresView()
        self.view.setModel(self.model)
        self.view.history_requested.connect(self._open_history)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._on_context_menu)
        self.view.paste_finished.connect(self._set_status)
        self.view.editor_closed.connect(self._draw_requested_chart)  # Enter: saved, moved down, one chart drawn
        self.model.value_saved.connect(lambda _r, _c, text: self._set_status(text))
        self.model.value_refused.connect(
            lambda _r, _c, typed, reason: self._set_status(f"Không nhận “{typed}”: {reason}", error=True)
        )

        grid = QWidget()
        grid_layout = QVBoxLayout(grid)
        grid_layout.setContentsMargins(0, 0, 0, 0)
        grid_layout.addWidget(self.view, 1)
        self.status = QLabel(
            "Gõ số vào cột “Thực hiện”, Enter để lưu và xuống dòng. Số thập phân dùng dấu phẩy (97,5). "
            "Mỗi số được lưu ngay; Ctrl+Z để hoàn tác. Nhấn đúp cột chỉ xem hoặc nhấn chuột phải để xem lịch sử."
        )
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #374151; padding: 2px;")
        grid_layout.addWidget(self.status)

        chart_box = QWidget()
        chart_layout = QVBoxLayout(chart_box)
        chart_layout.setContentsMargins(0, 0, 0, 0)
        self.chart = ProgressChart()
        chart_layout.addWidget(self.chart, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        save = QPushButton("Lưu biểu đồ thành ảnh PNG…")
        save.clicked.connect(self._save_chart)
        buttons.addWidget(save)
        chart_layout.addLayout(buttons)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(grid)
        splitter.addWidget(chart_box)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        splitter.setCollapsible(1, True)  # on a short screen the chart may be dragged away to give the grid room
        splitter.setSizes([520, 300])
        self.splitter = splitter
        self.view.setCurrentIndex(self.model.index(0, COL_ACTUAL))
        self.view.selectionModel().currentRowChanged.connect(self._on_current_row_changed)
        self._chart_stale = True  # drawn when shown
        return splitter

    def _empty_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        message = QLabel(
            f"<h3>{self.unit.name} không được giao chỉ tiêu nào trong Phụ lục của Kế hoạch.</h3>"
            "<p>Đơn vị không cần nhập số liệu chỉ tiêu ở đây. Các số liệu của xã được các phòng, ban khác nhập; "
            "xem kết quả chung ở tab “Tổng hợp”.</p>"
            "<p>Nhiệm vụ Kế hoạch giao cho đơn vị ở mục “Nhiệm vụ”.</p>"
        )
        message.setWordWrap(True)
        message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        message.setStyleSheet("color: #374151; padding: 24px;")
        self.empty_message = message
        layout.addWidget(message)
        layout.addStretch(2)
        return page

    def _update_heading(self) -> None:
        store = self.service.store
        count = len(store.plan.indicators_of(self.unit_id))
        if count == 0:
            access = "Đơn vị không được giao chỉ tiêu nào trong Phụ lục."
        elif store.pc_unit is not None and store.pc_unit != self.unit_id:
            mine = store.plan.unit_by_id(store.pc_unit).name
            access = f"Chỉ xem: máy này thuộc {mine}; các chỉ tiêu do đơn vị này nhập có nền xám."
        else:
            access = "Nhập số liệu trực tiếp vào bảng; số được lưu ngay khi nhấn Enter."
        self.heading.setText(
            f"<b style='font-size:13pt'>{self.unit.name}</b> &nbsp; {count} chỉ tiêu · {self.period.label} · {access}"
        )

    # ---- reacting --------------------------------------------------------------------------------

    def set_period(self, period: Period) -> None:
        self.period = period
        if self._built and self.model is not None:
            self.model.set_period(period)
            self.model.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, 8)
        self._update_heading()

    def _on_figures_changed(self, change) -> None:
        if change.kind is ChangeKind.SETTINGS:
            self._update_heading()
        if change.kind is ChangeKind.TASKS or not self._built:  # an unbuilt tab reads everything when built
            return
        if not self.isVisible():  # a hidden tab redraws its chart when shown (8 tabs, one visible)
            self._chart_stale = True
            return
        if self.view is None:
            return
        shown = self.model.indicator_at(max(self.view.currentIndex().row(), 0))
        if (
            change.kind is ChangeKind.FIGURES
            and change.figures
            and all(code != shown.code for code, _ in change.figures)
        ):
            return  # the chart's indicator did not change
        self._request_chart()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        self.ensure_built()
        self.apply_remembered()
        if self._chart_stale and self.view is not None:
            self._chart_stale = False
            self._show_chart(self.view.currentIndex().row())

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.remember()  # leaving the tab: the next one shown takes the same splitter and columns
        super().hideEvent(event)

    def apply_remembered(self) -> None:
        if self.settings is None or not self._built:
            return
        if self.splitter is not None:
            apply_splitter(self.splitter, self.settings, SPLITTER_KEY)
        if self.view is not None:
            apply_columns(self.view, self.settings, FIGURE_COLUMNS_KEY)
        apply_columns(self.tasks_panel.view, self.settings, TASK_COLUMNS_KEY)

    def remember(self) -> None:
        if self.settings is None or not self._built:
            return
        if self.splitter is not None and self.sections.currentIndex() == 0:
            save_splitter(self.splitter, self.settings, SPLITTER_KEY)
            save_columns(self.view, self.settings, FIGURE_COLUMNS_KEY)
        if self.sections.currentWidget() is self.tasks_panel:  # widths the person could see and change
            save_columns(self.tasks_panel.view, self.settings, TASK_COLUMNS_KEY)

    def _on_current_row_changed(self, _current, _previous) -> None:
        self._request_chart()

    def _request_chart(self) -> None:
        """Redraw the chart of the current row once, on the event loop's next turn or when the editor closes.

        An Enter saves the figure (a change) and then moves down a row (another chart): both ask, and the chart is
        drawn once, for the row the cursor lands on, as the editor closes."""
        if not self._chart_queued:
            self._chart_queued = True
            QTimer.singleShot(0, self, self._draw_requested_chart)  # not after the tab is gone

    def _draw_requested_chart(self) -> None:
        if not self._chart_queued:
            return
        self._chart_queued = False
        if self.view is not None:
            self._show_chart(self.view.currentIndex().row())

    def _show_chart(self, row: int) -> None:
        if self.chart is None or self.model is None:
            return
        if not self.isVisible():  # drawn when shown: start-up builds every unit's tab but shows one
            self._chart_stale = True
            return
        indicator = self.model.indicator_at(max(row, 0))
        store = self.service.store
        code = indicator.code if indicator else None
        readings = store.readings(code).get(code, {}) if code else {}
        baseline = store.baselines(code).get(code) if code else None
        self.chart.show(indicator, readings, baseline, store.plan.years)

    def _set_status(self, text: str, error: bool = False) -> None:
        if self.view is None:
            return
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {'#991b1b' if error else '#166534'}; padding: 2px;")

    def select_cell(self, row: int, column: int = COL_ACTUAL) -> None:
        index = self.model.index(row, column)
        self.view.selectionModel().setCurrentIndex(index, QItemSelectionModel.SelectionFlag.ClearAndSelect)

    # ---- cell actions ---------------------------------------------------------------------------

    def _on_context_menu(self, point) -> None:
        index = self.view.indexAt(point)
        if not index.isValid():
            return
        self.cell_menu(index).exec(self.view.viewport().mapToGlobal(point))

    def cell_menu(self, index) -> QMenu:
        """The context menu of a cell: settle a conflict, history, Ước ↔ Chính thức, note, remove."""
        row = index.row()
        menu = QMenu(self)
        conflict = self.model.conflict_at(row)
        if conflict is not None:
            settle = QAction("⚠ Xử lý xung đột (chọn số giữ lại)…", menu)
            settle.triggered.connect(lambda: self.conflict_requested.emit(conflict.kind, conflict.key))
            menu.addAction(settle)
            menu.addSeparator()
        history = QAction("Xem lịch sử thay đổi…", menu)
        history.triggered.connect(lambda: self._open_history(index))
        menu.addAction(history)
        editable = bool(self.model.index(row, COL_ACTUAL).flags() & Qt.ItemFlag.ItemIsEditable)
        has_figure = self.model.index(row, COL_ACTUAL).data(Qt.ItemDataRole.EditRole) != ""
        if editable and has_figure and not self.model.is_baseline_row(row):
            kind = self.model.index(row, COL_KIND)
            toggle = QAction("Đổi Ước ↔ Chính thức", menu)
            estimate = kind.data(Qt.ItemDataRole.EditRole) == "Ước"
            toggle.triggered.connect(lambda: self.model.setData(kind, "Chính thức" if estimate else "Ước"))
            menu.addAction(toggle)
            note = QAction("Ghi chú / giải trình…", menu)
            note.triggered.connect(lambda: self.view.edit(self.model.index(row, COL_NOTE)))
            menu.addAction(note)
        if editable and has_figure:
            clear = QAction("Xóa số liệu kỳ này (vẫn giữ trong lịch sử)", menu)
            clear.triggered.connect(lambda: self.model.setData(self.model.index(row, COL_ACTUAL), ""))
            menu.addAction(clear)
        if self.service.store.pc_unit is None:  # Văn phòng's all-units PC adjusts the plan
            code = self.model.indicator_at(row).code
            menu.addSeparator()
            adjust = QAction("Điều chỉnh chỉ tiêu theo Nghị quyết…", menu)
            adjust.triggered.connect(lambda: self.adjust_requested.emit(code))
            menu.addAction(adjust)
        return menu

    def _open_history(self, index) -> None:
        row = index.row()
        indicator = self.model.indicator_at(row)
        period = self.model.period_key(row)
        revisions = self.service.store.history(indicator.code, period)
        label = "số gốc (hiện nay)" if period == BASELINE else self.period.label
        title = f"{indicator.stt or indicator.code} {indicator.name} – {label}"
        from .history_dialog import HistoryDialog

        HistoryDialog(title, revisions, self).exec()

    def _save_chart(self) -> None:
        indicator = self.model.indicator_at(max(self.view.currentIndex().row(), 0))
        suggested = f"bieu-do-chi-tieu-{indicator.code}.png" if indicator else "bieu-do.png"
        path, _ = QFileDialog.getSaveFileName(self, "Lưu biểu đồ", str(Path.home() / suggested), "Ảnh PNG (*.png)")
        if not path:
            return
        if not path.lower().endswith(".png"):
            path += ".png"
        try:
            self.chart.save_png(path)
        except OSError as exc:
            QMessageBox.warning(self, "Lưu biểu đồ", str(exc))
            return
        self._set_status(f"Đã lưu biểu đồ vào {path}")
