"""What a progress report says, as plain data: no Qt, so the CLI, tests and the window share it.

The renderer (render.py) only lays this out on paper; every number is already written the
Vietnamese way here, and every word comes from the plan file or the evaluation rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..domain.evaluation import (
    EXCEEDED,
    MET,
    NO_DATA,
    NOT_MET,
    VERDICT_LABELS,
    Assessment,
    evaluate_period,
    evaluate_year,
    format_target,
    format_value,
    remaining_to_final,
    same_period_last_year,
)
from ..domain.numbers import format_number, format_percent
from ..domain.periods import BASELINE, ReportPeriod
from ..domain.plan import Indicator, Plan
from ..storage.store import Store

ESTIMATE_MARK = "(ước)"
PERIOD_COLUMNS = (
    "STT",
    "Chỉ tiêu",
    "ĐVT",
    "Kế hoạch năm",
    "Thực hiện",
    "% KH năm",
    "Cùng kỳ năm trước",
    "Đánh giá",
    "Ghi chú",
)
DERIVED_MARK = "(*)"  # a figure the program added up or carried over from the periods entered
DISAGREEMENT_MARK = "(!)"  # another figure for the same months says something else


def vietnamese_date_line(place: str, day: date) -> str:
    """'Kiến Hải, ngày 05 tháng 01 năm 2027': Nghị định 30/2020 puts a zero before days below 10 and months 1–2."""
    d = f"{day.day:02d}" if day.day < 10 else str(day.day)
    m = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {d} tháng {m} năm {day.year}"


@dataclass(frozen=True)
class YearCell:
    """One year of a review row: the plan's target and what was achieved."""

    year: int
    target: str
    actual: str
    verdict: str
    verdict_key: str = NO_DATA


@dataclass(frozen=True)
class ReportRow:
    code: str
    stt: str
    name: str
    measure: str
    target: str = ""  # the year's target (period reports)
    actual: str = ""
    percent: str = ""
    verdict: str = ""
    verdict_key: str = NO_DATA
    note: str = ""
    same_period: str = ""  # cùng kỳ năm trước (period reports)
    change: str = ""  # "+2,5 điểm %" or "+12,3%" against the same period last year
    same_period_value: float | str | None = None
    change_value: float | None = None
    actual_value: float | str | None = None
    percent_value: float | None = None
    partial: bool = False
    disagreement: str = ""
    years: tuple[YearCell, ...] = ()  # review reports
    final_target: str = ""
    remaining: str = ""


@dataclass
class ReportContent:
    period: ReportPeriod
    unit_name: str | None
    issuing_body: list[str]
    doc_number: str
    date_line: str
    title: str
    subject: str
    summary: list[str]
    rows: list[ReportRow]
    signature: list[str]
    signer: str
    recipients: list[str]
    unit_signatures: bool = False  # a unit's sheet: NGƯỜI LẬP BIỂU and THỦ TRƯỞNG ĐƠN VỊ
    codes: list[str] = field(default_factory=list)

    @property
    def is_review(self) -> bool:
        return self.period.is_review

    @property
    def columns(self) -> list[str]:
        return list(PERIOD_COLUMNS)


def _actual_text(indicator: Indicator, a: Assessment, baseline: float | None) -> str:
    if a.actual is None:
        return ""
    if a.ratio is not None:
        text = format_number(a.ratio)
    else:
        text = format_value(a.actual)
    if a.estimate:
        text += " " + ESTIMATE_MARK
    if a.derived:
        text += " " + DERIVED_MARK
    if a.disagreement:
        text += " " + DISAGREEMENT_MARK
    return text


def _note_text(indicator: Indicator, a: Assessment, baseline: float | None, own_note: str) -> str:
    parts = []
    if a.ratio is not None and indicator.baseline is not None:
        measure = (indicator.baseline.measure or "").lower()
        parts.append(f"{format_value(a.actual)} {measure} / {format_number(baseline)} {measure} hiện nay".strip())
    if a.reason and a.reason != "Chưa có số liệu":
        parts.append(a.reason)
    if a.disagreement:
        parts.append(a.disagreement)
    if own_note:
        parts.append(own_note)
    return "; ".join(p for p in parts if p)


def _verdict_text(a: Assessment) -> str:
    if a.verdict == NO_DATA and a.actual is not None:
        return ""  # a figure without a target (or baseline): the note says why
    return VERDICT_LABELS[a.verdict]


