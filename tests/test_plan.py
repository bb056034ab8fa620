"""The plan file means what the plan's text says, row by row; `plan --json` reproduces the annex.

Nothing expected here is read from the JSON under test. What the annex states (names, units of measure, the
targets and their operators, owners) is parsed from the plan text kept in tests/data/; what it does not state in
so many words (does a row add up its quarters, carry its latest reading, or neither; which way is better; bounds;
baseline; the words a row takes) comes from PLAN_MEANING below, written by hand, each row quoting the words of the
plan that decide it (and a test checks each quote is really in the plan).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pytest

from kh_desktop.domain.plan import PlanError, load_plan, load_plan_text
from tests.conftest import PLAN_DOCUMENT, PLAN_PATH, run_cli

YEARS = (2026, 2027, 2028, 2029, 2030)
PERCENT = (0, 100)  # a share of a whole
NON_NEGATIVE = (0, None)  # an amount, count or multiple: may grow without limit, never below zero
UNBOUNDED = (None, None)  # a growth rate: a decline is a negative figure


@dataclass(frozen=True)
class Meaning:
    """How one annex row is read. aggregation: "flow" (quarters add up to the year), "level" (the latest
    reading stands) or "none" (growth rates: only a figure entered for that very period counts)."""

    name: str  # as the annex writes it
    aggregation: str
    direction: str
    bounds: tuple[float | None, float | None]
    quote: str  # the plan's words that decide aggregation, direction and bounds
    integer: bool = False
    baseline_measure: str | None = None
    words: tuple[str, ...] = ()
    texts: dict[int, tuple[str, tuple[str, ...]]] = field(default_factory=dict)  # year -> (text, accepted)


PLAN_MEANING: dict[str, Meaning] = {
    # Growth rates ("tăng bình quân", in %): nine months' growth is neither a sum of quarters nor the last
    # quarter's growth, so only a figure entered for the period itself counts.
    "1": Meaning(
        "Tổng giá trị sản phẩm trên địa bàn tăng bình quân",
        "none",
        "higher",
        UNBOUNDED,
        "Hằng năm, tổng giá trị sản phẩm trên địa bàn tăng bình quân từ 19% trở lên",
    ),
    "1.1": Meaning("Công nghiệp – xây dựng", "none", "higher", UNBOUNDED, "Công nghiệp - xây dựng tăng từ 18%."),
    "1.2": Meaning(
        "Thương mại – dịch vụ – logistics – du lịch",
        "none",
        "higher",
        UNBOUNDED,
        "Thương mại - dịch vụ - logistics - du lịch tăng từ 24%.",
    ),
    "1.3": Meaning("Nông – lâm – thủy sản", "none", "higher", UNBOUNDED, "Nông - lâm - thủy sản tăng từ 4,5%."),
    "2": Meaning(
        "Thu ngân sách Nhà nước trên địa bàn tăng bình quân",
        "none",
        "higher",
        UNBOUNDED,
        "Hằng năm, thu ngân sách Nhà nước trên địa bàn tăng bình quân từ 15 - 17%.",
    ),
    # A value per hectare: a ratio, each reading replaces the last.
    "3": Meaning(
        "Giá trị sản phẩm trên 1 ha đất trồng trọt, nuôi trồng thủy sản",
        "level",
        "higher",
        NON_NEGATIVE,
        "Đến năm 2030, giá trị sản phẩm trên 1 ha đất trồng trọt và nuôi trồng thủy sản đạt 250 triệu đồng.",
    ),
    # Money spent over the period: the annex adds the years up ("Tổng 1.064").
    "4": Meaning(
        "Vốn đầu tư ngân sách xã (cả giai đoạn)",
        "flow",
        "higher",
        NON_NEGATIVE,
        "Vốn đầu tư từ nguồn ngân sách cấp xã giai đoạn 2026 - 2030 đạt 1.064 tỷ đồng.",
    ),
    "4b": Meaning(
        "Tỷ lệ giải ngân vốn đầu tư công",
        "level",
        "higher",
        PERCENT,
        "Hàng năm, tỷ lệ giải ngân vốn đầu tư công đạt tối thiểu 90%.",
    ),
    # A multiple of the enterprises counted "hiện nay": a count at a moment, against a baseline count.
    "5": Meaning(
        "Số DN trên địa bàn (tăng so với hiện nay)",
        "level",
        "higher",
        NON_NEGATIVE,
        "số doanh nghiệp trên địa bàn tăng gấp 02 lần hiện nay",
        integer=True,
        baseline_measure="Doanh nghiệp",
    ),
    # Conversions happening during each year: they add up.
    "5b": Meaning(
        "Cơ sở SXKD chuyển đổi thành DN mỗi năm",
        "flow",
        "higher",
        NON_NEGATIVE,
        "mỗi năm có từ 20 cơ sở sản xuất kinh doanh chuyển đổi thành doanh nghiệp cơ sở.",
        integer=True,
    ),
    "6": Meaning(
        "DN có hoạt động đổi mới sáng tạo",
        "level",
        "higher",
        PERCENT,
        "Phân đầu đến năm 2030 có 50% doanh nghiệp trên địa bàn có hoạt động đổi mới, sáng tạo.",
    ),
    # Income per head per year ("Triệu đồng/người/năm"): each reading estimates the year's figure; quarters
    # do not add up.
    "7": Meaning(
        "Thu nhập bình quân đầu người",
        "level",
        "higher",
        NON_NEGATIVE,
        "đến năm 2030 thu nhập bình quân đầu người từ 170 triệu - 200 triệu",
    ),
    "8": Meaning(
        "Tỷ lệ hộ nghèo (chuẩn đa chiều)",
        "level",
        "lower",
        PERCENT,
        "Đến năm 2030 không còn hộ nghèo (theo chuẩn nghèo đa chiều giai đoạn).",
    ),
    "9": Meaning("Gia đình văn hóa đạt", "level", "higher", PERCENT, "Hằng năm, chỉ tiêu gia đình văn hóa đạt 98%"),
    "9b": Meaning("Thôn văn hóa đạt", "level", "higher", PERCENT, "thôn văn hóa đạt từ 90% trở lên."),
    "10": Meaning(
        "Trường học đạt chuẩn Quốc gia mức độ 1",
        "level",
        "higher",
        PERCENT,
        "Các nhà trường giữ vững chuẩn Quốc gia mức độ 1",
    ),
    "10b": Meaning(
        "Trường đạt chuẩn mức độ 2 và kiểm định cấp độ 3",
        "level",
        "higher",
        PERCENT,
        "nâng tỷ lệ trường đạt chuẩn mức độ 2 và kiểm định chất lượng cấp độ 3.",
    ),
    "10c": Meaning("Trường có nhà đa năng", "level", "higher", PERCENT, "Có ít nhất một nhà đa năng cho mỗi cấp học."),
    "10d": Meaning(
        "Cơ sở GD có phòng học thông minh",
        "level",
        "higher",
        PERCENT,
        "100% cơ sở giáo dục có ít nhất 01 phòng học thông minh.",
    ),
    "11": Meaning("Người dân tham gia BHYT", "level", "higher", PERCENT, "tỷ lệ người dân tham gia BHYT: trên 98%"),
    "11b": Meaning(
        "Lao động tham gia BHXH",
        "level",
        "higher",
        PERCENT,
        "Tỷ lệ lao động tham gia BHXH trong lực lượng lao động của xã đạt 66%.",
    ),
    # Placements made during the year ("lượt lao động/năm"): they add up.
    "12": Meaning(
        "Việc làm được giới thiệu, giải quyết",
        "flow",
        "higher",
        NON_NEGATIVE,
        "Giới thiệu và giải quyết việc làm cho 1.500 - 2.400 lượt lao động/năm.",
        integer=True,
    ),
    "13": Meaning(
        "Lao động qua đào tạo có chứng chỉ, bằng cấp",
        "level",
        "higher",
        PERCENT,
        "Tỷ lệ lao động qua đào tạo, có bằng cấp chứng chỉ: đạt trên 70%.",
    ),
    "14": Meaning(
        "Hộ dân sử dụng nước sạch",
        "level",
        "higher",
        PERCENT,
        "Tỷ lệ hộ dân được sử dụng nước sạch theo tiêu chuẩn, quy chuẩn: 100%.",
    ),
    "15": Meaning(
        "Chất thải rắn được thu gom, xử lý đúng quy định",
        "level",
        "higher",
        PERCENT,
        "Tỷ lệ chất thải rắn được thu gom xử lý theo quy định đạt 100%",
    ),
    "15b": Meaning(
        "Hộ dân phân loại rác tại nguồn",
        "level",
        "higher",
        PERCENT,
        "tỷ lệ hộ dân thực hiện phân loại chất thải rắn tại nguồn trên địa bàn đạt 100%.",
    ),
    "16": Meaning(
        "Trạm y tế đạt chuẩn Quốc gia",
        "level",
        "higher",
        PERCENT,
        "Trạm y tế xã đạt chuẩn Quốc gia theo Bộ tiêu chí Quốc gia về y tế xã.",
        words=("Duy trì", "Không duy trì"),
        texts={2030: ("Duy trì", ("Duy trì",))},
    ),
    "17": Meaning(
        "Hoàn thành xây dựng chính quyền số cấp xã",
        "level",
        "higher",
        PERCENT,
        "Xã hoàn thành xây dựng chính quyền số cấp xã",
    ),
    "17b": Meaning(
        "Tổ chuyển đổi số cộng đồng tại các thôn",
        "level",
        "higher",
        PERCENT,
        "hình thành các tổ chuyên đổi số cộng đồng tại 100% thôn.",
    ),
    "18": Meaning(
        "Cơ quan sử dụng văn bản điện tử",
        "level",
        "higher",
        PERCENT,
        "100% cơ quan, đơn vị sử dụng văn bản điện tử",
    ),
    "18b": Meaning(
        "Dịch vụ công mức độ 3, 4 cung cấp đầy đủ",
        "level",
        "higher",
        PERCENT,
        "trên 90% dịch vụ công mức độ 3, 4 được cung cấp đầy đủ.",
    ),
    "19": Meaning(
        "Tỷ lệ giải quyết TTHC đúng hạn",
        "level",
        "higher",
        PERCENT,
        "tỷ lệ giải quyết thủ tục hành chính đúng hạn đạt 100%",
    ),
    "19b": Meaning("Hồ sơ trực tuyến", "level", "higher", PERCENT, "tỷ lệ hồ sơ trực tuyến đạt: 85%."),
    # Reached in 2027, kept after: a state, not a count.
    "20": Meaning(
        "Xã đạt chuẩn “Chính quyền thân thiện”",
        "level",
        "higher",
        UNBOUNDED,
        "Xã được công nhận đạt chuẩn “Chính quyền thân thiện” năm 2027.",
        words=("Đạt", "Duy trì", "Chưa đạt", "Không duy trì"),
        texts={
            2027: ("Đạt", ("Đạt", "Duy trì")),
            2028: ("Duy trì", ("Duy trì", "Đạt")),
            2029: ("Duy trì", ("Duy trì", "Đạt")),
            2030: ("Duy trì", ("Duy trì", "Đạt")),
        },
    ),
    # "100% kế hoạch": a share of the year's call-up quota, which may be exceeded.
    "21": Meaning(
        "Tuyển chọn, gọi công dân nhập ngũ, nghĩa vụ CA",
        "level",
        "higher",
        NON_NEGATIVE,
        "Hoàn thành chỉ tiêu tuyển chọn và gọi công dân nhập ngũ và tham gia nghĩa vụ Công an Nhân dân hằng năm.",
    ),
    "22": Meaning(
        "Giữ vững an ninh chính trị, trật tự an toàn xã hội",
        "level",
        "higher",
        UNBOUNDED,
        "Duy trì an ninh chính trị, trật tự an toàn xã hội ổn định; không phát sinh “điểm nóng”.",
        words=("Ổn định, không có điểm nóng", "Có điểm nóng"),
        texts={year: ("Ổn định, không có điểm nóng", ("Ổn định, không có điểm nóng",)) for year in YEARS},
    ),
}


def flat(text: str) -> str:
    """Text compared as a reader sees it: any dash is a dash, any run of spaces one space."""
    for dash in "–—‐":
        text = text.replace(dash, "-")
    return " ".join(text.split())


def plan_document() -> str:
    return PLAN_DOCUMENT.read_text(encoding="utf-8")


def annex_rows() -> list[list[str]]:
    """The annex table as the plan document writes it: one list of cells per row."""
    text = plan_document()
    table = text[text.index("STT\tChỉ tiêu chủ yếu") :].splitlines()[1:]
    return [line.split("\t") for line in table if line.strip()]


def number(cell: str) -> float:
    """A number as the annex writes it (thousands dot, decimal comma), read here, not by the program."""
    return float(cell.strip().rstrip("%").replace(".", "").replace(",", "."))


def expected_target(cell: str, year: int, meaning: Meaning) -> dict | None:
    """What a reader takes from an annex cell, with the row's direction from PLAN_MEANING."""
    cell = cell.strip()
    if not cell:
        return None
    if cell.startswith("Tổng"):  # the annex's "Tổng" covers the whole plan period, from its first year
        return {"op": "total", "value": number(cell.removeprefix("Tổng")), "from_year": YEARS[0]}
    if match := re.fullmatch(r"([\d.,]+)\s*-\s*([\d.,]+)%?", cell):
        return {"op": "range", "low": number(match[1]), "high": number(match[2])}
    if cell.startswith("≥"):
        return {"op": "ge", "value": number(cell[1:])}
    if cell.startswith(">"):
        return {"op": "gt", "value": number(cell[1:])}
    if re.fullmatch(r"[\d.,]+%?", cell):
        return {"op": "ge" if meaning.direction == "higher" else "le", "value": number(cell)}
    text, accept = meaning.texts[year]
    return {"op": "text", "text": text, "accept": accept}


