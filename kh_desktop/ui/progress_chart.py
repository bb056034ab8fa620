"""The progress of one indicator against the plan, drawn with pyqtgraph.

The series are prepared by `chart_data()` from plain evaluator readings (no Qt, no queries);
`ProgressChart` shows them on screen, `paint()` draws the same chart onto any QPainter device
(a printer or a PDF page, for the reports) and `save_png()` writes a picture of it.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPen
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ..domain.evaluation import VERDICT_SYMBOLS, Reading, judge, year_figure
from ..domain.numbers import format_number
from ..domain.plan import Indicator

TARGET_COLOUR = QColor("#b45309")  # amber-brown line: readable on white and in grey print
BAND_COLOUR = QColor(180, 83, 9, 40)
OFFICIAL_COLOUR = QColor("#1d4ed8")
ESTIMATE_COLOUR = QColor("#1d4ed8")
TEXT_COLOUR = QColor("#1f2937")
GRID_ALPHA = 0.15


def _t(text: str) -> str:
    return QCoreApplication.translate("ProgressChart", text)


@dataclass
class Bar:
    year: int
    value: float
    estimate: bool
    partial: bool


@dataclass
class ChartData:
    """What the chart shows, as plain values."""

    title: str
    measure: str
    years: list[int]
    lower_is_better: bool = False
    targets: list[tuple[int, float]] = field(default_factory=list)
    bands: list[tuple[int, float, float]] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    words: list[tuple[int, str, str, str]] = field(default_factory=list)  # year, target, actual, symbol
    is_words: bool = False


def chart_data(
    indicator: Indicator | None, readings: dict[str, Reading] | None, baseline: float | None, years: list[int]
) -> ChartData:
    """Turn an indicator's readings into chart series (plain Python, testable without a window)."""
    if indicator is None:
        return ChartData(_t("Chọn một chỉ tiêu trong bảng để xem biểu đồ"), "", list(years))
    readings = readings or {}
    measure = indicator.measure
    if indicator.baseline is not None:
        measure = _t("lần so với hiện nay")
    title = f"{indicator.stt or indicator.code}. {indicator.name}" if indicator.stt else indicator.name
    data = ChartData(title, measure, list(years), lower_is_better=indicator.direction == "lower")
    numeric_targets = [t for t in indicator.targets.values() if not t.is_text]
    data.is_words = bool(indicator.targets) and not numeric_targets
    for y in years:
        target = indicator.target(y)
        of_year = {k: r for k, r in readings.items() if r.period.year == y}
        value, _derived, estimate, partial = year_figure(indicator, y, of_year)
        if data.is_words:
            symbol = ""
            if target is not None and value is not None:
                symbol = VERDICT_SYMBOLS[judge(target, value, indicator.direction)[0]]
            actual = value if isinstance(value, str) else ("" if value is None else format_number(value))
            data.words.append((y, target.text if target else "", actual, symbol))
            continue
        if target is not None:
            if target.op == "range":
                data.bands.append((y, float(target.low), float(target.high)))
                data.targets.append((y, float(target.low)))
            elif target.op == "total":
                data.notes.append(
                    _t("Năm {year}: kế hoạch tính tổng cả giai đoạn {start}–{year} là {value} {measure}.").format(
                        year=y, start=target.from_year, value=format_number(target.value), measure=indicator.measure
                    )
                )
            elif target.is_text:
                data.notes.append(_t("Năm {year}: chỉ tiêu bằng chữ “{text}”.").format(year=y, text=target.text))
            else:
                data.targets.append((y, float(target.value)))
        if isinstance(value, (int, float)):
            shown = float(value)
            if indicator.baseline is not None:
                if not baseline:
                    continue
                shown = shown / baseline
            data.bars.append(Bar(y, shown, estimate, partial))
        elif isinstance(value, str):
            data.notes.append(_t("Năm {year}: thực hiện “{text}”.").format(year=y, text=value))
    if indicator.baseline is not None and not baseline:
        data.notes.append(_t("Chưa nhập {label}: chưa vẽ được số thực hiện.").format(label=indicator.baseline.label))
    if any(b.partial for b in data.bars):
        data.notes.append(_t("* Số tính đến kỳ gần nhất, chưa đủ cả năm."))
    return data


