"""Optional pages of progress charts after a report: the same chart the window shows, one per indicator.

The chart's series (chart_data) and its QPainter drawing (render_chart) are plain functions of
ui/progress_chart.py that need no widget; they are imported lazily so a report without charts
never loads pyqtgraph. This is the one place where reports/ reaches into ui/, on purpose: paper and
screen must show the same chart.
"""

from __future__ import annotations

from collections.abc import Callable

from ..storage.store import Store
from .content import ReportContent

CHARTS_PER_PAGE = 2


def chart_pages(store: Store, content: ReportContent) -> Callable:
    """A painter callback for render.paint_report: charts of the report's indicators, two per page."""
    from ..ui.progress_chart import chart_data

    plan = store.plan
    readings, baselines = store.readings(), store.baselines()
    years = content.period.years if content.is_review else plan.years
    charts = [
        chart_data(plan.indicator(code), readings.get(code, {}), baselines.get(code), years) for code in content.codes
    ]

    def paint(painter, rect, new_page) -> None:
        from PySide6.QtCore import QRectF, Qt
        from PySide6.QtGui import QFont

        from ..ui.progress_chart import render_chart
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
