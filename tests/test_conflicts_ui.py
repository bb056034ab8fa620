"""Settling conflicts in the real window (offscreen): a figure and a task two PCs wrote differently are marked in
the grids, listed side by side in the dialog (from the cell's menu and from "Trao đổi dữ liệu"), and the person's
choice is written through the store and announced on the one signal."""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt

from kh_desktop.exchange.receive import receive_files
from kh_desktop.exchange.send import send
from kh_desktop.storage.conflict_store import open_conflicts
from kh_desktop.storage.task_store import find_task, list_tasks, task_history, update_task
from kh_desktop.ui.conflict_actions import MENU_TEXT
from kh_desktop.ui.figures_table_model import COL_ACTUAL, CONFLICT_BACKGROUND, CONFLICT_ROLE
from kh_desktop.ui.keyboard import plain_text
from kh_desktop.ui.tasks_table_model import COL_STATUS
from tests.conftest import show_window
from tests.exchange_helpers import approve_pcs, make_pc

SHOTS = os.environ.get("KH_SHOTS")  # a folder: save screenshots of the marked grid and the dialog there


@pytest.fixture
def office(tmp_path, plan_text):
    """Văn phòng's all-units PC holding one figure conflict and one task conflict with Phòng Kinh tế's PC."""
    office = make_pc(tmp_path, "van-phong", plan_text)
    unit = make_pc(tmp_path, "kinh-te", plan_text, "kinh-te")
    approve_pcs(office, unit)  # as Văn phòng does once for the unit's PC
    office.record("1", "2026", "5", note="Số Văn phòng tổng hợp", by="Chánh VP")
    unit.record("1", "2026", "8", note="Số phòng Kinh tế")
    task = list_tasks(unit, "kinh-te")[0]
    update_task(office, task.id, {"person": "Trần Văn Phòng"}, by="Chánh VP")
    update_task(unit, task.id, {"person": "Lê Kinh Tế", "due": "2026-09-30"}, by="Trưởng phòng KT")
    summary = receive_files(office, [send(unit, tmp_path)], backup=False).summaries[0]
    assert summary.counts["conflicts"] == 2
    unit.close()
    yield office, task.id


@pytest.fixture
def window(qtbot, office, ui_settings):
    store, _ = office
    ui_settings.setValue("period/current", "2026")  # the whole year, where the conflicting figures are
    win = show_window(qtbot, store, ui_settings)
    win.resize(1400, 900)
    yield win
    if win.conflict_actions.dialog is not None:
        win.conflict_actions.dialog.close()


def _row_of(model, code: str) -> int:
    return next(r for r in range(model.rowCount()) if model.indicator_at(r).code == code)


def test_grid_marks_the_conflicted_figure_with_both_claims(window):
    tab = window.unit_tabs["kinh-te"]
    window.open_unit("kinh-te")
    model = tab.model
    row = _row_of(model, "1")
    cell = model.index(row, COL_ACTUAL)
    assert "⚠ xung đột" in cell.data() and cell.data().startswith("5")
    assert cell.data(Qt.ItemDataRole.BackgroundRole) == CONFLICT_BACKGROUND
    assert cell.data(Qt.ItemDataRole.EditRole) == "5"  # typing over it starts from the value, not the mark
    tip = cell.data(Qt.ItemDataRole.ToolTipRole)
    for part in ("Đang dùng: 5", "Máy khác gửi: 8", "Chánh VP", "Cán bộ kinh-te", "Phòng Kinh tế", "máy này"):
        assert part in tip, tip
    other = model.index(_row_of(model, "2"), COL_ACTUAL)
    assert "⚠" not in (other.data() or "") and other.data(CONFLICT_ROLE) is None
    if SHOTS:
        tab.select_cell(row + 1)
        window.grab().save(f"{SHOTS}/grid-conflict.png")


