"""Eight unit PCs record figures and send their files; Văn phòng's all-units window receives them through the
"Nhận số liệu từ đơn vị" menu action (preview, then apply, then the one change signal) and its Tổng hợp tab
counts every unit's figures."""

from __future__ import annotations

import os

from kh_desktop.exchange.send import send
from kh_desktop.ui.main_window import MainWindow
from kh_desktop.ui.store_service import StoreService
from kh_desktop.ui.summary_tab import COL_ENTERED
from tests.exchange_helpers import UNIT_IDS, approve_pcs, make_pc, record_some

SHOTS = os.environ.get("KH_SHOTS")


def _summary_rows(window) -> dict:
    model = window.summary_tab.model
    return {model.row(r).unit_id: (model.row(r), model.index(r, COL_ENTERED).data()) for r in range(model.rowCount())}


def test_tong_hop_shows_every_units_figures_after_receiving(qtbot, tmp_path, plan_text, ui_settings):
    office = make_pc(tmp_path, "van-phong-tong-hop", plan_text)
    ui_settings.setValue("period/current", "2026")
    window = MainWindow(StoreService(office), ui_settings)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()
    qtbot.waitExposed(window)
    window.tabs.setCurrentWidget(window.summary_tab)
    qtbot.waitUntil(lambda: window.summary_tab.model.rowCount() > 0)  # counted right after the first paint
    assert all(row.entered == 0 for row, _ in _summary_rows(window).values())

    outbox = tmp_path / "usb"
    outbox.mkdir()
    files, recorded = [], set()
    for unit_id in UNIT_IDS:
        pc = make_pc(tmp_path, unit_id, plan_text, unit_id)
        approve_pcs(office, pc)  # as Văn phòng does once for each unit PC
        recorded |= set(record_some(pc, unit_id, "2026", how_many=3))
        files.append(str(send(pc, outbox / f"{unit_id}.khtd")))
        pc.close()
    assert len(files) == 8 and recorded

    actions = window.exchange_actions
    actions.receive_figures(files)
    qtbot.waitUntil(lambda: actions.preview is not None and actions.preview.isVisible(), timeout=30000)
    preview = actions.preview
    assert [preview.table.item(r, 2).text() for r in range(preview.table.rowCount())] == ["Sẽ nhận"] * 8
    seen = []
    window.service.figures_changed.connect(seen.append)
    preview.accept()
    qtbot.waitUntil(lambda: actions.last_result is not None, timeout=30000)
    assert [s.status for s in actions.last_result.summaries] == ["applied"] * 8
    assert seen and seen[-1].kind == "exchange"  # the menu action announced the change on the one signal
    if actions.last_box is not None:
        actions.last_box.close()

    plan = office.plan
    rows = _summary_rows(window)
    recorded_codes = {code for code, _ in recorded}
    for unit in plan.units:
        codes = {i.code for i in plan.indicators_of(unit.id)}
        row, shown = rows[unit.id]
        expected = len(codes & recorded_codes)
        assert row.entered == expected, unit.id
        if codes:
            assert expected > 0, f"{unit.id} recorded nothing"
            assert shown == f"{expected}/{len(codes)}"
            assert sum(row.counts.values()) - row.counts["no_data"] == expected
        else:
            assert shown == "Không có chỉ tiêu"
    whole, _ = rows[None]
    assert whole.entered == len(recorded_codes)
    assert str(len(recorded_codes)) not in ("", "0")
    assert f"{whole.counts['no_data']} chưa có số liệu" in window.summary_tab.heading.text()
    if SHOTS:
        window.grab().save(f"{SHOTS}/tong-hop-8-don-vi.png")
