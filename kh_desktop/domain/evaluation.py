"""Judging figures against the plan's targets: plain Python, no Qt, no SQL.

Inputs are plain readings keyed by period; outputs are small frozen records that the
command line, the window, the reports and Excel all show the same way.
"""

from __future__ import annotations

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
    order: int = 0  # later entries win ties between periods ending in the same month


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
    wanted = " ".join(unicodedata.normalize("NFC", str(raw)).casefold().split())
    for word in words:
        if " ".join(word.casefold().split()) == wanted:
            return word
    choices = " / ".join(words)
    raise ValueRefused(f"Chỉ tiêu {indicator.code} năm {year} đánh giá bằng chữ: chọn một trong {choices}.")


def _validate_number(indicator: Indicator, raw: Value, baseline: bool) -> float:
    if isinstance(raw, bool):
        raise ValueRefused("Giá trị không phải là số.")
    if isinstance(raw, (int, float)):
        value = float(raw)
    else:
        try:
            value = parse_number(str(raw))
        except NumberError as exc:
            raise ValueRefused(str(exc)) from exc
    if baseline:
        if value <= 0:
            raise ValueRefused("Số gốc (hiện nay) phải lớn hơn 0.")
        return value
    if indicator.minimum is not None and value < indicator.minimum - _EPSILON:
        raise ValueRefused(
            f"Chỉ tiêu {indicator.code} không thể nhỏ hơn {format_number(indicator.minimum)}"
            f" ({indicator.measure or 'giá trị'})."
        )
    if indicator.maximum is not None and value > indicator.maximum + _EPSILON:
        raise ValueRefused(
            f"Chỉ tiêu {indicator.code} là tỷ lệ, không thể lớn hơn {format_number(indicator.maximum)}"
            f"{indicator.measure if indicator.measure == '%' else ''}."
        )
    if indicator.integer and abs(value - round(value)) > _EPSILON:
        raise ValueRefused(f"Chỉ tiêu {indicator.code} đếm bằng số nguyên ({indicator.measure}).")
    return value


# ---- the figure for a year ----------------------------------------------------------------


def _numeric(readings: list[Reading]) -> list[Reading]:
    return [r for r in readings if isinstance(r.value, (int, float))]


def year_figure(indicator: Indicator, y: int, readings: dict[str, Reading]):
    """(value, derived, estimate, partial) for a year: its own figure, or one derived from its parts."""
    own = readings.get(str(y))
    if own is not None:
        return own.value, False, own.estimate, False
    parts = [r for r in readings.values() if r.period.year == y and r.period.kind != "Y"]
    if not parts:
        return None, False, False, False
    if indicator.aggregation == "flow":
        total, months, estimate = 0.0, 0, False
        for half in (1, 2):
            h = readings.get(f"{y}-H{half}")
            quarters = [readings.get(f"{y}-Q{q}") for q in (2 * half - 1, 2 * half)]
            chosen = [h] if h is not None else [q for q in quarters if q is not None]
            for r in _numeric(chosen):
                total += float(r.value)
                months += r.period.months
                estimate = estimate or r.estimate
        if months == 0:
            return None, False, False, False
        return total, True, estimate, months < 12
    latest = max(parts, key=lambda r: (r.period.end_month, r.order))
    return latest.value, True, latest.estimate, latest.period.end_month < 12


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
    period = year_period(y)
    value, derived, estimate, partial = year_figure(indicator, y, readings)
    if target is not None and target.op == "total":
        return _evaluate_total(indicator, y, target, all_readings or readings)
    if value is None:
        return Assessment(indicator.code, period, None, False, False, None, NO_DATA, target, reason="Chưa có số liệu")
    return _assess(indicator, period, target, value, derived, estimate, partial, baseline)


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


def _half_from_quarters(indicator: Indicator, half: Period, readings: dict[str, Reading]):
    """(value, derived, estimate, partial) of a half year that has only quarterly figures."""
    quarters = [
        readings[key]
        for key in (f"{half.year}-Q{2 * half.index - 1}", f"{half.year}-Q{2 * half.index}")
        if key in readings
    ]
    if not quarters:
        return None, False, False, False
    if indicator.aggregation == "flow":
        numbers = _numeric(quarters)
        if not numbers:
            return None, False, False, False
        return sum(float(q.value) for q in numbers), True, any(q.estimate for q in numbers), len(numbers) < 2
    latest = max(quarters, key=lambda r: (r.period.end_month, r.order))
    return latest.value, True, latest.estimate, latest.period.end_month < half.end_month


def evaluate_period(
    indicator: Indicator, period: Period, readings: dict[str, Reading], baseline: float | None = None
) -> Assessment:
    """Whether a figure for a period is on track for its year's target.

    Flows are compared with the share of the yearly target that the period's months make up;
    levels and words are compared with the year's target itself.
    """
    year_readings = _of_year(readings, period.year)
    if period.kind == "Y":
        return evaluate_year(indicator, period.year, year_readings, baseline, readings)
    target = indicator.target(period.year)
    own = readings.get(period.key)
    value, derived, estimate, partial = (own.value, False, own.estimate, False) if own else (None, False, False, False)
    if own is None and period.kind == "H":
        value, derived, estimate, partial = _half_from_quarters(indicator, period, readings)
    if value is None:
        return Assessment(indicator.code, period, None, False, False, None, NO_DATA, target, reason="Chưa có số liệu")
    if target is not None and indicator.aggregation == "flow" and not target.is_text and target.reference:
        # A flow is on track when the period brings its share of the year's target; the percentage
        # stays "% of the year's plan", as Vietnamese period reports write it.
        share = period.months / 12
        pro_rata = Target(op="ge", value=float(target.reference) * share)
        judged = _assess(indicator, period, pro_rata, value, derived, estimate, partial, baseline)
        percent = float(value) / float(target.reference) * 100 if isinstance(value, (int, float)) else None
        reason = (f"{judged.reason}; " if judged.reason else "") + (
            f"so với {period.months}/12 kế hoạch năm ({format_number(pro_rata.value)})"
        )
        return replace(judged, target=target, percent=percent, reason=reason, judged_against=pro_rata)
    return _assess(indicator, period, target, value, derived, estimate, partial, baseline)


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
    ordered = sorted(readings.values(), key=lambda r: (r.period.year, r.period.end_month, r.order))
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
    if target.op == "le":
        gap = comparable - float(target.value)
        return Remaining(value, latest.period, target, gap, False, f"Cần giảm thêm {format_number(gap)} {unit}")
    gap = float(target.reference) - comparable
    if target.op == "gt" and gap <= 0:
        gap = 0.0
        return Remaining(
            value, latest.period, target, gap, False, f"Cần vượt {format_number(float(target.value))} {unit}"
        )
    return Remaining(value, latest.period, target, gap, False, f"Cần tăng thêm {format_number(gap)} {unit}")


# ---- words the user reads -----------------------------------------------------------------


def format_target(target: Target | None) -> str:
    if target is None:
        return ""
    if target.op in ("ge", "gt", "le"):
        return {"ge": "≥", "gt": ">", "le": "≤"}[target.op] + format_number(target.value)
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
