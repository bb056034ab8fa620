"""Which unit this PC belongs to and who is entering: asked at first start, changeable in Settings.

Built in code; takes plain values and hands plain values back. It never writes to the database.
"""

from __future__ import annotations

import json

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from ..domain.plan import Unit, parse_plan
from .screen_fit import fit_dialog


class SettingsDialog(QDialog):
    def __init__(self, units: list[Unit], unit_id: str | None, person: str, *, first_start: bool = False, parent=None):
        super().__init__(parent)
        self.plan_text: str | None = None  # another commune's plan chosen at first start; None: the shipped one
        self.first_start, self.previous_unit = first_start, unit_id
        self.setWindowTitle("Bắt đầu sử dụng" if first_start else "Cài đặt")
        layout = QVBoxLayout(self)
        if first_start:
            intro = QLabel(
                "Chào mừng đến với chương trình theo dõi Kế hoạch 2026–2030.\n"
                "Hãy cho biết máy này của đơn vị nào và ai nhập số liệu. Có thể đổi sau trong menu Tệp → Cài đặt."
            )
            intro.setWordWrap(True)
            layout.addWidget(intro)
        form = QFormLayout()
        if first_start:
            self.plan_label = QLabel("Kế hoạch có sẵn trong chương trình")
            other = QPushButton("Dùng kế hoạch của xã/phường khác…")
            other.clicked.connect(self._choose_annex)
            form.addRow("Kế hoạch:", self.plan_label)
            form.addRow("", other)
        self.unit_box = QComboBox()
        self._fill_units(units, unit_id)
        form.addRow("Máy này của đơn vị:", self.unit_box)
        self.person_edit = QLineEdit(person)
        self.person_edit.setPlaceholderText("Họ và tên người nhập số liệu")
        form.addRow("Người nhập số liệu:", self.person_edit)
        layout.addLayout(form)
        note = QLabel(
            "Máy của một đơn vị chỉ nhập được các chỉ tiêu của đơn vị đó; chỉ tiêu của đơn vị khác chỉ xem. "
            "Chọn “Tất cả đơn vị trên máy này” nếu cả xã dùng chung một máy."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #4b5563;")
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Bắt đầu" if first_start else "Lưu")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.unit_box.currentIndexChanged.connect(self._allow_ok)
        self._allow_ok()
        fit_dialog(self, 520, self.sizeHint().height())

    def _allow_ok(self) -> None:
        self.ok_button.setEnabled(self.unit_box.currentData() != "")

    def accept(self) -> None:
        if not self.first_start and self.previous_unit is not None and self.unit_box.currentData() is None:
            if not self.confirm_all_units():
                return
        super().accept()

    def confirm_all_units(self) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Chuyển máy sang tất cả đơn vị",
            (
                "Máy này đang là máy của một đơn vị. Chuyển sang “Tất cả đơn vị” cho phép nhập số liệu của mọi đơn vị "
                "trên máy này, nhưng Văn phòng vẫn chỉ nhận từ máy này số liệu của đơn vị mà Văn phòng đã xác nhận "
                "cho nó: số liệu của đơn vị khác nhập ở đây sẽ bị từ chối khi gửi về. Chỉ máy tổng hợp của Văn phòng "
                "mới nên dùng “Tất cả đơn vị”. Vẫn chuyển?"
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            self,
        )
        box.button(QMessageBox.StandardButton.Yes).setText("Vẫn chuyển")
        box.button(QMessageBox.StandardButton.No).setText("Không")
        box.setDefaultButton(QMessageBox.StandardButton.No)
        self.confirm_box = box
        return box.exec() == QMessageBox.StandardButton.Yes

    def _fill_units(self, units: list[Unit], unit_id: str | None) -> None:
        self.unit_box.clear()
        if self.first_start:  # no default: a wrong guess would send the wrong unit's rights to Văn phòng
            self.unit_box.addItem("— Chọn đơn vị —", "")
        for unit in units:
            self.unit_box.addItem(unit.name, unit.id)
        self.unit_box.addItem("Tất cả đơn vị trên máy này (máy tổng hợp của Văn phòng)", None)
        position = (
            0 if self.first_start else (self.unit_box.findData(unit_id) if unit_id else self.unit_box.count() - 1)
        )
        self.unit_box.setCurrentIndex(max(position, 0))

    def _choose_annex(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Chọn phụ lục chỉ tiêu (Excel)", "", "Tệp Excel (*.xlsx)")
        if path:
            self.review_annex(path)

    def review_annex(self, path, review=None) -> bool:
        """Read the annex, show it for review; on yes, this PC will be made for that plan. Nothing is written.

        `review` (tests) decides in place of a person: it gets the review dialog and returns True or False.
        """
        from ..excel.annex_import import import_annex  # openpyxl: loaded only when an annex is chosen
        from ..excel.common import ExcelError
        from .annex_review_dialog import AnnexReviewDialog

        try:
            result = import_annex(path)
        except ExcelError as exc:
            QMessageBox.warning(self, "Không đọc được phụ lục", str(exc))
            return False
        if not result.plan["indicators"]:
            QMessageBox.warning(self, "Không đọc được phụ lục", "Không đọc được chỉ tiêu nào từ tệp này.")
            return False
        dialog = AnnexReviewDialog(result.to_json(), self)
        if not (review(dialog) if review else dialog.exec()):
            return False
        self.use_plan(result.plan)
        return True

    def use_plan(self, raw: dict) -> None:
        plan = parse_plan(raw)
        self.plan_text = json.dumps(raw, ensure_ascii=False, indent=1) + "\n"
        self.plan_label.setText(
            "{where}, {first}–{last} ({n} chỉ tiêu)".format(
                where=plan.text("commune_full") or plan.commune,
                first=plan.first_year,
                last=plan.last_year,
                n=len(plan.indicators),
            )
        )
        self._fill_units(plan.units, None)

    def values(self) -> tuple[str | None, str]:
        """(unit id or None for all units, person's name)."""
        return self.unit_box.currentData(), self.person_edit.text().strip()
