"""What a progress chart shows, computed once for every painter.

`chart_data()` turns an indicator's readings into a `ChartData`: the series, the target line or band,
the estimates, the value scale and its ticks, the texts (title, legend, labels, notes) and the colours.
Two thin painters draw it: pyqtgraph in the window (ui/progress_chart.py) and QPainter on paper, in PNGs
and in the self-test (reports/charts.py). Neither decides anything about what is shown, so a change to the
chart is made here, once. Plain Python: no Qt, no SQL.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

from ..domain.evaluation import VERDICT_SYMBOLS, Reading, judge, year_figure
from ..domain.numbers import format_number
from ..domain.plan import Indicator

# Colours as "#rrggbb" or (r, g, b, alpha): readable on white and in grey print.
TARGET_COLOUR = "#b45309"  # amber-brown target line
BAND_COLOUR = (180, 83, 9, 40)
OFFICIAL_COLOUR = "#1d4ed8"
ESTIMATE_COLOUR = "#1d4ed8"  # same blue; estimates differ by hatching and a dashed outline
TEXT_COLOUR = "#1f2937"
NOTE_COLOUR = "#4b5563"
GRID_COLOUR = (0, 0, 0, 40)
LABEL_GROUND = (255, 255, 255, 220)  # behind a bar's value, so the target line never hides it

# Widths in years (one year is one slot on the x axis).
BAR_WIDTH = 0.5
BAND_WIDTH = 0.8
ARROW_OFFSET = 0.38  # the "↓" of lower-is-better sits left of the first target point
HEADROOM = 1.15  # room above the highest value for its label

NO_INDICATOR = "Chọn một chỉ tiêu trong bảng để xem biểu đồ"
NO_FIGURES = "Chưa có số liệu thực hiện."
NOT_YET = "chưa có"
ESTIMATE_MARK = " (ước)"
PARTIAL_MARK = "*"
LOWER_IS_BETTER = "↓ càng thấp càng tốt"
WORD_ROWS = ("Kế hoạch", "Thực hiện")  # the two rows of a chart of targets in words


class Mark(StrEnum):
    """The kinds of mark on a chart; each has one legend label."""

    TARGET = "target"
    BAND = "band"
    OFFICIAL = "official"
    ESTIMATE = "estimate"

    @property
    def label(self) -> str:
        return MARK_LABELS[self]


MARK_LABELS = {
    Mark.TARGET: "Kế hoạch",
    Mark.BAND: "Khoảng kế hoạch",
    Mark.OFFICIAL: "Thực hiện (chính thức)",
    Mark.ESTIMATE: "Ước thực hiện (gạch chéo)",
}


@dataclass
class Bar:
    year: int
    value: float
    estimate: bool
    partial: bool

    @property
    def mark(self) -> Mark:
        return Mark.ESTIMATE if self.estimate else Mark.OFFICIAL

    @property
    def label(self) -> str:
        return (
            format_number(self.value)
            + (PARTIAL_MARK if self.partial else "")
            + (ESTIMATE_MARK if self.estimate else "")
        )


@dataclass
class WordCell:
    """One year of a chart whose targets are words: the plan's text and what was done (with its verdict)."""

    year: int
    target: str
    actual: str

    @property
    def texts(self) -> tuple[str, str]:
        return (self.target or "–", self.actual or NOT_YET)


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
    words: list[WordCell] = field(default_factory=list)
    is_words: bool = False

    @property
    def heading(self) -> str:
        """The title line above the plot: name, measure and the direction mark."""
        heading = self.title + (f" ({self.measure})" if self.measure else "")
        return heading + ("  " + LOWER_IS_BETTER if self.lower_is_better else "")

    @property
    def legend(self) -> list[Mark]:
        if self.is_words or not self.years:
            return []
        marks = [Mark.TARGET] + ([Mark.BAND] if self.bands else [])
        return marks + [Mark.OFFICIAL, Mark.ESTIMATE]

    @property
    def footnotes(self) -> list[str]:
        """The notes under the plot."""
        if not self.is_words and not self.bars and self.years:
            return [NO_FIGURES, *self.notes]
        return list(self.notes)

    @property
    def x_range(self) -> tuple[float, float]:
        """Half a slot either side of the first and last year."""
        years = self.years or [0]
        return years[0] - 0.5, years[-1] + 0.5

    @property
    def scale(self) -> tuple[float, list[tuple[float, str]]]:
        """The top of the value axis and its ticks (value, Vietnamese text), from 0 in round steps."""
        if self.is_words:
            return 1.0, []
        values = [b.value for b in self.bars] + [v for _, v in self.targets] + [h for _, _, h in self.bands]
        top = max(values) if values and max(values) > 0 else 1.0
        step = _nice_step(top * HEADROOM)
        y_max = step * math.ceil(top * HEADROOM / step)
        decimals = 0 if step >= 1 else 3
        count = round(y_max / step)
        return y_max, [(n * step, format_number(n * step, decimals)) for n in range(count + 1)]

    @property
    def arrow(self) -> tuple[float, float] | None:
        """Where the tip of the "↓" of lower-is-better goes (year units, value), or None."""
        if not (self.lower_is_better and self.targets) or self.is_words:
            return None
        year, value = self.targets[0]
        return year - ARROW_OFFSET, value


