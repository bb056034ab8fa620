"""Laying a report out on paper with Qt: QTextDocument for the flowing part, QPainter for the header.

One function paints onto any paged device (QPdfWriter for "Lưu PDF", QPrinter for printing and the
print preview), so what is previewed is what is printed. Nghị định 30/2020 sets the page: A4,
margins top/bottom 20 mm, left 30 mm, right 15 mm, page numbers centred in the top margin from page 2.
No widgets are used: this runs in the command line and in a background thread's caller alike.
"""

from __future__ import annotations

import html
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..domain.errors import UserError, os_reason
from .content import ReportContent
from .fonts import report_font_family
from .paginate import paginate

MARGINS_MM = {"top": 20.0, "bottom": 20.0, "left": 30.0, "right": 15.0}
_app = None


class ReportError(UserError):
    """A report that could not be written; str() is Vietnamese."""


def ensure_gui_app():
    """Qt needs a QGuiApplication for fonts and painting; the command line has none of its own."""
    global _app
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance()
    if app is None:
        if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY") and os.name == "posix":
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _app = app = QGuiApplication([])
    return app


@dataclass(frozen=True)
class PageGeometry:
    """The page in device units (dots) for one device resolution."""

    dpi: float
    width: float
    height: float

    def mm(self, value: float) -> float:
        return value * self.dpi / 25.4

    @property
    def left(self) -> float:
        return self.mm(MARGINS_MM["left"])

    @property
    def top(self) -> float:
        return self.mm(MARGINS_MM["top"])

    @property
    def body_width(self) -> float:
        return self.width - self.mm(MARGINS_MM["left"] + MARGINS_MM["right"])

    @property
    def body_height(self) -> float:
        return self.height - self.mm(MARGINS_MM["top"] + MARGINS_MM["bottom"])


def page_layout(landscape: bool):
    """A4 with no device margins: the report draws its own margins so PDF and paper match."""
    from PySide6.QtCore import QMarginsF
    from PySide6.QtGui import QPageLayout, QPageSize

    orientation = QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
    return QPageLayout(QPageSize(QPageSize.PageSizeId.A4), orientation, QMarginsF(0, 0, 0, 0))


def wants_landscape(content: ReportContent) -> bool:
    """Review reports put five years side by side: too wide for portrait."""
    return content.is_review


# ---- the flowing part (title onward) as Qt rich text ---------------------------------------------------


def _e(text: str) -> str:
    return html.escape(text or "", quote=False).replace("\n", "<br/>")


def _th(text: str, width: str = "", extra: str = "") -> str:
    w = f' width="{width}"' if width else ""
    return f'<th{w}{extra} align="center" valign="middle" style="font-weight:bold;">{_e(text)}</th>'


def _td(text: str, align: str = "center", italic: bool = False) -> str:
    body = _e(text)
    if italic and body:
        body = f"<i>{body}</i>"
    return f'<td align="{align}" valign="middle">{body}</td>'


def _period_table(content: ReportContent) -> str:
    period = content.period.period
    target_head = f"Kế hoạch năm {period.year}"
    short = period.short_label  # "Quý III", "6 tháng đầu năm": lower the first letter only, never the numeral
    actual_head = "Thực hiện " + (short[:1].lower() + short[1:] if period.kind != "Y" else f"năm {period.year}")
    head = (
        "<tr>"
        + _th("STT", "6%")
        + _th("Chỉ tiêu", "23%")
        + _th("ĐVT", "8%")
        + _th(target_head, "9%")
        + _th(actual_head, "10%")
        + _th("% KH năm", "9%")
        + _th("Cùng kỳ năm trước", "10%")
        + _th("Đánh giá", "9%")
        + _th("Ghi chú", "16%")
        + "</tr>"
    )
    body = "".join(
        "<tr>"
        + _td(r.stt)
        + _td(r.name, "left")
        + _td(r.measure)
        + _td(r.target)
        + _td(r.actual)
        + _td(r.percent)
        + _td(r.same_period + (f"\n({r.change})" if r.change else ""))
        + _td(r.verdict)
        + _td(r.note, "left", italic=True)
        + "</tr>"
        for r in content.rows
    )
    return _table(head, body)


