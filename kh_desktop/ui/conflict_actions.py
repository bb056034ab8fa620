"""Settling conflicts from the window: "Trao đổi dữ liệu → Xử lý số liệu xung đột…" and the cells' context menus.

The dialog hands back the chosen revision; this writes it through the service (StoreService.settle, undoable),
which announces the change on its one signal, so the grids, the task lists and Tổng hợp refresh themselves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction

from ..domain.errors import UserError

if TYPE_CHECKING:  # the conflict code and its dialog load when first used, not at start
    from ..storage.conflict_store import Conflict
    from .conflict_dialog import ConflictDialog

MENU_TEXT = "Xử lý số liệu xung đột…"


def install(window) -> None:
    actions = ConflictActions(window)
    window.conflict_actions = actions
    menu = window.menus["exchange"]
    action = QAction(MENU_TEXT, window)
    action.triggered.connect(lambda _checked=False: actions.open_dialog())
    existing = menu.actions()
    # Beside the import log (received files are where conflicts come from), before the backup entries.
    after = next((n for n, a in enumerate(existing) if a.text().startswith("Nhật ký nhận")), None)
    if after is not None and after + 1 < len(existing):
        menu.insertAction(existing[after + 1], action)
    else:
        menu.addAction(action)
    actions.menu_action = action
    for tab in window.unit_tabs.values():  # a tab passes on its grid's and its task panel's requests
        tab.conflict_requested.connect(actions.open_dialog)


class ConflictActions(QObject):
    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.service = window.service
        self.dialog: ConflictDialog | None = None
        self.menu_action: QAction | None = None

    def open_dialog(self, kind: str | None = None, key: tuple | None = None) -> ConflictDialog:
        """Open the list of every open conflict, with (kind, key) selected when given."""
        if self.dialog is not None:
            self.dialog.close()
        from ..storage.conflict_store import open_conflicts
        from .conflict_dialog import ConflictDialog

        select = (kind, tuple(key)) if kind and key else None
        dialog = ConflictDialog(open_conflicts(self.service.store), self.window, select)
        dialog.chosen.connect(self._settle)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _settle(self, conflict: Conflict, revision_id: str) -> None:
        from ..storage.conflict_store import open_conflicts

        store = self.service.store
        try:
            self.service.settle(conflict, revision_id)
        except UserError as exc:  # refused by the store: nothing written
            if self.dialog is not None:
                self.dialog.show_message(str(exc), error=True)
            return
        kept = conflict.current if revision_id == conflict.current.revision_id else conflict.other
        what = kept.value if conflict.kind == "figure" else f"bản của {kept.pc_label}"
        message = f"Đã giữ {what} cho {conflict.label}."
        self.window.statusBar().showMessage(message, 10000)
        if self.dialog is not None:
            self.dialog.set_conflicts(open_conflicts(store))
            self.dialog.show_message(message)
