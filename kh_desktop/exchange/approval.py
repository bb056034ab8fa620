"""Approving a PC (then receiving the files it had waiting) and revoking one: what a person decides at the
receiving PC after comparing the fingerprint by phone."""

from __future__ import annotations

from pathlib import Path

from ..domain.merge import ReceiveStatus
from ..storage import trust_store
from ..storage.files import StoreError, discard
from ..storage.store import Change, ChangeKind, Store
from .receive import ReceiveResult, receive_files


def approve(
    store: Store,
    pc_id: str,
    unit: str | None = None,
    *,
    replaces: str | None = None,
    person: str = "",
) -> ReceiveResult:
    """Bind a PC to `unit` (None: the unit its held files claim), then receive its held files.

    Held files claiming another unit are refused. Returns the ReceiveResult of the held files."""
    row = trust_store.find_pc(store, pc_id)
    pc_id = row["pc_id"]
    held = [h for h in trust_store.held_files(store, pc_id) if Path(h["path"]).is_file()]
    if unit is None:
        claims = {h["claimed_unit"] for h in held} or {row["claimed_unit"]}
        if len(claims) != 1:
            raise StoreError("Các tệp đang chờ của máy này ghi nhiều đơn vị khác nhau: hãy chỉ rõ --unit.")
        unit = claims.pop()
    if replaces is not None:
        replaces = trust_store.find_pc(store, replaces)["pc_id"]
    trust_store.approve_pc(store, pc_id, unit, replaces=replaces, by=person)
    files = [Path(h["path"]) for h in held]
    if not files:
        return ReceiveResult([], Change(kind=ChangeKind.EXCHANGE))
    result = receive_files(store, files, person=person, approved_files=frozenset(h["sha256"] for h in held))
    for h, summary in zip(held, result.summaries, strict=True):
        if summary.status != ReceiveStatus.PENDING:  # received (or refused) now: no longer waiting
            trust_store.mark_held(
                store, h["sha256"], "refused" if summary.status == ReceiveStatus.REFUSED else "applied"
            )
            discard(Path(h["path"]))
    return result


def revoke(store: Store, pc_id: str, *, person: str = "") -> dict:
    row = trust_store.find_pc(store, pc_id)
    trust_store.revoke_pc(store, row["pc_id"], by=person)
    return trust_store.pc_row(store, row["pc_id"])
