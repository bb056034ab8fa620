"""What the store hands out and how it talks to SQLite: figures, revisions, changes (for views to decide what to
refresh), the plan adjustments a database holds, and the store's sqlite-utils Database class (BEGIN IMMEDIATE)."""

from __future__ import annotations

import contextlib
import json
import math
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from ..domain.adjustments import Adjustment
from .files import StoreError

if TYPE_CHECKING:
    import sqlite3

    from sqlite_utils import Database


_DATABASE_CLASS: type | None = None


def _database_class() -> type:
    """The store's sqlite-utils Database class, made at first use (sqlite-utils is not imported to open the window)."""
    global _DATABASE_CLASS
    if _DATABASE_CLASS is not None:
        return _DATABASE_CLASS
    from sqlite_utils import Database

    class _Database(Database):
        """sqlite-utils' Database whose transactions take the write lock at once (BEGIN IMMEDIATE).

        A deferred BEGIN reads first and upgrades its lock at the first write; when another process writes in
        between, SQLite refuses the upgrade at once ("database is locked") without waiting the busy timeout.
        BEGIN IMMEDIATE waits up to the timeout for the lock instead, so two windows on one file both get written.
        A copy (backup, exchange file) opened as a database refuses every transaction with `refusal`."""

        refusal: str | None = None

        @contextlib.contextmanager
        def atomic(self):
            if self.conn.in_transaction:
                with super().atomic():
                    yield self
                return
            if self.refusal:
                raise StoreError(self.refusal)
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self.rollback()
                raise
            try:
                self.conn.execute("COMMIT")
            except BaseException:
                self.rollback()
                raise

    _DATABASE_CLASS = _Database
    return _Database


def stored_adjustments(db: Database | sqlite3.Connection) -> list[Adjustment]:
    """The plan adjustments recorded in a database (table plan_versions, schema 5), in version order."""
    conn = getattr(db, "conn", db)  # plain sqlite3 when the window opens (Store.plan): no sqlite-utils at start
    exists = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'plan_versions'"
    if conn.execute(exists).fetchone() is None:  # a file opened before its upgrade
        return []
    rows = conn.execute(
        "SELECT version, id, plan_sha256, decision, decided_on, changes FROM plan_versions ORDER BY version"
    ).fetchall()
    return [Adjustment(r[0], r[3], r[4], tuple(json.loads(r[5])), id=r[1], plan_sha256=r[2]) for r in rows]


def now_iso() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


@dataclass(frozen=True)
class Figure:
    """The current value of one indicator for one period."""

    code: str
    period: str
    value: float | str | None
    estimate: bool
    note: str
    entered_by: str
    entered_at: str
    pc_id: str
    revision_id: str
    conflict_id: str | None = None


@dataclass(frozen=True)
class Revision:
    id: str
    code: str
    period: str
    value: float | str | None
    deleted: bool
    estimate: bool
    note: str
    entered_by: str
    entered_at: str
    pc_id: str
    pc_revision: int
    unit: str | None
    supersedes: str | None
    received_at: str | None


class ChangeKind(StrEnum):
    """What kind of write a `Change` reports; views refresh only for the kinds that concern them."""

    FIGURES = "figures"  # figures typed, cleared, imported from Excel or settled
    TASKS = "tasks"  # "06 rõ" tasks added, edited or settled
    SETTINGS = "settings"  # this PC's unit or the person's name
    EXCHANGE = "exchange"  # exchange files received
    RESTORE = "restore"  # the working file replaced by a backup
    PLAN = "plan"  # a new plan version (an adjustment by resolution): targets and rows as now in force

    @property
    def label(self) -> str:
        return CHANGE_KIND_LABELS[self]


CHANGE_KIND_LABELS = {
    ChangeKind.FIGURES: "số liệu",
    ChangeKind.TASKS: "nhiệm vụ",
    ChangeKind.SETTINGS: "cài đặt máy",
    ChangeKind.EXCHANGE: "nhận tệp trao đổi",
    ChangeKind.RESTORE: "khôi phục bản sao lưu",
    ChangeKind.PLAN: "điều chỉnh kế hoạch",
}


@dataclass(frozen=True)
class Change:
    """What a write changed, for views to decide whether to refresh."""

    figures: frozenset[tuple[str, str]] = field(default_factory=frozenset)
    revision: int = 0
    kind: ChangeKind = ChangeKind.FIGURES

    def __post_init__(self) -> None:
        # A plain string ("tasks") is accepted and checked: an unknown kind fails here, not in a view.
        object.__setattr__(self, "kind", ChangeKind(self.kind))


def _value_of(row: dict) -> float | str | None:
    if row.get("deleted"):
        return None
    if row["value_text"] is not None:
        return row["value_text"]
    value = row["value_num"]
    # A stored infinity (written before values were bounded) is no figure: it would reach JSON, sums and verdicts.
    return value if value is None or math.isfinite(value) else None
