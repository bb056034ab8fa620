"""Every write from the window goes through StoreService, comes back as a typed Change, and can be undone.

The real window (offscreen) and real SQLite files: a task edit, an added task and a settled conflict (a figure and
a task) are undone and redone from the window's own Hoàn tác / Làm lại actions, as figures are."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

from kh_desktop.exchange.receive import receive_files
from kh_desktop.exchange.send import send
from kh_desktop.storage.conflict_store import open_conflicts
from kh_desktop.storage.store import Change, ChangeKind
from kh_desktop.storage.task_store import find_task, list_tasks, task_history, update_task
from kh_desktop.ui.figures_table_model import COL_ACTUAL
from kh_desktop.ui.main_window import MainWindow
from kh_desktop.ui.tasks_table_model import COL_STATUS
from tests.conftest import show_window
from tests.exchange_helpers import approve_pcs, make_pc

UI = Path(__file__).resolve().parent.parent / "kh_desktop" / "ui"


def _window(qtbot, store, ui_settings) -> MainWindow:
    ui_settings.setValue("period/current", "2026")
    return show_window(qtbot, store, ui_settings)


@pytest.fixture
def window(qtbot, store, ui_settings):
    return _window(qtbot, store, ui_settings)


def test_a_task_edit_is_undone_and_redone_from_the_window(window):
    store, service = window.service.store, window.service
    panel = window.unit_tabs["kinh-te"].tasks_panel
    task = list_tasks(store, "kinh-te")[0]
    seen: list[Change] = []
    service.figures_changed.connect(seen.append)
    saved = panel.save_changes(task.id, {"person": "Nguyễn Văn An", "due": date(2026, 9, 30)})
    assert saved is not None and seen[-1].kind is ChangeKind.TASKS
    assert window.undo_action.isEnabled() and "Sửa nhiệm vụ" in window.undo_action.text()

    window.undo_action.trigger()
    back = find_task(store, task.id)
    assert (back.person, back.due) == (task.person, task.due) == ("", None)
    assert seen[-1].kind is ChangeKind.TASKS
    row = panel.model.row_of(task.id)
    assert panel.model.task_at(row).person == ""  # the panel refreshed from the signal
    window.redo_action.trigger()
    again = find_task(store, task.id)
    assert (again.person, again.due) == ("Nguyễn Văn An", date(2026, 9, 30))
    assert len(task_history(store, task.id)) == 4  # seed, edit, undo, redo: history keeps every step


def test_an_added_task_is_removed_by_undo_and_back_by_redo(window):
    store = window.service.store
    panel = window.unit_tabs["ban-qlda"].tasks_panel
    before = len(list_tasks(store, "ban-qlda"))
    added = panel.save_new({"title": "Lập kế hoạch vốn năm 2027", "person": "Phạm D"})
    assert len(list_tasks(store, "ban-qlda")) == before + 1
    window.undo_action.trigger()
    assert len(list_tasks(store, "ban-qlda")) == before and panel.model.rowCount() == before
    window.redo_action.trigger()
    assert find_task(store, added.id).title == "Lập kế hoạch vốn năm 2027"
    assert panel.model.rowCount() == before + 1


def test_undo_of_a_refused_write_is_reported_not_raised(window):
    store, service = window.service.store, window.service
    task = list_tasks(store, "kinh-te")[0]
    service.update_task(task.id, {"person": "Lê B"})
    store.set_pc_unit("cong-an")  # this PC now belongs to another unit: writing Kinh tế's task is refused
    failures: list[str] = []
    service.edit_failed.connect(failures.append)
    revision = store.revision
    window.undo_action.trigger()
    assert store.revision == revision and failures and "Phòng Kinh tế" in failures[-1]
    assert not failures[-1].startswith("Không hoàn tác được")  # the store's own message, not a crash


@pytest.fixture
def office(tmp_path, plan_text):
    """Văn phòng's all-units PC with one figure conflict and one task conflict with Phòng Kinh tế's PC."""
    office = make_pc(tmp_path, "van-phong", plan_text)
    unit = make_pc(tmp_path, "kinh-te", plan_text, "kinh-te")
    approve_pcs(office, unit)  # as Văn phòng does once for the unit's PC
    office.record("1", "2026", "5", note="Số Văn phòng", by="Chánh VP")
    unit.record("1", "2026", "8", note="Số phòng Kinh tế")
    task = list_tasks(unit, "kinh-te")[0]
    update_task(office, task.id, {"person": "Trần Văn Phòng"}, by="Chánh VP")
    update_task(unit, task.id, {"person": "Lê Kinh Tế"}, by="Trưởng phòng KT")
    assert receive_files(office, [send(unit, tmp_path)], backup=False).summaries[0].counts["conflicts"] == 2
    unit.close()
    yield office, task.id
    office.close()


def test_a_settled_figure_conflict_is_undone_and_redone(qtbot, office, ui_settings):
    store, _ = office
    window = _window(qtbot, store, ui_settings)
    conflict = next(c for c in open_conflicts(store) if c.kind == "figure")
    window.service.settle(conflict, conflict.other.revision_id)
    assert store.figure("1", "2026").value == 8.0 and store.figure("1", "2026").conflict_id is None

    window.undo_action.trigger()
    figure = store.figure("1", "2026")
    assert (figure.value, figure.note) == (5.0, "Số Văn phòng")
    reopened = next(c for c in open_conflicts(store) if c.kind == "figure")
    assert reopened.other.revision_id == conflict.other.revision_id  # the other PC's claim waits again
    tab = window.unit_tabs["kinh-te"]
    window.open_unit("kinh-te")
    row = next(r for r in range(tab.model.rowCount()) if tab.model.indicator_at(r).code == "1")
    assert "⚠ xung đột" in tab.model.index(row, COL_ACTUAL).data()

    window.redo_action.trigger()
    assert store.figure("1", "2026").value == 8.0 and store.figure("1", "2026").conflict_id is None
    assert "⚠" not in tab.model.index(row, COL_ACTUAL).data()
    assert [c.kind for c in open_conflicts(store)] == ["task"]


def test_a_settled_task_conflict_is_undone_and_redone(qtbot, office, ui_settings):
    store, task_id = office
    window = _window(qtbot, store, ui_settings)
    conflict = next(c for c in open_conflicts(store) if c.kind == "task")
    window.service.settle(conflict, conflict.other.revision_id)
    assert find_task(store, task_id).person == "Lê Kinh Tế" and find_task(store, task_id).conflict_id is None
    window.undo_action.trigger()
    task = find_task(store, task_id)
    assert task.person == "Trần Văn Phòng" and task.conflict_id == conflict.other.revision_id
    panel = window.unit_tabs["kinh-te"].tasks_panel
    assert "⚠ xung đột" in panel.model.index(panel.model.row_of(task_id), COL_STATUS).data()
    window.redo_action.trigger()
    task = find_task(store, task_id)
    assert task.person == "Lê Kinh Tế" and task.conflict_id is None


def test_change_kinds_are_typed():
    assert Change(kind="tasks").kind is ChangeKind.TASKS
    assert ChangeKind.RESTORE.label == "khôi phục bản sao lưu"
    with pytest.raises(ValueError):
        Change(kind="tsks")


def test_views_write_only_through_the_service():
    """No module of ui/ except the service (and the exchange menu, issue 11) calls a storage write."""
    writes = {"record", "clear", "add_task", "update_task", "remove_task", "restore_task", "settle", "apply_import"}
    writes |= {"resolve_conflict", "resolve_task_conflict", "set_meta", "set_pc_unit"}
    found = []
    for path in sorted(UI.glob("*.py")):
        if path.name in ("store_service.py", "exchange_actions.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                # a storage function called by name, or a method of a store (not of a plot, a list…)
                receiver = ast.unparse(func.value) if isinstance(func, ast.Attribute) else ""
                if name in writes and (not receiver or "store" in receiver) and not receiver.endswith("service"):
                    found.append(f"{path.name}:{node.lineno} {ast.unparse(func)}")
    assert found == []
