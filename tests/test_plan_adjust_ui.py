"""Adjusting a target from the window (Văn phòng's all-units PC): the row's menu, the dialog, the grid after."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from kh_desktop.domain.periods import parse_period
from kh_desktop.storage.store import Store
from kh_desktop.ui.figures_table_model import COL_ACTUAL
from kh_desktop.ui.keyboard import plain_text
from kh_desktop.ui.main_window import MainWindow
from kh_desktop.ui.plan_actions import MENU_TEXT
from kh_desktop.ui.plan_adjust_dialog import PlanAdjustDialog
from kh_desktop.ui.store_service import StoreService
from tests.conftest import show_window

TARGET_COLUMN = 3  # "Kế hoạch {year}"


@pytest.fixture
def window(qtbot, tmp_path, plan_text, ui_settings):
    store = Store.create(tmp_path / "vp.sqlite", plan_text)
    store.record("2", "2029", "16,5")
    ui_settings.setValue("period/current", "2029")
    yield show_window(qtbot, store, ui_settings)
    store.close()


def _row_of(model, code: str) -> int:
    return next(r for r in range(model.rowCount()) if model.indicator_at(r).code == code)


def test_adjust_from_the_row_menu_changes_the_grid(window, tmp_path):
    assert MENU_TEXT in [plain_text(a.text()) for a in window.menus["file"].actions()]
    window.open_unit("kinh-te")
    tab = window.unit_tabs["kinh-te"]
    tab.ensure_built()
    tab.set_period(parse_period("2029", 2026, 2030))
    model = tab.model
    row = _row_of(model, "2")
    assert model.index(row, TARGET_COLUMN).data() == "≥17"
    menu = tab.cell_menu(model.index(row, COL_ACTUAL))
    adjust = next(a for a in menu.actions() if plain_text(a.text()).startswith("Điều chỉnh chỉ tiêu theo Nghị quyết"))
    adjust.trigger()
    dialog = window.plan_actions.dialog
    assert dialog.indicator_box.currentData() == "2"
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.year_box.setCurrentIndex(dialog.year_box.findData(2029))
    dialog.target_edit.setText("≥16")
    assert not ok.isEnabled() and "Nghị quyết" in dialog.preview.text()  # no resolution number yet
    dialog.decision_edit.setText("15/NQ-HĐND")
    dialog.date_edit.setDate(dialog.date_edit.date().fromString("20/07/2028", "dd/MM/yyyy"))
    assert ok.isEnabled()
    assert "Chỉ tiêu 2, năm 2029: ≥17 → ≥16" in dialog.preview.text()
    assert "KH điều chỉnh theo Nghị quyết số 15/NQ-HĐND ngày 20/07/2028" in dialog.preview.text()
    dialog.grab().save(str(tmp_path / "adjust.png"))
    ok.click()
    assert window.service.store.plan.version == 2
    row = _row_of(model, "2")
    assert model.index(row, TARGET_COLUMN).data() == "≥16"
    assert "Đã ghi bản 2" in window.statusBar().currentMessage()


def test_dialog_refuses_a_past_year_and_unreadable_targets(qtbot, plan_text, tmp_path):
    store = Store.create(tmp_path / "vp.sqlite", plan_text)
    dialog = PlanAdjustDialog(store.plan, "2", today=date(2028, 7, 20))
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.decision_edit.setText("15/NQ-HĐND")
    dialog.year_box.setCurrentIndex(dialog.year_box.findData(2027))
    dialog.target_edit.setText("≥15")
    assert not ok.isEnabled() and "đã qua" in dialog.preview.text()
    dialog.year_box.setCurrentIndex(dialog.year_box.findData(2029))
    dialog.target_edit.setText("1.5")
    assert not ok.isEnabled() and "dấu chấm" in dialog.preview.text()
    dialog.year_box.setCurrentIndex(dialog.year_box.count() - 1)  # the whole period
    dialog.target_edit.setText("Tổng 1.100")
    assert ok.isEnabled() and dialog.values()[0][0]["target"]["from_year"] == 2026
    store.close()


def test_a_unit_pc_has_no_adjust_entry(qtbot, tmp_path, plan_text, ui_settings):
    store = Store.create(tmp_path / "kt.sqlite", plan_text, "kinh-te")
    win = MainWindow(StoreService(store), ui_settings)
    qtbot.addWidget(win)
    assert MENU_TEXT not in [plain_text(a.text()) for a in win.menus["file"].actions()]
    tab = win.unit_tabs["kinh-te"]
    tab.ensure_built()
    menu = tab.cell_menu(tab.model.index(0, COL_ACTUAL))
    assert not any(plain_text(a.text()).startswith("Điều chỉnh") for a in menu.actions())
    store.close()