def test_settling_from_the_cell_menu_keeps_the_chosen_figure(qtbot, window, office):
    store, task_id = office
    tab = window.unit_tabs["kinh-te"]
    window.open_unit("kinh-te")
    row = _row_of(tab.model, "1")
    menu = tab.cell_menu(tab.model.index(row, COL_ACTUAL))
    settle = next(a for a in menu.actions() if "Xử lý xung đột" in a.text())
    settle.trigger()
    dialog = window.conflict_actions.dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.table.rowCount() == 2  # every open conflict is listed, this one selected
    chosen = dialog.current_conflict()
    assert chosen.kind == "figure" and chosen.key == ("1", "2026")
    assert dialog.current_panel.value.text().count("5") and "8" in dialog.other_panel.value.text()
    assert "Cán bộ kinh-te" in dialog.other_panel.who.text() and "Phòng Kinh tế" in dialog.other_panel.pc.text()
    if SHOTS:
        dialog.grab().save(f"{SHOTS}/dialog-figure.png")

    seen = []
    window.service.figures_changed.connect(seen.append)
    revisions_before = len(store.history("1", "2026"))
    dialog.keep("other")
    figure = store.figure("1", "2026")
    assert figure.value == 8.0 and figure.conflict_id is None and figure.note == "Số phòng Kinh tế"
    assert len(store.history("1", "2026")) == revisions_before + 1  # both claims stay in history
    assert seen and ("1", "2026") in seen[-1].figures
    cell = tab.model.index(row, COL_ACTUAL)
    assert cell.data().startswith("8") and "⚠" not in cell.data()  # the grid refreshed from the signal
    assert dialog.table.rowCount() == 1 and dialog.current_conflict().kind == "task"
    assert "Đã giữ 8" in dialog.status.text()
    assert [c.kind for c in open_conflicts(store)] == ["task"]
    assert find_task(store, task_id).conflict_id is not None  # the other conflict waits


def test_menu_lists_every_conflict_and_settles_a_task(qtbot, window, office):
    store, task_id = office
    entries = [a for a in window.menus["exchange"].actions() if plain_text(a.text()) == MENU_TEXT]
    assert len(entries) == 1
    entries[0].trigger()
    dialog = window.conflict_actions.dialog
    qtbot.waitUntil(dialog.isVisible)
    table = dialog.table
    kinds = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert kinds == ["Số liệu", "Nhiệm vụ"]
    assert table.item(0, 2).text() == "5" and table.item(0, 3).text() == "8"
    assert "Trần Văn Phòng" in table.item(1, 2).text() and "Lê Kinh Tế" in table.item(1, 3).text()
    assert "30/09/2026" in table.item(1, 3).text()

    assert dialog.select("task", (task_id,))
    current_text, other_text = dialog.current_panel.value.text(), dialog.other_panel.value.text()
    assert "Trần Văn Phòng" in current_text and "Lê Kinh Tế" in other_text
    assert "Chánh VP" in dialog.current_panel.who.text() and "Trưởng phòng KT" in dialog.other_panel.who.text()
    if SHOTS:
        dialog.grab().save(f"{SHOTS}/dialog-task.png")

    panel = window.unit_tabs["kinh-te"].tasks_panel
    seen = []
    window.service.figures_changed.connect(seen.append)
    history_before = len(task_history(store, task_id))
    dialog.keep("current")
    task = find_task(store, task_id)
    assert task.person == "Trần Văn Phòng" and task.due is None and task.conflict_id is None
    assert len(task_history(store, task_id)) == history_before + 1
    assert seen and seen[-1].kind == "tasks"
    row = panel.model.row_of(task_id)
    assert "⚠" not in panel.model.index(row, COL_STATUS).data()  # the panel refreshed from the signal
    assert [c.kind for c in open_conflicts(store)] == ["figure"]
    assert table.rowCount() == 1


def test_tasks_panel_marks_the_conflict_and_opens_the_dialog(qtbot, window, office):
    store, task_id = office
    window.open_unit("kinh-te")
    tab = window.unit_tabs["kinh-te"]
    tab.sections.setCurrentWidget(tab.tasks_panel)
    panel = tab.tasks_panel
    row = panel.model.row_of(task_id)
    status = panel.model.index(row, COL_STATUS)
    assert "⚠ xung đột" in status.data()
    tip = status.data(Qt.ItemDataRole.ToolTipRole)
    assert "Trần Văn Phòng" in tip and "Lê Kinh Tế" in tip and "Phòng Kinh tế" in tip
    assert panel.select_task(task_id)
    assert panel.conflict_button.isVisible() and panel.conflict_button.isEnabled()
    if SHOTS:
        window.grab().save(f"{SHOTS}/tasks-conflict.png")
    menu = panel.task_menu(panel.view.currentIndex())
    next(a for a in menu.actions() if "Xử lý xung đột" in a.text()).trigger()
    dialog = window.conflict_actions.dialog
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.current_conflict().key == (task_id,)


def test_a_write_refused_by_the_store_is_shown_and_nothing_changes(qtbot, window, office):
    store, _ = office
    dialog = window.conflict_actions.open_dialog()
    qtbot.waitUntil(dialog.isVisible)
    figure_conflict = dialog.conflicts[0]
    store.set_pc_unit("cong-an")  # this PC now belongs to another unit: it may not settle Kinh tế's figure
    before = store.revision
    dialog.chosen.emit(figure_conflict, figure_conflict.other.revision_id)
    assert store.revision == before and store.figure("1", "2026").conflict_id is not None
    assert "Phòng Kinh tế" in dialog.status.text()
