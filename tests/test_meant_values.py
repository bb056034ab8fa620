"""Every figure means what the person meant (issue 12): words picked by their start, "> X" targets,
plausible bounds on every indicator, and no NaN or infinity in any output."""

from __future__ import annotations

import json
import math

import pytest

from kh_desktop.domain.evaluation import Reading, ValueRefused, remaining_to_final, validate_value
from kh_desktop.domain.periods import parse_period
from kh_desktop.domain.plan import Indicator, Target, load_plan
from kh_desktop.ui.figures_table_model import COL_ACTUAL
from tests.conftest import PLAN_PATH, run_cli
from tests.test_ui_figures import _row_of, _type_into

PLAN = load_plan(PLAN_PATH)


# ---- words: the start of exactly one choice picks it ----------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Ổn định", "Ổn định, không có điểm nóng"),
        ("  ổn   ĐỊNH ", "Ổn định, không có điểm nóng"),
        ("Có", "Có điểm nóng"),
        ("Ổn định, không có điểm nóng", "Ổn định, không có điểm nóng"),
    ],
)
def test_start_of_one_choice_picks_it(typed, stored):
    assert validate_value(PLAN.indicator("22"), "2026", typed, 2026) == stored


def test_start_of_two_choices_is_refused_naming_both():
    indicator = Indicator(
        "x",
        "x",
        "Thử",
        "",
        ("kinh-te",),
        "",
        "level",
        "higher",
        {2026: Target("text", text="Đạt")},
        words=("Đạt", "Đạt một phần", "Chưa đạt"),
    )
    assert validate_value(indicator, "2026", "đạt", 2026) == "Đạt"  # a whole choice is never a mere start
    assert validate_value(indicator, "2026", "Đạt m", 2026) == "Đạt một phần"
    with pytest.raises(ValueRefused) as info:
        validate_value(indicator, "2026", "Đ", 2026)
    assert str(info.value) == "Chỉ tiêu x năm 2026: “Đ” là đầu của nhiều lựa chọn (Đạt / Đạt một phần); hãy gõ rõ hơn."


def test_words_that_start_no_choice_are_refused_with_the_choices():
    with pytest.raises(ValueRefused) as info:
        validate_value(PLAN.indicator("22"), "2026", "Bình thường", 2026)
    assert str(info.value) == (
        "Chỉ tiêu 22 năm 2026 đánh giá bằng chữ: chọn một trong Ổn định, không có điểm nóng / Có điểm nóng."
    )


def test_cli_confirms_the_choice_in_full(cli_db):
    result = run_cli("set", "22", "2026-Q1", "Ổn định", db=cli_db, check=True)
    assert "Đã ghi 22 kỳ" in result.stdout
    assert ": Ổn định, không có điểm nóng (" in result.stdout
    shown = run_cli("history", "22", "2026-Q1", db=cli_db, check=True).stdout
    assert "Ổn định, không có điểm nóng" in shown


# ---- "> X": what is still needed says it must pass X ----------------------------------------


def test_greater_than_target_says_the_figure_must_pass_it():
    indicator = PLAN.indicator("11")  # 2030: > 98 %
    assert indicator.target(2030) == Target("gt", 98.0, as_written=">98")
    period = parse_period("2029", 2026, 2030)
    left = remaining_to_final(indicator, 2030, {"2029": Reading(period, 97.0)})
    assert left.text == "Cần tăng thêm hơn 1 % (phải vượt 98 %)"
    left = remaining_to_final(indicator, 2030, {"2029": Reading(period, 98.0)})
    assert left.text == "Cần vượt 98 %"
    left = remaining_to_final(indicator, 2030, {"2029": Reading(period, 98.5)})
    assert left.text == "Đã đạt chỉ tiêu năm cuối"


# ---- plausible bounds, on every entry path ------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "typed", "message"),
    [
        ("1", "1.000,5", "Chỉ tiêu 1 không thể lớn hơn 1.000 (%)."),  # growth: at most 1 000 %
        ("1", "-100,5", "Chỉ tiêu 1 không thể nhỏ hơn -100 (%)."),
        ("2", "100.000", "Chỉ tiêu 2 không thể lớn hơn 1.000 (%)."),
        ("9", "100,1", "Chỉ tiêu 9 là tỷ lệ, không thể lớn hơn 100%."),
        ("9", "-1", "Chỉ tiêu 9 không thể nhỏ hơn 0 (%)."),
        ("4", "1.000.000.000.001", "Chỉ tiêu 4 không thể lớn hơn 1.000.000.000.000 (Tỷ đồng)."),
        ("4", 1e308, "Chỉ tiêu 4 không thể lớn hơn 1.000.000.000.000 (Tỷ đồng)."),
        ("12", "2.000.000.000.000", "Chỉ tiêu 12 không thể lớn hơn 1.000.000.000.000 (Lượt/năm)."),
        ("12", "-1", "Chỉ tiêu 12 không thể nhỏ hơn 0 (Lượt/năm)."),
        ("4", float("inf"), "Chỉ tiêu 4: giá trị “inf” không phải là một số hữu hạn."),
        ("4", float("nan"), "Chỉ tiêu 4: giá trị “nan” không phải là một số hữu hạn."),
    ],
)
def test_values_outside_the_plans_bounds_are_refused_with_the_bound(code, typed, message):
    with pytest.raises(ValueRefused) as info:
        validate_value(PLAN.indicator(code), "2026", typed, 2026)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("code", "typed", "value"), [("1", "1.000", 1000), ("1", "-100", -100), ("4", "1.000.000.000.000", 1e12)]
)
def test_values_at_the_bounds_are_accepted(code, typed, value):
    assert validate_value(PLAN.indicator(code), "2026", typed, 2026) == value


