"""Writing workbooks: the whole plan with figures (export) and a blank entry form for one unit (template).

Plain functions over openpyxl (no Qt), so the command line and the window's background helper share them.
Each entry sheet carries a hidden row of keys ("code", "value:2026", "estimate:2026", "note:2026") that
tells the importer what every column means, whatever the visible headers say.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from ..domain.annex import AGGREGATION_WORDS, DIRECTION_WORDS
from ..domain.errors import os_reason
from ..domain.evaluation import evaluate_year, expects_words, format_target
from ..domain.periods import BASELINE, ReportPeriod
from ..domain.plan import Indicator
from ..storage.store import Figure, Store
from .annex_import import UNITS_SHEET
from .common import (
    COMMUNE_SHEET,
    FIRST_DATA_ROW,
    HEADER_ROW,
    KEY_ROW,
    LISTS_SHEET,
    SUBHEADER_ROW,
    SUBTITLE_ROW,
    TITLE_ROW,
    ExcelError,
    Look,
    merge,
    put_number,
    put_text,
    sheet_title,
)

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDE7F0")
_ENTRY_FILL = PatternFill("solid", fgColor="FFF8DC")
_WRAP = Alignment(wrap_text=True, vertical="center")
_CENTER = Alignment(wrap_text=True, vertical="center", horizontal="center")
# Every cell's look, given at the price of one assignment (see Look).
HEAD = Look(font=Font(bold=True), alignment=_CENTER, fill=_HEAD_FILL, border=_BORDER)
TITLE = Look(font=Font(bold=True, size=13), alignment=Alignment(horizontal="center"))
SUBTITLE = Look(font=Font(italic=True), alignment=Alignment(horizontal="center", wrap_text=True))
BOX = Look(border=_BORDER)
BOX_CENTER = Look(alignment=_CENTER, border=_BORDER)
BOX_WRAP = Look(alignment=_WRAP, border=_BORDER)
ENTRY = Look(fill=_ENTRY_FILL, border=_BORDER)  # a cell a unit fills in
ENTRY_CENTER = Look(fill=_ENTRY_FILL, alignment=_CENTER, border=_BORDER)
ENTRY_WRAP = Look(fill=_ENTRY_FILL, alignment=_WRAP, border=_BORDER)


def _header(ws, row: int, column: int, text: str, span: int = 1, rows: int = 1) -> None:
    put_text(ws, row, column, text)
    if span > 1 or rows > 1:
        merge(ws, row, column, row + rows - 1, column + span - 1)
    for r in range(row, row + rows):
        for c in range(column, column + span):
            HEAD.apply(ws.cell(row=r, column=c))


def _page_setup(ws, last_column: int, freeze: str) -> None:
    ws.freeze_panes = freeze
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{SUBHEADER_ROW}"
    ws.page_margins.left, ws.page_margins.right = 0.6, 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.6
    ws.row_dimensions[KEY_ROW].hidden = True
    merge(ws, TITLE_ROW, 1, TITLE_ROW, last_column)
    merge(ws, SUBTITLE_ROW, 1, SUBTITLE_ROW, last_column)
    TITLE.apply(ws.cell(row=TITLE_ROW, column=1))
    SUBTITLE.apply(ws.cell(row=SUBTITLE_ROW, column=1))
    ws.row_dimensions[SUBTITLE_ROW].height = 30


def _row_start(ws, row: int, indicator: Indicator) -> None:
    for column, text in enumerate((indicator.display_stt, indicator.code, indicator.name, indicator.measure), 1):
        put_text(ws, row, column, text, BOX_WRAP if column == 3 else BOX_CENTER)


def _keys(ws, keys: list[str]) -> None:
    for column, key in enumerate(keys, 1):
        put_text(ws, KEY_ROW, column, key)


def _widths(ws, widths: list[float]) -> None:
    for column, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(column)].width = width


EMPTY_CELL_RULE = "Ô để trống thì số liệu đã có giữ nguyên (không bị xóa)."


class WordLists:
    """The words an indicator's figure may be (from the plan), on a hidden sheet the pick lists point at.

    A list written inline in the validation cannot hold a word with a comma ("Ổn định, không có điểm
    nóng"), so each indicator's words go down one column of the hidden sheet.
    """

    def __init__(self, wb: Workbook):
        self.wb = wb
        self.ws = None
        self.ranges: dict[str, str] = {}

    def range_of(self, indicator: Indicator) -> str | None:
        words = indicator.allowed_words
        if not words:
            return None
        if indicator.code not in self.ranges:
            if self.ws is None:
                self.ws = self.wb.create_sheet(LISTS_SHEET)
                self.ws.sheet_state = "hidden"
            column = len(self.ranges) + 1
            put_text(self.ws, 1, column, indicator.code)
            for row, word in enumerate(words, 2):
                put_text(self.ws, row, column, word)
            letter = get_column_letter(column)
            self.ranges[indicator.code] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(words) + 1}"
        return self.ranges[indicator.code]

    def add(self, ws, indicator: Indicator, cells: list[str]) -> None:
        """A pick list on `cells` of `ws`: only the plan's words for this indicator are accepted."""
        ref = self.range_of(indicator)
        if ref is None or not cells:
            return
        words = " / ".join(indicator.allowed_words)
        dv = DataValidation(
            type="list",
            formula1=ref,
            allow_blank=True,
            showErrorMessage=True,
            showInputMessage=True,
            errorTitle="Chọn trong danh sách",
            error=f"Chỉ tiêu {indicator.code} ghi bằng chữ: chọn một trong {words}."[:255],
            promptTitle="Chọn trong danh sách",
            prompt=f"Bấm mũi tên để chọn: {words}."[:255],
        )
        for cell in cells:
            dv.add(cell)
        ws.add_data_validation(dv)


def _commune_sheet(ws, store: Store, today: date) -> None:
    plan = store.plan
    years = plan.years
    readings, baselines = store.readings(), store.baselines()
    last = 4 + len(years) + 3 + 3 * len(years)
    put_text(ws, TITLE_ROW, 1, plan.annex_title or "Các chỉ tiêu kế hoạch")
    put_text(
        ws,
        SUBTITLE_ROW,
        1,
        f"{plan.text('commune_full', plan.commune)}, kế hoạch {plan.first_year} - {plan.last_year}; số liệu đến ngày "
        f"{today:%d/%m/%Y}. Trang này để xem: nhập số liệu ở trang của từng đơn vị.",
    )
    for column, text in enumerate(("STT", "Mã", "Chỉ tiêu", "ĐVT"), 1):
        _header(ws, HEADER_ROW, column, text, rows=2)
    _header(ws, HEADER_ROW, 5, "Chỉ tiêu kế hoạch", span=len(years))
    for n, y in enumerate(years):
        _header(ws, SUBHEADER_ROW, 5 + n, str(y))
    owner_col = 5 + len(years)
    _header(ws, HEADER_ROW, owner_col, "Đơn vị chủ trì", rows=2)
    # how a row adds up and which way is better: plan-import reads these back (an annex rarely says)
    _header(ws, HEADER_ROW, owner_col + 1, "Cách tính", rows=2)
    _header(ws, HEADER_ROW, owner_col + 2, "Chiều đánh giá", rows=2)
    keys = ["stt", "code", "name", "measure"] + [f"target:{y}" for y in years] + ["owners", "aggregation", "direction"]
    for n, y in enumerate(years):
        start = owner_col + 3 + 3 * n
        _header(ws, HEADER_ROW, start, f"Năm {y}", span=3)
        for k, text in enumerate(("Thực hiện", "% so với KH", "Đánh giá")):
            _header(ws, SUBHEADER_ROW, start + k, text)
        keys += [f"view:{y}", f"percent:{y}", f"verdict:{y}"]
    _keys(ws, keys)
    for r, indicator in enumerate(plan.indicators, FIRST_DATA_ROW):
        _row_start(ws, r, indicator)
        for n, y in enumerate(years):
            put_text(ws, r, 5 + n, format_target(indicator.target(y)), BOX_CENTER)
        put_text(ws, r, owner_col, ", ".join(plan.owner_names(indicator)), BOX_WRAP)
        put_text(ws, r, owner_col + 1, AGGREGATION_WORDS.get(indicator.aggregation, ""), BOX_WRAP)
        put_text(ws, r, owner_col + 2, DIRECTION_WORDS.get(indicator.direction, ""), BOX_WRAP)
        own = readings.get(indicator.code, {})
        for n, y in enumerate(years):
            start = owner_col + 3 + 3 * n
            a = evaluate_year(
                indicator, y, {k: v for k, v in own.items() if v.period.year == y}, baselines.get(indicator.code), own
            )
            if isinstance(a.actual, (int, float)):
                put_number(ws, r, start, a.actual, "(ước)" if a.estimate else "")
            elif a.actual is not None:
                put_text(ws, r, start, str(a.actual) + (" (ước)" if a.estimate else ""))
            if a.percent is not None:
                ws.cell(row=r, column=start + 1, value=round(a.percent / 100, 6)).number_format = "0.0%"
            if a.actual is not None or a.target is not None:
                put_text(ws, r, start + 2, a.verdict_label)
            for k in range(3):
                BOX_CENTER.apply(ws.cell(row=r, column=start + k))
    _widths(ws, [6, 6, 42, 12] + [9] * len(years) + [18, 12, 12] + [11, 9, 11] * len(years))
    _page_setup(ws, last, f"E{FIRST_DATA_ROW}")


def _unit_sheet(ws, store: Store, unit, today: date, lists: WordLists, figures: dict[tuple[str, str], Figure]) -> None:
    plan = store.plan
    years = plan.years
    put_text(
        ws, TITLE_ROW, 1, f"{unit.name.upper()}: SỐ LIỆU THỰC HIỆN CÁC CHỈ TIÊU {plan.first_year} - {plan.last_year}"
    )
    put_text(
        ws,
        SUBTITLE_ROW,
        1,
        f"Số liệu đến ngày {today:%d/%m/%Y}. Nhập số vào các cột “Thực hiện” (ô nền vàng); chỉ tiêu ghi bằng chữ "
        "thì chọn trong danh sách của ô; cột “Ước” ghi x nếu là số ước thực hiện; cột “Số hiện nay (gốc)” cho chỉ "
        f"tiêu so với hiện nay. {EMPTY_CELL_RULE} Không sửa cột Mã và dòng tiêu đề.",
    )
    for column, text in enumerate(("STT", "Mã", "Chỉ tiêu", "ĐVT", "Số hiện nay (gốc)"), 1):
        _header(ws, HEADER_ROW, column, text, rows=2)
    keys = ["stt", "code", "name", "measure", f"value:{BASELINE}"]
    for n, y in enumerate(years):
        start = 6 + 4 * n
        _header(ws, HEADER_ROW, start, f"Năm {y}", span=4)
        for k, text in enumerate(("Kế hoạch", "Thực hiện", "Ước", "Ghi chú")):
            _header(ws, SUBHEADER_ROW, start + k, text)
        keys += [f"target:{y}", f"value:{y}", f"estimate:{y}", f"note:{y}"]
    _keys(ws, keys)
    for r, indicator in enumerate(plan.indicators_of(unit.id), FIRST_DATA_ROW):
        _row_start(ws, r, indicator)
        (BOX if indicator.baseline is None else ENTRY).apply(ws.cell(row=r, column=5))
        if indicator.baseline is not None:
            figure = figures.get((indicator.code, BASELINE))
            if figure is not None and isinstance(figure.value, float):
                put_number(ws, r, 5, figure.value)
        for n, y in enumerate(years):
            start = 6 + 4 * n
            put_text(ws, r, start, format_target(indicator.target(y)), BOX_CENTER)
            _figure_cells(ws, r, start + 1, figures.get((indicator.code, str(y))))
        lists.add(
            ws,
            indicator,
            [f"{get_column_letter(7 + 4 * n)}{r}" for n, y in enumerate(years) if expects_words(indicator, y)],
        )
    _widths(ws, [6, 6, 42, 12, 11] + [9, 11, 6, 20] * len(years))
    _page_setup(ws, 5 + 4 * len(years), f"F{FIRST_DATA_ROW}")


def _figure_cells(ws, row: int, column: int, figure: Figure | None) -> None:
    """Value, estimate mark and note of one figure, in three cells a unit may edit."""
    for k in range(3):
        (ENTRY_WRAP if k == 2 else ENTRY_CENTER).apply(ws.cell(row=row, column=column + k))
    if figure is None:
        return
    if isinstance(figure.value, float):
        put_number(ws, row, column, figure.value)
    elif figure.value is not None:
        put_text(ws, row, column, figure.value)
    if figure.estimate:
        put_text(ws, row, column + 1, "x")
    if figure.note:
        put_text(ws, row, column + 2, figure.note)


def _save(wb: Workbook, path: Path | str) -> Path:
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExcelError(f"Không ghi được tệp Excel {path}: {os_reason(exc)}.") from exc
    return path


def export_workbook(store: Store, path: Path | str, today: date | None = None) -> Path:
    """One sheet for the whole commune laid out like the annex, then one sheet per unit."""
    today = today or date.today()
    wb = Workbook()
    taken: set[str] = set()
    ws = wb.active
    ws.title = sheet_title(COMMUNE_SHEET, taken)
    _commune_sheet(ws, store, today)
    taken.add(LISTS_SHEET)
    lists = WordLists(wb)
    figures = {(f.code, f.period): f for f in store.figures()}  # one read, not one query per cell
    for unit in store.plan.units:
        if store.plan.indicators_of(unit.id):
            _unit_sheet(wb.create_sheet(sheet_title(unit.short, taken)), store, unit, today, lists, figures)
    from .tasks_sheet import TASKS_SHEET, write_tasks_sheet  # the "06 rõ" task register, for reading

    write_tasks_sheet(wb.create_sheet(sheet_title(TASKS_SHEET, taken)), store, today)
    _units_sheet(wb.create_sheet(sheet_title(UNITS_SHEET, taken)), store)
    return _save(wb, path)


def _units_sheet(ws, store: Store) -> None:
    """The commune's units, one full name a row: what plan-import matches the owners column against."""
    for column, text in enumerate(("Tên đơn vị", "Tên viết tắt", "Mã", "Tên khác"), 1):
        _header(ws, 1, column, text)
    for r, unit in enumerate(store.plan.units, 2):
        for column, text in enumerate((unit.name, unit.short, unit.id, "; ".join(unit.aliases)), 1):
            put_text(ws, r, column, text, BOX_WRAP)
    _widths(ws, [40, 16, 14, 40])


def write_template(store: Store, path: Path | str, unit_id: str, rp: ReportPeriod, today: date | None = None) -> Path:
    """A blank entry form for one unit and one period (quý I, 6 tháng, 9 tháng, cả năm, or one quarter)."""
    if rp.is_review:
        raise ExcelError(
            "Mẫu nhập liệu theo một kỳ: quý I (2026-Q1), 6 tháng (2026-H1), 9 tháng (2026-9T), cả năm (2026) "
            "hoặc một quý (2026-Q3)."
        )
    today = today or date.today()
    plan = store.plan
    unit = plan.unit_by_id(unit_id)
    period = rp.period
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title(unit.short, {LISTS_SHEET})
    lists = WordLists(wb)
    put_text(ws, TITLE_ROW, 1, f"MẪU NHẬP SỐ LIỆU: {unit.name.upper()}, {period.label.upper()}")
    put_text(
        ws,
        SUBTITLE_ROW,
        1,
        f"Lập ngày {today:%d/%m/%Y}. Nhập số vào cột “Thực hiện” (ô nền vàng); chỉ tiêu ghi bằng chữ thì chọn trong "
        "danh sách của ô; ghi x ở cột “Ước” nếu là số ước thực hiện; cột “Số hiện nay (gốc)” (ô nền vàng) cho chỉ "
        f"tiêu so với hiện nay. {EMPTY_CELL_RULE} Không sửa cột Mã và dòng tiêu đề."
        + (
            f" Số liệu {period.label.lower()} tính cộng dồn từ ngày 01/01/{period.year}."
            if period.cumulative and period.kind not in ("Q",)
            else ""
        ),
    )
    heads = ("STT", "Mã", "Chỉ tiêu", "ĐVT", "Số hiện nay (gốc)", f"Kế hoạch năm {period.year}")
    for column, text in enumerate((*heads, f"Thực hiện {period.label}", "Ước", "Ghi chú"), 1):
        _header(ws, HEADER_ROW, column, text, rows=2)
    keys = ["stt", "code", "name", "measure", f"value:{BASELINE}", f"target:{period.year}"]
    keys += [f"value:{period.key}", f"estimate:{period.key}", f"note:{period.key}"]
    _keys(ws, keys)
    for r, indicator in enumerate(plan.indicators_of(unit.id), FIRST_DATA_ROW):
        _row_start(ws, r, indicator)
        (BOX_CENTER if indicator.baseline is None else ENTRY_CENTER).apply(ws.cell(row=r, column=5))
        put_text(ws, r, 6, format_target(indicator.target(period.year)), BOX_CENTER)
        for k in range(3):
            (ENTRY_WRAP if k == 2 else ENTRY_CENTER).apply(ws.cell(row=r, column=7 + k))
        if expects_words(indicator, period.year):
            lists.add(ws, indicator, [f"G{r}"])
    _widths(ws, [6, 6, 48, 12, 11, 12, 14, 6, 30])
    _page_setup(ws, 9, f"G{FIRST_DATA_ROW}")
    return _save(wb, path)
