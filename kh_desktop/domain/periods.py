"""Reporting periods: a year, a half year (6 tháng) or a quarter, written 2026, 2026-H1, 2026-Q3."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import UserError

BASELINE = "baseline"  # the period key of a "hiện nay" figure that an indicator is measured against

_PATTERN = re.compile(r"^\s*(\d{4})(?:\s*-\s*([HhQq])\s*(\d))?\s*$")
_RANGE = re.compile(r"^\s*(\d{4})\s*[-–]\s*(\d{4})\s*$")


class PeriodError(UserError, ValueError):
    """A period that cannot be read or lies outside the plan; str() is Vietnamese."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str  # "Y", "H" or "Q"
    index: int = 0  # 1–2 for halves, 1–4 for quarters

    @property
    def key(self) -> str:
        return str(self.year) if self.kind == "Y" else f"{self.year}-{self.kind}{self.index}"

    @property
    def end_month(self) -> int:
        return {"Y": 12, "H": 6 * self.index, "Q": 3 * self.index}[self.kind]

    @property
    def months(self) -> int:
        return {"Y": 12, "H": 6, "Q": 3}[self.kind]

    @property
    def label(self) -> str:
        """Vietnamese name, e.g. 'Quý III năm 2026', '6 tháng đầu năm 2026'."""
        if self.kind == "Y":
            return f"Năm {self.year}"
        if self.kind == "H":
            return f"6 tháng {'đầu' if self.index == 1 else 'cuối'} năm {self.year}"
        return f"Quý {ROMAN[self.index]} năm {self.year}"

    @property
    def short_label(self) -> str:
        if self.kind == "Y":
            return "Cả năm"
        if self.kind == "H":
            return "6 tháng đầu năm" if self.index == 1 else "6 tháng cuối năm"
        return f"Quý {ROMAN[self.index]}"

    def contains(self, other: Period) -> bool:
        """Whether `other` lies inside this period (a period contains itself)."""
        if other.year != self.year:
            return False
        start = self.end_month - self.months
        return start < other.end_month <= self.end_month and other.months <= self.months

    def __str__(self) -> str:
        return self.key


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def year(y: int) -> Period:
    return Period(y, "Y")


def periods_of_year(y: int) -> list[Period]:
    """Every period of a year, in the order a user meets them."""
    return [
        Period(y, "Q", 1),
        Period(y, "Q", 2),
        Period(y, "H", 1),
        Period(y, "Q", 3),
        Period(y, "Q", 4),
        Period(y, "H", 2),
        Period(y, "Y"),
    ]


def parse_period(text: str, first_year: int, last_year: int) -> Period:
    match = _PATTERN.match(str(text))
    if not match:
        raise PeriodError(f"Kỳ “{text}” không đúng. Viết năm (2026), 6 tháng (2026-H1, 2026-H2) hoặc quý (2026-Q3).")
    y, kind, index = int(match.group(1)), (match.group(2) or "Y").upper(), int(match.group(3) or 0)
    if not first_year <= y <= last_year:
        raise PeriodError(f"Năm {y} nằm ngoài kế hoạch ({first_year}–{last_year}).")
    if (kind == "H" and index not in (1, 2)) or (kind == "Q" and index not in (1, 2, 3, 4)):
        raise PeriodError(f"Kỳ “{text}” không có: 6 tháng là H1, H2; quý là Q1 đến Q4.")
    return Period(y, kind, index)


@dataclass(frozen=True)
class ReportPeriod:
    """What a report covers: one period, or a span of years (mid-term or final review)."""

    start_year: int
    end_year: int
    period: Period | None = None

    @property
    def key(self) -> str:
        return self.period.key if self.period else f"{self.start_year}-{self.end_year}"

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))

    @property
    def is_review(self) -> bool:
        return self.period is None

    @property
    def label(self) -> str:
        if self.period:
            label = self.period.label  # lower the first letter only: "quý III", not "quý iii"
            return label[0].lower() + label[1:] if self.period.kind != "Y" else f"năm {self.period.year}"
        return f"giai đoạn {self.start_year} - {self.end_year}"


def parse_report_period(text: str, first_year: int, last_year: int) -> ReportPeriod:
    match = _RANGE.match(str(text))
    if match:
        start, end = int(match.group(1)), int(match.group(2))
        if start != first_year or not first_year < end <= last_year:
            raise PeriodError(
                f"Giai đoạn “{text}” không đúng: viết {first_year}-{last_year} (cuối kỳ) "
                f"hoặc {first_year}-{first_year + 2} (giữa kỳ)."
            )
        return ReportPeriod(start, end)
    period = parse_period(text, first_year, last_year)
    return ReportPeriod(period.year, period.year, period)
