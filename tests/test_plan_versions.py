"""Plan versions in working files: adjust at Văn phòng, judge each year by the targets in force, adopt at a unit PC."""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kh_desktop.domain.plan import PlanError
from kh_desktop.storage.files import StoreError
from kh_desktop.storage.plan_store import adjust_plan, adopt_plan_versions, plan_versions
from kh_desktop.storage.store import Store
from tests.conftest import ROOT, run_cli

LABEL = "KH điều chỉnh theo Nghị quyết số 15/NQ-HĐND ngày 20/07/2028"
# plan text: indicator 2 (thu ngân sách tăng bình quân) is 15, 16, 16, 17, 15-17% for 2026..2030
TO_16 = {"kind": "target", "code": "2", "year": 2029, "target": {"op": "ge", "value": 16, "as_written": "≥16"}}


def status(db, year) -> dict:
    rows = json.loads(run_cli("status", "--year", str(year), "--json", db=db, check=True).stdout)
    return {r["code"]: r for r in rows}


def dump(path) -> list:
    with sqlite3.connect(path) as conn:
        return [
            (t, conn.execute(f"SELECT * FROM {t} ORDER BY 1").fetchall())
            for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        ]


def test_adjustment_judged_per_year_through_the_cli(tmp_path):
    db = tmp_path / "vp.sqlite"
    run_cli("init", "--all-units", db=db, check=True)
    run_cli("set", "2", "2029", "16,5", db=db, check=True)
    run_cli("set", "2", "2027", "15,5", db=db, check=True)
    assert status(db, 2029)["2"]["verdict"] == "not_met"  # against ≥17 as issued
    result = run_cli("plan", "adjust", "2", "2029", "≥16", "--decision", "15/NQ-HĐND", "--date", "2028-07-20", db=db)
    assert result.returncode == 0, result.stderr
    assert "≥17 → ≥16" in result.stdout and f"Đã ghi bản 2 của kế hoạch: {LABEL}" in result.stdout
    assert status(db, 2029)["2"]["verdict"] == "exceeded"
    assert status(db, 2029)["2"]["target"] == {"op": "ge", "value": 16}
    assert status(db, 2027)["2"]["target"] == {"op": "ge", "value": 16}  # 2027 as issued
    assert status(db, 2027)["2"]["verdict"] == "not_met"
    # a year already over when the resolution was taken is refused, nothing written
    before = dump(db)
    bad = run_cli("plan", "adjust", "2", "2027", "≥15", "--decision", "15/NQ-HĐND", "--date", "2028-07-20", db=db)
    assert bad.returncode == 2 and "năm 2027 đã qua" in bad.stderr.lower() and dump(db) == before
    bad = run_cli("plan", "adjust", "2", "2029", "1.5", "--decision", "16/NQ-HĐND", "--date", "2028-08-01", db=db)
    assert bad.returncode == 2 and "Không đọc được chỉ tiêu “1.5”" in bad.stderr and dump(db) == before
    # the whole period, as an annex cell writes it
    run_cli("plan", "adjust", "4", "2026-2030", "Tổng 1.100", "--decision", "Nghị quyết số 02/NQ-HĐND",
            "--date", "2029-01-10", db=db, check=True)  # fmt: skip
    rows = {r["code"]: r for r in json.loads(run_cli("plan", "--json", db=db, check=True).stdout)}
    assert rows["2"]["version"] == 2 and rows["4"]["version"] == 3 and rows["3"]["version"] == 1
    assert rows["4"]["targets"]["2030"] == {"op": "total", "value": 1100, "from_year": 2026}
    versions = json.loads(run_cli("plan", "versions", "--json", db=db, check=True).stdout)
    assert [(v["version"], v["decision"], v["date"]) for v in versions] == [
        (1, None, None),
        (2, "15/NQ-HĐND", "2028-07-20"),
        (3, "02/NQ-HĐND", "2029-01-10"),
    ]
    assert versions[1]["changes"] == [TO_16 | {"target": {"op": "ge", "value": 16.0, "as_written": "≥16"}}]
    text = run_cli("plan", "versions", db=db, check=True).stdout
    assert f"Bản 2: {LABEL}" in text and "Tổng 1.064 → Tổng 1.100" in text
    # the printed report says which resolution the target comes from
    out = tmp_path / "2029.pdf"
    run_cli("report", str(out), "--period", "2029", db=db, check=True)
    words = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(out).pages)
    assert LABEL.replace(" ", "") in words.replace(" ", "")  # the cell wraps its line anywhere


