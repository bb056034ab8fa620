"""Judging figures against the plan's targets: plain Python, no Qt, no SQL.

Inputs are plain readings keyed by period; outputs are small frozen records that the
command line, the window, the reports and Excel all show the same way.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, replace
from enum import StrEnum

from .errors import UserError
from .numbers import NumberError, format_number, parse_number
from .periods import BASELINE, Period
from .periods import year as year_period
from .plan import Indicator, Target


class Verdict(StrEnum):
    """How a figure stands against its target. The value is what JSON and Excel store; label and symbol are shown."""

    EXCEEDED = "exceeded"
    MET = "met"
    NOT_MET = "not_met"
    NO_DATA = "no_data"

    @property
    def label(self) -> str:
        return VERDICT_LABELS[self]

    @property
    def symbol(self) -> str:
        return VERDICT_SYMBOLS[self]


EXCEEDED, MET, NOT_MET, NO_DATA = Verdict.EXCEEDED, Verdict.MET, Verdict.NOT_MET, Verdict.NO_DATA
VERDICTS = tuple(Verdict)
VERDICT_LABELS = {EXCEEDED: "Vượt", MET: "Đạt", NOT_MET: "Không đạt", NO_DATA: "Chưa có số liệu"}
VERDICT_SYMBOLS = {EXCEEDED: "▲", MET: "✔", NOT_MET: "✘", NO_DATA: "–"}
_EPSILON = 1e-9

Value = float | str


class ValueRefused(UserError, ValueError):
    """A value the plan does not allow for this indicator and period; str() is Vietnamese."""


@dataclass(frozen=True)
class Reading:
    """One current figure as the evaluator needs it."""

    period: Period
    value: Value
    estimate: bool = False
    order: int = 0  # the order of entry: kept for display, never used to decide between figures


@dataclass(frozen=True)
class Assessment:
    code: str
    period: Period
    actual: Value | None
    derived: bool
    estimate: bool
    percent: float | None
    verdict: str
    target: Target | None
    reason: str = ""
    partial: bool = False  # a derived figure that does not yet cover the whole period
    ratio: float | None = None  # for indicators measured against a baseline
    judged_against: Target | None = None  # a period's share of a flow's yearly target, when that decided
    disagreement: str = ""  # another figure for the same months says something else (Vietnamese)

    @property
    def verdict_label(self) -> str:
        return VERDICT_LABELS[self.verdict]


@dataclass(frozen=True)
class Remaining:
    """What is still needed to reach the final year's target from the latest figure."""

    latest: Value | None
    latest_period: Period | None
    target: Target | None
    gap: float | None
    reached: bool
    text: str


# ---- what a value may be ------------------------------------------------------------------


def expects_words(indicator: Indicator, year: int) -> bool:
    target = indicator.target(year)
    if target is not None:
        return target.is_text
    return bool(indicator.allowed_words) and not any(not t.is_text for t in indicator.targets.values())


def validate_value(indicator: Indicator, period_key: str, raw: Value, year: int | None) -> Value:
    """Turn what a user typed into the value to store, or raise ValueRefused saying why."""
    if period_key == BASELINE:
        return _validate_number(indicator, raw, baseline=True)
    if year is not None and expects_words(indicator, year):
        return _validate_word(indicator, raw, year)
    return _validate_number(indicator, raw, baseline=False)


def _validate_word(indicator: Indicator, raw: Value, year: int) -> str:
    words = indicator.allowed_words
    wanted = _comparable_words(raw)
    for word in words:
        if _comparable_words(word) == wanted:
            return word
    # The start of a choice picks it when no other choice starts the same way ("Ổn định" for
    # "Ổn định, không có điểm nóng"); the stored and shown value is always the choice in full.
    starting = [word for word in words if wanted and _comparable_words(word).startswith(wanted)]
    if len(starting) == 1:
        return starting[0]
    choices = " / ".join(words)
    if len(starting) > 1:
        raise ValueRefused(
            f"Chỉ tiêu {indicator.code} năm {year}: “{raw}” là đầu của nhiều lựa chọn "
            f"({' / '.join(starting)}); hãy gõ rõ hơn."
        )
    raise ValueRefused(f"Chỉ tiêu {indicator.code} năm {year} đánh giá bằng chữ: chọn một trong {choices}.")


def _comparable_words(text) -> str:
    return " ".join(unicodedata.normalize("NFC", str(text)).casefold().split())


