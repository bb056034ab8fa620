"""The plan as data: units, indicators and their targets, read from a JSON file in resources/.

Nothing here knows a particular commune: another commune's plan in the same format loads
without a code change.
"""

from __future__ import annotations

import hashlib
import json
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .errors import UserError, os_reason
from .numbers import format_number

OPS = ("ge", "gt", "le", "lt", "range", "total", "text")
# How a period's figure follows from its parts: "flow" adds them up, "level" carries the latest over,
# "none" (growth rates) takes only a figure entered for that very period.
AGGREGATIONS = ("flow", "level", "none")
# Without a plan's own "value_ceiling", no figure may pass this: a stray 1e308 would otherwise make
# sums infinite. Far above any commune's money or count, far below where a double loses units.
DEFAULT_CEILING = 1e12
# A percentage row with no bounds of its own: a change cannot fall below −100 %, and growth past
# 1 000 % is a typing slip, not a commune's year.
PERCENT_BOUNDS = {"min": -100, "max": 1000}


class PlanError(UserError, ValueError):
    """A plan file that cannot be used; str() is Vietnamese."""


def normalize_name(text: str) -> str:
    """Compare names the way a person would: NFC, case, dashes and spacing do not matter."""
    text = unicodedata.normalize("NFC", text).casefold()
    for dash in "–—‐-":
        text = text.replace(dash, " ")
    return " ".join(text.split())


@dataclass(frozen=True)
class Target:
    op: str
    value: float | None = None
    low: float | None = None
    high: float | None = None
    text: str | None = None
    accept: tuple[str, ...] = ()
    from_year: int | None = None
    as_written: str = ""

    @property
    def is_text(self) -> bool:
        return self.op == "text"

    def to_json(self) -> dict:
        if self.op == "range":
            return {"op": "range", "low": self.low, "high": self.high}
        if self.op == "text":
            return {"op": "text", "text": self.text}
        data = {"op": self.op, "value": self.value}
        if self.op == "total":
            data["from_year"] = self.from_year
        return data

    @property
    def reference(self) -> float | None:
        """The number a percentage of target is taken against."""
        if self.op == "range":
            return self.low
        return self.value


@dataclass(frozen=True)
class Baseline:
    label: str
    measure: str


@dataclass(frozen=True)
class Indicator:
    code: str
    stt: str
    name: str
    measure: str
    owners: tuple[str, ...]
    owners_as_written: str
    aggregation: str  # "flow" adds up over a year; "level" takes the latest reading; "none": only its own period
    direction: str  # "higher" or "lower" is better
    targets: dict[int, Target]
    words: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float = DEFAULT_CEILING
    integer: bool = False
    baseline: Baseline | None = None
    notes: tuple[str, ...] = ()
    position: int = 0
    version: int = 1  # the plan version that last changed this row (1: as issued)
    adjusted: dict = field(default_factory=dict, compare=False)  # year -> "KH điều chỉnh theo Nghị quyết số …"

    def target(self, year: int) -> Target | None:
        return self.targets.get(year)

    @property
    def allowed_words(self) -> tuple[str, ...]:
        words = list(self.words)
        for target in self.targets.values():
            for word in (target.text, *target.accept):
                if word and word not in words:
                    words.append(word)
        return tuple(words)

    @property
    def display_stt(self) -> str:
        return self.stt


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    short: str
    aliases: tuple[str, ...] = ()
    position: int = 0


