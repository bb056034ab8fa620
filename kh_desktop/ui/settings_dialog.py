"""Which unit this PC belongs to and who is entering: asked at first start, changeable in Settings.

Built in code; takes plain values and hands plain values back. It never writes to the database.
"""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout

from ..domain.plan import Unit
from .screen_fit import fit_dialog


class SettingsDialog(QDialog):
    def __init__(self, units: list[Unit], unit_id: str | None, person: str, *, first_start: bool = False, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Bắt đầu sử dụng") if first_start else self.tr("Cài đặt"))
        layout = QVBoxLayout(self)
        if first_start:
            intro = QLabel(
                self.tr(
                    "Chào mừng đến với chương trình theo dõi Kế hoạch 2026–2030.\n"
                    "Hãy cho biết máy này của đơn vị nào và ai nhập số liệu. Có thể đổi sau trong menu Tệp → Cài đặt."
                )
            )
            intro.setWordWrap(True)
            layout.addWidget(intro)
        form = QFormLayout()
        self.unit_box = QComboBox()
        for unit in units:
            self.unit_box.addItem(unit.name, unit.id)
        self.unit_box.addItem(self.tr("Tất cả đơn vị trên máy này"), None)
        position = self.unit_box.findData(unit_id) if unit_id else self.unit_box.count() - 1
        self.unit_box.setCurrentIndex(max(position, 0))
        form.addRow(self.tr("Máy này của đơn vị:"), self.unit_box)
        self.person_edit = QLineEdit(person)
        self.person_edit.setPlaceholderText(self.tr("Họ và tên người nhập số liệu"))
        form.addRow(self.tr("Người nhập số liệu:"), self.person_edit)
        layout.addLayout(form)
        note = QLabel(
            self.tr(
                "Máy của một đơn vị chỉ nhập được các chỉ tiêu của đơn vị đó; chỉ tiêu của đơn vị khác chỉ xem. "
                "Chọn “Tất cả đơn vị trên máy này” nếu cả xã dùng chung một máy."
            )
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #4b5563;")
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            self.tr("Bắt đầu") if first_start else self.tr("Lưu")
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Hủy"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_dialog(self, 520, self.sizeHint().height())

    def values(self) -> tuple[str | None, str]:
        """(unit id or None for all units, person's name)."""
        return self.unit_box.currentData(), self.person_edit.text().strip()
