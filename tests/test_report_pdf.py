"""Printed reports: real PDFs written with Qt, read back with pypdf."""

from __future__ import annotations

import re
from datetime import date

import pytest
from pypdf import PdfReader

from kh_desktop.domain.periods import parse_report_period
from kh_desktop.reports.content import build_report, vietnamese_date_line
from kh_desktop.reports.render import MARGINS_MM, write_pdf
from tests.conftest import run_cli

MM = 72 / 25.4
A4 = (210 * MM, 297 * MM)


@pytest.fixture
def qapp_once(qapp):
    """pytest-qt's QApplication: a bare QGuiApplication here would abort later widget tests."""
    return qapp


def seed(store) -> None:
    store.record("1", "2026-H1", 19.5, note="Theo số liệu thống kê")
    store.record("2", "2026-H1", 14.25, estimate=True)
    store.record("4", "2026-H1", 1064)
    store.record("5", "baseline", 100)
    store.record("5", "2026-H1", 118)
    store.record("12", "2026-H1", 1064)
    store.record("1", "2026", 20.1)
    store.record("1", "2027", 18.5, estimate=True)
    store.record("22", "2026-H1", "Ổn định, không có điểm nóng")


def flat(text: str) -> str:
    return " ".join(text.split())


def write(store, tmp_path, period: str, unit: str | None = None, name: str = "r.pdf"):
    rp = parse_report_period(period, store.plan.first_year, store.plan.last_year)
    content = build_report(store, rp, unit, date(2027, 1, 5))
    path = tmp_path / name
    pages = write_pdf(content, path, store.plan.last_year)
    reader = PdfReader(path)
    assert len(reader.pages) == pages
    return content, reader


def positions(page) -> list[tuple[float, float, str]]:
    """Start point of every text run on a page, in PDF points from the bottom-left corner."""
    found = []

    def mult(m, n):
        return [
            m[0] * n[0] + m[1] * n[2],
            m[0] * n[1] + m[1] * n[3],
            m[2] * n[0] + m[3] * n[2],
            m[2] * n[1] + m[3] * n[3],
            m[4] * n[0] + m[5] * n[2] + n[4],
            m[4] * n[1] + m[5] * n[3] + n[5],
        ]

    def visit(text, cm, tm, font, size):
        if text.strip():
            m = mult(tm, cm)
            found.append((m[4], m[5], text))

    page.extract_text(visitor_text=visit)
    return found


def test_date_line_leading_zeros():
    assert vietnamese_date_line("Kiến Hải", date(2027, 1, 5)) == "Kiến Hải, ngày 05 tháng 01 năm 2027"
    assert vietnamese_date_line("Kiến Hải", date(2026, 3, 9)) == "Kiến Hải, ngày 09 tháng 3 năm 2026"
    assert vietnamese_date_line("Kiến Hải", date(2026, 12, 25)) == "Kiến Hải, ngày 25 tháng 12 năm 2026"


def test_commune_half_year_report(store, tmp_path, qapp_once):
    seed(store)
    content, reader = write(store, tmp_path, "2026-H1")
    first = flat(reader.pages[0].extract_text())
    for expected in (
        "ỦY BAN NHÂN DÂN",
        "XÃ KIẾN HẢI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "/BC-UBND",
        "Kiến Hải, ngày 05 tháng 01 năm 2027",
        "BÁO CÁO",
        "Kết quả thực hiện các chỉ tiêu kinh tế - xã hội xã Kiến Hải 6 tháng đầu năm 2026",
    ):
        assert expected in first, expected
    text = flat(" ".join(p.extract_text() for p in reader.pages))
    for indicator in store.plan.indicators:
        assert flat(indicator.name) in text, indicator.name
    for figure in ("19,5", "14,25 (ước)", "1.064", "1,18", "102,6%", "70,9%", "≥1.500", "Vượt", "Không đạt"):
        assert figure in text, figure
    for closing in ("Nơi nhận:", "- Lưu: VT.", "TM. ỦY BAN NHÂN DÂN", "Nguyễn Văn Quyết"):
        assert closing in text
    assert len(reader.pages) >= 2
    # The table's header row is repeated on every page the table reaches.
    for page in reader.pages[1:]:
        page_text = flat(page.extract_text())
        if "Nơi nhận" not in page_text or re.search(r"\b2[0-2]\b", page_text):
            assert "STT" in page_text and "% KH năm" in page_text


