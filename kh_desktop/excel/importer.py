"""Reading figures back from a workbook: a dry run that lists every change and every bad cell, then apply.

Nothing is written while any cell is bad; applying is one transaction (storage.bulk.record_many).
Only the sheets with the hidden key row (exported unit sheets and entry templates) are read;
the commune sheet is for viewing.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from defusedxml.ElementTree import iterparse
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter, range_boundaries

from ..domain.evaluation import ValueRefused, expects_words, format_value, validate_value
from ..domain.numbers import NumberError, format_number, parse_number
from ..domain.periods import BASELINE, PeriodError, parse_period
from ..domain.plan import PlanError
from ..storage.bulk import Entry, check_entry, record_many
from ..storage.store import Change, Store
from .common import ESTIMATE_WORDS, FIRST_DATA_ROW, KEY_ROW, LISTS_SHEET, NOTE_MAX, ExcelError, has_control
from .safety import check_workbook_file

MAX_ROWS = 5_000
MAX_COLUMNS = 200


@dataclass(frozen=True)
class CellProblem:
    sheet: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return f"Trang “{self.sheet}”, ô {self.column}{self.row}: {self.reason}"


@dataclass(frozen=True)
class PlannedChange:
    sheet: str
    row: int
    column: str
    code: str
    period: str
    old: str
    new: str
    entry: Entry
    name: str = ""  # the indicator's name in the plan
    period_label: str = ""  # "6 tháng đầu năm 2026", "Số gốc (hiện nay)"
    how: str = ""  # how the cell was read, when that is not plain ("ô dạng phần trăm: 0,125 hiển thị 12,5%")

    def __str__(self) -> str:
        old = self.old or "(trống)"
        what = f"{self.code}. {self.name}" if self.name else self.code
        when = self.period_label or self.period
        how = f"; {self.how}" if self.how else ""
        return f"{what} — {when}: {old} → {self.new}  (trang “{self.sheet}”, ô {self.column}{self.row}{how})"


@dataclass
class ImportPreview:
    path: Path
    changes: list[PlannedChange] = field(default_factory=list)
    problems: list[CellProblem] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)
    unchanged: int = 0  # filled cells that hold what the database already has (of any unit)

    @property
    def ok(self) -> bool:
        return not self.problems


def _letter(column: int) -> str:
    return get_column_letter(column)


def _shown(value, estimate: bool, note: str) -> str:
    if value is None:
        return ""
    text = format_value(value) + (" (ước)" if estimate else "")
    return text + (f" — {note}" if note else "")


def _load(path: Path, data_only: bool):
    try:
        return load_workbook(path, read_only=True, data_only=data_only)
    except Exception as exc:  # openpyxl raises many kinds on a broken or hostile file
        kind = type(exc).__name__
        if "Entities" in kind or "DTD" in kind or "External" in kind:
            raise ExcelError(f"Tệp {path.name} chứa khai báo XML độc hại: không nhận.") from exc
        raise ExcelError(f"Tệp {path.name} bị hỏng hoặc không phải bảng tính Excel (.xlsx) ({kind}).") from exc


def _rows(ws) -> list[tuple]:
    rows = []
    for n, row in enumerate(ws.iter_rows(max_col=MAX_COLUMNS), 1):
        if n > MAX_ROWS + FIRST_DATA_ROW:
            raise ExcelError(f"Trang “{ws.title}” có quá nhiều dòng (hơn {MAX_ROWS}).")
        rows.append(row)
    return rows


def _cell(rows, r: int, c: int):
    if r - 1 < len(rows) and c - 1 < len(rows[r - 1]):
        return rows[r - 1][c - 1]
    return None


def preview_import(store: Store, path: Path | str) -> ImportPreview:
    """Everything the workbook would change, and every cell that is wrong. Writes nothing."""
    path = Path(path)
    check_workbook_file(path)
    formulas_wb = _load(path, data_only=False)
    values_wb = _load(path, data_only=True)
    preview = ImportPreview(path)
    # The same figure may appear on two sheets (indicators shared by two units): a cell that still holds
    # what the database has is not a change; two different new values are a problem.
    claimed: dict[tuple[str, str], PlannedChange] = {}
    try:
        any_sheet = False
        for ws in values_wb.worksheets:
            rows = _rows(ws)
            keys = [(c.value if c is not None else None) for c in (rows[KEY_ROW - 1] if len(rows) >= KEY_ROW else ())]
            if "code" not in keys or not any(isinstance(k, str) and k.startswith("value:") for k in keys):
                if ws.title != LISTS_SHEET:  # the hidden pick lists are ours, not a sheet the user filled
                    preview.skipped_sheets.append(ws.title)
                continue
            any_sheet = True
            formula_rows = _rows(formulas_wb[ws.title])
            merged = _merged_ranges(ws)
            _read_sheet(store, ws.title, rows, formula_rows, keys, preview, claimed, merged)
        if not any_sheet:
            raise ExcelError(
                f"Tệp {path.name} không có trang nhập liệu của chương trình (thiếu dòng mã ẩn). "
                "Hãy dùng tệp xuất từ chương trình hoặc mẫu nhập liệu (lệnh template-xlsx)."
            )
    finally:
        formulas_wb.close()
        values_wb.close()
    return preview


def _merged_ranges(ws) -> list[str]:
    """The merged ranges ("E7:E9") of a sheet. openpyxl's read-only mode does not parse them, so they are
    read from the sheet's XML (already checked safe by check_workbook_file)."""
    ranges = []
    source = ws._get_source()  # noqa: SLF001 - the sheet's XML stream; read-only mode offers no other way
    try:
        for _event, element in iterparse(source):
            if element.tag.endswith("}mergeCell") or element.tag == "mergeCell":
                ref = element.get("ref")
                if ref:
                    ranges.append(ref)
            element.clear()
    finally:
        close = getattr(source, "close", None)
        if close:
            close()
    return ranges


