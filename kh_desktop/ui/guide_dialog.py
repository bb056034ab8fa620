"""Trợ giúp → Hướng dẫn sử dụng: the user guide (docs/huong-dan-su-dung.md, kept in the repository as text so it
changes with the program) shown with its screenshots, and printable."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from ..paths import guide_path


def load_guide(browser: QTextBrowser, path: Path | None = None) -> bool:
    """Show the guide in `browser` (images found beside it); False, with a Vietnamese line, when it is missing."""
    path = path or guide_path()
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        browser.setPlainText(f"Không tìm thấy tệp hướng dẫn {path}. Hãy cài lại chương trình.")
        return False
    browser.setSearchPaths([str(path.parent)])
    browser.document().setBaseUrl(path.parent.as_uri() + "/")
    browser.setMarkdown(text)
    _fit_images(browser.document(), IMAGE_WIDTH)
    return True


IMAGE_WIDTH = 860  # screenshots are 1400 px wide: shown (and printed) at the width of the text


def _fit_images(document, width: int) -> None:
    from PySide6.QtGui import QTextCursor

    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if fmt.isImageFormat():
                image = fmt.toImageFormat()
                image.setWidth(width)
                cursor = QTextCursor(document)
                cursor.setPosition(fragment.position())
                cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                cursor.setCharFormat(image)
            it += 1
        block = block.next()


class GuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, path: Path | None = None):
        super().__init__(parent)
        self.setWindowTitle("Hướng dẫn sử dụng")
        self.resize(980, 760)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)  # nothing in the guide leaves the program
        self.loaded = load_guide(self.browser, path)
        layout.addWidget(self.browser, 1)
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton("In…", QDialogButtonBox.ButtonRole.ActionRole)
        self.print_button.clicked.connect(self.print_guide)
        self.print_button.setEnabled(self.loaded)
        buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def print_to(self, printer) -> None:
        self.browser.document().print_(printer)

    def print_guide(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName("Hướng dẫn sử dụng")
        dialog = QPrintDialog(printer, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)
