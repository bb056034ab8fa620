"""Plan versions: the targets a resolution of the People's Council changes, applied over the original plan.

The original plan document never changes (its sha256 is what exchange files compare); each adjustment is a
list of changes with its resolution and date, and the plan in force is the original with every adjustment
applied in order. An adjustment changes the targets of the years it names, so every year is judged against
the targets in force for it: a 2028 resolution changing 2029 leaves 2027 as it was, and a year already over
when the resolution was taken cannot be changed.

A change is a plain dict (it travels in exchange files as JSON):
  {"kind": "target", "code": C, "year": Y, "target": {...} or None}   a year's target set or removed
  {"kind": "row", "code": C, "fields": {"name": …, "measure": …, "owners": [...], …}}   a row's own words
  {"kind": "add", "code": C, "indicator": {...plan-file indicator...}, "after": C2 or None}
  {"kind": "retire", "code": C}   the row is no longer tracked (its figures and history stay)
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field, replace
from datetime import date

from .plan import Indicator, Plan, PlanError, parse_plan

ROW_FIELDS = ("name", "measure", "owners", "owners_as_written", "aggregation", "direction", "stt")
KINDS = ("target", "row", "add", "retire")


@dataclass(frozen=True)
class Adjustment:
    version: int  # 2 for the first adjustment: version 1 is the plan as issued
    decision: str  # the resolution's number as written: "15/NQ-HĐND"
    date: str  # YYYY-MM-DD
    changes: tuple[dict, ...]
    id: str = ""  # unique, so a version received twice is recognised
    plan_sha256: str = ""  # the original plan document this adjusts

    @property
    def year(self) -> int:
        return int(self.date[:4])

    @property
    def label(self) -> str:
        return adjustment_label(self.decision, self.date)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "version": self.version,
            "plan_sha256": self.plan_sha256,
            "decision": self.decision,
            "date": self.date,
            "changes": [dict(c) for c in self.changes],
        }

    @classmethod
    def from_json(cls, data: dict) -> Adjustment:
        try:
            return cls(
                version=int(data["version"]),
                decision=str(data["decision"]),
                date=str(data["date"]),
                changes=tuple(dict(c) for c in data["changes"]),
                id=str(data.get("id", "")),
                plan_sha256=str(data.get("plan_sha256", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise PlanError(f"Bản điều chỉnh kế hoạch không đúng định dạng ({exc!r}).") from exc


def decision_number(text: str) -> str:
    """“Nghị quyết số 15/NQ-HĐND” and “15/NQ-HĐND” both give 15/NQ-HĐND."""
    text = " ".join(str(text).split())
    return re.sub(r"(?i)^(nghị quyết|nq)\s*(số)?\s*", "", text).strip(" :")


def adjustment_label(decision: str, day: str) -> str:
    """What reports print beside an adjusted target: KH điều chỉnh theo Nghị quyết số 15/NQ-HĐND ngày 20/07/2028."""
    d = date.fromisoformat(day)
    return f"KH điều chỉnh theo Nghị quyết số {decision_number(decision)} ngày {d:%d/%m/%Y}"


def check_decision(decision: str, day: str) -> tuple[str, str]:
    """The resolution's number and date as stored; PlanError (Vietnamese) when either is missing or wrong."""
    number = decision_number(decision or "")
    if not number:
        raise PlanError('Cần ghi số Nghị quyết của HĐND (ví dụ --decision "15/NQ-HĐND").')
    try:
        day = date.fromisoformat(str(day)).isoformat()
    except ValueError as exc:
        raise PlanError(f"Ngày của Nghị quyết “{day}” không đúng dạng YYYY-MM-DD (ví dụ 2028-07-20).") from exc
    return number, day


@dataclass
class Applied:
    """Bookkeeping of apply_adjustments, per indicator code."""

    version: dict[str, int] = field(default_factory=dict)  # the last version that changed the row
    labels: dict[str, dict[int, str]] = field(default_factory=dict)  # year -> "KH điều chỉnh theo …"
    retired: dict[str, tuple[dict, int]] = field(default_factory=dict)  # code -> (last item, version)


def _find(items: list[dict], code: str) -> int | None:
    for n, item in enumerate(items):
        if str(item["code"]) == code:
            return n
    return None


def _apply_one(raw: dict, adjustment: Adjustment, applied: Applied) -> None:
    items = raw["indicators"]
    first, last = int(raw["first_year"]), int(raw["last_year"])
    for change in adjustment.changes:
        kind, code = change.get("kind"), str(change.get("code", ""))
        where = f"Bản điều chỉnh {adjustment.version} ({adjustment.label})"
        if kind not in KINDS:
            raise PlanError(f"{where}: loại thay đổi “{kind}” không hợp lệ.")
        n = _find(items, code)
        if kind == "add":
            if n is not None:
                raise PlanError(f"{where}: chỉ tiêu {code} đã có, không thêm lại được.")
            item = copy.deepcopy(change["indicator"])
            item["code"] = code
            after = change.get("after")
            at = _find(items, str(after)) if after else None
            items.insert(len(items) if at is None else at + 1, item)
            applied.retired.pop(code, None)
            applied.version[code] = adjustment.version
            continue
        if n is None:
            raise PlanError(f"{where}: không có chỉ tiêu mã “{code}” trong kế hoạch đang áp dụng.")
        if kind == "retire":
            applied.retired[code] = (items.pop(n), adjustment.version)
            continue
        if kind == "row":
            fields = change.get("fields") or {}
            unknown = set(fields) - set(ROW_FIELDS)
            if unknown:
                raise PlanError(f"{where}: không sửa được {sorted(unknown)} của chỉ tiêu {code}.")
            items[n].update(copy.deepcopy(fields))
            applied.version[code] = adjustment.version
            continue
        year = int(change["year"])
        if not first <= year <= last:
            raise PlanError(f"{where}: năm {year} ngoài kế hoạch {first}–{last}.")
        if year < adjustment.year:
            raise PlanError(
                f"{where}: năm {year} đã qua khi có Nghị quyết (năm {adjustment.year}); "
                "chỉ tiêu của năm đã qua giữ nguyên."
            )
        targets = items[n].setdefault("targets", {})
        if change.get("target") is None:
            targets.pop(str(year), None)
        else:
            targets[str(year)] = copy.deepcopy(change["target"])
        applied.version[code] = adjustment.version
        applied.labels.setdefault(code, {})[year] = adjustment.label


