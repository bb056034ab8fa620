"""What export, template and import agree on: sheet layout, the hidden key row, writing text safely."""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

from openpyxl.cell.cell import MergedCell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange

from ..domain.errors import UserError

TITLE_ROW, SUBTITLE_ROW, HEADER_ROW, SUBHEADER_ROW, KEY_ROW, FIRST_DATA_ROW = 1, 2, 3, 4, 5, 6
COMMUNE_SHEET = "Toàn xã"
LISTS_SHEET = "Danh mục"  # hidden: the words an indicator may take, for the pick lists of the entry cells
NOTE_MAX = 32_767  # the most characters an Excel cell holds
ESTIMATE_WORDS = ("x", "ước", "uoc", "có")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")


class ExcelError(UserError):
    """A workbook that cannot be written or read; str() is Vietnamese."""


def clean_text(text) -> str:
    """Remove control characters (Excel refuses them, and they hide text) before writing."""
    return _CONTROL.sub("", "" if text is None else str(text))


_ESCAPED_CONTROL = re.compile(r"_x00(0[0-8bcefBCEF]|1[0-9a-fA-F]|7[fF])_")  # how xlsx files spell them


def has_control(text: str) -> bool:
    return bool(_CONTROL.search(text) or _ESCAPED_CONTROL.search(text))


class Look:
    """How a cell looks (font, fill, border, alignment), given to many cells at the price of one.

    openpyxl finds a style object's index in the workbook by hashing the object, field by field, on every
    assignment: styling a few thousand cells that way was two thirds of an export. A Look assigns its
    objects once per workbook, keeps the index array openpyxl made for them and gives every further cell a
    copy of that array (as openpyxl's own worksheet copy does). A look replaces whatever look the cell had,
    but keeps its number format, so a number written with its display format may get its look before or after.
    """

    def __init__(self, **styles):
        self.styles = styles
        self._arrays: WeakKeyDictionary = WeakKeyDictionary()  # workbook -> its style index array

    def apply(self, cell):
        wb = cell.parent.parent
        array = self._arrays.get(wb)
        number_format = cell._style.numFmtId if cell._style is not None else 0
        if array is None:
            cell._style = StyleArray()
            for name, value in self.styles.items():
                setattr(cell, name, value)
            array = StyleArray(cell._style)
            array.numFmtId = 0
            self._arrays[wb] = array
        cell._style = StyleArray(array)
        if number_format:
            cell._style.numFmtId = number_format
        return cell


def merge(ws, start_row: int, start_column: int, end_row: int, end_column: int) -> None:
    """ws.merge_cells for a range whose cells have no look yet (the layout code merges first, then styles).

    openpyxl's merge_cells re-assigns every covered cell's protection and copies the first cell's borders
    to the edges, hashing a style object each time: a quarter of building the workbook, for cells that end
    up with no look of their own (covered cells are only written once a Look is applied to them). Here the
    range is recorded and the covered cells become MergedCells, as merge_cells does, without that.
    """
    if start_row == end_row and start_column == end_column:
        return
    ws.merged_cells.add(
        MergedCellRange(ws, f"{get_column_letter(start_column)}{start_row}:{get_column_letter(end_column)}{end_row}")
    )
    for row in range(start_row, end_row + 1):
        for column in range(start_column, end_column + 1):
            if (row, column) != (start_row, start_column):
                ws._cells[row, column] = MergedCell(ws, row, column)


def put_text(ws, row: int, column: int, text, look: Look | None = None):
    """Write user or plan text so that it stays text: '=1+1' must never become a formula."""
    cell = ws.cell(row=row, column=column)
    value = clean_text(text)
    cell.value = value
    cell.data_type = "s"  # openpyxl would mark a leading '=' as a formula
    return look.apply(cell) if look is not None else cell


def put_number(ws, row: int, column: int, value: float, suffix: str = "", look: Look | None = None):
    cell = ws.cell(row=row, column=column, value=float(value))
    if look is not None:
        look.apply(cell)
    integral = float(value).is_integer()
    fmt = "#,##0" if integral else "#,##0.0##"
    if suffix:
        fmt += f'" {suffix}"'
    cell.number_format = fmt
    return cell


def sheet_title(name: str, taken: set[str]) -> str:
    base = _SHEET_BAD.sub("-", clean_text(name)).strip("'")[:31] or "Trang"
    title, n = base, 2
    while title.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({n})"
        title, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(title)
    return title
