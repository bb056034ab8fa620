"""Page breaks a typist would make: no table row split across two pages, no signature block left alone.

Qt's QTextDocument lets a table row straddle a page boundary (and its vertical centring then pushes lines
into the bottom margin or over the header it repeats on the next page). Qt offers no way to move one row of
a table, so the table is cut instead: the rich text is laid out, the first row that crosses a page
boundary is found, and the table's HTML is split before that row into a second table that starts on a new
page with its own header rows. This repeats until no row crosses a boundary. The closing block (Nơi nhận,
signature) then keeps at least the table's last rows with it when it has to move to a new page.

Only tables with a <thead> are cut (the indicator and task tables); the closing block is a table without one.
Works on the HTML our own renderers write: no nested tables inside those tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_ROW = re.compile(r"(?=<tr[\s>])")
_BREAK = "page-break-before: always;"
_KEEP_WITH_CLOSING = 2  # table rows that go with the signature block to a new page


def _row_extent(doc, table, row: int) -> tuple[float, float] | None:
    """Top and bottom of what a row's cells hold, in document coordinates (pages stacked)."""
    layout = doc.documentLayout()
    top, bottom = None, None
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        if not cell.isValid() or cell.row() != row or cell.column() != column:
            continue  # covered by a span
        block = cell.firstCursorPosition().block()
        last = cell.lastCursorPosition().block()
        while block.isValid():
            rect = layout.blockBoundingRect(block)
            if rect.height() > 0:
                top = rect.top() if top is None else min(top, rect.top())
                bottom = rect.bottom() if bottom is None else max(bottom, rect.bottom())
            if block == last:
                break
            block = block.next()
    if top is None:
        return None
    padding = table.format().cellPadding() + table.format().border()
    return top - padding, bottom + padding


