"""The printed task sheet (bảng phân công nhiệm vụ): a real PDF whose text is read back with pypdf."""

from __future__ import annotations

import json

from pypdf import PdfReader

from tests.conftest import run_cli, seed_task_count


def test_task_report_lists_the_units_tasks_in_the_report_format(cli_db, tmp_path):
    rows = json.loads(run_cli("tasks", "--unit", "Công an xã", "--json", db=cli_db, check=True).stdout)
    run_cli("task", "set", rows[0]["id"], "person", "Đại úy Phạm Văn Dũng", db=cli_db, check=True)
    run_cli("task", "set", rows[0]["id"], "due", "2026-09-30", db=cli_db, check=True)
    out = tmp_path / "cong-an.pdf"
    run_cli("task-report", str(out), "--unit", "Công an xã", "--today", "2026-10-10", db=cli_db, check=True)
    reader = PdfReader(out)
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # landscape A4
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BẢNG PHÂN CÔNG NHIỆM VỤ",
        "CÔNG AN XÃ",
        "Kiến Hải, ngày 10 tháng 10 năm 2026",
        "Đại úy Phạm Văn Dũng",
        "30/09/2026",
        "QUÁ HẠN",
        "THỦ TRƯỞNG ĐƠN VỊ",
        "Nơi nhận",
    ):
        assert expected in text, expected
    # One of the unit's seeded tasks was given a person above; the others still lack one.
    count = seed_task_count("cong-an")
    assert f"Công an xã chủ trì {count} nhiệm vụ" in text and f"{count - 1} nhiệm vụ chưa rõ người phụ trách" in text


def test_task_report_refuses_a_wrong_name_and_writes_nothing(cli_db, tmp_path):
    result = run_cli("task-report", str(tmp_path / "x.docx"), db=cli_db)
    assert result.returncode == 2 and ".pdf" in result.stderr
    result = run_cli("task-report", str(tmp_path / "x.pdf"), "--unit", "Phòng Không Có", db=cli_db)
    assert result.returncode == 2 and "Không có đơn vị" in result.stderr
    assert not (tmp_path / "x.pdf").exists()