def test_pages_are_a4_with_the_margins(store, tmp_path, qapp_once):
    seed(store)
    _, reader = write(store, tmp_path, "2026-H1")
    left, right = MARGINS_MM["left"] * MM, A4[0] - MARGINS_MM["right"] * MM
    bottom, top = MARGINS_MM["bottom"] * MM, A4[1] - MARGINS_MM["top"] * MM
    assert (MARGINS_MM["top"], MARGINS_MM["bottom"]) == (20.0, 20.0)
    assert (MARGINS_MM["left"], MARGINS_MM["right"]) == (30.0, 15.0)
    for n, page in enumerate(reader.pages):
        box = page.mediabox
        assert abs(float(box.width) - A4[0]) < 1 and abs(float(box.height) - A4[1]) < 1
        runs = positions(page)
        assert runs
        numbers = []
        for x, y, text in runs:
            if y > top:  # only the page number lives in the top margin, from page 2 on
                numbers.append((x, text.strip()))
                continue
            assert left - 1 <= x <= right, (n, x, text)
            assert y >= bottom - 1, (n, y, text)
        if n == 0:
            assert numbers == []
        else:
            assert [t for _, t in numbers] == [str(n + 1)]
            assert abs(numbers[0][0] - (left + right) / 2) < 10 * MM


def test_unit_report_lists_only_its_indicators(store, tmp_path, qapp_once):
    seed(store)
    content, reader = write(store, tmp_path, "2026-H1", "cong-an")
    text = flat(" ".join(p.extract_text() for p in reader.pages))
    assert "CÔNG AN XÃ" in text and "UBND XÃ KIẾN HẢI" in text
    assert "Giữ vững an ninh chính trị" in text and "Ổn định, không có điểm nóng" in text
    assert "Tổng giá trị sản phẩm" not in text
    assert "NGƯỜI LẬP BIỂU" in text and "THỦ TRƯỞNG ĐƠN VỊ" in text
    assert content.codes == [i.code for i in store.plan.indicators_of("cong-an")]


def test_review_reports_show_years_side_by_side_landscape(store, tmp_path, qapp_once):
    seed(store)
    _, reader = write(store, tmp_path, "2026-2028", "kinh-te", name="mid.pdf")
    box = reader.pages[0].mediabox
    assert abs(float(box.width) - A4[1]) < 1 and abs(float(box.height) - A4[0]) < 1
    text = flat(" ".join(p.extract_text() for p in reader.pages))
    assert "Đánh giá giữa kỳ" in text and "giai đoạn 2026 - 2028" in text
    for head in ("Năm 2026", "Năm 2027", "Năm 2028", "Chỉ tiêu năm 2030", "Cần đạt đến năm 2030"):
        assert head in text
    assert "20,1" in text and "18,5 (ước)" in text and "Cần tăng thêm" in text
    _, final = write(store, tmp_path, "2026-2030", name="final.pdf")
    final_text = flat(" ".join(p.extract_text() for p in final.pages))
    assert "Đánh giá cuối kỳ" in final_text and "Năm 2030" in final_text


def test_cli_report(cli_db, tmp_path):
    run_cli("set", "12", "2026-H1", "1.064", db=cli_db, check=True)
    out = tmp_path / "bao-cao.pdf"
    result = run_cli("report", str(out), "--period", "2026-H1", "--unit", "Phòng VH-XH", db=cli_db, check=True)
    assert "trang" in result.stdout
    text = flat(" ".join(p.extract_text() for p in PdfReader(out).pages))
    assert "PHÒNG VĂN HÓA – XÃ HỘI" in text and "1.064" in text
    bad = run_cli("report", str(tmp_path / "x.pdf"), "--period", "2026-Q5", db=cli_db)
    assert bad.returncode != 0 and "Kỳ" in bad.stderr and not (tmp_path / "x.pdf").exists()


