""" "Tổng hợp": per unit, how many indicators are vượt / đạt / không đạt / chưa có số liệu for the chosen
period, as a chart and a table, and which units have entered figures for the period and when."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyqtgraph as pg
from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QLabel, QSplitter, QTableView, QTabWidget, QVBoxLayout, QWidget

from ..domain.evaluation import (
    EXCEEDED,
    MET,
    NO_DATA,
    NOT_MET,
    VERDICT_LABELS,
    VERDICT_SYMBOLS,
    VERDICTS,
    format_value,
)
from ..domain.periods import Period, format_timestamp
from ..storage.store import ChangeKind, Store
from .store_service import StoreService
from .table_setup import ANSWERED_ROLES, UNIT_ROLE, RowListModel, setup_row_table
from .task_summary import TaskSummaryView
from .ui_memory import apply_splitter, save_splitter
from .verdict_style import CHART_COLOURS

COL_UNIT, COL_COUNT = 0, 1
COL_VERDICT_FIRST = 2  # exceeded, met, not met, no data
COL_ENTERED, COL_LAST = 6, 7
SPLITTER_KEY = "summary/splitter"  # units table, task counts, chart


@dataclass
class UnitSummary:
    unit_id: str | None  # None for the whole commune
    name: str
    short: str
    indicators: int
    counts: dict[str, int] = field(default_factory=dict)
    entered: int = 0
    last_entered_at: str = ""
    last_entered_by: str = ""


def summarize(store: Store, period: Period) -> list[UnitSummary]:
    """Counts per unit (plan order) and for the whole commune (each indicator once, last)."""
    plan = store.plan
    verdicts = {a.code: a.verdict for a in store.assess(period)}
    figures = {f.code: f for f in store.figures(period=period.key)}  # the period's rows only, not every figure
    rows = []
    for unit in plan.units:
        codes = [i.code for i in plan.indicators_of(unit.id)]
        rows.append(_summary(unit.id, unit.name, unit.short, codes, verdicts, figures))
    whole = "Toàn xã"
    rows.append(_summary(None, whole, whole, [i.code for i in plan.indicators], verdicts, figures))
    return rows


def _summary(unit_id, name, short, codes, verdicts, figures) -> UnitSummary:
    counts = {v: 0 for v in VERDICTS}
    for code in codes:
        counts[verdicts.get(code, NO_DATA)] += 1
    entered = [figures[c] for c in codes if c in figures]
    last = max(entered, key=lambda f: f.entered_at, default=None)
    return UnitSummary(
        unit_id,
        name,
        short,
        len(codes),
        counts,
        len(entered),
        last.entered_at if last else "",
        last.entered_by if last else "",
    )


class SummaryTableModel(RowListModel):
    headers = (
        "Đơn vị",
        "Số chỉ tiêu",
        *(f"{VERDICT_SYMBOLS[v]} {VERDICT_LABELS[v]}" for v in VERDICTS),
        "Đã nhập kỳ này",
        "Lần nhập gần nhất",
    )

    def __init__(self, rows: list[UnitSummary] | None = None, parent=None):
        super().__init__(parent)
        self._rows = list(rows or [])
        self.period_label = ""

    def set_rows(self, rows: list[UnitSummary], period_label: str) -> None:
        self.period_label = period_label
        super().set_rows(rows)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role not in ANSWERED_ROLES or not 0 <= index.row() < len(self._rows):  # an invalid index has row -1
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_UNIT:
                return row.name
            if column == COL_COUNT:
                return row.indicators
            if COL_VERDICT_FIRST <= column < COL_ENTERED:
                return row.counts[VERDICTS[column - COL_VERDICT_FIRST]] if row.indicators else ""
            if column == COL_ENTERED:
                if not row.indicators:
                    return "Không có chỉ tiêu"
                return f"{row.entered}/{row.indicators}"
            if column == COL_LAST:
                if not row.last_entered_at:
                    return ""
                who = f" – {row.last_entered_by}" if row.last_entered_by else ""
                return format_timestamp(row.last_entered_at) + who
        if role == UNIT_ROLE:
            return row.unit_id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (COL_UNIT, COL_LAST):
                return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.FontRole and row.unit_id is None:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == COL_ENTERED and row.indicators:
                if row.entered == 0:
                    return QColor("#fee2e2")
                if row.entered < row.indicators:
                    return QColor("#fef9c3")
                return QColor("#dcfce7")
            if column == COL_VERDICT_FIRST + 2 and row.counts.get(NOT_MET):
                return QColor("#fee2e2")
        if role == Qt.ItemDataRole.ToolTipRole and row.unit_id is not None:
            return f"Nhấn để mở tab {row.name}"
        return None


@dataclass
class SameRow:
    stt: str
    name: str
    measure: str
    actual: str
    previous: str
    change: str


def same_period_rows(store: Store, period: Period) -> list[SameRow]:
    """Indicators whose same period of the previous year has a figure, beside this period's (plan order)."""
    earlier = store.same_period(period)
    assessed = {a.code: a for a in store.assess(period)}
    rows = []
    for indicator in store.plan.indicators:
        same = earlier[indicator.code]
        if same.previous is None:
            continue
        a = assessed[indicator.code]
        actual = format_value(a.actual) + (" (ước)" if a.estimate else "") if a.actual is not None else ""
        rows.append(
            SameRow(
                indicator.stt or "", indicator.name, indicator.measure, actual, same.previous_text, same.change_text
            )
        )
    return rows


