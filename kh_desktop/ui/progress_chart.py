"""The progress chart in the window: a pyqtgraph painter of reports/chart_model.py's `ChartData`.

What the chart shows (series, target line or band, estimates, scale, texts, colours) is decided in
chart_model.py; paper and PNGs draw the same `ChartData` with QPainter (reports/charts.py).
"""

from __future__ import annotations

import html
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..domain.evaluation import Reading
from ..domain.plan import Indicator
from ..reports import chart_model as cm
from ..reports.chart_model import ChartData, Mark, chart_data
from ..reports.charts import colour, save_chart_png

LEGEND_SAMPLES = {Mark.TARGET: "━◆━", Mark.BAND: "▒", Mark.OFFICIAL: "■", Mark.ESTIMATE: "▨"}


def _font(size: float) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    return font


def _pen(spec, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine):
    return pg.mkPen(colour(spec), width=width, style=style)


def _bar_item(bars: list[cm.Bar], mark: Mark) -> pg.BarGraphItem:
    if mark is Mark.ESTIMATE:  # hatched, dashed outline: different in colour print and in grey
        brush = QBrush(colour(cm.ESTIMATE_COLOUR), Qt.BrushStyle.BDiagPattern)
        pen = _pen(cm.ESTIMATE_COLOUR, 1.5, Qt.PenStyle.DashLine)
    else:
        brush, pen = QBrush(colour(cm.OFFICIAL_COLOUR)), _pen(cm.OFFICIAL_COLOUR, 1.5)
    return pg.BarGraphItem(
        x=[b.year for b in bars], height=[b.value for b in bars], width=cm.BAR_WIDTH, brush=brush, pen=pen
    )


def draw(plot: pg.PlotItem, data: ChartData) -> None:
    """Fill a PlotItem with the chart of `data` (the title, legend and notes are labels around it)."""
    plot.clear()
    plot.setTitle(None)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.getViewBox().setMouseEnabled(False, False)
    bottom, left = plot.getAxis("bottom"), plot.getAxis("left")
    for axis in (bottom, left):
        axis.setPen(_pen(cm.TEXT_COLOUR))
        axis.setTextPen(_pen(cm.TEXT_COLOUR))
        axis.setTickFont(_font(9.5))
    bottom.setTicks([[(y, str(y)) for y in data.years], []])
    plot.setXRange(*data.x_range, padding=0)
    if data.is_words:
        _draw_words(plot, data)
        return
    y_max, ticks = data.scale
    left.setTicks([ticks, []])
    left.setWidth(None)
    plot.showGrid(x=False, y=True, alpha=cm.GRID_COLOUR[3] / 255)
    plot.setYRange(0, y_max, padding=0)
    for mark in (Mark.OFFICIAL, Mark.ESTIMATE):
        bars = [b for b in data.bars if b.mark is mark]
        if bars:
            plot.addItem(_bar_item(bars, mark))
    for year, low, high in data.bands:
        brush, pen = QBrush(colour(cm.BAND_COLOUR)), _pen(cm.TARGET_COLOUR, 1, Qt.PenStyle.DotLine)
        plot.addItem(
            pg.BarGraphItem(x=[year], y0=[low], height=[high - low], width=cm.BAND_WIDTH, brush=brush, pen=pen)
        )
    if data.targets:
        target = colour(cm.TARGET_COLOUR)
        line = pg.PlotDataItem(
            [y for y, _ in data.targets],
            [v for _, v in data.targets],
            pen=_pen(cm.TARGET_COLOUR, 2.5),
            symbol="d",
            symbolSize=10,
            symbolBrush=target,
            symbolPen=pg.mkPen(target),
        )
        plot.addItem(line)
    if data.arrow:
        target_pen, target_brush = _pen(cm.TARGET_COLOUR), colour(cm.TARGET_COLOUR)
        shape = {"angle": -90, "headLen": 14, "tailLen": 18, "tailWidth": 3}
        plot.addItem(pg.ArrowItem(pos=data.arrow, brush=target_brush, pen=target_pen, **shape))
    for bar in data.bars:
        label = pg.TextItem(bar.label, color=colour(cm.TEXT_COLOUR), anchor=(0.5, 1.0), fill=colour(cm.LABEL_GROUND))
        label.setZValue(10)
        label.setFont(_font(9))
        label.setPos(bar.year, bar.value)
        plot.addItem(label)


