"""Task rows and seeding, below the Store: a task to and from a `task_revisions` row, and the plan's tasks.

Kept apart from task_store.py (which writes through a `Store`) so that `Store.create` can seed a new file
without an import circle. Seeded revisions are the plan's own: the same ids on every PC (pc_id SEED_PC_ID,
pc_revision = the task's place in the tasks file), identical on every PC.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ..domain.plan import load_plan_text
from ..paths import resource
from ..tasks.model import Task
from ..tasks.seed import SEED_PC_ID, parse_seed_text

if TYPE_CHECKING:  # sqlite-utils is loaded by the first write, not to open the window
    from sqlite_utils import Database

SEED_BY = "Kế hoạch"
TASKS_FILE_SUFFIX = "-tasks.json"

TASK_VALUE_COLUMNS = (  # what a task holds; two revisions equal on these say the same thing
    "unit",
    "cooperating",
    "title",
    "person",
    "due",
    "recurrence",
    "deliverable",
    "authority",
    "status",
    "progress",
    "notes",
    "indicators",
)


# ---- rows <-> tasks ---------------------------------------------------------------------------------------


def _row_values(task: Task) -> dict:
    return {
        "task_id": task.id,
        "unit": task.unit,
        "cooperating": ",".join(task.cooperating),
        "title": task.title,
        "person": task.person,
        "due": task.due.isoformat() if task.due else None,
        "recurrence": task.recurrence,
        "deliverable": task.deliverable,
        "authority": task.authority,
        "status": task.status,
        "progress": int(task.progress),
        "notes": task.notes,
        "indicators": ",".join(task.indicators),
        "source": task.source,
        "ordinal": task.ordinal,
    }


def task_from_row(row: dict, conflict_id: str | None = None) -> Task:
    return Task(
        id=row["task_id"],
        unit=row["unit"],
        title=row["title"],
        person=row["person"],
        cooperating=tuple(u for u in (row["cooperating"] or "").split(",") if u),
        due=date.fromisoformat(row["due"]) if row["due"] else None,
        recurrence=row["recurrence"],
        deliverable=row["deliverable"],
        authority=row["authority"],
        status=row["status"],
        progress=int(row["progress"]),
        notes=row["notes"],
        indicators=tuple(c for c in (row["indicators"] or "").split(",") if c),
        source=row["source"],
        ordinal=row["ordinal"],
        revision_id=row["id"],
        conflict_id=conflict_id,
        entered_by=row["entered_by"],
        entered_at=row["entered_at"],
        pc_id=row["pc_id"],
    )


# ---- seeding ------------------------------------------------------------------------------------------------


def seed_tasks(db: Database) -> int:
    """Add the plan's tasks that this database does not have yet; the caller holds the transaction.

    Does nothing for a database without a plan yet (a fresh file mid-creation) or a plan without a tasks file.
    """
    plan_rows = list(db.query("SELECT plan_id, body FROM plan_document LIMIT 1"))
    if not plan_rows:
        return 0
    plan = load_plan_text(plan_rows[0]["body"])
    path = resource("plan", plan.plan_id + TASKS_FILE_SUFFIX)
    if not path.exists():
        return 0
    tasks, seeded_at = parse_seed_text(path.read_text(encoding="utf-8"), plan)
    have = {r["task_id"] for r in db.query("SELECT task_id FROM tasks")}
    known = {r["id"] for r in db.query("SELECT id FROM task_revisions WHERE pc_id = ?", [SEED_PC_ID])}
    added = 0
    for task in tasks:
        if task.id in have or task.revision_id in known:
            continue
        db.execute(
            *insert_sql(task, deleted=False, by=SEED_BY, at=seeded_at, pc_id=SEED_PC_ID, pc_revision=task.ordinal)
        )
        db.execute(
            "INSERT INTO tasks (task_id, revision_id, conflict_id) VALUES (?, ?, NULL)", [task.id, task.revision_id]
        )
        added += 1
    return added


def insert_sql(
    task: Task,
    *,
    deleted: bool,
    by: str,
    at: str,
    pc_id: str,
    pc_revision: int,
    writer_unit: str | None = None,
    supersedes: str | None = None,
    merges: str | None = None,
) -> tuple[str, list]:
    row = {
        "id": task.revision_id,
        **_row_values(task),
        "deleted": int(deleted),
        "entered_by": by,
        "entered_at": at,
        "pc_id": pc_id,
        "pc_revision": pc_revision,
        "writer_unit": writer_unit,
        "supersedes": supersedes,
        "merges": merges,
        "received_at": None,
    }
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    return f"INSERT INTO task_revisions ({columns}) VALUES ({marks})", list(row.values())
