"""Open conflicts of every record kind (figures and tasks) in one list, for a person to settle.

A conflict is two PCs' claims on one record: the current revision (kept in use until someone decides) and the
competing one received from another PC (`conflict_id`). Settling writes a revision through the kind's own
resolver (`exchange_store.resolve_conflict`, `task_store.resolve_task_conflict`), which supersedes the kept
revision and merges the other, so the settlement travels and neither claim comes back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from ..domain.evaluation import format_value
from ..domain.periods import BASELINE, PeriodError, parse_period
from ..domain.plan import PlanError
from ..tasks.model import FIELD_LABELS, RECURRENCE_LABELS, STATUS_LABELS, Task, TaskRefused, format_due
from .exchange_log import conflicts as figure_conflict_rows
from .exchange_log import resolve_conflict
from .files import StoreError, write_error_message
from .store import Change, Store
from .task_rows import task_from_row
from .task_store import resolve_task_conflict

FIGURE, TASK = "figure", "task"
# The task fields shown side by side (the ones a person can tell apart), in the order of the task dialog.
TASK_FIELDS = (
    "title",
    "person",
    "due",
    "recurrence",
    "status",
    "progress",
    "deliverable",
    "authority",
    "cooperating",
    "indicators",
    "notes",
    "unit",
)


@dataclass(frozen=True)
class ConflictSide:
    """One of the two claims, ready to show: what it says, who wrote it, when, on which PC."""

    revision_id: str
    value: str  # the figure as a person reads it, or the task fields joined (deleted: "(đã xóa)")
    deleted: bool
    entered_by: str
    entered_at: str
    pc_id: str
    pc_label: str  # "máy của Phòng Kinh tế (a1b2c3d4)"
    fields: dict[str, str] = field(default_factory=dict)  # tasks: label -> text of every shown field
    raw: object = None  # figures: the stored value (float/str/None); tasks: the Task


@dataclass(frozen=True)
class Conflict:
    kind: str  # FIGURE or TASK
    key: tuple  # (code, period) or (task_id,)
    label: str  # Vietnamese: which record
    unit_id: str | None  # the unit the record belongs to (a task's lead unit; None for a figure)
    current: ConflictSide
    other: ConflictSide
    can_settle: bool  # this PC may write the record
    why_not: str = ""  # Vietnamese, when it may not

    @property
    def differing(self) -> list[str]:
        """Labels of the fields the two claims disagree on (a figure: its value, kind or note)."""
        return [k for k in self.current.fields if self.current.fields.get(k) != self.other.fields.get(k)]


def pc_label(store: Store, pc_id: str | None, writer_unit: str | None) -> str:
    """Which PC wrote a revision, as a person can tell: its unit (or the all-units PC) and a short id."""
    short = (pc_id or "")[:8]
    if pc_id and pc_id == store.pc_id:
        return f"máy này ({short})"
    if pc_id and set(pc_id) == {"0"}:
        return "Kế hoạch (bản gốc)"
    if writer_unit in (None, "", "*"):
        return f"máy tổng hợp mọi đơn vị ({short})"
    try:
        name = store.plan.unit_by_id(writer_unit).name
    except PlanError:
        name = str(writer_unit)
    return f"máy của {name} ({short})"


def figure_label(store: Store, code: str, period: str) -> str:
    try:
        indicator = store.plan.indicator(code)
        name = f"{indicator.stt or code}. {indicator.name}"
    except PlanError:
        name = f"Chỉ tiêu {code}"
    if period == BASELINE:
        return f"{name} – số gốc (hiện nay)"
    try:
        when = parse_period(period, store.plan.first_year, store.plan.last_year).label
    except PeriodError:
        when = period
    return f"{name} – {when}"


FIGURE_VALUE, FIGURE_KIND, FIGURE_NOTE = "Số liệu", "Loại số", "Ghi chú"


def _figure_fields(store: Store, item: dict) -> dict[str, str]:
    stored = store.rows("SELECT estimate, note FROM revisions WHERE id = ?", [item["revision_id"]])[0]
    if item["deleted"]:
        return {FIGURE_VALUE: "(đã xóa)", FIGURE_KIND: "", FIGURE_NOTE: ""}
    return {
        FIGURE_VALUE: format_value(item["value"]),
        FIGURE_KIND: "Ước" if stored["estimate"] else "Chính thức",
        FIGURE_NOTE: stored["note"] or "",
    }


def _figure_conflict(store: Store, row: dict) -> Conflict:
    fields = [_figure_fields(store, row["current"]), _figure_fields(store, row["other"])]
    differing = [k for k in fields[0] if fields[0][k] != fields[1][k]]
    sides = []
    for side, shown in zip(("current", "other"), fields, strict=True):
        item = row[side]
        value = shown[FIGURE_VALUE]
        if not item["deleted"] and FIGURE_VALUE not in differing:  # same number: say what differs
            value += " (" + ", ".join(f"{k.lower()} khác" for k in differing) + ")" if differing else ""
        sides.append(
            ConflictSide(
                revision_id=item["revision_id"],
                value=value,
                deleted=bool(item["deleted"]),
                entered_by=item["entered_by"] or "",
                entered_at=item["entered_at"] or "",
                pc_id=item["pc_id"],
                pc_label=pc_label(store, item["pc_id"], item["unit"]),
                fields=shown,
                raw=item["value"],
            )
        )
    code, period = row["code"], row["period"]
    why = ""
    try:
        indicator = store.plan.indicator(code)
        if not store.can_edit(indicator):
            owners = ", ".join(store.plan.owner_names(indicator))
            why = f"Chỉ tiêu này do {owners} nhập: xử lý trên máy của đơn vị đó hoặc máy tổng hợp của Văn phòng."
    except PlanError:
        why = "Chỉ tiêu không có trong kế hoạch."
    return Conflict(FIGURE, (code, period), figure_label(store, code, period), None, *sides, not why, why)


def task_fields(store: Store, task: Task) -> dict[str, str]:
    """The shown fields of a task as a person reads them, keyed by their Vietnamese label."""
    plan = store.plan

    def unit_name(unit_id: str) -> str:
        try:
            return plan.unit_by_id(unit_id).short
        except PlanError:
            return unit_id

    texts = {
        "title": task.title,
        "person": task.person,
        "due": format_due(task.due),
        "recurrence": RECURRENCE_LABELS.get(task.recurrence, "") if task.recurrence else "",
        "status": STATUS_LABELS.get(task.status, task.status),
        "progress": f"{task.progress}%",
        "deliverable": task.deliverable,
        "authority": task.authority,
        "cooperating": ", ".join(unit_name(u) for u in task.cooperating),
        "indicators": ", ".join(task.indicators),
        "notes": task.notes,
        "unit": unit_name(task.unit),
    }
    return {FIELD_LABELS[name].capitalize(): texts[name] for name in TASK_FIELDS}


def task_conflict_list(store: Store) -> list[Conflict]:
    sql = """
        SELECT t.task_id, a.id AS current_id, b.id AS other_id
        FROM tasks t JOIN task_revisions a ON a.id = t.revision_id JOIN task_revisions b ON b.id = t.conflict_id
    """
    found = []
    for row in store.rows(sql):  # plain sqlite3: a unit's task panel lists conflicts when it opens
        revisions = {
            r["id"]: r
            for r in store.rows("SELECT * FROM task_revisions WHERE id IN (?, ?)", [row["current_id"], row["other_id"]])
        }
        stored = [revisions[row["current_id"]], revisions[row["other_id"]]]
        tasks = [task_from_row(r) for r in stored]
        fields = [task_fields(store, t) for t in tasks]
        differing = [k for k in fields[0] if fields[0][k] != fields[1][k]] or list(fields[0])
        sides = []
        for revision, task, shown in zip(stored, tasks, fields, strict=True):
            deleted = bool(revision["deleted"])
            sides.append(
                ConflictSide(
                    revision_id=revision["id"],
                    value="(đã xóa)" if deleted else "; ".join(f"{k}: {shown[k] or '—'}" for k in differing),
                    deleted=deleted,
                    entered_by=revision["entered_by"] or "",
                    entered_at=revision["entered_at"] or "",
                    pc_id=revision["pc_id"],
                    pc_label=pc_label(store, revision["pc_id"], revision["writer_unit"]),
                    fields=shown,
                    raw=task,
                )
            )
        current = sides[0].raw
        title = current.title if len(current.title) <= 70 else current.title[:67] + "…"
        try:
            unit_name = store.plan.unit_by_id(current.unit).short
        except PlanError:
            unit_name = current.unit
        why = ""
        mine = store.pc_unit
        if mine is not None and mine != current.unit:
            why = f"Nhiệm vụ của {unit_name}: xử lý trên máy của đơn vị đó hoặc máy tổng hợp của Văn phòng."
        found.append(
            Conflict(TASK, (row["task_id"],), f"Nhiệm vụ “{title}” ({unit_name})", current.unit, *sides, not why, why)
        )
    position = {u.id: u.position for u in store.plan.units}
    return sorted(found, key=lambda c: (position.get(c.unit_id, 99), c.current.raw.ordinal or 0, c.key))


def figure_conflict_list(store: Store) -> list[Conflict]:
    order = {i.code: n for n, i in enumerate(store.plan.indicators)}
    found = [_figure_conflict(store, row) for row in figure_conflict_rows(store)]
    return sorted(found, key=lambda c: (order.get(c.key[0], 999), c.key[1] != BASELINE, c.key[1]))


def open_conflicts(store: Store) -> list[Conflict]:
    """Every conflict waiting for a person: figures in annex order, then tasks in unit order."""
    return figure_conflict_list(store) + task_conflict_list(store)


def find_conflict(store: Store, kind: str, key: tuple) -> Conflict | None:
    listing = figure_conflict_list(store) if kind == FIGURE else task_conflict_list(store)
    return next((c for c in listing if c.key == tuple(key)), None)


def settle(store: Store, conflict: Conflict, keep_revision_id: str, *, by: str = "") -> Change:
    """Keep one claim (a new revision superseding it and merging the other); refuse if this PC may not.

    The conflict is looked up again first: a list shown a while ago may be out of date."""
    conflict = find_conflict(store, conflict.kind, conflict.key)
    if conflict is None:
        raise StoreError("Xung đột này đã được xử lý (hoặc số liệu đã được sửa) nên không còn cần chọn.")
    if not conflict.can_settle:
        raise StoreError(conflict.why_not)
    if keep_revision_id not in (conflict.current.revision_id, conflict.other.revision_id):
        raise StoreError("Phiên bản được chọn không phải một trong hai số liệu đang xung đột.")
    if conflict.kind == FIGURE:
        code, period = conflict.key
        return resolve_conflict(store, code, period, keep_revision_id, by=by)
    try:
        return resolve_task_conflict(store, conflict.key[0], keep_revision_id, by=by)
    except TaskRefused as exc:
        raise StoreError(str(exc)) from exc


def settle_side(store: Store, kind: str, key: tuple, side: str, *, by: str = "") -> Change:
    """Settle the open conflict of a record keeping its "current" or its "other" claim (redo of a settlement)."""
    conflict = find_conflict(store, kind, key)
    if conflict is None:
        raise StoreError("Xung đột này đã được xử lý (hoặc số liệu đã được sửa) nên không còn cần chọn.")
    kept = conflict.current if side == "current" else conflict.other
    return settle(store, conflict, kept.revision_id, by=by)


def reopen(store: Store, kind: str, key: tuple, other_revision_id: str, write_back: Callable[[], Change]) -> Change:
    """Undo a settlement: `write_back()` writes the claim that was current as the newest revision and, in the same
    transaction, the other claim waits for a person again (the record is marked conflicted, as before)."""
    table, where = ("figures", "code = ? AND period = ?") if kind == FIGURE else ("tasks", "task_id = ?")
    try:
        with store.db.atomic():
            change = write_back()
            store.db.execute(f"UPDATE {table} SET conflict_id = ? WHERE {where}", [other_revision_id, *key])
    except sqlite3.DatabaseError as exc:
        raise StoreError(write_error_message(exc, store.path)) from exc
    return change


def conflict_json(conflict: Conflict) -> dict:
    """A task conflict for `conflicts --json` (figures keep the keys exchange_store.conflicts gives them)."""
    task = conflict.current.raw
    data = {"kind": TASK, "task_id": conflict.key[0], "unit": task.unit, "title": task.title}
    for name, side in (("current", conflict.current), ("other", conflict.other)):
        stored: Task = side.raw
        data[name] = {
            "revision_id": side.revision_id,
            "deleted": side.deleted,
            "pc_id": side.pc_id,
            "entered_by": side.entered_by,
            "entered_at": side.entered_at,
            "title": stored.title,
            "person": stored.person,
            "due": stored.due.isoformat() if stored.due else None,
            "recurrence": stored.recurrence,
            "deliverable": stored.deliverable,
            "authority": stored.authority,
            "status": stored.status,
            "progress": stored.progress,
            "notes": stored.notes,
            "unit": stored.unit,
            "cooperating": list(stored.cooperating),
            "indicators": list(stored.indicators),
        }
    return data
