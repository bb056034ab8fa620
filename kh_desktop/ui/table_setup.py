"""What the read-only count tables of "Tổng hợp" share: a model over a list of row objects, and the view setup."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex
from PySide6.QtWidgets import QHeaderView, QTableView


class RowListModel(QAbstractTableModel):
    """A flat table with one item of `_rows` a row and `column_count` columns; subclasses give data and headers."""

    column_count = 0

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list = []

    def row(self, number: int):
        return self._rows[number]

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else self.column_count


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
