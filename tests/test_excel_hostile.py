"""Broken and hostile workbooks: each refused with a specific message, the database unchanged."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import load_workbook

from kh_desktop.domain.periods import parse_report_period
from kh_desktop.excel.common import ExcelError
from kh_desktop.excel.export import export_workbook, write_template
from kh_desktop.excel.importer import preview_import
from tests.conftest import run_cli
from tests.test_excel_roundtrip import columns_by_key, dump, rewrite_member, row_of

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>&lol3;</t></si></sst>"""


def template(store, tmp_path):
    return write_template(store, tmp_path / "mau.xlsx", "kinh-te", parse_report_period("2026", 2026, 2030))


def refused(store, path, words: str) -> None:
    before = dump(store.path)
    with pytest.raises(ExcelError) as info:
        preview_import(store, path)
    assert words in str(info.value)
    result = run_cli("import-xlsx", str(path), db=store.path)
    assert result.returncode != 0 and words in result.stderr + result.stdout
    assert dump(store.path) == before


def test_old_xls_refused(store, tmp_path):
    path = tmp_path / "cu.xls"
    path.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600)
    refused(store, path, "Excel cũ (.xls)")


def test_not_a_zip_refused(store, tmp_path):
    path = tmp_path / "gia.xlsx"
    path.write_text("STT;Chỉ tiêu\n1;19,5\n", encoding="utf-8")
    refused(store, path, "không phải tệp Excel")


def test_zip_bomb_refused_before_reading(store, tmp_path):
    path = tmp_path / "bom.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (8 * 1024 * 1024))
    assert path.stat().st_size < 100_000
    refused(store, path, "bom nén")


def test_xml_entity_bomb_refused(store, tmp_path):
    path = template(store, tmp_path)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
    member = "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in names else "xl/worksheets/sheet1.xml"
    rewrite_member(path, member, lambda _xml: BILLION_LAUGHS)
    refused(store, path, "DOCTYPE/ENTITY")


def test_formula_without_cached_value(store, tmp_path):
    path = template(store, tmp_path)
    wb = load_workbook(path)
    ws = wb.active
    ws.cell(row=row_of(ws, "7"), column=columns_by_key(ws)["value:2026"], value="=40+45")
    wb.save(path)  # openpyxl stores the formula without a computed value, as a script would
    before = dump(store.path)
    preview = preview_import(store, path)
    assert [p.reason for p in preview.problems] == [
        "Ô có công thức nhưng chưa có giá trị đã tính: hãy mở tệp bằng Excel, lưu lại rồi nhập."
    ]
    result = run_cli("import-xlsx", str(path), db=store.path)
    assert result.returncode == 1 and "công thức" in result.stdout
    assert dump(store.path) == before


def test_number_stored_as_text_and_control_characters(store, tmp_path):
    path = template(store, tmp_path)
    wb = load_workbook(path)
    ws = wb.active
    keys = columns_by_key(ws)
    ws.cell(row=row_of(ws, "7"), column=keys["value:2026"], value="85,5")
    ws.cell(row=row_of(ws, "8"), column=keys["value:2026"], value=1)
    ws.cell(row=row_of(ws, "8"), column=keys["note:2026"], value="MARKER")
    wb.save(path)
    rewrite_member(path, "xl/", lambda xml: xml.replace(b"MARKER", b"ab_x0007_cd"))
    before = dump(store.path)
    preview = preview_import(store, path)
    reasons = sorted(p.reason for p in preview.problems)
    assert len(reasons) == 2
    assert any("lưu dạng chữ (Text)" in r for r in reasons)
    assert any("ký tự điều khiển" in r for r in reasons)
    assert all(p.column in ("G", "I") for p in preview.problems)  # Thực hiện, Ghi chú (E is the baseline)
    assert dump(store.path) == before


def test_workbook_without_entry_sheets(store, tmp_path):
    path = tmp_path / "khac.xlsx"
    export_workbook(store, path)
    wb = load_workbook(path)
    for name in wb.sheetnames[1:]:
        del wb[name]
    wb.save(path)
    refused(store, path, "không có trang nhập liệu")
