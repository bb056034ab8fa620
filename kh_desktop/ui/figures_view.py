"""The spreadsheet-like grid: typing starts an edit, Enter saves and moves down, Tab moves right,
a pick list for word targets, Ctrl+V pastes a column copied from Excel, a refused value is
explained in a bubble beside its cell."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPoint, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QStyledItemDelegate,
    QTableView,
)

from .figures_table_model import (
    COL_ACTUAL,
    COL_KIND,
    COL_MEASURE,
    COL_NAME,
    COL_PERCENT,
    COL_STT,
    COL_TARGET,
    COL_VERDICT,
    WORDS_ROLE,
)


class FigureDelegate(QStyledItemDelegate):
    """A line edit for numbers and notes; a pick list for word targets and for Ước/Chính thức."""

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt API
        choices = self._choices(index)
        if choices is None:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.addItems(choices)
        combo.setFrame(False)
        return combo

    def _choices(self, index) -> list[str] | None:
        if index.column() == COL_ACTUAL:
            words = index.data(WORDS_ROLE)
            return [""] + list(words) if words else None
        if index.column() == COL_KIND:
            return ["Chính thức", "Ước"]
        return None

    def setEditorData(self, editor, index):  # noqa: N802
        if isinstance(editor, QComboBox):
            current = index.data(Qt.ItemDataRole.EditRole) or ""
            position = editor.findText(current)
            editor.setCurrentIndex(max(position, 0))
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor, model, index):  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class RefusalBubble(QLabel):
    """A small note beside a cell saying why a value was refused. It never blocks typing."""

    def __init__(self, parent):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setMaximumWidth(380)
        self.setStyleSheet(
            "QLabel { background: #fef2f2; color: #7f1d1d; border: 1px solid #f87171;"
            " border-radius: 4px; padding: 6px; }"
        )
        self.hide()

    def show_beside(self, rect, text: str) -> None:
        self.setText(text)
        self.adjustSize()
        viewport = self.parentWidget()
        x = rect.right() + 6
        if x + self.width() > viewport.width():
            x = max(0, rect.left() - self.width() - 6)
        y = rect.top()
        if y + self.height() > viewport.height():
            y = max(0, viewport.height() - self.height())
        self.move(QPoint(x, y))
        self.show()
        self.raise_()


class FiguresView(QTableView):
    """QTableView that behaves like the Excel sheet officials know."""

    history_requested = Signal(QModelIndex)
    paste_finished = Signal(str)
    editor_closed = Signal()  # after an edit is committed (or refused) and the cursor has moved on

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setItemDelegate(FigureDelegate(self))
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.setAlternatingRowColors(False)
        self.setWordWrap(False)  # one line per indicator, like the annex; the full text is in the tooltip
        self.verticalHeader().setDefaultSectionSize(26)
        self.setTabKeyNavigation(True)
        self.verticalHeader().hide()
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.DefaultContextMenu)
        self.bubble = RefusalBubble(self.viewport())
        self._refused_during_commit = False

    def setModel(self, model):  # noqa: N802
        super().setModel(model)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        widths = {
            COL_STT: 44,
            COL_NAME: 380,
            COL_MEASURE: 120,
            COL_TARGET: 150,
            COL_ACTUAL: 130,  # room for "⚠ xung đột" beside a value
            COL_KIND: 100,
            COL_PERCENT: 70,
            COL_VERDICT: 120,
        }
        # On a narrow screen (1366×768 at 125–150 % is 911–1093 logical pixels wide) the columns give up to a
        # third of their width, so the indicator's name stays in view beside the figure being typed.
        from .screen_fit import available_area, column_scale

        scale = column_scale(available_area(self).width, 1250)
        for column, width in widths.items():
            self.setColumnWidth(column, round(width * scale))
        header.setStretchLastSection(True)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        model.value_refused.connect(self._on_value_refused)
        model.value_saved.connect(lambda *_: self.bubble.hide())

    # ---- Enter moves down, a refusal keeps the cell --------------------------------------------

    def commitData(self, editor):  # noqa: N802
        self._refused_during_commit = False
        super().commitData(editor)

    def closeEditor(self, editor, hint):  # noqa: N802
        if self._refused_during_commit:
            hint = QAbstractItemDelegate.EndEditHint.NoHint
        super().closeEditor(editor, hint)
        if hint == QAbstractItemDelegate.EndEditHint.SubmitModelCache:
            self._move_down()
        self.editor_closed.emit()

    def _move_down(self) -> None:
        current = self.currentIndex()
        if current.isValid() and current.row() + 1 < self.model().rowCount():
            self.setCurrentIndex(current.sibling(current.row() + 1, current.column()))

    def keyPressEvent(self, event):  # noqa: N802
        if (
            event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.leave(
                forward=event.key() == Qt.Key.Key_Tab and not event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            )
            return
        if event.matches(QKeySequence.StandardKey.Paste):
            self.paste_text(QApplication.clipboard().text())
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.state() != self.State.EditingState:
            self._move_down()
            return
        if event.key() == Qt.Key.Key_Delete and self.state() != self.State.EditingState:
            index = self.currentIndex()
            if index.isValid() and index.flags() & Qt.ItemFlag.ItemIsEditable and index.column() != COL_KIND:
                self.model().setData(index, "", Qt.ItemDataRole.EditRole)
            return
        if event.key() == Qt.Key.Key_Escape:
            self.bubble.hide()
        super().keyPressEvent(event)

    def leave(self, forward: bool = True) -> None:
        """Ctrl+Tab / Ctrl+Shift+Tab: on to the next control (Tab alone moves between cells, as in Excel)."""
        self.setTabKeyNavigation(False)
        try:
            self.focusNextPrevChild(forward)
        finally:
            self.setTabKeyNavigation(True)

    def mouseDoubleClickEvent(self, event):  # noqa: N802
        index = self.indexAt(event.position().toPoint())
        if index.isValid() and not index.flags() & Qt.ItemFlag.ItemIsEditable:
            self.history_requested.emit(index)
            return
        super().mouseDoubleClickEvent(event)

    def _on_value_refused(self, row: int, column: int, typed: str, reason: str) -> None:
        self._refused_during_commit = True
        index = self.model().index(row, column)
        self.setCurrentIndex(index)
        text = f"Không nhận “{typed}”: {reason}\nChưa ghi gì vào dữ liệu."
        self.bubble.show_beside(self.visualRect(index), text)

    # ---- paste a column from Excel -------------------------------------------------------------

    def paste_text(self, text: str) -> None:
        """Paste tab/line separated cells from the current cell down (and right); each cell is one saved edit,
        the whole paste is one undo step. Refused cells are listed and left unchanged."""
        start = self.currentIndex()
        model = self.model()
        if not start.isValid() or not text:
            return
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        refused, saved = [], 0
        refusals: list[str] = []
        model.value_refused.disconnect(self._on_value_refused)
        collect = lambda r, c, typed, reason: refusals.append(  # noqa: E731
            f"dòng {model.index(r, COL_STT).data() or model.index(r, COL_NAME).data().strip()}: “{typed}” – {reason}"
        )
        model.value_refused.connect(collect)
        service = getattr(model, "service", None)
        try:
            context = service.batch("Dán từ Excel") if service else _nothing()
            with context:
                for offset, line in enumerate(lines):
                    row = start.row() + offset
                    if row >= model.rowCount():
                        refused.append(line)
                        break
                    for column_offset, cell in enumerate(line.split("\t")):
                        index = model.index(row, start.column() + column_offset)
                        if not index.isValid():
                            continue
                        if not index.flags() & Qt.ItemFlag.ItemIsEditable:
                            if cell.strip():
                                refusals.append(
                                    f"dòng {model.index(row, COL_STT).data() or row + 1}: ô không nhập được"
                                )
                            continue
                        if model.setData(index, cell, Qt.ItemDataRole.EditRole):
                            saved += 1
        finally:
            model.value_refused.disconnect(collect)
            model.value_refused.connect(self._on_value_refused)
        message = f"Đã dán {saved} ô."
        if refusals:
            message += " " + f"Không nhận {len(refusals)} ô (chưa ghi gì): " + "; ".join(refusals)
            self.bubble.show_beside(self.visualRect(start), message)
        if refused:
            message += " " + "Bỏ qua các dòng thừa ở cuối."
        self.paste_finished.emit(message)


class _nothing:  # noqa: N801 - a tiny null context manager
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
