"""Reading a commune's annex of indicators, as offices type it in Excel, into a plan file.

Finds the table (title rows above it, a header of one or two rows with merged cells), reads each row
with the rules of domain/annex.py and lists, instead of guessing, every cell it cannot read (its row is
left out) and every choice the annex does not state (how a row adds up, which way is better) for a person
to confirm. Plain functions over openpyxl, shared by `plan-import` and the window.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from ..domain.annex import (
    AGGREGATION_WORDS,
    DIRECTION_WORDS,
    AnnexError,
    default_aggregation,
    default_direction,
    fold,
    is_bare_number,
    match_owners,
    read_aggregation,
    read_direction,
    read_target,
    slug,
    target_key,
)
from .common import ExcelError

PLAN_FORMAT = "kh-plan/1"
UNITS_SHEET = "Đơn vị"
_SCAN_ROWS = 40  # the header is within the first rows, under the titles
_ROMAN = re.compile(r"^(?=[IVXL])(L?X{0,3})(IX|IV|V?I{0,3})\.?$")
_SUB_STT = re.compile(r"^([-+–•*]|[a-zđ][).]|\([a-zđ]\))$")
_YEAR = re.compile(r"\b(20\d\d)\b")
_NOT_TARGET = ("thuc hien", "uoc", "so voi", "danh gia", "%", "uth", "th ", "ghi chu")
_END_WORDS = ("ghi chu", "chu thich", "luu y", "noi nhan", "tm.", "tm ", "kt.", "nguoi lap", "nguon")
_KEY_CELL = re.compile(r"^[a-z_]+(:[\w-]+)?$")  # the hidden key row of our own export


@dataclass
class AnnexResult:
    plan: dict
    problems: list[dict] = field(default_factory=list)  # {cell, text, reason}
    confirm: list[dict] = field(default_factory=list)  # {cell, code, field, value, reason}

    def to_json(self) -> dict:
        return {"plan": self.plan, "problems": self.problems, "confirm": self.confirm}


@dataclass
class _Columns:
    stt: int | None = None
    code: int | None = None
    name: int | None = None
    measure: int | None = None
    owners: int | None = None
    aggregation: int | None = None
    direction: int | None = None
    period: int | None = None
    periods: list[tuple[int, tuple[int, int] | None]] = field(default_factory=list)  # (column, years it names)
    years: dict[int, int] = field(default_factory=dict)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _merged_values(ws) -> dict[tuple[int, int], object]:
    """Every cell of a merged range carries the range's value (header cells only are asked)."""
    values = {}
    for rng in ws.merged_cells.ranges:
        top = ws.cell(row=rng.min_row, column=rng.min_col).value
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                values[(r, c)] = top
    return values


def _header_label(ws, merged, row: int, column: int) -> str:
    return fold(_text(merged.get((row, column), ws.cell(row=row, column=column).value)))


def _is_stt_label(label: str) -> bool:
    return label in ("stt", "tt", "so tt", "so thu tu")


def _is_name_label(label: str) -> bool:
    return label.startswith(("chi tieu", "ten chi tieu", "noi dung"))


def _find_header(ws, merged) -> int | None:
    for row in range(1, min(ws.max_row, _SCAN_ROWS) + 1):
        labels = [_header_label(ws, merged, row, c) for c in range(1, ws.max_column + 1)]
        if any(_is_stt_label(x) for x in labels) and any(_is_name_label(x) for x in labels):
            return row
    return None


def _classify(label: str, cols: _Columns, column: int) -> bool:
    """Put a column in its role by its label; True when the label said something."""
    if not label:
        return False
    span = re.search(r"(20\d\d)\s+(20\d\d)", label)
    if "ca giai doan" in label or span:
        if not any(w in label for w in _NOT_TARGET):
            cols.periods.append((column, (int(span[1]), int(span[2])) if span else None))
        return True
    years = _YEAR.findall(label)
    if len(years) == 1:
        if not any(w in label for w in _NOT_TARGET):
            cols.years.setdefault(int(years[0]), column)
        return True
    if _is_stt_label(label):
        cols.stt = cols.stt or column
    elif label in ("ma", "ma chi tieu", "ma so"):
        cols.code = cols.code or column
    elif label in ("dvt", "don vi tinh") or label.startswith("don vi tinh"):
        cols.measure = cols.measure or column
    elif label.startswith("cach tinh"):
        cols.aggregation = cols.aggregation or column
    elif label.startswith("chieu danh gia"):
        cols.direction = cols.direction or column
    elif ("don vi" in label or "co quan" in label) and any(
        w in label for w in ("chu tri", "thuc hien", "tham muu", "phu trach", "phan cong")
    ):
        cols.owners = cols.owners or column
    elif _is_name_label(label):
        cols.name = cols.name or column
    else:
        return False
    return True


