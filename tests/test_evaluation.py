"""Judging rules: every kind of target at and around its boundary, derived years, what is still needed."""

from __future__ import annotations

import pytest

from kh_desktop.domain.evaluation import (
    EXCEEDED,
    MET,
    NO_DATA,
    NOT_MET,
    Reading,
    ValueRefused,
    evaluate_period,
    evaluate_year,
    judge,
    remaining_to_final,
    validate_value,
)
from kh_desktop.domain.periods import Period, parse_period
from kh_desktop.domain.plan import Target, load_plan
from tests.conftest import PLAN_PATH

PLAN = load_plan(PLAN_PATH)


def readings(**values) -> dict[str, Reading]:
    """readings(Y2026=5, H2026_1=3, Q2026_2=1) → a readings dict keyed by period."""
    result = {}
    for order, (name, value) in enumerate(values.items()):
        estimate = name.endswith("_est")
        name = name.removesuffix("_est")
        key = name[1:5] if name[0] == "Y" else f"{name[1:5]}-{name[0]}{name[-1]}"
        period = parse_period(key, 2026, 2030)
        result[key] = Reading(period, value, estimate, order)
    return result


@pytest.mark.parametrize(
    ("target", "actual", "verdict"),
    [
        (Target("ge", value=19), 18.99, NOT_MET),
        (Target("ge", value=19), 19, MET),
        (Target("ge", value=19), 19.01, EXCEEDED),
        (Target("gt", value=98), 98, NOT_MET),
        (Target("gt", value=98), 98.1, MET),
        (Target("le", value=1.0), 1.01, NOT_MET),
        (Target("le", value=1.0), 1.0, MET),
        (Target("le", value=1.0), 0.9, EXCEEDED),
        (Target("le", value=0), 0, MET),
        (Target("le", value=0), 0.1, NOT_MET),
        (Target("range", low=15, high=17), 14.9, NOT_MET),
        (Target("range", low=15, high=17), 15, MET),
        (Target("range", low=15, high=17), 17, MET),
        (Target("range", low=15, high=17), 17.1, EXCEEDED),
        (Target("total", value=1064), 1063, NOT_MET),
        (Target("total", value=1064), 1064, MET),
        (Target("text", text="Đạt", accept=("Đạt", "Duy trì")), "Duy trì", MET),
        (Target("text", text="Đạt", accept=("Đạt",)), "Chưa đạt", NOT_MET),
        (Target("text", text="Đạt", accept=("Đạt",)), 100.0, NOT_MET),
    ],
)
def test_judge_boundaries(target, actual, verdict):
    assert judge(target, actual)[0] == verdict


def test_percent_of_target():
    assert judge(Target("ge", value=200), 150)[1] == pytest.approx(75)
    assert judge(Target("le", value=1.0), 0.5)[1] == pytest.approx(200)  # half the poverty is twice as good
    assert judge(Target("le", value=0), 0)[1] == pytest.approx(100)
    assert judge(Target("text", text="Đạt", accept=("Đạt",)), "Đạt")[1] is None


def test_plan_rows_use_every_kind_of_target():
    ops = {t.op for i in PLAN.indicators for t in i.targets.values()}
    assert ops == {"ge", "gt", "le", "range", "total", "text"}
    lower = [i for i in PLAN.indicators if i.direction == "lower"]
    assert lower and all(t.op == "le" for i in lower for t in i.targets.values())


def indicator_with(op: str, aggregation: str | None = None):
    for indicator in PLAN.indicators:
        if any(t.op == op for t in indicator.targets.values()) and (
            aggregation is None or indicator.aggregation == aggregation
        ):
            return indicator
    raise AssertionError(op)


def test_total_over_the_period_adds_every_year():
    indicator = indicator_with("total")
    final = PLAN.last_year
    target = indicator.target(final)
    per_year = target.value / len(PLAN.years)
    data = readings(**{f"Y{y}": per_year for y in PLAN.years})
    met = evaluate_year(indicator, final, {}, None, data)
    assert met.verdict == MET and met.derived and met.actual == pytest.approx(target.value)
    short = dict(data)
    short[str(final)] = Reading(Period(final, "Y"), per_year - 1, False, 99)
    assert evaluate_year(indicator, final, {}, None, short).verdict == NOT_MET


def test_flow_year_is_derived_by_adding_quarters_and_halves():
    flow = next(i for i in PLAN.indicators if i.aggregation == "flow" and i.target(2026).op == "ge")
    target = flow.target(2026).value
    data = readings(Q2026_1=target * 0.25, Q2026_2=target * 0.25, H2026_2=target * 0.5)
    result = evaluate_year(flow, 2026, data)
    assert result.derived and not result.partial
    assert result.actual == pytest.approx(target)
    assert result.verdict == MET
    half = evaluate_year(flow, 2026, readings(Q2026_1=target * 0.3))
    assert half.derived and half.partial and half.verdict == NOT_MET


def test_level_year_takes_the_latest_reading():
    level = next(i for i in PLAN.indicators if i.aggregation == "level" and i.target(2026).op == "ge")
    target = level.target(2026).value
    data = readings(Q2026_1=target + 5, H2026_1=target - 1, Q2026_3=target)
    result = evaluate_year(level, 2026, data)
    assert result.derived and result.partial
    assert result.actual == pytest.approx(target)
    assert result.verdict == MET


