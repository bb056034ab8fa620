"""The "Nhiệm vụ" section and the task counts of "Tổng hợp", on a real database in the real window."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt

from kh_desktop.storage.store import Store
from kh_desktop.storage.task_store import find_task, list_tasks, task_history, update_task
from kh_desktop.tasks import DONE, OVERDUE
from kh_desktop.ui.main_window import MainWindow
from kh_desktop.ui.store_service import StoreService
from kh_desktop.ui.task_dialog import TaskDialog
from kh_desktop.ui.task_history_dialog import TaskHistoryModel
from kh_desktop.ui.task_summary import COL_GAPS as SUMMARY_GAPS
from kh_desktop.ui.task_summary import COL_OVERDUE as SUMMARY_OVERDUE
from kh_desktop.ui.tasks_panel import TasksPanel
from kh_desktop.ui.tasks_table_model import COL_GAPS, COL_STATUS, STATUS_ROLE, TasksTableModel
from tests.conftest import seed_task_count

TODAY = date(2026, 10, 10)


def _summary_row(window, unit_id):
    model = window.summary_tab.tasks.model
    return next(model.row(n) for n in range(model.rowCount()) if model.row(n).unit_id == unit_id)


def test_models_pass_the_model_tester(qtbot, qtmodeltester, store):
    first = list_tasks(store, "kinh-te")[0]
    update_task(store, first.id, {"due": "2026-09-30", "person": "An"})
    model = TasksTableModel(store.plan, list_tasks(store), TODAY)
    qtmodeltester.check(model)
    service = StoreService(store)
    panel = TasksPanel(service, "kinh-te", today=TODAY)
    qtbot.addWidget(panel)
    qtmodeltester.check(panel.proxy)
    from kh_desktop.ui.task_summary import TaskSummaryView

    summary = TaskSummaryView(service, today=TODAY)
    qtbot.addWidget(summary)
    qtmodeltester.check(summary.model)
    qtmodeltester.check(TaskHistoryModel(task_history(store, first.id)))


def test_each_unit_tab_has_its_tasks(window):
    for unit in window.service.store.plan.units:
        tab = window.unit_tabs[unit.id]
        titles = [tab.sections.tabText(n) for n in range(tab.sections.count())]
        assert titles == ["Chỉ tiêu", "Nhiệm vụ"]
        assert tab.tasks_panel.model.rowCount() == len(list_tasks(window.service.store, unit.id)) > 0
    # A unit with no annex row opens on its tasks.
    dvsnc = window.unit_tabs["tt-dvsnc"]
    assert dvsnc.sections.currentWidget() is dvsnc.tasks_panel


def test_assigning_through_the_dialog_reaches_store_panel_and_summary(qtbot, window):
    store = window.service.store
    tab = window.unit_tabs["kinh-te"]
    panel = tab.tasks_panel
    panel.set_today(TODAY)
    window.summary_tab.tasks.set_today(TODAY)
    task = list_tasks(store, "kinh-te")[0]
    # Every seeded task lacks a person and a deadline: all of Phòng Kinh tế's tasks have gaps.
    assert _summary_row(window, "kinh-te").gaps == seed_task_count("kinh-te") == 17

    dialog = TaskDialog(store.plan, "kinh-te", task)
    qtbot.addWidget(dialog)
    dialog.person_edit.setText("Nguyễn Văn An")
    dialog.has_due.setChecked(True)
    dialog.due_edit.setDate(QDate(2026, 9, 30))
    dialog.deliverable_edit.setText("Báo cáo rà soát quy hoạch")
    dialog.authority_edit.setText("Chủ tịch UBND xã")
    changes = []
    window.service.figures_changed.connect(changes.append)
    saved = panel.save_changes(task.id, dialog.values())
    assert saved is not None and changes and changes[-1].kind == "tasks"

    stored = find_task(store, task.id)
    assert (stored.person, stored.due, stored.deliverable) == (
        "Nguyễn Văn An",
        date(2026, 9, 30),
        "Báo cáo rà soát quy hoạch",
    )
    assert len(task_history(store, task.id)) == 2  # only the changed fields, one revision
    row = panel.model.row_of(task.id)
    status = panel.model.index(row, COL_STATUS)
    assert status.data(STATUS_ROLE) == OVERDUE and status.data() == "quá hạn"
    assert status.data(Qt.ItemDataRole.BackgroundRole) is not None
    assert panel.model.index(row, COL_GAPS).data() == "✔"
    assert _summary_row(window, "kinh-te").counts[OVERDUE] == 1
    assert _summary_row(window, "kinh-te").gaps == seed_task_count("kinh-te") - 1
    summary_model = window.summary_tab.tasks.model
    kinh_te_row = next(n for n in range(summary_model.rowCount()) if summary_model.row(n).unit_id == "kinh-te")
    assert summary_model.index(kinh_te_row, SUMMARY_OVERDUE).data() == 1
    assert summary_model.index(kinh_te_row, SUMMARY_GAPS).data() == seed_task_count("kinh-te") - 1

    # Filter by status.
    panel.set_filter(OVERDUE)
    assert panel.proxy.rowCount() == 1
    panel.set_filter("gaps")
    assert panel.proxy.rowCount() == seed_task_count("kinh-te") - 1
    panel.set_filter("all")

    # Done: no longer overdue.
    panel.save_changes(task.id, {"status": DONE})
    assert find_task(store, task.id).progress == 100
    assert _summary_row(window, "kinh-te").counts[OVERDUE] == 0


def test_adding_and_refusals_in_the_panel(qtbot, window):
    store = window.service.store
    panel = window.unit_tabs["ban-qlda"].tasks_panel
    before = len(list_tasks(store, "ban-qlda"))
    added = panel.save_new({"title": "Lập kế hoạch vốn năm 2027", "person": "Phạm D", "due": date(2026, 12, 15)})
    assert added is not None and len(list_tasks(store, "ban-qlda")) == before + 1
    assert panel.model.rowCount() == before + 1
    revision = store.revision
    assert panel.save_new({"title": "Việc", "indicators": "99"}) is None
    assert "Không có chỉ tiêu" in panel.status.text()
    assert panel.save_changes(added.id, {"progress": 150}) is None
    assert store.revision == revision


def test_one_unit_pc_sees_other_units_tasks_read_only(qtbot, tmp_path, plan_text, ui_settings):
    store = Store.create(tmp_path / "kt.sqlite", plan_text, unit_id="kinh-te")
    win = MainWindow(StoreService(store), ui_settings)
    qtbot.addWidget(win)
    other = win.unit_tabs["cong-an"].tasks_panel
    mine = win.unit_tabs["kinh-te"].tasks_panel
    assert not other.add_button.isEnabled() and mine.add_button.isEnabled()
    assert "Chỉ xem" in other.heading.text()
    task = list_tasks(store, "cong-an")[0]
    assert other.save_changes(task.id, {"person": "A"}) is None
    assert "Không sửa nhiệm vụ của đơn vị khác" in other.status.text()
    assert store.revision == 0
    store.close()
