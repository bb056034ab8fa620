"""Menu actions for paper and Excel: print preview, print, save PDF, review reports; Excel export/template/import.

Installed into the main window through ACTION_INSTALLERS. Writing files and reading workbooks run
through run_in_background with their own Store (a sqlite3 connection never crosses threads); the
import is applied on the UI thread after the user confirms, through service.apply_import (one undo step).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import UserError
from ..domain.periods import ReportPeriod
from ..storage.store import Store
from .background import run_in_background
from .screen_fit import fit_dialog


def _current_unit(window) -> str | None:
    """The unit whose tab is showing, or None on the commune summary."""
    current = window.tabs.currentWidget()
    for unit_id, tab in getattr(window, "unit_tabs", {}).items():
        if tab is current:
            return unit_id
    return None


# Saving a report: the dialog's title and file filter for each format.
SAVE_FORMATS = {
    ".pdf": ("Lưu báo cáo PDF", "Tệp PDF (*.pdf)"),
    ".docx": ("Lưu báo cáo Word", "Tệp Word (*.docx)"),
}


def _current_report_period(window) -> ReportPeriod:
    period = window.current_period()
    return ReportPeriod(period.year, period.year, period)


def _documents_dir() -> str:
    return QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())


def _file_name(window, rp: ReportPeriod, unit_id: str | None, suffix: str) -> str:
    unit = window.service.store.plan.unit_by_id(unit_id).short if unit_id else "toan-xa"
    safe = "".join(ch if ch.isalnum() else "-" for ch in unit).strip("-")
    return str(Path(_documents_dir()) / f"bao-cao-{rp.key}-{safe}{suffix}")


class ImportPreviewDialog(QDialog):
    """Shows what an Excel import would change (or its bad cells); returns accepted only to apply."""

    def __init__(self, preview, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Nhập từ Excel: xem trước")
        layout = QVBoxLayout(self)
        text = QPlainTextEdit(readOnly=True)
        buttons = QDialogButtonBox()
        if preview.problems:
            head = f"Tệp có {len(preview.problems)} ô sai. Chưa nhập gì: hãy sửa các ô dưới đây rồi nhập lại."
            text.setPlainText("\n".join(str(p) for p in preview.problems))
            buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        elif not preview.changes:
            head = "Tệp không có số liệu nào khác với dữ liệu hiện có. Không thay đổi gì."
            buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        else:
            head = f"Sẽ thay đổi {len(preview.changes)} số liệu (ghi một lần, có thể xem lại trong lịch sử):"
            text.setPlainText("\n".join(str(c) for c in preview.changes))
            self.apply_button = buttons.addButton(
                f"Nhập {len(preview.changes)} số liệu", QDialogButtonBox.ButtonRole.AcceptRole
            )
            buttons.addButton("Hủy", QDialogButtonBox.ButtonRole.RejectRole)
        if preview.unchanged and not preview.problems:
            text.appendPlainText(f"\nKhông đổi: {preview.unchanged} ô (giống dữ liệu đang có).")
        if preview.skipped_sheets:
            text.appendPlainText(
                "\n" + "Bỏ qua trang (chỉ để xem): {names}".format(names=", ".join(preview.skipped_sheets))
            )
        label = QLabel(head)
        label.setWordWrap(True)
        layout.addWidget(label)
        layout.addWidget(text, 1)
        layout.addWidget(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        fit_dialog(self, 820, 480)


class ReportActions:
    def __init__(self, window):
        self.window = window
        reports = window.menus["reports"]
        self._add(reports, "Xem trước khi in…", self.print_preview)
        self._add(reports, "In báo cáo…", self.print_report)
        self._add(reports, "Lưu báo cáo PDF…", self.save_pdf)
        self._add(reports, "Lưu báo cáo Word (sửa tiếp trong Word)…", self.save_docx)
        self._add(reports, "Xuất trang công khai…", self.publish)
        reports.addSeparator()
        plan = window.service.store.plan
        mid = ReportPeriod(plan.first_year, plan.mid_term_year)
        final = ReportPeriod(plan.first_year, plan.last_year)
        self._add(
            reports,
            f"Báo cáo đánh giá giữa kỳ ({mid.start_year} - {mid.end_year})…",
            lambda: self.save_pdf(mid),
        )
        self._add(
            reports,
            f"Báo cáo đánh giá cuối kỳ ({final.start_year} - {final.end_year})…",
            lambda: self.save_pdf(final),
        )
        file_menu = window.menus["file"]
        file_menu.addSeparator()
        self._add(file_menu, "Xuất Excel…", self.export_excel)
        self._add(file_menu, "Mẫu nhập liệu Excel…", self.write_template)
        self._add(file_menu, "Nhập từ Excel…", self.import_excel)

    def _add(self, menu, text: str, slot) -> QAction:
        action = QAction(text, self.window)
        action.triggered.connect(lambda _checked=False: slot())
        menu.addAction(action)
        return action

    @property
    def store(self) -> Store:
        return self.window.service.store

    def _content(self, rp: ReportPeriod | None = None):
        from ..reports.content import build_report

        rp = rp or _current_report_period(self.window)
        unit_id = _current_unit(self.window)
        return build_report(self.store, rp, unit_id), unit_id

    # ---- paper ----------------------------------------------------------------------------------

    def _printer(self, content):
        from PySide6.QtPrintSupport import QPrinter

        from ..reports.render import page_layout, wants_landscape

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setFullPage(True)
        printer.setPageLayout(page_layout(wants_landscape(content)))
        printer.setDocName(f"{content.title} {content.subject}")
        return printer

    def _ask_save_path(self, title: str, default: str, file_filter: str, suffix: str) -> str:
        """The path the user chose to save to, ending in `suffix` (added when left off); "" when cancelled."""
        path, _ = QFileDialog.getSaveFileName(self.window, title, default, file_filter)
        if path and not path.lower().endswith(suffix):
            path += suffix
        return path

    def _announce(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 15000)

    def _paint(self, printer, content) -> None:
        from ..reports.render import paint_report

        paint_report(printer, content, self.store.plan.last_year)

    def print_preview(self) -> None:
        from PySide6.QtPrintSupport import QPrintPreviewDialog

        content, _ = self._content()
        printer = self._printer(content)
        dialog = QPrintPreviewDialog(printer, self.window)
        dialog.setWindowTitle(f"Xem trước: {content.subject}")
        dialog.paintRequested.connect(lambda p: self._paint(p, content))
        fit_dialog(dialog, 1000, 800)
        dialog.exec()

    def print_report(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog

        content, _ = self._content()
        printer = self._printer(content)
        dialog = QPrintDialog(printer, self.window)
        dialog.setWindowTitle("In báo cáo")
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._paint(printer, content)

    def save_pdf(self, rp: ReportPeriod | None = None) -> None:
        self._save_report(".pdf", rp)

    def save_docx(self, rp: ReportPeriod | None = None) -> None:
        """The same report as an editable Word file, Section I drafted from the figures."""
        self._save_report(".docx", rp)

    def _save_report(self, suffix: str, rp: ReportPeriod | None) -> None:
        """Lay out the chosen period's report in the background and save it as PDF or Word (by `suffix`)."""
        rp = rp or _current_report_period(self.window)
        unit_id = _current_unit(self.window)
        title, file_filter = SAVE_FORMATS[suffix]
        path = self._ask_save_path(title, _file_name(self.window, rp, unit_id, suffix), file_filter, suffix)
        if not path:
            return
        db = self.store.path

        def work(progress):
            from ..reports.content import build_report

            with Store.open(db) as store:
                progress(20, "Đang lập báo cáo…")
                content = build_report(store, rp, unit_id)
                if suffix == ".pdf":
                    from ..reports.render import write_pdf

                    return write_pdf(content, path, store.plan.last_year)
                from ..reports.docx_report import write_docx
                from ..reports.narrative import draft_sentences

                return write_docx(content, draft_sentences(store, rp, unit_id), Path(path), store.plan.last_year)

        def done(result) -> None:
            if suffix == ".pdf":
                self._announce(f"Đã lưu báo cáo ({result} trang): {path}")
            else:
                self._announce(f"Đã lưu báo cáo Word: {result}. Phần I đã soạn sẵn từ số liệu: hãy đọc lại và sửa.")

        run_in_background(self.window, title, work, done)

    def publish(self) -> None:
        """The công khai site of the chosen period (the whole commune and each unit) into a folder."""
        rp = _current_report_period(self.window)
        default = str(Path(_documents_dir()) / f"cong-khai-{rp.key}")
        folder = QFileDialog.getExistingDirectory(
            self.window, f"Xuất trang công khai {rp.label}: chọn thư mục", default
        )
        if not folder:
            return
        db = self.store.path

        def work(progress):
            from ..reports.publish import publish_site

            with Store.open(db) as store:
                progress(20, "Đang lập trang công khai…")
                return publish_site(store, Path(folder), rp)

        run_in_background(
            self.window,
            "Xuất trang công khai",
            work,
            lambda pages: self._announce(
                f"Đã ghi {len(pages)} trang công khai vào {folder} (mở {pages[0].name} bằng trình duyệt)."
            ),
        )

    # ---- Excel ----------------------------------------------------------------------------------

    def export_excel(self) -> None:
        default = str(Path(_documents_dir()) / "chi-tieu-kien-hai.xlsx")
        path = self._ask_save_path("Xuất Excel", default, "Bảng tính Excel (*.xlsx)", ".xlsx")
        if not path:
            return
        db = self.store.path

        def work(progress):
            from ..excel.export import export_workbook

            with Store.open(db) as store:
                return export_workbook(store, path)

        run_in_background(
            self.window,
            "Xuất Excel",
            work,
            lambda out: self._announce(f"Đã xuất tệp Excel: {out}"),
        )

    def write_template(self) -> None:
        plan = self.store.plan
        unit_id = _current_unit(self.window) or self.store.pc_unit
        if unit_id is None:
            names = [u.name for u in plan.units]
            name, ok = QInputDialog.getItem(self.window, "Mẫu nhập liệu", "Mẫu cho đơn vị:", names, 0, False)
            if not ok:
                return
            unit_id = plan.unit(name).id
        rp = _current_report_period(self.window)
        unit = plan.unit_by_id(unit_id)
        default = str(Path(_documents_dir()) / f"mau-nhap-{rp.key}-{unit.id}.xlsx")
        path = self._ask_save_path(
            f"Mẫu nhập liệu: {unit.name}, {rp.label}",
            default,
            "Bảng tính Excel (*.xlsx)",
            ".xlsx",
        )
        if not path:
            return
        db = self.store.path

        def work(progress):
            from ..excel.export import write_template

            with Store.open(db) as store:
                return write_template(store, path, unit_id, rp)

        run_in_background(
            self.window,
            "Mẫu nhập liệu",
            work,
            lambda out: self._announce(f"Đã tạo mẫu nhập liệu: {out}"),
        )

    def import_excel(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self.window, "Nhập từ Excel", _documents_dir(), "Bảng tính Excel (*.xlsx);;Mọi tệp (*)"
        )
        if not path:
            return
        db = self.store.path

        def work(progress):
            from ..excel.importer import preview_import

            with Store.open(db) as store:
                progress(10, "Đang kiểm tra tệp…")
                return preview_import(store, path)

        run_in_background(self.window, "Nhập từ Excel", work, self._confirm_import)

    def _confirm_import(self, preview) -> None:
        dialog = ImportPreviewDialog(preview, self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted or not preview.ok or not preview.changes:
            return
        try:
            self.window.service.apply_import(preview)
        except UserError as exc:
            QMessageBox.warning(self.window, "Nhập từ Excel", str(exc))
            return
        self._announce(f"Đã nhập {len(preview.changes)} số liệu.")


def install(window) -> None:
    window.report_actions = ReportActions(window)
