"""The task register in the database: seeded on create and on upgrade, revisioned like figures, refusals write nothing."""

from __future__ import annotations

import hashlib
import shutil
from datetime import date
from pathlib import Path

import pytest

from kh_desktop.storage.store import Store
from kh_desktop.storage.task_store import (
    add_task,
    find_task,
    list_tasks,
    remove_task,
    seed_tasks,
    task_counts,
    task_history,
    update_task,
)
from kh_desktop.tasks import DONE, IN_PROGRESS, NOT_STARTED, OVERDUE, TaskRefused
from kh_desktop.tasks.seed import SEED_PC_ID
from tests.exchange_helpers import pc_identity
from tests.make_schema_fixture import FIXTURE_TASK_CHANGES

DB_DIR = Path(__file__).resolve().parent.parent / "db"
UNITS = {"kinh-te", "vh-xh", "van-phong", "tt-phvhc", "tt-dvsnc", "ban-qlda", "ban-chqs", "cong-an"}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_holds_the_plans_tasks_for_every_unit(store):
    tasks = list_tasks(store)
    assert len(tasks) == 83
    assert {t.unit for t in tasks} == UNITS == {u.id for u in store.plan.units}
    for unit in UNITS:
        assert list_tasks(store, unit), unit
    assert store.revision == 0  # the plan's tasks are not this PC's changes
    assert all(t.pc_id == SEED_PC_ID for t in tasks)
    assert store.check() == []
    with store.db.atomic():
        assert seed_tasks(store.db) == 0  # seeding twice adds nothing


def test_seeded_ids_are_the_same_on_every_pc(tmp_path, plan_text):
    a_pc, b_pc = pc_identity("a"), pc_identity("b")  # two PCs: each its own identity
    with (
        Store.create(tmp_path / "a.sqlite", plan_text, identity=a_pc) as a,
        Store.create(tmp_path / "b.sqlite", plan_text, identity=b_pc) as b,
    ):
        assert a.pc_id != b.pc_id
        assert [(t.id, t.revision_id) for t in list_tasks(a)] == [(t.id, t.revision_id) for t in list_tasks(b)]


def test_every_change_is_a_revision_and_history_survives(store):
    first = list_tasks(store, "kinh-te")[0]
    _, change = update_task(store, first.id[:8], {"person": "Nguyễn Văn A", "due": "2026-09-30"}, by="An")
    # exact: the test's PC identity is new (no mark), so its first write is 1, then +1 within this Store session
    assert change.kind == "tasks" and change.revision == store.revision == 1
    update_task(store, first.id, {"status": "đang thực hiện", "progress": "40"}, by="An")
    update_task(store, first.id, {"status": "hoàn thành"}, by="Bình")
    history = task_history(store, first.id)
    assert [h.task.status for h in history] == [DONE, IN_PROGRESS, NOT_STARTED, NOT_STARTED]
    assert [h.pc_revision for h in history] == [3, 2, 1, first.ordinal]
    assert history[0].task.progress == 100 and history[0].task.entered_by == "Bình"
    # Each revision supersedes the one before it; the oldest is the plan's.
    for newer, older in zip(history, history[1:], strict=False):
        assert newer.supersedes == older.task.revision_id
    assert history[-1].supersedes is None and history[-1].task.pc_id == SEED_PC_ID
    current = find_task(store, first.id)
    assert (current.person, current.due, current.status) == ("Nguyễn Văn A", date(2026, 9, 30), DONE)
    # Setting what is already there writes nothing.
    _, change = update_task(store, first.id, {"person": "Nguyễn Văn A"})
    assert change.revision == 0 and store.revision == 3


