"""The window's report and Excel actions: menus, printing through QPrinter, the import preview dialog."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kh_desktop.excel.export import export_workbook
from kh_desktop.excel.importer import apply_import, preview_import
from kh_desktop.ui.keyboard import plain_text
from kh_desktop.ui.main_window import MainWindow
from kh_desktop.ui.report_actions import ImportPreviewDialog
from kh_desktop.ui.store_service import StoreService
from tests.test_excel_roundtrip import columns_by_key, row_of


@pytest.fixture
def window(qtbot, store, ui_settings):
    win = MainWindow(StoreService(store), ui_settings)
    qtbot.addWidget(win)
    return win


def texts(menu) -> list[str]:
    return [plain_text(a.text()) for a in menu.actions() if a.text()]  # without the Alt-letter marks


def test_menus_hold_report_and_excel_actions(window):
    reports = texts(window.menus["reports"])
    assert "Xem trước khi in…" in reports and "In báo cáo…" in reports and "Lưu báo cáo PDF…" in reports
    assert any("giữa kỳ (2026 - 2028)" in t for t in reports) and any("cuối kỳ (2026 - 2030)" in t for t in reports)
    files = texts(window.menus["file"])
    assert {"Xuất Excel…", "Mẫu nhập liệu Excel…", "Nhập từ Excel…"} <= set(files)


def test_printing_paints_the_report_on_a_printer(window, tmp_path, store):
    from PySide6.QtPrintSupport import QPrinter

    store.record("1", "2026-Q1", 19.5)
    window.open_unit("kinh-te")
    actions = window.report_actions
    content, unit_id = actions._content()
    assert unit_id == "kinh-te" and content.unit_name == "Phòng Kinh tế"
    printer = actions._printer(content)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    actions._paint(printer, content)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(tmp_path / "printed.pdf").pages).split())
    assert "quý I năm 2026" in text and "19,5" in text and "PHÒNG KINH TẾ" in text


def test_import_preview_dialog_lists_changes_and_refuses_bad_files(qtbot, window, store, tmp_path):
    out = export_workbook(store, tmp_path / "x.xlsx")
    wb = load_workbook(out)
    ws = wb["P. Kinh tế"]
    ws.cell(row=row_of(ws, "7"), column=columns_by_key(ws)["value:2026"], value=90)
    wb.save(out)
    preview = preview_import(store, out)
    dialog = ImportPreviewDialog(preview, window)
    qtbot.addWidget(dialog)
    assert dialog.apply_button.text() == "Nhập 1 số liệu"
    from PySide6.QtWidgets import QPlainTextEdit

    shown = dialog.findChild(QPlainTextEdit).toPlainText()
    assert "7. Thu nhập bình quân đầu người — Năm 2026: (trống) → 90  (trang “P. Kinh tế”, ô" in shown
    assert "Danh mục" not in shown  # the hidden pick lists are not a sheet the user skipped
    dialog.grab().save(str(tmp_path / "preview.png"))
    seen = []
    window.service.figures_changed.connect(seen.append)
    window.service.notify(apply_import(store, preview))
    assert store.figure("7", "2026").value == 90.0 and seen and ("7", "2026") in seen[0].figures

    ws.cell(row=row_of(ws, "7"), column=columns_by_key(ws)["value:2026"], value="chín mươi")
    wb.save(out)
    bad = preview_import(store, out)
    dialog = ImportPreviewDialog(bad, window)
    qtbot.addWidget(dialog)
    assert (
        not hasattr(dialog, "apply_button")
        and "ô sai" in dialog.findChild(type(dialog.layout().itemAt(0).widget())).text()
    )


def test_word_report_saved_from_the_window(qtbot, window, store, tmp_path, monkeypatch):
    from docx import Document
    from PySide6.QtWidgets import QFileDialog

    from kh_desktop.domain.periods import Period

    assert "Lưu báo cáo Word (sửa tiếp trong Word)…" in texts(window.menus["reports"])
    store.record("4", "2026-Q1", 50)
    store.record("4", "2026-Q2", 60)
    store.record("4", "2026-Q3", 61)
    window.period_selector.set_period(Period(2026, "T", 9))
    window.open_unit("ban-qlda")
    out = tmp_path / "bao-cao.docx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(out), "")))
    window.report_actions.save_docx()
    qtbot.waitUntil(out.exists, timeout=20000)
    doc = Document(str(out))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "9 tháng năm 2026" in body and "đạt 171 tỷ đồng, bằng 81,4% kế hoạch năm" in body


def test_public_site_exported_from_the_window(qtbot, window, store, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QFileDialog

    from kh_desktop.domain.periods import Period

    assert "Xuất trang công khai…" in texts(window.menus["reports"])
    store.record("12", "2026-9T", 1200)
    window.period_selector.set_period(Period(2026, "T", 9))
    folder = tmp_path / "cong-khai"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(folder)))
    window.report_actions.publish()
    qtbot.waitUntil((folder / "vh-xh.html").exists, timeout=20000)
    qtbot.waitUntil((folder / "index.html").exists, timeout=20000)
    text = (folder / "vh-xh.html").read_text(encoding="utf-8")
    assert "9 tháng năm 2026" in text and "1.200" in text
