"""The period selector every tab shares: a year and a period of it (quý I, 6 tháng, 9 tháng, cả năm, then the
single quarters and the second half)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QSettings, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from ..domain.periods import Period, PeriodError, parse_period, periods_of_year

SETTINGS_KEY = "period/current"


def default_period(first_year: int, last_year: int, today: date | None = None) -> Period:
    """The quarter just finished (what officials report on), clamped to the plan."""
    today = today or date.today()
    quarter = (today.month - 1) // 3  # the previous quarter: 0 means the last quarter of last year
    year = today.year if quarter else today.year - 1
    quarter = quarter or 4
    if year < first_year:
        return Period(first_year, "Q", 1)
    if year > last_year:
        return Period(last_year, "Y")
    return Period(year, "Q", quarter)


def remembered_period(settings: QSettings, first_year: int, last_year: int) -> Period:
    text = settings.value(SETTINGS_KEY, "")
    if text:
        try:
            return parse_period(str(text), first_year, last_year)
        except PeriodError:
            pass
    return default_period(first_year, last_year)


class PeriodSelector(QWidget):
    period_changed = Signal(object)  # Period

    def __init__(self, first_year: int, last_year: int, period: Period, parent: QWidget | None = None):
        super().__init__(parent)
        self._period = period
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel("&Kỳ báo cáo:")  # Alt+K: straight to the year
        layout.addWidget(label)
        self.year_box = QComboBox()
        label.setBuddy(self.year_box)
        for year in range(first_year, last_year + 1):
            self.year_box.addItem(f"Năm {year}", year)
        # The year before the plan holds reference figures (cùng kỳ năm trước of the first year): last in the list.
        self.year_box.addItem(f"Năm {first_year - 1} (số liệu so sánh)", first_year - 1)
        self.kind_box = QComboBox()
        for p in periods_of_year(first_year):
            self.kind_box.addItem(p.short_label, f"{p.kind}{p.index}")  # plain strings: findData compares them
        layout.addWidget(self.year_box)
        layout.addWidget(self.kind_box)
        layout.addStretch(1)
        self._select(period)
        self.year_box.currentIndexChanged.connect(self._on_changed)
        self.kind_box.currentIndexChanged.connect(self._on_changed)

    def period(self) -> Period:
        return self._period

    def set_period(self, period: Period) -> None:
        if period != self._period:
            self._select(period)
            self._on_changed()

    def _select(self, period: Period) -> None:
        for box, data in ((self.year_box, period.year), (self.kind_box, f"{period.kind}{period.index}")):
            box.blockSignals(True)
            box.setCurrentIndex(max(box.findData(data), 0))
            box.blockSignals(False)

    def _on_changed(self, *_):
        code = self.kind_box.currentData()
        kind, index = code[0], int(code[1:])
        period = Period(self.year_box.currentData(), kind, index)
        if period != self._period:
            self._period = period
            self.period_changed.emit(period)
