"""Plan adjustments as pure functions: each resolution a new version; every year judged by the targets in force for it."""

from __future__ import annotations

import copy

import pytest

from kh_desktop.domain.adjustments import (
    Adjustment,
    adjustment_label,
    apply_adjustments,
    check_decision,
    plan_changes,
)
from kh_desktop.domain.evaluation import EXCEEDED, MET, NOT_MET, judge
from kh_desktop.domain.plan import PlanError, load_plan, parse_plan
from tests.conftest import PLAN_PATH


@pytest.fixture
def plan():
    return load_plan(PLAN_PATH)


def adjustment(version, changes, day="2028-07-20", decision="15/NQ-HĐND", sha=""):
    return Adjustment(version, decision, day, tuple(changes), id=f"adj-{version}", plan_sha256=sha)


def test_a_2028_adjustment_of_2029_changes_2029_not_2027(plan):
    # plan text: indicator 2 (thu ngân sách tăng bình quân) is 15, 16, 16, 17, 15-17% for 2026..2030
    new = apply_adjustments(
        plan, [adjustment(2, [{"kind": "target", "code": "2", "year": 2029, "target": {"op": "ge", "value": 16}}])]
    )
    old2, new2 = plan.indicator("2"), new.indicator("2")
    assert old2.target(2029).value == 17 and new2.target(2029).value == 16
    assert new2.target(2027) == old2.target(2027) and new2.target(2027).value == 16
    # a 2029 figure of 16,5 missed the plan as issued, and passes the plan in force
    assert judge(old2.target(2029), 16.5)[0] == NOT_MET
    assert judge(new2.target(2029), 16.5)[0] == EXCEEDED
    assert judge(new2.target(2027), 16)[0] == MET
    assert new.sha256 == plan.sha256 and new.version == 2
    assert new2.version == 2 and new.indicator("3").version == 1
    assert new2.adjusted == {2029: "KH điều chỉnh theo Nghị quyết số 15/NQ-HĐND ngày 20/07/2028"}
    assert plan.indicator("2").target(2029).value == 17  # the plan as issued is untouched


def test_a_year_already_over_cannot_be_changed(plan):
    with pytest.raises(PlanError, match="năm 2027 đã qua"):
        apply_adjustments(
            plan, [adjustment(2, [{"kind": "target", "code": "2", "year": 2027, "target": {"op": "ge", "value": 1}}])]
        )


def test_versions_apply_in_order_and_later_wins(plan):
    first = adjustment(
        2, [{"kind": "target", "code": "4", "year": 2030, "target": {"op": "total", "value": 1100, "from_year": 2026}}]
    )
    second = adjustment(
        3,
        [{"kind": "target", "code": "4", "year": 2030, "target": {"op": "total", "value": 1150, "from_year": 2026}}],
        day="2029-03-01",
        decision="Nghị quyết số 02/NQ-HĐND",
    )
    new = apply_adjustments(plan, [second, first])
    target = new.indicator("4").target(2030)
    assert (target.op, target.value, target.from_year) == ("total", 1150, 2026)
    assert new.version == 3 and new.indicator("4").adjusted[2030].endswith("02/NQ-HĐND ngày 01/03/2029")
    with pytest.raises(PlanError, match="Thiếu bản điều chỉnh kế hoạch số 2"):
        apply_adjustments(plan, [second])
    with pytest.raises(PlanError, match="kế hoạch khác"):
        apply_adjustments(plan, [adjustment(2, [], sha="0" * 64)])


def test_retire_and_add_rows(plan):
    item = {"name": "Tỷ lệ hộ dùng điện an toàn", "measure": "%", "owners": ["kinh-te"], "owners_as_written": "Phòng Kinh tế",
            "aggregation": "level", "direction": "higher", "targets": {"2029": {"op": "ge", "value": 95}}}  # fmt: skip
    new = apply_adjustments(
        plan,
        [
            adjustment(
                2, [{"kind": "retire", "code": "5b"}, {"kind": "add", "code": "8b", "indicator": item, "after": "8"}]
            )
        ],
    )
    codes = [i.code for i in new.indicators]
    assert "5b" not in codes and codes[codes.index("8") + 1] == "8b"
    assert [i.code for i in new.retired] == ["5b"] and new.retired[0].version == 2
    assert new.indicator("8b").target(2029).value == 95 and new.indicator("8b").version == 2
    with pytest.raises(PlanError, match="không có chỉ tiêu mã “5b”"):
        apply_adjustments(
            plan,
            [
                adjustment(2, [{"kind": "retire", "code": "5b"}]),
                adjustment(3, [{"kind": "target", "code": "5b", "year": 2029, "target": None}]),
            ],
        )


def test_plan_changes_turn_the_plan_into_the_adjusted_one(plan):
    raw = copy.deepcopy(plan.raw)
    raw["indicators"] = [i for i in raw["indicators"] if i["code"] != "10d"]
    seven = next(i for i in raw["indicators"] if i["code"] == "7")
    seven["targets"]["2029"] = {"op": "range", "low": 150, "high": 160, "as_written": "150 - 160"}
    seven["name"] = "Thu nhập bình quân đầu người (giá hiện hành)"
    raw["indicators"].append({"code": "23", "stt": "23", "name": "Số hộ kinh doanh mới", "measure": "Hộ",
                              "owners": ["kinh-te"], "aggregation": "flow", "direction": "higher",
                              "targets": {"2030": {"op": "ge", "value": 50}}})  # fmt: skip
    adjusted = parse_plan(raw)
    changes = plan_changes(plan, adjusted)
    kinds = sorted((c["kind"], c["code"]) for c in changes)
    assert kinds == [("add", "23"), ("retire", "10d"), ("row", "7"), ("target", "7")]
    new = apply_adjustments(plan, [adjustment(2, changes)])
    assert [i.code for i in new.indicators] == [i.code for i in adjusted.indicators]
    assert new.indicator("7").target(2029).op == "range" and new.indicator("7").name.endswith("(giá hiện hành)")
    assert new.indicator("7").target(2028).value == 130  # not named: as issued


def test_decision_words():
    assert check_decision("Nghị quyết số 15/NQ-HĐND", "2028-07-20") == ("15/NQ-HĐND", "2028-07-20")
    assert adjustment_label("15/NQ-HĐND", "2028-07-20") == "KH điều chỉnh theo Nghị quyết số 15/NQ-HĐND ngày 20/07/2028"
    with pytest.raises(PlanError, match="YYYY-MM-DD"):
        check_decision("15/NQ-HĐND", "20/07/2028")
    with pytest.raises(PlanError, match="số Nghị quyết"):
        check_decision("  ", "2028-07-20")
