"""plan-import: annexes of other communes, typed the ways offices type them, become plan files.

Each annex here is built with openpyxl in the test; what a person reads in it is written down by hand below
it (expected targets, owners, problems), never taken from the importer.
"""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook

from kh_desktop.domain.plan import load_plan
from tests.conftest import PLAN_PATH, run_cli

AN_BIEN_UNITS = [
    "Phòng Kinh tế, Hạ tầng và Đô thị",
    "Phòng Văn hoá – Xã hội",
    "Công an phường",
    "Trung tâm Phục vụ hành chính công",
]


def an_bien_annex(path):
    """Phường An Biên: merged two-row header under "Kế hoạch giai đoạn…", sections, sub-rows, notes below."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Phụ lục"
    ws["A1"] = "ỦY BAN NHÂN DÂN PHƯỜNG AN BIÊN"
    ws["A2"] = "PHỤ LỤC: CÁC CHỈ TIÊU CHỦ YẾU GIAI ĐOẠN 2026 - 2030"
    ws["A3"] = "(Kèm theo Kế hoạch số 45/KH-UBND ngày 10/10/2025 của UBND phường An Biên)"
    for col in "ABCDEFGHIJKL":
        ws.merge_cells(f"{col}5:{col}6") if col not in "FGHIJ" else None
    ws["A5"], ws["B5"], ws["C5"], ws["D5"] = "TT", "Chỉ tiêu", "Đơn vị tính", "Thực hiện năm 2025"
    ws["E5"] = "Giai đoạn 2021 - 2025"  # the period before: not a target of this plan
    ws.merge_cells("F5:J5")
    ws["F5"] = "Kế hoạch giai đoạn 2026 - 2030"
    for n, y in enumerate(range(2026, 2031)):
        ws.cell(row=6, column=6 + n, value=f"Năm {y}")
    ws["K5"], ws["L5"] = "Cả giai đoạn", "Đơn vị chủ trì"
    for n in range(12):
        ws.cell(row=7, column=n + 1, value=f"({n + 1})")
    rows = [
        ("I", "KINH TẾ"),
        (1, "Tốc độ tăng trưởng kinh tế", "%", 8.1, "7,5", 9, 9, 9.5, 9.5, 10, "≥10", "P. KT, HT và ĐT"),
        (
            "-",
            "Trong đó dịch vụ",
            "%",
            None,
            None,
            "10",
            "10",
            "10,5",
            "11",
            "11",
            None,
            "Phòng Kinh tế, Hạ tầng và Đô thị",
        ),
        (
            2,
            "Vốn đầu tư công",
            "Tỷ đồng",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "Tổng 1.250",
            "Phòng Kinh tế, Hạ tầng và Đô thị",
        ),
        (3, "Tỷ lệ hộ nghèo", "%", None, None, "dưới 1", "dưới 1", "≤ 0,8", "≤0,5", "≤ 0,5", None, "Phòng VH - XH"),
        ("II", "VĂN HÓA – XÃ HỘI"),
        (
            4,
            "Tỷ lệ tham gia BHYT",
            "%",
            None,
            None,
            "từ 95 trở lên",
            "96",
            "85-90",
            "15 - 17",
            "97",
            None,
            "Phòng Văn hóa - Xã hội",
        ),
        ("a)", "Trẻ em dưới 6 tuổi có thẻ BHYT", "%", None, None, 1.0, 1.0, 1.0, 1.0, 1.0, None, "Phòng VH-XH"),
        (
            5,
            "Phường đạt chuẩn văn minh đô thị",
            None,
            None,
            None,
            None,
            "Đạt",
            "Duy trì",
            "Duy trì",
            "Duy trì",
            None,
            "Phòng VH-XH; Công an",
        ),
        (
            6,
            "Số vụ phạm pháp hình sự giảm",
            "Vụ",
            None,
            None,
            "khoảng 20",
            "18",
            "16",
            "14",
            "12",
            None,
            "Công an phường",
        ),
        (7, "Hồ sơ TTHC trực tuyến", "%", None, None, "#REF!", "85", "90", "95", "100", None, "TT PVHCC"),
        (8, "Thu nhập bình quân", "Lần", None, None, "1,2 lần", "1,4 lần", None, None, "2 lần", None, "Phòng Nội vụ"),
    ]
    r = 8
    for row in rows:
        if len(row) == 2:
            ws.cell(row=r, column=1, value=row[0])
            ws.cell(row=r, column=2, value=row[1])
            ws.merge_cells(start_row=r, start_column=2, end_row=r, end_column=12)
        else:
            for c, value in enumerate(row, 1):
                ws.cell(row=r, column=c, value=value)
        r += 1
    for c in range(6, 11):
        ws.cell(row=15, column=c).number_format = "0%"
    r += 1
    ws.cell(row=r, column=1, value="Ghi chú: (1) Chỉ tiêu 2 là tổng vốn cả giai đoạn; (2) số liệu 2025 là ước.")
    ws.cell(row=r + 2, column=2, value="Nơi nhận:")
    ws.cell(row=r + 3, column=2, value="- UBND thành phố;")
    ws.cell(row=r + 2, column=9, value="TM. ỦY BAN NHÂN DÂN")
    units = wb.create_sheet("Đơn vị")
    units["A1"] = "Tên đơn vị"
    for n, name in enumerate(AN_BIEN_UNITS, 2):
        units.cell(row=n, column=1, value=name)
    wb.save(path)
    return path


def tan_phong_annex(path):
    """Xã Tân Phong: one header row, a three-year plan, Cách tính / Chiều đánh giá columns, no units sheet."""
    wb = Workbook()
    ws = wb.active
    ws["B1"] = "BIỂU CHỈ TIÊU PHÁT TRIỂN KINH TẾ - XÃ HỘI XÃ TÂN PHONG"
    head = ["STT", "Tên chỉ tiêu", "ĐVT", "2026", "2027", "2028", "Giai đoạn 2026-2028", "Cách tính",
            "Chiều đánh giá", "Cơ quan chủ trì", "Ghi chú"]  # fmt: skip
    for c, text in enumerate(head, 1):
        ws.cell(row=3, column=c, value=text)
    rows = [
        ("A", "Chỉ tiêu về kinh tế"),
        (
            1,
            "Sản lượng lương thực",
            "Tấn",
            2400,
            "2.450",
            "2.500",
            None,
            "Cộng dồn các quý",
            "Càng cao càng tốt",
            "UBND xã",
        ),
        (2, "Tỷ lệ trẻ suy dinh dưỡng", "%", 5, "4,5", 4, None, "Lấy số mới nhất", "Càng thấp càng tốt", "Trạm Y tế"),
        (3, "Diện tích trồng rừng mới", "ha", "=E7*1", 12, 12, "Tổng 36", None, None, "UBND xã"),
        (4, "Tỷ lệ lao động có việc làm", "%", "92", "93", "94", None, "???", None, "Trạm Y tế"),
        (5, "Hộ dùng nước sạch", "%", 90, 95, 100, None, None, None, "Phòng Nội vụ"),
    ]
    r = 4
    for row in rows:
        for c, value in enumerate(row, 1):
            ws.cell(row=r, column=c, value=value)
        r += 1
    ws.cell(row=r + 1, column=1, value="* Số liệu do Chi cục Thống kê cung cấp.")
    wb.save(path)
    return path


def targets_of(plan: dict, code: str) -> dict:
    item = next(i for i in plan["indicators"] if i["code"] == code)
    return {y: {k: v for k, v in t.items() if k not in ("as_written", "accept")} for y, t in item["targets"].items()}


def indicator(plan: dict, code: str) -> dict:
    return next(i for i in plan["indicators"] if i["code"] == code)


def test_an_bien_annex_with_merged_header_sections_and_notes(tmp_path):
    annex = an_bien_annex(tmp_path / "an-bien.xlsx")
    out = tmp_path / "an-bien.json"
    result = run_cli("plan-import", str(annex), "--out", str(out), "--json", check=True)
    data = json.loads(result.stdout)
    plan = data["plan"]
    assert json.loads(out.read_text(encoding="utf-8")) == plan
    assert plan["commune"] == "An Biên" and plan["commune_full"] == "phường An Biên"
    assert (plan["first_year"], plan["last_year"]) == (2026, 2030)
    assert [u["name"] for u in plan["units"]] == AN_BIEN_UNITS
    # rows 6 (khoảng 20), 7 (#REF!) and 8 (Phòng Nội vụ is no unit) are left out, each cell named
    assert [i["code"] for i in plan["indicators"]] == ["1", "1b", "2", "3", "4", "4a", "5"]
    problems = {p["cell"]: p for p in data["problems"]}
    assert set(problems) == {"F17", "F18", "L19"}
    assert problems["F17"]["text"] == "khoảng 20" and "không phải là số" in problems["F17"]["reason"]
    assert problems["F18"]["text"] == "#REF!" and "lỗi" in problems["F18"]["reason"]
    assert problems["L19"]["text"] == "Phòng Nội vụ" and "không khớp" in problems["L19"]["reason"]
    # targets as a person reads them
    assert targets_of(plan, "1") == {
        "2026": {"op": "ge", "value": 9},
        "2027": {"op": "ge", "value": 9},
        "2028": {"op": "ge", "value": 9.5},
        "2029": {"op": "ge", "value": 9.5},
        "2030": {"op": "ge", "value": 10},
    }
    assert targets_of(plan, "1b")["2028"] == {"op": "ge", "value": 10.5}
    assert targets_of(plan, "2") == {"2030": {"op": "total", "value": 1250, "from_year": 2026}}
    assert targets_of(plan, "3") == {
        "2026": {"op": "lt", "value": 1},
        "2027": {"op": "lt", "value": 1},
        "2028": {"op": "le", "value": 0.8},
        "2029": {"op": "le", "value": 0.5},
        "2030": {"op": "le", "value": 0.5},
    }
    assert targets_of(plan, "4") == {
        "2026": {"op": "ge", "value": 95},
        "2027": {"op": "ge", "value": 96},
        "2028": {"op": "range", "low": 85, "high": 90},
        "2029": {"op": "range", "low": 15, "high": 17},
        "2030": {"op": "ge", "value": 97},
    }
    assert targets_of(plan, "4a") == {str(y): {"op": "ge", "value": 100} for y in range(2026, 2031)}
    assert indicator(plan, "4a")["stt"] == "a)" and indicator(plan, "1b")["stt"] == ""
    assert targets_of(plan, "5") == {
        "2027": {"op": "text", "text": "Đạt"},
        "2028": {"op": "text", "text": "Duy trì"},
        "2029": {"op": "text", "text": "Duy trì"},
        "2030": {"op": "text", "text": "Duy trì"},
    }
    # owners: abbreviations, hoa/hoá, "-" or "–", a name with a comma in it, two units in one cell
    ids = {u["name"]: u["id"] for u in plan["units"]}
    assert indicator(plan, "1")["owners"] == [ids["Phòng Kinh tế, Hạ tầng và Đô thị"]]
    assert indicator(plan, "1b")["owners"] == [ids["Phòng Kinh tế, Hạ tầng và Đô thị"]]
    assert indicator(plan, "4")["owners"] == [ids["Phòng Văn hoá – Xã hội"]]
    assert indicator(plan, "5")["owners"] == [ids["Phòng Văn hoá – Xã hội"], ids["Công an phường"]]
    assert indicator(plan, "3")["direction"] == "lower"
    # nothing said how rows add up or which way is better: every row is shown for confirmation
    fields = {(c["code"], c["field"]) for c in data["confirm"]}
    assert {(i["code"], "aggregation") for i in plan["indicators"]} <= fields
    assert ("1", "direction") in fields and ("5", "direction") not in fields
    reasons = {(c["code"], c["field"]): c for c in data["confirm"]}
    assert reasons[("2", "aggregation")]["value"] == "flow" and "Tổng" in reasons[("2", "aggregation")]["reason"]
    assert reasons[("1", "aggregation")]["value"] == "none"  # a growth rate: neither adds up nor carries over
    assert reasons[("1b", "aggregation")]["value"] == "none"  # a part of that growth rate, in %
    assert load_plan(out).indicator("2").target(2030).op == "total"


def test_tan_phong_annex_with_units_option_and_its_own_columns(tmp_path):
    annex = tan_phong_annex(tmp_path / "tan-phong.xlsx")
    out = tmp_path / "tan-phong.json"
    result = run_cli(
        "plan-import", str(annex), "--out", str(out), "--units", "UBND xã; Trạm Y tế xã Tân Phong", "--json", check=True
    )
    data = json.loads(result.stdout)
    plan = data["plan"]
    assert plan["commune"] == "Tân Phong" and (plan["first_year"], plan["last_year"]) == (2026, 2028)
    assert [i["code"] for i in plan["indicators"]] == ["1", "2"]
    problems = {p["cell"]: p for p in data["problems"]}
    # D7 a formula Excel never computed; G7 a period total beside a 2028 target of its own (one target a
    # year: a person chooses); H8 an unknown Cách tính; J9 no such unit
    assert set(problems) == {"D7", "G7", "H8", "J9"}
    assert "công thức" in problems["D7"]["reason"] and "Năm 2028 đã có chỉ tiêu riêng" in problems["G7"]["reason"]
    assert problems["H8"]["text"] == "???" and problems["J9"]["text"] == "Phòng Nội vụ"
    one, two = indicator(plan, "1"), indicator(plan, "2")
    assert (one["aggregation"], one["direction"]) == ("flow", "higher")
    assert (two["aggregation"], two["direction"]) == ("level", "lower")
    assert targets_of(plan, "1") == {"2026": {"op": "ge", "value": 2400}, "2027": {"op": "ge", "value": 2450},
                                     "2028": {"op": "ge", "value": 2500}}  # fmt: skip
    # a bare number on a "lower is better" row means at most
    assert targets_of(plan, "2") == {"2026": {"op": "le", "value": 5}, "2027": {"op": "le", "value": 4.5},
                                     "2028": {"op": "le", "value": 4}}  # fmt: skip
    assert two["owners"] == [u["id"] for u in plan["units"] if u["name"] == "Trạm Y tế xã Tân Phong"]
    assert data["confirm"] == []  # both columns were there for the rows read


def test_text_output_lists_problems_and_choices(tmp_path):
    annex = an_bien_annex(tmp_path / "an-bien.xlsx")
    result = run_cli("plan-import", str(annex), "--out", str(tmp_path / "p.json"), check=True)
    assert "Đã đọc 7 chỉ tiêu, 4 đơn vị" in result.stdout
    assert "F17: “khoảng 20”" in result.stdout
    assert "Cần người xác nhận" in result.stdout and "Cách tính = " in result.stdout


def test_an_annex_without_units_is_refused_with_the_way_out(tmp_path):
    annex = tan_phong_annex(tmp_path / "tan-phong.xlsx")
    result = run_cli("plan-import", str(annex), "--out", str(tmp_path / "p.json"))
    assert result.returncode == 2 and "trang “Đơn vị”" in result.stderr and "--units" in result.stderr
    assert not (tmp_path / "p.json").exists()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    result = run_cli("plan-import", str(bad), "--out", str(tmp_path / "p.json"))
    assert result.returncode == 2 and "Không mở được tệp Excel" in result.stderr


def test_imported_plan_makes_a_working_file(tmp_path):
    annex = an_bien_annex(tmp_path / "an-bien.xlsx")
    plan_file = tmp_path / "an-bien.json"
    run_cli("plan-import", str(annex), "--out", str(plan_file), check=True)
    db = tmp_path / "ca.sqlite"
    result = run_cli("init", "--plan", str(plan_file), "--unit", "Công an phường", db=db, check=True)
    assert "7 dòng chỉ tiêu" in result.stdout and "Công an phường" in result.stdout
    rows = json.loads(run_cli("plan", "--json", db=db, check=True).stdout)
    assert [r["code"] for r in rows] == ["1", "1b", "2", "3", "4", "4a", "5"]
    assert rows[2]["targets"]["2030"] == {"op": "total", "value": 1250, "from_year": 2026}
    # the unit's own row takes a figure, and is judged against the annex's words
    run_cli("set", "5", "2027", "Đạt", db=db, check=True)
    status = json.loads(run_cli("status", "--year", "2027", "--json", db=db, check=True).stdout)
    five = next(r for r in status if r["code"] == "5")
    assert five["verdict_label"] == "Đạt" and five["target"] == {"op": "text", "text": "Đạt"}
    result = run_cli("set", "1", "2026", "9", db=db)
    assert result.returncode == 2  # not this PC's row


ANNEX_FIELDS = ("stt", "name", "measure", "aggregation", "direction")


def same_target(a: dict | None, b: dict | None) -> bool:
    drop = ("as_written", "accept")
    return (a and {k: v for k, v in a.items() if k not in drop}) == (
        b and {k: v for k, v in b.items() if k not in drop}
    )


@pytest.mark.parametrize("how", ["cli"])
def test_kien_hai_annex_exported_imports_back_to_the_shipped_plan(tmp_path, how):
    db = tmp_path / "kh.sqlite"
    run_cli("init", "--all-units", db=db, check=True)
    xlsx = tmp_path / "kien-hai.xlsx"
    run_cli("export-xlsx", str(xlsx), db=db, check=True)
    out = tmp_path / "kien-hai.json"
    data = json.loads(run_cli("plan-import", str(xlsx), "--out", str(out), "--json", check=True).stdout)
    assert data["problems"] == [] and data["confirm"] == []
    shipped = json.loads(PLAN_PATH.read_text(encoding="utf-8"))
    got = data["plan"]
    assert got["plan_id"] == shipped["plan_id"] and got["commune"] == shipped["commune"]
    assert (got["first_year"], got["last_year"]) == (shipped["first_year"], shipped["last_year"])
    assert [(u["id"], u["name"], u["short"], u["aliases"]) for u in got["units"]] == [
        (u["id"], u["name"], u["short"], u.get("aliases", [])) for u in shipped["units"]
    ]
    assert [i["code"] for i in got["indicators"]] == [i["code"] for i in shipped["indicators"]]
    for mine, theirs in zip(got["indicators"], shipped["indicators"], strict=True):
        for key in (*ANNEX_FIELDS, "owners"):
            assert mine[key] == theirs[key], (theirs["code"], key)
        assert mine["targets"].keys() == {y for y, t in theirs["targets"].items() if t}, theirs["code"]
        for year, target in theirs["targets"].items():
            assert same_target(mine["targets"].get(year), target), (theirs["code"], year)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("≥19%", {"op": "ge", "value": 19}),
        (">= 19", {"op": "ge", "value": 19}),
        ("trên 90%", {"op": "gt", "value": 90}),
        ("> 98", {"op": "gt", "value": 98}),
        ("không quá 5", {"op": "le", "value": 5}),
        ("dưới 5", {"op": "lt", "value": 5}),
        ("< 1", {"op": "lt", "value": 1}),
        ("từ 15 trở lên", {"op": "ge", "value": 15}),
        ("15 - 17%", {"op": "range", "low": 15, "high": 17}),
        ("Tổng 1.064", {"op": "total", "value": 1064, "from_year": 2026}),
        ("100% kế hoạch", {"op": "ge", "value": 100}),
        ("1,2 lần", {"op": "ge", "value": 1.2}),
        ("Duy trì", {"op": "text", "text": "Duy trì"}),
        ("-", None),
    ],
)
def test_targets_as_plans_write_them(cell, expected):
    from kh_desktop.domain.annex import read_target

    got = read_target(cell, first_year=2026)
    assert (got and {k: v for k, v in got.items() if k not in ("as_written", "accept")}) == expected


def test_below_is_met_only_strictly_below():
    from kh_desktop.domain.evaluation import MET, NOT_MET, judge
    from kh_desktop.domain.plan import Target

    below_one = Target(op="lt", value=1)
    assert judge(below_one, 0.8, "lower")[0] == MET
    assert judge(below_one, 1, "lower")[0] == NOT_MET and judge(below_one, 1.2, "lower")[0] == NOT_MET


def test_the_plan_documents_own_annex_typed_into_excel(tmp_path):
    """The annex exactly as the plan document writes it (no Mã, no Cách tính, no Chiều đánh giá columns)."""
    from tests.test_plan import annex_rows

    wb = Workbook()
    ws = wb.active
    ws.append(["BẢNG TỔNG HỢP CÁC CHỈ TIÊU KINH TẾ - XÃ HỘI CHỦ YẾU"])
    ws.append(["(Kèm theo Kế hoạch của UBND xã Kiến Hải)"])
    ws.append(["STT", "Chỉ tiêu chủ yếu", "Đơn vị tính", "2026", "2027", "2028", "2029", "2030 (mục tiêu)",
               "Phân công đơn vị tham mưu, thực hiện"])  # fmt: skip
    for cells in annex_rows():
        ws.append(cells)
    shipped = json.loads(PLAN_PATH.read_text(encoding="utf-8"))
    units = wb.create_sheet("Đơn vị")
    for unit in shipped["units"]:
        units.append([unit["name"]])
    path = tmp_path / "phu-luc.xlsx"
    wb.save(path)
    data = json.loads(run_cli("plan-import", str(path), "--out", str(tmp_path / "p.json"), "--json", check=True).stdout)
    # "Văn phòng HĐND và UBND và các phòng, đơn vị chuyên môn" names no one unit: listed, row 18 left out
    assert {p["cell"] for p in data["problems"]} == {
        f"I{3 + next(n for n, c in enumerate(annex_rows(), 1) if c[0] == '18')}"
    }
    got = {i["code"]: i for i in data["plan"]["indicators"]}
    assert sorted(got) == sorted(i["code"] for i in shipped["indicators"] if i["code"] != "18")
    confirm = {(c["code"], c["field"]) for c in data["confirm"]}
    my_units = {u["id"]: u["name"] for u in data["plan"]["units"]}
    their_units = {u["id"]: u["name"] for u in shipped["units"]}
    for theirs in shipped["indicators"]:
        mine = got.get(theirs["code"])
        if mine is None:
            continue
        assert (mine["name"], mine["measure"]) == (theirs["name"], theirs["measure"])
        assert [my_units[u] for u in mine["owners"]] == [their_units[u] for u in theirs["owners"]]
        if theirs["direction"] != mine["direction"]:
            assert (theirs["code"], "direction") in confirm  # poor households (8): lower is better, asked
            continue
        for year, target in theirs["targets"].items():
            if target and target["op"] != "text":
                assert same_target(mine["targets"].get(year), target), (theirs["code"], year)
            elif target:
                assert mine["targets"][year]["op"] == "text"
    assert ("8", "direction") in confirm
