"""Simulated PCs for the exchange tests: real Store files, each with its own identity (key and pc_id)."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kh_desktop.domain.evaluation import ValueRefused
from kh_desktop.identity import Identity, load_identity
from kh_desktop.storage.store import ALL_UNITS, Store
from kh_desktop.storage.trust_store import register_pc

KEY_ROOT_ENV = "KH_TEST_KEY_ROOT"  # where the per-PC identity folders of one test live (set by conftest)

UNIT_IDS = ["kinh-te", "vh-xh", "van-phong", "tt-phvhc", "tt-dvsnc", "ban-qlda", "ban-chqs", "cong-an"]


def key_folder(name: str) -> Path:
    """The identity folder of the PC called `name` in the running test: the same for `run_cli(pc=name)`,
    `pc_identity(name)` and `make_pc(root, name)`."""
    return Path(os.environ[KEY_ROOT_ENV]) / name


@contextmanager
def identities_under(root: Path) -> Iterator[Path]:
    """Per-PC identities under `root` for a while (`key_folder(name)` = root/name; this PC's = root/"this-pc"):
    for module-scoped fixtures, which are set up before conftest's per-test identities."""
    saved = {name: os.environ.get(name) for name in (KEY_ROOT_ENV, "KH_KEY_DIR")}
    os.environ[KEY_ROOT_ENV], os.environ["KH_KEY_DIR"] = str(root), str(root / "this-pc")
    try:
        yield root
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def pc_identity(name: str) -> Identity:
    """The identity of the PC called `name` in the running test, made on first use."""
    return load_identity(key_folder(name))


def make_pc(root: Path, name: str, plan_text: str, unit: str = ALL_UNITS) -> Store:
    """A PC of its own: its data file under root/name and its own identity (reopen it with `open_pc`)."""
    path = root / name / "kien-hai-tien-do.sqlite"
    return Store.create(path, plan_text, unit, person=f"Cán bộ {name}", identity=pc_identity(name))


def open_pc(root: Path, name: str) -> Store:
    """Open again, on the same PC (same identity), the data file `make_pc(root, name, ...)` made."""
    return Store.open(root / name / "kien-hai-tien-do.sqlite", identity=pc_identity(name))


def approve_pcs(receiver: Store, *senders: Store) -> None:
    """Approve each sender's PC at `receiver` for the unit it keeps ("*" for an all-units PC), from its key, as
    an office does once for each PC before its first file (trust_store.register_pc)."""
    for sender in senders:
        register_pc(receiver, sender.pc_id, sender.identity.public_key, sender.pc_unit or ALL_UNITS)


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


def approve_named_pcs(receiver_db: Path, units: dict[str, str], receiver: str | None = None) -> None:
    """Approve, at the data file `receiver_db` (opened on the PC named `receiver`; default: the test's own PC,
    KH_KEY_DIR), the PCs named in `units` (name -> unit id, or "*" for an all-units PC) from their keys, as an
    office does once for each PC (e.g. for PCs played by `run_cli(..., pc=name)`)."""
    identity = pc_identity(receiver) if receiver is not None else None
    with Store.open(receiver_db, identity=identity) as store:
        for name, unit in units.items():
            sender = pc_identity(name)
            register_pc(store, sender.pc_id, sender.public_key, unit)


def reseal(conn: sqlite3.Connection, signer: Identity) -> None:
    """After a hand edit of an exchange file open on `conn`: recompute the manifest's row counts and hash with the
    program's own function and sign the manifest with `signer`'s key, as a sender who edits its own file (or a
    hostile PC that knows the format) would. The caller commits."""
    from kh_desktop.storage.exchange_store import MANIFEST_TABLE, data_tables, rows_digest, signed_text

    counts, sha = rows_digest(conn, data_tables(conn))
    conn.row_factory = sqlite3.Row
    manifest = dict(conn.execute(f"SELECT * FROM {MANIFEST_TABLE}").fetchone())
    conn.row_factory = None
    manifest.update(row_counts=json.dumps(counts, sort_keys=True), rows_sha256=sha)
    manifest["public_key"] = signer.public_key.hex()
    manifest["signature"] = signer.sign(signed_text(manifest)).hex()
    columns = ", ".join(f"{k} = ?" for k in manifest)
    conn.execute(f"UPDATE {MANIFEST_TABLE} SET {columns}", list(manifest.values()))
