"""PCs and their approval: "Máy đã đăng ký" (every PC whose files reached this PC) and the approval of a new PC,
where a person compares the fingerprint the file carries with the one the sending PC shows (read by phone).

The dialogs show and ask; the work (approving, then receiving the PC's held files) is done by the caller.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..storage.store import ALL_UNITS, Store
from ..storage.trust_store import STATUS_LABELS, list_pcs
from .screen_fit import fit_dialog


def read_aloud(unit_name: str, fingerprint: str) -> str:
    """The sentence the person at Văn phòng says on the phone."""
    return (
        f"Gọi điện cho {unit_name}, đề nghị người nhập số liệu mở menu Trợ giúp → “Mã máy này” trên máy của họ và "
        f"đọc mã. Mã phải đúng là: {fingerprint}. Chỉ xác nhận khi hai mã trùng nhau từng chữ số."
    )


class ApprovalDialog(QDialog):
    """Approve a PC waiting for approval: the unit it claims, its fingerprint, the file, what to say on the phone."""

    def __init__(self, store: Store, pc: dict, files: list[str], parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Xác nhận máy mới")
        self.pc = pc
        layout = QVBoxLayout(self)
        fingerprint = pc["fingerprint"] or "(tệp của phiên bản cũ, không có mã)"
        form = QFormLayout()
        form.addRow("Đơn vị tệp ghi:", QLabel(f"<b>{pc['unit_name']}</b>"))
        code = QLabel(f"<span style='font-size:18pt; font-weight:bold'>{fingerprint}</span>")
        code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow("Mã máy:", code)
        form.addRow("Tệp đang chờ:", QLabel("\n".join(files) or pc["last_file"]))
        self.unit_box = QComboBox()
        for unit in store.plan.units:
            self.unit_box.addItem(unit.name, unit.id)
        self.unit_box.addItem("Mọi đơn vị (máy tổng hợp của Văn phòng)", ALL_UNITS)
        self.unit_box.setCurrentIndex(max(self.unit_box.findData(pc["unit"]), 0))
        form.addRow("Xác nhận cho đơn vị:", self.unit_box)
        layout.addLayout(form)
        say = QLabel(
            read_aloud(pc["unit_name"], fingerprint)
            if pc["fingerprint"]
            else "Tệp này do phiên bản cũ của chương trình ghi, không có chữ ký: hãy gọi điện hỏi đơn vị đã gửi "
            "đúng tệp này chưa (tên tệp, ngày gửi) rồi mới xác nhận."
        )
        say.setWordWrap(True)
        layout.addWidget(say)
        warning = QLabel(
            "Sau khi xác nhận, máy này chỉ được gửi số liệu của đơn vị đã chọn; tệp ghi đơn vị khác sẽ bị từ chối."
        )
        warning.setWordWrap(True)
        warning.setStyleSheet("color: #4b5563;")
        layout.addWidget(warning)
        buttons = QDialogButtonBox()
        self.approve_button = buttons.addButton("&Xác nhận máy này", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton("&Chưa xác nhận", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        fit_dialog(self, 620, 360)

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt API
        # Approving is a decision, never the Enter key's (the button box would make "Xác nhận" its default).
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.reject()
            return
        super().keyPressEvent(event)

    def chosen_unit(self) -> str:
        return self.unit_box.currentData()


class PcsDialog(QDialog):
    """Every PC whose files reached this one: unit, fingerprint, status, last file; approve or revoke."""

    COLUMNS = ("Đơn vị", "Mã máy", "Trạng thái", "Lần đầu", "Tệp gần nhất", "Mã đầy đủ")

    def __init__(self, store: Store, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Máy đã đăng ký")
        layout = QVBoxLayout(self)
        mine = QLabel(f"Mã máy này: <b>{store.identity.fingerprint}</b>")
        layout.addWidget(mine)
        self.table = QTableWidget(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels(list(self.COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(self.COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)
        buttons = QDialogButtonBox()
        self.approve_button = buttons.addButton("&Xác nhận…", QDialogButtonBox.ButtonRole.ActionRole)
        self.revoke_button = buttons.addButton("&Thu hồi", QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton("Đóng", QDialogButtonBox.ButtonRole.RejectRole)
        close.clicked.connect(self.reject)
        layout.addWidget(buttons)
        self.load(store)
        fit_dialog(self, 900, 380)

    def load(self, store: Store) -> None:
        self.rows = list_pcs(store)
        self.table.setRowCount(len(self.rows))
        for index, pc in enumerate(self.rows):
            cells = (
                pc["unit_name"],
                pc["fingerprint"] or "(chưa ký)",
                STATUS_LABELS[pc["status"]],
                pc["first_seen"][:16].replace("T", " "),
                pc["last_file"],
                pc["pc_id"],
            )
            for column, text in enumerate(cells):
                self.table.setItem(index, column, QTableWidgetItem(text))
        if self.rows:
            self.table.selectRow(0)

    def selected(self) -> dict | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None
