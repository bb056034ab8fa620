"""The Word report: written by the command line, read back with python-docx, converted by LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from docx import Document
from docx.oxml.ns import qn
from pypdf import PdfReader

from tests.conftest import run_cli

FIGURES = [
    ("1", "2026-9T", "19,5", "--estimate"),  # 19,5 of a ≥19 target: 102,6% (19,5 / 19)
    ("2", "2026-9T", "12", "--note", "Nguồn thu từ đất đạt thấp"),  # 12 of ≥15: 80%, missed
    ("4", "2026-Q1", "50"),
    ("4", "2026-Q2", "60"),
    ("4", "2026-Q3", "61"),
    ("4", "2025-9T", "150"),
    ("9", "2026-9T", "96"),
    ("9", "2025-9T", "94,5"),
    ("22", "2026-9T", "Ổn định, không có điểm nóng"),
]


@pytest.fixture
def nine_months_docx(cli_db, tmp_path):
    for code, period, value, *options in FIGURES:
        run_cli("set", code, period, value, *options, db=cli_db, check=True)
    out = tmp_path / "bao-cao-9-thang.docx"
    result = run_cli("report", str(out), "--period", "2026-9T", db=cli_db, check=True)
    assert "Đã ghi báo cáo 9 tháng năm 2026 (toàn xã)" in result.stdout
    return out


def all_text(doc) -> list[str]:
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            texts += [cell.text for cell in row.cells]
    return texts


def test_word_report_reads_back_with_layout_and_drafted_sentences(nine_months_docx, cli_db):
    doc = Document(str(nine_months_docx))
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)  # A4 portrait
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin)] == [20, 20]
    assert [round(m.mm) for m in (section.left_margin, section.right_margin)] == [30, 15]
    texts = all_text(doc)
    joined = "\n".join(texts)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "/BC-UBND",
        "BÁO CÁO",
        "Kết quả thực hiện các chỉ tiêu kinh tế - xã hội xã Kiến Hải 9 tháng năm 2026",
        "Nơi nhận:",
        "- Lưu: VT.",
        "Nguyễn Văn Quyết",
    ):
        assert expected in joined, expected
    # Section I: one drafted sentence per indicator group.
    body = [p.text for p in doc.paragraphs]
    assert any(
        t.startswith(
            "- Tổng giá trị sản phẩm trên địa bàn ước tăng 19,5%, đạt 102,6% kế hoạch năm, vượt chỉ tiêu đề ra"
        )
        for t in body
    )
    assert (
        "- Thu ngân sách Nhà nước trên địa bàn tăng 12%, đạt 80% kế hoạch năm, chưa đạt chỉ tiêu năm "
        "(giải trình: Nguồn thu từ đất đạt thấp)." in body
    )
    assert any(
        t.startswith(
            "- Vốn đầu tư ngân sách xã (cả giai đoạn) đạt 171 tỷ đồng, bằng 81,4% kế hoạch năm, "
            "vượt tiến độ kế hoạch năm, so với cùng kỳ năm trước tăng 14%"
        )
        for t in body
    )
    # The indicator table: every indicator, its header repeated on each page, the cùng kỳ column.
    table = doc.tables[1]
    head = [c.text for c in table.rows[0].cells]
    assert head[4:7] == ["Thực hiện 9 tháng", "% KH năm", "Cùng kỳ năm trước"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    plan = run_cli("plan", "--json", db=cli_db, check=True).stdout
    import json

    names = [row["name"] for row in json.loads(plan)]
    column = [row.cells[1].text for row in table.rows[1:]]
    assert column == names
    rows = {row.cells[1].text: [c.text for c in row.cells] for row in table.rows[1:]}
    capital = rows["Vốn đầu tư ngân sách xã (cả giai đoạn)"]
    assert capital[4:8] == ["171 (*)", "81,4%", "150\n(+14%)", "Vượt"]
    assert rows["Gia đình văn hóa đạt"][6] == "94,5\n(+1,5 điểm %)"
    # Every run in Times New Roman, body 13–14 points (the table 11, like the PDF).
    body_sizes, header_sizes = set(), set()
    for paragraph in doc.paragraphs:
        for run in paragraph.runs:
            assert run.font.name == "Times New Roman"
            if any(ch.isalpha() for ch in run.text):
                body_sizes.add(run.font.size.pt)
    for cell in doc.tables[0].rows[0].cells:  # the header block: issuing body, Quốc hiệu, number, date
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                if any(ch.isalpha() for ch in run.text):
                    assert run.font.name == "Times New Roman"
                    header_sizes.add(run.font.size.pt)
    assert body_sizes == {14.0}
    assert min(header_sizes) >= 12.5 and max(header_sizes) <= 14.0


def test_word_report_opens_in_libreoffice(nine_months_docx, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed here; CI installs libreoffice-writer-nogui")
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            str(nine_months_docx),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env=dict(os.environ, HOME=str(tmp_path)),
    )
    assert result.returncode == 0, result.stderr
    pdf = tmp_path / "pdf" / "bao-cao-9-thang.pdf"
    assert pdf.exists(), result.stdout + result.stderr
    reader = PdfReader(pdf)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "BÁO CÁO" in text and "Vượt" in text and "Nguyễn Văn Quyết" in text
    assert len(reader.pages) >= 2


def test_report_refuses_other_suffixes(cli_db, tmp_path):
    result = run_cli("report", str(tmp_path / "r.odt"), "--period", "2026-9T", db=cli_db)
    assert result.returncode != 0 and "đuôi .pdf (in) hoặc .docx" in result.stderr