def _spread_merged(merged, entry_columns, last_row, problem) -> tuple[dict, set]:
    """What merged cells over entry cells mean: (cell -> the top-left cell it shows, cells not to read).

    An "Ước" mark or a note merged down several rows is shown beside each of them: it applies to every row it
    covers. A figure merged over several rows or columns, or an entry cell merged with a label, has no single
    row or period it belongs to: the range is refused, named, and none of its cells is read."""
    shows: dict[tuple[int, int], tuple[int, int]] = {}
    blocked: set[tuple[int, int]] = set()
    for ref in merged:
        try:
            low_col, low_row, high_col, high_row = range_boundaries(ref)
        except ValueError:
            continue
        if high_row < FIRST_DATA_ROW or low_row > last_row:
            continue
        cells = [
            (r, c) for r in range(max(low_row, FIRST_DATA_ROW), high_row + 1) for c in range(low_col, high_col + 1)
        ]
        touched = {c for _r, c in cells if c in entry_columns}
        if not touched:
            continue
        kinds = {entry_columns[c] for c in touched}
        if low_col == high_col and kinds <= {"estimate", "note"}:
            for r, c in cells:
                shows[(r, c)] = (low_row, low_col)
            continue
        blocked.update(cells)
        problem(
            low_row,
            low_col,
            f"Vùng ô gộp {ref} phủ lên ô nhập số liệu của "
            + ("nhiều dòng" if high_row > low_row else "nhiều cột")
            + ": không biết số liệu thuộc dòng, kỳ nào. Hãy bỏ gộp ô (Merge & Center) và ghi riêng từng ô.",
        )
    return shows, blocked


def _read_sheet(store, sheet, rows, formula_rows, keys, preview, claimed, merged=()) -> None:
    code_col = keys.index("code") + 1
    by_period: dict[str, dict[str, int]] = {}
    entry_columns: dict[int, str] = {}
    for column, key in enumerate(keys, 1):
        if isinstance(key, str) and ":" in key:
            kind, period = key.split(":", 1)
            if kind in ("value", "estimate", "note"):
                by_period.setdefault(period, {})[kind] = column
                entry_columns[column] = kind
    plan = store.plan

    def problem(row: int, column: int, reason: str) -> None:
        preview.problems.append(CellProblem(sheet, row, _letter(column), reason))

    shows, blocked = _spread_merged(merged, entry_columns, len(rows), problem)
    if shows:
        rows = [list(row) for row in rows]
        for (r, c), (r0, c0) in shows.items():
            while len(rows) < r:
                rows.append([])
            while len(rows[r - 1]) < c:
                rows[r - 1].append(None)
            rows[r - 1][c - 1] = _cell(rows, r0, c0)

    for r in range(FIRST_DATA_ROW, len(rows) + 1):
        code_cell = _cell(rows, r, code_col)
        raw_code = code_cell.value if code_cell is not None else None
        if raw_code is None or (isinstance(raw_code, str) and not raw_code.strip()):
            continue
        if isinstance(raw_code, float) and raw_code.is_integer():
            raw_code = int(raw_code)
        code = str(raw_code).strip()
        if not plan.has_indicator(code):
            problem(r, code_col, f"Mã chỉ tiêu “{code}” không có trong kế hoạch (không sửa cột Mã).")
            continue
        for period, columns in by_period.items():
            if "value" not in columns or any((r, c) in blocked for c in columns.values()):
                continue
            _read_figure(store, sheet, rows, formula_rows, r, code, period, columns, problem, preview, claimed)


