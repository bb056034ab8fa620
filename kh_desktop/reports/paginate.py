"""Page breaks a typist would make: no table row split across two pages, no signature block left alone.

Qt's QTextDocument lets a table row straddle a page boundary (and its vertical centring then pushes lines
into the bottom margin or over the header it repeats on the next page). Qt offers no way to move one row of
a table, so the table is cut instead: the rich text is laid out, the first row that crosses a page
boundary is found, and the table's HTML is split before that row into a second table that starts on a new
page with its own header rows. The closing block (Nơi nhận, signature) then keeps at least the table's
last rows with it when it has to move to a new page.

Each layout of a whole report costs as much as printing it, so the cuts are planned from one layout:
the document is laid out once on an endless page (every row at its natural height), the rows are
dealt out to pages as Qt will place them (a piece of the table starts a fresh page at an offset
measured once on a two-piece table), and all cuts go into the HTML at once. The result is then laid
out a second and last time and checked row by row as before; should a row still straddle (a layout
the plan did not foresee), it is cut and laid out again, so the plan only ever saves work.

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


def _fresh_piece_offset(html: str, build: Callable[..., object], page_height: float) -> float | None:
    """How far below a page's top the first body row of a table piece that starts that page begins.

    Measured on a small document shaped like a cut: the same opening lines, the table's first body row,
    then a second piece of it on a new page. None when the table cannot be taken apart that way.
    """
    start = html.find("<tbody>")
    if start < 0:
        return None
    table_start = html.rfind("<table", 0, start)
    end = html.find("</tbody>", start)
    rows = [r for r in _ROW.split(html[start + len("<tbody>") : end]) if r.strip()]
    if table_start < 0 or end < 0 or not rows:
        return None
    body = html.find("<body")
    lead = html[: html.find(">", body) + 1] if body >= 0 else ""
    first_line = re.match(r"\s*<p[^>]*>&nbsp;</p>", html[len(lead) :])
    lead += first_line.group(0) if first_line else ""
    table = html[table_start:start] + f"<tbody>{rows[0]}</tbody></table>"
    probe = build(split_table(f"{lead}{table}{table}</body></html>", 1, 0) or "")
    tables = _cut_tables(probe)
    if len(tables) != 2:
        return None
    extent = _row_extent(probe, tables[1], tables[1].format().headerRowCount())
    if extent is None or _page(extent[0], page_height) != 1:
        return None
    return extent[0] - page_height


def _plan_cuts(html: str, natural, build: Callable[..., object], page_height: float, anchor=None) -> tuple[str, bool]:
    """All the cuts of a report's one table at once, from its layout at natural heights (see the module).

    Returns the HTML with the cuts and whether the table as a whole moved to a new page first (its
    first row did not fit under what comes before it): the rest is then planned again with `anchor`,
    that HTML laid out on pages, telling where the table landed.
    """
    tables = _cut_tables(natural)
    if len(tables) != 1:
        return html, False  # several tables: cut one boundary at a time below
    table = tables[0]
    header = table.format().headerRowCount()
    extents = [_row_extent(natural, table, r) for r in range(header, table.rows())]
    if not extents or any(e is None for e in extents):
        return html, False
    layout = natural.documentLayout()
    frame = layout.frameBoundingRect(table)
    if frame.top() >= page_height:
        return html, False  # the table starts beyond page 1: what comes before it may move too
    tail = max(0.0, frame.bottom() - extents[-1][1])
    fresh = None
    cuts: list[int] = []
    shift, start, k = 0.0, 0, 0  # natural -> paged offset of the current piece, its first row, the row
    if anchor is not None:
        landed = _cut_tables(anchor)
        first = _row_extent(anchor, landed[0], header) if len(landed) == 1 else None
        if first is None:
            return html, False
        shift = first[0] - extents[0][0]

    def page(y: float) -> int:
        return _page(y, page_height)

    while k < len(extents):
        top, bottom = extents[k][0] + shift, extents[k][1] + shift
        if page(top) == page(bottom + tail - 1):
            k += 1
            continue
        cut = k
        while cut - 1 > start and _is_group_heading(table, header + cut - 1):
            cut -= 1
        if cut == start:  # the piece's first row: the whole table moves (row 0) or the row is taller than a page
            moved = start == 0 and anchor is None
            return _apply(html, [*cuts, 0] if moved else cuts), moved
        if fresh is None:
            fresh = _fresh_piece_offset(html, build, page_height)
            if fresh is None:
                return html, False
        new_page = page(extents[cut][0] + shift) + 1
        shift = new_page * page_height + fresh - extents[cut][0]
        cuts.append(cut)
        start = k = cut
    cuts += _closing_cut(natural, table, extents, tail, start, shift, page_height, header, fresh, html, build)
    return _apply(html, cuts), False


def _closing_cut(natural, table, extents, tail, start, shift, page_height, header, fresh, html, build) -> list[int]:
    """The cut that brings the table's last rows to the closing block's page, when `paginate` would make it."""
    frames = natural.rootFrame().childFrames()
    if not frames or frames[-1] == table:
        return []
    rect = natural.documentLayout().frameBoundingRect(frames[-1])
    gap, height = rect.top() - extents[-1][1], rect.height()

    def closing_fails(last_bottom: float) -> bool:
        top = last_bottom + gap
        crosses = _page(top, page_height) != _page(top + height - 1, page_height)
        return crosses or _page(top, page_height) > _page(last_bottom - 1, page_height)

    if not closing_fails(extents[-1][1] + shift):
        return []
    body_rows = len(extents) - start
    if body_rows <= _KEEP_WITH_CLOSING:
        return []
    row = body_rows - _KEEP_WITH_CLOSING
    while row > 1 and _is_group_heading(table, header + start + row - 1):
        row -= 1
    cut = start + row
    fresh = _fresh_piece_offset(html, build, page_height) if fresh is None else fresh
    if fresh is None:
        return []
    new_page = _page(extents[cut - 1][1] + shift - 1, page_height) + 1
    moved = new_page * page_height + fresh - extents[cut][0]
    for top, bottom in extents[cut:]:
        if _page(top + moved, page_height) != _page(bottom + moved + tail - 1, page_height):
            return []
    return [] if closing_fails(extents[-1][1] + moved) else [cut]


def _apply(html: str, cuts: list[int]) -> str:
    """Cut the one table before each of `cuts` (body rows of the whole table), the last cut first."""
    for cut in sorted(set(cuts), reverse=True):
        html = split_table(html, 0, cut) or html
    return html


def paginate(html: str, build: Callable[..., object], page_height: float, max_rounds: int = 400):
    """Lay `html` out with `build(html, paged=True) -> QTextDocument` and cut its tables so no row straddles a page.

    `build(html, False)` must lay the same text out on one endless page (only the width set).
    Returns the final document. `page_height` is the document's page height in its own units.
    """
    natural = build(html, False)
    html, moved = _plan_cuts(html, natural, build, page_height)
    doc = build(html)
    if moved:
        planned, _ = _plan_cuts(html, natural, build, page_height, anchor=doc)
        if planned != html:
            html, doc = planned, build(planned)
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
