"""What the read-only count tables of "Tổng hợp" share: a model over a list of row objects, and the view setup."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import QHeaderView, QTableView

UNIT_ROLE = Qt.ItemDataRole.UserRole + 1  # the unit id of a row: a click opens that unit's tab
# The roles the count tables answer. A view asks every cell for seven roles at each layout and paint (about 2 500
# calls before the first paint): the others are turned away first, and cheaply.
ANSWERED_ROLES = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.ToolTipRole,
        UNIT_ROLE,
    }
)


class RowListModel(QAbstractTableModel):
    """A flat table with one item of `_rows` a row and a column per item of `headers`; subclasses give data."""

    headers: tuple[str, ...] = ()

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []

    @property
    def column_count(self) -> int:
        return len(self.headers)

    def set_rows(self, rows) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, number: int):
        return self._rows[number]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self.column_count

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return self.headers[section] if 0 <= section < len(self.headers) else None


def setup_row_table(table: QTableView, model: QAbstractTableModel, row_height: int, stretch_column: int) -> None:
    """Show `model` read-only, one whole row selected at a time, no row numbers; columns fit their contents and
    `stretch_column` takes the spare width."""
    table.setModel(model)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(row_height)
    table.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch_column, QHeaderView.ResizeMode.Stretch)
