"""The task commands as a user runs them: `tasks`, `task add`, `task set`, `task history`; refusals change nothing."""

from __future__ import annotations

import hashlib
import json

from tests.conftest import run_cli, seed_task_count

CONTRACT_KEYS = {"id", "unit", "title", "person", "due", "deliverable", "authority", "status", "indicators"}


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tasks_json(db, *args) -> list[dict]:
    return json.loads(run_cli("tasks", "--json", *args, db=db, check=True).stdout)


def test_tasks_lists_the_seeded_register_with_the_contract_keys(cli_db):
    rows = tasks_json(cli_db)
    assert len(rows) == seed_task_count() == 83
    assert CONTRACT_KEYS <= set(rows[0])
    assert {r["unit"] for r in rows} == {
        "kinh-te", "vh-xh", "van-phong", "tt-phvhc", "tt-dvsnc", "ban-qlda", "ban-chqs", "cong-an",
    }  # fmt: skip
    police = tasks_json(cli_db, "--unit", "Công an xã")
    assert police and all(r["unit"] == "cong-an" for r in police)
    assert any("22" in r["indicators"] for r in police)
    assert all(r["gaps"] == ["thiếu người phụ trách", "thiếu thời hạn"] for r in police)


def test_add_set_and_history(cli_db):
    added = run_cli(
        "task", "add", "--unit", "Phòng Kinh tế", "--title", "Lập báo cáo thu ngân sách quý III",
        "--person", "Trần Văn B", "--due", "2026-09-30", "--deliverable", "Báo cáo quý III",
        "--authority", "Chủ tịch UBND xã", "--indicator", "2", "4b", "--json",
        db=cli_db, check=True,
    )  # fmt: skip
    task = json.loads(added.stdout)
    assert (task["unit"], task["person"], task["due"], task["indicators"]) == (
        "kinh-te",
        "Trần Văn B",
        "2026-09-30",
        ["2", "4b"],
    )
    assert task["deliverable"] == "Báo cáo quý III" and task["authority"] == "Chủ tịch UBND xã"
    run_cli("task", "set", task["id"][:8], "status", "đang thực hiện", db=cli_db, check=True)
    run_cli("task", "set", task["id"], "progress", "60", "--by", "Bình", db=cli_db, check=True)
    # Overdue is judged from the deadline and the day.
    late = tasks_json(cli_db, "--unit", "kinh-te", "--today", "2026-10-01")
    row = next(r for r in late if r["id"] == task["id"])
    assert row["status"] == "quá hạn" and row["overdue"] and row["progress"] == 60
    early = tasks_json(cli_db, "--unit", "kinh-te", "--today", "2026-09-20")
    row = next(r for r in early if r["id"] == task["id"])
    assert row["status"] == "đang thực hiện" and row["due_soon"]
    history = json.loads(run_cli("task", "history", task["id"], "--json", db=cli_db, check=True).stdout)
    assert [h["status"] for h in history] == ["đang thực hiện", "đang thực hiện", "chưa bắt đầu"]
    assert [h["progress"] for h in history] == [60, 0, 0] and history[0]["by"] == "Bình"


def test_refusals_change_nothing(cli_db, tmp_path):
    first = tasks_json(cli_db, "--unit", "kinh-te")[0]
    before = digest(cli_db)
    for args, message in [
        (("task", "add", "--unit", "Phòng Không Có", "--title", "x"), "Không có đơn vị"),
        (("task", "add", "--unit", "kinh-te", "--title", "x", "--due", "31/02/2026"), "không phải là ngày hợp lệ"),
        (("task", "set", first["id"], "due", "2026-9-31"), "không phải là ngày hợp lệ"),
        (("task", "set", first["id"], "status", "quá hạn"), "tự xác định"),
        (("task", "set", first["id"], "mau", "đỏ"), "Không có trường"),
        (("task", "set", "ffffffff", "person", "A"), "Không có nhiệm vụ"),
        (("task", "add", "--unit", "kinh-te", "--title", "x", "--indicator", "99"), "Không có chỉ tiêu"),
    ]:
        result = run_cli(*args, db=cli_db)
        assert result.returncode == 2, args
        assert message in result.stderr, (args, result.stderr)
    assert digest(cli_db) == before
    # A one-unit PC changes only its own unit's tasks.
    unit_db = tmp_path / "kt.sqlite"
    run_cli("init", "--unit", "Phòng Kinh tế", db=unit_db, check=True)
    police = tasks_json(unit_db, "--unit", "cong-an")[0]
    before = digest(unit_db)
    result = run_cli("task", "set", police["id"], "person", "A", db=unit_db)
    assert result.returncode == 2 and "Không sửa nhiệm vụ của đơn vị khác" in result.stderr
    result = run_cli("task", "add", "--unit", "Công an xã", "--title", "Việc", db=unit_db)
    assert result.returncode == 2 and "Không thêm nhiệm vụ của đơn vị khác" in result.stderr
    assert digest(unit_db) == before
