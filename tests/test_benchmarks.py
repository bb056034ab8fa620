"""`make bench` keeps working: every benchmark runs once on a small load and writes results.json."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

IN_SOURCE = "start-up,start-up-unit,consolidation,excel-export,pdf-report,edit"


def test_benchmarks_run_and_write_results(tmp_path):
    out = tmp_path / "results.json"
    # The start-up benchmark opens the window: its settings go to a temporary INI file, on Windows too.
    env = dict(
        os.environ, QT_QPA_PLATFORM="offscreen", PYTHONIOENCODING="utf-8", KH_SETTINGS_INI=str(tmp_path / "kh.ini")
    )
    done = subprocess.run(
        # The bundle rows build two bundles (1.5 minutes, PyInstaller): test_bundle_rows covers their rows.
        [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--runs",
            "1",
            "--launches",
            "1",
            "--communes",
            "2",
            "--out",
            str(out),
            "--only",
            IN_SOURCE,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(out.read_text(encoding="utf-8"))
    assert [r["name"] for r in results] == IN_SOURCE.split(",")
    for result in results:
        assert result["ours_s"] > 0
        if result["name"] == "edit":
            assert result["floor_s"] is None and result["worst_s"] >= result["ours_s"]
        else:
            assert result["floor_s"] > 0
            assert result["ratio"] == pytest.approx(result["ours_s"] / result["floor_s"], rel=0.01)
    assert "ratio" in done.stdout and "start-up" in done.stdout
    for result in results:  # each target's outcome is printed on its row and counted at the end
        assert f"{'met' if result['met'] else 'MISSED'}" in next(
            line for line in done.stdout.splitlines() if line.startswith(result["name"] + " ")
        )
    assert f"{sum(r['met'] for r in results)} of {len(results)} targets met" in done.stdout
    consolidation = next(r for r in results if r["name"] == "consolidation")
    assert consolidation["peak_memory_bytes"] > 0


def test_bundle_rows():
    """The rows "start-up-bundle" and "bundle-size" made from a report of benchmarks/bundle_size_startup.py."""
    from benchmarks.run import bundle_results, table

    def bundle(folder, zipped, median):
        return {"folder_bytes": folder, "zip_bytes": zipped, "first_launch_s": 1.0, "median_s": median,
                "min_s": median - 0.1, "max_s": median + 0.1, "to_exit_median_s": median + 0.1, "runs": 7}  # fmt: skip

    report = {
        "results": {"program": bundle(193_000_000, 107_000_000, 0.9), "bare": bundle(170_000_000, 98_000_000, 0.8)},
        "load_average": [1.5, 2.0],
        "left_out": {"qt-translations": {"bytes": 7_000_000, "zipped_bytes": 2_000_000, "what": "", "files": []}},
    }
    startup, size = bundle_results(report)
    row = startup.to_json()
    assert row["name"] == "start-up-bundle"
    assert (row["ours_s"], row["floor_s"], row["ratio"]) == (0.9, 0.8, round(0.9 / 0.8, 3))
    assert row["target"] == 1.25 and row["met"] is True and row["load_average"] == [1.5, 2.0]
    row = size.to_json()
    assert row["name"] == "bundle-size"
    assert (row["ours_bytes"], row["floor_bytes"]) == (193_000_000, 170_000_000)
    assert row["ratio"] == round(193 / 170, 3)
    assert (row["ours_zip_bytes"], row["floor_zip_bytes"]) == (107_000_000, 98_000_000)
    assert row["target"] == 200_000_000 and row["met"] is True
    assert "ours_s" not in row

    report["results"]["program"] = bundle(201_000_000, 110_000_000, 1.1)  # both targets missed
    startup, size = bundle_results(report)
    assert not startup.met and not size.met
    printed = table([startup, size])
    assert "start-up-bundle" in printed and "MISSED" in printed
    assert "0 of 2 targets met: start-up-bundle, bundle-size missed" in printed