def test_cli_report_with_charts(cli_db, tmp_path):
    out = tmp_path / "charts.pdf"
    run_cli("set", "22", "2026", "Ổn định, không có điểm nóng", db=cli_db, check=True)
    run_cli("report", str(out), "--period", "2026", "--unit", "Công an", "--charts", db=cli_db, check=True)
    reader = PdfReader(out)
    assert "BIỂU ĐỒ TIẾN ĐỘ" in flat(reader.pages[-1].extract_text())
    assert_inside_margins(reader)
    # The chart pages are printed in the report's own (bundled serif) font, like the rest of the report
    # (a symbol the font lacks, the ✔ of a met word target, may come from another font).
    words = []

    def visit(text, cm, tm, font, size):
        if any(ch.isalpha() for ch in text):
            words.append((str(font.get("/BaseFont")) if font else "", text))

    reader.pages[-1].extract_text(visitor_text=visit)
    assert "Ổn định" in flat(" ".join(t for _, t in words))
    assert all("LiberationSerif" in f for f, _ in words), {f for f, _ in words}


# ---- page breaks: no row split across pages, text only inside the margins --------------------------------

LONG_NOTE = "Số liệu ước tính theo báo cáo của các thôn, sẽ được cập nhật khi có số liệu chính thức của Thống kê"


def seed_heavy(store) -> None:
    """A figure, and for every third indicator a long note, in every half year and year: tall rows, many pages."""
    from kh_desktop.domain.evaluation import ValueRefused

    for n, indicator in enumerate(store.plan.indicators):
        for year in store.plan.years:
            target = indicator.target(year)
            for period in (f"{year}-H1", str(year)):
                note = LONG_NOTE if n % 3 == 0 else ""
                if target is not None and target.is_text:
                    value = target.text
                else:
                    value = round((target.reference if target and target.reference else 50) * 0.9, 2)
                try:
                    store.record(indicator.code, period, value, note=note, estimate=n % 4 == 0)
                except ValueRefused:
                    pass
        if indicator.baseline:
            store.record(indicator.code, "baseline", 100)


def assert_inside_margins(reader, landscape: bool = False) -> None:
    """Every text run inside the margins; only the page number (from page 2, centred) in the top margin."""
    width, height = (A4[1], A4[0]) if landscape else A4
    left, right = MARGINS_MM["left"] * MM, width - MARGINS_MM["right"] * MM
    bottom, top = MARGINS_MM["bottom"] * MM, height - MARGINS_MM["top"] * MM
    for n, page in enumerate(reader.pages):
        box = page.mediabox
        assert abs(float(box.width) - width) < 1 and abs(float(box.height) - height) < 1
        numbers = []
        for x, y, text in positions(page):
            if y > top:
                numbers.append((x, text.strip()))
                continue
            assert left - 1 <= x <= right, (n, x, text)
            assert y >= bottom - 1, (n, y, text)
        if n == 0:
            assert numbers == []
        else:
            assert [t for _, t in numbers] == [str(n + 1)], (n, numbers)
            assert abs(numbers[0][0] - (left + right) / 2) < 10 * MM


def page_texts(reader) -> list[str]:
    return [flat(p.extract_text()) for p in reader.pages]


def assert_closing_not_alone(pages: list[str], last_row_text: str) -> None:
    """The page with the signature block also holds the table's last row (a typist keeps them together)."""
    closing = [n for n, t in enumerate(pages) if "Nơi nhận" in t]
    assert len(closing) == 1
    assert flat(last_row_text) in pages[closing[0]]


@pytest.mark.parametrize(
    ("period", "unit"), [("2026-H1", None), ("2026-H1", "kinh-te"), ("2026-2030", None), ("2026-2028", "kinh-te")]
)
def test_long_reports_keep_rows_whole_and_inside_the_margins(store, tmp_path, qapp_once, period, unit):
    seed_heavy(store)
    content, reader = write(store, tmp_path, period, unit)
    assert len(reader.pages) >= 2
    assert_inside_margins(reader, landscape=content.is_review)
    pages = page_texts(reader)
    # Every row stays on one page: its indicator's name, and its note, are never cut by a page break.
    for row in content.rows:
        assert any(flat(row.name) in t for t in pages), row.name
    with_note = sum(LONG_NOTE in row.note or LONG_NOTE in row.remaining for row in content.rows)
    assert sum(t.count(LONG_NOTE) for t in pages) == with_note
    # The repeated header starts every page after the first.
    for text in pages[1:]:
        assert text.startswith(str(pages.index(text) + 1)) and "STT" in text[:40]
    assert_closing_not_alone(pages, content.rows[-1].name)


