"""The list of open conflicts (figures and tasks two PCs wrote differently), both claims side by side.

The dialog only hands the choice back (`chosen(conflict, revision_id)`, also kept in `choice`); the caller writes
through the store and calls `set_conflicts` with what remains. It never writes to the database.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..storage.conflict_store import FIGURE, FIGURE_VALUE, Conflict, ConflictSide
from .screen_fit import fit_dialog

KIND_TEXT = {FIGURE: "Số liệu", "task": "Nhiệm vụ"}
COLUMNS = ("Loại", "Số liệu / nhiệm vụ", "Đang dùng", "Máy khác gửi")
CHANGED_BACKGROUND = "#fed7aa"


def short_time(iso: str) -> str:
    """'2026-04-05T09:12:00+07:00' → '05/04/2026 09:12'."""
    if not iso or len(iso) < 16:
        return iso or ""
    return f"{iso[8:10]}/{iso[5:7]}/{iso[0:4]} {iso[11:16]}"


class _SidePanel(QGroupBox):
    """One claim: what it says (for a task, the fields that differ stand out), who, when, which PC."""

    keep_clicked = Signal()

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(title, parent)
        layout = QVBoxLayout(self)
        self.value = QLabel()
        self.value.setWordWrap(True)
        self.value.setTextFormat(Qt.TextFormat.RichText)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.value.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.value)
        layout.addWidget(scroll, 1)
        facts = QFormLayout()
        self.who, self.when, self.pc = QLabel(), QLabel(), QLabel()
        for label in (self.who, self.when, self.pc):
            label.setWordWrap(True)
        facts.addRow("Người nhập:", self.who)
        facts.addRow("Lúc:", self.when)
        facts.addRow("Máy:", self.pc)
        layout.addLayout(facts)
        self.keep = QPushButton()
        self.keep.clicked.connect(self.keep_clicked)
        layout.addWidget(self.keep)

    def show_side(self, conflict: Conflict | None, side: ConflictSide | None) -> None:
        if conflict is None or side is None:
            self.value.setText("")
            for label in (self.who, self.when, self.pc):
                label.setText("")
            self.keep.setEnabled(False)
            self.keep.setText("Giữ bản này")
            return
        differing = set(conflict.differing)
        rows = []
        body = ""
        if conflict.kind == FIGURE:
            number = side.fields.get(FIGURE_VALUE, side.value)
            mark = f" background:{CHANGED_BACKGROUND};" if FIGURE_VALUE in differing else ""
            body = f"<p style='font-size:18pt; font-weight:bold;{mark}'>&nbsp;{_escape(number)}&nbsp;</p>"
            self.keep.setText("Giữ số này")
        elif side.deleted:
            body = "<p><b>(đã xóa nhiệm vụ)</b></p>"
        if not (conflict.kind == FIGURE and side.deleted):
            for label, text in side.fields.items():
                if conflict.kind == FIGURE and label == FIGURE_VALUE:
                    continue
                if not text and label not in differing:
                    continue
                style = f" style='background:{CHANGED_BACKGROUND}'" if label in differing else ""
                rows.append(
                    f"<tr{style}><td style='padding:2px 8px 2px 2px'><b>{_escape(label)}</b></td>"
                    f"<td style='padding:2px'>{_escape(text) or '—'}</td></tr>"
                )
        self.value.setText(body + "<table width='100%' cellspacing='0'>" + "".join(rows) + "</table>")
        if conflict.kind != FIGURE:
            self.keep.setText("Giữ bản này")
        self.who.setText(side.entered_by or "(không ghi tên)")
        self.when.setText(short_time(side.entered_at))
        self.pc.setText(side.pc_label)
        self.keep.setEnabled(conflict.can_settle)


def _escape(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")


class ConflictDialog(QDialog):
    """Every open conflict; choosing a side emits `chosen(conflict, revision_id)`."""

    chosen = Signal(object, str)

    def __init__(self, conflicts: list[Conflict], parent: QWidget | None = None, select: tuple | None = None):
        super().__init__(parent)
        self.setWindowTitle("Xử lý số liệu xung đột")
        self.conflicts: list[Conflict] = []
        self.choice: tuple[Conflict, str] | None = None

        layout = QVBoxLayout(self)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setColumnWidth(0, 90)
        self.table.setColumnWidth(2, 200)
        self.table.setColumnWidth(3, 200)
        self.table.currentCellChanged.connect(lambda row, *_: self._show(row))
        layout.addWidget(self.table, 2)

        self.heading = QLabel()
        self.heading.setWordWrap(True)
        heading_font = QFont(self.heading.font())
        heading_font.setBold(True)
        self.heading.setFont(heading_font)
        layout.addWidget(self.heading)
        sides = QHBoxLayout()
        self.current_panel = _SidePanel("Đang dùng trên máy này")
        self.other_panel = _SidePanel("Máy khác gửi đến")
        self.current_panel.keep_clicked.connect(lambda: self._choose(self.current_conflict(), "current"))
        self.other_panel.keep_clicked.connect(lambda: self._choose(self.current_conflict(), "other"))
        sides.addWidget(self.current_panel, 1)
        sides.addWidget(self.other_panel, 1)
        layout.addLayout(sides, 3)

        self.status = QLabel()
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox()
        self.close_button = buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.set_conflicts(conflicts, select)
        fit_dialog(self, 1040, 640)

    # ---- content -------------------------------------------------------------------------------------

    def set_conflicts(self, conflicts: list[Conflict], select: tuple | None = None) -> None:
        """Show `conflicts`, keeping the selection at `select` (kind, key) or at the same place in the list."""
        previous = self.table.currentRow()
        self.conflicts = list(conflicts)
        self.table.blockSignals(True)
        self.table.setRowCount(len(self.conflicts))
        for row, conflict in enumerate(self.conflicts):
            cells = (KIND_TEXT[conflict.kind], conflict.label, conflict.current.value, conflict.other.value)
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if column >= 2:
                    item.setBackground(QColor("#fff7ed"))
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        count = len(self.conflicts)
        if count:
            self.intro.setText(
                f"Có {count} mục hai máy ghi khác nhau. Cả hai bản đều được giữ trong lịch sử; hãy chọn bản dùng "
                "tiếp. Lựa chọn được ghi lại (ai chọn, lúc nào) và được gửi đi cùng số liệu, nên máy khác "
                "không báo xung đột này nữa."
            )
        else:
            self.intro.setText("Không còn xung đột nào cần xử lý.")
        wanted = next((n for n, c in enumerate(self.conflicts) if select and (c.kind, c.key) == select), None)
        if wanted is None and count:
            wanted = min(max(previous, 0), count - 1)
        if wanted is not None:
            self.table.setCurrentCell(wanted, 1)
        self._show(wanted if wanted is not None else -1)

    def current_conflict(self) -> Conflict | None:
        row = self.table.currentRow()
        return self.conflicts[row] if 0 <= row < len(self.conflicts) else None

    def select(self, kind: str, key: tuple) -> bool:
        row = next((n for n, c in enumerate(self.conflicts) if (c.kind, c.key) == (kind, tuple(key))), None)
        if row is None:
            return False
        self.table.setCurrentCell(row, 1)
        return True

    def _show(self, row: int) -> None:
        conflict = self.conflicts[row] if 0 <= row < len(self.conflicts) else None
        if conflict is None:
            self.heading.setText("")
        elif conflict.can_settle:
            self.heading.setText(f"{conflict.label}: chọn bản giữ lại (nền cam: chỗ hai bản khác nhau).")
        else:
            self.heading.setText(f"{conflict.label}. {conflict.why_not}")
        self.current_panel.show_side(conflict, conflict.current if conflict else None)
        self.other_panel.show_side(conflict, conflict.other if conflict else None)

    # ---- choosing --------------------------------------------------------------------------------------

    def _choose(self, conflict: Conflict | None, side: str) -> None:
        if conflict is None or not conflict.can_settle:
            return
        revision_id = conflict.current.revision_id if side == "current" else conflict.other.revision_id
        self.choice = (conflict, revision_id)
        self.chosen.emit(conflict, revision_id)

    def keep(self, side: str) -> None:
        """Choose a side of the selected conflict, as its button does ("current" or "other")."""
        self._choose(self.current_conflict(), side)

    def show_message(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {'#991b1b' if error else '#166534'}; padding: 2px;")