def annex_by_code() -> list[tuple[str, list[str]]]:
    """Annex rows paired with the codes of PLAN_MEANING, in order (the table follows the annex row by row)."""
    rows = annex_rows()
    assert len(rows) == len(PLAN_MEANING)
    return list(zip(PLAN_MEANING, rows, strict=True))


def test_annex_has_36_rows_and_22_numbered_indicators():
    rows = annex_rows()
    assert len(rows) == 36
    numbered = {r[0] for r in rows if r[0] and "." not in r[0]}
    assert numbered == {str(n) for n in range(1, 23)}


def test_every_quote_of_the_table_is_the_plans_words():
    document = flat(plan_document())
    for code, meaning in PLAN_MEANING.items():
        assert flat(meaning.quote) in document, (code, meaning.quote)


def test_the_table_follows_the_annex_and_its_trends():
    for code, cells in annex_by_code():
        stt, name, measure, *years, _owners = cells
        meaning = PLAN_MEANING[code]
        assert meaning.name == name.strip(), code
        assert not stt.strip() or stt.strip() == code, code
        # Where the annex's yearly targets move, they move the way that is better.
        numbers = [number(c) for c in years[:4] if re.fullmatch(r"[\d.,]+", c.strip())]
        if len(numbers) == 4 and numbers[0] != numbers[-1]:
            assert meaning.direction == ("higher" if numbers[-1] > numbers[0] else "lower"), code
        if measure.strip() == "%" and meaning.bounds == PERCENT:
            assert meaning.aggregation == "level", code


