"""Add or edit one task: the six "rõ" plus status, progress and notes. Takes plain values, hands plain values
back (`values()`); it never writes to the database — the tasks panel does, through the store."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..domain.plan import Plan
from ..tasks.model import NOT_STARTED, RECURRENCE_LABELS, STATUS_LABELS, STORED_STATUSES, Task
from .screen_fit import fit_dialog


class TaskDialog(QDialog):
    """`task` None: a new task of `unit_id`. `units_editable`: whether the lead unit may be changed (Văn phòng)."""

    def __init__(
        self, plan: Plan, unit_id: str, task: Task | None = None, *, units_editable: bool = False, parent=None
    ):
        super().__init__(parent)
        self.plan = plan
        self.setWindowTitle("Sửa nhiệm vụ" if task else "Thêm nhiệm vụ")
        task = task or Task(id="", unit=unit_id, title="", status=NOT_STARTED)

        layout = QVBoxLayout(self)
        intro = QLabel(
            "Nguyên tắc “06 rõ”: rõ người, rõ việc, rõ trách nhiệm, rõ thời gian, rõ sản phẩm, rõ thẩm quyền. "
            "Ô nền vàng là phần còn thiếu."
        )
        intro.setWordWrap(True)
        intro.setStyleSheet("color: #374151;")
        layout.addWidget(intro)
        if task.source:
            source = QLabel(f"Nhiệm vụ theo Kế hoạch, mục {task.source}.")
            source.setStyleSheet("color: #4b5563;")
            layout.addWidget(source)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.title_edit = QPlainTextEdit(task.title)
        self.title_edit.setTabChangesFocus(True)
        self.title_edit.setFixedHeight(84)
        form.addRow("Rõ việc – nhiệm vụ:", self.title_edit)

        self.unit_combo = QComboBox()
        for unit in plan.units:
            self.unit_combo.addItem(unit.name, unit.id)
        self.unit_combo.setCurrentIndex(max(self.unit_combo.findData(task.unit), 0))
        self.unit_combo.setEnabled(units_editable)
        form.addRow("Rõ trách nhiệm – đơn vị chủ trì:", self.unit_combo)

        self.person_edit = QLineEdit(task.person)
        self.person_edit.setPlaceholderText("Họ tên, chức vụ người phụ trách")
        form.addRow("Rõ người – người phụ trách:", self.person_edit)

        self.cooperating_list = QListWidget()
        self.cooperating_list.setFixedHeight(96)
        for unit in plan.units:
            item = QListWidgetItem(unit.name)
            item.setData(Qt.ItemDataRole.UserRole, unit.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if unit.id in task.cooperating else Qt.CheckState.Unchecked)
            self.cooperating_list.addItem(item)
        form.addRow("Đơn vị phối hợp:", self.cooperating_list)

        due_row = QWidget()
        due_layout = QHBoxLayout(due_row)
        due_layout.setContentsMargins(0, 0, 0, 0)
        self.has_due = QCheckBox("Có thời hạn:")
        self.due_edit = QDateEdit()
        self.due_edit.setCalendarPopup(True)
        self.due_edit.setDisplayFormat("dd/MM/yyyy")
        start = task.due or date(plan.first_year, 12, 31)
        self.due_edit.setDate(QDate(start.year, start.month, start.day))
        self.has_due.setChecked(task.due is not None)
        self.due_edit.setEnabled(task.due is not None)
        self.has_due.toggled.connect(self.due_edit.setEnabled)
        self.has_due.toggled.connect(self._mark_gaps)
        self.recurrence_combo = QComboBox()
        self.recurrence_combo.addItem("không lặp lại", None)
        for code, label in RECURRENCE_LABELS.items():
            self.recurrence_combo.addItem(label, code)
        self.recurrence_combo.setCurrentIndex(max(self.recurrence_combo.findData(task.recurrence), 0))
        self.recurrence_combo.currentIndexChanged.connect(self._mark_gaps)
        due_layout.addWidget(self.has_due)
        due_layout.addWidget(self.due_edit)
        due_layout.addWidget(QLabel("lặp lại:"))
        due_layout.addWidget(self.recurrence_combo)
        due_layout.addStretch(1)
        form.addRow("Rõ thời gian – thời hạn:", due_row)

        self.deliverable_edit = QLineEdit(task.deliverable)
        self.deliverable_edit.setPlaceholderText("Báo cáo, kế hoạch, công trình… là kết quả đầu ra")
        form.addRow("Rõ sản phẩm:", self.deliverable_edit)
        self.authority_edit = QLineEdit(task.authority)
        self.authority_edit.setPlaceholderText("Cấp phê duyệt, ví dụ: Chủ tịch UBND xã")
        form.addRow("Rõ thẩm quyền:", self.authority_edit)

        status_row = QWidget()
        status_layout = QHBoxLayout(status_row)
        status_layout.setContentsMargins(0, 0, 0, 0)
        self.status_combo = QComboBox()
        for code in STORED_STATUSES:
            self.status_combo.addItem(STATUS_LABELS[code], code)
        self.status_combo.setCurrentIndex(max(self.status_combo.findData(task.status), 0))
        self.progress_spin = QSpinBox()
        self.progress_spin.setRange(0, 100)
        self.progress_spin.setSuffix(" %")
        self.progress_spin.setValue(task.progress)
        status_layout.addWidget(self.status_combo)
        status_layout.addWidget(QLabel("tiến độ:"))
        status_layout.addWidget(self.progress_spin)
        status_layout.addStretch(1)
        form.addRow("Trạng thái:", status_row)

        self.indicators_edit = QLineEdit(", ".join(task.indicators))
        self.indicators_edit.setPlaceholderText("Mã chỉ tiêu, cách nhau dấu phẩy, ví dụ: 2, 4b")
        form.addRow("Chỉ tiêu liên quan:", self.indicators_edit)
        self.notes_edit = QPlainTextEdit(task.notes)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(64)
        form.addRow("Ghi chú:", self.notes_edit)
        # The form scrolls when the screen is short (1366×768 at 150 % leaves ~440 pixels); the buttons stay.
        fields = QWidget()
        fields_layout = QVBoxLayout(fields)
        fields_layout.setContentsMargins(0, 0, 0, 0)
        fields_layout.addLayout(form)
        fields_layout.addStretch(1)  # spare height below the fields, not between them
        scroll = QScrollArea()
        scroll.setWidget(fields)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumHeight(120)
        layout.addWidget(scroll, 1)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setText("Lưu")
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.problem = QLabel()
        self.problem.setStyleSheet("color: #991b1b;")
        self.problem.setWordWrap(True)
        layout.addWidget(self.problem)
        self.person_edit.textChanged.connect(self._mark_gaps)
        self._mark_gaps()
        wanted = fields.sizeHint().height() + self.buttons.sizeHint().height() + intro.sizeHint().height() + 48
        fit_dialog(self, 680, wanted)

    def _mark_gaps(self, *_args) -> None:
        missing = "background: #fde68a;"
        self.person_edit.setStyleSheet("" if self.person_edit.text().strip() else missing)
        no_deadline = not self.has_due.isChecked() and self.recurrence_combo.currentData() is None
        self.has_due.setStyleSheet(missing if no_deadline else "")

    def _on_accept(self) -> None:
        if not self.title_edit.toPlainText().strip():
            self.problem.setText("Hãy ghi nội dung nhiệm vụ.")
            self.title_edit.setFocus()
            return
        self.accept()

    def values(self) -> dict:
        """Plain values, keyed by task field; the caller hands them to the store, which checks them."""
        qdate = self.due_edit.date()
        cooperating = [
            self.cooperating_list.item(n).data(Qt.ItemDataRole.UserRole)
            for n in range(self.cooperating_list.count())
            if self.cooperating_list.item(n).checkState() == Qt.CheckState.Checked
        ]
        return {
            "title": " ".join(self.title_edit.toPlainText().split()),
            "unit": self.unit_combo.currentData(),
            "person": self.person_edit.text().strip(),
            "cooperating": cooperating,
            "due": date(qdate.year(), qdate.month(), qdate.day()) if self.has_due.isChecked() else None,
            "recurrence": self.recurrence_combo.currentData() or "",
            "deliverable": self.deliverable_edit.text().strip(),
            "authority": self.authority_edit.text().strip(),
            "status": self.status_combo.currentData(),
            "progress": self.progress_spin.value(),
            "indicators": self.indicators_edit.text(),
            "notes": self.notes_edit.toPlainText().strip(),
        }
