"""Adjusting one target by a resolution of the People's Council: the row, the year, the new target as an annex
writes it, the resolution's number and date; the change is shown in words before it can be written.

Plain values in (the plan in force), plain values out (a change, the resolution, its date). Writes nothing.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
)

from ..domain.adjustments import adjustment_label, check_decision, describe_change
from ..domain.annex import AnnexError, read_target
from ..domain.evaluation import format_target
from ..domain.plan import Plan, PlanError

WHOLE_PERIOD = "period"


class PlanAdjustDialog(QDialog):
    def __init__(self, plan: Plan, code: str | None = None, today: date | None = None, parent=None):
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle("Điều chỉnh kế hoạch theo Nghị quyết")
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Ghi chỉ tiêu mới theo Nghị quyết của HĐND xã. Mỗi lần điều chỉnh là một bản mới của kế hoạch, "
            "gửi tới các đơn vị qua tệp trao đổi của Văn phòng. Chỉ tiêu của năm đã qua giữ nguyên."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.indicator_box = QComboBox()
        for indicator in plan.indicators:
            self.indicator_box.addItem(f"{indicator.code}. {indicator.name}", indicator.code)
        if code is not None:
            self.indicator_box.setCurrentIndex(max(self.indicator_box.findData(code), 0))
        form.addRow("Chỉ tiêu:", self.indicator_box)
        self.year_box = QComboBox()
        for y in plan.years:
            self.year_box.addItem(f"Năm {y}", y)
        self.year_box.addItem(f"Cả giai đoạn {plan.first_year}–{plan.last_year}", WHOLE_PERIOD)
        form.addRow("Năm:", self.year_box)
        self.current = QLabel()
        form.addRow("Chỉ tiêu đang áp dụng:", self.current)
        self.target_edit = QLineEdit()
        self.target_edit.setPlaceholderText("viết như trong phụ lục: ≥14, 15 - 17, Tổng 1.100, Đạt")
        form.addRow("Chỉ tiêu mới:", self.target_edit)
        self.decision_edit = QLineEdit()
        self.decision_edit.setPlaceholderText("số Nghị quyết, ví dụ 15/NQ-HĐND")
        form.addRow("Nghị quyết số:", self.decision_edit)
        today = today or date.today()
        self.date_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.date_edit.setDisplayFormat("dd/MM/yyyy")
        self.date_edit.setCalendarPopup(True)
        form.addRow("Ngày:", self.date_edit)
        layout.addLayout(form)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        layout.addWidget(self.preview)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Ghi bản điều chỉnh")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        for signal in (
            self.indicator_box.currentIndexChanged,
            self.year_box.currentIndexChanged,
            self.target_edit.textChanged,
            self.decision_edit.textChanged,
            self.date_edit.dateChanged,
        ):
            signal.connect(self._update)
        self._result: tuple[list[dict], str, str] | None = None
        self._update()

    def _year(self) -> tuple[int, bool]:
        data = self.year_box.currentData()
        return (self.plan.last_year, True) if data == WHOLE_PERIOD else (int(data), False)

    def _update(self) -> None:
        indicator = self.plan.indicator(self.indicator_box.currentData())
        year, whole = self._year()
        self.current.setText(format_target(indicator.target(year)) or "(không có)")
        self._result = None
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        try:
            typed = self.target_edit.text().strip()
            if not typed:
                raise PlanError("Ghi chỉ tiêu mới.")
            target = read_target(
                typed, measure=indicator.measure, direction=indicator.direction, first_year=self.plan.first_year
            )
            if target is not None and target["op"] == "total" and not whole:
                target["from_year"] = year
            number, day = check_decision(self.decision_edit.text(), self.date_edit.date().toString("yyyy-MM-dd"))
            if year < int(day[:4]):
                raise PlanError(f"Năm {year} đã qua khi có Nghị quyết: chỉ tiêu của năm đã qua giữ nguyên.")
            change = {"kind": "target", "code": indicator.code, "year": year, "target": target}
            text = describe_change(self.plan, change)
        except (AnnexError, PlanError) as exc:
            self.preview.setText(str(exc))
            self.preview.setStyleSheet("color: #b91c1c;")
            ok.setEnabled(False)
            return
        self.preview.setText(f"{text}\n{adjustment_label(number, day)}")
        self.preview.setStyleSheet("color: #1f2937;")
        self._result = ([change], number, day)
        ok.setEnabled(True)

    def values(self) -> tuple[list[dict], str, str]:
        """(changes, resolution number, YYYY-MM-DD) once the dialog was accepted."""
        assert self._result is not None
        return self._result
