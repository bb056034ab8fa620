"""`make bench` keeps working: every benchmark runs once on a small load and writes results.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def test_benchmarks_run_and_write_results(tmp_path):
    out = tmp_path / "results.json"
    # The start-up benchmark opens the window: its settings go to a temporary INI file, on Windows too.
    env = dict(
        os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8", KH_SETTINGS_INI=str(tmp_path / "kh.ini")
    )
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--runs", "1", "--communes", "2", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    assert [r["name"] for r in results] == ["start-up", "consolidation", "excel-export", "pdf-report", "edit"]
    for result in results:
        assert result["ours_s"] > 0
        if result["name"] == "edit":
            assert result["floor_s"] is None and result["worst_s"] >= result["ours_s"]
        else:
            assert result["floor_s"] > 0
            assert result["ratio"] == pytest.approx(result["ours_s"] / result["floor_s"], rel=0.01)
    assert "ratio" in done.stdout and "start-up" in done.stdout
