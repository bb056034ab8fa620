"""Record kinds that travel in exchange files: figures and "06 rõ" tasks, each with the checks a received row of
that kind must pass (every column's exact type and allowed values, then the plan's rules) and who owns it.

Another kind plugs in with `register_kind` (docs/ARCHITECTURE.md, "Adding a record kind").
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from ..domain.evaluation import ValueRefused, validate_value
from ..domain.periods import BASELINE, PeriodError, parse_period
from ..domain.plan import Plan
from ..tasks.model import RECURRENCE_LABELS, STORED_STATUSES
from .task_store import TASK_VALUE_COLUMNS, row_owners

# ---- record kinds ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordKind:
    """One revisioned kind of record that travels in exchange files.

    `revisions_table` is append-only and has at least: id (TEXT PRIMARY KEY), pc_id, pc_revision (unique per
    PC, from the shared meta 'revision' counter), supersedes, deleted, received_at and the key columns.
    `current_table` has the key columns as primary key, `current_column` (the current revision id) and
    `conflict_column` (a competing revision waiting for a person, or NULL).
    `owners(plan, row)` returns the unit ids allowed to bring a row with that key, or raises PlanError /
    PeriodError / ValueRefused when the row is not valid at all (refused and listed).
    `label(plan, row)` says in Vietnamese which record a row is about (for refusal and conflict lists).
    """

    name: str
    revisions_table: str
    current_table: str
    key_columns: tuple[str, ...]
    owners: Callable[[Plan, dict], tuple[str, ...]]
    label: Callable[[Plan, dict], str]
    current_column: str = "revision_id"
    conflict_column: str = "conflict_id"
    merges_column: str | None = None  # a second revision a settling revision supersedes
    visible_columns: tuple[str, ...] = ()  # two revisions equal on these (and `deleted`) agree: no conflict
    # The units that own a record as this PC holds it now (a task belongs to the unit it has here: a unit's
    # file cannot move another unit's task to itself or remove it); None when owners come from the plan alone.
    held_owners_sql: str | None = None


RECORD_KINDS: list[RecordKind] = []


def register_kind(kind: RecordKind) -> None:
    if any(k.name == kind.name for k in RECORD_KINDS):
        raise ValueError(f"record kind {kind.name} is already registered")
    RECORD_KINDS.append(kind)


def _require(row: dict, checks: dict[str, tuple[type, ...]]) -> None:
    """Refuse a row whose columns do not hold what the schema's constraints demand (a hand-edited file can hold
    anything: SQLite does not re-check constraints when it reads a row)."""
    shapes = _SHAPES.get(id(checks))
    if shapes is None or shapes[0] is not checks:
        shapes = _SHAPES[id(checks)] = (checks, tuple(checks), frozenset(itertools.product(*checks.values())))
    get = row.get
    if tuple([type(get(c)) for c in shapes[1]]) in shapes[2]:
        return  # every column's exact type is allowed: the common case, one set lookup
    for column, types in checks.items():
        value = row.get(column)
        if type(value) not in types:  # exact types: True is not a count, 1.0 is not a flag
            raise ValueRefused(f"cột “{column}” có giá trị không hợp lệ ({value!r:.40})")


# id(checks) -> (checks, its columns, every allowed tuple of exact types): a row is checked with one set lookup.
_SHAPES: dict[int, tuple[dict, tuple[str, ...], frozenset]] = {}
_TEXT, _OPTIONAL_TEXT = (str,), (str, type(None))
_FLAG = (int,)
_FIGURE_COLUMNS = {
    "code": _TEXT,
    "period": _TEXT,
    "value_num": (float, int, type(None)),
    "value_text": _OPTIONAL_TEXT,
    "estimate": _FLAG,
    "note": _TEXT,
    "entered_by": _TEXT,
    "unit": _OPTIONAL_TEXT,
}


# (period, first year, last year) -> year of a period key that parsed exactly: a receive checks the same few dozen
# keys in every file. Only keys that parsed go in, so it holds at most the plan's periods.
_PERIOD_YEARS: dict[tuple[str, int, int], int] = {}


def _figure_owners(plan: Plan, row: dict) -> tuple[str, ...]:
    _require(row, _FIGURE_COLUMNS)
    if row["estimate"] not in (0, 1):
        raise ValueRefused("cột “estimate” có giá trị không hợp lệ")
    indicator = plan.any_indicator(row["code"])  # a retired row's figures are still kept in its history
    period = row["period"]
    year = None
    if period == BASELINE:
        if indicator.baseline is None:
            raise ValueRefused(f"chỉ tiêu {indicator.code} không có số gốc")
    else:
        span = (period, plan.first_year, plan.last_year)
        year = _PERIOD_YEARS.get(span)
        if year is None:
            parsed = parse_period(period, plan.first_year, plan.last_year)
            if parsed.key != period:
                raise PeriodError(f"kỳ “{period}” không đúng dạng")
            year = _PERIOD_YEARS[span] = parsed.year
    if not row["deleted"]:
        value = row["value_text"] if row["value_text"] is not None else row["value_num"]
        if value is None or validate_value(indicator, period, value, year) != value:
            raise ValueRefused("giá trị không hợp lệ")
    return indicator.owners


def _figure_label(plan: Plan, row: dict) -> str:
    period = "số gốc" if row["period"] == BASELINE else f"kỳ {row['period']}"
    return f"Chỉ tiêu {row['code']}, {period}"


register_kind(
    RecordKind(
        name="figures",
        revisions_table="revisions",
        current_table="figures",
        key_columns=("code", "period"),
        owners=_figure_owners,
        label=_figure_label,
        merges_column="merges",
        visible_columns=("value_num", "value_text", "estimate", "note"),
    )
)


_TASK_COLUMNS = {
    "task_id": _TEXT,
    "unit": _TEXT,
    "cooperating": _TEXT,
    "title": _TEXT,
    "person": _TEXT,
    "due": _OPTIONAL_TEXT,
    "recurrence": _OPTIONAL_TEXT,
    "deliverable": _TEXT,
    "authority": _TEXT,
    "status": _TEXT,
    "progress": (int,),
    "notes": _TEXT,
    "indicators": _TEXT,
    "source": _TEXT,
    "ordinal": (int, type(None)),
    "entered_by": _TEXT,
    "writer_unit": _OPTIONAL_TEXT,
}


def _task_owners(plan: Plan, row: dict) -> tuple[str, ...]:
    """Every column checked (a removal too: the table's constraints apply to it), then the task rules."""
    _require(row, _TASK_COLUMNS)
    if row["status"] not in STORED_STATUSES:
        raise ValueRefused(f"trạng thái “{row['status']:.40}” không hợp lệ")
    if not 0 <= row["progress"] <= 100:
        raise ValueRefused(f"tiến độ {row['progress']}% nằm ngoài 0–100%")
    if row["recurrence"] not in (None, *RECURRENCE_LABELS):
        raise ValueRefused(f"lặp lại “{row['recurrence']:.40}” không hợp lệ")
    return row_owners(plan, row)


def _task_label(plan: Plan, row: dict) -> str:
    title = str(row.get("title") or "").strip()
    return f"Nhiệm vụ “{title[:60]}{'…' if len(title) > 60 else ''}”"


register_kind(
    RecordKind(
        name="tasks",
        revisions_table="task_revisions",
        current_table="tasks",
        key_columns=("task_id",),
        owners=_task_owners,
        label=_task_label,
        merges_column="merges",
        visible_columns=TASK_VALUE_COLUMNS,
        held_owners_sql="SELECT t.task_id, r.unit FROM tasks t JOIN task_revisions r ON r.id = t.revision_id",
    )
)
