"""The main window: composes the tabs, the shared period selector and the menus; nothing more.

Other parts add their menu actions through ACTION_INSTALLERS (each gets the window, called at the
end of __init__), e.g. `ACTION_INSTALLERS.append(report_actions.install)`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from .. import APP_NAME
from ..domain.periods import Period
from ..storage.store import ChangeKind
from .keyboard import assign_mnemonics
from .period_selector import SETTINGS_KEY, PeriodSelector, remembered_period
from .store_service import StoreService
from .summary_tab import SummaryTab
from .ui_memory import TAB_KEY, restore_window, save_window
from .unit_tab import UnitTab

ACTION_INSTALLERS: list[Callable[[MainWindow], None]] = []


class MainWindow(QMainWindow):
    period_changed = Signal(object)  # Period

    def __init__(self, service: StoreService, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.service = service
        self.settings = settings
        plan = service.store.plan
        period = remembered_period(settings, plan.first_year, plan.last_year)

        self.period_selector = PeriodSelector(plan.first_year, plan.last_year, period)
        self.period_selector.period_changed.connect(self._on_period_selected)

        self.tabs = QTabWidget()
        self.summary_tab = SummaryTab(service, period, settings=settings)
        self.summary_tab.unit_activated.connect(self.open_unit)
        self.tabs.addTab(self.summary_tab, "Tổng hợp")
        self.unit_tabs: dict[str, UnitTab] = {}
        for unit in plan.units:
            tab = UnitTab(service, unit.id, period, settings=settings)
            self.unit_tabs[unit.id] = tab
            index = self.tabs.addTab(tab, unit.short)
            self.tabs.setTabToolTip(index, unit.name)
            self.period_changed.connect(tab.set_period)
        self.period_changed.connect(self.summary_tab.set_period)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 4)
        layout.addWidget(self.period_selector)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.identity_label = QLabel()
        self.statusBar().addPermanentWidget(self.identity_label)
        service.edit_failed.connect(lambda text: self.statusBar().showMessage(text, 10000))
        service.figures_changed.connect(self._on_figures_changed)

        self.menus = {}
        self._build_menus()
        self._update_identity()
        for install in ACTION_INSTALLERS:
            install(self)
        self._build_view_menu()
        for menu in self.menus.values():  # after every installer: each entry gets a free Alt-letter
            assign_mnemonics(menu)
        self.setTabOrder(self.period_selector.year_box, self.period_selector.kind_box)
        self.setTabOrder(self.period_selector.kind_box, self.tabs)
        restore_window(self, settings)  # as the person left it if that fits this screen; else ~90 % of it, centred
        self._restore_tab()
        self.tabs.currentChanged.connect(self._remember_tab)

    # ---- what others use ------------------------------------------------------------------------

    def current_period(self) -> Period:
        return self.period_selector.period()

    def open_unit(self, unit_id: str) -> None:
        tab = self.unit_tabs.get(unit_id)
        if tab is not None:
            self.tabs.setCurrentWidget(tab)

    def tab_pages(self) -> list[tuple[str, QWidget]]:
        """(title, widget) of every top-level tab, in order (the snapshot names its files from them)."""
        pages = [("Tổng hợp", self.summary_tab)]
        pages += [(tab.unit.name, tab) for tab in self.unit_tabs.values()]
        return pages

    # ---- menus ------------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = self.menus["file"] = bar.addMenu("&Tệp")
        edit_menu = self.menus["edit"] = bar.addMenu("&Sửa")
        self.menus["reports"] = bar.addMenu("&Báo cáo")
        self.menus["exchange"] = bar.addMenu("Trao đổi &dữ liệu")
        help_menu = self.menus["help"] = bar.addMenu("Trợ &giúp")

        settings_action = QAction("Cài đặt (đơn vị, người nhập)…", self)
        settings_action.triggered.connect(self.open_settings)
        file_menu.addAction(settings_action)
        file_menu.addSeparator()
        quit_action = QAction("Thoát", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        file_menu.addAction(quit_action)

        stack = self.service.undo_stack
        self.undo_action = stack.createUndoAction(self, "Hoàn tác")
        self.undo_action.setShortcuts([QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Z)])
        self.redo_action = stack.createRedoAction(self, "Làm lại")
        self.redo_action.setShortcuts(
            [
                QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Y),
                QKeySequence(Qt.Modifier.CTRL | Qt.Modifier.SHIFT | Qt.Key.Key_Z),
            ]
        )
        for action in (self.undo_action, self.redo_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            edit_menu.addAction(action)
            self.addAction(action)

        about = QAction("Giới thiệu…", self)
        about.triggered.connect(self._about)
        help_menu.addAction(about)
        guide = QAction("&Hướng dẫn sử dụng…", self)
        guide.setShortcut(QKeySequence.StandardKey.HelpContents)
        guide.triggered.connect(self.open_guide)
        help_menu.addAction(guide)
        how = QAction("Cách nhập số liệu", self)
        how.triggered.connect(self._how_to)
        help_menu.addAction(how)
        fingerprint = QAction("&Mã máy này…", self)
        fingerprint.triggered.connect(self.show_fingerprint)
        help_menu.addAction(fingerprint)

    def open_guide(self):
        from .guide_dialog import GuideDialog

        self.guide_dialog = GuideDialog(self)
        self.guide_dialog.open()
        return self.guide_dialog

    def _build_view_menu(self) -> None:
        """ "Xem": every tab by Ctrl+1 … Ctrl+9, and the period selector, without the mouse."""
        view_menu = self.menus["view"] = QMenu("&Xem", self)
        self.menuBar().insertMenu(self.menus["reports"].menuAction(), view_menu)
        period = QAction("Chọn kỳ báo cáo", self)
        period.setShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_K))
        period.triggered.connect(lambda: self.period_selector.year_box.setFocus(Qt.FocusReason.ShortcutFocusReason))
        view_menu.addAction(period)
        view_menu.addSeparator()
        for number, (title, page) in enumerate(self.tab_pages(), start=1):
            action = QAction(title, self)
            if number <= 9:
                action.setShortcut(QKeySequence(Qt.Modifier.CTRL | Qt.Key(Qt.Key.Key_0 + number)))
            action.triggered.connect(lambda _checked=False, page=page: self._show_page(page))
            view_menu.addAction(action)
            self.addAction(action)  # the shortcut works wherever the focus is in the window

    def _show_page(self, page: QWidget) -> None:
        self.tabs.setCurrentWidget(page)
        if isinstance(page, UnitTab) and page.view is not None:
            page.view.setFocus(Qt.FocusReason.ShortcutFocusReason)  # straight to the grid: to type figures
        else:
            self.tabs.tabBar().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _restore_tab(self) -> None:
        key = str(self.settings.value(TAB_KEY, "") or "")
        tab = self.unit_tabs.get(key)
        if tab is not None:
            self.tabs.setCurrentWidget(tab)

    def _remember_tab(self, _index: int) -> None:
        current = self.tabs.currentWidget()
        key = next((unit_id for unit_id, tab in self.unit_tabs.items() if tab is current), "summary")
        self.settings.setValue(TAB_KEY, key)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        current = self.tabs.currentWidget()
        if hasattr(current, "remember"):
            current.remember()
        save_window(self, self.settings)
        super().closeEvent(event)

    def open_settings(self) -> None:
        from .settings_dialog import SettingsDialog

        store = self.service.store
        dialog = SettingsDialog(store.plan.units, store.pc_unit, self.service.person, parent=self)
        if dialog.exec():
            unit_id, person = dialog.values()
            self.service.set_identity(unit_id, person)

    def show_fingerprint(self) -> QMessageBox:
        """This PC's fingerprint, to read on the phone to Văn phòng when it approves this PC."""
        store = self.service.store
        unit = store.plan.unit_by_id(store.pc_unit).name if store.pc_unit else "mọi đơn vị"
        box = QMessageBox(self)
        box.setWindowTitle("Mã máy này")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(
            f"Mã máy này: <span style='font-size:18pt; font-weight:bold'>{store.identity.fingerprint}</span><br>Máy của: {unit}<br><br>"
            "Khi Văn phòng gọi điện để xác nhận máy, hãy đọc mã này. Văn phòng chỉ nhận số liệu của máy có mã "
            f"đã được xác nhận.<br><small>Mã đầy đủ: {store.pc_id}</small>"
        )
        from ..paths import is_portable

        if is_portable():
            box.setInformativeText(
                "Chế độ di động: khóa định danh của máy nằm trên ổ USB cùng chương trình. Ổ USB này chính là "
                "“máy” mà Văn phòng xác nhận: ai cầm ổ này gửi số liệu dưới mã này. Hãy giữ ổ cẩn thận."
            )
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addButton("Đóng", QMessageBox.ButtonRole.AcceptRole)
        self.fingerprint_box = box
        box.open()
        return box

    def _about(self) -> None:
        from .. import __version__  # looked up when asked for (kh_desktop/__init__.py)

        box = QMessageBox(self)
        box.setWindowTitle("Giới thiệu")
        box.setText(
            "{app} {version}\nTheo dõi tiến độ Kế hoạch phát triển kinh tế - xã hội {commune} 2026–2030.".format(
                app=APP_NAME, version=__version__, commune=self.service.store.plan.text("commune_full", "")
            )
        )
        box.addButton("Đóng", QMessageBox.ButtonRole.AcceptRole)
        box.exec()

    def _how_to(self) -> None:
        box = QMessageBox(self)
        box.setWindowTitle("Cách nhập số liệu")
        box.setText(
            "1. Chọn kỳ báo cáo ở phía trên: năm, rồi Quý I, 6 tháng, 9 tháng, Cả năm (cộng dồn từ đầu năm) "
            "hoặc từng quý.\n"
            "2. Mở tab của đơn vị, gõ số vào cột “Thực hiện”, nhấn Enter: số được lưu ngay.\n"
            "3. Số thập phân dùng dấu phẩy (97,5); hàng nghìn dùng dấu chấm (1.500).\n"
            "4. Cột “Ước/Chính thức”: chọn Ước nếu là số ước thực hiện.\n"
            "5. Chỉ tiêu không đạt: ghi giải trình ở cột “Ghi chú”.\n"
            "6. Ctrl+Z hoàn tác, Ctrl+Y làm lại. Nhấn chuột phải vào ô để xem lịch sử.\n"
            "7. Có thể dán một cột số chép từ Excel (Ctrl+V).\n"
            "8. Không cần chuột: Alt + chữ gạch chân mở menu; Ctrl+1 … Ctrl+9 chuyển tab; Ctrl+K chọn kỳ báo "
            "cáo; trong bảng, Tab sang ô bên phải, Ctrl+Tab sang nút tiếp theo; Enter đồng ý, Esc đóng hộp thoại."
        )
        box.addButton("Đóng", QMessageBox.ButtonRole.AcceptRole)
        box.exec()

    # ---- reacting ---------------------------------------------------------------------------------

    def _on_period_selected(self, period: Period) -> None:
        self.settings.setValue(SETTINGS_KEY, period.key)
        self.period_changed.emit(period)

    def _on_figures_changed(self, change) -> None:
        if change.kind is ChangeKind.SETTINGS:
            self._update_identity()

    def _update_identity(self) -> None:
        store = self.service.store
        plan = store.plan
        unit = plan.unit_by_id(store.pc_unit).name if store.pc_unit else "Tất cả đơn vị"
        commune = plan.text("commune_full", plan.commune)
        self.setWindowTitle(f"{APP_NAME} – {commune} – {unit} – {store.path}")
        person = self.service.person or "(chưa ghi tên)"
        self.identity_label.setText(f"Máy của: {unit} · Người nhập: {person}")


from . import report_actions  # noqa: E402 - installers register once the window class exists

ACTION_INSTALLERS.append(report_actions.install)


from . import exchange_actions  # noqa: E402 - installers register once the window class exists

ACTION_INSTALLERS.append(exchange_actions.install)


from . import conflict_actions  # noqa: E402 - after the exchange menu: its entry goes beside the import log

ACTION_INSTALLERS.append(conflict_actions.install)


from . import plan_actions  # noqa: E402 - plan adjustments by resolution (issue 13), in the file menu

ACTION_INSTALLERS.append(plan_actions.install)
