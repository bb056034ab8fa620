"""The program as a user starts it, the chart on its own, and the background helper."""

from __future__ import annotations

import os
import subprocess
import sys

from PySide6.QtCore import QRectF
from PySide6.QtGui import QImage, QPainter, QPdfWriter

from kh_desktop.reports.chart_model import chart_data
from kh_desktop.reports.charts import render_chart
from kh_desktop.storage.store import Store
from kh_desktop.ui.app import slugify
from kh_desktop.ui.background import run_in_background
from kh_desktop.ui.progress_chart import ProgressChart

from .conftest import ROOT


def run_snapshot(tmp_path, db, out) -> subprocess.CompletedProcess:
    """`python -m kh_desktop --db DB --snapshot OUT` as a user runs it, with settings kept in tmp_path."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg"), PYTHONIOENCODING="utf-8")
    command = [sys.executable, "-m", "kh_desktop", "--db", str(db), "--snapshot", str(out)]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env, timeout=120)


def test_snapshot_writes_one_png_per_tab_and_exits_0(tmp_path, plan_text):
    db = tmp_path / "snap.sqlite"
    with Store.create(db, plan_text) as store:
        store.record("11", "2026-Q1", "97,5")
    out = tmp_path / "shots"
    result = run_snapshot(tmp_path, db, out)
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.glob("*.png"))
    assert "tong-hop.png" in names and "phong-kinh-te.png" in names
    assert "trung-tam-dich-vu-su-nghiep-cong.png" in names
    assert len(names) == 9
    image = QImage(str(out / "phong-van-hoa-xa-hoi.png"))
    assert image.width() >= 1200 and image.height() >= 800


def test_snapshot_on_missing_db_creates_all_units_db(tmp_path):
    db = tmp_path / "new.sqlite"
    out = tmp_path / "shots"
    result = run_snapshot(tmp_path, db, out)
    assert result.returncode == 0, result.stderr
    with Store.open(db) as store:
        assert store.pc_unit is None


def test_slugify_names_snapshot_files():
    assert slugify("Tổng hợp") == "tong-hop"
    assert slugify("Phòng Văn hóa – Xã hội") == "phong-van-hoa-xa-hoi"
    assert slugify("Văn phòng HĐND và UBND xã") == "van-phong-hdnd-va-ubnd-xa"


def test_chart_series_and_painting(qtbot, store, tmp_path):
    store.record("2", "2026", "15,5")
    store.record("2", "2027-Q2", "14", estimate=True)
    plan = store.plan
    readings = store.readings()
    data = chart_data(plan.indicator("2"), readings["2"], None, plan.years)
    # A growth rate ("none"): a quarter's growth is not the year's, so 2027 has no bar yet (issue 14).
    assert [b.year for b in data.bars] == [2026] and not data.bars[0].estimate
    assert data.bands == [(2030, 15.0, 17.0)]
    store.record("3", "2026", "180")
    store.record("3", "2027-Q2", "190", estimate=True)
    level = chart_data(plan.indicator("3"), store.readings()["3"], None, plan.years)
    assert [b.year for b in level.bars] == [2026, 2027]
    assert level.bars[1].estimate and level.bars[1].partial and not level.bars[0].estimate
    assert chart_data(plan.indicator("8"), {}, None, plan.years).lower_is_better
    assert chart_data(plan.indicator("22"), {}, None, plan.years).is_words

    chart = ProgressChart()
    qtbot.addWidget(chart)
    chart.show(plan.indicator("2"), readings["2"], None, plan.years)
    png = chart.save_png(tmp_path / "chart.png")
    image = QImage(str(png))
    assert image.width() == 1200
    # painting onto a PDF page works without any window
    pdf = QPdfWriter(str(tmp_path / "chart.pdf"))
    painter = QPainter(pdf)
    render_chart(chart.data, painter, QRectF(0, 0, pdf.width(), pdf.height() / 2))
    painter.end()
    assert (tmp_path / "chart.pdf").stat().st_size > 1000


def test_background_work_reports_on_ui_thread(qtbot, store):
    path = store.path
    results, errors = [], []

    def work(progress):
        progress(50, "Đang đọc…")
        with Store.open(path) as own:  # its own connection
            return len(own.plan.indicators)

    run_in_background(None, "Thử", work, results.append, errors.append)
    qtbot.waitUntil(lambda: bool(results or errors))
    assert results == [36] and errors == []

    def failing(progress):
        raise ValueError("Không đọc được tệp.")

    run_in_background(None, "Thử", failing, results.append, errors.append)
    qtbot.waitUntil(lambda: bool(errors))
    assert errors == ["Không đọc được tệp."]
