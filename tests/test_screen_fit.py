"""The window fits the office PCs' screens (issue 18): the sizing rule, the restore-only-if-it-fits rule, the
Alt-letters of the menus, and the real window (offscreen, an 800×800 screen) sized, remembered and restored.

Screen figures are worked out by hand: 1366×768 less a 40-pixel taskbar is 1366×728; 1920×1080 at 150 % is
1280×720 logical pixels, less the taskbar (40 / 1,5 ≈ 27) 1280×693; 1366×768 at 150 % is 911×485 after it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QTableView

from kh_desktop.ui.keyboard import plain_text, with_mnemonics
from kh_desktop.ui.screen_fit import Box, centred, fit_size, fits_on_some, usable_widths
from tests.conftest import show_window

LAPTOP = Box(0, 0, 1366, 728)
SCALED_MONITOR = Box(0, 0, 1280, 693)
SMALLEST = Box(0, 0, 911, 485)  # 1366×768 at 150 %
BIG_MONITOR_RIGHT = Box(1366, 0, 1920, 1040)  # a second monitor to the laptop's right


# ---- the rule (plain functions) ------------------------------------------------------------------------------


def test_main_window_takes_nine_tenths_of_the_available_area():
    assert fit_size(None, LAPTOP) == (1229, 655)
    assert fit_size(None, SCALED_MONITOR) == (1152, 623)
    assert fit_size(None, SMALLEST) == (819, 436)


def test_a_dialog_keeps_its_size_where_there_is_room_and_shrinks_where_there_is_not():
    assert fit_size((760, 360), LAPTOP) == (760, 360)
    assert fit_size((1040, 640), LAPTOP) == (1040, 640)
    assert fit_size((1040, 640), SCALED_MONITOR) == (1040, 623)
    assert fit_size((1000, 800), SMALLEST) == (819, 436)


def test_centred_on_the_available_area_of_its_own_screen():
    assert centred((1229, 655), LAPTOP) == Box(68, 36, 1229, 655)
    assert centred((1000, 600), BIG_MONITOR_RIGHT) == Box(1366 + 460, 220, 1000, 600)
    assert centred((3000, 3000), LAPTOP) == LAPTOP  # never larger than the area


def test_a_remembered_window_comes_back_only_inside_a_screen_present_now():
    on_big_monitor = Box(1500, 100, 1600, 900)
    assert fits_on_some(on_big_monitor, [LAPTOP, BIG_MONITOR_RIGHT])
    assert not fits_on_some(on_big_monitor, [LAPTOP])  # the laptop unplugged from the big monitor
    assert fits_on_some(Box(10, 10, 1300, 700), [LAPTOP])
    assert not fits_on_some(Box(0, 0, 1366, 768), [LAPTOP])  # would lie under the taskbar
    assert not fits_on_some(Box(-20, 10, 800, 600), [LAPTOP])  # partly off the left edge
    assert not fits_on_some(Box(1300, 10, 200, 200), [LAPTOP, BIG_MONITOR_RIGHT])  # straddling two screens


def test_settings_text_that_is_not_a_box_is_ignored():
    assert Box.from_text("12,34,800,600") == Box(12, 34, 800, 600)
    assert Box.from_text(Box(-5, 0, 10, 20).to_text()) == Box(-5, 0, 10, 20)
    for garbage in ("", None, "a,b,c,d", "1,2,3", "1,2,0,5", "1,2,3,4,5"):
        assert Box.from_text(garbage) is None


def test_remembered_column_widths_are_used_only_when_each_fits():
    assert usable_widths(["44", "380", "120"], 3, 1366) == [44, 380, 120]
    assert usable_widths([44, 380], 3, 1366) is None  # another number of columns
    assert usable_widths([44, 2000, 120], 3, 1366) is None  # wider than the screen now
    assert usable_widths([44, 0, 120], 3, 1366) is None
    assert usable_widths(["x", "1", "2"], 3, 1366) is None


def test_each_menu_entry_gets_a_free_letter():
    assert with_mnemonics(["Xem trước khi in…", "In báo cáo…", "Lưu báo cáo PDF…"]) == [
        "&Xem trước khi in…",
        "&In báo cáo…",
        "&Lưu báo cáo PDF…",
    ]
    # "S" is taken, "ử" is not on every keyboard: the next plain letter; a mark already there is kept and reserved.
    assert with_mnemonics(["Sao lưu ngay", "Sửa"]) == ["&Sao lưu ngay", "Sử&a"]
    assert with_mnemonics(["Thoát", "&Tệp"]) == ["T&hoát", "&Tệp"]
    assert with_mnemonics(["Đóng"]) == ["Đó&ng"]
    assert plain_text("Lưu && &in") == "Lưu & in"


# ---- the real window -----------------------------------------------------------------------------------------


def _available(window) -> Box:
    area = window.screen().availableGeometry()
    return Box(area.x(), area.y(), area.width(), area.height())


def _frame(window) -> Box:
    frame = window.frameGeometry()
    return Box(frame.x(), frame.y(), frame.width(), frame.height())


def test_the_window_opens_inside_the_screen_at_nine_tenths_centred(qtbot, store, ui_settings):
    window = show_window(qtbot, store, ui_settings)
    area = _available(window)
    assert area.contains(_frame(window))
    size = (window.width(), window.height())
    assert size == (int(area.width * 0.9), int(area.height * 0.9))
    frame = _frame(window)
    # As much room left as right, above as below (give or take the frame's borders, unknown before it is shown).
    assert abs((frame.x - area.x) - (area.right - frame.right)) <= 8
    assert abs((frame.y - area.y) - (area.bottom - frame.bottom)) <= 8


def test_every_tab_still_fits_the_smallest_supported_screen(qtbot, store, ui_settings):
    """1366×768 at 150 %: 911×485 logical pixels less a ~30-pixel title bar; the grids scroll, the charts shrink."""
    window = show_window(qtbot, store, ui_settings)
    window.resize(819, 436)
    for _title, page in window.tab_pages():
        window.tabs.setCurrentWidget(page)
        qtbot.wait(1)
        need = window.minimumSizeHint()
        assert need.width() <= SMALLEST.width and need.height() <= SMALLEST.height - 30, (_title, need)


def test_the_window_comes_back_as_the_person_left_it(qtbot, store, ui_settings):
    first = show_window(qtbot, store, ui_settings)
    first.setGeometry(40, 50, 700, 520)
    first.open_unit("kinh-te")
    tab = first.unit_tabs["kinh-te"]
    qtbot.wait(1)
    tab.splitter.setSizes([100, 300])
    chosen_sizes = tab.splitter.sizes()
    tab.view.setColumnWidth(1, 222)
    qtbot.wait(1)
    first.close()

    second = show_window(qtbot, store, ui_settings)
    assert (second.width(), second.height()) == (700, 520)
    # The offscreen platform's made-up 2-pixel frame shifts restoreGeometry() by that much; no more.
    assert abs(second.x() - 40) <= 2 and abs(second.y() - 50) <= 2
    assert second.tabs.currentWidget() is second.unit_tabs["kinh-te"]
    again = second.unit_tabs["kinh-te"]
    qtbot.wait(1)
    assert again.view.columnWidth(1) == 222
    assert again.splitter.sizes() == chosen_sizes


def test_a_window_left_where_no_screen_is_now_opens_at_the_default_place(qtbot, store, ui_settings):
    first = show_window(qtbot, store, ui_settings)
    default = (first.x(), first.y(), first.width(), first.height())
    first.setGeometry(1500, 100, 600, 400)  # on a monitor to the right that is gone
    first.close()
    second = show_window(qtbot, store, ui_settings)
    assert (second.x(), second.y(), second.width(), second.height()) == default
    assert _available(second).contains(_frame(second))


def test_a_window_larger_than_the_screen_now_opens_at_the_default_size(qtbot, store, ui_settings):
    first = show_window(qtbot, store, ui_settings)
    default = (first.x(), first.y(), first.width(), first.height())
    area = _available(first)
    first.setGeometry(0, 0, area.width + 400, area.height + 300)  # left on a bigger screen
    first.close()
    second = show_window(qtbot, store, ui_settings)
    assert (second.x(), second.y(), second.width(), second.height()) == default


def test_damaged_settings_open_the_defaultshow_window(qtbot, store, ui_settings):
    from kh_desktop.ui.ui_memory import FRAME_KEY, GEOMETRY_KEY, TAB_KEY

    ui_settings.setValue(FRAME_KEY, "not a box")
    ui_settings.setValue(GEOMETRY_KEY, b"rubbish")
    ui_settings.setValue(TAB_KEY, "no-such-unit")
    ui_settings.setValue("unit/figure_columns", ["44", "x"])
    window = show_window(qtbot, store, ui_settings)
    area = _available(window)
    assert (window.width(), window.height()) == (int(area.width * 0.9), int(area.height * 0.9))
    assert window.tabs.currentWidget() is window.summary_tab


def test_column_widths_wider_than_the_screen_are_not_restored(qtbot, store, ui_settings):
    window = show_window(qtbot, store, ui_settings)
    window.open_unit("kinh-te")
    view = window.unit_tabs["kinh-te"].view
    qtbot.wait(1)
    widths = [view.columnWidth(c) for c in range(view.model().columnCount())]
    window.close()
    ui_settings.setValue("unit/figure_columns", [widths[0], 5000, *widths[2:]])
    second = show_window(qtbot, store, ui_settings)
    second.open_unit("kinh-te")
    qtbot.wait(1)
    assert second.unit_tabs["kinh-te"].view.columnWidth(1) == widths[1]


def test_dialogs_are_sized_from_the_screen_and_answer_enter_and_esc(qtbot, store, ui_settings):
    from kh_desktop.ui.conflict_dialog import ConflictDialog
    from kh_desktop.ui.history_dialog import HistoryDialog
    from kh_desktop.ui.settings_dialog import SettingsDialog

    window = show_window(qtbot, store, ui_settings)
    area = _available(window)
    conflicts = ConflictDialog([], window)  # asks for 1040×640
    qtbot.addWidget(conflicts)
    assert (conflicts.width(), conflicts.height()) == (
        min(1040, int(area.width * 0.9)),
        min(640, int(area.height * 0.9)),
    )

    store.record("1", "2026-Q1", "4,5")
    history = HistoryDialog("1 – Quý I", store.history("1", "2026-Q1"), window)
    settings = SettingsDialog(store.plan.units, None, "Lan", parent=window)
    for dialog, target, enter_result in (
        (history, history.findChild(QTableView), QDialog.DialogCode.Rejected),  # its only button: Đóng
        (settings, settings.person_edit, QDialog.DialogCode.Accepted),
    ):
        qtbot.addWidget(dialog)
        for key, expected in ((Qt.Key.Key_Escape, QDialog.DialogCode.Rejected), (Qt.Key.Key_Return, enter_result)):
            dialog.setResult(-1)
            dialog.open()
            qtbot.waitExposed(dialog)
            target.setFocus()  # not on a button: Enter must reach the dialog's default button
            qtbot.keyClick(target, key)
            assert not dialog.isVisible(), (type(dialog).__name__, key)
            assert dialog.result() == expected


def test_every_menu_entry_has_its_own_alt_letter(qtbot, store, ui_settings):
    from kh_desktop.ui.keyboard import _marked_letter

    window = show_window(qtbot, store, ui_settings)
    bar_letters = [_marked_letter(a.text()) for a in window.menuBar().actions()]
    assert None not in bar_letters and len(set(bar_letters)) == len(bar_letters)
    for name, menu in window.menus.items():
        letters = [_marked_letter(a.text()) for a in menu.actions() if not a.isSeparator()]
        assert None not in letters, (name, [a.text() for a in menu.actions()])
        assert len(set(letters)) == len(letters), (name, letters)


def test_tabs_and_the_grid_by_keyboard(qtbot, store, ui_settings):
    window = show_window(qtbot, store, ui_settings)
    window.activateWindow()
    view_menu = window.menus["view"]
    kinh_te = next(a for a in view_menu.actions() if plain_text(a.text()) == "Phòng Kinh tế")
    assert kinh_te.shortcut().toString() == "Ctrl+2"
    kinh_te.trigger()
    tab = window.unit_tabs["kinh-te"]
    assert window.tabs.currentWidget() is tab
    assert tab.view.hasFocus() or window.focusWidget() is tab.view
    # Tab moves along the row, as in Excel; Ctrl+Tab leaves the grid for the next control.
    tab.select_cell(0)
    column = tab.view.currentIndex().column()
    qtbot.keyClick(tab.view, Qt.Key.Key_Tab)
    assert tab.view.currentIndex().column() == column + 1
    qtbot.keyClick(tab.view, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert plain_text(window.focusWidget().text()) == "Lưu biểu đồ thành ảnh PNG…"  # past the chart to its button
    assert tab.sections.currentIndex() == 0  # the focus moved on; the section ("Chỉ tiêu") did not change

    # Tab out of a dialog's read-only table reaches its buttons (Qt's default would move between the cells).
    store.record("1", "2026-Q1", "4,5")
    from kh_desktop.ui.history_dialog import HistoryDialog

    dialog = HistoryDialog("1 – Quý I", store.history("1", "2026-Q1"), window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.findChild(QTableView)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert plain_text(dialog.focusWidget().text()) == "Đóng"


@pytest.mark.parametrize("scale_text", ["1366x768"])
def test_screenshot_script_exists_and_names_the_sizes(scale_text):
    from tests.conftest import ROOT

    script = (ROOT / "scripts" / "screenshots.sh").read_text(encoding="utf-8")
    assert scale_text in script and "1920x1080" in script and "QT_SCALE_FACTOR" in script


def test_enter_in_the_import_log_closes_it_rather_than_printing(qtbot, store, ui_settings, tmp_path, plan_text):
    """Its first buttons print or save a receipt; Enter must take the default, "Đóng"."""
    from kh_desktop.exchange.receive import receive_files
    from kh_desktop.exchange.send import send
    from kh_desktop.ui.exchange_actions import ImportLogDialog
    from tests.exchange_helpers import approve_pcs, make_pc, record_some

    unit = make_pc(tmp_path, "kt", plan_text, "kinh-te")
    approve_pcs(store, unit)  # as Văn phòng does once for the unit's PC
    record_some(unit, "kinh-te")
    sent = send(unit, tmp_path / "usb")
    unit.close()
    receive_files(store, [sent])
    window = show_window(qtbot, store, ui_settings)
    dialog = ImportLogDialog(store, window)
    qtbot.addWidget(dialog)
    assert dialog.print_button.isEnabled()
    dialog.open()
    qtbot.waitExposed(dialog)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, Qt.Key.Key_Return)
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected


def test_a_maximized_window_comes_back_maximized(qtbot, store, ui_settings):
    first = show_window(qtbot, store, ui_settings)
    first.showMaximized()
    qtbot.waitUntil(first.isMaximized)
    first.close()
    second = show_window(qtbot, store, ui_settings)
    assert second.isMaximized()


def test_tables_narrow_their_columns_on_a_narrow_screen_but_not_below_two_thirds():
    from kh_desktop.ui.screen_fit import column_scale

    assert column_scale(1920, 1250) == 1.0
    assert column_scale(1366, 1250) == 0.9648  # (1366 − 160) / 1250
    assert column_scale(911, 1250) == 0.66  # (911 − 160) / 1250 = 0,6008: held at two thirds