def _validate_number(indicator: Indicator, raw: Value, baseline: bool) -> float:
    if isinstance(raw, bool):
        raise ValueRefused("Giá trị không phải là số.")
    if isinstance(raw, (int, float)):
        value = float(raw)
        if not math.isfinite(value):  # an Excel or exchange cell can hold what no one can type
            raise ValueRefused(f"Chỉ tiêu {indicator.code}: giá trị “{raw}” không phải là một số hữu hạn.")
    else:
        try:
            value = parse_number(str(raw))
        except NumberError as exc:
            raise ValueRefused(str(exc)) from exc
    measure = f" ({indicator.measure})" if indicator.measure else ""
    if value > indicator.maximum + _EPSILON:
        if indicator.measure == "%" and indicator.maximum == 100:
            raise ValueRefused(f"Chỉ tiêu {indicator.code} là tỷ lệ, không thể lớn hơn 100%.")
        raise ValueRefused(f"Chỉ tiêu {indicator.code} không thể lớn hơn {format_number(indicator.maximum)}{measure}.")
    if baseline:
        if value <= 0:
            raise ValueRefused("Số gốc (hiện nay) phải lớn hơn 0.")
        return value
    if indicator.minimum is not None and value < indicator.minimum - _EPSILON:
        raise ValueRefused(f"Chỉ tiêu {indicator.code} không thể nhỏ hơn {format_number(indicator.minimum)}{measure}.")
    if indicator.integer and abs(value - round(value)) > _EPSILON:
        raise ValueRefused(f"Chỉ tiêu {indicator.code} đếm bằng số nguyên ({indicator.measure}).")
    return value


# ---- the figure for a period ---------------------------------------------------------------
#
# A fixed rule, never the order of entry, decides between figures (no PC's clock can change a report):
# - "none" (growth rates): only a figure entered for the period itself; nine months' growth is not the
#   third quarter's, and a year's is not its latest quarter's.
# - "flow" (adds up): a figure entered for the period wins over the sum of its parts; otherwise the parts
#   that cover most months, in the fewest and longest pieces (9 tháng + quý IV before 6 tháng + 6 tháng).
# - "level" (carries over): the reading at the latest date inside the period; among readings of that same
#   date an official figure before an estimate, then the longer period.
# When another figure for the same months says something else, the result carries the disagreement.


@dataclass(frozen=True)
class PeriodFigure:
    value: Value | None
    derived: bool = False
    estimate: bool = False
    partial: bool = False
    disagreement: str = ""  # Vietnamese: which other figure for the same months differs

    def astuple(self):
        return self.value, self.derived, self.estimate, self.partial


_NOTHING = PeriodFigure(None)


def _same(a: Value, b: Value) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) <= _EPSILON * max(1.0, abs(float(a)))
    return a == b


def _reading_text(r: Reading) -> str:
    return f"{r.period.short_label} {format_value(r.value)}" + (" (ước)" if r.estimate else "")


def period_figure(indicator: Indicator, period: Period, readings: dict[str, Reading]) -> PeriodFigure:
    """The figure of a period: its own, or one derived from the figures inside it (see the rule above)."""
    inside = [r for r in readings.values() if period.contains(r.period)]
    own = next((r for r in inside if r.period == period), None)
    if indicator.aggregation == "none":
        return PeriodFigure(own.value, False, own.estimate) if own else _NOTHING
    if indicator.aggregation == "flow":
        return _flow_figure(period, inside, own)
    return _level_figure(period, inside)


def _level_figure(period: Period, inside: list[Reading]) -> PeriodFigure:
    if not inside:
        return _NOTHING
    last = max(r.period.end_month for r in inside)
    same_day = [r for r in inside if r.period.end_month == last]
    chosen = max(same_day, key=lambda r: (not r.estimate, r.period.months))
    others = [r for r in same_day if r is not chosen and not _same(r.value, chosen.value)]
    disagreement = ""
    if others:
        disagreement = "Số liệu cùng thời điểm khác nhau: " + "; ".join(_reading_text(r) for r in [chosen, *others])
    return PeriodFigure(chosen.value, chosen.period != period, chosen.estimate, last < period.end_month, disagreement)


def _covers(pos: int, end: int, by_start: dict[int, list[Reading]]):
    """Every way to lay figures end to end from month `pos` to `end`, a quarter left out where none starts."""
    if pos >= end:
        yield ()
        return
    for r in by_start.get(pos, ()):
        if r.period.end_month <= end:
            for rest in _covers(r.period.end_month, end, by_start):
                yield (r, *rest)
    for rest in _covers(pos + 3, end, by_start):
        yield rest


