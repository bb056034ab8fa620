"""Another commune's annex, read from Excel, shown for review before anything is written.

The table holds each row as it will be tracked (targets per year, owners, how it adds up, which way is
better); a choice the annex did not state is marked for a person to confirm, with the reason in its tooltip;
cells that could not be read are listed under it (their rows are left out). Plain values in, yes or no out.
"""

from __future__ import annotations

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from ..domain.annex import AGGREGATION_WORDS, DIRECTION_WORDS
from ..domain.evaluation import format_target
from ..domain.plan import parse_plan

_CONFIRM = QBrush(QColor("#fff3c4"))


class AnnexReviewDialog(QDialog):
    def __init__(self, result: dict, parent=None):
        """`result` is what import_annex gives as JSON: {plan, problems, confirm}."""
        super().__init__(parent)
        self.plan_raw = result["plan"]
        plan = parse_plan(self.plan_raw)
        self.setWindowTitle("Xem lại kế hoạch đọc từ Excel")
        self.resize(1100, 640)
        layout = QVBoxLayout(self)
        where = plan.text("commune_full") or plan.commune or "(không rõ tên xã/phường)"
        head = QLabel(
            f"Kế hoạch của {where}, {plan.first_year}–{plan.last_year}: {len(plan.indicators)} chỉ tiêu, {len(plan.units)} đơn vị. Chưa ghi gì cho tới khi bấm “Dùng kế hoạch này”."
        )
        head.setWordWrap(True)
        layout.addWidget(head)
        confirm = {(c["code"], c["field"]): c["reason"] for c in result.get("confirm", [])}
        heads = [
            "Mã",
            "Chỉ tiêu",
            "ĐVT",
            *[str(y) for y in plan.years],
            "Đơn vị chủ trì",
            "Cách tính",
            "Chiều đánh giá",
        ]
        self.table = QTableWidget(len(plan.indicators), len(heads))
        self.table.setHorizontalHeaderLabels(heads)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        for r, indicator in enumerate(plan.indicators):
            cells = [indicator.code, indicator.name, indicator.measure]
            cells += [format_target(indicator.target(y)) for y in plan.years]
            cells += ["; ".join(plan.owner_names(indicator))]
            for c, text in enumerate(cells):
                self.table.setItem(r, c, QTableWidgetItem(text))
            for c, (field, words, value) in enumerate(
                (
                    ("aggregation", AGGREGATION_WORDS, indicator.aggregation),
                    ("direction", DIRECTION_WORDS, indicator.direction),
                ),
                len(cells),
            ):
                item = QTableWidgetItem(words.get(value, value))
                reason = confirm.get((indicator.code, field))
                if reason:
                    item.setBackground(_CONFIRM)
                    item.setToolTip(f"Phụ lục không ghi; cần xác nhận: {reason}")
                self.table.setItem(r, c, item)
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(1, 280)
        layout.addWidget(self.table, 1)
        if confirm:
            note = QLabel(
                "Ô nền vàng: phụ lục không ghi cách tính hoặc chiều đánh giá, chương trình chọn như trên (rê chuột "
                "để xem lý do). Nếu không đúng, ghi cột “Cách tính”/“Chiều đánh giá” trong tệp Excel rồi đọc lại."
            )
            note.setWordWrap(True)
            layout.addWidget(note)
        problems = result.get("problems", [])
        self.problems = QListWidget()
        for p in problems:
            self.problems.addItem(f"{p['cell']}: “{p['text']}”: {p['reason']}")
        label = (
            f"Ô không đọc được ({len(problems)}), dòng của ô không đưa vào kế hoạch:"
            if problems
            else "Mọi ô đều đọc được."
        )
        layout.addWidget(QLabel(label))
        if problems:
            self.problems.setMaximumHeight(120)
            layout.addWidget(self.problems)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Dùng kế hoạch này")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Hủy")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
