"""First start: "Dùng kế hoạch của xã/phường khác…" reads an annex and shows it for review before anything is written."""

from __future__ import annotations

from kh_desktop.domain.plan import load_plan
from kh_desktop.storage.store import Store
from kh_desktop.ui.settings_dialog import SettingsDialog
from tests.conftest import PLAN_PATH
from tests.test_plan_import import AN_BIEN_UNITS, an_bien_annex


def test_first_start_review_then_another_communes_plan(qtbot, tmp_path):
    annex = an_bien_annex(tmp_path / "an-bien.xlsx")
    dialog = SettingsDialog(load_plan(PLAN_PATH).units, None, "", first_start=True)
    qtbot.addWidget(dialog)
    db = tmp_path / "kh.sqlite"
    seen = {}

    def look(review) -> bool:
        table = review.table
        heads = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
        seen["heads"] = heads
        seen["codes"] = [table.item(r, 0).text() for r in range(table.rowCount())]
        seen["row 2"] = [table.item(2, c).text() for c in range(table.columnCount())]
        seen["marked"] = table.item(0, heads.index("Cách tính")).toolTip()
        seen["problems"] = [review.problems.item(n).text() for n in range(review.problems.count())]
        review.grab().save(str(tmp_path / "review.png"))
        seen["db before yes"] = db.exists()
        return False  # the first time, the person says no

    assert dialog.review_annex(annex, review=look) is False
    assert dialog.plan_text is None and dialog.unit_box.itemText(1) == "Phòng Kinh tế"
    assert seen["heads"][:8] == ["Mã", "Chỉ tiêu", "ĐVT", "2026", "2027", "2028", "2029", "2030"]
    assert seen["codes"] == ["1", "1b", "2", "3", "4", "4a", "5"]
    assert seen["row 2"][1] == "Vốn đầu tư công" and seen["row 2"][7] == "Tổng 1.250"
    assert "cần xác nhận" in seen["marked"] and "tốc độ tăng" in seen["marked"]
    assert any(p.startswith("F17: “khoảng 20”") for p in seen["problems"]) and len(seen["problems"]) == 3
    assert seen["db before yes"] is False

    assert dialog.review_annex(annex, review=lambda review: True) is True
    units = [dialog.unit_box.itemText(n) for n in range(dialog.unit_box.count())]
    assert units[1:] == [*AN_BIEN_UNITS, "Tất cả đơn vị trên máy này (máy tổng hợp của Văn phòng)"]
    assert dialog.unit_box.currentData() == ""  # still no unit chosen for the person
    assert "phường An Biên" in dialog.plan_label.text() and not db.exists()
    dialog.unit_box.setCurrentIndex(3)
    unit_id, _ = dialog.values()
    with Store.create(db, dialog.plan_text, unit_id) as store:
        assert store.plan.commune == "An Biên" and store.plan.unit_by_id(store.pc_unit).name == "Công an phường"
        assert len(store.plan.indicators) == 7


def test_a_file_that_is_no_annex_changes_nothing(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: shown.append(args[2]))  # Qt's box, not our code
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a workbook")
    dialog = SettingsDialog(load_plan(PLAN_PATH).units, None, "", first_start=True)
    qtbot.addWidget(dialog)
    assert dialog.review_annex(bad, review=lambda review: True) is False
    assert dialog.plan_text is None and "Không mở được tệp Excel" in shown[0]
