"""The report as an editable Word file (python-docx), laid out as the PDF and as Nghị định 30/2020 sets it:
A4, margins top/bottom 20 mm, left 30 mm, right 15 mm, Times New Roman 13–14 (the table 11, as the PDF's),
header block with Quốc hiệu and motto, a blank số hiệu for the văn thư, the date line, BÁO CÁO and its subject,
Section I drafted from the figures, the indicator table with its header row repeated on every page, Nơi nhận
and the signature block. The văn thư finishes it in Word or LibreOffice.
"""

from __future__ import annotations

import os
from pathlib import Path

from .content import ReportContent
from .render import MARGINS_MM, ReportError

FONT = "Times New Roman"
BODY_PT = 14
TABLE_PT = 11


def _font(run, size: float, bold: bool = False, italic: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.italic = italic
    # East-Asian and complex-script slots too, or Word falls back to another face for Vietnamese marks.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def _para(
    container,
    text: str = "",
    size: float = BODY_PT,
    *,
    bold=False,
    italic=False,
    align=None,
    indent=False,
    before: float = 0,
    after: float = 0,
):
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    p = container.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if align is not None:
        p.alignment = {
            "center": WD_ALIGN_PARAGRAPH.CENTER,
            "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
            "left": WD_ALIGN_PARAGRAPH.LEFT,
            "right": WD_ALIGN_PARAGRAPH.RIGHT,
        }[align]
    if indent:
        fmt.first_line_indent = Cm(1.1)
    if text:
        _font(p.add_run(text), size, bold, italic)
    return p


def _no_borders(table) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def _cell_text(cell, text: str, size: float = TABLE_PT, *, bold=False, italic=False, align="center") -> None:
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT

    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    lines = (text or "").split("\n")
    first = cell.paragraphs[0]
    for n, line in enumerate(lines):
        p = first if n == 0 else cell.add_paragraph()
        _set_align(p, align)
        if line:
            _font(p.add_run(line), size, bold, italic)


def _set_align(p, align: str) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
    p.paragraph_format.space_after = 0


def _repeat_header(row) -> None:
    """Mark a row as the table's header: Word and LibreOffice repeat it at the top of every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)


def _table_with_header(doc, heads: list[str]):
    """A ruled table whose first row holds `heads` in bold, repeated at the top of every page."""
    table = doc.add_table(rows=1, cols=len(heads))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, heads, strict=True):
        _cell_text(cell, text, bold=True)
    _repeat_header(table.rows[0])
    return table


def _widths(table, widths_cm: list[float]) -> None:
    """Fixed column widths, written both in the table grid (LibreOffice reads it) and in each cell (Word)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm

    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table.columns, widths_cm, strict=False):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=False):
            cell.width = Cm(width)


