"""Excel import reads what the clerk saw (issue 12): percent-formatted cells, merged cells, and a unit PC
importing its own export after receiving the other units' figures."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from kh_desktop.domain.periods import parse_report_period
from kh_desktop.excel.export import export_workbook, write_template
from kh_desktop.excel.importer import apply_import, preview_import
from kh_desktop.exchange.receive import receive_files
from kh_desktop.exchange.send import send
from tests.conftest import run_cli
from tests.exchange_helpers import approve_pcs, make_pc
from tests.test_excel_roundtrip import columns_by_key, dump, row_of

YEAR = parse_report_period("2026", 2026, 2030)


def _template(store, tmp_path, unit):
    out = write_template(store, tmp_path / f"mau-{unit}.xlsx", unit, YEAR)
    wb = load_workbook(out)
    return out, wb, wb.active, columns_by_key(wb.active)


# ---- percent-formatted cells ------------------------------------------------------------------


def test_percent_cell_on_a_percent_row_is_read_in_percentage_points(store, tmp_path):
    out, wb, ws, keys = _template(store, tmp_path, "kinh-te")
    for code, stored in (("1", 0.195), ("4b", 0.925)):  # what Excel keeps when the clerk types 19,5% / 92,5%
        cell = ws.cell(row=row_of(ws, code), column=keys["value:2026"], value=stored)
        cell.number_format = "0.0%"
    wb.save(out)
    preview = preview_import(store, out)
    assert preview.ok, preview.problems
    changes = {c.code: c for c in preview.changes}
    assert changes["1"].entry.raw == 19.5 and changes["4b"].entry.raw == 92.5
    assert changes["1"].how == "ô định dạng phần trăm: Excel lưu 0,195, hiển thị 19,5%, nhập 19,5"
    assert str(changes["4b"]).endswith(
        f"(trang “{ws.title}”, ô {changes['4b'].column}{changes['4b'].row}; "
        "ô định dạng phần trăm: Excel lưu 0,925, hiển thị 92,5%, nhập 92,5)"
    )
    apply_import(store, preview)
    assert store.figure("1", "2026").value == 19.5
    assert store.figure("4b", "2026").value == 92.5
    # the command line shows the same line in its preview
    cli = run_cli("import-xlsx", str(out), "--dry-run", db=store.path)
    assert "Không thay đổi gì" in cli.stdout  # already imported: the same values


def test_percent_cell_on_a_row_not_in_percent_is_refused(store, tmp_path):
    out, wb, ws, keys = _template(store, tmp_path, "kinh-te")
    row = row_of(ws, "3")  # Triệu đồng/ha
    ws.cell(row=row, column=keys["value:2026"], value=1.8).number_format = "0%"
    wb.save(out)
    before = dump(store.path)
    preview = preview_import(store, out)
    column = ws.cell(row=row, column=keys["value:2026"]).column_letter
    assert [str(p) for p in preview.problems] == [
        f"Trang “{ws.title}”, ô {column}{row}: Ô định dạng phần trăm (180%) nhưng chỉ tiêu 3 tính bằng "
        "Triệu đồng/ha: hãy định dạng ô là số (Number) và gõ lại."
    ]
    assert dump(store.path) == before


# ---- merged cells ---------------------------------------------------------------------------------


def test_estimate_mark_merged_over_three_rows_marks_all_three(store, tmp_path):
    out, wb, ws, keys = _template(store, tmp_path, "kinh-te")
    rows = [row_of(ws, code) for code in ("1", "1.1", "1.2")]
    assert rows == list(range(rows[0], rows[0] + 3))
    for row, value in zip(rows, (19, 18, 24), strict=True):
        ws.cell(row=row, column=keys["value:2026"], value=value)
    column = ws.cell(row=rows[0], column=keys["estimate:2026"]).column_letter
    ws.cell(row=rows[0], column=keys["estimate:2026"], value="x")
    ws.merge_cells(f"{column}{rows[0]}:{column}{rows[2]}")
    wb.save(out)
    preview = preview_import(store, out)
    assert preview.ok, preview.problems
    assert sorted((c.code, c.entry.raw, c.entry.estimate) for c in preview.changes) == [
        ("1", 19, True),
        ("1.1", 18, True),
        ("1.2", 24, True),
    ]
    apply_import(store, preview)
    assert [store.figure(code, "2026").estimate for code in ("1", "1.1", "1.2")] == [True, True, True]


def test_value_merged_over_two_indicator_rows_is_refused_naming_the_range(store, tmp_path):
    out, wb, ws, keys = _template(store, tmp_path, "kinh-te")
    first, second = row_of(ws, "1.3"), row_of(ws, "2")
    column = ws.cell(row=first, column=keys["value:2026"]).column_letter
    ws.cell(row=first, column=keys["value:2026"], value=5)
    ws.merge_cells(f"{column}{first}:{column}{second}")
    ws.cell(row=row_of(ws, "7"), column=keys["value:2026"], value=85)  # a good cell: still nothing is imported
    wb.save(out)
    before = dump(store.path)
    preview = preview_import(store, out)
    assert [str(p) for p in preview.problems] == [
        f"Trang “{ws.title}”, ô {column}{first}: Vùng ô gộp {column}{first}:{column}{second} phủ lên ô nhập số "
        "liệu của nhiều dòng: không biết số liệu thuộc dòng, kỳ nào. Hãy bỏ gộp ô (Merge & Center) và ghi riêng "
        "từng ô."
    ]
    result = run_cli("import-xlsx", str(out), db=store.path)
    assert result.returncode == 1 and f"Vùng ô gộp {column}{first}:{column}{second}" in result.stdout
    assert dump(store.path) == before


def test_value_merged_with_its_label_is_refused(store, tmp_path):
    out, wb, ws, keys = _template(store, tmp_path, "kinh-te")
    row = row_of(ws, "7")
    value = ws.cell(row=row, column=keys["value:2026"]).column_letter
    label = ws.cell(row=row, column=keys["value:2026"] - 1).column_letter
    ws.cell(row=row, column=keys["value:2026"] - 1, value=85)
    ws.merge_cells(f"{label}{row}:{value}{row}")
    wb.save(out)
    preview = preview_import(store, out)
    assert [p.reason for p in preview.problems] == [
        f"Vùng ô gộp {label}{row}:{value}{row} phủ lên ô nhập số liệu của nhiều cột: không biết số liệu thuộc "
        "dòng, kỳ nào. Hãy bỏ gộp ô (Merge & Center) và ghi riêng từng ô."
    ]
    assert preview.changes == []


# ---- a unit PC that received the other units' figures ---------------------------------------------


@pytest.fixture
def unit_pc(tmp_path, plan_text):
    """Phòng Kinh tế's PC after receiving Văn phòng's consolidated file (figures of several units)."""
    office = make_pc(tmp_path, "van-phong", plan_text)
    office.record("9", "2026", "97,5")  # Phòng VH-XH
    office.record("21", "2026", "100")  # Ban CHQS
    office.record("22", "2026", "Ổn định")  # Công an
    office.record("7", "2026", "80")  # Phòng Kinh tế's own indicator, entered at Văn phòng
    sent = send(office, tmp_path / "usb")
    unit = make_pc(tmp_path, "kinh-te", plan_text, "kinh-te")
    approve_pcs(unit, office)
    office.close()
    unit.record("3", "2026", "180")
    summary = receive_files(unit, [sent]).summaries[0]
    assert summary.status == "applied" and summary.counts["added"] == 4
    yield unit
    unit.close()


def test_unit_pc_imports_its_own_export_after_changing_its_own_cells(unit_pc, tmp_path):
    out = export_workbook(unit_pc, tmp_path / "xuat.xlsx")
    untouched = preview_import(unit_pc, out)
    assert untouched.ok, untouched.problems
    assert untouched.changes == []
    # 9, 21, 22 once each; 7 and 3 on Phòng Kinh tế's sheet
    assert untouched.unchanged == 5
    wb = load_workbook(out)
    ws = wb["P. Kinh tế"]
    ws.cell(row=row_of(ws, "7"), column=columns_by_key(ws)["value:2026"], value=85.5)
    wb.save(out)
    preview = preview_import(unit_pc, out)
    assert preview.ok, preview.problems
    assert [(c.code, c.period, c.entry.raw) for c in preview.changes] == [("7", "2026", 85.5)]
    assert preview.unchanged == 4
    apply_import(unit_pc, preview)
    assert unit_pc.figure("7", "2026").value == 85.5
    assert unit_pc.figure("9", "2026").value == 97.5  # the other units' figures as received
    cli = run_cli("import-xlsx", str(out), db=unit_pc.path)
    assert cli.returncode == 0
    assert cli.stdout.splitlines()[-1] == (
        "Tệp không có số liệu nào khác với dữ liệu hiện có (5 ô không đổi). Không thay đổi gì."
    )


def test_unit_pc_refuses_a_changed_cell_of_another_unit_naming_it(unit_pc, tmp_path):
    out = export_workbook(unit_pc, tmp_path / "xuat.xlsx")
    wb = load_workbook(out)
    ws = wb["P. VH-XH"]
    row, column = row_of(ws, "9"), columns_by_key(ws)["value:2026"]
    ws.cell(row=row, column=column, value=99)
    wb.save(out)
    before = dump(unit_pc.path)
    preview = preview_import(unit_pc, out)
    letter = ws.cell(row=row, column=column).column_letter
    assert [str(p) for p in preview.problems] == [
        f"Trang “P. VH-XH”, ô {letter}{row}: Chỉ tiêu 9 do Phòng Văn hóa – Xã hội nhập; máy này thuộc Phòng Kinh tế "
        "nên không sửa số liệu của đơn vị khác (đang có 97,5, trong tệp là 99)."
    ]
    assert dump(unit_pc.path) == before
