"""Receiving exchange files ("Nhận số liệu từ đơn vị"): copy, check, preview, apply, archive, log."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Generator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path

from ..domain.merge import COUNT_KEYS
from ..domain.plan import Plan
from ..storage import trust_store
from ..storage.exchange_store import (
    ExchangeRefused,
    FileHeld,
    apply_in_transaction,
    check_exchange_file,
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
    summaries: list[FileSummary]  # one per file handled, in order (fewer than given when stopped)
    change: Change
    backup: Path | None = None
    stopped: bool = False  # progress() asked to stop: the files after the last summary were not touched


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
    progress: Callable[[int, int, str], bool | None] | None = None,
) -> ReceiveResult:
    """Check every file, and apply each good one in its own transaction, in the order given.

    Each file is copied in, hashed and checked on a worker thread while the file before it is applied, then read
    (hashed and read in one pass) and applied: one file's rows are in memory at a time, whatever the batch. A file
    whose PC this PC has not approved (or an unsigned file of an earlier release, unless its sha256 is in
    `approved_files`) is held in so-lieu-nhan/cho-xac-nhan/ with status "pending", nothing applied. With dry_run nothing is kept: the whole
    batch is applied inside one transaction that is rolled back, so the preview counts are exactly what applying
    would do (files in order, each seeing the previous). `progress(done, total, file name)` after each file; if it
    returns False the files after that one are left untouched (`stopped`), each file before it whole."""
    receiver = _Receiver(store, dry_run, person, backup, approved_files)
    sources = [Path(name) for name in files]
    check = partial(_copy_and_check, checking=receiver.received / CHECKING_FOLDER, dry_run=dry_run)
    plan, plan_sha256 = store.plan, store.plan_sha256  # every file is checked against the plan in force at the start
    checked_files = _checked_ahead(sources, check)
    stopped = False
    try:
        with write_transaction(store, rollback=True) if dry_run else nullcontext():
            for done, (summary, version, copy) in enumerate(checked_files, start=1):
                receiver.take(summary, _read(summary, version, copy, plan, plan_sha256), copy)
                if progress is not None and progress(done, len(sources), Path(summary.file).name) is False:
                    stopped = done < len(sources)
                    break
    finally:
        checked_files.close()  # a file checked ahead and not handled leaves no copy
        if dry_run:
            for copy in receiver.copies:
                discard(copy)
    change = Change(frozenset(receiver.changed), store.revision, ChangeKind.EXCHANGE)
    return ReceiveResult(receiver.summaries, change, receiver.backup_path, stopped)


def _copy_and_check(source: Path, checking: Path, dry_run: bool) -> tuple[FileSummary, int | None, Path | None]:
    """The file copied into a folder the program owns (hashed on the way, flushed) and checked as far as needs no
    plan and reads no row (check_exchange_file): the disk's and SQLite's work, which runs on the worker thread while
    the file before it is applied (touching neither the store nor the window). Returns its schema version, None if
    it is refused (the reason in the summary)."""
    summary = FileSummary(file=str(source), status="refused", dry_run=dry_run)
    try:
        if not source.is_file():
            raise FileNotFoundError(2, "không có tệp này")
        copy, summary.sha256 = _copy_in(source, checking)
    except OSError as exc:
        summary.reason = f"Không đọc được tệp {source.name}: {exc.strerror or exc}."
        return summary, None, None
    try:
        return summary, check_exchange_file(copy), copy
    except ExchangeRefused as exc:
        summary.reason = str(exc)
        return summary, None, copy


def _read(summary: FileSummary, version: int | None, copy: Path | None, plan: Plan, plan_sha256: str):
    """The rows of a checked file (hashed and read in one pass), or None if it is refused."""
    if version is None or copy is None:
        return None
    try:
        data = read_exchange_file(copy, plan, plan_sha256, version)
    except ExchangeRefused as exc:
        summary.reason = str(exc)
        return None
    summary.unit, summary.pc_id = data.unit, data.pc_id
    return data


def _checked_ahead(sources: list[Path], check: Callable[[Path], tuple]) -> Generator[tuple, None, None]:
    """check(source) of each source in order, the next one running on a worker thread while the caller handles the
    one before it. A copy checked but never handed over (the caller stopped) is removed."""
    if not sources:
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kiem-tra-tep") as pool:
        ahead = pool.submit(check, sources[0])
        for following in sources[1:]:
            checked = ahead.result()
            ahead = pool.submit(check, following)
            try:
                yield checked
            except GeneratorExit:  # the caller stopped (asked to, or a write failed): the file checked meanwhile goes
                _discard_checked(ahead)
                raise
        yield ahead.result()


def _discard_checked(future: Future) -> None:
    try:
        copy = future.result()[2]
    except Exception:  # noqa: BLE001 - a copy that failed to be made needs no removing
        return
    if copy is not None:
        discard(copy)


class _Receiver:
    """One receive: judges each checked file against this PC's approvals and applies it, in order."""

    def __init__(self, store: Store, dry_run: bool, person: str, backup: bool, approved_files: frozenset[str]):
        self.store, self.dry_run, self.person = store, dry_run, person
        self.backup, self.approved_files = backup, approved_files
        self.received = received_dir(store.path)
        self.month = self.received / datetime.now().strftime("%Y-%m")
        self.summaries: list[FileSummary] = []
        self.copies: list[Path] = []  # in a preview: every copy, removed at the end
        self.changed: set = set()
        self.backup_path: Path | None = None
        self.seen: dict = {}  # working-database revision rows read so far: the next file reads only what is new

    def take(self, summary: FileSummary, data, copy: Path | None) -> None:
        self.summaries.append(summary)
        if copy is not None and self.dry_run:
            self.copies.append(copy)
        if data is not None:
            data = self._judge(summary, data)
            if summary.status == "already_imported":
                return
            if data is None and summary.status == "pending" and trust_store.is_held(self.store, summary.sha256):
                if not self.dry_run:
                    discard(copy)  # held already: the first copy waits in cho-xac-nhan/
                return
        if copy is not None and not self.dry_run:
            self._keep(summary, data, copy)
        if data is not None:
            self._apply(summary, data)

    def _judge(self, summary: FileSummary, data):
        """The sender as this PC knows it; None (with the status and reason set) when nothing is to be applied."""
        store = self.store
        earlier = find_import(store, summary.sha256)
        verdict = judge_sender(
            store,
            data,
            Path(summary.file).name,
            summary.sha256 in self.approved_files,
            note=not self.dry_run and earlier is None,
        )
        if earlier is not None:  # the very same file: nothing to do, its first copy is in the archive already
            summary.status, summary.archive = "already_imported", earlier["archive_path"]
            if not self.dry_run:
                discard(data.path)  # this batch's copy
            if isinstance(verdict, trust_store.Sender):  # what it would bring (its PC not revoked since)
                data.sender = verdict
                _fill(summary, merge_plan(store, data, verdict, self.seen))
            return None
        if isinstance(verdict, trust_store.Sender):
            data.sender = verdict
            return data
        summary.status, summary.reason = verdict
        return None

    def _keep(self, summary: FileSummary, data, copy: Path) -> None:
        """Every received file is kept: held ones wait for approval, refused ones apart, the others by month."""
        if summary.status == "pending":
            _hold(self.store, summary, copy, self.received / HELD_FOLDER)
            return
        copy = _archive(copy, self.month if data is not None else self.received / REFUSED_FOLDER)
        summary.archive = str(copy)
        if data is None:
            _note_refusal(self.received / REFUSED_FOLDER, summary)

    def _apply(self, summary: FileSummary, data) -> None:
        store = self.store
        if self.backup and not self.dry_run and self.backup_path is None:
            self.backup_path = backup_now(store, "truoc-khi-nhan")  # before the batch's first write
        try:
            summary.plan_versions = _take_plan_versions(store, data, preview=self.dry_run)
        except StoreError as exc:
            summary.status, summary.reason = "refused", str(exc)
            return
        arguments = dict(
            sha256=summary.sha256,
            file_name=Path(summary.file).name,
            archive_path=summary.archive,
            person=self.person,
            seen=self.seen,
        )
        try:
            if self.dry_run:  # inside the caller's rolled-back transaction
                result = apply_in_transaction(store, data, data.sender, **arguments)
            else:
                with write_transaction(store):
                    result = apply_in_transaction(store, data, data.sender, **arguments)
        except FileHeld as held:
            summary.status, summary.reason = "pending", str(held)
            if not self.dry_run and summary.archive:
                _hold(store, summary, Path(summary.archive), self.received / HELD_FOLDER)
            return
        summary.status = "applied"
        _fill(summary, result)
        self.changed |= result.changed.get("figures", set())


def _take_plan_versions(store: Store, data, preview: bool) -> int:
    """Plan adjustments come to a PC only from the Văn phòng PC it approved (the relay): from any other sender they
    are ignored. Returns how many are new here (taken in, unless this is a preview)."""
    if not data.plan_versions or not data.sender.relay:
        return 0
    if preview:
        held = {v["id"] for v in plan_versions(store)}
        return sum(1 for v in data.plan_versions if v["id"] not in held)
    return adopt_plan_versions(store, data.plan_versions)


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