def _header_block(doc, content: ReportContent, body_cm: float) -> None:
    from docx.shared import Cm

    table = doc.add_table(rows=1, cols=2)
    _no_borders(table)
    left_cm = body_cm * 0.4
    _widths(table, [left_cm, body_cm - left_cm])
    left, right = table.rows[0].cells
    for n, line in enumerate(content.issuing_body):
        bold = not content.unit_signatures or n == len(content.issuing_body) - 1
        p = left.paragraphs[0] if n == 0 else left.add_paragraph()
        _set_align(p, "center")
        _font(p.add_run(line), 12.5, bold=bold)
    rule = left.add_paragraph()
    _set_align(rule, "center")
    _font(rule.add_run("———"), 10)
    number = left.add_paragraph()
    _set_align(number, "center")
    _font(number.add_run(content.doc_number), 13)

    p = right.paragraphs[0]
    _set_align(p, "center")
    _font(p.add_run("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), 12.5, bold=True)
    p = right.add_paragraph()
    _set_align(p, "center")
    motto = p.add_run("Độc lập - Tự do - Hạnh phúc")
    _font(motto, 14, bold=True)
    motto.font.underline = True
    p = right.add_paragraph()
    _set_align(p, "center")
    p.paragraph_format.space_before = Cm(0.4)
    _font(p.add_run(content.date_line), 14, italic=True)


def _period_table(doc, content: ReportContent, body_cm: float) -> None:
    period = content.period.period
    short = period.short_label
    actual_head = "Thực hiện " + (short[:1].lower() + short[1:] if period.kind != "Y" else f"năm {period.year}")
    heads = [
        "STT",
        "Chỉ tiêu",
        "ĐVT",
        f"Kế hoạch năm {period.year}",
        actual_head,
        "% KH năm",
        "Cùng kỳ năm trước",
        "Đánh giá",
        "Ghi chú",
    ]
    shares = [7, 22, 8, 9, 10, 10, 10, 9, 15]
    table = _table_with_header(doc, heads)
    for r in content.rows:
        cells = table.add_row().cells
        values = [
            r.stt,
            r.name,
            r.measure,
            r.target,
            r.actual,
            r.percent,
            r.same_period + (f"\n({r.change})" if r.change else ""),
            r.verdict,
            r.note,
        ]
        for n, (cell, text) in enumerate(zip(cells, values, strict=True)):
            _cell_text(cell, text, align="left" if n in (1, 8) else "center", italic=n == 8)
    _widths(table, [body_cm * s / 100 for s in shares])


def _review_table(doc, content: ReportContent, body_cm: float, final_year: int) -> None:
    years = content.period.years
    show_final = content.period.end_year < final_year
    heads = ["STT", "Chỉ tiêu", "ĐVT"]
    for y in years:
        heads += [f"KH {y}", f"TH {y}"]
    if show_final:
        heads.append(f"Chỉ tiêu năm {final_year}")
    heads.append(f"Cần đạt đến năm {final_year}")
    table = _table_with_header(doc, heads)
    for r in content.rows:
        values = [r.stt, r.name, r.measure]
        for c in r.years:
            values += [c.target, c.actual + (f"\n{c.verdict}" if c.actual and c.verdict else "")]
        if show_final:
            values.append(r.final_target)
        values.append(r.remaining)
        for n, (cell, text) in enumerate(zip(table.add_row().cells, values, strict=True)):
            _cell_text(cell, text, align="left" if n == 1 else "center")
    fixed = [1.2, 4.2, 1.4]
    rest = body_cm - sum(fixed) - 2.6 - (1.4 if show_final else 0)
    per = rest / (2 * len(years))
    _widths(table, fixed + [per] * (2 * len(years)) + ([1.4] if show_final else []) + [2.6])


def _closing(doc, content: ReportContent, body_cm: float) -> None:
    unit = content.unit_signatures
    table = doc.add_table(rows=1, cols=3 if unit else 2)
    _no_borders(table)
    _widths(table, [body_cm * 0.4, body_cm * 0.26, body_cm * 0.34] if unit else [body_cm / 2, body_cm / 2])
    receive = table.rows[0].cells[0]
    p = receive.paragraphs[0]
    _set_align(p, "left")
    _font(p.add_run("Nơi nhận:"), 12, bold=True, italic=True)
    for line in [*(f"- {r};" for r in content.recipients), "- Lưu: VT."]:
        p = receive.add_paragraph()
        _set_align(p, "left")
        _font(p.add_run(line), 11)
    if unit:
        for cell, (title, hint) in zip(
            table.rows[0].cells[1:],
            [("NGƯỜI LẬP BIỂU", "(Ký, ghi rõ họ tên)"), ("THỦ TRƯỞNG ĐƠN VỊ", "(Ký, ghi rõ họ tên, đóng dấu)")],
            strict=True,
        ):
            _cell_text(cell, title, 13, bold=True)
            p = cell.add_paragraph()
            _set_align(p, "center")
            _font(p.add_run(hint), 13, italic=True)
        return
    sign = table.rows[0].cells[1]
    for n, line in enumerate(content.signature):
        p = sign.paragraphs[0] if n == 0 else sign.add_paragraph()
        _set_align(p, "center")
        _font(p.add_run(line), 14, bold=True)
    for _ in range(4):
        sign.add_paragraph()
    if content.signer:
        p = sign.add_paragraph()
        _set_align(p, "center")
        _font(p.add_run(content.signer), 14, bold=True)


def build_docx(content: ReportContent, sentences: list[str], final_year: int):
    """The Word document (python-docx Document) for a report's content and its drafted Section I."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    section = doc.sections[0]
    landscape = content.is_review
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    body_cm = ((297 if landscape else 210) - MARGINS_MM["left"] - MARGINS_MM["right"]) / 10

    _header_block(doc, content, body_cm)
    _para(doc, content.title, 14, bold=True, align="center", before=18)
    _para(doc, content.subject, 14, bold=True, align="center")
    _para(doc, "———————", 10, align="center", after=6)

    _para(doc, "I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU", bold=True, indent=True, before=6)
    for line in content.summary:
        _para(doc, line, align="justify", indent=True, before=6)
    for sentence in sentences:
        _para(doc, f"- {sentence}", align="justify", indent=True, before=6)
    _para(doc, "II. BẢNG CHỈ TIÊU CHI TIẾT", bold=True, indent=True, before=6, after=3)
    if content.is_review:
        _review_table(doc, content, body_cm, final_year)
    else:
        _period_table(doc, content, body_cm)
    _para(doc, "", before=12)
    _closing(doc, content, body_cm)
    doc.core_properties.title = f"{content.title} {content.subject}"
    doc.core_properties.language = "vi-VN"
    return doc


def write_docx(content: ReportContent, sentences: list[str], out: Path, final_year: int) -> Path:
    """Write the Word report through a temporary file, so a failed write leaves no half file behind."""
    out = Path(out)
    tmp = out.with_name(out.name + ".tmp")
    try:
        build_docx(content, sentences, final_year).save(str(tmp))
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ReportError(f"Không ghi được tệp Word {out}: {exc.strerror or exc}.") from exc
    return out