def apply_adjustments(plan: Plan, adjustments: list[Adjustment]) -> Plan:
    """The plan in force: `plan` (as issued) with every adjustment applied in version order.

    The result keeps the original document's sha256 (what exchange files compare), says its `version`, and
    each indicator says the version that last changed it and, per year, the resolution behind its target.
    Retired indicators are kept apart in `plan.retired` (their figures stay in the database).
    """
    ordered = sorted(adjustments, key=lambda a: a.version)
    for n, adjustment in enumerate(ordered, 2):
        if adjustment.version != n:
            raise PlanError(f"Thiếu bản điều chỉnh kế hoạch số {n} (có bản {adjustment.version}).")
        if adjustment.plan_sha256 and plan.sha256 and adjustment.plan_sha256 != plan.sha256:
            raise PlanError(f"Bản điều chỉnh {adjustment.version} là của một kế hoạch khác.")
    if not ordered:
        return plan
    raw = copy.deepcopy(plan.raw)
    applied = Applied()
    for adjustment in ordered:
        _apply_one(raw, adjustment, applied)
    adjusted = parse_plan(raw)
    adjusted.sha256 = plan.sha256
    adjusted.version = ordered[-1].version
    adjusted.adjustments = list(ordered)
    adjusted.indicators = [
        replace(i, version=applied.version.get(i.code, 1), adjusted=applied.labels.get(i.code, {}))
        for i in adjusted.indicators
    ]
    retired = parse_plan({**raw, "indicators": [item for item, _ in applied.retired.values()]}).indicators
    adjusted.retired = [
        replace(i, version=applied.retired[i.code][1], adjusted=applied.labels.get(i.code, {})) for i in retired
    ]
    return adjusted


def plan_changes(old: Plan, new: Plan) -> list[dict]:
    """The changes that turn the plan in force `old` into `new` (an adjusted annex read back), as adjustment changes.

    Rows are matched by code. Targets are compared by meaning, not by how they are written.
    """
    from .annex import target_key

    changes: list[dict] = []
    new_codes = {i.code for i in new.indicators}
    for indicator in old.indicators:
        if indicator.code not in new_codes:
            changes.append({"kind": "retire", "code": indicator.code})
    old_by_code = {i.code: i for i in old.indicators}
    previous = None
    for item in new.raw["indicators"]:
        code = str(item["code"])
        mine = old_by_code.get(code)
        if mine is None:
            body = {k: copy.deepcopy(v) for k, v in item.items() if k != "code"}
            body["owners"] = [_unit_id_in(old, name) for name in _owner_names(new, new.indicator(code))]
            changes.append({"kind": "add", "code": code, "indicator": body, "after": previous})
            previous = code
            continue
        previous = code
        theirs = new.indicator(code)
        fields = {}
        for key in ("name", "measure", "aggregation", "direction"):
            if getattr(mine, key) != getattr(theirs, key):
                fields[key] = getattr(theirs, key)
        if _owner_names(old, mine) != _owner_names(new, theirs):
            fields["owners"] = [_unit_id_in(old, name) for name in _owner_names(new, theirs)]
            fields["owners_as_written"] = theirs.owners_as_written
        if fields:
            changes.append({"kind": "row", "code": code, "fields": fields})
        for year in old.years:
            a, b = mine.target(year), theirs.target(year)
            if target_key(a and a.to_json()) != target_key(b and b.to_json()):
                target = item.get("targets", {}).get(str(year))
                changes.append({"kind": "target", "code": code, "year": year, "target": copy.deepcopy(target)})
    return changes


def _owner_names(plan: Plan, indicator: Indicator) -> list[str]:
    return [plan.unit_by_id(u).name for u in indicator.owners]


def _unit_id_in(plan: Plan, name: str) -> str:
    try:
        return plan.unit(name).id
    except PlanError:
        raise PlanError(f"Đơn vị “{name}” không có trong kế hoạch đang áp dụng: không điều chỉnh được.") from None


def describe_change(plan: Plan, change: dict) -> str:
    """One change in words, against the plan it applies to."""
    from .evaluation import format_target
    from .plan import _target

    code, kind = change["code"], change["kind"]
    if kind == "add":
        return f"Thêm chỉ tiêu {code}: {change['indicator'].get('name', '')}"
    if kind == "retire":
        return f"Bỏ chỉ tiêu {code}: {plan.indicator(code).name} (số liệu đã có vẫn giữ)"
    if kind == "row":
        return f"Chỉ tiêu {code}: sửa {', '.join(change['fields'])}"
    year = int(change["year"])
    before = format_target(plan.indicator(code).target(year)) or "(không có)"
    after = format_target(_target(year, change["target"], code)) if change.get("target") else "(bỏ chỉ tiêu)"
    return f"Chỉ tiêu {code}, năm {year}: {before} → {after}"
