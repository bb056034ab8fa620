"""Cumulative periods (quý I, 6 tháng, 9 tháng, cả năm), growth rows that take only their own period,
the fixed rule between figures of the same date (issue 12 item 6), and cùng kỳ năm trước."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from kh_desktop.domain.evaluation import EXCEEDED, NO_DATA, NOT_MET, Reading, evaluate_period, evaluate_year
from kh_desktop.domain.periods import Period, PeriodError, parse_period, parse_report_period, periods_of_year
from kh_desktop.domain.plan import load_plan
from kh_desktop.excel.common import FIRST_DATA_ROW, KEY_ROW
from kh_desktop.excel.export import write_template
from kh_desktop.excel.importer import apply_import, preview_import
from kh_desktop.reports.content import build_report
from tests.conftest import PLAN_PATH, run_cli

PLAN = load_plan(PLAN_PATH)
NINE = Period(2026, "T", 9)


def readings(*entries) -> dict[str, Reading]:
    """readings(("2026-Q1", 50), ("2026-H1", 96, "est")) in the order given (the order must never matter)."""
    result = {}
    for order, (key, value, *flags) in enumerate(entries):
        result[key] = Reading(parse_period(key, 2026, 2030), value, "est" in flags, order)
    return result


def both_orders(*entries):
    """The same figures entered first-to-last and last-to-first: one answer for both, or the clock decides."""
    return readings(*entries), readings(*reversed(entries))


# ---- periods ----------------------------------------------------------------------------------------------


def test_nine_months_is_spelled_and_labelled_as_offices_do():
    period = parse_period("2026-9T", 2026, 2030)
    assert period == NINE and period.key == "2026-9T" and parse_period(" 2026 - 9t ", 2026, 2030) == NINE
    assert period.label == "9 tháng năm 2026" and period.short_label == "9 tháng"
    assert (period.start_month, period.end_month, period.months) == (0, 9, 9)
    assert NINE.contains(Period(2026, "H", 1)) and NINE.contains(Period(2026, "Q", 3))
    assert not NINE.contains(Period(2026, "Q", 4)) and not NINE.contains(Period(2026, "H", 2))
    assert Period(2026, "Y").contains(NINE) and not Period(2026, "H", 2).contains(NINE)
    # Every chooser: the cumulative periods first, then the single quarters.
    assert [p.short_label for p in periods_of_year(2026)][:4] == ["Quý I", "6 tháng", "9 tháng", "Cả năm"]
    assert [p.key for p in periods_of_year(2026)][4:] == ["2026-Q2", "2026-Q3", "2026-Q4", "2026-H2"]
    with pytest.raises(PeriodError, match="9 tháng \\(2026-9T\\)"):
        parse_period("2026-8T", 2026, 2030)


def test_the_year_before_the_plan_takes_reference_figures_but_no_report():
    assert parse_period("2025-9T", 2026, 2030).key == "2025-9T"
    with pytest.raises(PeriodError, match="Năm 2024 nằm ngoài kế hoạch"):
        parse_period("2024", 2026, 2030)
    with pytest.raises(PeriodError):
        parse_report_period("2025", 2026, 2030)


# ---- flows ------------------------------------------------------------------------------------------------


def test_nine_months_of_a_flow_add_the_quarters_and_are_judged_against_nine_twelfths():
    capital = PLAN.indicator("4")  # 210 tỷ đồng in 2026 (Phụ lục)
    result = evaluate_period(capital, NINE, readings(("2026-Q1", 50), ("2026-Q2", 60), ("2026-Q3", 61)))
    assert result.actual == 171 and result.derived and not result.partial and not result.disagreement
    assert result.percent == pytest.approx(171 / 210 * 100)  # % KH năm: 81,4
    assert result.judged_against.value == pytest.approx(157.5)  # 9/12 of 210
    assert result.verdict == EXCEEDED
    # The third quarter alone is not the nine months: judged against its own quarter's share.
    alone = evaluate_period(capital, Period(2026, "Q", 3), readings(("2026-Q3", 61)))
    assert alone.actual == 61 and alone.judged_against.value == pytest.approx(52.5)


def test_a_flow_with_a_missing_quarter_is_partial_and_an_own_figure_wins_over_the_sum():
    capital = PLAN.indicator("4")
    partial = evaluate_period(capital, NINE, readings(("2026-Q1", 50), ("2026-Q3", 61)))
    assert partial.actual == 111 and partial.derived and partial.partial and partial.verdict == NOT_MET
    assert "chưa đủ cả kỳ" in partial.reason
    for data in both_orders(("2026-Q1", 50), ("2026-Q2", 60), ("2026-Q3", 61), ("2026-9T", 180)):
        own = evaluate_period(capital, NINE, data)
        assert own.actual == 180 and not own.derived
        assert own.disagreement == "Số liệu 9 tháng (180) khác tổng các kỳ: Quý I + Quý II + Quý III = 171"


def test_a_flow_year_prefers_the_longest_figures_and_marks_two_sums_that_differ():
    capital = PLAN.indicator("4")
    for data in both_orders(("2026-9T", 171), ("2026-Q4", 40), ("2026-H1", 110), ("2026-H2", 100)):
        year = evaluate_year(capital, 2026, data)
        assert year.actual == 211 and year.derived and not year.partial
        assert "9 tháng + Quý IV = 211" in year.disagreement and "6 tháng + 6 tháng cuối năm = 210" in year.disagreement


# ---- levels -----------------------------------------------------------------------------------------------


def test_a_level_takes_the_latest_date_official_before_estimate_then_the_longer_period():
    families = PLAN.indicator("9")  # % gia đình văn hóa, target 97 in 2026
    for data in both_orders(("2026-Q1", 90), ("2026-H1", 96), ("2026-Q2", 95, "est")):
        nine = evaluate_period(families, NINE, data)
        assert nine.actual == 96 and nine.derived and nine.partial and nine.verdict == NOT_MET
        assert nine.disagreement == "Số liệu cùng thời điểm khác nhau: 6 tháng 96; Quý II 95 (ước)"
        half = evaluate_period(families, Period(2026, "H", 1), data)
        assert half.actual == 96 and not half.derived and not half.partial
    for data in both_orders(("2026-H1", 96, "est"), ("2026-Q2", 98)):
        half = evaluate_period(families, Period(2026, "H", 1), data)
        assert half.actual == 98 and half.derived and not half.estimate and half.verdict == EXCEEDED
    for data in both_orders(("2026-Q3", 97.5), ("2026-9T", 97)):
        assert evaluate_period(families, NINE, data).actual == 97  # both official: the longer period
        assert evaluate_year(families, 2026, data).actual == 97 and evaluate_year(families, 2026, data).partial


# ---- growth rows ------------------------------------------------------------------------------------------


def test_growth_rows_take_only_a_figure_entered_for_that_period():
    growth = [i.code for i in PLAN.indicators if i.aggregation == "none"]
    assert growth == ["1", "1.1", "1.2", "1.3", "2"]
    gdp = PLAN.indicator("1")
    data = readings(("2026-Q1", 15), ("2026-H1", 17), ("2026-Q3", 22), ("2026-Q4", 25))
    for period in (NINE, Period(2026, "Y"), Period(2026, "H", 2)):
        result = evaluate_period(gdp, period, data)
        assert result.actual is None and result.verdict == NO_DATA
        assert "chỉ tính số liệu nhập cho đúng kỳ" in result.reason
    assert evaluate_year(gdp, 2026, data).actual is None  # a year no longer comes from its latest quarter
    assert evaluate_period(gdp, Period(2026, "H", 1), data).actual == 17
    data["2026-9T"] = Reading(NINE, 19.5, False, 9)
    assert evaluate_period(gdp, NINE, data).verdict == EXCEEDED


# ---- through the store, the command line, the report and Excel --------------------------------------------


def test_status_json_has_same_period_last_year_and_change(cli_db):
    for code, period, value in [
        ("4", "2026-Q1", "50"),
        ("4", "2026-Q2", "60"),
        ("4", "2026-Q3", "61"),
        ("4", "2025-9T", "150"),
        ("9", "2026-9T", "96"),
        ("9", "2025-Q3", "94,5"),
        ("1", "2026-9T", "19,5"),
    ]:
        run_cli("set", code, period, value, db=cli_db, check=True)
    out = run_cli("status", "--period", "2026-9T", "--json", db=cli_db, check=True).stdout
    rows = {r["code"]: r for r in json.loads(out)}
    assert rows["4"]["actual"] == 171 and rows["4"]["derived"] and rows["4"]["verdict"] == "exceeded"
    assert rows["4"]["same_period_last_year"] == 150 and rows["4"]["change"] == 14.0  # (171/150 − 1) × 100
    assert rows["9"]["same_period_last_year"] == 94.5 and rows["9"]["change"] == 1.5  # percentage points
    assert rows["9"]["change_unit"] == "điểm %"
    assert rows["1"]["same_period_last_year"] is None and rows["1"]["change"] is None
    text = run_cli("status", "--period", "2026-9T", db=cli_db, check=True).stdout
    assert "Đánh giá 9 tháng năm 2026 (số liệu tính từ đầu năm đến hết kỳ):" in text
    assert "cùng kỳ 94,5 (+1,5 điểm %)" in text
    # 2025 is a reference year: figures, no target, no verdict.
    ref = {r["code"]: r for r in json.loads(run_cli("status", "--period", "2025-9T", "--json", db=cli_db).stdout)}
    assert ref["4"]["actual"] == 150 and ref["4"]["verdict"] == "no_data" and ref["4"]["target"] is None


def test_nine_months_report_rows(store):
    from datetime import date

    for code, period, value in [("4", "2026-Q1", 50), ("4", "2026-Q2", 60), ("4", "2026-Q3", 61)]:
        store.record(code, period, value)
    store.record("4", "2025-9T", 150)
    store.record("9", "2026-H1", 96)
    store.record("9", "2026-Q2", 95, estimate=True)
    content = build_report(store, parse_report_period("2026-9T", 2026, 2030), None, date(2026, 10, 5))
    assert content.subject.endswith("9 tháng năm 2026")
    assert "% KH năm" in content.columns and "Cùng kỳ năm trước" in content.columns
    rows = {r.code: r for r in content.rows}
    assert rows["4"].actual == "171 (*)" and rows["4"].percent == "81,4%" and rows["4"].verdict == "Vượt"
    assert rows["4"].same_period == "150" and rows["4"].change == "+14%"
    assert rows["9"].actual == "96 (*) (!)" and "6 tháng 96; Quý II 95 (ước)" in rows["9"].note
    assert any(
        "cộng dồn từ đầu năm (từ ngày 01 tháng 01 đến hết ngày 30 tháng 9 năm 2026)" in s for s in content.summary
    )


def test_nine_months_template_fill_and_import(store, tmp_path):
    out = write_template(store, tmp_path / "mau.xlsx", "ban-qlda", parse_report_period("2026-9T", 2026, 2030))
    wb = load_workbook(out)
    ws = wb.active
    keys = {c.value: c.column for c in ws[KEY_ROW] if c.value}
    assert "value:2026-9T" in keys and "9 THÁNG NĂM 2026" in ws.cell(row=1, column=1).value
    row = next(r[0].row for r in ws.iter_rows(min_row=FIRST_DATA_ROW) if r[keys["code"] - 1].value == "4")
    ws.cell(row=row, column=keys["value:2026-9T"], value=171)
    wb.save(out)
    preview = preview_import(store, out)
    assert preview.ok and len(preview.changes) == 1 and "9 tháng năm 2026" in str(preview.changes[0])
    apply_import(store, preview)
    assert store.figure("4", "2026-9T").value == 171