def _flow_figure(period: Period, inside: list[Reading], own: Reading | None) -> PeriodFigure:
    parts = [r for r in inside if r is not own and isinstance(r.value, (int, float))]
    by_start: dict[int, list[Reading]] = {}
    for r in parts:
        by_start.setdefault(r.period.start_month, []).append(r)
    covers = [c for c in _covers(period.start_month, period.end_month, by_start) if c]
    full = [c for c in covers if sum(r.period.months for r in c) == period.months]

    def cover_text(cover) -> str:
        total = sum(float(r.value) for r in cover)
        return " + ".join(r.period.short_label for r in cover) + f" = {format_value(total)}"

    if own is not None:
        differing = [c for c in full if not _same(sum(float(r.value) for r in c), own.value)]
        disagreement = ""
        if differing and isinstance(own.value, (int, float)):
            disagreement = (
                f"Số liệu {period.short_label.lower()} ({format_value(own.value)}) khác tổng các kỳ: "
                + "; ".join(cover_text(c) for c in differing[:2])
            )
        return PeriodFigure(own.value, False, own.estimate, False, disagreement)
    if not covers:
        return _NOTHING
    best = max(covers, key=lambda c: (sum(r.period.months for r in c), -len(c), [r.period.months for r in c]))
    total = sum(float(r.value) for r in best)
    months = sum(r.period.months for r in best)
    differing = [c for c in full if not _same(sum(float(r.value) for r in c), total)]
    disagreement = ""
    if differing:
        disagreement = "Các cách cộng cho kết quả khác nhau: " + "; ".join(
            cover_text(c) for c in [best, *differing[:2]]
        )
    return PeriodFigure(total, True, any(r.estimate for r in best), months < period.months, disagreement)


def year_figure(indicator: Indicator, y: int, readings: dict[str, Reading]):
    """(value, derived, estimate, partial) for a year: its own figure, or one derived from its parts."""
    return period_figure(indicator, year_period(y), readings).astuple()


# ---- judging ------------------------------------------------------------------------------


def judge(target: Target, actual: Value, direction: str = "higher") -> tuple[str, float | None]:
    """The verdict and percentage of target for one comparable value."""
    if target.is_text:
        if isinstance(actual, str) and actual in target.accept:
            return MET, None
        return NOT_MET, None
    if isinstance(actual, str):
        return NOT_MET, None
    x = float(actual)
    if not math.isfinite(x):  # no verdict and no percent from a value that is not a number
        return NO_DATA, None
    if target.op == "range":
        low, high = float(target.low), float(target.high)
        percent = x / low * 100 if low else None
        if x < low - _EPSILON:
            return NOT_MET, percent
        if x > high + _EPSILON:
            return (EXCEEDED if direction == "higher" else NOT_MET), percent
        return MET, percent
    v = float(target.value)
    if target.op == "le":
        percent = v / x * 100 if x > _EPSILON else (100.0 if v <= _EPSILON else None)
        if x > v + _EPSILON:
            return NOT_MET, percent
        return (MET if abs(x - v) <= _EPSILON else EXCEEDED), percent
    if target.op == "lt":  # "dưới …": strictly below
        percent = v / x * 100 if x > _EPSILON else None
        return (MET if x < v - _EPSILON else NOT_MET), percent
    percent = x / v * 100 if v else None
    if target.op == "gt":
        return (MET if x > v + _EPSILON else NOT_MET), percent
    # ge and total
    if x < v - _EPSILON:
        return NOT_MET, percent
    return (MET if abs(x - v) <= _EPSILON else EXCEEDED), percent


def evaluate_year(
    indicator: Indicator,
    y: int,
    readings: dict[str, Reading],
    baseline: float | None = None,
    all_readings: dict[str, Reading] | None = None,
) -> Assessment:
    """The verdict for a year. `all_readings` (every year's figures) is needed for period totals."""
    target = indicator.target(y)
    if target is not None and target.op == "total":
        return _evaluate_total(indicator, y, target, all_readings or readings)
    return _evaluate_figure(
        indicator, year_period(y), target, period_figure(indicator, year_period(y), readings), baseline
    )


def _no_data_reason(indicator: Indicator, period: Period, readings: dict[str, Reading]) -> str:
    if indicator.aggregation == "none" and any(period.contains(r.period) for r in readings.values()):
        return (
            f"Chỉ tiêu tăng trưởng: chỉ tính số liệu nhập cho đúng kỳ {period.short_label.lower()}, "
            "không suy ra từ các kỳ khác"
        )
    return "Chưa có số liệu"


def _evaluate_figure(indicator, period, target, figure: PeriodFigure, baseline, readings=None) -> Assessment:
    if figure.value is None:
        reason = _no_data_reason(indicator, period, readings or {})
        return Assessment(indicator.code, period, None, False, False, None, NO_DATA, target, reason=reason)
    a = _assess(indicator, period, target, figure.value, figure.derived, figure.estimate, figure.partial, baseline)
    return replace(a, disagreement=figure.disagreement) if figure.disagreement else a