def test_growth_rows_and_only_they_take_no_quarter_sums_and_no_carry_over():
    """A growth row is measured in % and says "tăng bình quân" (itself or the row it breaks down)."""
    growth, parent_says_growth = set(), False
    for code, (stt, name, measure, *_rest) in annex_by_code():
        if stt.strip() and "." not in stt:
            parent_says_growth = "tăng bình quân" in name
        if measure.strip() == "%" and ("tăng bình quân" in name or ("." in stt and parent_says_growth)):
            growth.add(code)
    assert growth == {"1", "1.1", "1.2", "1.3", "2"}
    assert {code for code, m in PLAN_MEANING.items() if m.aggregation == "none"} == growth


PLAN = load_plan(PLAN_PATH)


@pytest.mark.parametrize("code", list(PLAN_MEANING))
def test_indicator_means_what_the_plan_says(code):
    """Aggregation, direction, bounds, integer, baseline, words and every target of one row."""
    meaning = PLAN_MEANING[code]
    (cells,) = [cells for c, cells in annex_by_code() if c == code]
    position = list(PLAN_MEANING).index(code)
    indicator = PLAN.indicators[position]
    assert indicator.code == code
    assert indicator.name == meaning.name
    assert indicator.aggregation == meaning.aggregation, f"{code}: {meaning.quote}"
    assert indicator.direction == meaning.direction, f"{code}: {meaning.quote}"
    # The plan file's own bounds (the program adds sanity limits of its own when a row sets none).
    bounds = PLAN.raw["indicators"][position].get("bounds") or {}
    assert (bounds.get("min"), bounds.get("max")) == meaning.bounds, code
    assert indicator.integer is meaning.integer, code
    if meaning.baseline_measure is None:
        assert indicator.baseline is None, code
    else:
        assert indicator.baseline is not None and indicator.baseline.measure == meaning.baseline_measure
    assert indicator.words == meaning.words, code
    _stt, _name, _measure, *years, _owners = cells
    for year, cell in zip(YEARS, years, strict=True):
        expected = expected_target(cell, year, meaning)
        target = indicator.targets.get(year)
        if expected is None:
            assert target is None, (code, year)
            continue
        assert target is not None, (code, year)
        assert target.as_written == cell.strip(), (code, year)
        got = {"op": target.op}
        for key in ("value", "low", "high", "from_year", "text"):
            if getattr(target, key) is not None:
                got[key] = getattr(target, key)
        if target.op == "text":
            got["accept"] = tuple(target.accept)
        assert got == expected, (code, year, cell)


