"""Tasks in the Excel export: a "Nhiệm vụ" sheet re-read with openpyxl; the importer leaves it alone."""

from __future__ import annotations

from datetime import date, datetime

from openpyxl import load_workbook

from kh_desktop.excel.export import export_workbook
from kh_desktop.excel.importer import preview_import
from kh_desktop.storage.task_store import list_tasks, update_task
from tests.conftest import seed_task_count


def test_export_has_every_task_with_its_six(store, tmp_path):
    first = list_tasks(store, "van-phong")[0]
    update_task(store, first.id, {"person": '=HYPERLINK("x")', "due": "2026-09-30", "deliverable": "Báo cáo quý"})
    path = export_workbook(store, tmp_path / "kh.xlsx", today=date(2026, 10, 10))
    ws = load_workbook(path)["Nhiệm vụ"]
    header = [c.value for c in ws[3]]
    assert header[:5] == ["STT", "Đơn vị chủ trì", "Mục KH", "Nhiệm vụ (rõ việc)", "Người phụ trách (rõ người)"]
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    assert len(rows) == seed_task_count() == 83
    assert {r[1] for r in rows} == {u.name for u in store.plan.units}
    row = next(r for r in rows if r[15] == first.id)
    assert row[4] == '=HYPERLINK("x")'  # typed text stays text, never a formula
    assert ws.cell(row=4 + rows.index(row), column=5).data_type == "s"
    assert row[6] == datetime(2026, 9, 30) and row[8] == "Báo cáo quý"
    assert row[10] == "quá hạn" and not row[13]  # no 06-rõ gap left


def test_importing_an_export_ignores_the_tasks_sheet(store, tmp_path):
    path = export_workbook(store, tmp_path / "kh.xlsx")
    preview = preview_import(store, path)
    assert "Nhiệm vụ" in preview.skipped_sheets
    assert not preview.problems
