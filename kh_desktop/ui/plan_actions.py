"""Plan adjustments from the window (Văn phòng's all-units PC): "Tệp → Điều chỉnh kế hoạch theo Nghị quyết…"
and a row's context menu. The dialog hands back the change; this writes it through the plan store and announces
Change(kind=ChangeKind.PLAN), so the grids take the targets in force.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from ..domain.plan import PlanError
from ..storage.files import StoreError
from ..storage.store import Change, ChangeKind

MENU_TEXT = "Điều chỉnh kế hoạch theo Nghị quyết…"


def install(window) -> None:
    actions = PlanActions(window)
    window.plan_actions = actions
    if window.service.store.pc_unit is not None:
        return  # a unit's PC takes adjustments from Văn phòng's files
    action = QAction(MENU_TEXT, window)
    action.triggered.connect(lambda _checked=False: actions.open_dialog())
    menu = window.menus["file"]
    menu.insertAction(menu.actions()[1] if len(menu.actions()) > 1 else None, action)
    actions.menu_action = action
    for tab in window.unit_tabs.values():
        tab.adjust_requested.connect(actions.open_dialog)


class PlanActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.service = window.service
        self.menu_action: QAction | None = None
        self.dialog = None

    def open_dialog(self, code: str | None = None):
        from .plan_adjust_dialog import PlanAdjustDialog

        dialog = PlanAdjustDialog(self.service.store.plan, code, parent=self.window)
        dialog.accepted.connect(lambda: self._write(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _write(self, dialog) -> None:
        from ..storage.plan_store import adjust_plan

        changes, number, day = dialog.values()
        try:
            adjustment = adjust_plan(self.service.store, changes, number, day)
        except (StoreError, PlanError) as exc:
            QMessageBox.warning(self.window, "Không điều chỉnh được", str(exc))
            return
        self.service.notify(Change(kind=ChangeKind.PLAN))
        self.window.statusBar().showMessage(
            f"Đã ghi bản {adjustment.version} của kế hoạch: {adjustment.label}.",
            15000,
        )