def _formula_without_value(formula_rows, row: int, column: int, value) -> bool:
    cell = _cell(formula_rows, row, column)
    raw = cell.value if cell is not None else None
    is_formula = getattr(cell, "data_type", None) == "f" or (isinstance(raw, str) and raw.startswith("="))
    return is_formula and value is None


def _read_figure(store, sheet, rows, formula_rows, r, code, period, columns, problem, preview, claimed) -> None:  # noqa: C901 - issue 12 reworks the import
    plan = store.plan
    indicator = plan.indicator(code)
    bad = False

    def read(kind: str):
        nonlocal bad
        column = columns.get(kind)
        if column is None:
            return None
        cell = _cell(rows, r, column)
        value = cell.value if cell is not None else None
        if _formula_without_value(formula_rows, r, column, value):
            problem(r, column, "Ô có công thức nhưng chưa có giá trị đã tính: hãy mở tệp bằng Excel, lưu lại rồi nhập.")
            bad = True
            return None
        if getattr(cell, "data_type", None) == "e":
            problem(r, column, f"Ô có lỗi công thức ({value}).")
            bad = True
            return None
        if isinstance(value, str):
            if has_control(value):
                problem(r, column, "Ô có ký tự điều khiển (ký tự ẩn) không được phép: hãy gõ lại nội dung ô.")
                bad = True
                return None
            if len(value) > NOTE_MAX:
                problem(r, column, f"Nội dung quá dài ({len(value)} ký tự; tối đa {NOTE_MAX}).")
                bad = True
                return None
        return value

    value_col = columns["value"]
    value = read("value")
    estimate_raw = read("estimate")
    note_raw = read("note")
    if bad:
        return
    note = "" if note_raw is None else str(note_raw).strip()
    estimate = False
    if estimate_raw is not None and str(estimate_raw).strip():
        word = str(estimate_raw).strip().casefold()
        if estimate_raw is True or word in ESTIMATE_WORDS:
            estimate = True
        elif estimate_raw is not False:
            problem(
                r,
                columns["estimate"],
                f"Cột “Ước” chỉ ghi x (số ước thực hiện) hoặc để trống, không ghi “{estimate_raw}”.",
            )
            return
    if value is None or (isinstance(value, str) and not value.strip()):
        if estimate or note:
            problem(r, value_col, "Có ghi chú hoặc dấu ước nhưng chưa nhập số liệu thực hiện.")
        return
    if isinstance(value, bool):
        problem(r, value_col, "Ô chứa giá trị đúng/sai (TRUE/FALSE), không phải số liệu.")
        return
    if isinstance(value, (datetime, date, time)):
        problem(r, value_col, "Ô chứa ngày tháng, không phải số liệu: hãy định dạng ô là số (Number) rồi nhập lại.")
        return
    if isinstance(value, float) and not math.isfinite(value):
        problem(r, value_col, "Số không hợp lệ.")
        return
    raw, how = value, ""
    if isinstance(value, (int, float)) and "%" in str(getattr(_cell(rows, r, value_col), "number_format", "") or ""):
        # The clerk typed "12,5%" and saw 12,5%; Excel keeps 0,125. On a row measured in % that is 12,5.
        if indicator.measure != "%":
            problem(
                r,
                value_col,
                f"Ô định dạng phần trăm ({format_number(value * 100)}%) nhưng chỉ tiêu {code} tính bằng "
                f"{indicator.measure or 'số'}: hãy định dạng ô là số (Number) và gõ lại.",
            )
            return
        raw = round(float(value) * 100, 9)  # 0.125 * 100 is 12.500000000000002 in binary
        how = f"ô định dạng phần trăm: Excel lưu {format_number(value, 6)}, hiển thị {format_number(raw, 6)}%, nhập {format_number(raw, 6)}"
    wants_number = True
    if period != BASELINE and period[:4].isdigit():
        wants_number = not expects_words(indicator, int(period[:4]))
    if isinstance(value, str):
        raw = value.strip()
        if wants_number:
            try:
                parse_number(raw)
            except NumberError:
                pass
            else:
                problem(
                    r,
                    value_col,
                    f"Số “{raw}” được lưu dạng chữ (Text): hãy định dạng ô là số (Number) và gõ lại, "
                    "hoặc xóa dấu nháy ' ở đầu.",
                )
                return
    entry = Entry(code, period, raw, estimate, note)
    try:
        if store.can_edit(indicator):
            period_key, checked = check_entry(store, entry)
        else:
            period_key, checked = _check_other_unit(store, indicator, entry)
    except (ValueRefused, PeriodError, PlanError) as exc:
        problem(r, value_col, str(exc))
        return
    entry = Entry(code, period_key, checked, estimate, note)
    current = store.figure(code, period_key)
    if current is not None and _same(current.value, checked) and current.estimate == estimate and current.note == note:
        preview.unchanged += 1
        return
    if not store.can_edit(indicator):
        # Another unit's figure, received from Văn phòng: an untouched cell is fine, a changed one is not ours.
        owners = ", ".join(plan.owner_names(indicator))
        mine = plan.unit_by_id(store.pc_unit).name
        was = _shown(current.value, current.estimate, current.note) if current else "(trống)"
        problem(
            r,
            value_col,
            f"Chỉ tiêu {code} do {owners} nhập; máy này thuộc {mine} nên không sửa số liệu của đơn vị khác "
            f"(đang có {was}, trong tệp là {_shown(checked, estimate, note)}).",
        )
        return
    change = PlannedChange(
        sheet,
        r,
        _letter(value_col),
        code,
        period_key,
        _shown(current.value, current.estimate, current.note) if current else "",
        _shown(checked, estimate, note),
        entry,
        indicator.name,
        _period_label(store, indicator, period_key),
        how,
    )
    other = claimed.get((code, period_key))
    if other is not None:
        if other.entry != entry:
            problem(
                r,
                value_col,
                f"Chỉ tiêu {code} kỳ {period_key} được sửa khác nhau ở hai chỗ: ở đây là {change.new}, "
                f"ở trang “{other.sheet}” ô {other.column}{other.row} là {other.new}.",
            )
        return
    claimed[(code, period_key)] = change
    preview.changes.append(change)