def test_plan_json_reproduces_the_annex_row_by_row(cli_db):
    result = run_cli("plan", "--json", db=cli_db, check=True)
    plan_rows = json.loads(result.stdout)
    assert len(plan_rows) == 36
    for row, (code, cells) in zip(plan_rows, annex_by_code(), strict=True):
        stt, name, measure, *years, owners = cells
        meaning = PLAN_MEANING[code]
        assert row["code"] == code
        assert row["stt"] == stt.strip()
        assert row["name"] == name.strip()
        assert row["measure"] == measure.strip()
        assert row["owners_as_written"] == owners.strip()
        assert row["aggregation"] == meaning.aggregation
        assert row["direction"] == meaning.direction
        assert row["words"] == list(meaning.words)
        assert set(row["targets"]) == {str(y) for y in YEARS}
        for year, cell in zip(YEARS, years, strict=True):
            expected = expected_target(cell, year, meaning)
            if expected is not None:
                expected.pop("accept", None)
            assert row["targets"][str(year)] == expected, (code, year, cell)


def test_units_are_the_eight_of_section_iv():
    text = plan_document()
    section = text[text.index("IV. TỔ CHỨC THỰC HIỆN") :]
    headings = re.findall(r"^([1-8])\. (.+)$", section, flags=re.MULTILINE)[:8]
    assert [u.name for u in PLAN.units] == [h[1].strip() for h in headings]
    without = [u for u in PLAN.units if not PLAN.indicators_of(u.id)]
    assert [u.name for u in without] == ["Trung tâm Dịch vụ sự nghiệp công"]


def test_owners_resolve_from_annex_names():
    for code, cells in annex_by_code():
        owners = cells[-1].strip()
        named = [re.sub(r" và các phòng, đơn vị chuyên môn$", "", w) for w in re.split(r",\s*(?=[Pp]hòng|Ban)", owners)]
        indicator = PLAN.indicator(code)
        assert indicator.owners_as_written == owners
        assert set(indicator.owners) == {PLAN.unit(w).id for w in named}, code


def test_disagreements_with_the_text_are_kept_as_notes():
    # Rows where section II and the annex differ and the program follows the annex (read side by side).
    following_annex = [i.code for i in PLAN.indicators if any("Chương trình theo Phụ lục" in n for n in i.notes)]
    assert following_annex == ["2", "9", "10c", "12", "13", "14", "18", "19", "19b"]


def test_another_communes_plan_loads_without_code(plan_text, tmp_path):
    raw = json.loads(plan_text)
    raw["plan_id"], raw["commune"] = "xa-khac-2026-2030", "Xã Khác"
    raw["indicators"] = raw["indicators"][:2]
    raw["indicators"][0]["code"] = "A1"
    raw["indicators"][0]["aggregation"] = "level"
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