def test_task_sheet_keeps_rows_whole_and_inside_the_margins(store, tmp_path, qapp_once):
    from kh_desktop.reports.task_sheet import write_task_sheet_pdf
    from kh_desktop.storage.task_store import list_tasks, update_task

    tasks = list_tasks(store, "kinh-te")
    for n, task in enumerate(tasks):
        update_task(store, task.id, {"person": f"Đồng chí Nguyễn Văn {n:02d}", "notes": LONG_NOTE * (1 + n % 2)})
    path = tmp_path / "tasks.pdf"
    pages_written = write_task_sheet_pdf(store, path, "kinh-te", date(2027, 1, 5))
    reader = PdfReader(path)
    assert len(reader.pages) == pages_written >= 3
    assert_inside_margins(reader, landscape=True)
    pages = page_texts(reader)
    for n in range(len(tasks)):
        assert sum(f"Đồng chí Nguyễn Văn {n:02d}" in t for t in pages) == 1
    assert_closing_not_alone(pages, f"Đồng chí Nguyễn Văn {len(tasks) - 1:02d}")


def test_receipt_has_page_numbers_from_page_two_inside_the_margins(store, tmp_path, qapp_once):
    from kh_desktop.reports.receipt import write_receipt_pdf

    units = [u.id for u in store.plan.units]
    rows = [
        {
            "unit": units[n % len(units)],
            "file_name": f"KienHai_Don-vi_2026-07-{n % 28 + 1:02d}_0930_{n:03d}.khtd",
            "sha256": f"{n:064x}",
            "received_at": "2026-07-15T09:30:00",
            **{key: n for key in ("added", "updated", "unchanged", "stale", "refused_rows", "conflicts")},
        }
        for n in range(45)
    ]
    path = write_receipt_pdf(store, rows, tmp_path / "bien-nhan.pdf", date(2026, 7, 15))
    reader = PdfReader(path)
    assert len(reader.pages) >= 2
    assert_inside_margins(reader, landscape=True)
    pages = page_texts(reader)
    assert "BIÊN NHẬN" in pages[0]
    for n in range(45):
        assert sum(f"_{n:03d}.khtd" in t for t in pages) == 1
    signatures = [n for n, t in enumerate(pages) if "NGƯỜI GIAO" in t]
    assert len(signatures) == 1 and "_044.khtd" in pages[signatures[0]]


def test_page_breaks_are_planned_from_one_layout(store, tmp_path, qapp_once):
    """A long report is laid out a fixed number of times (endless page, a two-piece probe, the pages), not
    once per page, and the planned cuts leave no row straddling a page."""
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QPdfWriter

    from kh_desktop.reports.fonts import report_font_family
    from kh_desktop.reports.paginate import _first_straddling_row, paginate
    from kh_desktop.reports.render import PageGeometry, _font, new_document, page_layout, report_html

    seed_heavy(store)
    rp = parse_report_period("2026-H1", store.plan.first_year, store.plan.last_year)
    content = build_report(store, rp, None, date(2027, 1, 5))
    writer = QPdfWriter(str(tmp_path / "p.pdf"))
    writer.setResolution(300)
    writer.setPageLayout(page_layout(False))
    geo = PageGeometry(float(writer.logicalDpiY()), float(writer.width()), float(writer.height()))
    page = QSizeF(geo.body_width, geo.body_height)
    builds = []

    def build(text: str, paged: bool = True):
        builds.append(paged)
        return new_document(writer, page, _font(report_font_family(), 13), text, paged)

    doc = paginate(report_html(content, store.plan.last_year), build, page.height())
    assert doc.pageCount() >= 4
    assert _first_straddling_row(doc, page.height()) is None
    assert builds == [False, True, True]  # natural heights, the probe, the final pages


def test_quarter_column_keeps_its_roman_numeral(store, tmp_path, qapp_once):
    seed(store)
    store.record("1", "2026-Q3", 19.2)
    _content, reader = write(store, tmp_path, "2026-Q3")
    text = flat(reader.pages[0].extract_text())
    assert "quý III" in text and "quý iii" not in text
