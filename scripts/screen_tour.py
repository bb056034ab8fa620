"""Open the real window on the current X display, then each dialog in turn, and save a picture of the whole screen
for each, so that anything off the screen or clipped shows. Run by scripts/screenshots.sh under Xvfb.

    python scripts/screen_tour.py OUT_DIR PREFIX

Prints one line per picture: the window's frame, the screen's available area, and whether the frame fits inside.
Exits 1 if anything did not fit. Works on a fresh database in a temporary folder with a few figures, tasks, a
backup and a received file, and settings in that folder too (never the user's own).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QSettings, QTimer  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget  # noqa: E402

from kh_desktop.paths import default_plan_path  # noqa: E402
from kh_desktop.storage.store import ALL_UNITS, Store  # noqa: E402
from kh_desktop.ui.app import make_application  # noqa: E402
from kh_desktop.ui.screen_fit import available_area  # noqa: E402

problems: list[str] = []


def settle(app: QApplication, rounds: int = 8) -> None:
    for _ in range(rounds):
        app.processEvents()
        QTimer.singleShot(40, lambda: None)
        loop = QEventLoop()
        QTimer.singleShot(40, loop.quit)
        loop.exec()


def shoot(app: QApplication, widget: QWidget, out: Path, name: str) -> None:
    settle(app)
    frame = widget.frameGeometry()
    area = available_area(widget)
    fits = (
        frame.x() >= area.x
        and frame.y() >= area.y
        and frame.x() + frame.width() <= area.right
        and frame.y() + frame.height() <= area.bottom
    )
    picture = QGuiApplication.primaryScreen().grabWindow(0)
    path = out / f"{name}.png"
    picture.save(str(path), "PNG")
    verdict = "vừa màn hình" if fits else "KHÔNG VỪA"
    print(
        f"{path.name}: {widget.windowTitle()!r} {frame.width()}×{frame.height()} tại ({frame.x()},{frame.y()}); "
        f"vùng dùng được {area.width}×{area.height} → {verdict}"
    )
    if not fits:
        problems.append(name)


def shoot_next_dialog(app: QApplication, out: Path, name: str, open_it) -> None:
    """Call `open_it` (which may block in exec()); picture the dialog it opens, then close that dialog."""
    done = {"shot": False}
    before = {id(w) for w in app.topLevelWidgets() if w.isVisible()}

    def find_and_shoot() -> None:
        candidates = [
            w
            for w in app.topLevelWidgets()
            if w.isVisible() and isinstance(w, QDialog | QMessageBox) and id(w) not in before
        ]
        if not candidates:
            QTimer.singleShot(100, find_and_shoot)
            return
        dialog = candidates[-1]
        shoot(app, dialog, out, name)
        done["shot"] = True
        dialog.reject()

    QTimer.singleShot(200, find_and_shoot)
    open_it()
    loop = QEventLoop()
    waited = 0
    while not done["shot"] and waited < 150:  # at most ~15 s for background work (receive preview)
        QTimer.singleShot(100, loop.quit)
        loop.exec()
        waited += 1
    if not done["shot"]:
        problems.append(f"{name} (không mở được)")
        print(f"{name}: không thấy hộp thoại nào mở ra")


def make_data(work: Path) -> tuple[Path, Path]:
    """A database for all units with some figures and a backup, and an exchange file from a unit's PC."""
    from kh_desktop.exchange.backups import backup_now
    from kh_desktop.exchange.send import send

    plan_text = default_plan_path().read_text(encoding="utf-8")
    db = work / "office" / "kien-hai-tien-do.sqlite"
    store = Store.create(db, plan_text, ALL_UNITS, "Nguyễn Thị Lan")
    store.record("1", "2026-Q1", "4,5", by="Nguyễn Thị Lan")
    store.record("1", "2026-Q2", "5,1", estimate=True, by="Nguyễn Thị Lan")
    backup_now(store, "thu-cong")
    store.close()
    unit_db = work / "unit" / "kien-hai-tien-do.sqlite"
    unit = Store.create(unit_db, plan_text, "kinh-te", "Trần Văn Nam")
    unit.record("1", "2026-Q3", "6", by="Trần Văn Nam")
    sent = send(unit, work / "usb")
    unit_pc = (unit.pc_id, unit.identity.public_key)
    unit.close()
    from kh_desktop.storage.trust_store import note_pc

    with Store.open(db) as office:  # a PC seen but not approved yet: what "Xác nhận máy mới" shows
        note_pc(office, *unit_pc, "kinh-te", sent.name)
    return db, sent


def main() -> int:
    out, prefix = Path(sys.argv[1]), sys.argv[2]
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="kh-screens-"))
    db, sent = make_data(work)

    app = make_application()
    from kh_desktop.ui.main_window import MainWindow
    from kh_desktop.ui.store_service import StoreService

    service = StoreService(Store.open(db))
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("period/current", "2026-Q2")
    window = MainWindow(service, settings)
    window.show()
    shoot(app, window, out, f"{prefix}-tong-hop")
    window.open_unit("kinh-te")
    tab = window.unit_tabs["kinh-te"]
    shoot(app, window, out, f"{prefix}-phong-kinh-te")

    tab.select_cell(0)
    dialogs = [
        ("cai-dat", window.open_settings),
        ("gioi-thieu", window._about),
        ("cach-nhap", window._how_to),
        ("lich-su-so-lieu", lambda: tab._open_history(tab.view.currentIndex())),
        ("xem-truoc-khi-in", window.report_actions.print_preview),
        ("them-nhiem-vu", tab.tasks_panel.add_task),
        ("nhap-excel-xem-truoc", lambda: _import_preview(window, work)),
        ("nhan-so-lieu-xem-truoc", lambda: window.exchange_actions.receive_figures([str(sent)])),
        ("nhat-ky-nhan", window.exchange_actions.show_import_log),
        ("khoi-phuc", window.exchange_actions.restore_backup),
        ("xung-dot", window.conflict_actions.open_dialog),
        ("ma-may-nay", window.show_fingerprint),
        ("may-da-dang-ky", window.exchange_actions.show_pcs),
    ]
    from kh_desktop.storage.trust_store import list_pcs

    waiting = [pc for pc in list_pcs(service.store) if pc["status"] != "approved"]
    if waiting:
        pc_id = waiting[0]["pc_id"]
        dialogs.append(("xac-nhan-may-moi", lambda: window.exchange_actions.ask_approval(pc_id)))
    if tab.tasks_panel.proxy.rowCount():
        tab.sections.setCurrentWidget(tab.tasks_panel)
        tab.tasks_panel.view.selectRow(0)
        shoot(app, window, out, f"{prefix}-nhiem-vu")
        dialogs.append(("lich-su-nhiem-vu", tab.tasks_panel.show_history))
    for name, open_it in dialogs:
        shoot_next_dialog(app, out, f"{prefix}-{name}", open_it)
    window.close()
    service.store.close()
    if problems:
        print("Không vừa màn hình: " + ", ".join(problems))
        return 1
    return 0


def _import_preview(window, work: Path) -> None:
    """The Excel import preview of a workbook exported before a figure was cleared: one change to bring back."""
    from kh_desktop.excel.export import export_workbook
    from kh_desktop.excel.importer import preview_import

    store = window.service.store
    path = work / "xuat.xlsx"
    export_workbook(store, path)
    store.clear("1", "2026-Q1")
    window.report_actions._confirm_import(preview_import(store, path))


if __name__ == "__main__":
    raise SystemExit(main())