def _assess(indicator, period, target, value, derived, estimate, partial, baseline) -> Assessment:
    comparable, ratio, reason = value, None, ""
    if indicator.baseline is not None and isinstance(value, (int, float)):
        if not baseline:
            return Assessment(
                indicator.code,
                period,
                value,
                derived,
                estimate,
                None,
                NO_DATA,
                target,
                reason=f"Chưa nhập {indicator.baseline.label.lower()}",
                partial=partial,
            )
        ratio = float(value) / baseline
        comparable = ratio
    if target is None:
        return Assessment(
            indicator.code,
            period,
            value,
            derived,
            estimate,
            None,
            NO_DATA,
            None,
            reason="Kế hoạch không đặt chỉ tiêu cho năm này",
            partial=partial,
            ratio=ratio,
        )
    verdict, percent = judge(target, comparable, indicator.direction)
    if partial:
        reason = "Tính từ số liệu các kỳ đã có, chưa đủ cả kỳ"
    return Assessment(
        indicator.code,
        period,
        value,
        derived,
        estimate,
        percent,
        verdict,
        target,
        reason=reason,
        partial=partial,
        ratio=ratio,
    )


def _evaluate_total(indicator: Indicator, y: int, target: Target, readings: dict[str, Reading]) -> Assessment:
    total, estimate, partial, any_data = 0.0, False, False, False
    for each in range(target.from_year or y, y + 1):
        value, _derived, est, part = year_figure(indicator, each, _of_year(readings, each))
        if isinstance(value, (int, float)):
            total += float(value)
            any_data = True
            estimate = estimate or est
            partial = partial or part
        else:
            partial = True
    period = year_period(y)
    if not any_data:
        return Assessment(indicator.code, period, None, False, False, None, NO_DATA, target, reason="Chưa có số liệu")
    verdict, percent = judge(target, total, indicator.direction)
    reason = f"Tổng {target.from_year}–{y}" + (" (còn thiếu số liệu một số kỳ)" if partial else "")
    return Assessment(
        indicator.code, period, total, True, estimate, percent, verdict, target, reason=reason, partial=partial
    )


def _of_year(readings: dict[str, Reading], y: int) -> dict[str, Reading]:
    return {k: r for k, r in readings.items() if r.period.year == y}


def evaluate_period(
    indicator: Indicator, period: Period, readings: dict[str, Reading], baseline: float | None = None
) -> Assessment:
    """Whether a figure for a period is on track for its year's target.

    Flows are compared with the share of the yearly target that the period's months make up (9/12 for
    9 tháng); levels, growth rates and words are compared with the year's target itself.
    """
    year_readings = _of_year(readings, period.year)
    if period.kind == "Y":
        assessment = evaluate_year(indicator, period.year, year_readings, baseline, readings)
        if assessment.actual is None:
            return replace(assessment, reason=_no_data_reason(indicator, period, year_readings))
        return assessment
    target = indicator.target(period.year)
    figure = period_figure(indicator, period, year_readings)
    if figure.value is None:
        return _evaluate_figure(indicator, period, target, figure, baseline, year_readings)
    value = figure.value
    if target is not None and indicator.aggregation == "flow" and not target.is_text and target.reference:
        # A flow is on track when the period brings its share of the year's target; the percentage
        # stays "% of the year's plan" (% KH năm), as Vietnamese period reports write it.
        share = period.months / 12
        pro_rata = Target(op="ge", value=float(target.reference) * share)
        judged = _evaluate_figure(indicator, period, pro_rata, figure, baseline)
        percent = float(value) / float(target.reference) * 100 if isinstance(value, (int, float)) else None
        reason = (f"{judged.reason}; " if judged.reason else "") + (
            f"so với {period.months}/12 kế hoạch năm ({format_number(pro_rata.value)})"
        )
        return replace(judged, target=target, percent=percent, reason=reason, judged_against=pro_rata)
    return _evaluate_figure(indicator, period, target, figure, baseline)


