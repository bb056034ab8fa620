"""Approving PCs in the real window (offscreen): a new PC's file waits, the approval dialog shows what to compare on
the phone, approving applies the file; the PC list; this PC's fingerprint; the first start has no default unit."""

from __future__ import annotations

from kh_desktop.exchange.send import send
from kh_desktop.identity import load_identity
from kh_desktop.storage.store import ALL_UNITS, Store
from kh_desktop.ui.settings_dialog import SettingsDialog
from tests.conftest import show_window


def _pc(tmp_path, name, plan_text, unit) -> Store:
    return Store.create(tmp_path / f"{name}.sqlite", plan_text, unit, identity=load_identity(tmp_path / "k" / name))


def test_a_new_pcs_file_waits_then_the_approval_dialog_applies_it(qtbot, tmp_path, plan_text, ui_settings, monkeypatch):
    # The window's background work opens the database with this PC's own identity: Văn phòng's key folder.
    monkeypatch.setenv("KH_KEY_DIR", str(tmp_path / "k" / "vp"))
    vp = _pc(tmp_path, "vp", plan_text, ALL_UNITS)
    kt = _pc(tmp_path, "kt", plan_text, "kinh-te")
    kt.record("4", "2026-Q1", "48")
    sent = str(send(kt, tmp_path / "kt.khtd"))
    window = show_window(qtbot, vp, ui_settings)
    actions = window.exchange_actions

    actions.receive_figures([sent])
    qtbot.waitUntil(lambda: actions.preview is not None and actions.preview.isVisible())
    assert actions.preview.table.item(0, 2).text() == "Chờ xác nhận máy mới"
    assert kt.identity.fingerprint in actions.preview.table.item(0, 9).text()
    actions.preview.accept()
    qtbot.waitUntil(lambda: getattr(actions, "approval", None) is not None and actions.approval.isVisible())
    dialog = actions.approval
    assert dialog.chosen_unit() == "kinh-te"
    assert vp.figure("4", "2026-Q1") is None  # nothing applied while waiting
    dialog.accept()
    qtbot.waitUntil(lambda: vp.figure("4", "2026-Q1") is not None, timeout=10000)
    assert vp.figure("4", "2026-Q1").value == 48.0

    pcs = actions.show_pcs()
    assert pcs.table.rowCount() == 1
    assert [pcs.table.item(0, c).text() for c in (0, 1, 2)] == [
        "Phòng Kinh tế",
        kt.identity.fingerprint,
        "đã xác nhận",
    ]


def test_approval_dialog_says_what_to_read_on_the_phone(qtbot, tmp_path, plan_text):
    from kh_desktop.ui.pcs_dialog import ApprovalDialog

    vp = _pc(tmp_path, "vp", plan_text, ALL_UNITS)
    pc = {
        "pc_id": "a" * 32,
        "unit": "vh-xh",
        "unit_name": "Phòng Văn hóa – Xã hội",
        "fingerprint": "4821 0937 5560",
        "last_file": "x.khtd",
    }
    dialog = ApprovalDialog(vp, pc, ["x.khtd"])
    qtbot.addWidget(dialog)
    from PySide6.QtWidgets import QLabel

    text = " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "4821 0937 5560" in text and "Phòng Văn hóa – Xã hội" in text and "Mã máy này" in text
    assert dialog.chosen_unit() == "vh-xh"


def test_help_shows_this_pcs_fingerprint(qtbot, tmp_path, plan_text, ui_settings):
    kt = _pc(tmp_path, "kt", plan_text, "kinh-te")
    window = show_window(qtbot, kt, ui_settings)
    box = window.show_fingerprint()
    assert kt.identity.fingerprint in box.text() and "Phòng Kinh tế" in box.text()
    help_texts = [a.text() for a in window.menus["help"].actions()]
    assert "&Mã máy này…" in help_texts


def test_first_start_has_no_default_unit(qtbot, plan_text):
    from kh_desktop.domain.plan import load_plan_text

    plan = load_plan_text(plan_text)
    dialog = SettingsDialog(plan.units, None, "", first_start=True)
    qtbot.addWidget(dialog)
    assert not dialog.ok_button.isEnabled()
    dialog.unit_box.setCurrentIndex(dialog.unit_box.findData("kinh-te"))
    assert dialog.ok_button.isEnabled() and dialog.values() == ("kinh-te", "")


def test_enter_never_approves_a_pc(qtbot, tmp_path, plan_text):
    from PySide6.QtCore import Qt

    from kh_desktop.ui.pcs_dialog import ApprovalDialog

    vp = _pc(tmp_path, "vp", plan_text, ALL_UNITS)
    pc = {"pc_id": "b" * 32, "unit": "kinh-te", "unit_name": "Phòng Kinh tế", "fingerprint": "1234 5678 9012"}
    dialog = ApprovalDialog(vp, pc, ["y.khtd"])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)
    assert dialog.result() == dialog.DialogCode.Rejected
