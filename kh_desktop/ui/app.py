"""Starting the window: the Qt application, the first-start questions, and --snapshot."""

from __future__ import annotations

import os
import sys
import time
import unicodedata
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QSettings, QTimer
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox, QStyleFactory

from .. import APP_NAME
from ..domain.errors import UserError
from ..paths import default_plan_path, portable_settings_path, resource
from ..storage.files import StoreError
from ..storage.store import ALL_UNITS, Store

ORGANIZATION = "UBND xa Kien Hai"
APPLICATION = "KienHaiTienDo"


def slugify(text: str) -> str:
    """'Phòng Văn hóa – Xã hội' → 'phong-van-hoa-xa-hoi' (file names for snapshots)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    ascii_text = unicodedata.normalize("NFD", text).encode("ascii", "ignore").decode()
    words = "".join(ch.lower() if ch.isalnum() else " " for ch in ascii_text).split()
    return "-".join(words)


def light_palette() -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#f5f5f4",
        QPalette.ColorRole.WindowText: "#111827",
        QPalette.ColorRole.Base: "#ffffff",
        QPalette.ColorRole.AlternateBase: "#f9fafb",
        QPalette.ColorRole.ToolTipBase: "#fffbeb",
        QPalette.ColorRole.ToolTipText: "#111827",
        QPalette.ColorRole.PlaceholderText: "#6b7280",
        QPalette.ColorRole.Text: "#111827",
        QPalette.ColorRole.Button: "#e7e5e4",
        QPalette.ColorRole.ButtonText: "#111827",
        QPalette.ColorRole.BrightText: "#b91c1c",
        QPalette.ColorRole.Highlight: "#2563eb",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#1d4ed8",
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#9ca3af"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#9ca3af"))
    return palette


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    app.setApplicationDisplayName(APP_NAME)
    app.setWindowIcon(QIcon(str(resource("icons", "app.png"))))
    QLocale.setDefault(QLocale(QLocale.Language.Vietnamese, QLocale.Country.Vietnam))
    app.setStyle(QStyleFactory.create("Fusion"))
    app.setPalette(light_palette())
    return app


def _error(title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Critical, title, text)
    box.addButton("Đóng", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def install_error_hook(window) -> None:
    """The window's one catch-all for refusals: a UserError no view handled is shown as a message, not a crash.

    Anything else goes on to the previous hook (a programming error keeps its traceback)."""
    previous = sys.excepthook

    def hook(kind, exc, tb) -> None:
        if isinstance(exc, UserError):
            show_user_error(window, exc)
        else:
            previous(kind, exc, tb)

    sys.excepthook = hook


def show_user_error(parent, exc: UserError) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, "Không thực hiện được", str(exc), parent=parent)
    box.addButton("Đóng", QMessageBox.ButtonRole.AcceptRole)
    box.open()  # window-modal, does not block the slot that failed
    return box


def open_or_create(db: Path, snapshot: bool) -> Store | None:
    """Open the database, or create it after the first-start questions (none for --snapshot).

    A damaged database is replaced by its newest good backup (the damaged file kept aside) and the person is told
    so; with no good backup they choose between a new empty database and quitting (exchange/recovery.py)."""
    if db.exists() and db.stat().st_size > 0:
        return _open_existing(db, snapshot)
    plan_text = default_plan_path().read_text(encoding="utf-8")
    if snapshot:
        return Store.create(db, plan_text, ALL_UNITS, "")
    from ..domain.plan import load_plan_text
    from .settings_dialog import SettingsDialog

    plan = load_plan_text(plan_text)
    dialog = SettingsDialog(plan.units, None, "", first_start=True)
    if not dialog.exec():
        return None
    unit_id, person = dialog.values()
    return Store.create(db, dialog.plan_text or plan_text, unit_id or ALL_UNITS, person)


def _open_existing(db: Path, snapshot: bool) -> Store | None:
    from ..exchange.recovery import NO_BACKUP, OPENED, RESTORED, open_at_start, start_fresh

    outcome = open_at_start(db)
    if outcome.status == OPENED:
        return outcome.store
    if outcome.status == RESTORED:
        if snapshot:
            print(outcome.message, file=sys.stderr)
        else:
            _notice("Đã khôi phục tệp dữ liệu", outcome.message)
        return outcome.store
    if outcome.status == NO_BACKUP and not snapshot and _ask_start_fresh(outcome.message):
        aside = start_fresh(db)
        _notice(
            "Tạo tệp dữ liệu mới",
            f"Tệp hỏng đã được giữ lại ở:\n{aside}\n\nTiếp theo: chọn đơn vị và người nhập.",
        )
        return open_or_create(db, snapshot)
    if outcome.status == NO_BACKUP:
        if snapshot:
            raise StoreError(outcome.message)
        return None  # the person chose to quit: the damaged file stays where it was
    raise StoreError(outcome.message)


def _notice(title: str, text: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, text)
    box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 560px; }")  # a long message reads better wide than tall
    box.addButton("Đã hiểu", QMessageBox.ButtonRole.AcceptRole)
    box.exec()


def _ask_start_fresh(text: str) -> bool:
    box = QMessageBox(QMessageBox.Icon.Critical, "Tệp dữ liệu bị hỏng", text)
    box.setStyleSheet("QLabel#qt_msgbox_label { min-width: 560px; }")  # a long message reads better wide than tall
    fresh = box.addButton("Tạo tệp dữ liệu mới (trống)", QMessageBox.ButtonRole.AcceptRole)
    quit_button = box.addButton("Thoát", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(quit_button)
    box.exec()
    return box.clickedButton() is fresh


def run_app(args) -> int:
    snapshot_dir = Path(args.snapshot) if getattr(args, "snapshot", None) else None
    if snapshot_dir is not None:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"  # pictures only: no window on the screen
    app = make_application()
    try:
        store = open_or_create(Path(args.db), snapshot_dir is not None)
    except (UserError, OSError) as exc:
        if snapshot_dir is not None:
            print(f"Lỗi: {exc}", file=sys.stderr)
        else:
            _error(APP_NAME, str(exc))
        return 2
    if store is None:
        return 0

    from .main_window import MainWindow
    from .store_service import StoreService

    service = StoreService(store)
    # KH_SETTINGS_INI: an INI file for the window's settings instead of the registry (tests keep theirs in a
    # temporary folder with it; support can use it to start with clean settings).
    ini = os.environ.get("KH_SETTINGS_INI") or portable_settings_path()
    settings = QSettings(str(ini), QSettings.Format.IniFormat) if ini else QSettings(ORGANIZATION, APPLICATION)
    window = MainWindow(service, settings)
    try:
        if snapshot_dir is not None:
            return take_snapshots(app, window, snapshot_dir)
        install_error_hook(window)
        window.show()
        # A checked, rotated copy in sao-luu/ at each start, on a thread of its own once the window is shown.
        QTimer.singleShot(0, lambda: _start_backup(service.store.path))
        if os.environ.get("KH_EXIT_WHEN_SHOWN") == "1":
            # Start-up measurements (benchmarks, packaging checks): leave once the shown window's first
            # events (show, expose, paint) have been handled.
            QTimer.singleShot(0, lambda: _leave_when_shown(app))
        return app.exec()
    finally:
        window.close()
        window.deleteLater()
        QCoreApplication.sendPostedEvents(None, 0)
        from ..exchange.backups import wait_for_startup_backup

        wait_for_startup_backup(store.path)
        store.close()


def _leave_when_shown(app: QApplication) -> None:
    # KH_SHOWN_AT: a file that receives the moment the window was shown (seconds since the epoch), so that a
    # benchmark times launch → shown without the tear-down that follows (benchmarks/floor_window.py does the same).
    where = os.environ.get("KH_SHOWN_AT")
    if where:
        Path(where).write_text(repr(time.time()), encoding="ascii")
    app.quit()


def _start_backup(db_path: Path) -> None:
    from ..exchange.backups import startup_backup_in_background

    startup_backup_in_background(db_path)


def take_snapshots(app: QApplication, window, directory: Path) -> int:
    """Show each tab in turn and save one PNG per tab, named by the tab."""
    directory.mkdir(parents=True, exist_ok=True)
    window.resize(1400, 900)
    window.show()
    written = []
    for title, page in window.tab_pages():
        window.tabs.setCurrentWidget(page)
        for _ in range(3):
            app.processEvents()
        path = directory / f"{slugify(title)}.png"
        if not window.grab().save(str(path), "PNG"):
            print(f"Lỗi: không ghi được {path}", file=sys.stderr)
            return 2
        written.append(path.name)
    print(f"Đã chụp {len(written)} ảnh vào {directory}: {', '.join(written)}")
    QTimer.singleShot(0, app.quit)
    return 0
