"""The grid of a unit's indicators for one period, laid out like the plan annex.

Reads through the Store, writes through the StoreService (which announces the change);
refreshes itself when the service says figures changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from ..domain.errors import UserError
from ..domain.evaluation import (
    NO_DATA,
    NOT_MET,
    Assessment,
    ValueRefused,
    evaluate_period,
    expects_words,
    format_target,
    format_value,
)
from ..domain.numbers import format_number, format_percent
from ..domain.periods import BASELINE, Period, format_timestamp
from ..domain.plan import Indicator
from ..storage.store import ChangeKind, Figure
from .figure_columns import (  # noqa: F401 - the grid's columns, imported from here by its views and tests
    COL_ACTUAL,
    COL_KIND,
    COL_MEASURE,
    COL_NAME,
    COL_NOTE,
    COL_PERCENT,
    COL_STT,
    COL_TARGET,
    COL_VERDICT,
    COLUMN_COUNT,
    EDITABLE_COLUMNS,
)
from .store_service import StoreService
from .verdict_style import BACKGROUNDS, FOREGROUNDS, verdict_text

if TYPE_CHECKING:
    from ..storage.conflict_store import Conflict


CODE_ROLE = Qt.ItemDataRole.UserRole + 1  # indicator code
PERIOD_ROLE = Qt.ItemDataRole.UserRole + 2  # period key of the cell ("2026-Q1" or "baseline")
VERDICT_ROLE = Qt.ItemDataRole.UserRole + 3  # exceeded/met/not_met/no_data
WORDS_ROLE = Qt.ItemDataRole.UserRole + 4  # allowed words for a word target, else None
RAW_VALUE_ROLE = Qt.ItemDataRole.UserRole + 5  # the stored value (float/str) or None
CONFLICT_ROLE = Qt.ItemDataRole.UserRole + 6  # the storage Conflict of the cell's figure, or None

READ_ONLY_BACKGROUND = QColor("#f3f4f6")
HINT_COLOUR = QColor("#6b7280")
CONFLICT_BACKGROUND = QColor("#fed7aa")  # orange: two PCs claim this figure, a person must choose
CONFLICT_FOREGROUND = QColor("#7c2d12")
CONFLICT_WORD = "⚠ xung đột"
DISAGREEMENT_BACKGROUND = QColor("#fef3c7")  # amber: another figure for the same months says something else
DISAGREEMENT_WORD = "≠ không khớp"

# Computed once: a repaint of the grid asks for ~8 000 cell values, and Qt enum arithmetic or a new QFont per call
# made up a third of its time.
_Role = Qt.ItemDataRole
_HANDLED_ROLES = frozenset(
    int(r)
    for r in (
        _Role.DisplayRole,
        _Role.EditRole,
        _Role.ToolTipRole,
        _Role.BackgroundRole,
        _Role.ForegroundRole,
        _Role.FontRole,
        _Role.TextAlignmentRole,
    )
) | {int(CODE_ROLE), int(PERIOD_ROLE), int(VERDICT_ROLE), int(WORDS_ROLE), int(RAW_VALUE_ROLE), int(CONFLICT_ROLE)}
_READ_FLAGS = Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsEnabled
_EDIT_FLAGS = _READ_FLAGS | Qt.ItemFlag.ItemIsEditable
_ALIGN_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_ALIGN_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_ALIGN_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def _font(bold: bool = False, italic: bool = False) -> QFont:
    font = QFont()
    font.setBold(bold)
    font.setItalic(italic)
    return font


@dataclass
class _Row:
    indicator: Indicator
    baseline: bool = False
    figure: Figure | None = None
    assessment: Assessment | None = None
    editable: bool = False
    conflict: Conflict | None = None


class FiguresTableModel(QAbstractTableModel):
    """One row per indicator of a unit (plus a row for a baseline "hiện nay" figure where the plan needs one)."""

    value_refused = Signal(int, int, str, str)  # row, column, what was typed, why (Vietnamese)
    value_saved = Signal(int, int, str)  # row, column, a short confirmation

    def __init__(self, service: StoreService, unit_id: str, period: Period, parent=None):
        super().__init__(parent)
        self.service = service
        self.unit_id = unit_id
        self.period = period
        self._build_rows()
        self._load()
        service.figures_changed.connect(self._on_figures_changed)

    def _build_rows(self) -> None:
        plan = self.service.store.plan
        self._rows: list[_Row] = []
        for indicator in plan.indicators_of(self.unit_id):
            self._rows.append(_Row(indicator))
            if indicator.baseline is not None:
                self._rows.append(_Row(indicator, baseline=True))
        self._codes = {r.indicator.code for r in self._rows}

    # ---- loading ------------------------------------------------------------------------------

    def _load(self) -> None:
        from ..storage.conflict_store import figure_conflict_list  # with the exchange code: loaded on first use

        store = self.service.store
        # Only the two periods the grid shows: every figure of every unit is ~20 times as many rows.
        current = {(f.code, f.period): f for key in (self.period.key, BASELINE) for f in store.figures(period=key)}
        # Rare, and a conflict whose current side is a removal has no current figure: list them apart.
        conflicts = {c.key: c for c in figure_conflict_list(store) if c.key[0] in self._codes}
        assessments = {a.code: a for a in store.assess(self.period, self.unit_id)} if self._rows else {}
        for row in self._rows:
            key = BASELINE if row.baseline else self.period.key
            row.figure = current.get((row.indicator.code, key))
            row.conflict = conflicts.get((row.indicator.code, key))
            row.assessment = None if row.baseline else assessments.get(row.indicator.code)
            row.editable = store.can_edit(row.indicator)

    def set_period(self, period: Period) -> None:
        if period == self.period:
            return
        self.period = period
        self.refresh()

    def refresh(self) -> None:
        self._load()
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, COLUMN_COUNT - 1))

    def _on_figures_changed(self, change) -> None:
        if change.kind is ChangeKind.PLAN:  # a new plan version: targets (and rows) as now in force
            self.beginResetModel()
            self._build_rows()
            self._load()
            self.endResetModel()
            return
        if change.kind is ChangeKind.FIGURES and change.figures:
            codes = {code for code, _ in change.figures} & self._codes
            if codes:
                self._reload_codes(codes)
            return
        self.refresh()

    def _reload_codes(self, codes: set[str]) -> None:
        """Re-read only the rows of the indicators a write changed (an Enter in the grid changes one).

        A verdict depends only on its own indicator's figures and baseline, so the other rows stay as they are."""
        from ..storage.conflict_store import figure_conflict_list

        store = self.service.store
        conflicts = {c.key: c for c in figure_conflict_list(store) if c.key[0] in codes}
        changed = []
        for code in codes:
            readings = store.readings(code).get(code, {})
            baseline = store.baselines(code).get(code)
            current = {f.period: f for f in store.figures(code)}
            for number, row in enumerate(self._rows):
                if row.indicator.code != code:
                    continue
                key = BASELINE if row.baseline else self.period.key
                row.figure = current.get(key)
                row.conflict = conflicts.get((code, key))
                row.assessment = (
                    None if row.baseline else evaluate_period(row.indicator, self.period, readings, baseline)
                )
                changed.append(number)
        for number in changed:
            self.dataChanged.emit(self.index(number, 0), self.index(number, COLUMN_COUNT - 1))

    # ---- shape --------------------------------------------------------------------------------

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008 - Qt API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else COLUMN_COUNT

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < COLUMN_COUNT:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return [
                "STT",
                "Chỉ tiêu",
                "ĐVT",
                f"Kế hoạch {self.period.year}",
                "Thực hiện",
                "Ước/Chính thức",
                "% KH năm",
                "Đánh giá",
                "Ghi chú",
            ][section]
        if role == Qt.ItemDataRole.ToolTipRole:
            return {
                COL_ACTUAL: f"Số thực hiện của kỳ {self.period.label}: gõ số rồi Enter để lưu ngay",
                COL_PERCENT: "Phần trăm so với kế hoạch",
            }.get(section)
        return None

    def indicator_at(self, row: int) -> Indicator | None:
        return self._rows[row].indicator if 0 <= row < len(self._rows) else None

    def is_baseline_row(self, row: int) -> bool:
        return 0 <= row < len(self._rows) and self._rows[row].baseline

    def period_key(self, row: int) -> str:
        return BASELINE if self._rows[row].baseline else self.period.key

    def flags(self, index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _EDIT_FLAGS if self._is_editable(index.row(), index.column()) else _READ_FLAGS

    def _is_editable(self, row_number: int, column: int) -> bool:
        row = self._rows[row_number]
        if not row.editable or column not in EDITABLE_COLUMNS:
            return False
        if row.baseline:
            return column == COL_ACTUAL
        if column == COL_ACTUAL:
            return True
        return row.figure is not None  # a kind or a note belongs to a figure

    # ---- reading cells ------------------------------------------------------------------------

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role not in _HANDLED_ROLES or not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.BackgroundRole:
            return self._background(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._foreground(row, column)
        if role == Qt.ItemDataRole.FontRole:
            return self._cell_font(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (COL_TARGET, COL_ACTUAL, COL_PERCENT):
                return _ALIGN_RIGHT
            return _ALIGN_CENTER if column in (COL_STT, COL_MEASURE, COL_KIND) else _ALIGN_LEFT
        return self._own_role(row, role)

    def _background(self, row: _Row, column: int):
        if column == COL_ACTUAL and row.conflict is not None:
            return CONFLICT_BACKGROUND
        if column == COL_ACTUAL and row.assessment is not None and row.assessment.disagreement:
            return DISAGREEMENT_BACKGROUND
        if column == COL_VERDICT and row.assessment is not None:
            return BACKGROUNDS[row.assessment.verdict]
        return None if row.editable else READ_ONLY_BACKGROUND

    def _foreground(self, row: _Row, column: int):
        if column == COL_ACTUAL and row.conflict is not None:
            return CONFLICT_FOREGROUND
        if column == COL_VERDICT and row.assessment is not None:
            return FOREGROUNDS[row.assessment.verdict]
        if (column == COL_ACTUAL and row.figure is None) or (column == COL_NOTE and self._invites_note(row)):
            return HINT_COLOUR
        return None

    def _cell_font(self, row: _Row, column: int):
        if column == COL_ACTUAL and row.conflict is not None:
            return _font(bold=True)
        if column == COL_VERDICT and row.assessment is not None and row.assessment.verdict != NO_DATA:
            return _font(bold=True)
        if (column == COL_ACTUAL and row.figure is None and self._derived(row)) or (
            column == COL_NOTE and self._invites_note(row)
        ):
            return _font(italic=True)
        if column == COL_STT and row.indicator.stt and not row.baseline:
            return _font(bold="." not in row.indicator.stt)
        return None

    def _own_role(self, row: _Row, role: int):
        """The roles the views and tests read (code, period, verdict, words, raw value, conflict)."""
        if role == CODE_ROLE:
            return row.indicator.code
        if role == PERIOD_ROLE:
            return BASELINE if row.baseline else self.period.key
        if role == VERDICT_ROLE:
            return row.assessment.verdict if row.assessment else None
        if role == WORDS_ROLE:
            if row.baseline or not expects_words(row.indicator, self.period.year):
                return None
            return list(row.indicator.allowed_words)
        if role == RAW_VALUE_ROLE:
            return row.figure.value if row.figure else None
        if role == CONFLICT_ROLE:
            return row.conflict
        return None

    def conflict_at(self, row: int) -> Conflict | None:
        return self._rows[row].conflict if 0 <= row < len(self._rows) else None

    def _derived(self, row: _Row) -> bool:
        return row.assessment is not None and row.assessment.derived and row.assessment.actual is not None

    def _invites_note(self, row: _Row) -> bool:
        return (
            not row.baseline
            and row.figure is not None
            and not row.figure.note
            and row.assessment is not None
            and row.assessment.verdict == NOT_MET
        )

    def _display(self, row: _Row, column: int):
        text = self._plain_display(row, column)
        if column == COL_ACTUAL and row.conflict is not None:
            shown = text or "(đã xóa)"
            return f"{shown}  {CONFLICT_WORD}"
        if column == COL_ACTUAL and row.assessment is not None and row.assessment.disagreement:
            return f"{text}  {DISAGREEMENT_WORD}"
        return text

    def _plain_display(self, row: _Row, column: int):
        indicator, a, figure = row.indicator, row.assessment, row.figure
        if row.baseline:
            return {
                COL_NAME: "    ↳ " + indicator.baseline.label,
                COL_MEASURE: indicator.baseline.measure,
                COL_ACTUAL: format_value(figure.value) if figure else "",
                COL_KIND: "Số gốc" if figure else "",
            }.get(column, "")
        if column == COL_STT:
            return indicator.stt
        if column == COL_NAME:
            return indicator.name if indicator.stt else "    " + indicator.name
        if column == COL_MEASURE:
            return indicator.measure
        if column == COL_TARGET:
            target = indicator.target(self.period.year)
            text = format_target(target) if target else "(không đặt)"
            if a is not None and a.judged_against is not None:
                text += f" (kỳ này {format_target(a.judged_against)})"
            return text
        if column == COL_ACTUAL:
            if figure is not None:
                if a is not None and a.ratio is not None and not a.derived:
                    return f"{format_value(figure.value)} ({format_number(a.ratio)} lần)"
                if a is not None and a.derived and a.actual is not None:
                    # An official figure of the same date outranks this one (issue 12: no clock decides).
                    return f"{format_value(figure.value)} → dùng {format_value(a.actual)}"
                return format_value(figure.value)
            if self._derived(row):
                return f"{format_value(a.actual)} (tính)"
            return ""
        if column == COL_KIND:
            if figure is not None:
                return "Ước" if figure.estimate else "Chính thức"
            return ""
        if column == COL_PERCENT:
            if a is None or a.percent is None:
                return ""
            return format_percent(a.percent) + ("*" if a.partial else "")
        if column == COL_VERDICT:
            return verdict_text(a.verdict) if a is not None else ""
        if column == COL_NOTE:
            if figure is not None and figure.note:
                return figure.note
            if self._invites_note(row):
                return "Chưa đạt: ghi giải trình (nguyên nhân, giải pháp)…"
            return ""
        return None

    def _edit_text(self, row: _Row, column: int) -> str:
        figure = row.figure
        if column == COL_ACTUAL:
            return format_value(figure.value) if figure else ""
        if column == COL_KIND:
            return ("Ước" if figure.estimate else "Chính thức") if figure else ""
        if column == COL_NOTE:
            return figure.note if figure else ""
        return self._plain_display(row, column) or ""

    def _tooltip(self, row: _Row, column: int):
        parts = []
        if row.conflict is not None and column in (COL_ACTUAL, COL_KIND, COL_NOTE, COL_NAME):
            parts.append(self._conflict_tooltip(row.conflict))
        if not row.editable:
            owners = ", ".join(self.service.store.plan.owner_names(row.indicator))
            parts.append(f"Chỉ xem: chỉ tiêu này do {owners} nhập.")
        if column == COL_NAME:
            parts.append(f"Mã chỉ tiêu: {row.indicator.code}")
            parts.extend(row.indicator.notes)
        if column in (COL_ACTUAL, COL_PERCENT, COL_VERDICT) and row.assessment is not None:
            if row.assessment.reason:
                parts.append(row.assessment.reason)
            if row.assessment.disagreement:
                parts.append(row.assessment.disagreement)
                parts.append(
                    "Quy tắc: chỉ tiêu cộng dồn lấy số nhập cho cả kỳ dài hơn; chỉ tiêu thời điểm lấy số chính "
                    "thức trước số ước, rồi kỳ dài hơn."
                )
            if row.assessment.derived and row.figure is None and row.assessment.actual is not None:
                parts.append("Số tính từ các kỳ đã nhập; gõ số để nhập số của cả kỳ.")
        if column in (COL_ACTUAL, COL_NOTE, COL_KIND) and row.figure is not None and row.conflict is None:
            parts.append(
                "Nhập bởi {who} lúc {when}".format(
                    who=row.figure.entered_by or "(không ghi tên)", when=format_timestamp(row.figure.entered_at)
                )
            )
        if column == COL_NOTE and row.figure is None and row.editable and not row.baseline:
            parts.append("Nhập số thực hiện trước, rồi ghi chú.")
        return "\n".join(parts) or None

    def _conflict_tooltip(self, conflict: Conflict) -> str:
        lines = ["⚠ Xung đột: hai máy ghi hai số khác nhau cho ô này; đang tạm dùng số thứ nhất."]
        for label, side in (("Đang dùng", conflict.current), ("Máy khác gửi", conflict.other)):
            lines.append(
                "{label}: {value} — {who}, {when}, {pc}".format(
                    label=label,
                    value=side.value,
                    who=side.entered_by or "(không ghi tên)",
                    when=format_timestamp(side.entered_at),
                    pc=side.pc_label,
                )
            )
        if conflict.can_settle:
            lines.append("Nhấn chuột phải → “Xử lý xung đột…” để chọn số giữ lại.")
        else:
            lines.append(conflict.why_not)
        return "\n".join(lines)

    # ---- writing cells ------------------------------------------------------------------------

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        r, column = index.row(), index.column()
        if not self._is_editable(r, column):
            return False
        row = self._rows[r]
        code, period = row.indicator.code, self.period_key(r)
        text = "" if value is None else str(value).strip()
        figure = row.figure
        try:
            if column == COL_ACTUAL:
                if not text:
                    if figure is None:
                        return True
                    self.service.clear(code, period)
                    message = "Đã xóa số liệu {code} ({period}); lịch sử vẫn giữ số cũ."
                else:
                    if figure is not None and format_value(figure.value) == text:
                        return True
                    estimate = figure.estimate if figure else False
                    note = figure.note if figure else ""
                    self.service.record(code, period, text, estimate=estimate, note=note)
                    message = "Đã lưu {code} ({period})."
            elif column == COL_KIND:
                estimate = _is_estimate_word(text, "Ước")
                if estimate is None:
                    raise ValueRefused("Chọn “Ước” hoặc “Chính thức”.")
                if estimate == figure.estimate:
                    return True
                self.service.record(code, period, figure.value, estimate=estimate, note=figure.note)
                message = "Đã đổi {code} ({period}) thành số " + ("ước." if estimate else "chính thức.")
            else:
                if text == figure.note:
                    return True
                self.service.record(code, period, figure.value, estimate=figure.estimate, note=text)
                message = "Đã lưu ghi chú {code} ({period})."
        except UserError as exc:
            self.value_refused.emit(r, column, text, str(exc))
            return False
        label = "số gốc" if period == BASELINE else self.period.label
        self.value_saved.emit(r, column, message.format(code=code, period=label))
        return True


def _is_estimate_word(text: str, estimate_word: str) -> bool | None:
    folded = text.casefold()
    if folded in (estimate_word.casefold(), "ước", "uoc", "ước thực hiện", "1", "true"):
        return True
    if folded in ("chính thức", "chinh thuc", "0", "false", ""):
        return False
    return None
