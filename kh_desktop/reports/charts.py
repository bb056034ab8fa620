"""Progress charts on paper and in pictures: a QPainter painter of reports/chart_model.py's `ChartData`.

`render_chart` draws one chart with plain QPainter calls (vector on a PDF, safe off the UI thread,
no widget); `save_chart_png` writes one to a PNG; `chart_pages` adds a report's chart pages, one
chart per indicator, two per page. The window draws the same `ChartData` with pyqtgraph
(ui/progress_chart.py); what the chart shows is decided in chart_model.py only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen

from . import chart_model as cm
from .chart_model import ChartData, Mark, chart_data

if TYPE_CHECKING:  # the window's charts use this module's drawing, not the report's content
    from ..storage.store import Store
    from .content import ReportContent

CHARTS_PER_PAGE = 2
LOGICAL_WIDTH = 900.0  # the chart is laid out at a screen-like width and scaled to its box
LEFT, RIGHT = 70.0, 20.0  # room for the value axis, and the right margin


def colour(spec) -> QColor:
    """A QColor of a chart_model colour ("#rrggbb" or (r, g, b, alpha))."""
    return QColor(spec) if isinstance(spec, str) else QColor(*spec)


def chart_pages(store: Store, content: ReportContent) -> Callable:
    """A painter callback for render.paint_report: charts of the report's indicators, two per page."""
    plan = store.plan
    readings, baselines = store.readings(), store.baselines()
    years = content.period.years if content.is_review else plan.years
    charts = [
        chart_data(plan.indicator(code), readings.get(code, {}), baselines.get(code), years) for code in content.codes
    ]

    def paint(painter, rect, new_page) -> None:
        from .fonts import report_font_family

        family = report_font_family()  # the report's serif (bundled Liberation Serif), not the screen's sans
        heading = QFont(family)
        heading.setPointSizeF(13)
        heading.setBold(True)
        for n, data in enumerate(charts):
            slot = n % CHARTS_PER_PAGE
            if slot == 0:
                new_page()
                painter.setFont(heading)
                head = QRectF(rect.left(), rect.top(), rect.width(), rect.height() * 0.06)
                painter.drawText(head, int(Qt.AlignmentFlag.AlignCenter), "BIỂU ĐỒ TIẾN ĐỘ THỰC HIỆN CÁC CHỈ TIÊU")
            top = rect.top() + rect.height() * 0.07
            height = (rect.height() * 0.93) / CHARTS_PER_PAGE
            box = QRectF(rect.left(), top + slot * height, rect.width(), height * 0.95)
            render_chart(data, painter, box, family=family)

    return paint


def save_chart_png(data: ChartData, path: Path | str, width: int = 1200, height: int = 600) -> Path:
    """Write the chart to a PNG of the given size; OSError (in Vietnamese) when it cannot be written."""
    path = Path(path)
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.white)
    painter = QPainter(image)
    try:
        render_chart(data, painter, QRectF(0, 0, width, height))
    finally:
        painter.end()
    if not image.save(str(path), "PNG"):
        raise OSError(f"Không ghi được tệp ảnh {path}.")
    return path


def render_chart(data: ChartData, painter: QPainter, rect: QRectF, family: str | None = None) -> None:
    """Draw `data` into `rect`, laid out at LOGICAL_WIDTH and scaled, so a 1200-dpi page looks like the screen.

    `family` sets the font (a printed report passes its own serif font); None keeps the screen's.
    """
    scale = rect.width() / LOGICAL_WIDTH
    width, height = LOGICAL_WIDTH, rect.height() / scale
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(rect.topLeft())
        painter.scale(scale, scale)
        painter.fillRect(QRectF(0, 0, width, height), Qt.GlobalColor.white)
        _Painter(painter, data, width, height, family).draw()
    finally:
        painter.restore()


