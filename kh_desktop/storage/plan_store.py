"""Plan versions in the database: adjustments by resolution, written at Văn phòng, adopted by the units.

The plan document (table plan_document) is never rewritten; each adjustment is a row of plan_versions and the
plan in force is the document with every row applied (domain/adjustments.py). For the exchange code:
`plan_versions(store)` gives the rows to carry in a file, `adopt_plan_versions(store, versions)` takes them in
(idempotent; refuses versions of another plan, gaps, and a version number already taken by another resolution).
"""

from __future__ import annotations

import json
import sqlite3
import uuid

from ..domain.adjustments import Adjustment, apply_adjustments, check_decision
from ..domain.plan import Plan, PlanError
from .files import StoreError
from .store import Store, now_iso, stored_adjustments


def plan_versions(store: Store) -> list[dict]:
    """Every adjustment (version 2, 3, …) as JSON-ready dicts, in order: what an exchange file carries."""
    return [a.to_json() for a in stored_adjustments(store.db)]


def version_list(store: Store) -> list[dict]:
    """Every version for people: 1 (as issued) then each adjustment, with its changes in words."""
    from ..domain.adjustments import describe_change
    from ..domain.plan import load_plan_text

    body = next(store.db.query("SELECT body FROM plan_document LIMIT 1"))["body"]
    plan = load_plan_text(body)
    out = [{"version": 1, "decision": None, "date": None, "changes": [], "described": ["Kế hoạch ban hành"]}]
    done: list[Adjustment] = []
    for adjustment in stored_adjustments(store.db):
        before = apply_adjustments(plan, done)
        out.append(
            {
                **adjustment.to_json(),
                "label": adjustment.label,
                "described": [describe_change(before, c) for c in adjustment.changes],
            }
        )
        done.append(adjustment)
    return out


def _insert(store: Store, adjustment: Adjustment) -> None:
    store.db.execute(
        "INSERT INTO plan_versions (version, id, plan_sha256, decision, decided_on, changes, pc_id, recorded_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            adjustment.version,
            adjustment.id,
            adjustment.plan_sha256,
            adjustment.decision,
            adjustment.date,
            json.dumps(list(adjustment.changes), ensure_ascii=False, sort_keys=True),
            store.meta("pc_id") or "",
            now_iso(),
        ],
    )


def _issued(store: Store) -> Plan:
    from ..domain.plan import load_plan_text

    return load_plan_text(next(store.db.query("SELECT body FROM plan_document LIMIT 1"))["body"])


def adjust_plan(store: Store, changes: list[dict], decision: str, day: str) -> Adjustment:
    """Record one adjustment (a new plan version) on Văn phòng's all-units PC; the database is unchanged on refusal."""
    if store.pc_unit is not None:
        raise StoreError(
            "Chỉ máy tổng hợp của Văn phòng (tạo bằng --all-units) điều chỉnh kế hoạch; máy của đơn vị nhận bản "
            "điều chỉnh qua tệp trao đổi của Văn phòng."
        )
    if not changes:
        raise PlanError("Không có thay đổi nào so với kế hoạch đang áp dụng.")
    number, day = check_decision(decision, day)
    existing = stored_adjustments(store.db)
    adjustment = Adjustment(
        version=len(existing) + 2,
        decision=number,
        date=day,
        changes=tuple(changes),
        id=uuid.uuid4().hex,
        plan_sha256=store.plan_sha256,
    )
    if existing and day < existing[-1].date:
        raise PlanError(
            f"Nghị quyết ngày {day} trước bản điều chỉnh gần nhất ({existing[-1].label}): ghi theo thứ tự thời gian."
        )
    apply_adjustments(_issued(store), [*existing, adjustment])  # refuses before anything is written
    try:
        with store.db.atomic():
            _insert(store, adjustment)
    except sqlite3.Error as exc:
        raise StoreError(f"Không ghi được bản điều chỉnh kế hoạch: {exc}") from exc
    store._plan = None
    return adjustment


def adopt_plan_versions(store: Store, versions: list[dict]) -> int:
    """Take in plan versions carried by a file (from Văn phòng): the number of new ones; nothing on refusal.

    Idempotent (a version already here with the same id is skipped). Refused with StoreError: a version of
    another plan document, a version number already held here under another id, or a gap in the numbering.
    """
    sha = store.plan_sha256
    incoming = [Adjustment.from_json(v) for v in versions]
    have = {a.version: a for a in stored_adjustments(store.db)}
    new: list[Adjustment] = []
    for adjustment in sorted(incoming, key=lambda a: a.version):
        if adjustment.plan_sha256 != sha:
            raise StoreError(f"Bản điều chỉnh kế hoạch số {adjustment.version} là của một kế hoạch khác: không nhận.")
        mine = have.get(adjustment.version)
        if mine is not None:
            if mine.id != adjustment.id:
                raise StoreError(
                    f"Bản điều chỉnh kế hoạch số {adjustment.version} ở đây ({mine.label}) khác bản trong tệp "
                    f"({adjustment.label}): không nhận; hãy hỏi Văn phòng."
                )
            continue
        have[adjustment.version] = adjustment
        new.append(adjustment)
    if not new:
        return 0
    try:
        apply_adjustments(_issued(store), list(have.values()))  # gaps and bad changes refused here
    except PlanError as exc:
        raise StoreError(f"Không nhận được bản điều chỉnh kế hoạch: {exc}") from exc
    try:
        with store.db.atomic():
            for adjustment in new:
                _insert(store, adjustment)
    except sqlite3.Error as exc:
        raise StoreError(f"Không ghi được bản điều chỉnh kế hoạch: {exc}") from exc
    store._plan = None
    return len(new)