def _units(wb, units: list[str] | None) -> list[dict]:
    """The commune's units: --units, else the sheet "Đơn vị" (name; short name; id; other names)."""
    rows: list[list[str]] = []
    if units:
        rows = [[u.strip()] for u in units if u.strip()]
    else:
        sheet = next((ws for ws in wb.worksheets if fold(ws.title) == fold(UNITS_SHEET)), None)
        if sheet is None:
            raise ExcelError(
                "Không có danh sách đơn vị: thêm trang “Đơn vị” (mỗi dòng một tên đầy đủ) vào tệp, "
                'hoặc ghi --units "Tên đơn vị 1;Tên đơn vị 2;…".'
            )
        for values in sheet.iter_rows(values_only=True):
            cells = [_text(v) for v in values[:4]]
            if not cells or not cells[0]:
                continue
            if fold(cells[0]) in ("don vi", "ten don vi", "ten day du", "stt"):
                continue
            rows.append(cells)
    out, ids = [], set()
    for cells in rows:
        name = cells[0]
        short = cells[1] if len(cells) > 1 and cells[1] else name
        unit_id = cells[2] if len(cells) > 2 and cells[2] else slug(name)
        base, n = unit_id, 2
        while unit_id in ids:
            unit_id, n = f"{base}-{n}", n + 1
        ids.add(unit_id)
        aliases = [a.strip() for a in (cells[3] if len(cells) > 3 else "").split(";") if a.strip()]
        out.append({"id": unit_id, "name": name, "short": short, "aliases": aliases})
    if not out:
        raise ExcelError("Danh sách đơn vị trống: ghi mỗi dòng một tên đơn vị đầy đủ.")
    return out


def _commune(texts: list[str]) -> tuple[str, str]:
    """The commune named in the title rows ("xã Kiến Hải", "PHƯỜNG AN BIÊN"), and how it is called."""
    for upper in (False, True):
        for text in texts:
            words = text.replace(",", " , ").replace(";", " ; ").split()
            for n, word in enumerate(words[:-1]):
                kind = word.casefold()
                if kind == "thị" and n + 2 < len(words) and words[n + 1].casefold() == "trấn":
                    kind, n = "thị trấn", n + 1
                if kind not in ("xã", "phường", "thị trấn") or (word.isupper() != upper and kind != "thị trấn"):
                    continue
                name = []
                for w in words[n + 1 :]:
                    bare = w.strip("()[]{}.,;:!?\"“”'")
                    if not bare or not bare[0].isupper() or (upper and not bare.isupper()):
                        break
                    name.append(bare)
                    if bare != w:
                        break  # punctuation ends the name
                if name and fold(name[0]) != "hoi":  # "KINH TẾ - XÃ HỘI" names no commune
                    found = " ".join(name)
                    return (found.title() if upper else found), kind
    return "", ""


