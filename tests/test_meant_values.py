"""Every figure means what the person meant (issue 12): words picked by their start, "> X" targets,
plausible bounds on every indicator, and no NaN or infinity in any output."""

from __future__ import annotations

import pytest

from kh_desktop.domain.evaluation import Reading, ValueRefused, remaining_to_final, validate_value
from kh_desktop.domain.periods import parse_period
from kh_desktop.domain.plan import Indicator, Target, load_plan
from tests.conftest import PLAN_PATH, run_cli

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
