"""Turning what a person typed into task fields, and the few rules that tie fields together."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from datetime import date

from ..domain.plan import Plan, PlanError
from .model import (
    DONE,
    FIELD_LABELS,
    IN_PROGRESS,
    NOT_STARTED,
    Task,
    TaskRefused,
    clean_text,
    parse_due,
    parse_progress,
    parse_recurrence,
    parse_status,
    split_list,
)
from .rules import reopen_due

# Vietnamese and short names a person may type for a field (task set ID FIELD VALUE).
FIELD_ALIASES = {
    "task": "title",
    "nhiem-vu": "title",
    "owner": "person",
    "nguoi": "person",
    "nguoi-phu-trach": "person",
    "deadline": "due",
    "han": "due",
    "thoi-han": "due",
    "repeat": "recurrence",
    "lap-lai": "recurrence",
    "san-pham": "deliverable",
    "tham-quyen": "authority",
    "trang-thai": "status",
    "tien-do": "progress",
    "note": "notes",
    "ghi-chu": "notes",
    "don-vi": "unit",
    "phoi-hop": "cooperating",
    "chi-tieu": "indicators",
}


def field_name(name: str) -> str:
    key = str(name).strip().lower().replace("_", "-")
    key = FIELD_ALIASES.get(key, key)
    if key not in FIELD_LABELS:
        known = ", ".join(FIELD_LABELS)
        raise TaskRefused(f"Không có trường “{name}” của nhiệm vụ. Các trường: {known}.")
    return key


def unit_ids(plan: Plan, names) -> tuple[str, ...]:
    ids: list[str] = []
    for name in split_list(names):
        try:
            unit_id = plan.unit(name).id
        except PlanError as exc:
            raise TaskRefused(str(exc)) from None
        if unit_id not in ids:
            ids.append(unit_id)
    return tuple(ids)


def indicator_codes(plan: Plan, codes) -> tuple[str, ...]:
    wanted = []
    for code in split_list(codes):
        match = next((i.code for i in plan.indicators if i.code.casefold() == code.casefold()), None)
        if match is None:
            raise TaskRefused(f"Không có chỉ tiêu mã “{code}” trong kế hoạch.")
        wanted.append(match)
    return tuple(i.code for i in plan.indicators if i.code in wanted)


def parse_field(plan: Plan, name: str, value):
    """One field's value, parsed and checked; TaskRefused with a Vietnamese message if it cannot be."""
    if name == "title":
        title = clean_text(value, one_line=True)
        if not title:
            raise TaskRefused("Nhiệm vụ phải có nội dung (không để trống).")
        return title
    if name in ("person", "deliverable", "authority"):
        return clean_text(value, one_line=True)
    if name == "notes":
        return clean_text(value)
    if name == "unit":
        ids = unit_ids(plan, value)
        if len(ids) != 1:
            raise TaskRefused("Mỗi nhiệm vụ có đúng một đơn vị chủ trì.")
        return ids[0]
    if name == "cooperating":
        return unit_ids(plan, value)
    if name == "due":
        return parse_due(value)
    if name == "recurrence":
        return parse_recurrence(value)
    if name == "status":
        return parse_status(value)
    if name == "progress":
        return parse_progress(value)
    if name == "indicators":
        return indicator_codes(plan, value)
    raise TaskRefused(f"Không có trường “{name}” của nhiệm vụ.")


def apply_changes(task: Task, changes: dict, today: date) -> Task:
    """The task after parsed `changes`, with the rules that tie status, progress and deadline together."""
    known = {f.name for f in dataclass_fields(Task)}
    updated = task.with_changes(**{k: v for k, v in changes.items() if k in known})
    # Working again on a recurring task whose finished occurrence has passed: the open occurrence's date.
    if "status" in changes and changes["status"] != DONE and task.status == DONE and "due" not in changes:
        updated = updated.with_changes(due=reopen_due(task, today))
    if "status" in changes and changes["status"] == DONE and not updated.recurrence and "progress" not in changes:
        updated = updated.with_changes(progress=100)
    if "progress" in changes and "status" not in changes:
        if updated.progress > 0 and updated.status == NOT_STARTED:
            updated = updated.with_changes(status=IN_PROGRESS)
    if updated.cooperating and updated.unit in updated.cooperating:
        updated = updated.with_changes(cooperating=tuple(u for u in updated.cooperating if u != updated.unit))
    return updated