class SamePeriodModel(RowListModel):
    """Cùng kỳ năm trước: this period's figure beside the same period of the previous year."""

    headers = ("STT", "Chỉ tiêu", "ĐVT", "Kỳ này", "Cùng kỳ năm trước", "Tăng/giảm")

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.stt, row.name, row.measure, row.actual, row.previous, row.change)[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class SummaryTab(QWidget):
    unit_activated = Signal(str)  # a unit id: the window opens its tab

    def __init__(
        self, service: StoreService, period: Period, parent: QWidget | None = None, settings: QSettings | None = None
    ):
        super().__init__(parent)
        self.service = service
        self.settings = settings  # the window's: the splitter's proportions
        self.period = period
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        self.heading = QLabel()
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)

        self.model = SummaryTableModel(parent=self)
        self.table = QTableView()
        setup_row_table(self.table, self.model, row_height=26, stretch_column=COL_UNIT)
        self.table.setWordWrap(False)
        self.table.clicked.connect(self._on_clicked)
        self.table.activated.connect(self._on_clicked)

        # The chart is made when first wanted (shown, drawn): a unit's PC opens on its own tab, and a pyqtgraph
        # plot nobody sees yet costs ~10 ms of that start.
        self._plot: pg.PlotWidget | None = None
        self._plot_box = QWidget()
        self._plot_box.setMinimumHeight(100)  # the window must fit 1366×768 at 150 % (~440 logical pixels high)
        QVBoxLayout(self._plot_box).setContentsMargins(0, 0, 0, 0)

        self.tasks = TaskSummaryView(service, count_now=False)  # per unit by status; counted with the verdicts
        self.tasks.unit_activated.connect(self.unit_activated)

        self.same_model = SamePeriodModel(parent=self)
        self.same_table = QTableView()
        setup_row_table(self.same_table, self.same_model, row_height=24, stretch_column=1)
        self.same_heading = QLabel()
        same_box = QWidget()
        same_layout = QVBoxLayout(same_box)
        same_layout.setContentsMargins(0, 0, 0, 0)
        same_layout.addWidget(self.same_heading)
        same_layout.addWidget(self.same_table, 1)
        # The units' verdicts and the same period last year share one place (two pages): four stacked panes would
        # not fit a 1366×768 screen at 150 %.
        for view in (self.table, self.same_table):  # they scroll: a 1366×768 screen at 150 % is ~455 px high
            view.setMinimumHeight(40)
        self.tables = QTabWidget()
        self.tables.setDocumentMode(True)
        self.tables.addTab(self.table, "Kết quả theo đơn vị")
        self.tables.addTab(same_box, "Cùng kỳ năm trước")

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.tables)
        splitter.addWidget(self.tasks)
        splitter.addWidget(self._plot_box)
        for n in range(3):
            splitter.setStretchFactor(n, 1)
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([320, 280, 400])
        self.splitter = splitter
        if settings is not None:
            apply_splitter(splitter, settings, SPLITTER_KEY)
        layout.addWidget(splitter, 1)
        hint = QLabel("Nhấn vào tên một đơn vị để mở tab nhập số liệu của đơn vị đó.")
        hint.setStyleSheet("color: #4b5563;")
        layout.addWidget(hint)
        # Counted right after the window's first paint (paintEvent), or when the tab is first hidden: the window
        # shows without waiting for every unit's verdicts and every task (issue 17, start-up).
        self._stale, self._counted, self._painted, self._after_paint_posted = True, False, False, False
        self._chart_rows: list[UnitSummary] | None = None
        service.figures_changed.connect(self._on_figures_changed)

    @property
    def plot(self) -> pg.PlotWidget:
        return self._plot if self._plot is not None else self._make_plot()

    def _make_plot(self) -> pg.PlotWidget:
        plot = pg.PlotWidget(background="w")
        plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # nothing to do by keyboard: Tab goes past it
        plot.setMenuEnabled(False)
        plot.hideButtons()
        plot.getViewBox().setMouseEnabled(False, False)
        self._plot_box.layout().addWidget(plot)
        if self._plot_box.isVisible():  # Qt shows a child added to a shown widget only when told
            plot.show()
        self._plot = plot
        return plot

    def set_period(self, period: Period) -> None:
        self.period = period
        self._refresh_when_seen()

    def _on_figures_changed(self, change) -> None:
        if change.kind is ChangeKind.TASKS:
            return
        self._refresh_when_seen()

    def _refresh_when_seen(self) -> None:
        # Counting every unit's verdicts takes longer than an edit should: while a unit tab is open, the counts
        # are brought up to date when this tab is shown again.
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.remember()
        super().hideEvent(event)
        # Hidden before its first counts because another tab was opened at once: count them now. Not when the
        # window itself closes (quitting at once): nobody would see them.
        if not self._counted and self.window().isVisible():
            self.refresh()

    def remember(self) -> None:
        if self.settings is not None:
            save_splitter(self.splitter, self.settings, SPLITTER_KEY)

    def showEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._plot is None:  # made before the first paint: the tab shows its (empty) chart at once
            self._make_plot()
        super().showEvent(event)
        if self._stale and self._painted:
            self.refresh()

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt API
        super().paintEvent(event)
        self._painted = True
        # The counts (every unit's verdicts) and the chart (~20 ms of pyqtgraph items) wait for the tab's first
        # paint: the window shows at once, and they follow on the next turn of the event loop.
        if (self._stale or self._chart_rows is not None) and not self._after_paint_posted:
            self._after_paint_posted = True
            QTimer.singleShot(0, self._after_paint)

    def _after_paint(self) -> None:
        self._after_paint_posted = False
        if not self.isVisible():
            return  # counted when hidden or shown again
        if self._stale:
            self.refresh()  # visible: the chart too
        elif self._chart_rows is not None:
            rows, self._chart_rows = self._chart_rows, None
            self._draw_chart(rows)

    def refresh(self) -> None:
        self._stale, self._counted = False, True
        if not self.tasks.counted:
            self.tasks.refresh()
        rows = summarize(self.service.store, self.period)
        self.model.set_rows(rows, self.period.label)
        same = same_period_rows(self.service.store, self.period)
        self.same_model.set_rows(same)
        earlier = Period(self.period.year - 1, self.period.kind, self.period.index)
        self.same_heading.setText(
            "<b>So với cùng kỳ năm trước ({earlier})</b>: {count} chỉ tiêu có số liệu để so sánh".format(
                earlier=earlier.label.lower() if earlier.kind == "Y" else earlier.label, count=len(same)
            )
            if same
            else "<b>So với cùng kỳ năm trước ({earlier})</b>: chưa có số liệu năm {year} để so sánh.".format(
                earlier=earlier.label.lower() if earlier.kind == "Y" else earlier.label, year=earlier.year
            )
        )
        whole = rows[-1]
        self.heading.setText(
            (
                "<b style='font-size:13pt'>Tổng hợp kết quả {period}</b> &nbsp; xã {commune}: "
                "{exceeded} vượt, {met} đạt, {not_met} không đạt, {no_data} chưa có số liệu / {total} chỉ tiêu"
            ).format(
                period=self.period.label.lower() if self.period.kind == "Y" else self.period.label,
                commune=self.service.store.plan.commune,
                exceeded=whole.counts[EXCEEDED],
                met=whole.counts[MET],
                not_met=whole.counts[NOT_MET],
                no_data=whole.counts[NO_DATA],
                total=whole.indicators,
            )
        )
        if self.isVisible():
            self._chart_rows = None
            self._draw_chart(rows[:-1])
        else:  # drawn when shown: an edit in a unit tab need not wait for a chart nobody sees
            self._chart_rows = rows[:-1]

    def _draw_chart(self, rows: list[UnitSummary]) -> None:
        plot = self.plot.getPlotItem()
        plot.clear()
        if plot.legend is not None:
            plot.legend.scene() and plot.legend.scene().removeItem(plot.legend)
            plot.legend = None
        plot.setTitle("Số chỉ tiêu theo kết quả đánh giá, từng đơn vị", color="#1f2937", size="11pt")
        legend = plot.addLegend(offset=(-10, 4), colCount=4, labelTextColor="#1f2937", labelTextSize="9pt")
        legend.setBrush(pg.mkBrush(255, 255, 255, 230))
        n = len(rows)
        y = [n - 1 - i for i in range(n)]  # first unit on top
        left = [0.0] * n
        for verdict in VERDICTS:
            widths = [float(r.counts.get(verdict, 0)) for r in rows]
            brush = QBrush(CHART_COLOURS[verdict])
            if verdict == NOT_MET:
                brush = QBrush(CHART_COLOURS[verdict], Qt.BrushStyle.SolidPattern)
            item = pg.BarGraphItem(
                x0=left,
                y=y,
                height=0.6,
                width=widths,
                brush=brush,
                pen=pg.mkPen("#374151", width=0.8),
                name=f"{VERDICT_SYMBOLS[verdict]} {VERDICT_LABELS[verdict]}",
            )
            plot.addItem(item)
            for i, w in enumerate(widths):
                if w > 0:
                    label = pg.TextItem(str(int(w)), color="#111827", anchor=(0.5, 0.5))
                    label.setPos(left[i] + w / 2, y[i])
                    plot.addItem(label)
            left = [a + b for a, b in zip(left, widths, strict=True)]
        axis = plot.getAxis("left")
        axis.setTicks([[(y[i], r.short) for i, r in enumerate(rows)], []])
        axis.setTextPen(pg.mkPen("#1f2937"))
        bottom = plot.getAxis("bottom")
        bottom.setTextPen(pg.mkPen("#1f2937"))
        bottom.setLabel("số chỉ tiêu", color="#1f2937")
        most = max((r.indicators for r in rows), default=1)
        bottom.setTicks([[(k, str(k)) for k in range(0, most + 2, 2 if most > 10 else 1)], []])
        plot.setXRange(0, most + 1, padding=0)
        plot.setYRange(-0.6, n + 1.5, padding=0)  # an empty band on top holds the legend clear of the bars

    def _on_clicked(self, index) -> None:
        unit_id = index.data(UNIT_ROLE)
        if unit_id:
            self.unit_activated.emit(unit_id)
