"""Simulated PCs for the exchange tests: real Store files, each with its own pc_id."""

from __future__ import annotations

from pathlib import Path

from kh_desktop.domain.evaluation import ValueRefused
from kh_desktop.storage.store import ALL_UNITS, Store

UNIT_IDS = ["kinh-te", "vh-xh", "van-phong", "tt-phvhc", "tt-dvsnc", "ban-qlda", "ban-chqs", "cong-an"]


def make_pc(root: Path, name: str, plan_text: str, unit: str = ALL_UNITS) -> Store:
    return Store.create(root / name / "kien-hai-tien-do.sqlite", plan_text, unit, person=f"Cán bộ {name}")


def record_some(store: Store, unit: str, period: str = "2026", how_many: int = 2, bump: int = 0) -> list:
    """Record `how_many` valid figures of `unit` (numbers where the indicator takes numbers, else a word)."""
    written = []
    for indicator in store.plan.indicators_of(unit):
        candidates = [str(5 + bump), str(50 + bump), *indicator.allowed_words]
        for value in candidates:
            try:
                store.record(indicator.code, period, value)
            except ValueRefused:
                continue
            written.append((indicator.code, period))
            break
        if len(written) == how_many:
            break
    return written


def figure_map(store: Store) -> dict:
    """(code, period) -> (value, revision_id, conflict_id) of every current figure."""
    return {(f.code, f.period): (f.value, f.revision_id, f.conflict_id) for f in store.figures()}


def values(store: Store) -> dict:
    return {(f.code, f.period): f.value for f in store.figures()}
