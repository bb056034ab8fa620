"""`conflicts --json` lists figure and task conflicts (a `kind` key), `resolve` and `resolve-task` settle them."""

from __future__ import annotations

import json

from kh_desktop.exchange.receive import receive_files
from kh_desktop.exchange.send import send
from kh_desktop.storage.task_store import list_tasks, update_task
from tests.conftest import run_cli
from tests.exchange_helpers import approve_pcs, make_pc, open_pc


def office_cli(*args, **kwargs):
    """The command line on Văn phòng's PC (its own identity, as make_pc gave it)."""
    return run_cli(*args, pc="van-phong", **kwargs)


def _office_with_conflicts(tmp_path, plan_text):
    office = make_pc(tmp_path, "van-phong", plan_text)
    unit = make_pc(tmp_path, "kinh-te", plan_text, "kinh-te")
    approve_pcs(office, unit)  # as Văn phòng does once for the unit's PC
    office.record("1", "2026", "5")
    unit.record("1", "2026", "8")
    task = list_tasks(unit, "kinh-te")[0]
    update_task(office, task.id, {"person": "Trần Văn Phòng"})
    update_task(unit, task.id, {"person": "Lê Kinh Tế", "status": "đang thực hiện", "progress": "40"})
    receive_files(office, [send(unit, tmp_path)], backup=False)
    path = office.path
    office.close()
    unit.close()
    return path, task.id


def test_conflicts_json_lists_figures_and_tasks_and_both_resolve(tmp_path, plan_text):
    db, task_id = _office_with_conflicts(tmp_path, plan_text)
    listed = json.loads(office_cli("conflicts", "--json", db=db, check=True).stdout)
    assert [row["kind"] for row in listed] == ["figure", "task"]
    figure, task = listed
    assert {"code", "period", "current", "other"} <= set(figure) and figure["code"] == "1"
    assert {"revision_id", "value", "deleted", "pc_id", "unit", "entered_by", "entered_at"} <= set(figure["other"])
    assert task["task_id"] == task_id and task["unit"] == "kinh-te"
    assert task["current"]["person"] == "Trần Văn Phòng" and task["other"]["person"] == "Lê Kinh Tế"
    assert task["other"]["status"] == "in_progress" and task["other"]["progress"] == 40

    text = office_cli("conflicts", db=db, check=True).stdout
    assert "Chỉ tiêu 1 kỳ 2026" in text and "Lê Kinh Tế" in text and task["other"]["revision_id"] in text

    wrong = office_cli("resolve-task", task_id[:8], "--keep", figure["other"]["revision_id"], db=db)
    assert wrong.returncode == 2 and "không phải một trong hai" in wrong.stderr
    unknown = office_cli("resolve-task", "ffffffff", "--keep", task["other"]["revision_id"], db=db)
    assert unknown.returncode == 2 and "không có nhiệm vụ" in unknown.stderr.lower()
    assert len(json.loads(office_cli("conflicts", "--json", db=db, check=True).stdout)) == 2  # nothing written

    done = office_cli("resolve-task", task_id[:8], "--keep", task["other"]["revision_id"], db=db, check=True)
    assert "Đã giải quyết" in done.stdout
    shown = json.loads(office_cli("tasks", "--unit", "kinh-te", "--json", db=db, check=True).stdout)
    settled = next(t for t in shown if t["id"] == task_id)
    assert settled["person"] == "Lê Kinh Tế" and settled["status"] == "đang thực hiện"
    office_cli("resolve", "1", "2026", "--keep", figure["current"]["revision_id"], db=db, check=True)
    assert json.loads(office_cli("conflicts", "--json", db=db, check=True).stdout) == []
    assert "Không có xung đột" in office_cli("conflicts", db=db, check=True).stdout
    assert office_cli("check", db=db).returncode == 0


def test_resolve_refuses_another_units_figure_on_a_one_unit_pc(tmp_path, plan_text):
    db, _task_id = _office_with_conflicts(tmp_path, plan_text)
    with open_pc(tmp_path, "van-phong") as store:
        store.set_pc_unit("cong-an")
    figure = json.loads(office_cli("conflicts", "--json", db=db, check=True).stdout)[0]
    refused = office_cli("resolve", "1", "2026", "--keep", figure["other"]["revision_id"], db=db)
    assert refused.returncode == 2 and refused.stderr.startswith("Lỗi:")
    assert json.loads(office_cli("conflicts", "--json", db=db, check=True).stdout)[0] == figure
    missing = office_cli("resolve", "2", "2026", "--keep", figure["other"]["revision_id"], db=db)
    assert missing.returncode == 2 and "không có xung đột" in missing.stderr