def _check_other_unit(store: Store, indicator, entry: Entry) -> tuple[str, float | str]:
    """(period key, value) of a cell of an indicator this PC may not write: checked only to compare it."""
    if entry.period == BASELINE:
        if indicator.baseline is None:
            raise ValueRefused(f"Chỉ tiêu {indicator.code} không tính theo số gốc (hiện nay).")
        return BASELINE, validate_value(indicator, BASELINE, entry.raw, None)
    parsed = parse_period(entry.period, store.plan.first_year, store.plan.last_year)
    return parsed.key, validate_value(indicator, parsed.key, entry.raw, parsed.year)


def _period_label(store: Store, indicator, period_key: str) -> str:
    """The period as a person says it: '6 tháng đầu năm 2026', or the baseline's own name in the plan."""
    if period_key == BASELINE:
        return f"Số gốc (hiện nay): {indicator.baseline.label}" if indicator.baseline else "Số gốc (hiện nay)"
    try:
        return parse_period(period_key, store.plan.first_year, store.plan.last_year).label
    except PeriodError:
        return period_key


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))
    return a == b


def apply_import(store: Store, preview: ImportPreview, by: str = "") -> Change:
    """Apply a clean preview in one transaction; refuse one with problems."""
    if preview.problems:
        raise ExcelError(f"Tệp có {len(preview.problems)} ô sai: chưa nhập gì. Hãy sửa các ô đó rồi nhập lại.")
    return record_many(store, [c.entry for c in preview.changes], by=by)
