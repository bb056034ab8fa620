"""The merge rule of consolidation, as a pure function of revisions (no SQL, no clock).

A revision is a dict with at least `id`, `pc_id`, `pc_revision`, `deleted`, and its parents (`supersedes`, and
for a settlement `merges`). Revision A is older than B when A is on B's chain of parents, or both come from the
same PC and A has the lower number. The storage layer answers `get` (a revision by id) and `parents`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Protocol

Revision = dict
State = tuple[str | None, str | None]  # (current revision id, competing revision id waiting for a person)


class Outcome(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    STALE = "stale"
    CONFLICTS = "conflicts"


REFUSED_ROWS = "refused_rows"
# What one received file did, in the order every list, table and receipt shows it (the one place of these words).
COUNT_LABELS: tuple[tuple[str, str], ...] = (
    (Outcome.ADDED, "Mới"),
    (Outcome.UPDATED, "Cập nhật"),
    (Outcome.UNCHANGED, "Không đổi"),
    (Outcome.STALE, "Cũ hơn"),
    (REFUSED_ROWS, "Từ chối"),
    (Outcome.CONFLICTS, "Xung đột"),
)
COUNT_KEYS = tuple(str(key) for key, _ in COUNT_LABELS)


class ReceiveStatus(StrEnum):
    """What happened to one received file."""

    APPLIED = "applied"
    ALREADY_IMPORTED = "already_imported"
    REFUSED = "refused"
    PENDING = "pending"  # held until a person approves its PC


RECEIVE_STATUS_LABELS = {
    ReceiveStatus.APPLIED: "Đã nhận",
    ReceiveStatus.ALREADY_IMPORTED: "Đã nhận trước đây",
    ReceiveStatus.REFUSED: "Bị từ chối",
    ReceiveStatus.PENDING: "Chờ xác nhận máy mới",
}
PREVIEW_STATUS_LABELS = {**RECEIVE_STATUS_LABELS, ReceiveStatus.APPLIED: "Sẽ nhận"}


class Lineage(Protocol):
    def get(self, revision_id: str | None) -> Revision | None: ...
    def older(self, a: Revision, b: Revision) -> bool: ...
    def agree(self, a: Revision, b: Revision) -> bool: ...


def is_older(
    a: Revision,
    b: Revision,
    get: Callable[[str], Revision | None],
    parents: Callable[[Revision], Iterable[str]],
) -> bool:
    """Whether revision `a` came before `b`: on b's chain of parents, or earlier on the same PC."""
    if a["pc_id"] == b["pc_id"]:
        return a["pc_revision"] < b["pc_revision"]
    seen: set[str] = set()
    todo = list(parents(b))
    while todo:
        current = todo.pop()
        if current == a["id"]:
            return True
        if current in seen:
            continue
        seen.add(current)
        row = get(current)
        if row is not None:
            todo.extend(parents(row))
    return False


def agree(a: Revision, b: Revision, visible: Iterable[str]) -> bool:
    """Two revisions say the same thing (equal content from two PCs is agreement, not a conflict)."""
    if bool(a["deleted"]) != bool(b["deleted"]):
        return False
    return bool(a["deleted"]) or all(a.get(c) == b.get(c) for c in visible)


def decide(lineage: Lineage, new: Revision, state: State, was_known: bool) -> tuple[Outcome, State]:
    """What a received current revision `new` does to a record whose local state is `state`."""
    head_id, conflict_id = state
    if new["id"] in (head_id, conflict_id):
        return Outcome.UNCHANGED, state
    if was_known:
        return Outcome.STALE, state  # seen before and no longer current
    head = lineage.get(head_id)
    if head is None:
        return (Outcome.UNCHANGED if new["deleted"] else Outcome.ADDED), (new["id"], None)
    if lineage.older(head, new):
        conflict = lineage.get(conflict_id)
        keep_conflict = conflict_id if conflict is not None and not lineage.older(conflict, new) else None
        if head["deleted"] and new["deleted"]:
            outcome = Outcome.UNCHANGED
        elif head["deleted"]:
            outcome = Outcome.ADDED
        else:
            outcome = Outcome.UPDATED
        return outcome, (new["id"], keep_conflict)
    if lineage.older(new, head):
        return Outcome.STALE, state
    conflict = lineage.get(conflict_id)
    if conflict is not None:
        if lineage.older(conflict, new):
            return Outcome.CONFLICTS, (head_id, new["id"])
        if lineage.older(new, conflict):
            return Outcome.STALE, state
        return Outcome.CONFLICTS, state  # a third claim: kept in history, the first conflict stays shown
    if lineage.agree(head, new):
        return Outcome.UNCHANGED, state
    return Outcome.CONFLICTS, (head_id, new["id"])
