"""Excel export, template and import with real workbooks re-read by openpyxl and real SQLite files."""

from __future__ import annotations

import sqlite3

import pytest
from openpyxl import load_workbook

from kh_desktop.domain.periods import parse_report_period
from kh_desktop.excel.common import FIRST_DATA_ROW, KEY_ROW
from kh_desktop.excel.export import export_workbook, write_template
from kh_desktop.excel.importer import apply_import, preview_import
from tests.conftest import run_cli


def rewrite_member(path, member: str, change) -> None:
    """Edit the parts of an xlsx (those under `member`) as a hand-crafted, possibly hostile, file would."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    for name in parts:
        if name.startswith(member):
            parts[name] = change(parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)


def dump(path) -> list:
    """Every stored row, to show that a refused import changed nothing."""
    with sqlite3.connect(path) as conn:
        return [
            list(conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"))  # fixed table names
            for table in ("meta", "revisions", "figures")
        ]


def seed(store) -> None:
    store.record("1", "2026", 19.5, note="=1+1")
    store.record("2", "2026", 14.25, estimate=True)
    store.record("4", "2026", 1064)
    store.record("5", "baseline", 100)
    store.record("5", "2026", 118)
    store.record("12", "2027", 1500)
    store.record("22", "2026", "Ổn định, không có điểm nóng", note="+ghi chú @x")


def columns_by_key(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[KEY_ROW] if c.value}


def row_of(ws, code: str) -> int:
    keys = columns_by_key(ws)
    for row in ws.iter_rows(min_row=FIRST_DATA_ROW):
        if row[keys["code"] - 1].value == code:
            return row[0].row
    raise AssertionError(code)


def test_export_gives_every_figure_back_exactly(store, tmp_path):
    seed(store)
    out = export_workbook(store, tmp_path / "out.xlsx")
    wb = load_workbook(out)
    assert wb.sheetnames[0] == "Toàn xã"
    unit_sheets = [n for n in wb.sheetnames[1:] if n not in ("Nhiệm vụ", "Đơn vị")]  # read-only sheets
    assert "P. Kinh tế" in unit_sheets and "Công an" in unit_sheets
    found = {}
    for name in unit_sheets:
        ws = wb[name]
        keys = columns_by_key(ws)
        for row in ws.iter_rows(min_row=FIRST_DATA_ROW):
            code = row[keys["code"] - 1].value
            for key, col in keys.items():
                if key.startswith("value:") and row[col - 1].value is not None:
                    found[(code, key[6:])] = row[col - 1].value
    for figure in store.figures():
        assert found[(figure.code, figure.period)] == figure.value
    assert len({k for k in found}) == len(store.figures())
    # Numbers are numbers with a display format; the commune sheet is laid out like the annex.
    ws = wb["P. Kinh tế"]
    cell = ws.cell(row=row_of(ws, "2"), column=columns_by_key(ws)["value:2026"])
    assert cell.data_type == "n" and cell.value == 14.25 and "#,##0" in cell.number_format
    commune = wb["Toàn xã"]
    heads = [c.value for c in commune[3]]
    assert heads[:4] == ["STT", "Mã", "Chỉ tiêu", "ĐVT"] and "Đơn vị chủ trì" in heads
    assert commune.freeze_panes == "E6"
    assert commune.page_setup.orientation == "landscape" and commune.page_setup.fitToWidth == 1
    assert commune.print_title_rows == "$3:$4" or commune.print_title_rows == "3:4"
    r = row_of(commune, "2")
    keys = columns_by_key(commune)
    estimate_cell = commune.cell(row=r, column=keys["view:2026"])
    assert estimate_cell.value == 14.25 and "(ước)" in estimate_cell.number_format
    assert commune.cell(row=r, column=keys["verdict:2026"]).value == "Không đạt"


def test_user_text_stays_text(store, tmp_path):
    seed(store)
    out = export_workbook(store, tmp_path / "out.xlsx")
    ws = load_workbook(out)["P. Kinh tế"]
    note = ws.cell(row=row_of(ws, "1"), column=columns_by_key(ws)["note:2026"])
    assert note.value == "=1+1" and note.data_type == "s"
    ws = load_workbook(out)["Công an"]
    note = ws.cell(row=row_of(ws, "22"), column=columns_by_key(ws)["note:2026"])
    assert note.value == "+ghi chú @x" and note.data_type == "s"
    # And the raw sheet XML holds no formula at all.
    import zipfile

    with zipfile.ZipFile(out) as z:
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))


def test_export_edit_one_cell_import_changes_exactly_that_figure(store, tmp_path):
    seed(store)
    out = export_workbook(store, tmp_path / "out.xlsx")
    wb = load_workbook(out)
    ws = wb["P. Kinh tế"]
    ws.cell(row=row_of(ws, "7"), column=columns_by_key(ws)["value:2026"], value=85.5)
    wb.save(out)
    before = {(f.code, f.period): f.value for f in store.figures()}
    preview = preview_import(store, out)
    assert preview.ok, preview.problems
    assert [(c.code, c.period) for c in preview.changes] == [("7", "2026")]
    apply_import(store, preview)
    after = {(f.code, f.period): f.value for f in store.figures()}
    assert after.pop(("7", "2026")) == 85.5
    assert after == before


def test_shared_indicator_edited_on_one_sheet_only(store, tmp_path):
    """Indicator 4 belongs to two units: editing it on one sheet is one change, not a conflict."""
    seed(store)
    out = export_workbook(store, tmp_path / "out.xlsx")
    wb = load_workbook(out)
    ws = wb["Ban QLDA"]
    ws.cell(row=row_of(ws, "4"), column=columns_by_key(ws)["value:2026"], value=1100)
    other = wb["P. Kinh tế"]
    other.cell(row=row_of(other, "4"), column=columns_by_key(other)["value:2027"], value=5)
    ws.cell(row=row_of(ws, "4"), column=columns_by_key(ws)["value:2027"], value=6)
    wb.save(out)
    preview = preview_import(store, out)
    assert {(c.code, c.period) for c in preview.changes} >= {("4", "2026")}
    assert len(preview.problems) == 1 and "khác nhau ở hai chỗ" in preview.problems[0].reason


def test_template_fill_and_import(store, tmp_path):
    rp = parse_report_period("2026-H1", 2026, 2030)
    out = write_template(store, tmp_path / "mau.xlsx", "vh-xh", rp)
    wb = load_workbook(out)
    ws = wb.active
    keys = columns_by_key(ws)
    assert keys["value:2026-H1"] and keys["estimate:2026-H1"] and keys["note:2026-H1"]
    codes = [row[keys["code"] - 1].value for row in ws.iter_rows(min_row=FIRST_DATA_ROW)]
    assert codes == [i.code for i in store.plan.indicators_of("vh-xh")]
    ws.cell(row=row_of(ws, "9"), column=keys["value:2026-H1"], value=97.5)
    ws.cell(row=row_of(ws, "9"), column=keys["estimate:2026-H1"], value="x")
    ws.cell(row=row_of(ws, "9"), column=keys["note:2026-H1"], value="=SUM(A1)")
    ws.cell(row=row_of(ws, "9"), column=keys["note:2026-H1"]).data_type = "s"
    wb.save(out)
    preview = preview_import(store, out)
    assert preview.ok and len(preview.changes) == 1
    apply_import(store, preview)
    figure = store.figure("9", "2026-H1")
    assert figure.value == 97.5 and figure.estimate and figure.note == "=SUM(A1)"


def test_bad_cells_are_all_reported_and_nothing_changes(store, tmp_path):
    seed(store)
    rp = parse_report_period("2026", 2026, 2030)
    out = write_template(store, tmp_path / "mau.xlsx", "kinh-te", rp)
    wb = load_workbook(out)
    ws = wb.active
    keys = columns_by_key(ws)
    value, note = keys["value:2026"], keys["note:2026"]
    ws.cell(row=row_of(ws, "7"), column=value, value=90)  # good
    ws.cell(row=row_of(ws, "8"), column=value, value="1,5")  # number stored as text
    ws.cell(row=row_of(ws, "3"), column=value, value="nhiều")  # not a number
    ws.cell(row=row_of(ws, "5b"), column=value, value=-3)  # below the plan's bounds
    ws.cell(row=row_of(ws, "6"), column=value, value=50)
    ws.cell(row=row_of(ws, "6"), column=note, value="x" * 100)
    wb.save(out)
    # Excel (and openpyxl) cap a cell at 32.767 characters: only a crafted file holds more.
    rewrite_member(out, "xl/", lambda xml: xml.replace(b"x" * 100, b"x" * 40_000))
    before = dump(store.path)
    preview = preview_import(store, out)
    reasons = {(p.row, p.column): p.reason for p in preview.problems}
    assert len(preview.problems) == 4
    assert any("dạng chữ" in r for r in reasons.values())
    assert any("không phải là số" in r for r in reasons.values())
    assert any("quá dài" in r for r in reasons.values())
    sheet = ws.title
    assert all(p.sheet == sheet for p in preview.problems)
    result = run_cli("import-xlsx", str(out), db=store.path)
    assert result.returncode != 0
    assert "ô sai" in result.stdout and f"Trang “{sheet}”, ô" in result.stdout
    assert dump(store.path) == before


def test_cli_export_template_import(cli_db, tmp_path):
    out = tmp_path / "x.xlsx"
    run_cli("set", "12", "2026", "1.064", db=cli_db, check=True)
    run_cli("export-xlsx", str(out), db=cli_db, check=True)
    wb = load_workbook(out)
    ws = wb["P. VH-XH"]
    ws.cell(row=row_of(ws, "12"), column=columns_by_key(ws)["value:2026"], value=1200)
    wb.save(out)
    before = dump(cli_db)
    dry = run_cli("import-xlsx", str(out), "--dry-run", db=cli_db, check=True)
    assert "12. Việc làm được giới thiệu, giải quyết — Năm 2026: 1.064 → 1.200" in dry.stdout
    assert "chưa ghi" in dry.stdout
    assert dump(cli_db) == before
    run_cli("import-xlsx", str(out), db=cli_db, check=True)
    status = run_cli("history", "12", "2026", db=cli_db, check=True)
    assert "1.200" in status.stdout
    template = tmp_path / "t.xlsx"
    result = run_cli("template-xlsx", str(template), "--unit", "Công an", "--period", "2026-Q3", db=cli_db, check=True)
    assert "Công an xã" in result.stdout and template.exists()
    bad = run_cli("template-xlsx", str(template), "--unit", "Công an", "--period", "2026-2028", db=cli_db)
    assert bad.returncode != 0 and "Mẫu nhập liệu" in bad.stderr


@pytest.mark.parametrize("period", ["2026", "2026-Q2"])
def test_template_reads_back_unchanged_as_no_change(store, tmp_path, period):
    rp = parse_report_period(period, 2026, 2030)
    out = write_template(store, tmp_path / "m.xlsx", "cong-an", rp)
    preview = preview_import(store, out)
    assert preview.ok and preview.changes == []


# ---- pick lists for words, the baseline ("hiện nay"), what an empty cell means ----------------------------


def validations_by_cell(ws) -> dict[str, list[str]]:
    """Cell → the words its pick list offers, read back through the hidden list sheet."""
    from openpyxl.utils import range_boundaries

    found = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list" and dv.allow_blank and dv.showErrorMessage
        sheet, ref = dv.formula1.rsplit("!", 1)
        lists = ws.parent[sheet.strip("'")]
        min_col, min_row, max_col, max_row = range_boundaries(ref.replace("$", ""))
        words = [lists.cell(row=r, column=min_col).value for r in range(min_row, max_row + 1)]
        for cell_range in dv.sqref.ranges:
            for row in ws[cell_range.coord] if ":" in cell_range.coord else [[ws[cell_range.coord]]]:
                for cell in row:
                    found[cell.coordinate] = words
    return found


def test_template_offers_the_plans_words_as_a_pick_list(store, tmp_path):
    from kh_desktop.excel.common import LISTS_SHEET

    out = write_template(store, tmp_path / "ca.xlsx", "cong-an", parse_report_period("2027", 2026, 2030))
    wb = load_workbook(out)
    ws = wb.active
    assert wb[LISTS_SHEET].sheet_state == "hidden"
    keys = columns_by_key(ws)
    lists = validations_by_cell(ws)
    for indicator in store.plan.indicators_of("cong-an"):
        cell = ws.cell(row=row_of(ws, indicator.code), column=keys["value:2027"]).coordinate
        target = indicator.target(2027)
        if target is not None and target.is_text:
            assert lists[cell] == list(indicator.allowed_words), indicator.code
        else:
            assert cell not in lists, indicator.code
    assert any("Ổn định, không có điểm nóng" in words for words in lists.values())  # a word with a comma
    assert "Ô để trống thì số liệu đã có giữ nguyên" in ws.cell(row=2, column=1).value
    # Picking a word from the list imports it; the hidden list sheet is not reported as skipped.
    word_code = next(i.code for i in store.plan.indicators_of("cong-an") if expects_words_2027(i))
    ws.cell(
        row=row_of(ws, word_code), column=keys["value:2027"], value=store.plan.indicator(word_code).target(2027).text
    )
    wb.save(out)
    preview = preview_import(store, out)
    assert preview.ok and preview.skipped_sheets == [] and len(preview.changes) == 1
    apply_import(store, preview)
    assert store.figure(word_code, "2027").value == store.plan.indicator(word_code).target(2027).text


def expects_words_2027(indicator) -> bool:
    target = indicator.target(2027)
    return target is not None and target.is_text


def test_unit_sheets_offer_pick_lists_in_the_years_that_take_words(store, tmp_path):
    out = export_workbook(store, tmp_path / "all.xlsx")
    wb = load_workbook(out)
    indicator = next(i for i in store.plan.indicators if any(t.is_text for t in i.targets.values()) and i.words)
    unit = store.plan.unit_by_id(indicator.owners[0])
    ws = next(wb[n] for n in wb.sheetnames if wb[n].cell(row=1, column=1).value.startswith(unit.name.upper()))
    keys, lists = columns_by_key(ws), validations_by_cell(ws)
    r = row_of(ws, indicator.code)
    for year in store.plan.years:
        cell = ws.cell(row=r, column=keys[f"value:{year}"]).coordinate
        target = indicator.target(year)
        assert (cell in lists) == (target is not None and target.is_text), (indicator.code, year)
    assert "Ô để trống thì số liệu đã có giữ nguyên" in ws.cell(row=2, column=1).value


def test_baseline_filled_in_a_template_imports(store, tmp_path):
    with_baseline = [i for i in store.plan.indicators_of("kinh-te") if i.baseline is not None]
    assert with_baseline
    out = write_template(store, tmp_path / "kt.xlsx", "kinh-te", parse_report_period("2026-H1", 2026, 2030))
    wb = load_workbook(out)
    ws = wb.active
    keys = columns_by_key(ws)
    assert "hiện nay" in ws.cell(row=3, column=keys["value:baseline"]).value
    code = with_baseline[0].code
    ws.cell(row=row_of(ws, code), column=keys["value:baseline"], value=120)
    ws.cell(row=row_of(ws, code), column=keys["value:2026-H1"], value=150)
    wb.save(out)
    preview = preview_import(store, out)
    assert preview.ok and {(c.code, c.period) for c in preview.changes} == {(code, "baseline"), (code, "2026-H1")}
    shown = "\n".join(str(c) for c in preview.changes)
    assert f"{code}. {with_baseline[0].name} — Số gốc (hiện nay)" in shown and "(trống) → 120" in shown
    assert "6 tháng đầu năm 2026" in shown
    apply_import(store, preview)
    assert store.figure(code, "baseline").value == 120.0 and store.figure(code, "2026-H1").value == 150.0
    # An empty cell leaves the figure as it is.
    again = load_workbook(
        write_template(store, tmp_path / "kt2.xlsx", "kinh-te", parse_report_period("2026-H1", 2026, 2030))
    )
    again.save(tmp_path / "kt2.xlsx")
    preview = preview_import(store, tmp_path / "kt2.xlsx")
    assert preview.ok and preview.changes == []
    assert store.figure(code, "baseline").value == 120.0


def test_baseline_in_a_row_without_one_is_refused(store, tmp_path):
    out = write_template(store, tmp_path / "kt.xlsx", "kinh-te", parse_report_period("2026", 2026, 2030))
    wb = load_workbook(out)
    ws = wb.active
    keys = columns_by_key(ws)
    without = next(i for i in store.plan.indicators_of("kinh-te") if i.baseline is None)
    ws.cell(row=row_of(ws, without.code), column=keys["value:baseline"], value=5)
    wb.save(out)
    before = dump(store.path)
    preview = preview_import(store, out)
    assert not preview.ok and preview.problems[0].column == "E"
    assert dump(store.path) == before


def test_cli_dry_run_names_indicator_and_period(cli_db, tmp_path):
    template = tmp_path / "t.xlsx"
    run_cli("template-xlsx", str(template), "--unit", "Phòng Kinh tế", "--period", "2026-Q3", db=cli_db, check=True)
    wb = load_workbook(template)
    ws = wb.active
    ws.cell(row=row_of(ws, "7"), column=columns_by_key(ws)["value:2026-Q3"], value=1234.5)
    wb.save(template)
    dry = run_cli("import-xlsx", str(template), "--dry-run", db=cli_db, check=True)
    assert "7. Thu nhập bình quân đầu người — Quý III năm 2026: (trống) → 1.234,5" in dry.stdout
    assert "Bỏ qua" not in dry.stdout