def remaining_to_final(
    indicator: Indicator, final_year: int, readings: dict[str, Reading], baseline: float | None = None
) -> Remaining:
    """What is still needed, from the latest figure, to reach the final year's target."""
    target = indicator.target(final_year)
    if target is None:
        return Remaining(None, None, None, None, False, "Kế hoạch không đặt chỉ tiêu năm cuối")
    if target.op == "total":
        assessment = _evaluate_total(indicator, final_year, target, readings)
        so_far = float(assessment.actual or 0)
        gap = max(0.0, float(target.value) - so_far)
        text = "Đã đạt tổng giai đoạn" if gap == 0 else f"Còn thiếu {format_number(gap)} {indicator.measure}"
        return Remaining(so_far, None, target, gap, gap == 0, text)
    # The latest date; on one date an official figure, then the longer period (never the order of entry).
    ordered = sorted(
        readings.values(), key=lambda r: (r.period.year, r.period.end_month, not r.estimate, r.period.months)
    )
    if not ordered:
        return Remaining(None, None, target, None, False, "Chưa có số liệu")
    latest = ordered[-1]
    value = latest.value
    if target.is_text:
        reached = isinstance(value, str) and value in target.accept
        return Remaining(
            value, latest.period, target, None, reached, "Đã đạt" if reached else f"Cần đạt: {target.text}"
        )
    if isinstance(value, str):
        return Remaining(value, latest.period, target, None, False, "Số liệu gần nhất không phải là số")
    comparable = float(value)
    if indicator.baseline is not None:
        if not baseline:
            return Remaining(value, latest.period, target, None, False, f"Chưa nhập {indicator.baseline.label.lower()}")
        comparable = comparable / baseline
    verdict, _ = judge(target, comparable, indicator.direction)
    if verdict in (MET, EXCEEDED):
        return Remaining(value, latest.period, target, 0.0, True, "Đã đạt chỉ tiêu năm cuối")
    unit = "lần" if indicator.baseline is not None else indicator.measure
    if target.op in ("le", "lt"):
        gap = comparable - float(target.value)
        return Remaining(value, latest.period, target, gap, False, f"Cần giảm thêm {format_number(gap)} {unit}")
    gap = float(target.reference) - comparable
    if target.op == "gt":
        # "> 98" is not met by reaching 98: the text must say the figure has to pass it.
        bound = f"{format_number(float(target.value))} {unit}"
        if gap <= 0:
            return Remaining(value, latest.period, target, 0.0, False, f"Cần vượt {bound}")
        return Remaining(
            value,
            latest.period,
            target,
            gap,
            False,
            f"Cần tăng thêm hơn {format_number(gap)} {unit} (phải vượt {bound})",
        )
    return Remaining(value, latest.period, target, gap, False, f"Cần tăng thêm {format_number(gap)} {unit}")


# ---- words the user reads -----------------------------------------------------------------


def format_target(target: Target | None) -> str:
    if target is None:
        return ""
    if target.op in ("ge", "gt", "le", "lt"):
        return {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}[target.op] + format_number(target.value)
    if target.op == "range":
        return f"{format_number(target.low)}–{format_number(target.high)}"
    if target.op == "total":
        return f"Tổng {format_number(target.value)}"
    return target.text or ""


def format_value(value: Value | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return format_number(value)


# ---- the same period last year (cùng kỳ năm trước) ---------------------------------------


@dataclass(frozen=True)
class SamePeriod:
    """The same period of the previous year and the change since, as offices set them side by side."""

    previous: Value | None
    estimate: bool = False
    change: float | None = None  # percentage points for rows measured in %, else percent of the previous figure
    in_points: bool = False

    @property
    def previous_text(self) -> str:
        if self.previous is None:
            return ""
        return format_value(self.previous) + (" (ước)" if self.estimate else "")

    @property
    def change_text(self) -> str:
        """'+2,5 điểm %' for a rate, '+12,3%' for an amount, '' when there is nothing to compare."""
        if self.change is None:
            return ""
        sign = "+" if self.change > _EPSILON else ("−" if self.change < -_EPSILON else "")
        number = format_number(abs(self.change), 1)
        return f"{sign}{number} điểm %" if self.in_points else f"{sign}{number}%"


def same_period_last_year(indicator: Indicator, period: Period, readings: dict[str, Reading]) -> SamePeriod:
    """The figure of the same period one year earlier (derived by the same rules) and the change to this one."""
    earlier = Period(period.year - 1, period.kind, period.index)
    before = period_figure(indicator, earlier, _of_year(readings, earlier.year))
    if before.value is None:
        return SamePeriod(None)
    now = period_figure(indicator, period, _of_year(readings, period.year)).value
    in_points = indicator.measure.strip() == "%"
    change = None
    if isinstance(now, (int, float)) and isinstance(before.value, (int, float)):
        if in_points:
            change = float(now) - float(before.value)
        elif abs(float(before.value)) > _EPSILON:
            change = (float(now) / float(before.value) - 1) * 100
    return SamePeriod(before.value, before.estimate, change, in_points)
