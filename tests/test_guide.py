"""The user guide: opened from Trợ giúp, its screenshots found, every menu entry it names present, printable."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from kh_desktop.paths import guide_path
from kh_desktop.ui.main_window import MainWindow
from kh_desktop.ui.store_service import StoreService

GUIDE = guide_path()


@pytest.fixture
def window(qtbot, store, ui_settings):
    win = MainWindow(StoreService(store), ui_settings)
    qtbot.addWidget(win)
    return win


def test_guide_opens_from_help_with_both_parts_and_its_pictures(window, qtbot):
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QTextDocument

    help_entries = [a.text().replace("&", "") for a in window.menus["help"].actions()]
    assert "Hướng dẫn sử dụng…" in help_entries
    dialog = window.open_guide()
    qtbot.addWidget(dialog)
    assert dialog.loaded
    text = dialog.browser.toPlainText()
    assert "Phần A. Cán bộ đơn vị" in text and "Phần B. Văn phòng HĐND và UBND xã" in text
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", GUIDE.read_text(encoding="utf-8"))
    assert len(pictures) >= 3
    for picture in pictures:
        assert (GUIDE.parent / picture).is_file(), picture
        image = dialog.browser.document().resource(QTextDocument.ResourceType.ImageResource, QUrl(picture))
        assert image is not None and not image.isNull(), picture


def test_every_menu_entry_the_guide_names_exists(window):
    """“**Báo cáo → Lưu báo cáo PDF…**” in the guide must be a real entry, so the guide changes with the program."""
    menus = {m.title().replace("&", ""): m for m in window.menus.values()}
    named = re.findall(r"\*\*([^*→]+?) → ([^*]+?)\*\*", GUIDE.read_text(encoding="utf-8"))
    assert len(named) >= 10
    for menu, entry in named:
        menu, entry = " ".join(menu.split()), " ".join(entry.split())
        assert menu in menus, menu
        entries = [" ".join(a.text().replace("&", "").split()) for a in menus[menu].actions()]
        assert entry in entries, (menu, entry, entries)


def test_guide_prints(window, qtbot, tmp_path):
    from PySide6.QtPrintSupport import QPrinter

    dialog = window.open_guide()
    qtbot.addWidget(dialog)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "huong-dan.pdf"))
    dialog.print_to(printer)
    reader = PdfReader(tmp_path / "huong-dan.pdf")
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert len(reader.pages) >= 3 and "Hướng dẫn sử dụng" in text
