"""One chart model, two painters: what a chart shows is decided once (reports/chart_model.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from PySide6.QtGui import QImage

from kh_desktop.reports.chart_model import Mark, chart_data
from kh_desktop.reports.charts import save_chart_png
from kh_desktop.ui.progress_chart import ProgressChart

from .conftest import ROOT


def test_model_of_a_range_target_with_an_estimate(store):
    # Plan text, indicator 2: "tăng bình quân 15–17%/năm" for 2030; targets 15, 16, 16, 17 for 2026–2029.
    store.record("2", "2026", "15,5")
    store.record("2", "2027-Q2", "14", estimate=True)
    plan = store.plan
    # A growth rate takes only a figure entered for the year itself: a quarter's growth makes no 2027 bar (issue 14).
    early = chart_data(plan.indicator("2"), store.readings()["2"], None, plan.years)
    assert [(b.year, b.value, b.label) for b in early.bars] == [(2026, 15.5, "15,5")]
    store.record("2", "2027-9T", "14", estimate=True)
    assert [b.year for b in chart_data(plan.indicator("2"), store.readings()["2"], None, plan.years).bars] == [2026]
    store.record("2", "2027", "14", estimate=True)
    data = chart_data(plan.indicator("2"), store.readings()["2"], None, plan.years)
    assert [(b.year, b.value, b.label) for b in data.bars] == [(2026, 15.5, "15,5"), (2027, 14.0, "14 (ước)")]
    assert [b.mark for b in data.bars] == [Mark.OFFICIAL, Mark.ESTIMATE]
    assert data.bands == [(2030, 15.0, 17.0)]
    assert data.legend == [Mark.TARGET, Mark.BAND, Mark.OFFICIAL, Mark.ESTIMATE]
    y_max, ticks = data.scale
    # highest value 17 with room for its label (17 × 1,15 = 19,55) in steps of 5
    assert y_max == 20 and [t for _, t in ticks] == ["0", "5", "10", "15", "20"]
    assert data.footnotes == []
    assert data.arrow is None and data.x_range == (2025.5, 2030.5)


def test_model_of_lower_is_better_and_of_words(store):
    plan = store.plan
    poor = chart_data(plan.indicator("8"), {}, None, plan.years)
    assert poor.heading.endswith("↓ càng thấp càng tốt")
    assert poor.arrow == (2026 - 0.38, poor.targets[0][1])
    assert poor.footnotes[0] == "Chưa có số liệu thực hiện."
    store.record("22", "2026", "Ổn định, không có điểm nóng")
    words = chart_data(plan.indicator("22"), store.readings()["22"], None, plan.years)
    assert words.is_words and words.legend == [] and words.arrow is None
    assert words.words[0].texts[1].startswith("✔ Ổn định") and words.words[1].texts[1] == "chưa có"


def test_both_painters_draw_the_same_model(qtbot, store, tmp_path):
    store.record("2", "2026", "15,5")
    plan = store.plan
    data = chart_data(plan.indicator("2"), store.readings()["2"], None, plan.years)
    chart = ProgressChart()
    qtbot.addWidget(chart)
    chart.show_indicator(plan.indicator("2"), store.readings()["2"], None, plan.years)
    assert chart.data == data
    assert chart.title_label.text() == data.heading
    assert "Khoảng kế hoạch" in chart.legend_label.text()
    left = chart.plot_widget.getPlotItem().getAxis("left")
    assert [t for _, t in left._tickLevels[0]] == [t for _, t in data.scale[1]]
    assert chart.plot_widget.getPlotItem().getViewBox().viewRange()[1] == [0, data.scale[0]]
    image = QImage(str(save_chart_png(data, tmp_path / "c.png", 900, 450)))
    blue = image.pixelColor(70 + 810 // 10, 300)  # the middle of the first of five year slots: the 2026 bar
    assert blue.name() == "#1d4ed8"


def test_report_with_charts_loads_no_widgets(cli_db, tmp_path):
    """`report --charts` draws with QPainter: neither QtWidgets nor pyqtgraph is imported."""
    out = tmp_path / "charts.pdf"
    script = (
        "import json, sys\n"
        "from kh_desktop.cli import main\n"
        f"code = main(['--db', {str(cli_db)!r}, 'report', {str(out)!r}, '--period', '2026', '--charts'])\n"
        "print(json.dumps([code, sorted(m for m in sys.modules if 'QtWidgets' in m or 'pyqtgraph' in m)]))\n"
    )
    env_run = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=120,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONIOENCODING": "utf-8"},
    )
    assert env_run.returncode == 0, env_run.stderr
    code, loaded = json.loads(env_run.stdout.strip().splitlines()[-1])
    assert code == 0 and out.stat().st_size > 10_000
    assert loaded == []