def _review_table(content: ReportContent, final_year: int) -> str:
    years = content.period.years
    show_final = content.period.end_year < final_year
    fixed = 6 + 22 + 7 + (7 if show_final else 0) + 13
    per = (100 - fixed) / (2 * len(years))
    top = _th("STT", "6%", ' rowspan="2"') + _th("Chỉ tiêu", "22%", ' rowspan="2"') + _th("ĐVT", "7%", ' rowspan="2"')
    top += "".join(_th(f"Năm {y}", "", ' colspan="2"') for y in years)
    if show_final:
        top += _th(f"Chỉ tiêu năm {final_year}", "7%", ' rowspan="2"')
    top += _th(f"Cần đạt đến năm {final_year}", "13%", ' rowspan="2"')
    sub = "".join(_th("KH", f"{per:.1f}%") + _th("TH", f"{per:.1f}%") for _ in years)
    head = f"<tr>{top}</tr><tr>{sub}</tr>"
    rows = []
    for r in content.rows:
        cells = _td(r.stt) + _td(r.name, "left") + _td(r.measure)
        for c in r.years:
            actual = _e(c.actual)
            if c.actual and c.verdict:
                actual += f"<br/><i>{_e(c.verdict)}</i>"
            elif not c.actual and c.target:
                actual = "<i>–</i>"
            cells += _td(c.target) + f'<td align="center" valign="middle">{actual}</td>'
        if show_final:
            cells += _td(r.final_target)
        cells += _td(r.remaining, "left", italic=True)
        rows.append(f"<tr>{cells}</tr>")
    return _table(head, "".join(rows))


def _table(head: str, body: str) -> str:
    return (
        '<table width="100%" border="1" cellspacing="0" cellpadding="3" '
        'style="border-collapse: collapse; border-color: #000; border-style: solid; font-size: 11pt;">'
        f"<thead>{head}</thead><tbody>{body}</tbody></table>"
    )


def _closing(content: ReportContent) -> str:
    recipients = "".join(f"- {_e(r)};<br/>" for r in content.recipients) + "- Lưu: VT."
    receive = (
        '<p style="margin:0;"><span style="font-size:12pt; font-weight:bold; font-style:italic;">Nơi nhận:</span><br/>'
        f'<span style="font-size:11pt;">{recipients}</span></p>'
    )
    space = "<br/>" * 4
    if content.unit_signatures:
        return (
            '<table width="100%" cellspacing="0" cellpadding="0"><tr>'
            f'<td width="40%" valign="top">{receive}</td>'
            '<td width="26%" align="center" valign="top"><b>NGƯỜI LẬP BIỂU</b><br/><i>(Ký, ghi rõ họ tên)</i></td>'
            '<td width="34%" align="center" valign="top"><b>THỦ TRƯỞNG ĐƠN VỊ</b><br/>'
            "<i>(Ký, ghi rõ họ tên, đóng dấu)</i></td>"
            "</tr></table>"
        )
    authority = "<br/>".join(f"<b>{_e(line)}</b>" for line in content.signature)
    signer = f"<b>{_e(content.signer)}</b>" if content.signer else ""
    return (
        '<table width="100%" cellspacing="0" cellpadding="0"><tr>'
        f'<td width="50%" valign="top">{receive}</td>'
        f'<td width="50%" align="center" valign="top">{authority}{space}{signer}</td>'
        "</tr></table>"
    )


def report_html(content: ReportContent, final_year: int) -> str:
    summary = "".join(
        f'<p align="justify" style="margin-top:6pt; margin-bottom:0; text-indent:42px;">{_e(line)}</p>'
        for line in content.summary
    )
    table = _review_table(content, final_year) if content.is_review else _period_table(content)
    part = "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU"
    return (
        '<html><body><p style="margin:0;">&nbsp;</p>'
        f'<p style="margin-top:0; margin-bottom:0; text-indent:42px;"><b>{_e(part)}</b></p>'
        f"{summary}"
        '<p style="margin-top:6pt; margin-bottom:3pt; text-indent:42px;"><b>'
        f"{_e('II. BẢNG CHỈ TIÊU CHI TIẾT')}</b></p>"
        f"{table}"
        '<p style="margin-top:12pt;"></p>'
        f"{_closing(content)}"
        "</body></html>"
    )


# ---- painting ------------------------------------------------------------------------------------------


def _font(family: str, points: float, bold: bool = False, italic: bool = False):
    from PySide6.QtGui import QFont

    font = QFont(family)
    font.setPointSizeF(points)
    font.setBold(bold)
    font.setItalic(italic)
    return font


