"""The "Trao đổi dữ liệu" menu: send figures to Văn phòng, receive units' files (preview, then apply), the import
log with its receipt, backup now, restore. Long work runs through run_in_background with its own Store."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.merge import PREVIEW_STATUS_LABELS, RECEIVE_STATUS_LABELS
from ..domain.numbers import format_number
from ..storage.files import StoreError
from ..storage.store import Change, Store
from .background import Cancelled, run_in_background
from .screen_fit import fit_dialog

# The exchange code (receive, send, backups, the receipt) loads when a menu entry is first used, not at start.
if TYPE_CHECKING:
    from ..exchange.receive import FileSummary, ReceiveResult

STATUS_TEXT = PREVIEW_STATUS_LABELS
DONE_TEXT = RECEIVE_STATUS_LABELS


def install(window) -> None:
    actions = ExchangeActions(window)
    window.exchange_actions = actions
    menu = window.menus["exchange"]
    for text, slot in (
        ("Gửi số liệu về Văn phòng…", actions.send_figures),
        ("Nhận số liệu từ đơn vị…", actions.receive_figures),
        ("Nhật ký nhận số liệu…", actions.show_import_log),
        ("Máy đã đăng ký…", actions.show_pcs),
        (None, None),
        ("Sao lưu ngay", actions.backup),
        ("Khôi phục…", actions.restore_backup),
    ):
        if text is None:
            menu.addSeparator()
            continue
        action = QAction(text, window)
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
        menu.addAction(action)
        actions.menu_actions[text] = action


def _message(parent: QWidget, title: str, text: str, icon=QMessageBox.Icon.Information) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.button(QMessageBox.StandardButton.Ok).setText("Đóng")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.open()
    return box


def _receive_labelled(db: Path, files: list[str], progress, **options) -> tuple[ReceiveResult, dict[str, str]]:
    """Receive (or, with dry_run, preview) `files` with a Store of this thread's own; the units' display names.
    The progress dialog names each file as it is done (a city office receives a hundred at once). "Hủy" drops a
    preview; while receiving, it stops after the file in hand (each file is applied whole or not at all) and the
    person is told which files were received."""
    from ..exchange.receive import receive_files
    from ..storage.trust_store import unit_name as unit_label

    def file_done(done: int, total: int, name: str) -> bool:
        try:
            progress(10 + 85 * done // total, f"Đã xử lý {done}/{total} tệp: {name}")
        except Cancelled:
            if options.get("dry_run"):
                raise
            return False
        return True

    with Store.open(db) as store:
        result = receive_files(store, [Path(f) for f in files], progress=file_done, **options)
        labels = {s.unit: unit_label(store, s.unit) for s in result.summaries}
    return result, labels


class ExchangeActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.service = window.service
        self.menu_actions: dict[str, QAction] = {}
        self.last_box: QMessageBox | None = None
        self.preview: PreviewDialog | None = None
        self.last_result: ReceiveResult | None = None

    @property
    def db_path(self) -> Path:
        return self.service.store.path

    def _say(self, title: str, text: str, warn: bool = False) -> None:
        icon = QMessageBox.Icon.Warning if warn else QMessageBox.Icon.Information
        self.last_box = _message(self.window, title, text, icon)

    def _run(self, title: str, work, done):
        """Run `work` in the background, then `done` with its result; a failure is shown as a warning."""
        return run_in_background(self.window, title, work, done, lambda m: self._say(title, m, warn=True))

    # ---- send ---------------------------------------------------------------------------------------

    def send_figures(self, folder: str | None = None):
        title = "Gửi số liệu về Văn phòng"
        if folder is None:
            folder = QFileDialog.getExistingDirectory(self.window, "Chọn nơi ghi tệp gửi (ví dụ ổ USB)")
            if not folder:
                return None
        db = self.db_path

        from ..exchange.send import send

        def work(progress):
            progress(10, "Đang ghi tệp gửi số liệu…")
            with Store.open(db) as store:
                return send(store, Path(folder))

        def done(path: Path) -> None:
            self._say(
                title,
                f"Đã ghi tệp gửi số liệu:\n{path}\n\nThư mục: {path.parent}\n"
                "Hãy chuyển tệp này về Văn phòng HĐND và UBND xã (USB hoặc tin nhắn).",
            )

        return self._run(title, work, done)

    # ---- receive ------------------------------------------------------------------------------------

    def receive_figures(self, files: list[str] | None = None):
        title = "Nhận số liệu từ đơn vị"
        if files is None:
            files, _ = QFileDialog.getOpenFileNames(
                self.window, "Chọn các tệp số liệu nhận được", "", "Tệp số liệu (*.khtd);;Mọi tệp (*)"
            )
            if not files:
                return None
        db = self.db_path

        def work(progress):
            progress(10, "Đang kiểm tra các tệp…")
            return _receive_labelled(db, files, progress, dry_run=True)

        def done(outcome) -> None:
            result, labels = outcome
            self.preview = PreviewDialog(result.summaries, labels, self.window)
            self.preview.accepted.connect(lambda: self._apply(files))
            self.preview.open()

        return self._run(title, work, done)

    def _apply(self, files: list[str]):
        title = "Nhận số liệu từ đơn vị"
        db = self.db_path
        person = self.service.person

        from ..reports.receipt import COUNT_COLUMNS

        def work(progress):
            progress(10, "Đang sao lưu và nhận số liệu…")
            return _receive_labelled(db, files, progress, person=person)

        def done(outcome) -> None:
            result, labels = outcome
            self.last_result = result
            self.service.notify(result.change)
            lines = []
            if result.stopped:
                lines.append(
                    f"Đã dừng theo yêu cầu sau {format_number(len(result.summaries), 0)}/{format_number(len(files), 0)} "
                    "tệp. Các tệp sau chưa được nhận: chọn lại cả đợt để nhận tiếp (tệp đã nhận sẽ được bỏ qua).\n"
                )
            for s in result.summaries:
                who = labels.get(s.unit) or ""
                head = f"• {Path(s.file).name}{' — ' + who if who else ''}: {DONE_TEXT[s.status]}"
                if s.status in ("refused", "pending"):
                    lines.append(f"{head}\n   {s.reason}")
                else:
                    counts = ", ".join(f"{format_number(s.counts[k], 0)} {label.lower()}" for k, label in COUNT_COLUMNS)
                    lines.append(f"{head} ({counts})")
                if s.plan_versions:
                    lines.append(
                        f"   Đã nhận {format_number(s.plan_versions, 0)} bản điều chỉnh kế hoạch từ Văn phòng: chỉ tiêu "
                        "được đánh giá theo kế hoạch đã điều chỉnh."
                    )
            conflicts = sum(s.counts["conflicts"] for s in result.summaries)
            if conflicts:
                lines.append(
                    f"\nCó {format_number(conflicts, 0)} số liệu hai máy ghi khác nhau: cả hai được giữ, "
                    "ô số liệu được đánh dấu để người có thẩm quyền quyết định."
                )
            if result.backup:
                lines.append(f"\nĐã sao lưu trước khi nhận: {result.backup.name}")
            self._say(title, "\n".join(lines), warn=any(s.status == "refused" for s in result.summaries))
            waiting = {s.pc_id for s in result.summaries if s.status == "pending"}
            if waiting:
                self.ask_approval(sorted(waiting)[0])

        return self._run(title, work, done)

    # ---- PCs: approval and the list -----------------------------------------------------------------

    def show_pcs(self):
        from .pcs_dialog import PcsDialog

        dialog = self.pcs_dialog = PcsDialog(self.service.store, self.window)

        def approve() -> None:
            pc = dialog.selected()
            if pc is not None:
                self.ask_approval(pc["pc_id"])

        def revoke() -> None:
            pc = dialog.selected()
            if pc is None:
                return
            answer = QMessageBox.question(
                dialog,
                "Thu hồi máy",
                f"Thu hồi máy {pc['fingerprint'] or pc['pc_id']} ({pc['unit_name']})? Các tệp sau của máy này sẽ bị "
                "từ chối; số liệu đã nhận từ máy này vẫn được giữ.",
            )
            if answer == QMessageBox.StandardButton.Yes:
                from ..exchange.approval import revoke as revoke_pc

                revoke_pc(self.service.store, pc["pc_id"], person=self.service.person)
                dialog.load(self.service.store)

        dialog.approve_button.clicked.connect(approve)
        dialog.revoke_button.clicked.connect(revoke)
        dialog.open()
        return dialog

    def ask_approval(self, pc_id: str):
        """The approval dialog for a PC; approving binds it and receives its held files in the background."""
        from ..storage.trust_store import held_files, list_pcs
        from .pcs_dialog import ApprovalDialog

        store = self.service.store
        pc = next((p for p in list_pcs(store) if p["pc_id"] == pc_id), None)
        if pc is None:
            return None
        files = [h["file_name"] for h in held_files(store, pc_id)]
        dialog = self.approval = ApprovalDialog(store, pc, files, self.window)
        db, person = self.db_path, self.service.person

        def approved() -> None:
            unit = dialog.chosen_unit()

            def work(progress):
                from ..exchange.approval import approve
                from ..storage.trust_store import unit_name as unit_label

                progress(10, "Đang xác nhận máy và nhận các tệp đang chờ…")
                with Store.open(db) as own:
                    result = approve(own, pc_id, unit, person=person)
                    return result, {s.unit: unit_label(own, s.unit) for s in result.summaries}

            def done(outcome) -> None:
                result, _labels = outcome
                self.last_result = result
                self.service.notify(result.change)
                done_files = ", ".join(f"{Path(s.file).name}: {DONE_TEXT[s.status]}" for s in result.summaries)
                self._say("Xác nhận máy mới", f"Đã xác nhận máy {pc['fingerprint']}.\n{done_files}")
                if getattr(self, "pcs_dialog", None) is not None:
                    self.pcs_dialog.load(self.service.store)

            self._run("Xác nhận máy mới", work, done)

        dialog.accepted.connect(approved)
        dialog.open()
        return dialog

    # ---- import log ---------------------------------------------------------------------------------

    def show_import_log(self) -> ImportLogDialog:
        dialog = ImportLogDialog(self.service.store, self.window)
        self.log_dialog = dialog
        dialog.open()
        return dialog

    # ---- backup and restore -------------------------------------------------------------------------

    def backup(self):
        title = "Sao lưu ngay"
        db = self.db_path

        from ..exchange.backups import backup_now

        def work(progress):
            progress(10, "Đang sao lưu…")
            with Store.open(db) as store:
                return backup_now(store, "thu-cong")

        def done(path: Path) -> None:
            self._say(title, f"Đã sao lưu và kiểm tra bản sao:\n{path}")

        return self._run(title, work, done)

    def restore_backup(self) -> RestoreDialog:
        dialog = RestoreDialog(self.db_path, self.window)
        dialog.chosen.connect(self.restore_from)
        self.restore_dialog = dialog
        dialog.open()
        return dialog

    def restore_from(self, backup: str, confirm: bool = True) -> bool:
        title = "Khôi phục"
        if confirm:
            box = QMessageBox(
                QMessageBox.Icon.Question,
                title,
                f"Thay tệp dữ liệu đang dùng bằng bản sao lưu\n{backup}?\n\n"
                "Tệp đang dùng được giữ lại trong thư mục sao-luu, không bị xóa.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                self.window,
            )
            box.button(QMessageBox.StandardButton.Yes).setText("Khôi phục")
            box.button(QMessageBox.StandardButton.No).setText("Thôi")
            if box.exec() != QMessageBox.StandardButton.Yes:
                return False
        from ..exchange.backups import restore

        service = self.service
        path, plan_sha = service.store.path, service.store.plan_sha256
        before = {(f.code, f.period) for f in service.store.figures()}
        service.store.close()
        try:
            aside = restore(path, Path(backup), plan_sha)
        except StoreError as exc:
            service.store = Store.open(path)
            self._say(title, str(exc), warn=True)
            return False
        service.store = Store.open(path)
        service.undo_stack.clear()  # the edits it holds belong to the replaced file
        after = {(f.code, f.period) for f in service.store.figures()}
        service.notify(Change(frozenset(before | after), service.store.revision, kind="restore"))
        self._say(title, f"Đã khôi phục từ {Path(backup).name}.\nTệp trước khi khôi phục được giữ ở:\n{aside}")
        return True


class PreviewDialog(QDialog):
    """What receiving the chosen files would change, file by file, before anything is written."""

    def __init__(self, summaries: list[FileSummary], labels: dict[str, str], parent: QWidget | None = None):
        from ..reports.receipt import COUNT_COLUMNS

        super().__init__(parent)
        self.setWindowTitle("Xem trước số liệu sẽ nhận")
        layout = QVBoxLayout(self)
        good = [s for s in summaries if s.status in ("applied", "pending")]
        intro = QLabel(
            "Chưa có gì được ghi. Kiểm tra bảng dưới đây rồi bấm “Nhận số liệu” để ghi "
            f"{format_number(len(good), 0)} tệp (có sao lưu tự động trước khi ghi)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        headers = ["Tệp", "Đơn vị", "Kết quả", *(label for _, label in COUNT_COLUMNS), "Ghi chú"]
        self.table = QTableWidget(len(summaries), len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, s in enumerate(summaries):
            notes = s.reason or "; ".join(
                [f"{r['label']}: {r['reason']}" for r in s.refused] + [f"Xung đột: {c['label']}" for c in s.conflicts]
            )
            cells = [Path(s.file).name, labels.get(s.unit, ""), STATUS_TEXT[s.status]]
            cells += [
                "" if s.status in ("refused", "pending") else format_number(s.counts[k], 0) for k, _ in COUNT_COLUMNS
            ]
            cells.append(notes)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if 3 <= column < 3 + len(COUNT_COLUMNS):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox()
        self.apply_button = buttons.addButton("Nhận số liệu", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setEnabled(bool(good))
        buttons.addButton("Thôi", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_dialog(self, 980, 420)


class ImportLogDialog(QDialog):
    """Every file received at this PC, with a receipt (biên nhận) to print or save as PDF."""

    def __init__(self, store: Store, parent: QWidget | None = None):
        from ..reports.receipt import COUNT_COLUMNS, received_when
        from ..storage.exchange_store import import_log
        from ..storage.trust_store import unit_name as unit_label

        super().__init__(parent)
        self.store = store
        self.rows = import_log(store)
        self.setWindowTitle("Nhật ký nhận số liệu")
        layout = QVBoxLayout(self)
        headers = ["Thời điểm nhận", "Đơn vị", "Tệp", "Mốc phiên bản", *(label for _, label in COUNT_COLUMNS)]
        self.table = QTableWidget(len(self.rows), len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, r in enumerate(self.rows):
            cells = [received_when(r["received_at"]), unit_label(store, r["unit"]), r["file_name"]]
            cells += [format_number(r["pc_revision"], 0), *(format_number(r[k], 0) for k, _ in COUNT_COLUMNS)]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(r["archive_path"] if column == 2 else text)
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(
            QLabel(
                "Chọn các dòng cần in biên nhận (không chọn dòng nào: in tất cả)."
                if self.rows
                else "Chưa nhận tệp nào."
            )
        )
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox()
        self.print_button = buttons.addButton("In biên nhận…", QDialogButtonBox.ButtonRole.ActionRole)
        self.pdf_button = buttons.addButton("Lưu biên nhận (PDF)…", QDialogButtonBox.ButtonRole.ActionRole)
        for button in (self.print_button, self.pdf_button):
            button.setEnabled(bool(self.rows))
        buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        self.print_button.clicked.connect(self.print_receipt)
        self.pdf_button.clicked.connect(lambda: self.save_receipt())
        layout.addWidget(buttons)
        fit_dialog(self, 1000, 460)

    def chosen_rows(self) -> list[dict]:
        picked = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.rows[i] for i in picked] or list(self.rows)

    def save_receipt(self, dest: str | None = None) -> Path | None:
        from ..reports.receipt import write_receipt_pdf

        if dest is None:
            dest, _ = QFileDialog.getSaveFileName(self, "Lưu biên nhận", "bien-nhan-so-lieu.pdf", "PDF (*.pdf)")
            if not dest:
                return None
        return write_receipt_pdf(self.store, self.chosen_rows(), Path(dest))

    def print_receipt(self) -> None:
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        from ..reports.fonts import report_font_family
        from ..reports.receipt import receipt_html

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        document = QTextDocument()
        document.setHtml(receipt_html(self.store, self.chosen_rows(), family=report_font_family()))
        document.print_(printer)


class RestoreDialog(QDialog):
    """Pick a backup (newest first) or another file; the choice is checked before anything is replaced."""

    chosen = Signal(str)

    def __init__(self, db_path: Path, parent: QWidget | None = None):
        from ..exchange.backups import list_backups

        super().__init__(parent)
        self.setWindowTitle("Khôi phục từ bản sao lưu")
        self.backups = list_backups(db_path)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "Chọn bản sao lưu để khôi phục. Tệp đang dùng sẽ được giữ lại trong thư mục sao-luu."
                if self.backups
                else "Chưa có bản sao lưu nào trong thư mục sao-luu. Có thể chọn một tệp khác."
            )
        )
        self.table = QTableWidget(len(self.backups), 3)
        self.table.setHorizontalHeaderLabels(["Thời điểm", "Loại", "Tệp"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for row, backup in enumerate(self.backups):
            for column, text in enumerate((backup.when_label, backup.reason_label, backup.path.name)):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        if self.backups:
            self.table.selectRow(0)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton("Khôi phục bản đã chọn", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(bool(self.backups))
        other = QPushButton("Chọn tệp khác…")
        buttons.addButton(other, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton("Thôi", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self._take_selected)
        buttons.rejected.connect(self.reject)
        other.clicked.connect(self._take_other)
        layout.addWidget(buttons)
        fit_dialog(self, 760, 380)

    def _take_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self.accept()
            self.chosen.emit(str(self.backups[rows[0].row()].path))

    def _take_other(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Chọn tệp sao lưu", "", "Tệp dữ liệu (*.sqlite);;Mọi tệp (*)")
        if path:
            self.accept()
            self.chosen.emit(path)