def test_a_unit_pc_does_not_adjust(tmp_path):
    db = tmp_path / "kt.sqlite"
    run_cli("init", "--unit", "Phòng Kinh tế", db=db, check=True)
    before = dump(db)
    bad = run_cli("plan", "adjust", "2", "2029", "≥16", "--decision", "15/NQ-HĐND", "--date", "2028-07-20", db=db)
    assert bad.returncode == 2 and "Chỉ máy tổng hợp của Văn phòng" in bad.stderr and dump(db) == before


def test_adjust_from_an_adjusted_annex(tmp_path):
    db = tmp_path / "vp.sqlite"
    run_cli("init", "--all-units", db=db, check=True)
    xlsx = tmp_path / "dieu-chinh.xlsx"
    run_cli("export-xlsx", str(xlsx), db=db, check=True)
    wb = load_workbook(xlsx)
    ws = wb["Toàn xã"]
    heads = {ws.cell(row=4, column=c).value: c for c in range(1, 12)}
    rows = {ws.cell(row=r, column=2).value: r for r in range(6, ws.max_row + 1)}
    ws.cell(row=rows["9"], column=heads["2029"], value="≥97")  # was 98
    ws.cell(row=rows["9"], column=heads["2026"], value="≥90")  # was 97: a year over by the resolution's date
    ws.cell(row=rows["7"], column=heads["2030"], value="180 - 200")  # was 170-200
    last = ws.max_row + 1
    for c, value in enumerate(["23", "23", "Số hộ kinh doanh mới", "Hộ"], 1):
        ws.cell(row=last, column=c, value=value)
    ws.cell(row=last, column=heads["2030"], value="50")
    ws.cell(row=last, column=heads["2030"] + 1, value="P. Kinh tế")
    ws.cell(row=last, column=heads["2030"] + 2, value="Cộng dồn các quý")
    ws.cell(row=last, column=heads["2030"] + 3, value="Càng cao càng tốt")
    ws.delete_rows(rows["10d"])  # the row is no longer in the plan
    wb.save(xlsx)
    args = ("plan", "adjust", "--from", str(xlsx), "--decision", "15/NQ-HĐND", "--date", "2028-07-20")
    before = dump(db)
    shown = json.loads(run_cli(*args, "--dry-run", "--json", db=db, check=True).stdout)
    assert dump(db) == before and shown["adjustment"] is None
    assert sorted((c["kind"], c["code"], c.get("year")) for c in shown["changes"]) == [
        ("add", "23", None),
        ("retire", "10d", None),
        ("target", "7", 2030),
        ("target", "9", 2029),
    ]
    assert shown["skipped"] == ["Chỉ tiêu 9, năm 2026: ≥97 → ≥90"]
    result = run_cli(*args, db=db, check=True)
    assert "Bỏ chỉ tiêu 10d" in result.stdout and "Thêm chỉ tiêu 23" in result.stdout
    plan = {r["code"]: r for r in json.loads(run_cli("plan", "--json", db=db, check=True).stdout)}
    assert "10d" not in plan and plan["23"]["owners"] == ["Phòng Kinh tế"] and plan["23"]["aggregation"] == "flow"
    assert plan["9"]["targets"]["2029"] == {"op": "ge", "value": 97} and plan["9"]["targets"]["2026"]["value"] == 97
    assert plan["7"]["targets"]["2030"] == {"op": "range", "low": 180, "high": 200}
    # the same annex again: nothing left to change
    again = run_cli(*args, db=db, check=True)
    assert "Không có thay đổi nào" in again.stdout


