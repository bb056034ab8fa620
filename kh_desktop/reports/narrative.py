"""Section I of a report drafted from the figures, one sentence per indicator or group, as an official writes it:
"Tổng giá trị sản phẩm trên địa bàn ước tăng 19,5%, đạt 102,6% kế hoạch năm, vượt chỉ tiêu đề ra".

Plain Python (no Qt): the Word report prints these sentences for the official to edit, never to sign unread.
"""

from __future__ import annotations

from ..domain.evaluation import (
    EXCEEDED,
    MET,
    NOT_MET,
    Assessment,
    SamePeriod,
    evaluate_period,
    format_value,
    same_period_last_year,
)
from ..domain.numbers import format_number
from ..domain.periods import Period, ReportPeriod
from ..domain.plan import Indicator
from ..storage.store import Store


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text and not text[:2].isupper() else text


def _subject_and_verb(indicator: Indicator, a: Assessment) -> tuple[str, str, str]:
    """(subject, verb, amount): 'Thu ngân sách…', 'tăng', '14,25%'."""
    name, value = indicator.name, a.actual
    if isinstance(value, str):
        return name, "", value
    number = float(value)
    if indicator.aggregation == "none":
        subject = name.split(" tăng")[0] if " tăng" in name else name
        verb = "tăng" if number >= 0 else "giảm"
        return subject, verb, f"{format_number(abs(number))}%"
    if a.ratio is not None:
        return name, "đạt", f"{format_number(a.ratio)} lần so với hiện nay ({format_value(value)})"
    measure = indicator.measure.strip()
    amount = f"{format_value(value)}%" if measure == "%" else f"{format_value(value)} {measure.lower()}".strip()
    return name, "đạt", amount


def _verdict_words(a: Assessment, sub_year: bool, note: str) -> str:
    if a.target is None or a.verdict not in (EXCEEDED, MET, NOT_MET):
        return ""
    pace = a.judged_against is not None  # a flow judged against its share of the year's target
    if a.verdict == EXCEEDED:
        return "vượt tiến độ kế hoạch năm" if pace else "vượt chỉ tiêu đề ra"
    if a.verdict == MET:
        return "đạt tiến độ kế hoạch năm" if pace else "đạt chỉ tiêu đề ra"
    words = (
        "chậm so với tiến độ kế hoạch năm"
        if pace
        else ("chưa đạt chỉ tiêu năm" if sub_year else "chưa đạt chỉ tiêu đề ra")
    )
    return words + (f" (giải trình: {note.strip().rstrip('.')})" if note and note.strip() else "")


def _compared(same: SamePeriod) -> str:
    if same.change is None:
        return ""
    if abs(same.change) < 0.05:
        return "bằng cùng kỳ năm trước"
    way = "tăng" if same.change > 0 else "giảm"
    amount = format_number(abs(same.change), 1) + (" điểm %" if same.in_points else "%")
    return f"so với cùng kỳ năm trước {way} {amount}"


def clause(indicator: Indicator, a: Assessment, same: SamePeriod, note: str, period: Period) -> str:
    """One indicator's part of a sentence, with a capital letter (the caller lowers it inside a group)."""
    if a.actual is None:
        return f"{indicator.name}: chưa có số liệu"
    subject, verb, amount = _subject_and_verb(indicator, a)
    estimate = "ước " if a.estimate else ""
    if not verb:  # a worded result ("Ổn định, không có điểm nóng")
        text = f"{subject}: {_lower_first(amount)}"
    else:
        text = f"{subject} {estimate}{verb} {amount}"
    parts = [text]
    if a.percent is not None and a.target is not None and a.target.op not in ("le", "text"):
        linking = "đạt" if verb != "đạt" else "bằng"
        parts.append(f"{linking} {format_number(a.percent, 1)}% kế hoạch năm")
    verdict = _verdict_words(a, period.kind != "Y", note)
    if verdict:
        parts.append(verdict)
    compared = _compared(same)
    if compared:
        parts.append(compared)
    if a.partial:
        parts.append("số liệu chưa đủ cả kỳ")
    return ", ".join(parts)


def _groups(indicators: list[Indicator]) -> list[list[Indicator]]:
    """A numbered row with the rows under it (1.1, 1.2, or unnumbered companions such as 4b)."""
    groups: list[list[Indicator]] = []
    for indicator in indicators:
        numbered = indicator.stt and "." not in indicator.stt
        if numbered or not groups:
            groups.append([indicator])
        else:
            groups[-1].append(indicator)
    return groups


def draft_sentences(store: Store, rp: ReportPeriod, unit_id: str | None = None) -> list[str]:
    """One drafted sentence per indicator group, in annex order."""
    period = rp.period or Period(rp.end_year, "Y")
    plan = store.plan
    readings, baselines = store.readings(), store.baselines()
    indicators = plan.indicators_of(unit_id) if unit_id else list(plan.indicators)
    sentences = []
    for group in _groups(indicators):
        clauses = []
        for n, indicator in enumerate(group):
            own = readings.get(indicator.code, {})
            a = evaluate_period(indicator, period, own, baselines.get(indicator.code))
            same = same_period_last_year(indicator, period, own)
            figure = store.figure(indicator.code, period.key)
            text = clause(indicator, a, same, figure.note if figure else "", period)
            clauses.append(text if n == 0 else _lower_first(text))
        head, rest = clauses[0], clauses[1:]
        dotted = [c for c, i in zip(rest, group[1:], strict=True) if "." in i.stt]
        others = [c for c, i in zip(rest, group[1:], strict=True) if "." not in i.stt]
        sentence = head
        if dotted:
            sentence += "; trong đó: " + "; ".join(dotted)
        if others:
            sentence += "; " + "; ".join(others)
        sentences.append(sentence + ".")
    return sentences
