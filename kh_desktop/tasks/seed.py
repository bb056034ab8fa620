"""The tasks the plan itself gives each unit (sections III and IV), read from the tasks file beside the plan."""

from __future__ import annotations

import json
import uuid

from ..domain.plan import Plan, PlanError
from .edit import parse_field
from .model import NOT_STARTED, Task

SEED_FORMAT = "kh-tasks/1"
SEED_PC_ID = "0" * 32  # "the plan": seeded revisions are identical on every PC; real PC ids are uuid4
_NAMESPACE = uuid.UUID("6f1c7a52-3b1e-4c4e-9d55-7b0b1f2f7e11")


def seed_task_id(plan_id: str, key: str) -> str:
    """The same id on every PC, so a seeded task edited anywhere is the same task at Văn phòng."""
    return uuid.uuid5(_NAMESPACE, f"task:{plan_id}:{key}").hex


def seed_revision_id(plan_id: str, key: str) -> str:
    return uuid.uuid5(_NAMESPACE, f"seed-revision:{plan_id}:{key}").hex


def parse_seed_text(text: str, plan: Plan) -> tuple[list[Task], str]:
    """(tasks in plan order, the time they count as entered); PlanError if the file does not fit the plan."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PlanError(f"Tệp nhiệm vụ không đọc được: {exc}") from exc
    if raw.get("format") != SEED_FORMAT:
        raise PlanError(f"Tệp nhiệm vụ không đúng định dạng {SEED_FORMAT}.")
    if raw.get("plan_id") != plan.plan_id:
        raise PlanError(f"Tệp nhiệm vụ thuộc kế hoạch {raw.get('plan_id')}, không phải {plan.plan_id}.")
    tasks, seen = [], set()
    for n, item in enumerate(raw.get("tasks", [])):
        key = str(item["key"])
        if key in seen:
            raise PlanError(f"Tệp nhiệm vụ: mã “{key}” bị trùng.")
        seen.add(key)
        try:
            tasks.append(
                Task(
                    id=seed_task_id(plan.plan_id, key),
                    unit=parse_field(plan, "unit", item["unit"]),
                    title=parse_field(plan, "title", item["title"]),
                    cooperating=parse_field(plan, "cooperating", item.get("cooperating", [])),
                    due=parse_field(plan, "due", item.get("due")),
                    recurrence=parse_field(plan, "recurrence", item.get("recurrence")),
                    deliverable=parse_field(plan, "deliverable", item.get("deliverable", "")),
                    authority=parse_field(plan, "authority", item.get("authority", "")),
                    notes=parse_field(plan, "notes", item.get("notes", "")),
                    indicators=parse_field(plan, "indicators", item.get("indicators", [])),
                    status=NOT_STARTED,
                    source=key,
                    ordinal=n + 1,
                    revision_id=seed_revision_id(plan.plan_id, key),
                    pc_id=SEED_PC_ID,
                )
            )
        except ValueError as exc:  # TaskRefused is a ValueError
            raise PlanError(f"Tệp nhiệm vụ, mục {key}: {exc}") from exc
    return tasks, str(raw.get("seeded_at", ""))