def _period_row(store: Store, indicator: Indicator, rp: ReportPeriod, readings, baselines) -> ReportRow:
    period = rp.period
    own = readings.get(indicator.code, {})
    baseline = baselines.get(indicator.code)
    a = evaluate_period(indicator, period, own, baseline)
    same = same_period_last_year(indicator, period, own)
    figure = store.figure(indicator.code, period.key)
    note = _note_text(indicator, a, baseline, figure.note if figure else "")
    if period.year in indicator.adjusted:  # the target of a plan version after the plan as issued
        note = "; ".join(p for p in (indicator.adjusted[period.year], note) if p)
    return ReportRow(
        code=indicator.code,
        stt=indicator.display_stt,
        name=indicator.name,
        measure=indicator.measure,
        target=format_target(indicator.target(period.year)),
        actual=_actual_text(indicator, a, baseline),
        percent=format_percent(a.percent) if a.percent is not None else "",
        verdict=_verdict_text(a),
        verdict_key=a.verdict,
        note=note,
        same_period=same.previous_text,
        change=same.change_text,
        same_period_value=same.previous,
        change_value=same.change,
        actual_value=a.actual,
        percent_value=a.percent,
        partial=a.partial,
        disagreement=a.disagreement,
    )


def _review_row(indicator: Indicator, rp: ReportPeriod, plan: Plan, readings, baselines) -> ReportRow:
    own = readings.get(indicator.code, {})
    baseline = baselines.get(indicator.code)
    cells = []
    last = None
    for y in rp.years:
        of_year = {k: r for k, r in own.items() if r.period.year == y}
        a = evaluate_year(indicator, y, of_year, baseline, own)
        cells.append(
            YearCell(
                y, format_target(indicator.target(y)), _actual_text(indicator, a, baseline), _verdict_text(a), a.verdict
            )
        )
        last = a
    # What is still needed for the last year of the plan, judged on figures up to the review's end.
    upto = {k: r for k, r in own.items() if r.period.year <= rp.end_year}
    remaining = remaining_to_final(indicator, plan.last_year, upto, baseline)
    return ReportRow(
        code=indicator.code,
        stt=indicator.display_stt,
        name=indicator.name,
        measure=indicator.measure,
        verdict=last.verdict_label if last else "",
        verdict_key=last.verdict if last else NO_DATA,
        years=tuple(cells),
        final_target=format_target(indicator.target(plan.last_year)),
        remaining="; ".join(
            [remaining.text]
            + [
                f"Năm {y}: {indicator.adjusted[y]}"
                for y in dict.fromkeys((*rp.years, plan.last_year))
                if y in indicator.adjusted
            ]
        ).strip("; "),
    )


def _summary(rows: list[ReportRow], rp: ReportPeriod, plan: Plan) -> list[str]:
    total = len(rows)

    def counted(keys: list[str]) -> str:
        c = {k: keys.count(k) for k in (EXCEEDED, MET, NOT_MET, NO_DATA)}
        return (
            f"{c[EXCEEDED]} chỉ tiêu vượt, {c[MET]} chỉ tiêu đạt, "
            f"{c[NOT_MET]} chỉ tiêu không đạt, {c[NO_DATA]} chỉ tiêu chưa có số liệu"
        )

    if rp.is_review:
        lines = [f"Tổng số {total} chỉ tiêu được theo dõi."]
        for n, y in enumerate(rp.years):
            keys = [r.years[n].verdict_key for r in rows]
            lines.append(f"Năm {y}: {counted(keys)}.")
    else:
        lines = [
            f"Tổng số {total} chỉ tiêu được theo dõi. Kết quả {rp.label}: {counted([r.verdict_key for r in rows])}."
        ]
        lines.append(period_scope(rp))
    missed = [r for r in rows if r.verdict_key == NOT_MET]
    if missed:
        names = "; ".join(f"{r.stt or r.code}. {r.name}" if r.stt else r.name for r in missed)
        lines.append(f"Các chỉ tiêu không đạt: {names}.")
    if any(ESTIMATE_MARK in (r.actual or "") or any(ESTIMATE_MARK in c.actual for c in r.years) for r in rows):
        lines.append(f"Số liệu ghi “{ESTIMATE_MARK}” là số ước thực hiện, sẽ được thay bằng số chính thức.")
    if any(DERIVED_MARK in (r.actual or "") for r in rows):
        lines.append(
            f"Số liệu ghi “{DERIVED_MARK}” do chương trình tính từ số liệu các kỳ đã nhập"
            + (" (chưa đủ cả kỳ: xem ghi chú)." if any(r.partial for r in rows) else ".")
        )
    if any(r.disagreement for r in rows):
        lines.append(
            f"Số liệu ghi “{DISAGREEMENT_MARK}” không khớp với số liệu khác của cùng thời gian (xem ghi chú); "
            "cần kiểm tra lại."
        )
    if rp.is_review:
        lines.append(
            f"Cột “Cần đạt đến năm {plan.last_year}” cho biết phần còn phải thực hiện so với chỉ tiêu năm "
            f"{plan.last_year}, tính từ số liệu gần nhất."
        )
    return lines


