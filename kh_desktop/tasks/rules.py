"""Judging tasks against a given day. `today` is always passed in: nothing here reads the clock.

A recurring task (hằng quý, hằng năm) falls due at the end of each quarter or year. Its `due` holds the
occurrence being worked on; with no `due` the occurrence is the current quarter or year. Once an
occurrence is marked done, the task counts as done until that occurrence's date passes; then the next
occurrence opens (chưa bắt đầu), or is overdue if its date has passed too.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from .model import DONE, NOT_STARTED, OVERDUE, QUARTERLY, STATUS_ORDER, YEARLY, Task

DUE_SOON_DAYS = 14

GAP_PERSON = "thiếu người phụ trách"
GAP_DEADLINE = "thiếu thời hạn"


def period_end(recurrence: str, day: date) -> date:
    """The last day of the quarter or year containing `day`."""
    if recurrence == YEARLY:
        return date(day.year, 12, 31)
    if recurrence == QUARTERLY:
        quarter_last_month = ((day.month - 1) // 3 + 1) * 3
        first_of_next = date(day.year + (quarter_last_month == 12), quarter_last_month % 12 + 1, 1)
        return first_of_next - timedelta(days=1)
    raise ValueError(recurrence)


def next_occurrence(recurrence: str, after: date) -> date:
    """The first occurrence (end of a quarter or year) strictly after `after`."""
    end = period_end(recurrence, after)
    return end if end > after else period_end(recurrence, after + timedelta(days=1))


def _anchor(task: Task, today: date) -> date:
    return task.due or period_end(task.recurrence, today)


def effective_due(task: Task, today: date) -> date | None:
    """The date the task (or its open occurrence) must be done by; None when it has no deadline."""
    if not task.recurrence:
        return task.due
    anchor = _anchor(task, today)
    if task.status == DONE and today > anchor:
        return next_occurrence(task.recurrence, anchor)
    return anchor


def effective_status(task: Task, today: date) -> str:
    """not_started / in_progress / done as stored, or overdue when its date has passed unfinished."""
    if task.recurrence and task.status == DONE:
        anchor = _anchor(task, today)
        if today <= anchor:
            return DONE
        return OVERDUE if next_occurrence(task.recurrence, anchor) < today else NOT_STARTED
    if task.status == DONE:
        return DONE
    due = effective_due(task, today)
    if due is not None and due < today:
        return OVERDUE
    return task.status


def is_due_soon(task: Task, today: date, days: int = DUE_SOON_DAYS) -> bool:
    """Unfinished and falling due within `days` days from today (today included)."""
    if effective_status(task, today) in (DONE, OVERDUE):
        return False
    due = effective_due(task, today)
    return due is not None and today <= due <= today + timedelta(days=days)


def gaps(task: Task) -> list[str]:
    """What "06 rõ" still misses: a person in charge, a deadline (a date or a recurrence)."""
    missing = []
    if not task.person.strip():
        missing.append(GAP_PERSON)
    if task.due is None and not task.recurrence:
        missing.append(GAP_DEADLINE)
    return missing


def reopen_due(task: Task, today: date) -> date | None:
    """The due date to store when a recurring task done for a past occurrence is worked on again."""
    if task.recurrence and task.status == DONE:
        return effective_due(task, today)
    return task.due


def counts_by_status(tasks, today: date) -> dict[str, int]:
    """How many tasks are in each judged status, every status present (zero if none)."""
    counts = Counter(effective_status(t, today) for t in tasks)
    return {status: counts.get(status, 0) for status in STATUS_ORDER}
