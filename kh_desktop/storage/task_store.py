"""The SQL side of the task register: seeding from the plan's tasks file, reading, and writing revisions.

Tasks are kept like figures: `task_revisions` is append-only (uuid ids, this PC's id and its revision counter
from meta 'revision', incremented in the same transaction, `supersedes`, a `deleted` marker); `tasks` points at
each task's current revision and at a competing one from another PC (`conflict_id`) waiting for a person.

Seeded revisions are the plan's own: the same ids on every PC (pc_id SEED_PC_ID, pc_revision = the task's place
in the tasks file), so a seeded task edited on a unit's PC is the same task, with the same ancestry, at Văn phòng.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date

from ..domain.plan import Plan
from ..tasks.edit import apply_changes, field_name, parse_field
from ..tasks.model import FIELD_LABELS, NOT_STARTED, STORED_STATUSES, Task, TaskRefused, parse_due
from ..tasks.rules import counts_by_status
from ..tasks.seed import SEED_PC_ID
from .files import StoreError, write_error_message
from .store import Change, ChangeKind, Store, now_iso
from .task_rows import TASK_VALUE_COLUMNS, insert_sql, seed_tasks, task_from_row


@dataclass(frozen=True)
class TaskRevision:
    """One stored revision of a task (history)."""

    task: Task
    deleted: bool
    pc_revision: int
    writer_unit: str | None
    supersedes: str | None
    received_at: str | None


# ---- reading ------------------------------------------------------------------------------------------------

_CURRENT_SQL = """
    SELECT r.*, t.conflict_id AS head_conflict_id
    FROM tasks t JOIN task_revisions r ON r.id = t.revision_id