def _page(y: float, page_height: float) -> int:
    return int(y // page_height)


def _cut_tables(doc) -> list:
    """The top-level tables with header rows, in document order (the n-th is the n-th <tbody> in the HTML)."""
    from PySide6.QtGui import QTextTable

    return [f for f in doc.rootFrame().childFrames() if isinstance(f, QTextTable) and f.format().headerRowCount() > 0]


def _is_group_heading(table, row: int) -> bool:
    """A row of one cell across the whole table (a unit's name in the task sheet) stays with the next row."""
    cell = table.cellAt(row, 0)
    return cell.isValid() and cell.columnSpan() == table.columns()


def _first_straddling_row(doc, page_height: float, hopeless: frozenset = frozenset()) -> tuple[int, int] | None:
    """(table index, body row index) of the first row to move to a new page, or None.

    `hopeless` holds (table index, 0) of tables whose first row cannot be helped (taller than the room left
    on a fresh page after the header).
    """
    for index, table in enumerate(_cut_tables(doc)):
        header = table.format().headerRowCount()
        # Qt's table frame reaches a little below its last row (about a line); if that tail crosses a page
        # boundary, a page break before the next piece would turn two pages. Count it with every row.
        last = _row_extent(doc, table, table.rows() - 1)
        tail = max(0.0, doc.documentLayout().frameBoundingRect(table).bottom() - last[1]) if last else 0.0
        previous_bottom = None
        for row in range(header, table.rows()):
            extent = _row_extent(doc, table, row)
            if extent is None:
                continue
            top, bottom = extent
            crosses = _page(top, page_height) != _page(bottom + tail - 1, page_height)
            # Qt may also have moved a whole row's text to the next page, leaving its empty box behind.
            jumped = previous_bottom is not None and _page(top, page_height) > _page(previous_bottom - 1, page_height)
            previous_bottom = bottom
            if not (crosses or jumped):
                continue
            cut = row
            while cut - 1 > header and _is_group_heading(table, cut - 1):
                cut -= 1
            if (index, cut - header) in hopeless:
                continue
            return index, cut - header
    return None


def _with_break(opening: str) -> str:
    if 'style="' in opening:
        return opening.replace('style="', f'style="{_BREAK} ', 1)
    return opening[:-1] + f' style="{_BREAK}">'


def split_table(html: str, which: int, row: int) -> str | None:
    """Cut the `which`-th table with a <tbody> before its body row `row` into two tables, both with its header.

    The second table starts a new page. Row 0 moves the whole table (with the heading just above it) to a
    new page instead; None when it already starts one.
    """
    starts = [m.start() for m in re.finditer("<tbody>", html)]
    at = starts[which]
    table_start = html.rfind("<table", 0, at)
    opening = html[table_start : html.find(">", table_start) + 1]
    if row == 0:
        if _BREAK in opening:
            return None
        before = html[:table_start].rstrip()
        heading = before.rfind("<p") if before.endswith("</p>") else -1
        if heading >= 0 and "<table" not in before[heading:]:
            if _BREAK in before[heading:]:
                return None
            end = html.find(">", heading) + 1
            return html[:heading] + _with_break(html[heading:end]) + html[end:]
        return html[:table_start] + _with_break(opening) + html[table_start + len(opening) :]
    head_start = html.find("<thead>", table_start, at)
    head = html[head_start : html.find("</thead>", head_start) + len("</thead>")] if head_start >= 0 else ""
    end = html.find("</tbody>", at)
    rows = [r for r in _ROW.split(html[at + len("<tbody>") : end]) if r.strip()]
    first, second = "".join(rows[:row]), "".join(rows[row:])
    if _BREAK not in opening:
        opening = _with_break(opening)
    return f"{html[:at]}<tbody>{first}</tbody></table>{opening}{head}<tbody>{second}{html[end:]}"


def _closing_alone(doc, page_height: float) -> tuple[bool, bool]:
    """(the closing block crosses a page boundary, it starts on a page of its own after the last table)."""
    frames = doc.rootFrame().childFrames()
    tables = _cut_tables(doc)
    if not frames or not tables or frames[-1] in tables:
        return False, False
    layout = doc.documentLayout()
    rect = layout.frameBoundingRect(frames[-1])
    crosses = _page(rect.top(), page_height) != _page(rect.bottom() - 1, page_height)
    last = tables[-1]
    extent = _row_extent(doc, last, last.rows() - 1)
    alone = extent is not None and _page(rect.top(), page_height) > _page(extent[1] - 1, page_height)
    return crosses, alone


def _break_before_closing(doc) -> None:
    from PySide6.QtGui import QTextFormat

    closing = doc.rootFrame().childFrames()[-1]
    fmt = closing.frameFormat()
    fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    closing.setFrameFormat(fmt)


def paginate(html: str, build: Callable[[str], object], page_height: float, max_rounds: int = 400):
    """Lay `html` out with `build(html) -> QTextDocument` and cut its tables until no row straddles a page.

    Returns the final document. `page_height` is the document's page height in its own units.
    """
    doc = build(html)
    hopeless: set[tuple[int, int]] = set()
    for _ in range(max_rounds):
        found = _first_straddling_row(doc, page_height, frozenset(hopeless))
        if found is None:
            break
        cut = split_table(html, *found)
        if cut is None:
            hopeless.add(found)
            continue
        html = cut
        doc = build(html)
    crosses, alone = _closing_alone(doc, page_height)
    if crosses or alone:
        tables = _cut_tables(doc)
        last = tables[-1]
        header = last.format().headerRowCount()
        body_rows = last.rows() - header
        if body_rows > _KEEP_WITH_CLOSING:
            row = body_rows - _KEEP_WITH_CLOSING
            while row > 1 and _is_group_heading(last, header + row - 1):
                row -= 1
            candidate = build(split_table(html, len(tables) - 1, row))
            if not any(_closing_alone(candidate, page_height)) and (
                _first_straddling_row(candidate, page_height, frozenset(hopeless)) is None
            ):
                return candidate
        if crosses:
            _break_before_closing(doc)  # the last rows could not come along: at least keep the block whole
    return doc
