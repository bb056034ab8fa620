"""Many figures at once (Excel import): check each without writing, then record all in ONE transaction."""

from __future__ import annotations

from dataclasses import dataclass

from ..domain.evaluation import validate_value
from .store import Change, Store


@dataclass(frozen=True)
class Entry:
    code: str
    period: str  # a period key (2026, 2026-H1) or "baseline"
    raw: float | str
    estimate: bool = False
    note: str = ""


def check_entry(store: Store, entry: Entry) -> tuple[str, float | str]:
    """(period key, value to store) for an entry, or raise ValueRefused/PeriodError/PlanError. Writes nothing."""
    indicator, period_key, year = store._resolve(entry.code, entry.period)
    return period_key, validate_value(indicator, period_key, entry.raw, year)


def record_many(store: Store, entries: list[Entry], by: str = "") -> Change:
    """Record every entry, or none: all are checked first, then written in a single transaction."""
    checked = [(entry, *check_entry(store, entry)) for entry in entries]
    figures: set[tuple[str, str]] = set()
    revision = store.revision
    with store.db.atomic():
        for entry, period_key, value in checked:
            indicator = store.plan.indicator(entry.code)
            change = store._write(indicator, period_key, value=value, estimate=entry.estimate, note=entry.note, by=by)
            figures |= change.figures
            revision = change.revision
    return Change(frozenset(figures), revision)