"""


def _sorted(plan: Plan, tasks: list[Task]) -> list[Task]:
    position = {u.id: u.position for u in plan.units}
    return sorted(
        tasks,
        key=lambda t: (
            position.get(t.unit, len(position)),
            t.ordinal is None,
            t.ordinal or 0,
            t.entered_at,
            t.id,
        ),
    )


def list_tasks(store: Store, unit_id: str | None = None) -> list[Task]:
    """Current tasks (removed ones left out), of one lead unit if given, in unit then plan order."""
    sql, params = _CURRENT_SQL + " WHERE r.deleted = 0", []
    if unit_id is not None:
        sql += " AND r.unit = ?"
        params.append(unit_id)
    tasks = [task_from_row(row, row["head_conflict_id"]) for row in store.rows(sql, params)]
    return _sorted(store.plan, tasks)


def find_task(store: Store, id_or_prefix: str) -> Task:
    """A current task by its id or an unambiguous beginning of it (at least 4 characters)."""
    wanted = str(id_or_prefix).strip().lower()
    if len(wanted) < 4:
        raise TaskRefused(f"Mã nhiệm vụ “{id_or_prefix}” quá ngắn: hãy ghi ít nhất 4 ký tự đầu của mã.")
    rows = list(
        store.db.query(
            _CURRENT_SQL + " WHERE r.deleted = 0 AND t.task_id LIKE ? ESCAPE '\\'",
            [wanted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"],
        )
    )
    if not rows:
        raise TaskRefused(f"Không có nhiệm vụ mã “{id_or_prefix}”.")
    if len(rows) > 1:
        raise TaskRefused(f"Có {len(rows)} nhiệm vụ bắt đầu bằng “{id_or_prefix}”: hãy ghi thêm ký tự của mã.")
    return task_from_row(rows[0], rows[0]["head_conflict_id"])


def task_history(store: Store, id_or_prefix: str) -> list[TaskRevision]:
    """Every revision of a task, newest first (by this PC's order of writing, then time)."""
    task_id = _resolve_any(store, id_or_prefix)
    rows = store.db.query(
        "SELECT * FROM task_revisions WHERE task_id = ? ORDER BY entered_at DESC, pc_revision DESC, rowid DESC",
        [task_id],
    )
    return [
        TaskRevision(
            task_from_row(r), bool(r["deleted"]), r["pc_revision"], r["writer_unit"], r["supersedes"], r["received_at"]
        )
        for r in rows
    ]


def _resolve_any(store: Store, id_or_prefix: str) -> str:
    """A task id, current or removed, from an id or its beginning."""
    wanted = str(id_or_prefix).strip().lower()
    if len(wanted) < 4:
        raise TaskRefused(f"Mã nhiệm vụ “{id_or_prefix}” quá ngắn: hãy ghi ít nhất 4 ký tự đầu của mã.")
    ids = [r["task_id"] for r in store.db.query("SELECT task_id FROM tasks WHERE task_id LIKE ?", [wanted + "%"])]
    ids = [i for i in ids if i.startswith(wanted)]
    if len(ids) != 1:
        raise TaskRefused(
            f"Không có nhiệm vụ mã “{id_or_prefix}”." if not ids else f"Mã “{id_or_prefix}” chưa đủ để phân biệt."
        )
    return ids[0]


def task_counts(store: Store, today: date) -> dict[str, dict[str, int]]:
    """Per lead unit (every unit of the plan), how many tasks are in each judged status."""
    tasks = list_tasks(store)
    return {u.id: counts_by_status([t for t in tasks if t.unit == u.id], today) for u in store.plan.units}


# ---- writing ------------------------------------------------------------------------------------------------


def _check_owner(store: Store, unit_id: str, doing: str) -> None:
    mine = store.pc_unit
    if mine is not None and unit_id != mine:
        plan = store.plan
        raise TaskRefused(
            f"Máy này thuộc {plan.unit_by_id(mine).name}; nhiệm vụ này của {plan.unit_by_id(unit_id).name}. "
            f"Không {doing} nhiệm vụ của đơn vị khác."
        )


def add_task(store: Store, *, by: str = "", **fields) -> tuple[Task, Change]:
    """Add a task from typed or parsed fields (unit and title required); refuse and write nothing if invalid."""
    plan = store.plan
    if not fields.get("unit"):
        raise TaskRefused("Hãy cho biết đơn vị chủ trì nhiệm vụ.")
    parsed = {}
    for name, value in fields.items():
        key = field_name(name)
        parsed[key] = parse_field(plan, key, value)
    if "title" not in parsed:
        raise TaskRefused("Nhiệm vụ phải có nội dung (không để trống).")
    _check_owner(store, parsed["unit"], "thêm")
    task = Task(id=uuid.uuid4().hex, unit=parsed["unit"], title=parsed["title"], status=NOT_STARTED)
    task = apply_changes(task, {k: v for k, v in parsed.items() if k not in ("unit", "title")}, date.today())
    return _write(store, task, by=by, supersedes=None)


def update_task(
    store: Store, id_or_prefix: str, changes: dict, *, by: str = "", today: date | None = None
) -> tuple[Task, Change]:
    """Change fields of a task (a new revision); nothing is written when nothing changes or a value is refused."""
    current = find_task(store, id_or_prefix)
    _check_owner(store, current.unit, "sửa")
    plan = store.plan
    parsed = {field_name(name): value for name, value in changes.items()}
    parsed = {name: parse_field(plan, name, value) for name, value in parsed.items()}
    if "unit" in parsed and parsed["unit"] != current.unit and store.pc_unit is not None:
        raise TaskRefused(
            "Giao nhiệm vụ cho đơn vị khác làm trên máy tổng hợp của Văn phòng (máy giữ mọi đơn vị), "
            "không làm trên máy của một đơn vị."
        )
    updated = apply_changes(current, parsed, today or date.today())
    if all(getattr(updated, c) == getattr(current, c) for c in TASK_VALUE_COLUMNS):
        return current, Change(kind=ChangeKind.TASKS)
    return _write(store, updated, by=by, supersedes=current.revision_id, merges=current.conflict_id)


def remove_task(store: Store, id_or_prefix: str, *, by: str = "") -> Change:
    """Remove a task; the removal is a revision, so history keeps everything."""
    current = find_task(store, id_or_prefix)
    _check_owner(store, current.unit, "xóa")
    _, change = _write(store, current, by=by, supersedes=current.revision_id, merges=current.conflict_id, deleted=True)
    return change


def restore_task(store: Store, task: Task, *, by: str = "") -> tuple[Task, Change]:
    """Write `task`'s content back as the task's newest revision, over whatever is current (removed too).

    Undo and redo in the window use it: like any edit it supersedes the current revision, so it travels."""
    _check_owner(store, task.unit, "sửa")
    rows = list(store.db.query("SELECT revision_id, conflict_id FROM tasks WHERE task_id = ?", [task.id]))
    current = rows[0] if rows else {"revision_id": None, "conflict_id": None}
    return _write(store, task, by=by, supersedes=current["revision_id"], merges=current["conflict_id"])


def _write(
    store: Store, task: Task, *, by: str, supersedes: str | None, merges: str | None = None, deleted: bool = False
) -> tuple[Task, Change]:
    by = (by or "").strip() or (store.meta("person") or "")
    if task.status not in STORED_STATUSES:
        raise TaskRefused("Trạng thái không hợp lệ.")
    try:
        with store.db.atomic():
            revision = store.next_revision()
            task = task.with_changes(
                revision_id=uuid.uuid4().hex, conflict_id=None, entered_by=by, entered_at=now_iso(), pc_id=store.pc_id
            )
            store.db.execute(
                *insert_sql(
                    task,
                    deleted=deleted,
                    by=by,
                    at=task.entered_at,
                    pc_id=store.pc_id,
                    pc_revision=revision,
                    writer_unit=store.pc_unit,
                    supersedes=supersedes,
                    merges=merges,
                )
            )
            # A person writing over a conflicted task has settled it.
            store.db.execute(
                "INSERT OR REPLACE INTO tasks (task_id, revision_id, conflict_id) VALUES (?, ?, NULL)",
                [task.id, task.revision_id],
            )
    except sqlite3.DatabaseError as exc:
        raise StoreError(write_error_message(exc, store.path)) from exc
    return task, Change(revision=revision, kind=ChangeKind.TASKS)


# ---- conflicts ----------------------------------------------------------------------------------------------


def task_conflict(store: Store, id_or_prefix: str) -> tuple[Task, Task] | None:
    """(current, competing) when another PC's revision of this task waits for a person, else None."""
    current = find_task(store, id_or_prefix)
    if not current.conflict_id:
        return None
    rows = list(store.db.query("SELECT * FROM task_revisions WHERE id = ?", [current.conflict_id]))
    return current, task_from_row(rows[0])


def resolve_task_conflict(store: Store, id_or_prefix: str, keep_revision_id: str, *, by: str = "") -> Change:
    """Keep one of the two competing revisions: a new revision with its content, superseding and merging both."""
    pair = task_conflict(store, id_or_prefix)
    if pair is None:
        raise TaskRefused("Nhiệm vụ này không có xung đột nào cần giải quyết.")
    current, other = pair
    if keep_revision_id not in (current.revision_id, other.revision_id):
        raise TaskRefused("Phiên bản được chọn không phải một trong hai phiên bản đang xung đột.")
    kept = current if keep_revision_id == current.revision_id else other
    dropped = other.revision_id if kept is current else current.revision_id
    _check_owner(store, kept.unit, "sửa")
    _, change = _write(store, kept, by=by, supersedes=kept.revision_id, merges=dropped)
    return change


# ---- checking a row that arrives in an exchange file ------------------------------------------------------


def row_owners(plan: Plan, row: dict) -> tuple[str, ...]:
    """The unit allowed to bring a task revision: its lead unit. Raises when the row is not a valid task."""
    unit = plan.unit_by_id(row["unit"]).id
    if not row["deleted"]:
        if not str(row.get("title") or "").strip():
            raise TaskRefused("nhiệm vụ không có nội dung")
        if row["status"] not in STORED_STATUSES:
            raise TaskRefused(f"trạng thái “{row['status']}” không hợp lệ")
        for name in ("cooperating", "indicators", "recurrence", "progress"):
            parse_field(plan, name, row[name])
        if row["due"] is not None and parse_due(row["due"]).isoformat() != row["due"]:
            raise TaskRefused(f"thời hạn “{row['due']}” không hợp lệ")
    return (unit,)


__all__ = [
    "FIELD_LABELS",
    "SEED_PC_ID",
    "TaskRevision",
    "add_task",
    "find_task",
    "list_tasks",
    "remove_task",
    "resolve_task_conflict",
    "restore_task",
    "row_owners",
    "seed_tasks",
    "task_conflict",
    "task_counts",
    "task_history",
    "update_task",
]
