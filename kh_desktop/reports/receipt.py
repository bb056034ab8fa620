"""The receipt (biên nhận) of exchange files received at Văn phòng, as a printable document."""

from __future__ import annotations

import html
from datetime import date, datetime
from pathlib import Path

from ..domain.merge import COUNT_LABELS
from ..domain.numbers import format_number
from ..storage.store import Store
from ..storage.trust_store import unit_name as unit_label
from .content import vietnamese_date_line

COUNT_COLUMNS = COUNT_LABELS  # the same words as the receive dialog and the command line


def _e(text) -> str:
    return html.escape(str(text), quote=False)


def received_when(text: str) -> str:
    try:
        return datetime.fromisoformat(text).strftime("%H:%M %d/%m/%Y")
    except ValueError:
        return text


def receipt_html(store: Store, rows: list[dict], on: date | None = None, family: str = "Times New Roman") -> str:
    """A biên nhận listing the received files `rows` (import log rows) with their counts."""
    plan = store.plan
    body = plan.text("issuing_body", ["ỦY BAN NHÂN DÂN", plan.commune.upper()])
    place = plan.text("place", plan.commune)
    widths = (("STT", 4), ("Đơn vị gửi", 18), ("Tệp nhận", 32), ("Thời điểm nhận", 10))
    head = "".join(f"<th width='{w}%'>{_e(label)}</th>" for label, w in widths)
    head += "".join(f"<th width='6%'>{_e(label)}</th>" for _, label in COUNT_COLUMNS)
    lines = []
    for n, row in enumerate(rows, 1):
        cells = [
            f"<td align='center'>{n}</td>",
            f"<td>{_e(unit_label(store, row['unit']))}</td>",
            f"<td>{_e(row['file_name'])}<br/><small>Mã kiểm tra: {_e(row['sha256'][:16])}</small></td>",
            f"<td align='center'>{_e(received_when(row['received_at']))}</td>",
        ]
        cells += [f"<td align='center'>{format_number(row[key], 0)}</td>" for key, _ in COUNT_COLUMNS]
        lines.append("<tr>" + "".join(cells) + "</tr>")
    when = vietnamese_date_line(place, on or date.today())
    return f"""<html><body style="font-family:'{family}'; font-size:13pt">
<table width="100%"><tr>
<td width="40%" align="center"><b>{"<br/>".join(_e(x) for x in body)}</b><br/>———</td>
<td width="60%" align="center"><b>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br/>Độc lập - Tự do - Hạnh phúc</b><br/>
———————<br/><i>{_e(when)}</i></td></tr></table>
<p align="center" style="margin-top:18pt"><b>BIÊN NHẬN</b><br/><b>Số liệu thực hiện kế hoạch do các đơn vị gửi về
Văn phòng HĐND và UBND xã</b></p>
<p>Văn phòng đã nhận và đối chiếu {format_number(len(rows), 0)} tệp số liệu sau (số dòng theo từng loại):</p>
<table border="1" cellspacing="0" cellpadding="3" width="100%" style="font-size:10.5pt">
<thead><tr>{head}</tr></thead><tbody>{"".join(lines)}</tbody></table>
<p style="font-size:11pt"><i>“Cũ hơn”: số liệu đã có bản mới hơn tại Văn phòng nên không thay thế; “Từ chối”: số liệu
không thuộc trách nhiệm của đơn vị gửi; “Xung đột”: hai máy ghi khác nhau, chờ người có thẩm quyền quyết định.</i></p>
<table width="100%" style="margin-top:18pt"><tr>
<td width="50%" align="center"><b>NGƯỜI GIAO</b><br/><i>(Ký, ghi rõ họ tên)</i></td>
<td width="50%" align="center"><b>NGƯỜI NHẬN</b><br/><i>(Ký, ghi rõ họ tên)</i><br/><br/><br/><br/>
<b>{_e(store.meta("person") or "")}</b></td></tr></table>
</body></html>"""


def write_receipt_pdf(store: Store, rows: list[dict], dest: Path, on: date | None = None) -> Path:
    """The receipt as an A4 landscape PDF with the report's margins and page numbers (centred in the top
    margin from page 2, as Nghị định 30/2020 asks). Qt's text document; needs a QGuiApplication, made if missing.
    """
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QFont, QPainter, QPdfWriter, QTextDocument

    from .fonts import report_font_family
    from .paginate import paginate
    from .render import PageGeometry, ReportError, ensure_gui_app, new_document, page_layout, paint_pages

    ensure_gui_app()
    family = report_font_family()
    writer = QPdfWriter(str(dest))
    writer.setResolution(300)
    writer.setPageLayout(page_layout(landscape=True))
    writer.setTitle("Biên nhận số liệu")
    writer.setCreator("Kiến Hải Tiến độ")
    geo = PageGeometry(float(writer.logicalDpiY()), float(writer.width()), float(writer.height()))
    page = QSizeF(geo.body_width, geo.body_height)

    def build(text: str, paged: bool = True) -> QTextDocument:
        return new_document(writer, page, None, text, paged)

    # A received file's row is never split across two pages; the signatures keep the last rows with them.
    document = paginate(receipt_html(store, rows, on, family), build, page.height())
    number_font = QFont(family)
    number_font.setPointSizeF(13)
    painter = QPainter()
    if not painter.begin(writer):
        raise ReportError("Không mở được tệp PDF để ghi.")
    try:
        paint_pages(painter, writer, document, geo, number_font)
    finally:
        painter.end()
    return Path(dest)
