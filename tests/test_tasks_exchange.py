"""Tasks travel in exchange files: a unit's edits arrive at Văn phòng with their history, under the same
ownership and conflict rules as figures."""

from __future__ import annotations

from kh_desktop.exchange.receive import receive_files
from kh_desktop.exchange.send import send
from kh_desktop.storage.task_store import find_task, list_tasks, task_history, update_task
from tests.exchange_helpers import approve_pcs, make_pc


def test_a_units_task_edits_reach_van_phong_with_their_history(tmp_path, plan_text):
    office = make_pc(tmp_path, "van-phong", plan_text)
    unit = make_pc(tmp_path, "kinh-te", plan_text, "kinh-te")
    approve_pcs(office, unit)  # as Văn phòng does once for the unit's PC
    task = list_tasks(unit, "kinh-te")[0]
    update_task(unit, task.id, {"person": "Nguyễn Văn An", "due": "2026-09-30"}, by="An")
    update_task(unit, task.id, {"status": "đang thực hiện", "progress": "50"}, by="An")
    sent = send(unit, tmp_path)

    result = receive_files(office, [sent], backup=False)
    assert result.summaries[0].status == "applied", result.summaries[0].reason
    arrived = find_task(office, task.id)
    assert (arrived.person, arrived.progress, arrived.status) == ("Nguyễn Văn An", 50, "in_progress")
    history = task_history(office, task.id)
    assert len(history) == 3  # the plan's own revision and both edits
    assert all(h.received_at for h in history[:2]) and history[-1].received_at is None
    assert [h.task.revision_id for h in history] == [h.task.revision_id for h in task_history(unit, task.id)]

    # The same file again changes nothing; a further edit arrives as an update.
    before = office.revision
    again = receive_files(office, [sent], backup=False)
    assert again.summaries[0].status == "already_imported" and office.revision == before
    update_task(unit, task.id, {"status": "hoàn thành"}, by="An")
    receive_files(office, [send(unit, tmp_path / "second.khtd")], backup=False)
    assert find_task(office, task.id).status == "done" and len(task_history(office, task.id)) == 4
    office.close()
    unit.close()


def test_two_pcs_editing_one_task_is_a_conflict_not_an_overwrite(tmp_path, plan_text):
    office = make_pc(tmp_path, "van-phong", plan_text)
    unit = make_pc(tmp_path, "cong-an", plan_text, "cong-an")
    approve_pcs(office, unit)  # as Văn phòng does once for the unit's PC
    task = list_tasks(unit, "cong-an")[0]
    update_task(office, task.id, {"person": "Người Văn phòng giao"})
    update_task(unit, task.id, {"person": "Người Công an chọn"})
    summary = receive_files(office, [send(unit, tmp_path)], backup=False).summaries[0]
    assert summary.counts["conflicts"] == 1
    current = find_task(office, task.id)
    assert current.person == "Người Văn phòng giao" and current.conflict_id is not None
    assert len(task_history(office, task.id)) == 3  # nothing lost: both claims kept
    office.close()
    unit.close()


def test_a_units_file_brings_only_its_own_tasks(tmp_path, plan_text):
    office = make_pc(tmp_path, "van-phong", plan_text)
    unit = make_pc(tmp_path, "kinh-te", plan_text, "kinh-te")
    approve_pcs(office, unit)  # as Văn phòng does once for the unit's PC
    police = list_tasks(unit, "cong-an")[0]
    unit.set_pc_unit(None)  # a tampered PC writes another unit's task, then claims to be Phòng Kinh tế again
    update_task(unit, police.id, {"person": "Không được phép"})
    unit.set_pc_unit("kinh-te")
    summary = receive_files(office, [send(unit, tmp_path)], backup=False).summaries[0]
    assert summary.counts["refused_rows"] == 1
    assert find_task(office, police.id).person == ""
    office.close()
    unit.close()