def import_annex(path: Path | str, units: list[str] | None = None) -> AnnexResult:
    """Read an annex workbook; the plan as a plan-file dict, with what could not be read and what to confirm."""
    path = Path(path)
    try:
        wb = load_workbook(path, data_only=True)
        formulas = load_workbook(path, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ExcelError(f"Không mở được tệp Excel {path.name}: tệp hỏng hoặc không phải .xlsx ({exc}).") from exc
    unit_rows = _units(wb, units)
    unit_names = {u["name"]: [u["short"], *u["aliases"]] for u in unit_rows}
    id_of = {u["name"]: u["id"] for u in unit_rows}
    for ws in wb.worksheets:
        if fold(ws.title) == fold(UNITS_SHEET) or ws.sheet_state != "visible":
            continue
        merged = _merged_values(ws)
        header = _find_header(ws, merged)
        if header is not None:
            return _read_table(path, ws, formulas[ws.title], merged, header, unit_rows, unit_names, id_of)
    raise ExcelError(
        f"Không tìm thấy bảng chỉ tiêu trong {path.name}: cần một dòng tiêu đề có cột “STT” và cột “Chỉ tiêu”."
    )


def _columns(ws, merged, header: int) -> tuple[_Columns, bool]:
    """Each column's role, from a header of one row or two (a second row leaves the name column empty)."""
    cols = _Columns()
    second = header + 1
    for c in range(1, ws.max_column + 1):
        _classify(_header_label(ws, merged, header, c), cols, c)
    name_cell = (second, cols.name) if cols.name else None
    has_second = bool(name_cell) and (
        ws.cell(*name_cell).value is None or merged.get(name_cell) == ws.cell(header, cols.name).value
    )
    cols = _Columns()
    for c in range(1, ws.max_column + 1):
        upper, lower = _header_label(ws, merged, header, c), _header_label(ws, merged, second, c)
        if has_second and lower and lower != upper and _classify(lower, cols, c):
            continue
        _classify(upper, cols, c)
    if cols.name is None:
        raise ExcelError(f"Trang “{ws.title}”: không thấy cột “Chỉ tiêu”.")
    if not cols.years:
        raise ExcelError(f"Trang “{ws.title}”: không thấy cột năm nào (ví dụ “Năm 2026” hoặc “2026”).")
    if cols.owners is None:
        raise ExcelError(f"Trang “{ws.title}”: không thấy cột “Đơn vị chủ trì”.")
    first, last = min(cols.years), max(cols.years)
    # the plan's own period; a column of another period (2021–2025 achieved, for instance) is no target of it
    cols.period = next((c for c, span in cols.periods if span in (None, (first, last))), None)
    return cols, has_second


class _Numbering:
    """Codes for the rows: the STT of a numbered row; a sub-row ("-", "+", "a)", empty) its parent's code and a letter."""

    def __init__(self):
        self.parent, self.letters, self.section = "", 0, ""

    def new_section(self, stt: str) -> None:
        self.section, self.parent, self.letters = stt.rstrip("."), "", 0

    def new_parent(self, stt: str) -> None:
        self.parent, self.letters = stt.rstrip("."), 0

    def code(self, stt: str, sub: bool, code_cell: str, row: int) -> tuple[str, str, str]:
        """(code, STT shown, the parent's code)."""
        if sub:
            self.letters += 1
            letter = stt[0] if re.match(r"^[a-zđ]", stt) else "abcdefghijklmnopqrstuvwxyz"[min(self.letters, 25)]
            code = code_cell or (f"{self.parent}{letter}" if self.parent else f"dong-{row}")
            return code, (stt if re.match(r"^\(?[a-zđ]", stt) else ""), self.parent
        code = code_cell or stt.rstrip(".")
        self.parent, self.letters = code, 0
        return code, stt, stt.rstrip(".").rpartition(".")[0]


def _skipped(stt: str, name: str) -> bool:
    """The hidden key row of our own export, or a row numbering the columns under the header: (1) (2) (3)."""
    return (
        fold(stt) == "stt"
        or bool(_KEY_CELL.match(name) and _KEY_CELL.match(stt or "x"))
        or bool(re.fullmatch(r"\(?\d+\)?", name))
    )


def _read_table(path, ws, fws, merged, header, unit_rows, unit_names, id_of) -> AnnexResult:
    cols, has_second = _columns(ws, merged, header)
    years = sorted(cols.years)
    first, last = years[0], years[-1]
    titles = [
        _text(v)
        for row in ws.iter_rows(min_row=1, max_row=header - 1, values_only=True)
        for v in row
        if _text(v) and not isinstance(v, (int, float))
    ]
    commune, kind = _commune(titles)
    result = AnnexResult(plan={})
    indicators: list[dict] = []
    numbering = _Numbering()
    aggregations: dict[str, str] = {}  # code -> aggregation given, for a sub-row's default
    target_columns = [*(cols.years[y] for y in years), *([cols.period] if cols.period else [])]
    for r in range(header + (2 if has_second else 1), ws.max_row + 1):
        texts = {c: _text(ws.cell(row=r, column=c).value) for c in range(1, ws.max_column + 1)}
        texts = {c: t for c, t in texts.items() if t}
        if not texts:
            continue
        if fold(texts[min(texts)]).startswith(_END_WORDS):
            break  # notes, recipients or signatures under the table
        stt = texts.get(cols.stt, "") if cols.stt else ""
        name = texts.get(cols.name, "")
        if _skipped(stt, name):
            continue
        has_targets = any(c in texts for c in target_columns)
        sub = stt == "" or bool(_SUB_STT.match(stt))
        if (_ROMAN.match(stt) or re.fullmatch(r"[A-H]\.?", stt)) and not has_targets:
            numbering.new_section(stt)
            continue
        if not name or not has_targets:
            reason = _not_a_row(name, sub, stt, has_targets)
            if reason:
                cell = f"{get_column_letter(cols.name)}{r}"
                result.problems.append({"cell": cell, "text": name, "reason": reason})
            if name and not sub and re.match(r"^\d", stt):
                numbering.new_parent(stt)
            continue
        code, shown_stt, parent = numbering.code(stt, sub, texts.get(cols.code, "") if cols.code else "", r)
        reader = _RowReader(ws, fws, r, cols, years, texts)
        item = reader.read(name, unit_names, id_of, aggregations.get(parent))
        result.problems.extend(reader.problems)
        if item is None:
            continue
        item.update({"code": code, "stt": shown_stt, "section": numbering.section})
        aggregations[code] = item["aggregation"]
        indicators.append(item)
    _unique_codes(indicators)
    for item in indicators:
        item.pop("section")
        for entry in item.pop("_confirm"):
            result.confirm.append({**entry, "code": item["code"]})
    result.plan = {
        "format": PLAN_FORMAT,
        "plan_id": f"{slug(commune or path.stem)}-{first}-{last}",
        "title": titles[1] if len(titles) > 1 else (titles[0] if titles else ""),
        "annex_title": titles[0] if titles else "",
        "commune": commune,
        "commune_full": f"{kind} {commune}".strip(),
        "first_year": first,
        "last_year": last,
        "source": {"file": path.name, "sheet": ws.title},
        "units": unit_rows,
        "indicators": [{k: v for k, v in item.items() if v is not None} for item in indicators],
    }
    return result


def _not_a_row(name: str, sub: bool, stt: str, has_targets: bool) -> str:
    """Why a row that is no indicator is still worth a person's look ("" when it is plainly a heading)."""
    if not name and has_targets:
        return "Dòng có chỉ tiêu nhưng không có tên chỉ tiêu: không đưa vào kế hoạch."
    if name and not has_targets and not sub and re.match(r"^\d", stt):
        return (
            "Dòng có số thứ tự nhưng không có chỉ tiêu năm nào: không đưa vào kế hoạch "
            "(nếu là dòng tiêu đề nhóm thì bỏ qua thông báo này)."
        )
    return ""


def _unique_codes(indicators: list[dict]) -> None:
    """Sections that number their rows from 1 again get their section in the code ("II.1")."""
    codes = [i["code"] for i in indicators]
    if len(set(codes)) == len(codes):
        return
    for item in indicators:
        if item["section"]:
            item["code"] = f"{item['section']}.{item['code']}"
    seen: dict[str, int] = {}
    for item in indicators:  # still the same (no sections): number them apart, visibly
        n = seen.get(item["code"], 0)
        seen[item["code"]] = n + 1
        if n:
            item["code"] = f"{item['code']}-{n + 1}"


def _cell_value(ws, fws, row: int, column: int):
    """The value a person sees; a formula Excel never computed is unreadable, not empty."""
    cell = ws.cell(row=row, column=column)
    value = cell.value
    if value is None:
        formula = fws.cell(row=row, column=column).value
        if isinstance(formula, str) and formula.startswith("="):
            raise AnnexError(f"Ô có công thức {formula} nhưng chưa có kết quả (mở và lưu lại bằng Excel).")
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        value = round(value * 100, 9)  # what the cell shows: 0,95 formatted as percent is 95%
    if hasattr(value, "year") and not isinstance(value, (int, float)):
        raise AnnexError("Ô chứa ngày tháng (Excel tự đổi), không phải chỉ tiêu: ghi lại dạng chữ.")
    return value


class _RowReader:
    """One indicator row: its choices, targets and owners, each unreadable cell a problem ({cell, text, reason})."""

    def __init__(self, ws, fws, row: int, cols: _Columns, years: list[int], texts: dict[int, str]):
        self.ws, self.fws, self.row, self.cols, self.years, self.texts = ws, fws, row, cols, years, texts
        self.first, self.last = years[0], years[-1]
        self.problems: list[dict] = []
        self.confirm: list[dict] = []
        self.measure = texts.get(cols.measure, "") if cols.measure else ""

    def problem(self, column: int, reason: str) -> None:
        cell = f"{get_column_letter(column)}{self.row}"
        self.problems.append({"cell": cell, "text": self.texts.get(column, ""), "reason": reason})

    def ask(self, field_name: str, value: str, reason: str) -> None:
        cell = f"{get_column_letter(self.cols.name)}{self.row}"
        self.confirm.append({"cell": cell, "field": field_name, "value": value, "reason": reason})

    def stated(self, column: int | None, read) -> str | None:
        """What the row's own "Cách tính" / "Chiều đánh giá" cell says, None when it says nothing."""
        if not column or column not in self.texts:
            return None
        try:
            return read(self.texts[column])
        except AnnexError as exc:
            self.problem(column, str(exc))
            return None

    def raw_values(self) -> dict[int, object]:
        raw: dict[int, object] = {}
        for column in [*(self.cols.years[y] for y in self.years), *([self.cols.period] if self.cols.period else [])]:
            try:
                raw[column] = _cell_value(self.ws, self.fws, self.row, column)
            except AnnexError as exc:
                self.problem(column, str(exc))
        return raw

    def read_all(self, raw: dict[int, object], way: str) -> dict[int, dict | AnnexError | None]:
        out: dict[int, dict | AnnexError | None] = {}
        for column, value in raw.items():
            try:
                out[column] = read_target(value, measure=self.measure, direction=way, first_year=self.first)
            except AnnexError as exc:
                out[column] = exc
        return out

    def targets(self, read: dict) -> dict[str, dict]:
        targets: dict[str, dict] = {}
        for y in self.years:
            t = read.get(self.cols.years[y])
            if isinstance(t, AnnexError):
                self.problem(self.cols.years[y], str(t))
            elif t is not None:
                targets[str(y)] = t
        period = read.get(self.cols.period) if self.cols.period else None
        if isinstance(period, AnnexError):
            self.problem(self.cols.period, str(period))
        elif period is not None:
            have = targets.get(str(self.last))
            if have is None:
                targets[str(self.last)] = period
            elif target_key(have) != target_key(period):
                self.problem(
                    self.cols.period,
                    f"Năm {self.last} đã có chỉ tiêu riêng ({have['as_written']}) khác chỉ tiêu cả giai đoạn: "
                    f"chương trình giữ một chỉ tiêu cho năm {self.last}, hãy để trống một trong hai ô.",
                )
        for t in targets.values():
            if t["op"] == "total":
                t["from_year"] = self.first
        return targets

    def owners(self, unit_names, id_of) -> tuple[str, list[str]]:
        text = self.texts.get(self.cols.owners, "")
        if not text:
            self.problem(self.cols.owners, "Chưa ghi đơn vị chủ trì.")
        names, reasons = match_owners(text, unit_names)
        for reason in reasons:
            self.problem(self.cols.owners, reason)
        return text, [id_of[n] for n in names]

    def read(self, name: str, unit_names, id_of, parent_aggregation: str | None) -> dict | None:
        direction = self.stated(self.cols.direction, read_direction)
        aggregation = self.stated(self.cols.aggregation, read_aggregation)
        raw = self.raw_values()
        read = self.read_all(raw, direction or "higher")
        if direction is None:
            direction, why = default_direction({c: t for c, t in read.items() if isinstance(t, dict)})
            if direction != "higher":
                read = self.read_all(raw, direction)
            if any(is_bare_number(v) for v in raw.values()):
                self.ask("direction", direction, why)
        targets = self.targets(read)
        for key, t in targets.items():
            if t["op"] == "lt" and direction == "higher" or t["op"] in ("ge", "gt") and direction == "lower":
                column = self.cols.years.get(int(key), self.cols.period)
                self.problem(column, "Dấu của chỉ tiêu ngược với chiều đánh giá của dòng.")
        owners_text, owners = self.owners(unit_names, id_of)
        if aggregation is None:
            aggregation, why = default_aggregation(name, self.measure, targets, parent_aggregation)
            self.ask("aggregation", aggregation, why)
        if self.problems:
            return None
        return {
            "name": name,
            "measure": self.measure,
            "owners_as_written": owners_text,
            "owners": owners,
            "aggregation": aggregation,
            "direction": direction,
            "targets": targets,
            "_confirm": self.confirm,
        }


def describe_choice(entry: dict) -> str:
    """A confirmation line in words: what was chosen and why."""
    words = AGGREGATION_WORDS if entry["field"] == "aggregation" else DIRECTION_WORDS
    what = "Cách tính" if entry["field"] == "aggregation" else "Chiều đánh giá"
    return f"{entry['cell']} (chỉ tiêu {entry['code']}): {what} = {words[entry['value']]}: {entry['reason']}"