class _Painter:
    """One drawing of one chart: lays out the title, legend, plot and notes, then paints the marks."""

    def __init__(self, p: QPainter, data: ChartData, width: float, height: float, family: str | None):
        self.p, self.data, self.width, self.height, self.family = p, data, width, height, family
        self.plot = QRectF()
        self.slot = 1.0

    def font(self, pixels: float, bold: bool = False) -> QFont:
        font = QFont(self.family) if self.family else QFont()
        font.setPixelSize(max(1, round(pixels)))
        font.setBold(bold)
        return font

    def x_of(self, x: float) -> float:
        x0, x1 = self.data.x_range
        return self.plot.left() + (x - x0) / (x1 - x0) * self.plot.width()

    def draw(self) -> None:
        p, data = self.p, self.data
        wrap_centre = Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignHCenter
        p.setPen(colour(cm.TEXT_COLOUR))
        p.setFont(self.font(16, bold=True))
        title_rect = p.boundingRect(QRectF(10, 6, self.width - 20, 60), wrap_centre, data.heading)
        p.drawText(title_rect, wrap_centre, data.heading)
        top = title_rect.bottom() + 8
        notes = "\n".join(data.footnotes)
        p.setFont(self.font(12))
        notes_rect = QRectF()
        if notes:
            notes_rect = p.boundingRect(QRectF(LEFT, 0, self.width - 80, self.height), Qt.TextFlag.TextWordWrap, notes)
        bottom = self.height - 30 - notes_rect.height() - (6 if notes else 0)
        if data.legend:
            self.legend(top)
            top += 24
        self.plot = QRectF(LEFT, top + 4, self.width - LEFT - RIGHT, max(40.0, bottom - top - 4))
        x0, x1 = data.x_range
        self.slot = self.plot.width() / (x1 - x0)
        self.axes()
        if data.is_words:
            self.words()
        else:
            self.values()
        if notes:
            p.setPen(colour(cm.NOTE_COLOUR))
            p.setFont(self.font(12))
            box = QRectF(LEFT, self.height - notes_rect.height() - 4, self.width - 80, notes_rect.height())
            p.drawText(box, Qt.TextFlag.TextWordWrap, notes)

    def legend(self, top: float) -> None:
        p, x = self.p, LEFT
        p.setFont(self.font(12))
        for mark in self.data.legend:
            sample = QRectF(x, top + 2, 18, 12)
            if mark is Mark.TARGET:
                p.setPen(QPen(colour(cm.TARGET_COLOUR), 2.5))
                p.drawLine(sample.left(), sample.center().y(), sample.right(), sample.center().y())
            else:
                self.style(mark)
                p.drawRect(sample)
            p.setPen(colour(cm.TEXT_COLOUR))
            text_width = p.fontMetrics().horizontalAdvance(mark.label)
            p.drawText(QRectF(x + 24, top, text_width + 4, 16), Qt.AlignmentFlag.AlignVCenter, mark.label)
            x += 24 + text_width + 22

    def axes(self) -> None:
        p, plot = self.p, self.plot
        p.setPen(QPen(colour(cm.TEXT_COLOUR), 1))
        p.drawLine(plot.bottomLeft(), plot.bottomRight())
        p.drawLine(plot.bottomLeft(), plot.topLeft())
        p.setFont(self.font(13))
        for year in self.data.years:
            box = QRectF(self.x_of(year) - 40, plot.bottom() + 4, 80, 20)
            p.drawText(box, Qt.AlignmentFlag.AlignHCenter, str(year))

    def words(self) -> None:
        p, plot = self.p, self.plot
        centre_wrap = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap
        for row, (label, pen) in enumerate(zip(cm.WORD_ROWS, (cm.TARGET_COLOUR, cm.OFFICIAL_COLOUR), strict=True)):
            y = plot.top() + plot.height() * (0.3 if row == 0 else 0.72)
            p.setPen(colour(cm.TEXT_COLOUR))
            p.setFont(self.font(12, bold=True))
            p.drawText(QRectF(0, y - 20, LEFT - 4, 40), centre_wrap, label)
            p.setFont(self.font(12))
            p.setPen(colour(pen))
            for cell in self.data.words:
                box = QRectF(self.x_of(cell.year) - self.slot / 2 + 4, y - 30, self.slot - 8, 60)
                p.drawText(box, centre_wrap, cell.texts[row])

    def values(self) -> None:
        p, plot, data = self.p, self.plot, self.data
        y_max, ticks = data.scale

        def y_of(value: float) -> float:
            return plot.bottom() - value / y_max * plot.height()

        p.setFont(self.font(12))
        for value, text in ticks:
            y = y_of(value)
            if value > 0:
                p.setPen(QPen(colour(cm.GRID_COLOUR), 1))
                p.drawLine(plot.left(), y, plot.right(), y)
            p.setPen(colour(cm.TEXT_COLOUR))
            p.drawText(
                QRectF(0, y - 9, LEFT - 6, 18), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text
            )
        half_band = self.slot * cm.BAND_WIDTH / 2
        for year, low, high in data.bands:
            self.style(Mark.BAND)
            p.drawRect(QRectF(self.x_of(year) - half_band, y_of(high), 2 * half_band, y_of(low) - y_of(high)))
        boxes = []
        half = self.slot * cm.BAR_WIDTH / 2
        for bar in data.bars:
            self.style(bar.mark)
            boxes.append(QRectF(self.x_of(bar.year) - half, y_of(bar.value), 2 * half, plot.bottom() - y_of(bar.value)))
            p.drawRect(boxes[-1])
        target = colour(cm.TARGET_COLOUR)
        if data.targets:
            p.setPen(QPen(target, 2.5))
            points = [QPointF(self.x_of(y), y_of(v)) for y, v in data.targets]
            p.drawPolyline(points)
            p.setBrush(target)
            for pt in points:
                p.drawPolygon([pt + QPointF(0, -6), pt + QPointF(5, 0), pt + QPointF(0, 6), pt + QPointF(-5, 0)])
        if data.arrow:
            x, y = self.x_of(data.arrow[0]), y_of(data.arrow[1])
            p.setPen(QPen(target, 2.5))
            p.drawLine(QPointF(x, y - 26), QPointF(x, y))
            p.setBrush(target)
            p.drawPolygon([QPointF(x - 6, y - 8), QPointF(x + 6, y - 8), QPointF(x, y + 2)])
        p.setFont(self.font(12))
        for bar, box in zip(data.bars, boxes, strict=True):  # labels last, so the target line never hides them
            text_width = p.fontMetrics().horizontalAdvance(bar.label) + 8
            label = QRectF(box.center().x() - text_width / 2, box.top() - 19, text_width, 16)
            p.fillRect(label, colour(cm.LABEL_GROUND))
            p.setPen(colour(cm.TEXT_COLOUR))
            p.drawText(label, Qt.AlignmentFlag.AlignCenter, bar.label)

    def style(self, mark: Mark) -> None:
        p = self.p
        if mark is Mark.OFFICIAL:
            p.setPen(QPen(colour(cm.OFFICIAL_COLOUR), 1.5))
            p.setBrush(QBrush(colour(cm.OFFICIAL_COLOUR)))
        elif mark is Mark.ESTIMATE:
            p.setPen(QPen(colour(cm.ESTIMATE_COLOUR), 1.5, Qt.PenStyle.DashLine))
            p.setBrush(QBrush(colour(cm.ESTIMATE_COLOUR), Qt.BrushStyle.BDiagPattern))
        else:
            p.setPen(QPen(colour(cm.TARGET_COLOUR), 1, Qt.PenStyle.DotLine))
            p.setBrush(QBrush(colour(cm.BAND_COLOUR)))