def test_versions_reach_a_unit_pc_and_are_adopted_once(tmp_path, plan_text):
    with (
        Store.create(tmp_path / "vp.sqlite", plan_text) as vp,
        Store.create(tmp_path / "kt.sqlite", plan_text, "kinh-te") as unit,
    ):
        adjust_plan(vp, [TO_16], "15/NQ-HĐND", "2028-07-20")
        adjust_plan(vp, [{"kind": "retire", "code": "5b"}], "02/NQ-HĐND", "2029-01-10")
        unit.record("5b", "2026", "12")  # a figure of a row retired later: kept
        carried = json.loads(json.dumps(plan_versions(vp)))  # as a file would carry them
        assert [v["version"] for v in carried] == [2, 3]
        assert adopt_plan_versions(unit, carried) == 2
        assert unit.plan.version == 3 and unit.plan.indicator("2").target(2029).value == 16
        assert not unit.plan.has_indicator("5b") and [i.code for i in unit.plan.retired] == ["5b"]
        assert unit.plan_sha256 == vp.plan_sha256  # files between them still compare equal
        assert unit.db.execute("SELECT COUNT(*) FROM revisions WHERE code = '5b'").fetchone()[0] == 1
        assert [r.value for r in unit.history("5b", "2026")] == [12]  # its history is still shown
        with pytest.raises(PlanError, match="đã bỏ khỏi kế hoạch từ bản 3"):
            unit.record("5b", "2027", "13")
        assert adopt_plan_versions(unit, carried) == 0  # idempotent
        assert adopt_plan_versions(unit, carried[:1]) == 0


def test_adoption_refuses_other_plans_gaps_and_clashes(tmp_path, plan_text):
    other = json.loads(plan_text)
    other["plan_id"] = "an-bien-2026-2030"
    other_text = json.dumps(other, ensure_ascii=False)
    with (
        Store.create(tmp_path / "vp.sqlite", plan_text) as vp,
        Store.create(tmp_path / "khac.sqlite", other_text) as foreign,
        Store.create(tmp_path / "kt.sqlite", plan_text, "kinh-te") as unit,
    ):
        adjust_plan(foreign, [TO_16], "15/NQ-HĐND", "2028-07-20")
        adjust_plan(vp, [TO_16], "15/NQ-HĐND", "2028-07-20")
        adjust_plan(vp, [{"kind": "retire", "code": "5b"}], "02/NQ-HĐND", "2029-01-10")
        path = unit.path
        before = dump(path)
        with pytest.raises(StoreError, match="kế hoạch khác"):
            adopt_plan_versions(unit, plan_versions(foreign))
        with pytest.raises(StoreError, match="Thiếu bản điều chỉnh kế hoạch số 2"):
            adopt_plan_versions(unit, plan_versions(vp)[1:])
        assert dump(path) == before
        # a version 2 of another resolution already here: the file's version 2 is refused
        adjust_plan_here = plan_versions(vp)[0] | {"id": "x" * 32, "decision": "99/NQ-HĐND"}
        assert adopt_plan_versions(unit, [adjust_plan_here]) == 1
        with pytest.raises(StoreError, match="khác bản trong tệp"):
            adopt_plan_versions(unit, plan_versions(vp))


def test_saved_schema_5_file_keeps_its_plan_version(tmp_path):
    copy = tmp_path / "v5.sqlite"
    shutil.copy(ROOT / "db" / "schema-v5.sqlite", copy)
    with Store.open(copy) as store:
        assert store.plan.version == 2 and store.plan.indicator("2").target(2029).value == 16
        assert store.plan.indicator("2").adjusted[2029] == LABEL