def _paint_header(painter, geo: PageGeometry, content: ReportContent, family: str, device) -> float:
    """The page-1 block above the table (issuing body, national title, number, date, title, subject).

    Returns its height in device units. Rules are drawn as lines, as a typist would in Word.
    """
    from PySide6.QtCore import QPointF, QRectF, Qt
    from PySide6.QtGui import QFontMetricsF, QPen

    pen = QPen()
    pen.setWidthF(geo.mm(0.25))
    painter.setPen(pen)
    x0, y0, width = geo.left, geo.top, geo.body_width
    left_w = width * (0.42 if width < geo.mm(200) else 0.38)
    right_w = width - left_w
    left_c, right_c = x0 + left_w / 2, x0 + left_w + right_w / 2

    def line(text, font, center, y) -> tuple[float, float]:
        metrics = QFontMetricsF(font, device)
        w = metrics.horizontalAdvance(text)
        painter.setFont(font)
        painter.drawText(QPointF(center - w / 2, y + metrics.ascent()), text)
        return w, metrics.height()

    # Left: issuing body (the commune in bold; for a unit the commune above, the unit in bold).
    y = y0
    widest = 0.0
    for n, text in enumerate(content.issuing_body):
        bold = not content.unit_signatures or n == len(content.issuing_body) - 1
        w, h = line(text, _font(family, 12.5, bold=bold), left_c, y)
        widest, y = max(widest, w), y + h
    rule = max(geo.mm(20), widest * 0.4)
    painter.drawLine(QPointF(left_c - rule / 2, y + geo.mm(0.6)), QPointF(left_c + rule / 2, y + geo.mm(0.6)))
    left_bottom = y

    # Right: national title and motto, the motto underlined by a rule as long as itself.
    y = y0
    _, h = line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", _font(family, 12.5, bold=True), right_c, y)
    y += h
    w, h = line("Độc lập - Tự do - Hạnh phúc", _font(family, 13.5, bold=True), right_c, y)
    y += h
    painter.drawLine(QPointF(right_c - w / 2, y + geo.mm(0.6)), QPointF(right_c + w / 2, y + geo.mm(0.6)))
    right_bottom = y

    y = max(left_bottom, right_bottom) + geo.mm(4)
    _, h1 = line(content.doc_number, _font(family, 13), left_c, y)
    _, h2 = line(content.date_line, _font(family, 13.5, italic=True), right_c, y)
    y += max(h1, h2) + geo.mm(8)

    center = x0 + width / 2
    _, h = line(content.title, _font(family, 14, bold=True), center, y)
    y += h
    subject_font = _font(family, 14, bold=True)
    painter.setFont(subject_font)
    box = QRectF(x0 + width * 0.08, y, width * 0.84, geo.mm(60))
    flags = int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop) | int(Qt.TextFlag.TextWordWrap)
    used = QFontMetricsF(subject_font, device).boundingRect(box, flags, content.subject)
    painter.drawText(box, flags, content.subject)
    y += used.height() + geo.mm(1.2)
    rule = geo.mm(40)
    painter.drawLine(QPointF(center - rule / 2, y), QPointF(center + rule / 2, y))
    return y + geo.mm(6) - y0


def _indent_first_lines(doc, indent: float) -> None:
    """First-line indent of body paragraphs (1,1 cm), in device units: Qt's CSS text-indent is not scaled."""
    block = doc.firstBlock()
    while block.isValid():
        fmt = block.blockFormat()
        if fmt.textIndent() > 0:
            from PySide6.QtGui import QTextCursor

            fmt.setTextIndent(indent)
            QTextCursor(block).setBlockFormat(fmt)
        block = block.next()


def _set_first_line_height(doc, value: float) -> None:
    from PySide6.QtGui import QTextBlockFormat

    cursor = doc.rootFrame().firstCursorPosition()
    fmt = cursor.blockFormat()
    fmt.setLineHeight(value, QTextBlockFormat.LineHeightTypes.FixedHeight.value)
    cursor.setBlockFormat(fmt)


def _first_line_top(doc) -> float:
    return doc.documentLayout().blockBoundingRect(doc.firstBlock().next()).top()


def _reserve_top(doc, height: float) -> float:
    """Make the first (empty) line of the document `height` device units tall; return the line height set.

    Qt ignores the top margin of a frame's first block and scales format lengths to the device's
    resolution, so the line height is set, measured and corrected once. Each setting lays the whole
    document out again: paint_report measures on a two-line document and sets the result before layout.
    """
    wanted = height
    for _ in range(2):
        _set_first_line_height(doc, wanted)
        got = _first_line_top(doc)
        if got <= 0 or abs(got - height) < 1:
            break
        wanted = wanted * height / got
    return wanted


def new_document(device, page, font, html_text: str, paged: bool = True, edit=None):
    """A QTextDocument laid out once for `device`: page size (or only the width), device and font come
    before the text, and the text and `edit(doc)` (format changes) go in one edit block, so Qt lays the
    document out once instead of once per change. `paged=False` gives one endless page (natural positions).
    """
    from PySide6.QtGui import QTextCursor, QTextDocument

    doc = QTextDocument()
    if paged:
        doc.setPageSize(page)
    else:
        doc.setTextWidth(page.width())
    doc.documentLayout().setPaintDevice(device)
    if font is not None:
        doc.setDefaultFont(font)
    doc.setDocumentMargin(0)
    cursor = QTextCursor(doc)
    cursor.beginEditBlock()
    doc.setHtml(html_text)
    if edit is not None:
        edit(doc)
    cursor.endEditBlock()
    doc.documentLayout().documentSize()  # finish the layout now
    return doc