@dataclass
class Plan:
    plan_id: str
    title: str
    annex_title: str
    commune: str
    first_year: int
    last_year: int
    units: list[Unit]
    indicators: list[Indicator]
    raw: dict = field(repr=False, default_factory=dict)
    sha256: str = ""  # of the plan document as issued: adjustments do not change it
    version: int = 1  # 1 as issued; each adjustment by a resolution is the next version
    adjustments: list = field(default_factory=list, repr=False)  # domain.adjustments.Adjustment, in order
    retired: list[Indicator] = field(default_factory=list, repr=False)  # rows an adjustment stopped tracking

    @property
    def replaces_sha256(self) -> frozenset[str]:
        """Earlier documents of this same plan (corrections of how rows are computed, never of targets, which
        change only by resolutions): files and databases made under them are this plan's too."""
        return frozenset(str(s) for s in self.raw.get("replaces_sha256", ()))

    def same_plan(self, sha256: str) -> bool:
        return sha256 == self.sha256 or sha256 in self.replaces_sha256

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))

    @property
    def mid_term_year(self) -> int:
        return int(self.raw.get("mid_term_year", self.first_year + 2))

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        for indicator in self.retired:
            if indicator.code == code:
                raise PlanError(
                    f"Chỉ tiêu {code} đã bỏ khỏi kế hoạch từ bản {indicator.version}; số liệu đã có vẫn giữ trong lịch sử."
                )
        raise PlanError(f"Không có chỉ tiêu mã “{code}” trong kế hoạch.")

    def any_indicator(self, code: str) -> Indicator:
        """An indicator of the plan in force or one an adjustment retired (its history is still shown)."""
        for indicator in self.retired:
            if indicator.code == code:
                return indicator
        return self.indicator(code)

    def has_indicator(self, code: str) -> bool:
        return any(i.code == code for i in self.indicators)

    def unit(self, name_or_id: str) -> Unit:
        wanted = normalize_name(name_or_id)
        for unit in self.units:
            names = (unit.id, unit.name, unit.short, *unit.aliases)
            if wanted in {normalize_name(n) for n in names}:
                return unit
        known = "; ".join(u.name for u in self.units)
        raise PlanError(f"Không có đơn vị “{name_or_id}”. Các đơn vị: {known}.")

    def unit_by_id(self, unit_id: str) -> Unit:
        for unit in self.units:
            if unit.id == unit_id:
                return unit
        raise PlanError(f"Không có đơn vị “{unit_id}”.")

    def indicators_of(self, unit_id: str) -> list[Indicator]:
        return [i for i in self.indicators if unit_id in i.owners]

    def owner_names(self, indicator: Indicator) -> list[str]:
        return [self.unit_by_id(u).name for u in indicator.owners]

    def text(self, key: str, default=None):
        """A presentation field of the plan file (issuing body, signer, recipients…)."""
        return self.raw.get(key, default)


def _target(year: int, data: dict, code: str) -> Target:
    op = data.get("op")
    where = f"chỉ tiêu {code}, năm {year}"
    if op not in OPS:
        raise PlanError(f"Kế hoạch: {where} có loại chỉ tiêu “{op}” không hợp lệ.")

    def number(key: str) -> float:
        value = data.get(key)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            raise PlanError(f"Kế hoạch: {where} thiếu giá trị “{key}”.")
        return float(value)

    common = {"op": op, "as_written": str(data.get("as_written", ""))}
    if op == "range":
        low, high = number("low"), number("high")
        if low > high:
            raise PlanError(f"Kế hoạch: {where} có khoảng ngược ({low} > {high}).")
        return Target(low=low, high=high, **common)
    if op == "text":
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            raise PlanError(f"Kế hoạch: {where} thiếu nội dung chỉ tiêu bằng chữ.")
        accept = tuple(data.get("accept") or (text,))
        return Target(text=text, accept=accept, **common)
    if op == "total":
        return Target(value=number("value"), from_year=int(data.get("from_year") or year), **common)
    return Target(value=number("value"), **common)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _bounds(item: dict, code: str, ceiling: float) -> tuple[float | None, float]:
    """(min, max) a figure of this row may take: the row's "bounds", else by its measure; never above the ceiling."""
    bounds = item.get("bounds")
    if bounds is None:
        bounds = PERCENT_BOUNDS if item.get("measure") == "%" else {}
    low, high = bounds.get("min"), bounds.get("max", ceiling)
    for value in (low, high):
        if value is not None and not _is_number(value):
            raise PlanError(f"Kế hoạch: chỉ tiêu {code} có giới hạn “{value}” không phải là số.")
    high = min(float(high), float(ceiling))
    if low is not None and low > high:
        raise PlanError(f"Kế hoạch: chỉ tiêu {code} có giới hạn ngược ({format_number(low)} > {format_number(high)}).")
    return (None if low is None else float(low)), high


