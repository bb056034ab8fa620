"""The window on a real temporary database: typing, refusals, undo, Tổng hợp counts, models."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from kh_desktop.domain.evaluation import EXCEEDED, NO_DATA, NOT_MET
from kh_desktop.domain.periods import Period
from kh_desktop.storage.store import Store
from kh_desktop.ui.figures_table_model import COL_ACTUAL, COL_NOTE, COL_VERDICT, FiguresTableModel
from kh_desktop.ui.main_window import MainWindow
from kh_desktop.ui.store_service import StoreService
from kh_desktop.ui.summary_tab import COL_VERDICT_FIRST, SummaryTableModel, summarize
from tests.conftest import show_window

Q1 = Period(2026, "Q", 1)


@pytest.fixture
def window(qtbot, store, ui_settings):
    win = show_window(qtbot, store, ui_settings)
    # Tổng hợp counts right after the window's first paint (start-up): wait for them.
    qtbot.waitUntil(lambda: win.summary_tab.model.rowCount() > 0)
    return win


def _row_of(model, code: str) -> int:
    for row in range(model.rowCount()):
        if model.indicator_at(row).code == code and not model.is_baseline_row(row):
            return row
    raise AssertionError(code)


def _type_into(qtbot, tab, code: str, text: str) -> None:
    """Select the cell, type like a user (the first key opens the editor), press Enter."""
    view, model = tab.view, tab.model
    row = _row_of(model, code)
    tab.select_cell(row, COL_ACTUAL)
    view.setFocus()
    qtbot.keyClick(view, text[0])
    editors = [e for e in view.findChildren(QLineEdit) if e.isVisible()]  # closed ones await deletion
    assert len(editors) == 1
    editor = editors[0]
    qtbot.keyClicks(editor, text[1:])
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    # Qt commits an editor on Enter through a queued call: wait until the editor has closed.
    qtbot.waitUntil(lambda: view.state() != view.State.EditingState)


def _summary_counts(window, unit_id: str) -> dict:
    model = window.summary_tab.model
    for row in range(model.rowCount()):
        if model.row(row).unit_id == unit_id:
            return model.row(row).counts
    raise AssertionError(unit_id)


def test_typed_figure_arrives_in_store_grid_and_summary(qtbot, window):
    tab = window.unit_tabs["vh-xh"]
    window.open_unit("vh-xh")
    assert window.current_period() == Q1
    before = _summary_counts(window, "vh-xh")[EXCEEDED]

    _type_into(qtbot, tab, "11", "97,5")  # BHYT target 2026 ≥96

    store: Store = window.service.store
    figure = store.figure("11", "2026-Q1")
    assert figure is not None and figure.value == 97.5
    row = _row_of(tab.model, "11")
    assert tab.model.index(row, COL_ACTUAL).data() == "97,5"
    assert "Vượt" in tab.model.index(row, COL_VERDICT).data()
    window.tabs.setCurrentWidget(window.summary_tab)  # what the user looks at next
    assert _summary_counts(window, "vh-xh")[EXCEEDED] == before + 1
    # Enter moved down to the next row, like a spreadsheet
    assert tab.view.currentIndex().row() == row + 1
    assert window.service.store.figure("11", "2026-Q1").entered_by == window.service.person


def test_refused_value_leaves_store_unchanged_and_says_why(qtbot, window):
    tab = window.unit_tabs["vh-xh"]
    window.open_unit("vh-xh")
    store = window.service.store
    _type_into(qtbot, tab, "11", "96")
    revision = store.revision

    _type_into(qtbot, tab, "11", "1.5")  # ambiguous: a dot is only a thousands separator
    assert store.figure("11", "2026-Q1").value == 96.0
    assert store.revision == revision
    assert tab.view.bubble.isVisible()
    assert "1.5" in tab.view.bubble.text() and "dấu phẩy" in tab.view.bubble.text()

    _type_into(qtbot, tab, "11", "150")  # a share cannot exceed 100%
    assert store.figure("11", "2026-Q1").value == 96.0
    assert "100" in tab.view.bubble.text()
    assert store.revision == revision


def test_undo_and_redo_restore_figures(qtbot, window):
    tab = window.unit_tabs["vh-xh"]
    window.open_unit("vh-xh")
    store = window.service.store
    _type_into(qtbot, tab, "11", "95")
    _type_into(qtbot, tab, "11", "97")
    assert store.figure("11", "2026-Q1").value == 97.0

    window.undo_action.trigger()
    assert store.figure("11", "2026-Q1").value == 95.0
    row = _row_of(tab.model, "11")
    assert tab.model.index(row, COL_ACTUAL).data() == "95"
    window.undo_action.trigger()
    assert store.figure("11", "2026-Q1") is None
    window.redo_action.trigger()
    assert store.figure("11", "2026-Q1").value == 95.0
    # undo is itself a new revision: history keeps every step
    assert len(store.history("11", "2026-Q1")) == 5


def test_ctrl_z_shortcut_undoes(qtbot, window):
    tab = window.unit_tabs["kinh-te"]
    window.open_unit("kinh-te")
    store = window.service.store
    _type_into(qtbot, tab, "3", "185")
    tab.view.setFocus()
    qtbot.keyClick(tab.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert store.figure("3", "2026-Q1") is None


def test_paste_column_from_excel_is_one_undo_step(qtbot, window):
    tab = window.unit_tabs["kinh-te"]
    store = window.service.store
    row = _row_of(tab.model, "1")
    tab.select_cell(row, COL_ACTUAL)
    tab.view.paste_text("19,5\r\n17\r\nabc\r\n4,5\r\n")
    assert store.figure("1", "2026-Q1").value == 19.5
    assert store.figure("1.1", "2026-Q1").value == 17.0
    assert store.figure("1.2", "2026-Q1") is None  # "abc" refused, listed
    assert store.figure("1.3", "2026-Q1").value == 4.5
    assert "abc" in tab.view.bubble.text()
    window.undo_action.trigger()
    assert store.figure("1", "2026-Q1") is None and store.figure("1.3", "2026-Q1") is None


def test_word_target_and_note_invitation(qtbot, window):
    tab = window.unit_tabs["vh-xh"]
    model = tab.model
    row = _row_of(model, "11")
    assert model.setData(model.index(row, COL_ACTUAL), "90")
    assert model.index(row, COL_VERDICT).data().endswith("Không đạt")
    assert "giải trình" in model.index(row, COL_NOTE).data()
    assert model.setData(model.index(row, COL_NOTE), "Thiếu kinh phí")
    assert window.service.store.figure("11", "2026-Q1").note == "Thiếu kinh phí"

    window.period_selector.set_period(Period(2027, "Y"))
    assert model.period == Period(2027, "Y")
    assert ui_value(window.settings) == "2027"
    row20 = _row_of(model, "20")
    from kh_desktop.ui.figures_table_model import WORDS_ROLE

    assert "Đạt" in model.index(row20, COL_ACTUAL).data(WORDS_ROLE)
    assert not model.setData(model.index(row20, COL_ACTUAL), "Tốt")
    assert model.setData(model.index(row20, COL_ACTUAL), "Đạt")
    assert window.service.store.figure("20", "2027").value == "Đạt"


def ui_value(settings):
    return settings.value("period/current")


def test_baseline_row_and_read_only_rows_on_one_unit_pc(qtbot, store, ui_settings):
    store.set_pc_unit("kinh-te")
    service = StoreService(store)
    win = MainWindow(service, ui_settings)
    qtbot.addWidget(win)
    model = win.unit_tabs["kinh-te"].model
    baseline_row = next(r for r in range(model.rowCount()) if model.is_baseline_row(r))
    assert model.setData(model.index(baseline_row, COL_ACTUAL), "120")
    assert store.baselines()["5"] == 120.0

    other = win.unit_tabs["vh-xh"].model
    assert not other.flags(other.index(0, COL_ACTUAL)) & Qt.ItemFlag.ItemIsEditable
    assert not other.setData(other.index(0, COL_ACTUAL), "50")
    shared = _row_of(model, "14")  # shared with VH-XH, editable on the Kinh tế PC
    assert model.flags(model.index(shared, COL_ACTUAL)) & Qt.ItemFlag.ItemIsEditable


def test_unit_without_indicators_shows_empty_state(window):
    tab = window.unit_tabs["tt-dvsnc"]
    assert tab.model is None
    assert "không được giao chỉ tiêu" in tab.empty_message.text()
    assert tab.sections.tabText(0) == "Chỉ tiêu"


def test_summary_click_opens_unit_tab(qtbot, window):
    table = window.summary_tab.table
    index = window.summary_tab.model.index(1, 0)
    table.clicked.emit(index)
    assert window.tabs.currentWidget() is window.unit_tabs["vh-xh"]


def test_summary_counts_follow_store(store):
    store.record("11", "2026-Q1", "90")
    rows = summarize(store, Q1)
    vhxh = next(r for r in rows if r.unit_id == "vh-xh")
    assert vhxh.counts[NOT_MET] == 1 and vhxh.entered == 1
    # The commune row counts each of the annex's 36 rows once (14, shared by two units, too).
    assert rows[-1].unit_id is None and rows[-1].indicators == 36
    assert rows[-1].counts[NO_DATA] == rows[-1].indicators - 1


def test_models_pass_qtmodeltester(qtmodeltester, store):
    store.record("11", "2026-Q1", "97,5", estimate=True, note="ước")
    store.record("5", "baseline", "100")
    service = StoreService(store)
    for unit in store.plan.units:
        qtmodeltester.check(FiguresTableModel(service, unit.id, Q1))
    summary = SummaryTableModel()
    summary.set_rows(summarize(store, Q1), Q1.label)
    qtmodeltester.check(summary)
    from kh_desktop.ui.history_dialog import HistoryTableModel

    store.record("11", "2026-Q1", "98")
    qtmodeltester.check(HistoryTableModel(store.history("11", "2026-Q1")))
    assert summary.index(0, COL_VERDICT_FIRST).data() is not None
