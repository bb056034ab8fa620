"""Reporting periods, written 2026, 2026-H1, 2026-9T, 2026-Q3.

Offices report cumulatively from January: quý I (2026-Q1), 6 tháng (2026-H1), 9 tháng (2026-9T) and cả năm
(2026); single quarters and the second half (2026-H2) exist for those who report them. The year before the
plan (first_year - 1) may hold reference figures, so that the first year has its "cùng kỳ năm trước"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import UserError

BASELINE = "baseline"  # the period key of a "hiện nay" figure that an indicator is measured against

_PATTERN = re.compile(r"^\s*(\d{4})(?:\s*-\s*(?:([HhQq])\s*(\d)|(9)\s*[Tt]))?\s*$")
_RANGE = re.compile(r"^\s*(\d{4})\s*[-–]\s*(\d{4})\s*$")


class PeriodError(UserError, ValueError):
    """A period that cannot be read or lies outside the plan; str() is Vietnamese."""


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str  # "Y", "H", "Q", or "T" (the first nine months, 9 tháng)
    index: int = 0  # 1–2 for halves, 1–4 for quarters, 9 for nine months

    @property
    def key(self) -> str:
        if self.kind == "Y":
            return str(self.year)
        if self.kind == "T":
            return f"{self.year}-9T"
        return f"{self.year}-{self.kind}{self.index}"

    @property
    def end_month(self) -> int:
        return {"Y": 12, "H": 6 * self.index, "Q": 3 * self.index, "T": 9}[self.kind]

    @property
    def months(self) -> int:
        return {"Y": 12, "H": 6, "Q": 3, "T": 9}[self.kind]

    @property
    def start_month(self) -> int:
        """Months of the year before this period starts (0 for one counted from January)."""
        return self.end_month - self.months

    @property
    def cumulative(self) -> bool:
        """Counted from January: quý I, 6 tháng, 9 tháng, cả năm."""
        return self.start_month == 0

    @property
    def label(self) -> str:
        """Vietnamese name, e.g. 'Quý III năm 2026', '6 tháng đầu năm 2026'."""
        if self.kind == "Y":
            return f"Năm {self.year}"
        if self.kind == "T":
            return f"9 tháng năm {self.year}"
        if self.kind == "H":
            return f"6 tháng {'đầu' if self.index == 1 else 'cuối'} năm {self.year}"
        return f"Quý {ROMAN[self.index]} năm {self.year}"

    @property
    def short_label(self) -> str:
        if self.kind == "Y":
            return "Cả năm"
        if self.kind == "T":
            return "9 tháng"
        if self.kind == "H":
            return "6 tháng" if self.index == 1 else "6 tháng cuối năm"
        return f"Quý {ROMAN[self.index]}"

    def contains(self, other: Period) -> bool:
        """Whether `other` lies inside this period (a period contains itself)."""
        return other.year == self.year and self.start_month <= other.start_month and other.end_month <= self.end_month

    def __str__(self) -> str:
        return self.key


ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def year(y: int) -> Period:
    return Period(y, "Y")


def nine_months(y: int) -> Period:
    return Period(y, "T", 9)


def periods_of_year(y: int) -> list[Period]:
    """Every period of a year, in the order a user meets them: the cumulative ones offices report
    (quý I, 6 tháng, 9 tháng, cả năm), then the single quarters and the second half."""
    return [
        Period(y, "Q", 1),
        Period(y, "H", 1),
        nine_months(y),
        Period(y, "Y"),
        Period(y, "Q", 2),
        Period(y, "Q", 3),
        Period(y, "Q", 4),
        Period(y, "H", 2),
    ]


def all_periods_of_year(y: int) -> list[Period]:
    """The same periods in the order of their months (for derivations)."""
    return sorted(periods_of_year(y), key=lambda p: (p.end_month, p.months))


def parse_period(text: str, first_year: int, last_year: int, reference: bool = True) -> Period:
    """A period of the plan; with `reference`, also of the year before it (figures kept for comparison)."""
    match = _PATTERN.match(str(text))
    if not match:
        raise PeriodError(
            f"Kỳ “{text}” không đúng. Viết năm (2026), quý (2026-Q1 … 2026-Q4), 6 tháng (2026-H1, 2026-H2) "
            "hoặc 9 tháng (2026-9T)."
        )
    y = int(match.group(1))
    if match.group(4):
        kind, index = "T", 9
    else:
        kind, index = (match.group(2) or "Y").upper(), int(match.group(3) or 0)
    lowest = first_year - 1 if reference else first_year
    if not lowest <= y <= last_year:
        raise PeriodError(
            f"Năm {y} nằm ngoài kế hoạch ({first_year}–{last_year}"
            + (f"; năm {first_year - 1} chỉ để nhập số liệu so sánh" if reference else "")
            + ")."
        )
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
    period = parse_period(text, first_year, last_year, reference=False)
    return ReportPeriod(period.year, period.year, period)


def format_timestamp(iso: str) -> str:
    """When a figure or task was entered, as people read it: '2026-04-05T09:12:00+07:00' → '05/04/2026 09:12'."""
    if not iso or len(iso) < 16:
        return iso or ""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]} {iso[11:16]}"
