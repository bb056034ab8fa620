"""The "Trao đổi dữ liệu" menu in the real window (offscreen): send, preview then receive, the import log and its
printed receipt, backup and restore."""

from __future__ import annotations

from pypdf import PdfReader

from kh_desktop.exchange.backups import list_backups
from kh_desktop.exchange.send import send
from kh_desktop.ui.keyboard import plain_text
from tests.conftest import show_window
from tests.exchange_helpers import approve_pcs, make_pc

SHOTS = None  # set to a folder path to look at the dialogs


def test_menu_has_the_exchange_actions(window):
    texts = [plain_text(a.text()) for a in window.menus["exchange"].actions() if a.text()]
    for wanted in ("Gửi số liệu về Văn phòng", "Nhận số liệu từ đơn vị", "Nhật ký nhận số liệu", "Sao lưu ngay"):
        assert any(t.startswith(wanted) for t in texts), texts
    assert any(t.startswith("Khôi phục") for t in texts)


def test_receive_shows_preview_then_applies_and_prints_receipt(qtbot, window, tmp_path, plan_text):
    first = make_pc(tmp_path, "kt-1", plan_text, "kinh-te")
    second = make_pc(tmp_path, "kt-2", plan_text, "kinh-te")
    approve_pcs(window.service.store, first, second)  # as Văn phòng does once for each unit PC
    first.record("1", "2026", "5")
    second.record("1", "2026", "8")
    second.record("2", "2026", "4")
    bad = tmp_path / "hong.khtd"
    bad.write_bytes(b"khong phai tep" * 10)
    files = [str(send(first, tmp_path / "a.khtd")), str(send(second, tmp_path / "b.khtd")), str(bad)]
    actions = window.exchange_actions
    before = window.service.store.path.read_bytes()

    actions.receive_figures(files)
    qtbot.waitUntil(lambda: actions.preview is not None and actions.preview.isVisible())
    preview = actions.preview
    assert window.service.store.path.read_bytes() == before  # nothing written by the preview
    table = preview.table
    assert table.rowCount() == 3
    assert table.item(0, 2).text() == "Sẽ nhận" and table.item(0, 3).text() == "1"
    assert table.item(1, 8).text() == "1"  # the second PC's figure 1 is a conflict
    assert table.item(2, 2).text() == "Bị từ chối" and "Kiến Hải" in table.item(2, 9).text()
    if SHOTS:
        preview.grab().save(f"{SHOTS}/preview.png")

    seen = []
    window.service.figures_changed.connect(seen.append)
    preview.accept()
    qtbot.waitUntil(lambda: actions.last_result is not None)
    store = window.service.store
    assert store.figure("1", "2026").value == 5.0 and store.figure("1", "2026").conflict_id
    assert store.figure("2", "2026").value == 4.0
    assert seen and ("2", "2026") in seen[-1].figures
    qtbot.waitUntil(lambda: actions.last_box is not None and actions.last_box.isVisible())
    assert "Có 1 số liệu hai máy ghi khác nhau" in actions.last_box.text()  # the second PC's figure 1
    if SHOTS:
        actions.last_box.grab().save(f"{SHOTS}/result.png")
    actions.last_box.close()

    dialog = actions.show_import_log()
    assert dialog.table.rowCount() == 2
    if SHOTS:
        dialog.grab().save(f"{SHOTS}/log.png")
    pdf = dialog.save_receipt(str(tmp_path / "bien-nhan.pdf"))
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(pdf).pages)
    assert "BIÊN NHẬN" in text and "Phòng Kinh tế" in text and "a.khtd" in text
    dialog.close()
    first.close()
    second.close()


def test_send_says_where_the_file_went(qtbot, tmp_path, plan_text, ui_settings):
    unit = make_pc(tmp_path, "kt", plan_text, "kinh-te")
    unit.record("1", "2026", "5")
    win = show_window(qtbot, unit, ui_settings)
    usb = tmp_path / "usb"
    usb.mkdir()
    actions = win.exchange_actions
    actions.send_figures(str(usb))
    qtbot.waitUntil(lambda: actions.last_box is not None)
    written = list(usb.glob("KienHai_P-Kinh-te_*.khtd"))
    assert len(written) == 1 and str(written[0]) in actions.last_box.text()


def test_backup_then_restore_from_the_window(qtbot, window):
    store = window.service.store
    store.record("1", "2026", "5")
    actions = window.exchange_actions
    actions.backup()
    qtbot.waitUntil(lambda: actions.last_box is not None)
    backups = list_backups(store.path)
    assert len(backups) == 1 and backups[0].reason == "thu-cong"
    window.service.record("1", "2026", "9")
    dialog = actions.restore_backup()
    assert dialog.table.rowCount() == 1
    dialog.close()
    assert actions.restore_from(str(backups[0].path), confirm=False)
    assert window.service.store.figure("1", "2026").value == 5.0
    assert window.service.store.check() == []
    assert any(b.reason == "truoc-khi-khoi-phuc" for b in list_backups(store.path))