def period_scope(rp: ReportPeriod) -> str:
    """The sentence every period report carries: which months its figures cover."""
    period = rp.period
    if period.start_month == 0 and period.kind != "Q":
        scope = f"từ ngày 01 tháng 01 đến hết ngày {_last_day(period)} năm {period.year}"
        text = f"Số liệu {rp.label} tính cộng dồn từ đầu năm ({scope})"
    else:
        text = f"Số liệu {rp.label} tính từ ngày 01 tháng {period.start_month + 1:02d} đến hết ngày {_last_day(period)}"
        text += f" năm {period.year}"
    return text + "; chỉ tiêu cộng dồn so với phần kế hoạch năm tương ứng, “% KH năm” so với kế hoạch cả năm."


def _last_day(period) -> str:
    month = period.end_month
    day = {3: 31, 6: 30, 9: 30, 12: 31}[month]
    return f"{day} tháng {month:02d}" if month < 3 else f"{day} tháng {month}"


def build_report(store: Store, rp: ReportPeriod, unit_id: str | None = None, on: date | None = None) -> ReportContent:
    """Everything a progress report shows, for one unit (unit_id) or the whole commune (None)."""
    plan = store.plan
    on = on or date.today()
    readings, baselines = store.readings(), store.baselines()
    indicators = plan.indicators_of(unit_id) if unit_id else list(plan.indicators)
    if rp.is_review:
        rows = [_review_row(i, rp, plan, readings, baselines) for i in indicators]
    else:
        rows = [_period_row(store, i, rp, readings, baselines) for i in indicators]
    body = [str(x) for x in plan.text("issuing_body", ["ỦY BAN NHÂN DÂN", plan.commune.upper()])]
    unit = plan.unit_by_id(unit_id) if unit_id else None
    commune_full = plan.text("commune_full", plan.commune)
    if unit is not None:
        # A unit's report: the commune's people's committee above, the unit under it.
        issuing_body = [" ".join(body).replace("ỦY BAN NHÂN DÂN", "UBND"), unit.name.upper()]
        subject_tail = f" do {unit.name} phụ trách"
        recipients = [
            str(x) for x in plan.text("unit_recipients", ["UBND xã (b/c)", "Văn phòng HĐND và UBND xã (t/h)"])
        ]
    else:
        issuing_body = body
        subject_tail = f" {commune_full}" if commune_full else ""
        recipients = [str(x) for x in plan.text("recipients", [])]
    if rp.is_review:
        kind = "giữa kỳ" if rp.end_year < plan.last_year else "cuối kỳ"
        subject = (
            f"Đánh giá {kind} kết quả thực hiện các chỉ tiêu kinh tế - xã hội{subject_tail}, "
            f"giai đoạn {rp.start_year} - {rp.end_year}"
        )
    else:
        subject = f"Kết quả thực hiện các chỉ tiêu kinh tế - xã hội{subject_tail} {rp.label}"
    return ReportContent(
        period=rp,
        unit_name=unit.name if unit else None,
        issuing_body=issuing_body,
        doc_number=f"Số:\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BC-{plan.text('doc_code', 'UBND')}",
        date_line=vietnamese_date_line(str(plan.text("place", plan.commune)), on),
        title="BÁO CÁO",
        subject=subject,
        summary=_summary(rows, rp, plan),
        rows=rows,
        signature=[str(x) for x in plan.text("signature", [])] if unit is None else ["THỦ TRƯỞNG ĐƠN VỊ"],
        signer=str(plan.text("signer", "")) if unit is None else "",
        recipients=recipients,
        unit_signatures=unit is not None,
        codes=[i.code for i in indicators],
    )


__all__ = [
    "BASELINE",
    "ESTIMATE_MARK",
    "ReportContent",
    "ReportRow",
    "YearCell",
    "build_report",
    "vietnamese_date_line",
]
