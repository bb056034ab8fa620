"""A damaged working database at start: kept aside, the newest good backup restored, the person told which one
and from when; no good backup: nothing touched until they choose; a foreign or newer file: refused untouched.
Real files: real backups, pages scribbled over with random bytes."""

from __future__ import annotations

import random
import sqlite3
import time

import pytest

from kh_desktop.exchange.backups import backup_now, list_backups
from kh_desktop.exchange.recovery import (
    DAMAGED_PREFIX,
    NO_BACKUP,
    OPENED,
    REFUSED,
    RESTORED,
    open_at_start,
    start_fresh,
)
from kh_desktop.storage.files import quick_check
from kh_desktop.storage.store import Store
from tests.conftest import run_cli

PAGE = 4096


def _scribble(path, pages=(2, 3, 4), seed=7):
    """Overwrite whole pages with random bytes, as a failing disk or a half-written sector does."""
    noise = random.Random(seed)
    with open(path, "r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * PAGE)
            handle.write(noise.randbytes(PAGE))
    assert quick_check(path), "the scribbled file should fail its check"


@pytest.fixture
def db(tmp_path, plan_text):
    path = tmp_path / "du-lieu" / "kien-hai-tien-do.sqlite"
    with Store.create(path, plan_text, "kinh-te", person="Cán bộ KT") as store:
        store.record("1", "2026", "5")
        backup_now(store, "khoi-dong")
        time.sleep(1.05)  # backups are named to the second
        store.record("2", "2026", "4")
        backup_now(store, "khoi-dong")
        store.record("3", "2026", "200")  # entered after the last backup: lost with the damaged file
    return path


def test_a_sound_file_just_opens(db):
    outcome = open_at_start(db)
    assert outcome.status == OPENED and outcome.message == ""
    assert outcome.store.figure("3", "2026").value == 200.0
    outcome.store.close()


def test_damaged_file_is_kept_aside_and_the_newest_backup_restored(db):
    _scribble(db)
    damaged_bytes = db.read_bytes()
    newest = list_backups(db)[0]

    outcome = open_at_start(db)
    assert outcome.status == RESTORED, outcome.message
    store = outcome.store
    try:
        assert outcome.backup.path == newest.path
        assert store.figure("1", "2026").value == 5.0 and store.figure("2", "2026").value == 4.0
        assert store.figure("3", "2026") is None
        assert store.check() == []
    finally:
        store.close()
    aside = outcome.damaged_aside
    assert aside.read_bytes() == damaged_bytes and aside.name.startswith(DAMAGED_PREFIX)
    assert aside not in [b.path for b in list_backups(db)]  # never offered as a backup, never rotated away
    message = outcome.message
    assert newest.path.name in message and newest.when_label in message
    assert str(aside) in message and "nhập lại" in message and "bị hỏng" in message


def test_a_damaged_newest_backup_is_skipped_for_an_older_good_one(db):
    newest, older = list_backups(db)[:2]
    _scribble(newest.path, seed=1)
    _scribble(db)
    outcome = open_at_start(db)
    assert outcome.status == RESTORED
    assert outcome.backup.path == older.path and [p for p, _ in outcome.skipped] == [newest.path]
    assert outcome.store.figure("1", "2026").value == 5.0 and outcome.store.figure("2", "2026") is None
    assert older.when_label in outcome.message and "cũng bị hỏng" in outcome.message
    outcome.store.close()
    assert newest.path.exists()  # a damaged backup is left where it is


def test_no_good_backup_touches_nothing_until_the_person_chooses(db):
    for backup in list_backups(db):
        backup.path.unlink()
    _scribble(db)
    before = db.read_bytes()
    outcome = open_at_start(db)
    assert outcome.status == NO_BACKUP and outcome.store is None
    assert "Không có bản sao lưu" in outcome.message and "tạo tệp dữ liệu mới" in outcome.message
    assert db.read_bytes() == before  # quitting leaves the damaged file where it was

    aside = start_fresh(db)
    assert not db.exists() and aside.read_bytes() == before


def test_a_scribbled_header_with_backups_is_treated_as_damage(db):
    with open(db, "r+b") as handle:
        handle.write(random.Random(3).randbytes(PAGE))
    outcome = open_at_start(db)
    assert outcome.status == RESTORED and outcome.store.figure("2", "2026").value == 4.0
    outcome.store.close()


def test_foreign_or_newer_files_are_refused_untouched(tmp_path, db):
    foreign = tmp_path / "khac.sqlite"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE sổ (x)")
    conn.commit()
    conn.close()
    newer = tmp_path / "moi-hon.sqlite"
    newer.write_bytes(db.read_bytes())
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    not_sqlite = tmp_path / "bao-cao.sqlite"
    not_sqlite.write_text("Báo cáo quý I\n" * 100, encoding="utf-8")
    for path, words in (
        (foreign, "không phải của Kiến Hải"),
        (newer, "phiên bản mới hơn"),
        (not_sqlite, "không phải là tệp dữ liệu"),
    ):
        before = path.read_bytes()
        outcome = open_at_start(path)
        assert outcome.status == REFUSED and words in outcome.message, outcome.message
        assert "Traceback" not in outcome.message
        assert path.read_bytes() == before and not (path.parent / "sao-luu").exists()


def test_the_program_restores_at_start(tmp_path, db):
    """The real start-up path (--snapshot: no dialogs) restores, says so, and shows the window."""
    _scribble(db)
    shots = tmp_path / "anh"
    result = run_cli("--snapshot", str(shots), db=db, timeout=120, settings=tmp_path / "cai-dat.ini")
    assert result.returncode == 0, result.stderr
    assert "khôi phục" in result.stderr and "nhập lại" in result.stderr
    assert list(shots.glob("*.png"))
    assert any(p.name.startswith(DAMAGED_PREFIX) for p in (db.parent / "sao-luu").iterdir())
    with Store.open(db) as store:
        assert store.figure("2", "2026").value == 4.0


def test_the_window_at_start_keeps_its_settings_in_the_given_file(tmp_path, db):
    """The start-up tests' windows read (and would write) the INI file they are given, not the PC's settings:
    the remembered period in that file decides what the Tổng hợp tab shows."""

    def tong_hop(period: str, run: str) -> bytes:
        settings = tmp_path / f"{run}.ini"
        settings.write_text(f"[period]\ncurrent={period}\n", encoding="utf-8")
        shots = tmp_path / run
        result = run_cli("--snapshot", str(shots), db=db, timeout=120, settings=settings)
        assert result.returncode == 0, result.stderr
        return (shots / "tong-hop.png").read_bytes()

    first_quarter = tong_hop("2026-Q1", "a")
    assert tong_hop("2026-Q1", "b") == first_quarter  # the same settings draw the same tab
    assert tong_hop("2026", "c") != first_quarter