class _NumberAxis(pg.AxisItem):
    """Y axis with Vietnamese numbers (decimal comma, thousands dot)."""

    def tickStrings(self, values, scale, spacing):  # noqa: N802 - pyqtgraph API
        decimals = 0 if spacing >= 1 else 3
        return [format_number(v * scale, decimals) for v in values]


def _font(size: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPointSizeF(size)
    font.setBold(bold)
    return font


def _draw(plot: pg.PlotItem, data: ChartData) -> None:
    """Fill a PlotItem with the chart of `data` (shared by the screen, PNG and printed pages)."""
    plot.clear()
    plot.setTitle(None)  # the widget shows the title (wrapped) and the legend above the plot
    plot.showGrid(x=False, y=True, alpha=GRID_ALPHA)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.getViewBox().setMouseEnabled(False, False)
    years = data.years
    bottom, left = plot.getAxis("bottom"), plot.getAxis("left")
    for axis in (bottom, left):
        axis.setPen(pg.mkPen(TEXT_COLOUR))
        axis.setTextPen(pg.mkPen(TEXT_COLOUR))
        axis.setTickFont(_font(9.5))
    bottom.setTicks([[(y, str(y)) for y in years], []])
    if years:
        plot.setXRange(years[0] - 0.6, years[-1] + 0.6, padding=0)

    if data.is_words:
        _draw_words(plot, data)
        return
    left.setTicks(None)
    left.setWidth(None)

    official = [b for b in data.bars if not b.estimate]
    estimated = [b for b in data.bars if b.estimate]
    if official:
        _add(
            plot,
            None,
            pg.BarGraphItem(
                x=[b.year for b in official],
                height=[b.value for b in official],
                width=0.5,
                brush=QBrush(OFFICIAL_COLOUR),
                pen=pg.mkPen(OFFICIAL_COLOUR, width=1.5),
                name=_t("Thực hiện (chính thức)"),
            ),
        )
    if estimated:
        # Estimates are hatched and outlined with a dashed pen: different in colour print and in grey.
        _add(
            plot,
            None,
            pg.BarGraphItem(
                x=[b.year for b in estimated],
                height=[b.value for b in estimated],
                width=0.5,
                brush=QBrush(ESTIMATE_COLOUR, Qt.BrushStyle.BDiagPattern),
                pen=pg.mkPen(ESTIMATE_COLOUR, width=1.5, style=Qt.PenStyle.DashLine),
                name=_t("Ước thực hiện"),
            ),
        )
    for low_year, low, high in data.bands:
        _add(
            plot,
            None,
            pg.BarGraphItem(
                x=[low_year],
                y0=[low],
                height=[high - low],
                width=0.8,
                brush=QBrush(BAND_COLOUR),
                pen=pg.mkPen(TARGET_COLOUR, width=1, style=Qt.PenStyle.DotLine),
                name=_t("Khoảng kế hoạch"),
            ),
        )
    if data.targets:
        _add(
            plot,
            None,
            pg.PlotDataItem(
                [y for y, _ in data.targets],
                [v for _, v in data.targets],
                pen=pg.mkPen(TARGET_COLOUR, width=2.5),
                symbol="d",
                symbolSize=10,
                symbolBrush=TARGET_COLOUR,
                symbolPen=pg.mkPen(TARGET_COLOUR),
                name=_t("Kế hoạch"),
            ),
        )
    values = [b.value for b in data.bars] + [v for _, v in data.targets] + [h for _, _, h in data.bands]
    top = max(values) if values else 1.0
    top = top if top > 0 else 1.0
    plot.setYRange(0, top * 1.18, padding=0)
    for bar in data.bars:
        text = format_number(bar.value) + ("*" if bar.partial else "") + (" " + _t("(ước)") if bar.estimate else "")
        label = pg.TextItem(text, color=TEXT_COLOUR, anchor=(0.5, 1.0), fill=pg.mkBrush(255, 255, 255, 220))
        label.setZValue(10)
        label.setFont(_font(9))
        label.setPos(bar.year, bar.value)
        plot.addItem(label)
    if data.lower_is_better and data.targets:
        year0, value0 = data.targets[0]
        arrow = pg.ArrowItem(
            pos=(year0 - 0.35, value0),
            angle=-90,
            headLen=14,
            tailLen=18,
            tailWidth=3,
            brush=TARGET_COLOUR,
            pen=pg.mkPen(TARGET_COLOUR),
        )
        plot.addItem(arrow)


def _add(plot: pg.PlotItem, _legend, item) -> None:
    plot.addItem(item)


def legend_html(data: ChartData) -> str:
    """The legend as rich text for a label above the plot (it never covers a bar)."""
    if data.is_words or not data.years:
        return ""
    parts = [f"<span style='color:{TARGET_COLOUR.name()}'>━◆━</span> " + _t("Kế hoạch")]
    if data.bands:
        parts.append(f"<span style='color:{TARGET_COLOUR.name()}'>▒</span> " + _t("Khoảng kế hoạch"))
    parts.append(f"<span style='color:{OFFICIAL_COLOUR.name()}'>■</span> " + _t("Thực hiện (chính thức)"))
    parts.append(f"<span style='color:{ESTIMATE_COLOUR.name()}'>▨</span> " + _t("Ước thực hiện (gạch chéo)"))
    return " &nbsp;&nbsp;&nbsp; ".join(parts)


def _draw_words(plot: pg.PlotItem, data: ChartData) -> None:
    left = plot.getAxis("left")
    left.setWidth(70)
    left.setTicks([[(1, _t("Kế hoạch")), (0, _t("Thực hiện"))], []])
    plot.showGrid(x=False, y=False)
    plot.setYRange(-0.6, 1.6, padding=0)
    for year, target, actual, symbol in data.words:
        for row, text, colour in (
            (1, target or "–", TARGET_COLOUR),
            (0, (f"{symbol} {actual}" if actual else _t("chưa có")), OFFICIAL_COLOUR),
        ):
            item = pg.TextItem(anchor=(0.5, 0.5))
            item.setFont(_font(9))
            item.setHtml(f'<div style="text-align:center; color:{colour.name()}">{html.escape(text)}</div>')
            item.setTextWidth(130)
            item.setPos(year, row)
            plot.addItem(item)


class ProgressChart(QWidget):
    """A light chart of one indicator's targets and figures. Holds no queries: callers pass readings."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._data = chart_data(None, None, None, [])
        self.plot_widget = pg.PlotWidget(background="w", axisItems={"left": _NumberAxis("left")})
        self.plot_widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # nothing to do by keyboard: Tab goes past it
        self.plot_widget.setMinimumHeight(70)  # the window must fit 1366×768 at 150 % (~440 logical pixels high)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.title_label = QLabel()
        self.title_label.setWordWrap(True)
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title_label.setStyleSheet("color: #1f2937; background: white; font-weight: bold; padding: 4px;")
        layout.addWidget(self.title_label)
        self.legend_label = QLabel()
        self.legend_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.legend_label.setStyleSheet("color: #1f2937; background: white; padding: 0 0 4px 0;")
        layout.addWidget(self.legend_label)
        layout.addWidget(self.plot_widget, 1)
        self.notes_label = QLabel()
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet("color: #4b5563; background: white; padding: 2px 8px;")
        layout.addWidget(self.notes_label)
        self._redraw()

    def _redraw(self) -> None:
        _draw(self.plot_widget.getPlotItem(), self._data)
        self.title_label.setText(_title(self._data))
        self.legend_label.setText(legend_html(self._data))
        self.notes_label.setText("\n".join(_notes(self._data)))
        self.notes_label.setVisible(bool(self.notes_label.text()))

    @property
    def data(self) -> ChartData:
        return self._data

    def show(self, indicator: Indicator | None = None, readings=None, baseline=None, years=None) -> None:  # noqa: A003
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

    def paint(self, painter: QPainter, rect: QRectF, family: str | None = None) -> None:
        """Paint the chart into `rect` of any painter (printer, PDF, image), independent of the window."""
        render_chart(self._data, painter, rect, family=family)

    def save_png(self, path: Path | str, width: int = 1200, height: int = 600) -> Path:
        path = Path(path)
        image = QImage(width, height, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.white)
        painter = QPainter(image)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self.paint(painter, QRectF(0, 0, width, height))
        finally:
            painter.end()
        if not image.save(str(path), "PNG"):
            raise OSError(_t("Không ghi được tệp ảnh {path}.").format(path=path))
        return path


def _title(data: ChartData) -> str:
    title = data.title + (f" ({data.measure})" if data.measure else "")
    if data.lower_is_better:
        title += "  " + _t("↓ càng thấp càng tốt")
    return title


def _notes(data: ChartData) -> list[str]:
    notes = list(data.notes)
    if not data.is_words and not data.bars and data.years:
        notes.insert(0, _t("Chưa có số liệu thực hiện."))
    return notes


def _nice_step(top: float, count: int = 5) -> float:
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _font_of(pixels: float, bold: bool = False, family: str | None = None) -> QFont:
    font = QFont(family) if family else QFont()
    font.setPixelSize(max(1, round(pixels)))
    font.setBold(bold)
    return font


def render_chart(
    data: ChartData, painter: QPainter, rect: QRectF, logical_width: float = 900.0, family: str | None = None
) -> None:
    """Draw `data` into `rect` with plain QPainter calls: vector on a PDF, safe off the UI thread.

    The chart is laid out at a screen-like width and scaled to `rect`, so it looks the same on a
    1200-dpi printer page as on screen. It shows the same series as the pyqtgraph widget.
    `family` sets the font (a printed report passes its own serif font); None keeps the screen's.
    """
    scale = rect.width() / logical_width
    width, height = logical_width, rect.height() / scale
    painter.save()
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.translate(rect.topLeft())
        painter.scale(scale, scale)
        painter.fillRect(QRectF(0, 0, width, height), Qt.GlobalColor.white)
        _render(painter, data, width, height, family)
    finally:
        painter.restore()


def _render(p: QPainter, data: ChartData, width: float, height: float, family: str | None = None) -> None:
    def _pixel_font(pixels: float, bold: bool = False) -> QFont:  # every label in the one family
        return _font_of(pixels, bold, family)

    title = _title(data)
    p.setPen(TEXT_COLOUR)
    p.setFont(_pixel_font(16, bold=True))
    title_rect = p.boundingRect(
        QRectF(10, 6, width - 20, 60), Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignHCenter, title
    )
    p.drawText(title_rect, Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignHCenter, title)
    top = title_rect.bottom() + 8

    notes = _notes(data)
    p.setFont(_pixel_font(12))
    notes_text = "\n".join(notes)
    notes_rect = QRectF()
    if notes_text:
        notes_rect = p.boundingRect(QRectF(70, 0, width - 80, height), Qt.TextFlag.TextWordWrap, notes_text)
    bottom = height - 30 - notes_rect.height() - (6 if notes_text else 0)

    # legend
    if not data.is_words:
        x = 70.0
        entries = [("line", _t("Kế hoạch"))]
        if data.bands:
            entries.append(("band", _t("Khoảng kế hoạch")))
        entries += [("official", _t("Thực hiện (chính thức)")), ("estimate", _t("Ước thực hiện"))]
        p.setFont(_pixel_font(12))
        for kind, label in entries:
            sample = QRectF(x, top + 2, 18, 12)
            if kind == "line":
                p.setPen(QPen(TARGET_COLOUR, 2.5))
                p.drawLine(sample.left(), sample.center().y(), sample.right(), sample.center().y())
            else:
                _bar_style(p, kind)
                p.drawRect(sample)
            p.setPen(TEXT_COLOUR)
            text_width = p.fontMetrics().horizontalAdvance(label)
            p.drawText(QRectF(x + 24, top, text_width + 4, 16), Qt.AlignmentFlag.AlignVCenter, label)
            x += 24 + text_width + 22
        top += 24

    plot = QRectF(70, top + 4, width - 90, max(40.0, bottom - top - 4))
    years = data.years or [0]
    slot = plot.width() / len(years)

    def x_of(year: float) -> float:
        return plot.left() + (year - years[0] + 0.5) * slot

    # axes and year ticks
    p.setPen(QPen(TEXT_COLOUR, 1))
    p.drawLine(plot.bottomLeft(), plot.bottomRight())
    p.drawLine(plot.bottomLeft(), plot.topLeft())
    p.setFont(_pixel_font(13))
    for year in data.years:
        p.drawText(QRectF(x_of(year) - 40, plot.bottom() + 4, 80, 20), Qt.AlignmentFlag.AlignHCenter, str(year))

    if data.is_words:
        rows = ((1, _t("Kế hoạch"), TARGET_COLOUR), (0, _t("Thực hiện"), OFFICIAL_COLOUR))
        for row, label, colour in rows:
            y = plot.top() + plot.height() * (0.3 if row else 0.72)
            p.setPen(TEXT_COLOUR)
            p.setFont(_pixel_font(12, bold=True))
            p.drawText(QRectF(0, y - 20, 66, 40), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, label)
            p.setFont(_pixel_font(12))
            p.setPen(colour)
            for year, target, actual, symbol in data.words:
                text = (target or "–") if row else (f"{symbol} {actual}" if actual else _t("chưa có"))
                p.drawText(
                    QRectF(x_of(year) - slot / 2 + 4, y - 30, slot - 8, 60),
                    Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                    text,
                )
    else:
        values = [b.value for b in data.bars] + [v for _, v in data.targets] + [h for _, _, h in data.bands]
        top_value = max(values) if values and max(values) > 0 else 1.0
        step = _nice_step(top_value * 1.15)
        y_max = step * math.ceil(top_value * 1.15 / step)

        def y_of(value: float) -> float:
            return plot.bottom() - value / y_max * plot.height()

        p.setFont(_pixel_font(12))
        tick = 0.0
        decimals = 0 if step >= 1 else 3
        while tick <= y_max + step / 1000:
            y = y_of(tick)
            p.setPen(QPen(QColor(0, 0, 0, 40), 1))
            if tick > 0:
                p.drawLine(plot.left(), y, plot.right(), y)
            p.setPen(TEXT_COLOUR)
            p.drawText(
                QRectF(0, y - 9, 64, 18),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                format_number(tick, decimals),
            )
            tick += step
        for year, low, high in data.bands:
            _bar_style(p, "band")
            p.drawRect(QRectF(x_of(year) - slot * 0.4, y_of(high), slot * 0.8, y_of(low) - y_of(high)))
        for bar in data.bars:
            _bar_style(p, "estimate" if bar.estimate else "official")
            p.drawRect(_bar_box(bar, x_of, y_of, slot, plot))
        if data.targets:
            p.setPen(QPen(TARGET_COLOUR, 2.5))
            points = [QPointF(x_of(y), y_of(v)) for y, v in data.targets]
            p.drawPolyline(points)
            p.setBrush(TARGET_COLOUR)
            for point in points:
                p.drawPolygon(
                    [point + QPointF(0, -6), point + QPointF(5, 0), point + QPointF(0, 6), point + QPointF(-5, 0)]
                )
        if data.lower_is_better and data.targets:
            year0, value0 = data.targets[0]
            x, y = x_of(year0) - slot * 0.38, y_of(value0)
            p.setPen(QPen(TARGET_COLOUR, 2.5))
            p.drawLine(QPointF(x, y - 26), QPointF(x, y))
            p.setBrush(TARGET_COLOUR)
            p.drawPolygon([QPointF(x - 6, y - 8), QPointF(x + 6, y - 8), QPointF(x, y + 2)])
        p.setFont(_pixel_font(12))
        for bar in data.bars:  # labels last, on a white ground, so the target line never hides them
            box = _bar_box(bar, x_of, y_of, slot, plot)
            text = format_number(bar.value) + ("*" if bar.partial else "") + (" " + _t("(ước)") if bar.estimate else "")
            text_width = p.fontMetrics().horizontalAdvance(text) + 8
            label = QRectF(box.center().x() - text_width / 2, box.top() - 19, text_width, 16)
            p.fillRect(label, QColor(255, 255, 255, 220))
            p.setPen(TEXT_COLOUR)
            p.drawText(label, Qt.AlignmentFlag.AlignCenter, text)
    if notes_text:
        p.setPen(QColor("#4b5563"))
        p.setFont(_pixel_font(12))
        p.drawText(
            QRectF(70, height - notes_rect.height() - 4, width - 80, notes_rect.height()),
            Qt.TextFlag.TextWordWrap,
            notes_text,
        )


def _bar_box(bar: Bar, x_of, y_of, slot: float, plot: QRectF) -> QRectF:
    return QRectF(x_of(bar.year) - slot * 0.25, y_of(bar.value), slot * 0.5, plot.bottom() - y_of(bar.value))


def _bar_style(p: QPainter, kind: str) -> None:
    if kind == "official":
        p.setPen(QPen(OFFICIAL_COLOUR, 1.5))
        p.setBrush(QBrush(OFFICIAL_COLOUR))
    elif kind == "estimate":
        p.setPen(QPen(ESTIMATE_COLOUR, 1.5, Qt.PenStyle.DashLine))
        p.setBrush(QBrush(ESTIMATE_COLOUR, Qt.BrushStyle.BDiagPattern))
    else:
        p.setPen(QPen(TARGET_COLOUR, 1, Qt.PenStyle.DotLine))
        p.setBrush(QBrush(BAND_COLOUR))
