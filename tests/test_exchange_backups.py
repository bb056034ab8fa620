"""Rotated backups: each new one is checked before an old one is removed; restore keeps the current file aside."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from kh_desktop.exchange.backups import (
    _STARTUP_BACKUPS,
    backup_now,
    list_backups,
    restore,
    startup_backup_in_background,
)
from kh_desktop.exchange.folders import backups_dir
from kh_desktop.storage.files import StoreError, copy_role
from kh_desktop.storage.store import Store


def test_backups_rotate_per_reason(store):
    for n in range(4):
        store.record("1", "2026", str(5 + n))
        backup_now(store, "thu-cong", keep=3)
    startup_backup_in_background(store.path).join()
    found = list_backups(store.path)
    assert [b.reason for b in found].count("thu-cong") == 3
    assert [b.reason for b in found].count("khoi-dong") == 1 and len(found) == 4
    assert all(b.when is not None for b in found)


def _file_and_its_backup(tmp_path, plan_text):
    """A working file whose figure 1/2026 is 9, with a backup taken when it was 5: (file, backup, plan sha)."""
    path = tmp_path / "kh.sqlite"
    with Store.create(path, plan_text) as store:
        store.record("1", "2026", "5")
        copy = backup_now(store)
        store.record("1", "2026", "9")
        return path, copy, store.plan_sha256


def test_restore_checks_first_and_keeps_current_aside(tmp_path, plan_text):
    path, copy, plan_sha = _file_and_its_backup(tmp_path, plan_text)
    damaged = tmp_path / "damaged.sqlite"
    damaged.write_bytes(copy.read_bytes()[:4096])
    before = path.read_bytes()
    with pytest.raises(StoreError):
        restore(path, damaged, plan_sha)
    assert path.read_bytes() == before
    aside = restore(path, copy, plan_sha)
    assert aside.read_bytes() == before
    with Store.open(path) as store:
        assert store.figure("1", "2026").value == 5.0
        assert store.check() == []


def test_startup_backup_is_one_consistent_state_while_figures_are_saved(store):
    """The start-up backup runs on its own thread and connection while the window saves figures: the copy holds
    the figures of one moment (the first k saved, for some k), is marked as a backup and passes its check."""
    periods = [f"{year}-Q{q}" for year in range(2026, 2031) for q in range(1, 5)]
    thread = startup_backup_in_background(store.path)
    for n, period in enumerate(periods):
        store.record("1", period, str(n + 1))
    thread.join()
    (backup,) = [b.path for b in list_backups(store.path) if b.reason == "khoi-dong"]
    conn = sqlite3.connect(backup)
    try:
        held = dict(
            conn.execute("SELECT f.period, r.value_num FROM figures f JOIN revisions r ON r.id = f.revision_id")
        )
        assert copy_role(conn) == "backup"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
    saved_first = periods[: len(held)]
    assert held == {period: float(n + 1) for n, period in enumerate(saved_first)}
    assert store.figure("1", periods[-1]).value == float(len(periods))  # no save was refused meanwhile


def test_startup_backup_that_cannot_be_written_stops_nothing(store, monkeypatch):
    raised = []
    monkeypatch.setattr(threading, "excepthook", raised.append)
    backups_dir(store.path).write_text("a file where the folder should be")
    startup_backup_in_background(store.path).join()
    assert raised == [] and list_backups(store.path) == []
    store.record("1", "2026", "5")
    assert store.figure("1", "2026").value == 5.0


def test_restore_waits_for_the_start_up_backup(tmp_path, plan_text):
    """A restore chosen as soon as the window opens waits for the start-up backup's connection to be gone (Windows
    would refuse to move the file it holds open), then replaces the file."""
    path, copy, plan_sha = _file_and_its_backup(tmp_path, plan_text)
    thread = startup_backup_in_background(path)
    restore(path, copy, plan_sha)
    assert not thread.is_alive() and path.resolve() not in _STARTUP_BACKUPS
    with Store.open(path) as store:
        assert store.figure("1", "2026").value == 5.0
