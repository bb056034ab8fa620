"""Rotated backups: each new one is checked before an old one is removed; restore keeps the current file aside."""

from __future__ import annotations

import pytest

from kh_desktop.exchange.backups import backup_now, list_backups, restore, startup_backup
from kh_desktop.storage.files import StoreError
from kh_desktop.storage.store import Store


def test_backups_rotate_per_reason(store):
    for n in range(4):
        store.record("1", "2026", str(5 + n))
        backup_now(store, "thu-cong", keep=3)
    startup = startup_backup(store)
    found = list_backups(store.path)
    assert [b.reason for b in found].count("thu-cong") == 3
    assert startup in [b.path for b in found] and len(found) == 4
    assert all(b.when is not None for b in found)


def test_restore_checks_first_and_keeps_current_aside(tmp_path, plan_text):
    path = tmp_path / "kh.sqlite"
    with Store.create(path, plan_text) as store:
        store.record("1", "2026", "5")
        copy = backup_now(store)
        store.record("1", "2026", "9")
        plan_sha = store.plan_sha256
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