def test_every_numeric_row_has_bounds():
    """Growth rows (measured in %, no bounds of their own in the plan file) take −100..1 000; every other
    numeric row has the plan file's own bounds, and none goes above the ceiling."""
    numeric = [i for i in PLAN.indicators if any(not t.is_text for t in i.targets.values())]
    assert numeric
    for indicator in numeric:
        assert indicator.minimum is not None, indicator.code
        assert indicator.maximum <= 1e12, indicator.code
    for code in ("1", "1.1", "1.2", "1.3", "2"):
        assert (PLAN.indicator(code).minimum, PLAN.indicator(code).maximum) == (-100, 1000)
    assert (PLAN.indicator("9").minimum, PLAN.indicator("9").maximum) == (0, 100)
    assert (PLAN.indicator("4").minimum, PLAN.indicator("4").maximum) == (0, 1e12)


def test_the_plan_file_sets_the_ceiling_and_each_rows_bounds(plan_text):
    from kh_desktop.domain.plan import PlanError, parse_plan

    raw = json.loads(plan_text)
    raw["value_ceiling"] = 50_000
    row = next(item for item in raw["indicators"] if item["code"] == "4")
    row["bounds"] = {"min": 0, "max": 5_000}
    growth = next(item for item in raw["indicators"] if item["code"] == "1")
    growth["bounds"] = {"min": -50, "max": 200}
    plan = parse_plan(raw)
    assert (plan.indicator("4").minimum, plan.indicator("4").maximum) == (0, 5_000)
    assert (plan.indicator("1").minimum, plan.indicator("1").maximum) == (-50, 200)
    assert plan.indicator("12").maximum == 50_000  # no max of its own: the plan's ceiling
    with pytest.raises(ValueRefused) as info:
        validate_value(plan.indicator("4"), "2026", "5.001", 2026)
    assert str(info.value) == "Chỉ tiêu 4 không thể lớn hơn 5.000 (Tỷ đồng)."
    with pytest.raises(ValueRefused) as info:
        validate_value(plan.indicator("12"), "2026", "50.001", 2026)
    assert str(info.value) == "Chỉ tiêu 12 không thể lớn hơn 50.000 (Lượt/năm)."
    row["bounds"] = {"min": 10, "max": 5}
    with pytest.raises(PlanError) as info:
        parse_plan(raw)
    assert str(info.value) == "Kế hoạch: chỉ tiêu 4 có giới hạn ngược (10 > 5)."


def test_cli_refuses_absurd_values_with_the_bound(cli_db):
    for args, message in (
        (
            ("set", "4", "2026-Q1", "2.000.000.000.000"),
            "Lỗi: Chỉ tiêu 4 không thể lớn hơn 1.000.000.000.000 (Tỷ đồng).",
        ),
        (("set", "1", "2026", "100.000"), "Lỗi: Chỉ tiêu 1 không thể lớn hơn 1.000 (%)."),
        (
            ("set", "4", "2026-Q1", "1" + "0" * 300),
            f"Lỗi: “1{'0' * 300}” quá lớn: số liệu có nhiều nhất 15 chữ số phần nguyên.",
        ),
        (("set", "4", "2026-Q1", "1e308"), "Lỗi: “1e308” không phải là số. Ví dụ cách viết: 97,5 hoặc 1.500."),
    ):
        result = run_cli(*args, db=cli_db)
        assert result.returncode == 2, args
        assert result.stderr.strip() == message, args
    assert run_cli("history", "4", "2026-Q1", db=cli_db, check=True).stdout.strip() == "Chưa có số liệu nào cho kỳ này."


