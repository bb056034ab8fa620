"""Receiving exchange files ("Nhận số liệu từ đơn vị"): copy, check, preview, apply, archive, log."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..domain.merge import COUNT_KEYS
from ..storage import trust_store
from ..storage.exchange_store import (
    ExchangeRefused,
    FileHeld,
    apply_in_transaction,
    find_import,
    merge_plan,
    read_exchange_file,
    write_transaction,
)
from ..storage.files import StoreError, discard
from ..storage.plan_store import adopt_plan_versions, plan_versions
from ..storage.store import Change, ChangeKind, Store
from .backups import backup_now
from .folders import CHECKING_FOLDER, HELD_FOLDER, REFUSED_FOLDER, received_dir, stamp
from .trust import judge_sender


@dataclass
class FileSummary:
    """What happened (or would happen) to one received file."""

    file: str
    status: str  # applied, already_imported, refused, pending (held until a person approves its PC)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    reason: str = ""
    unit: str = ""
    pc_id: str = ""
    sha256: str = ""
    archive: str = ""
    refused: list[dict] = field(default_factory=list)
    conflicts: list[dict] = field(default_factory=list)
    dry_run: bool = False
    plan_versions: int = 0  # plan adjustments taken in from Văn phòng's file (or that would be, in a preview)

    def to_json(self) -> dict:
        data = {"file": self.file, "status": self.status, **self.counts}
        if self.status in ("refused", "pending"):
            data["reason"] = self.reason
        data.update(
            {
                "unit": self.unit,
                "pc_id": self.pc_id,
                "sha256": self.sha256,
                "archive": self.archive,
                "refused": self.refused,
                "conflict_list": self.conflicts,
                "dry_run": self.dry_run,
                "plan_versions": self.plan_versions,
            }
        )
        return data


@dataclass
class ReceiveResult:
    summaries: list[FileSummary]
    change: Change
    backup: Path | None = None


def _copy_in(source: Path, folder: Path) -> tuple[Path, str]:
    """Copy `source` into a folder the program owns, hashing it; the copy is flushed to disk."""
    folder.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    temporary = folder / f".{stamp(seconds=True)}_{os.getpid()}.partial"
    with open(source, "rb") as src, open(temporary, "wb") as dst:
        while chunk := src.read(1 << 20):
            digest.update(chunk)
            dst.write(chunk)
        dst.flush()
        os.fsync(dst.fileno())
    sha = digest.hexdigest()
    name = f"{stamp(seconds=True)}_{sha[:12]}"
    dest = folder / f"{name}_{source.name}"
    number = 2
    while dest.exists():  # the same file named twice in one batch: each copy keeps its own name
        dest = folder / f"{name}-{number}_{source.name}"
        number += 1
    os.replace(temporary, dest)
    return dest, sha


def receive_files(
    store: Store,
    files: list[Path | str],
    *,
    dry_run: bool = False,
    person: str = "",
    backup: bool = True,
    approved_files: frozenset[str] = frozenset(),
) -> ReceiveResult:
    """Check every file, then apply each good one in its own transaction.

    A file whose PC this PC has not approved (or an unsigned file of an earlier release, unless its sha256 is in
    `approved_files`) is held in so-lieu-nhan/cho-xac-nhan/ with status "pending", nothing applied.
    With dry_run nothing is kept: the whole batch is applied inside one transaction that is rolled back,
    so the preview counts are exactly what applying would do (files in order, each seeing the previous)."""
    received = received_dir(store.path)
    prepared = [_prepare(store, Path(name), received / CHECKING_FOLDER, dry_run, approved_files) for name in files]
    prepared = _drop_repeats(prepared)
    backup_path = None
    if not dry_run and backup and any(data is not None and s.status != "already_imported" for s, data, _ in prepared):
        backup_path = backup_now(store, "truoc-khi-nhan")
    month = received / datetime.now().strftime("%Y-%m")
    changed: set = set()
    try:
        if dry_run:
            with write_transaction(store, rollback=True):
                changed = _run(store, prepared, None, person)
        else:
            for summary, data, copy in prepared:
                if copy is not None and summary.status == "pending":
                    _hold(store, summary, copy, received / HELD_FOLDER)
                elif copy is not None:  # every received file is kept, refused ones apart
                    target = month if data is not None else received / REFUSED_FOLDER
                    copy = _archive(copy, target)
                    summary.archive = str(copy)
                    if data is None:
                        _note_refusal(received / REFUSED_FOLDER, summary)
            changed = _run(store, prepared, month, person)
    finally:
        if dry_run:
            for _, _, copy in prepared:
                if copy is not None:
                    discard(copy)
    return ReceiveResult(
        [s for s, _, _ in prepared], Change(frozenset(changed), store.revision, ChangeKind.EXCHANGE), backup_path
    )


def _drop_repeats(prepared: list) -> list:
    """A file named twice in one batch (or the same file from two folders) is received and archived once; the
    repeat is then `already_imported` (its copy is removed)."""
    firsts: set[str] = set()
    kept = []
    for summary, data, copy in prepared:
        if data is not None and copy is not None:
            if summary.sha256 in firsts:
                discard(copy)
                copy = None
            firsts.add(summary.sha256)
        kept.append((summary, data, copy))
    return kept


def _hold(store: Store, summary: FileSummary, copy: Path, folder: Path) -> None:
    kept = _archive(copy, folder)
    summary.archive = str(kept)
    trust_store.hold_file(
        store,
        sha256=summary.sha256,
        pc_id=summary.pc_id,
        claimed_unit=summary.unit,
        file_name=Path(summary.file).name,
        path=str(kept),
        reason=summary.reason,
    )


def _prepare(store: Store, source: Path, checking: Path, dry_run: bool, approved_files: frozenset[str]):
    summary = FileSummary(file=str(source), status="refused", dry_run=dry_run)
    try:
        if not source.is_file():
            raise FileNotFoundError(2, "không có tệp này")
        copy, summary.sha256 = _copy_in(source, checking)
    except OSError as exc:
        summary.reason = f"Không đọc được tệp {source.name}: {exc.strerror or exc}."
        return summary, None, None
    try:
        data = read_exchange_file(copy, store.plan, store.plan_sha256)
    except ExchangeRefused as exc:
        summary.reason = str(exc)
        return summary, None, copy
    summary.unit, summary.pc_id = data.unit, data.pc_id
    earlier = find_import(store, summary.sha256)
    verdict = judge_sender(
        store, data, source.name, summary.sha256 in approved_files, note=not dry_run and earlier is None
    )
    if earlier is not None:  # the very same file: nothing to do, its first copy is in the archive already
        summary.status, summary.archive = "already_imported", earlier["archive_path"]
        discard(copy)
        if not isinstance(verdict, trust_store.Sender):  # its PC revoked since: nothing to count
            return summary, None, None
        data.sender = verdict
        return summary, data, None
    if isinstance(verdict, trust_store.Sender):
        data.sender = verdict
    else:
        summary.status, summary.reason = verdict
        if summary.status == "refused":
            return summary, None, copy
        if summary.status == "pending" and trust_store.is_held(store, summary.sha256):
            discard(copy)  # held already: the first copy waits in cho-xac-nhan/
            return summary, None, None
        return summary, None, copy
    return summary, data, copy


def _run(store: Store, prepared, month: Path | None, person: str) -> set:
    changed: set = set()
    seen: dict = {}  # working-database revision rows read so far: the next file reads only what is new to it
    for summary, data, _copy in prepared:
        if data is None:
            continue
        earlier = find_import(store, summary.sha256)
        if earlier:
            summary.status = "already_imported"
            summary.archive = summary.archive or earlier["archive_path"]
            _fill(summary, merge_plan(store, data, data.sender, seen))
            continue
        try:
            summary.plan_versions = _take_plan_versions(store, data, preview=month is None)
        except StoreError as exc:
            summary.status, summary.reason = "refused", str(exc)
            continue
        arguments = dict(
            sha256=summary.sha256,
            file_name=Path(summary.file).name,
            archive_path=summary.archive,
            person=person,
            seen=seen,
        )
        try:
            if month is None:  # inside the caller's rolled-back transaction
                result = apply_in_transaction(store, data, data.sender, **arguments)
            else:
                with write_transaction(store):
                    result = apply_in_transaction(store, data, data.sender, **arguments)
        except FileHeld as held:
            summary.status, summary.reason = "pending", str(held)
            if month is not None and summary.archive:
                _hold(store, summary, Path(summary.archive), received_dir(store.path) / HELD_FOLDER)
            continue
        summary.status = "applied"
        _fill(summary, result)
        changed |= result.changed.get("figures", set())
    return changed


def _take_plan_versions(store: Store, data, preview: bool) -> int:
    """Plan adjustments come to a PC only from the Văn phòng PC it approved (the relay): from any other sender they
    are ignored. Returns how many are new here (taken in, unless this is a preview)."""
    if not data.plan_versions or not data.sender.relay:
        return 0
    if preview:
        held = {v["id"] for v in plan_versions(store)}
        return sum(1 for v in data.plan_versions if v["id"] not in held)
    return adopt_plan_versions(store, data.plan_versions)


def _fill(summary: FileSummary, result) -> None:
    summary.counts = {key: result.counts[key] for key in COUNT_KEYS}
    summary.refused = list(result.refused)
    summary.conflicts = list(result.conflicts)


def _archive(copy: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / copy.name
    os.replace(copy, dest)
    return dest


def _note_refusal(folder: Path, summary: FileSummary) -> None:
    line = f"{datetime.now().isoformat(timespec='seconds')}\t{summary.file}\t{summary.sha256}\t{summary.reason}\n"
    try:
        with open(folder / "nhat-ky-tu-choi.txt", "a", encoding="utf-8") as handle:
            handle.write(line)
    except OSError:
        pass
