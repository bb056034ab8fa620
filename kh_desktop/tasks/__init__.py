"""The "06 rõ" task register: who does what, by when, producing what, approved by whom.

Plain Python (no Qt, no SQL): the task model, parsing of what a person types, and the rules that
judge a task against a given day (overdue, due soon, gaps in the six "rõ"). Storage lives in
kh_desktop/storage/task_store.py.
"""

from .model import (
    DONE,
    IN_PROGRESS,
    NOT_STARTED,
    OVERDUE,
    QUARTERLY,
    RECURRENCE_LABELS,
    STATUS_LABELS,
    YEARLY,
    Task,
    TaskRefused,
)
from .rules import counts_by_status, effective_due, effective_status, gaps, is_due_soon, next_occurrence

__all__ = [
    "DONE",
    "IN_PROGRESS",
    "NOT_STARTED",
    "OVERDUE",
    "QUARTERLY",
    "RECURRENCE_LABELS",
    "STATUS_LABELS",
    "YEARLY",
    "Task",
    "TaskRefused",
    "counts_by_status",
    "effective_due",
    "effective_status",
    "gaps",
    "is_due_soon",
    "next_occurrence",
]