def _draw_words(plot: pg.PlotItem, data: ChartData) -> None:
    left = plot.getAxis("left")
    left.setWidth(70)
    rows = list(enumerate(zip(cm.WORD_ROWS, (cm.TARGET_COLOUR, cm.OFFICIAL_COLOUR), strict=True)))
    left.setTicks([[(1 - row, label) for row, (label, _) in rows], []])
    plot.showGrid(x=False, y=False)
    plot.setYRange(-0.6, 1.6, padding=0)
    for cell in data.words:
        for row, (_, pen) in rows:
            item = pg.TextItem(anchor=(0.5, 0.5))
            item.setFont(_font(9))
            text = html.escape(cell.texts[row])
            item.setHtml(f'<div style="text-align:center; color:{colour(pen).name()}">{text}</div>')
            item.setTextWidth(130)
            item.setPos(cell.year, 1 - row)
            plot.addItem(item)


def legend_html(data: ChartData) -> str:
    """The legend as rich text for a label above the plot (it never covers a bar)."""
    return " &nbsp;&nbsp;&nbsp; ".join(
        f"<span style='color:{colour(cm.TARGET_COLOUR if m in (Mark.TARGET, Mark.BAND) else cm.OFFICIAL_COLOUR).name()}'>"
        f"{LEGEND_SAMPLES[m]}</span> {html.escape(m.label)}"
        for m in data.legend
    )


class ProgressChart(QWidget):
    """A light chart of one indicator's targets and figures. Holds no queries: callers pass readings."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._data = chart_data(None, None, None, [])
        self.plot_widget = pg.PlotWidget(background="w")
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # nothing to do by keyboard: Tab goes past it
        self.plot_widget.setMinimumHeight(70)  # the window must fit 1366×768 at 150 % (~440 logical pixels high)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label.setStyleSheet(f"color: {cm.TEXT_COLOUR}; background: white; font-weight: bold; padding: 4px;")
        layout.addWidget(self.title_label)
        self.legend_label = QLabel()
        self.legend_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.legend_label.setStyleSheet(f"color: {cm.TEXT_COLOUR}; background: white; padding: 0 0 4px 0;")
        layout.addWidget(self.legend_label)
        layout.addWidget(self.plot_widget, 1)
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet(f"color: {cm.NOTE_COLOUR}; background: white; padding: 2px 8px;")
        layout.addWidget(self.notes_label)
        self._redraw()

    def _redraw(self) -> None:
        draw(self.plot_widget.getPlotItem(), self._data)
        self.title_label.setText(self._data.heading)
        self.legend_label.setText(legend_html(self._data))
        self.notes_label.setText("\n".join(self._data.footnotes))
        self.notes_label.setVisible(bool(self.notes_label.text()))

    @property
    def data(self) -> ChartData:
        return self._data

    def show(self, indicator: Indicator | None = None, readings=None, baseline=None, years=None) -> None:
        """Show an indicator's chart; called without arguments it is QWidget.show()."""
        if indicator is None and readings is None and years is None:
            super().show()
            return
        self.show_indicator(indicator, readings, baseline, years or [])

    def show_indicator(
        self, indicator: Indicator | None, readings: dict[str, Reading] | None, baseline: float | None, years
    ) -> None:
        self._data = chart_data(indicator, readings, baseline, list(years))
        self._redraw()

    def save_png(self, path: Path | str, width: int = 1200, height: int = 600) -> Path:
        """The chart as a picture, drawn by the paper painter (same `ChartData`, a fixed size)."""
        return save_chart_png(self._data, path, width, height)