def parse_plan(raw: dict) -> Plan:
    try:
        first, last = int(raw["first_year"]), int(raw["last_year"])
        units = [
            Unit(u["id"], u["name"], u.get("short", u["name"]), tuple(u.get("aliases", ())), n)
            for n, u in enumerate(raw["units"])
        ]
        unit_ids = {u.id for u in units}
        ceiling = raw.get("value_ceiling", DEFAULT_CEILING)
        if not _is_number(ceiling) or ceiling <= 0:
            raise PlanError(f"Kế hoạch: “value_ceiling” phải là số dương (đang là {ceiling!r}).")
        indicators = []
        seen = set()
        for n, item in enumerate(raw["indicators"]):
            code = str(item["code"])
            if code in seen:
                raise PlanError(f"Kế hoạch: mã chỉ tiêu “{code}” bị trùng.")
            seen.add(code)
            owners = tuple(item["owners"])
            unknown = [o for o in owners if o not in unit_ids]
            if unknown:
                raise PlanError(f"Kế hoạch: chỉ tiêu {code} giao cho đơn vị không có: {unknown}.")
            targets = {}
            for year_text, target in (item.get("targets") or {}).items():
                y = int(year_text)
                if not first <= y <= last:
                    raise PlanError(f"Kế hoạch: chỉ tiêu {code} có năm {y} ngoài {first}–{last}.")
                if target is not None:
                    targets[y] = _target(y, target, code)
            aggregation = item.get("aggregation", "level")
            if aggregation not in AGGREGATIONS:
                raise PlanError(
                    f"Kế hoạch: chỉ tiêu {code} có cách cộng dồn “{aggregation}” không hợp lệ "
                    f"(chỉ dùng {', '.join(AGGREGATIONS)})."
                )
            minimum, maximum = _bounds(item, code, ceiling)
            baseline = item.get("baseline")
            indicators.append(
                Indicator(
                    code=code,
                    stt=str(item.get("stt", "")),
                    name=item["name"],
                    measure=item.get("measure", ""),
                    owners=owners,
                    owners_as_written=item.get("owners_as_written", ""),
                    aggregation=aggregation,
                    direction=item.get("direction", "higher"),
                    targets=targets,
                    words=tuple(item.get("words", ())),
                    minimum=minimum,
                    maximum=maximum,
                    integer=bool(item.get("integer")),
                    baseline=Baseline(baseline["label"], baseline.get("measure", "")) if baseline else None,
                    notes=tuple(item.get("notes", ())),
                    position=n,
                )
            )
        canonical = json.dumps(raw, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return Plan(
            plan_id=str(raw["plan_id"]),
            title=raw.get("title", ""),
            annex_title=raw.get("annex_title", ""),
            commune=raw.get("commune", ""),
            first_year=first,
            last_year=last,
            units=units,
            indicators=indicators,
            raw=raw,
            sha256=hashlib.sha256(canonical.encode()).hexdigest(),
        )
    except PlanError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise PlanError(f"Tệp kế hoạch không đúng định dạng ({exc!r}).") from exc


def load_plan_text(text: str) -> Plan:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(f"Tệp kế hoạch không phải JSON hợp lệ (dòng {exc.lineno}).") from exc
    if not isinstance(raw, dict):
        raise PlanError("Tệp kế hoạch không đúng định dạng.")
    return parse_plan(raw)


def load_plan(path: Path) -> Plan:
    try:
        return load_plan_text(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlanError(f"Không đọc được tệp kế hoạch {path}: {os_reason(exc)}.") from exc