def _paint_page_number(painter, geo: PageGeometry, font, number: int) -> None:
    """The page number, centred in the top margin (Nghị định 30: from page 2 on)."""
    from PySide6.QtCore import QRectF, Qt

    painter.setFont(font)
    painter.drawText(QRectF(geo.left, 0, geo.body_width, geo.top), int(Qt.AlignmentFlag.AlignCenter), str(number))


def paint_pages(painter, device, doc, geo: PageGeometry, number_font) -> int:
    """Paint a paginated document page by page onto `device`, numbering pages from 2; return the page count."""
    from PySide6.QtCore import QPointF, QRectF
    from PySide6.QtGui import QAbstractTextDocumentLayout

    page = doc.pageSize()
    for index in range(doc.pageCount()):
        if index:
            device.newPage()
            _paint_page_number(painter, geo, number_font, index + 1)
        painter.save()
        painter.translate(QPointF(geo.left, geo.top - index * page.height()))
        clip = QRectF(0, index * page.height(), page.width(), page.height())
        painter.setClipRect(clip)
        context = QAbstractTextDocumentLayout.PaintContext()
        # Only what lies on this page: a line starting a hair below the page's end (a page break puts it
        # there) would otherwise be painted too, clipped to a sliver, and its text land in the PDF twice.
        context.clip = clip.adjusted(0, 0, 0, -geo.mm(0.3))
        doc.documentLayout().draw(painter, context)
        painter.restore()
    return doc.pageCount()


def paint_report(
    device, content: ReportContent, final_year: int, extra_pages: Callable | None = None, body_html: str | None = None
) -> int:
    """Paint the whole report onto a paged device already set to A4 without margins; return the page count.

    `extra_pages(painter, rect, new_page)` may paint further pages (charts) after the report.
    `body_html` replaces the indicator body under the same header, numbering and closing (the task sheet).
    """
    from PySide6.QtCore import QRectF, QSizeF
    from PySide6.QtGui import QPainter, QTextDocument

    family = report_font_family()
    dpi = float(device.logicalDpiY())
    geo = PageGeometry(dpi, float(device.width()), float(device.height()))
    painter = QPainter()
    if not painter.begin(device):
        raise ReportError("Không mở được máy in hoặc tệp PDF để ghi.")
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        header_height = _paint_header(painter, geo, content, family, device)

        page = QSizeF(geo.body_width, geo.body_height)
        body_font = _font(family, 13)
        # Leave room on page 1 for the painted header block: the first (empty) line is that tall.
        # (Qt ignores the top margin of a frame's first block, so a fixed line height is used, found once.)
        probe = new_document(device, page, body_font, '<p style="margin:0;">&nbsp;</p><p style="margin:0;">x</p>')
        top_line = _reserve_top(probe, header_height)

        def edit(doc: QTextDocument) -> None:
            _indent_first_lines(doc, geo.mm(11))
            _set_first_line_height(doc, top_line)

        def build(text: str, paged: bool = True) -> QTextDocument:
            doc = new_document(device, page, body_font, text, paged, edit)
            if abs(_first_line_top(doc) - header_height) >= 1:
                _reserve_top(doc, header_height)  # the two-line measure did not carry over: measure here
            return doc

        # No table row split across pages; the signature block keeps the last rows with it.
        doc = paginate(report_html(content, final_year) if body_html is None else body_html, build, page.height())
        number_font = _font(family, 13)
        pages = paint_pages(painter, device, doc, geo, number_font)
        total = pages
        if extra_pages is not None:

            def new_page() -> None:
                nonlocal total
                device.newPage()
                total += 1
                _paint_page_number(painter, geo, number_font, total)

            extra_pages(painter, QRectF(geo.left, geo.top, geo.body_width, geo.body_height), new_page)
        return total
    finally:
        painter.end()


def write_pdf(
    content: ReportContent,
    path: Path | str,
    final_year: int,
    extra_pages: Callable | None = None,
    body_html: str | None = None,
    landscape: bool | None = None,
) -> int:
    """Write the report as a PDF (fonts embedded); return the number of pages."""
    from PySide6.QtGui import QPdfWriter

    ensure_gui_app()
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    writer = QPdfWriter(str(tmp))
    writer.setResolution(300)
    writer.setTitle(f"{content.title} {content.subject}")
    writer.setCreator("Kiến Hải Tiến độ")
    writer.setPageLayout(page_layout(wants_landscape(content) if landscape is None else landscape))
    try:
        pages = paint_report(writer, content, final_year, extra_pages, body_html)
        del writer  # flushes and closes the file
        os.replace(tmp, path)
    except OSError as exc:
        raise ReportError(f"Không ghi được tệp PDF {path}: {os_reason(exc)}.") from exc
    finally:
        if tmp.exists():
            tmp.unlink(missing_ok=True)
    return pages