def test_excel_cell_of_1e308_is_refused_naming_the_cell(store, tmp_path):
    from openpyxl import load_workbook

    from kh_desktop.domain.periods import parse_report_period
    from kh_desktop.excel.export import write_template
    from kh_desktop.excel.importer import preview_import
    from tests.test_excel_roundtrip import columns_by_key, row_of

    out = write_template(store, tmp_path / "mau.xlsx", "kinh-te", parse_report_period("2026", 2026, 2030))
    wb = load_workbook(out)
    ws = wb.active
    row, column = row_of(ws, "4"), columns_by_key(ws)["value:2026"]
    ws.cell(row=row, column=column, value=1e308)
    wb.save(out)
    preview = preview_import(store, out)
    letter = ws.cell(row=row, column=column).column_letter
    assert [str(p) for p in preview.problems] == [
        f"Trang “{ws.title}”, ô {letter}{row}: Chỉ tiêu 4 không thể lớn hơn 1.000.000.000.000 (Tỷ đồng)."
    ]


def test_exchange_row_outside_the_bounds_is_refused(tmp_path, plan_text):
    """A figure stored before values were bounded (written here straight into the sender's file) arrives
    at Văn phòng refused, with the bound, and nothing of it is kept."""
    import sqlite3

    from kh_desktop.exchange.receive import receive_files
    from kh_desktop.exchange.send import send
    from tests.exchange_helpers import approve_pcs, make_pc, open_pc

    unit = make_pc(tmp_path, "kt", plan_text, "kinh-te")
    unit.record("4", "2026", "200")
    unit.record("3", "2026", "180")
    unit.close()
    with sqlite3.connect(unit.path) as conn:
        conn.execute("UPDATE revisions SET value_num = 1e308 WHERE code = '4'")
    unit = open_pc(tmp_path, "kt")
    sent = send(unit, tmp_path / "usb")
    office = make_pc(tmp_path, "vp", plan_text)
    approve_pcs(office, unit)
    summary = receive_files(office, [sent]).summaries[0]
    assert summary.counts["added"] == 1 and summary.counts["refused_rows"] == 1
    refused = json.loads(office.db.execute("SELECT details FROM import_log").fetchone()[0])["refused"]
    assert len(refused) == 1
    assert "Chỉ tiêu 4 không thể lớn hơn 1.000.000.000.000 (Tỷ đồng)." in json.dumps(refused, ensure_ascii=False)
    assert office.figure("4", "2026") is None and office.figure("3", "2026").value == 180.0
    office.close()
    unit.close()


def test_grid_and_paste_refuse_values_outside_the_bounds(qtbot, window):
    tab = window.unit_tabs["kinh-te"]
    window.open_unit("kinh-te")
    store = window.service.store
    _type_into(qtbot, tab, "1", "100.000")
    assert store.figure("1", "2026-Q1") is None
    assert (
        tab.view.bubble.text()
        == "Không nhận “100.000”: Chỉ tiêu 1 không thể lớn hơn 1.000 (%).\nChưa ghi gì vào dữ liệu."
    )
    tab.select_cell(_row_of(tab.model, "1"), COL_ACTUAL)
    tab.view.paste_text("19,5\r\n2.000\r\n")
    assert store.figure("1", "2026-Q1").value == 19.5
    assert store.figure("1.1", "2026-Q1") is None
    assert "Chỉ tiêu 1.1 không thể lớn hơn 1.000 (%)." in tab.view.bubble.text()


# ---- no NaN or infinity in any output -------------------------------------------------------------


def test_a_stored_infinity_reaches_no_output(cli_db, tmp_path):
    """Two quarters of 1e308 (stored by a program that still took them) made the year infinite."""
    import sqlite3

    run_cli("set", "4", "2026-Q1", "100", db=cli_db, check=True)
    run_cli("set", "4", "2026-Q2", "100", db=cli_db, check=True)
    with sqlite3.connect(cli_db) as conn:
        conn.execute("UPDATE revisions SET value_num = 1e308 WHERE code = '4'")
    result = run_cli("status", "--year", "2026", "--json", db=cli_db, check=True)
    assert "Infinity" not in result.stdout and "NaN" not in result.stdout
    rows = json.loads(result.stdout, parse_constant=lambda name: pytest.fail(f"{name} in JSON"))
    row = next(r for r in rows if r["code"] == "4")
    assert row["actual"] is None and row["verdict"] == "no_data"
    text = run_cli("status", "--year", "2026", db=cli_db, check=True).stdout
    line = next(line for line in text.splitlines() if line.strip().startswith("4 "))
    assert "Vượt" not in line and "Chưa có số liệu" in line
    out = tmp_path / "xuat.xlsx"
    run_cli("export-xlsx", str(out), db=cli_db, check=True)
    from openpyxl import load_workbook

    for ws in load_workbook(out).worksheets:
        for row_cells in ws.iter_rows(values_only=True):
            for value in row_cells:
                assert not (isinstance(value, float) and not math.isfinite(value))
                assert not (isinstance(value, str) and value.lower() in ("inf", "nan", "infinity"))
