"""The plan file transcribes the annex exactly; `plan --json` reproduces it row by row."""

from __future__ import annotations

import json
import re

import pytest

from kh_desktop.domain.numbers import parse_number
from kh_desktop.domain.plan import PlanError, load_plan, load_plan_text
from tests.conftest import PLAN_PATH, ROOT, run_cli

PLAN_DOCUMENT = ROOT.parent / "shared" / "plan" / "ke-hoach-2026-2030.txt"


def annex_rows() -> list[list[str]]:
    """The annex table as the plan document writes it: one list of cells per row."""
    text = PLAN_DOCUMENT.read_text(encoding="utf-8")
    table = text[text.index("STT\tChỉ tiêu chủ yếu") :].splitlines()[1:]
    return [line.split("\t") for line in table if line.strip()]


def expected_target(cell: str, direction: str) -> dict | None:
    """What a human reads in an annex cell, independently of the program's plan file."""
    cell = cell.strip()
    if not cell:
        return None
    if cell.startswith("Tổng"):
        return {"op": "total", "value": parse_number(cell.removeprefix("Tổng").strip())}
    if match := re.fullmatch(r"([\d.,]+)\s*-\s*([\d.,]+)%?", cell):
        return {"op": "range", "low": parse_number(match[1]), "high": parse_number(match[2])}
    if cell.startswith("≥"):
        return {"op": "ge", "value": parse_number(cell[1:])}
    if cell.startswith(">"):
        return {"op": "gt", "value": parse_number(cell[1:])}
    if re.fullmatch(r"[\d.,]+%?", cell):
        return {"op": "ge" if direction == "higher" else "le", "value": parse_number(cell)}
    return {"op": "text"}


def test_annex_has_36_rows_and_22_numbered_indicators():
    rows = annex_rows()
    assert len(rows) == 36
    numbered = {r[0] for r in rows if r[0] and "." not in r[0]}
    assert numbered == {str(n) for n in range(1, 23)}


def test_plan_json_reproduces_the_annex_row_by_row(cli_db):
    result = run_cli("plan", "--json", db=cli_db, check=True)
    plan_rows = json.loads(result.stdout)
    annex = annex_rows()
    assert len(plan_rows) == len(annex) == 36
    plan = load_plan(PLAN_PATH)
    for row, cells, indicator in zip(plan_rows, annex, plan.indicators, strict=True):
        stt, name, measure, *years, owners = cells
        assert set(row) >= {"code", "name", "measure", "owners", "targets"}
        assert row["name"] == name.strip()
        assert row["measure"] == measure.strip()
        assert indicator.stt == stt.strip()
        assert indicator.owners_as_written == owners.strip()
        assert set(row["targets"]) == {"2026", "2027", "2028", "2029", "2030"}
        for year, cell in zip(["2026", "2027", "2028", "2029", "2030"], years, strict=True):
            expected = expected_target(cell, indicator.direction)
            got = row["targets"][year]
            assert indicator.targets.get(int(year)) is None or indicator.targets[int(year)].as_written == cell.strip()
            if expected is None:
                assert got is None, (row["code"], year)
                continue
            assert got["op"] == expected["op"], (row["code"], year, cell)
            for key in ("value", "low", "high"):
                if key in expected:
                    assert got[key] == pytest.approx(expected[key]), (row["code"], year)
            if got["op"] == "text":
                assert got["text"]


def test_units_are_the_eight_of_section_iv():
    text = PLAN_DOCUMENT.read_text(encoding="utf-8")
    section = text[text.index("IV. TỔ CHỨC THỰC HIỆN") :]
    headings = re.findall(r"^([1-8])\. (.+)$", section, flags=re.MULTILINE)[:8]
    plan = load_plan(PLAN_PATH)
    assert [u.name for u in plan.units] == [h[1].strip() for h in headings]
    without = [u for u in plan.units if not plan.indicators_of(u.id)]
    assert [u.name for u in without] == ["Trung tâm Dịch vụ sự nghiệp công"]


def test_owners_resolve_from_annex_names():
    plan = load_plan(PLAN_PATH)
    for indicator in plan.indicators:
        for written in re.split(r",\s*(?=[Pp]hòng|Ban)", indicator.owners_as_written):
            written = re.sub(r" và các phòng, đơn vị chuyên môn$", "", written)
            assert plan.unit(written).id in indicator.owners, written


def test_disagreements_with_the_text_are_kept_as_notes():
    plan = load_plan(PLAN_PATH)
    following_annex = [i.code for i in plan.indicators if any("Chương trình theo Phụ lục" in n for n in i.notes)]
    assert len(following_annex) >= 8


def test_another_communes_plan_loads_without_code(plan_text, tmp_path):
    raw = json.loads(plan_text)
    raw["plan_id"], raw["commune"] = "xa-khac-2026-2030", "Xã Khác"
    raw["indicators"] = raw["indicators"][:2]
    raw["indicators"][0]["code"] = "A1"
    raw["indicators"][0]["targets"]["2026"] = {"op": "le", "value": 3}
    other = tmp_path / "other.json"
    other.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    db = tmp_path / "other.sqlite"
    run_cli("init", "--all-units", "--plan", str(other), db=db, check=True)
    rows = json.loads(run_cli("plan", "--json", db=db, check=True).stdout)
    assert [r["code"] for r in rows] == ["A1", raw["indicators"][1]["code"]]
    assert rows[0]["targets"]["2026"] == {"op": "le", "value": 3}
    run_cli("set", "A1", "2026", "2,5", db=db, check=True)
    status = json.loads(run_cli("status", "--year", "2026", "--json", db=db, check=True).stdout)
    assert status[0]["verdict"] == "exceeded"


@pytest.mark.parametrize(
    "broken",
    [
        "{",
        "[]",
        '{"plan_id": "x"}',
        '{"plan_id":"x","first_year":2026,"last_year":2030,"units":[],'
        '"indicators":[{"code":"1","name":"a","owners":["nobody"]}]}',
    ],
)
def test_broken_plan_files_are_refused(broken):
    with pytest.raises(PlanError):
        load_plan_text(broken)