def test_add_and_remove(store):
    task, _ = add_task(
        store,
        unit="Phòng Kinh tế",
        title="Lập kế hoạch thu ngân sách năm 2027",
        person="Trần Thị B",
        due="2026-11-30",
        deliverable="Kế hoạch thu ngân sách",
        authority="Chủ tịch UBND xã",
        indicators=["2"],
        by="B",
    )
    assert find_task(store, task.id).indicators == ("2",)
    assert list_tasks(store, "kinh-te")[-1].id == task.id  # after the plan's own tasks
    remove_task(store, task.id)
    assert task.id not in {t.id for t in list_tasks(store)}
    assert [h.deleted for h in task_history(store, task.id)] == [True, False]


def test_counts_per_unit_by_status(store):
    first = list_tasks(store, "cong-an")[0]
    update_task(store, first.id, {"due": "2026-06-30"})
    counts = task_counts(store, date(2026, 7, 1))
    assert set(counts) == UNITS
    assert counts["cong-an"][OVERDUE] == 1
    assert sum(sum(c.values()) for c in counts.values()) == 83


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (lambda s: add_task(s, unit="Phòng Không Có", title="x"), "Không có đơn vị"),
        (lambda s: add_task(s, unit="kinh-te", title="   "), "không để trống"),
        (lambda s: update_task(s, list_tasks(s)[0].id, {"due": "2026-13-01"}), "không phải là ngày hợp lệ"),
        (lambda s: update_task(s, list_tasks(s)[0].id, {"status": "quá hạn"}), "tự xác định"),
        (lambda s: update_task(s, list_tasks(s)[0].id, {"progress": "120"}), "0–100"),
        (lambda s: update_task(s, list_tasks(s)[0].id, {"color": "red"}), "Không có trường"),
        (lambda s: update_task(s, "zzzz", {"person": "A"}), "Không có nhiệm vụ"),
    ],
)
def test_refusals_change_nothing(store, action, message):
    before = digest(store.path)
    with pytest.raises(TaskRefused, match=message):
        action(store)
    assert digest(store.path) == before and store.revision == 0


def test_one_unit_pc_changes_only_its_units_tasks(tmp_path, plan_text):
    with Store.create(tmp_path / "kt.sqlite", plan_text, unit_id="kinh-te") as store:
        other = list_tasks(store, "cong-an")[0]
        mine = list_tasks(store, "kinh-te")[0]
        before = digest(store.path)
        with pytest.raises(TaskRefused, match="Không sửa nhiệm vụ của đơn vị khác"):
            update_task(store, other.id, {"person": "A"})
        with pytest.raises(TaskRefused, match="Không thêm nhiệm vụ của đơn vị khác"):
            add_task(store, unit="cong-an", title="Việc mới")
        with pytest.raises(TaskRefused, match="máy tổng hợp của Văn phòng"):
            update_task(store, mine.id, {"unit": "cong-an"})
        with pytest.raises(TaskRefused, match="Không xóa"):
            remove_task(store, other.id)
        assert digest(store.path) == before
        update_task(store, mine.id, {"person": "Lê Văn C"})
        assert find_task(store, mine.id).person == "Lê Văn C"


@pytest.mark.parametrize("saved", sorted(DB_DIR.glob("schema-v*.sqlite")), ids=lambda p: p.stem)
def test_saved_schemas_upgrade_with_the_plans_tasks(saved, tmp_path, plan_text):
    copy = tmp_path / saved.name
    shutil.copy2(saved, copy)
    with Store.open(copy) as store:
        tasks = list_tasks(store)
        assert {t.unit for t in tasks} == UNITS and len(tasks) == 83
        assert store.check() == []
        first = list_tasks(store, "kinh-te")[0]
        if int(saved.stem.split("-v")[1]) >= 3:  # the file already had tasks: its edits survive
            assert first.person == FIXTURE_TASK_CHANGES[0]["person"] and first.progress == 40
            assert first.notes == "=1+1" and len(task_history(store, first.id)) == 3
        else:
            assert first.person == "" and len(task_history(store, first.id)) == 1
        revision = store.revision
        update_task(store, first.id, {"person": "Người mới"})
        # exact: this PC's identity is new (no mark beside its key), so the first write resumes at the file's + 1
        assert store.revision == revision + 1