def _nice_step(top: float, count: int = 5) -> float:
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def chart_data(
    indicator: Indicator | None, readings: dict[str, Reading] | None, baseline: float | None, years: list[int]
) -> ChartData:
    """Turn an indicator's readings into chart series (plain Python, testable without a window)."""
    if indicator is None:
        return ChartData(NO_INDICATOR, "", list(years))
    readings = readings or {}
    measure = "lần so với hiện nay" if indicator.baseline is not None else indicator.measure
    title = f"{indicator.stt or indicator.code}. {indicator.name}" if indicator.stt else indicator.name
    data = ChartData(title, measure, list(years), lower_is_better=indicator.direction == "lower")
    numeric_targets = [t for t in indicator.targets.values() if not t.is_text]
    data.is_words = bool(indicator.targets) and not numeric_targets
    for y in years:
        target = indicator.target(y)
        of_year = {k: r for k, r in readings.items() if r.period.year == y}
        value, _derived, estimate, partial = year_figure(indicator, y, of_year)
        if data.is_words:
            data.words.append(_word_cell(indicator, y, target, value))
            continue
        if target is not None:
            _add_target(data, indicator, y, target)
        if isinstance(value, (int, float)):
            shown = float(value)
            if indicator.baseline is not None:
                if not baseline:
                    continue
                shown = shown / baseline
            data.bars.append(Bar(y, shown, estimate, partial))
        elif isinstance(value, str):
            data.notes.append(f"Năm {y}: thực hiện “{value}”.")
    if indicator.baseline is not None and not baseline:
        data.notes.append(f"Chưa nhập {indicator.baseline.label}: chưa vẽ được số thực hiện.")
    if any(b.partial for b in data.bars):
        data.notes.append(PARTIAL_MARK + " Số tính đến kỳ gần nhất, chưa đủ cả năm.")
    return data


def _word_cell(indicator: Indicator, year: int, target, value) -> WordCell:
    actual = value if isinstance(value, str) else ("" if value is None else format_number(value))
    if target is not None and value is not None:
        actual = f"{VERDICT_SYMBOLS[judge(target, value, indicator.direction)[0]]} {actual}"
    return WordCell(year, target.text if target else "", actual)


def _add_target(data: ChartData, indicator: Indicator, year: int, target) -> None:
    if target.op == "range":
        data.bands.append((year, float(target.low), float(target.high)))
        data.targets.append((year, float(target.low)))
    elif target.op == "total":
        data.notes.append(
            f"Năm {year}: kế hoạch tính tổng cả giai đoạn {target.from_year}–{year} là "
            f"{format_number(target.value)} {indicator.measure}."
        )
    elif target.is_text:
        data.notes.append(f"Năm {year}: chỉ tiêu bằng chữ “{target.text}”.")
    else:
        data.targets.append((year, float(target.value)))
