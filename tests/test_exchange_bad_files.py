"""Every kind of bad received file is refused with a Vietnamese reason and the working database unchanged."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3

import pytest

from kh_desktop.exchange.receive import receive_files
from kh_desktop.exchange.send import send
from kh_desktop.storage.schema import SCHEMA_VERSION
from tests.exchange_helpers import approve_pcs, make_pc


@pytest.fixture
def setting(tmp_path, plan_text):
    office = make_pc(tmp_path, "van-phong", plan_text)
    office.record("5", "2026", "150")
    unit = make_pc(tmp_path, "kt", plan_text, "kinh-te")
    approve_pcs(office, unit)  # as Văn phòng does once for the unit's PC: the good file applies
    unit.record("1", "2026", "5")
    good = send(unit, tmp_path / "good.khtd")
    yield office, good, tmp_path
    office.close()
    unit.close()


def _edit(path, *statements):
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def _not_sqlite(good, dest):
    dest.write_text("Báo cáo tháng 11\n" * 50, encoding="utf-8")


def _truncated(good, dest):
    data = good.read_bytes()
    dest.write_bytes(data[: len(data) // 2])


def _random_after_header(good, dest):
    data = good.read_bytes()
    noise = random.Random(5).randbytes(len(data) - 100)
    dest.write_bytes(data[:100] + noise)


def _foreign_application(good, dest):
    shutil.copy(good, dest)
    _edit(dest, "PRAGMA application_id = 1")


def _plain_sqlite(good, dest):
    _edit(dest, "CREATE TABLE t (x)")


def _newer_version(good, dest):
    shutil.copy(good, dest)
    _edit(dest, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")


def _manifest_mismatch(good, dest):
    shutil.copy(good, dest)
    _edit(dest, "UPDATE revisions SET value_num = 9999")


def _manifest_counts(good, dest):
    shutil.copy(good, dest)
    conn = sqlite3.connect(dest)
    counts = json.loads(conn.execute("SELECT row_counts FROM exchange_manifest").fetchone()[0])
    counts["revisions"] += 1
    conn.execute("UPDATE exchange_manifest SET row_counts = ?", [json.dumps(counts)])
    conn.commit()
    conn.close()


def _extra_table(good, dest):
    shutil.copy(good, dest)
    _edit(dest, "CREATE TABLE extra (x TEXT)")


def _trigger(good, dest):
    shutil.copy(good, dest)
    _edit(dest, "CREATE TRIGGER t AFTER INSERT ON meta BEGIN DELETE FROM revisions; END")


def _view(good, dest):
    shutil.copy(good, dest)
    _edit(dest, "CREATE VIEW v AS SELECT * FROM revisions")


def _extra_column(good, dest):
    shutil.copy(good, dest)
    _edit(dest, "ALTER TABLE revisions ADD COLUMN x TEXT")


def _no_manifest(good, dest):
    shutil.copy(good, dest)
    _edit(dest, "DROP TABLE exchange_manifest")


def _working_file(good, dest, office):
    office.snapshot(dest)


def _empty(good, dest):
    dest.write_bytes(b"")


BAD = {
    "not-sqlite": (_not_sqlite, "không phải"),
    "empty": (_empty, "không phải"),
    "truncated": (_truncated, "bị hỏng"),
    "random-after-header": (_random_after_header, "bị hỏng"),
    "foreign-application-id": (_foreign_application, "không phải của Kiến Hải"),
    "plain-sqlite": (_plain_sqlite, "không phải của Kiến Hải"),
    "newer-version": (_newer_version, "phiên bản mới hơn"),
    "manifest-hash": (_manifest_mismatch, "không khớp"),
    "manifest-counts": (_manifest_counts, "không khớp"),
    "extra-table": (_extra_table, "cấu trúc lạ"),
    "trigger": (_trigger, "trigger"),
    "view": (_view, "view"),
    "extra-column": (_extra_column, "cấu trúc lạ"),
    "no-manifest": (_no_manifest, "không có phần kê khai"),
    "working-file": (_working_file, "không có phần kê khai"),
}


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_file_is_refused_and_database_unchanged(setting, kind):
    office, good, tmp_path = setting
    make, words = BAD[kind]
    dest = tmp_path / f"{kind}.khtd"
    if make is _working_file:
        make(good, dest, office)
    else:
        make(good, dest)
    before = office.path.read_bytes()
    summary = receive_files(office, [dest]).summaries[0]
    assert summary.status == "refused", summary
    assert summary.reason and words in summary.reason
    assert summary.counts["added"] == 0
    assert office.path.read_bytes() == before
    assert summary.archive and "bi-tu-choi" in summary.archive  # kept apart, for someone to look at
    assert office.check() == []


def test_file_of_another_plan_is_refused(setting, plan_text):
    office, _good, tmp_path = setting
    other_plan = plan_text.replace("Kiến Hải", "Kiến Thụy", 1)
    assert other_plan != plan_text
    stranger = make_pc(tmp_path, "other-commune", other_plan, "kinh-te")
    stranger.record("1", "2026", "5")
    dest = send(stranger, tmp_path / "other.khtd")
    before = office.path.read_bytes()
    summary = receive_files(office, [dest]).summaries[0]
    assert summary.status == "refused" and "kế hoạch khác" in summary.reason
    assert office.path.read_bytes() == before
    stranger.close()


def test_good_file_beside_bad_ones_is_applied(setting):
    office, good, tmp_path = setting
    bad = tmp_path / "bad.khtd"
    _truncated(good, bad)
    result = receive_files(office, [bad, good, tmp_path / "missing.khtd"])
    assert [s.status for s in result.summaries] == ["refused", "applied", "refused"]
    assert "Không đọc được" in result.summaries[2].reason
    assert office.figure("1", "2026").value == 5.0
