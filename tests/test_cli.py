"""The command line as a user (or Văn phòng's scripts) runs it: a subprocess on real files."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from tests.conftest import run_cli


def status(db, year="2026", *extra):
    return {
        row["code"]: row
        for row in json.loads(run_cli("status", "--year", year, *extra, "--json", db=db, check=True).stdout)
    }


def dump(db) -> list:
    conn = sqlite3.connect(db)
    try:
        return [list(conn.execute(f"SELECT * FROM {t} ORDER BY 1")) for t in ("meta", "revisions", "figures")]
    finally:
        conn.close()


def test_init_twice_changes_nothing(cli_db):
    before = cli_db.read_bytes()
    result = run_cli("init", db=cli_db, check=True)
    assert "đã có" in result.stdout
    assert cli_db.read_bytes() == before


def test_figures_come_back_through_status_with_verdicts(cli_db):
    run_cli("set", "1", "2026", "19,5", "--estimate", "--note", "ước cả năm", "--by", "Chị Lan", db=cli_db, check=True)
    run_cli("set", "8", "2026", "1,0", db=cli_db, check=True)
    run_cli("set", "11", "2026", "95,9", db=cli_db, check=True)
    run_cli("set", "12", "2026-Q1", "400", db=cli_db, check=True)
    run_cli("set", "12", "2026-H2", "1.100", db=cli_db, check=True)
    run_cli("set", "22", "2026", "ổn định, không có điểm nóng", db=cli_db, check=True)
    rows = status(cli_db)
    assert len(rows) == 36
    assert set(rows["1"]) >= {"code", "actual", "derived", "estimate", "percent", "verdict"}
    assert rows["1"]["actual"] == 19.5 and rows["1"]["estimate"] and rows["1"]["verdict"] == "exceeded"
    assert rows["8"]["verdict"] == "met"
    assert rows["11"]["verdict"] == "not_met"
    assert rows["12"]["derived"] and rows["12"]["actual"] == 1500 and rows["12"]["verdict"] == "met"
    assert rows["22"]["actual"] == "Ổn định, không có điểm nóng" and rows["22"]["verdict"] == "met"
    assert rows["2"]["verdict"] == "no_data" and rows["2"]["actual"] is None and rows["2"]["percent"] is None


def test_status_for_one_unit(cli_db):
    plan = json.loads(run_cli("plan", "--json", db=cli_db, check=True).stdout)
    for unit in ("Ban CHQS xã", "Phòng VH-XH", "Trung tâm Dịch vụ sự nghiệp công"):
        rows = status(cli_db, "2026", "--unit", unit)
        owned = [
            r["code"] for r in plan if any(o.casefold().startswith(unit.split()[0].casefold()) for o in r["owners"])
        ]
        assert list(rows) == [r["code"] for r in plan if r["code"] in rows]  # annex order
        assert set(rows) <= set(owned)
    assert status(cli_db, "2026", "--unit", "Trung tâm Dịch vụ sự nghiệp công") == {}
    assert len(status(cli_db, "2026", "--unit", "Ban CHQS xã")) == 1


def test_baseline_indicator_through_the_cli(cli_db):
    plan = json.loads(run_cli("plan", "--json", db=cli_db, check=True).stdout)
    code = next(r["code"] for r in plan if r["baseline"])
    run_cli("set", code, "2026", "150", db=cli_db, check=True)
    assert status(cli_db)[code]["verdict"] == "no_data"
    run_cli("set", code, "baseline", "100", db=cli_db, check=True)
    row = status(cli_db)[code]
    assert row["ratio"] == 1.5 and row["verdict"] in ("met", "exceeded")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("set", "9", "2026", "101"), "không thể lớn hơn"),
        (("set", "9", "2026", "1.5"), "Không rõ"),
        (("set", "12", "2026", "1,500"), "Không rõ"),
        (("set", "1", "2031", "5"), "ngoài kế hoạch"),
        (("set", "1", "2026-Q5", "5"), "không có"),
        (("set", "99", "2026", "5"), "Không có chỉ tiêu"),
        (("set", "20", "2027", "xong"), "bằng chữ"),
        (("set", "22", "2026", "90"), "bằng chữ"),
        (("set", "5b", "2026", "2,5"), "số nguyên"),
        (("status", "--year", "2026", "--unit", "Phòng Không Có"), "Không có đơn vị"),
    ],
)
def test_refusals_change_nothing(cli_db, args, message):
    before = dump(cli_db)
    result = run_cli(*args, db=cli_db)
    assert result.returncode != 0
    assert message in result.stderr
    assert result.stderr.startswith("Lỗi:")
    assert dump(cli_db) == before


def test_one_unit_pc_refuses_another_units_indicator(tmp_path):
    db = tmp_path / "ban-chqs.sqlite"
    run_cli("init", "--unit", "Ban CHQS xã", db=db, check=True)
    before = dump(db)
    result = run_cli("set", "1", "2026", "19", db=db)
    assert result.returncode != 0 and "đơn vị khác" in result.stderr
    assert dump(db) == before
    run_cli("set", "21", "2026", "100", db=db, check=True)


def test_history_lists_every_revision_newest_first(cli_db):
    for value in ("18", "19", "20"):
        run_cli("set", "1", "2026", value, "--by", "Anh Nam", db=cli_db, check=True)
    run_cli("clear", "1", "2026", db=cli_db, check=True)
    rows = json.loads(run_cli("history", "1", "2026", "--json", db=cli_db, check=True).stdout)
    assert [r["value"] for r in rows] == [None, 20.0, 19.0, 18.0]
    assert rows[0]["deleted"] and rows[1]["by"] == "Anh Nam"
    assert len({r["id"] for r in rows}) == 4
    assert [r["pc_revision"] for r in rows] == sorted((r["pc_revision"] for r in rows), reverse=True)
    assert status(cli_db)["1"]["verdict"] == "no_data"


def test_check_passes_on_a_sound_file(cli_db):
    result = run_cli("check", db=cli_db, check=True)
    assert "đạt" in result.stdout


def test_missing_database_tells_how_to_create_it(tmp_path):
    result = run_cli("status", "--year", "2026", "--json", db=tmp_path / "none.sqlite")
    assert result.returncode != 0 and "init" in result.stderr
    assert not (tmp_path / "none.sqlite").exists()


@pytest.mark.parametrize("kind", ["text", "foreign_sqlite", "truncated", "damaged", "empty"])
def test_foreign_and_damaged_files_are_refused_untouched(cli_db, tmp_path, kind):
    path = tmp_path / f"{kind}.sqlite"
    if kind == "text":
        path.write_text("Báo cáo tháng 5\n" * 50, encoding="utf-8")
    elif kind == "foreign_sqlite":
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE contacts (name TEXT)")
        conn.commit()
        conn.close()
    elif kind == "truncated":
        run_cli("set", "1", "2026", "19", db=cli_db, check=True)
        path.write_bytes(cli_db.read_bytes()[:5000])
    elif kind == "damaged":
        shutil.copy2(cli_db, path)
        data = bytearray(path.read_bytes())
        for offset in range(4096, len(data), 4096):  # scribble over the first bytes of every page but the header
            data[offset : offset + 64] = b"\xff" * 64
        path.write_bytes(bytes(data))
    else:
        path.write_bytes(b"")
    before = path.read_bytes()
    for args in (("status", "--year", "2026", "--json"), ("set", "1", "2026", "19"), ("check",)):
        result = run_cli(*args, db=path)
        assert result.returncode != 0, (kind, args)
        assert result.stderr.startswith("Lỗi:") and "Traceback" not in result.stderr
        assert path.read_bytes() == before


def test_every_change_increments_the_revision_counter_and_keeps_old_values(store):
    start = store.revision
    store.record("3", "2026", "150")
    store.record("3", "2026", "181", note="số chính thức")
    store.clear("3", "2026")
    assert store.revision == start + 3  # exact: one Store session counts +1 per write
    rows = list(store.db.query("SELECT pc_id, pc_revision, supersedes FROM revisions ORDER BY pc_revision"))
    assert [r["pc_revision"] for r in rows] == [start + 1, start + 2, start + 3]
    assert rows[1]["supersedes"] is not None and rows[2]["supersedes"] is not None
    assert store.check() == []