def test_own_year_figure_wins_and_estimate_is_carried():
    level = next(i for i in PLAN.indicators if i.aggregation == "level" and i.target(2026).op == "ge")
    data = readings(Y2026_est=level.target(2026).value - 1, Q2026_4_est=level.target(2026).value + 10)
    result = evaluate_year(level, 2026, data)
    assert not result.derived and result.estimate and result.verdict == NOT_MET
    # An official quarter IV outranks an estimated year of the same date (issue 12: no clock decides).
    data = readings(Y2026_est=level.target(2026).value - 1, Q2026_4=level.target(2026).value + 10)
    result = evaluate_year(level, 2026, data)
    assert result.derived and not result.estimate and result.verdict == EXCEEDED


def test_no_data_and_no_target():
    indicator = PLAN.indicators[0]
    assert evaluate_year(indicator, 2026, {}).verdict == NO_DATA
    untargeted = next(i for i in PLAN.indicators if any(y not in i.targets for y in PLAN.years))
    year = next(y for y in PLAN.years if y not in untargeted.targets)
    word = untargeted.allowed_words[0]
    result = evaluate_year(untargeted, year, readings(**{f"Y{year}": word}))
    assert result.verdict == NO_DATA and result.actual == word and "không đặt" in result.reason


def test_baseline_indicator_needs_the_baseline():
    indicator = next(i for i in PLAN.indicators if i.baseline is not None)
    target = indicator.target(2026).value
    data = readings(Y2026=target * 100)
    assert evaluate_year(indicator, 2026, data).verdict == NO_DATA
    result = evaluate_year(indicator, 2026, data, baseline=100)
    assert result.ratio == pytest.approx(target) and result.verdict == MET


def test_flow_quarter_is_judged_against_its_share_of_the_year():
    flow = next(i for i in PLAN.indicators if i.aggregation == "flow" and i.target(2026).op == "ge")
    quarter = Period(2026, "Q", 1)
    share = flow.target(2026).value / 4
    assert evaluate_period(flow, quarter, readings(Q2026_1=share)).verdict == MET
    assert evaluate_period(flow, quarter, readings(Q2026_1=share - 1)).verdict == NOT_MET


def test_remaining_to_final_year():
    level = next(i for i in PLAN.indicators if i.target(PLAN.last_year).op == "ge" and i.baseline is None)
    final = level.target(PLAN.last_year).value
    left = remaining_to_final(level, PLAN.last_year, readings(Y2028=final - 3))
    assert left.gap == pytest.approx(3) and not left.reached and "tăng thêm 3" in left.text
    lower = next(i for i in PLAN.indicators if i.direction == "lower")
    final_low = lower.target(PLAN.last_year).value
    left = remaining_to_final(lower, PLAN.last_year, readings(Y2028=final_low + 0.5))
    assert left.gap == pytest.approx(0.5) and "giảm" in left.text
    total = indicator_with("total")
    left = remaining_to_final(total, PLAN.last_year, readings(Y2026=100, Y2027=100))
    assert left.gap == pytest.approx(total.target(PLAN.last_year).value - 200)


def test_validate_value_refuses_impossible_values():
    share = next(i for i in PLAN.indicators if i.maximum == 100)
    with pytest.raises(ValueRefused, match="không thể lớn hơn"):
        validate_value(share, "2026", "100,5", 2026)
    with pytest.raises(ValueRefused, match="nhỏ hơn"):
        validate_value(share, "2026", "-1", 2026)
    counted = next(i for i in PLAN.indicators if i.integer)
    with pytest.raises(ValueRefused, match="số nguyên"):
        validate_value(counted, "2026", "2,5", 2026)
    worded = next(i for i in PLAN.indicators if i.target(2028) and i.target(2028).is_text)
    with pytest.raises(ValueRefused, match="bằng chữ"):
        validate_value(worded, "2028", "85", 2028)
    assert validate_value(worded, "2028", worded.target(2028).text.upper(), 2028) == worded.target(2028).text


def test_flow_period_percent_is_of_the_years_plan():
    flow = next(i for i in PLAN.indicators if i.aggregation == "flow" and i.target(2026).op == "ge")
    year_target = flow.target(2026)
    result = evaluate_period(flow, Period(2026, "H", 1), readings(H2026_1=year_target.value * 0.6))
    assert result.verdict == EXCEEDED  # ahead of the half year's share
    assert result.percent == pytest.approx(60)  # 60% of the year's plan
    assert result.target == year_target
    assert result.judged_against.value == pytest.approx(year_target.value / 2)


def test_half_year_without_its_own_figure_is_derived_from_its_quarters():
    level = next(i for i in PLAN.indicators if i.aggregation == "level" and i.target(2026).op == "ge")
    target = level.target(2026).value
    half = Period(2026, "H", 1)
    result = evaluate_period(level, half, readings(Q2026_1=target - 5, Q2026_2=target))
    assert result.derived and not result.partial and result.actual == pytest.approx(target)
    assert result.verdict == MET
    early = evaluate_period(level, half, readings(Q2026_1=target + 1))
    assert early.derived and early.partial and early.verdict == EXCEEDED
    flow = next(i for i in PLAN.indicators if i.aggregation == "flow" and i.target(2026).op == "ge")
    summed = evaluate_period(flow, half, readings(Q2026_1=10, Q2026_2=15))
    assert summed.derived and summed.actual == pytest.approx(25)
    assert evaluate_period(level, Period(2026, "H", 2), readings(Q2026_1=target)).verdict == NO_DATA
