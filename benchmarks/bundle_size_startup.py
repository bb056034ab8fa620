"""Size and start-up time of the built program against the floor of its stack, measured in one run.

    .venv/bin/python benchmarks/bundle_size_startup.py [--runs 7] [--reuse]

`make bench` runs it too (benchmarks/run.py: rows "start-up-bundle" and "bundle-size" of results.json).

Builds, with the same PyInstaller and the same settings, into build/bench/:
  - the program (build.spec), and
  - a bare PySide6 + pyqtgraph window (benchmarks/bare_window.spec),
then reports for each: the folder's size, its zip's size, and the time from launch until the main window has
been shown (QT_QPA_PLATFORM=offscreen, KH_EXIT_WHEN_SHOWN=1: the process leaves right after the window's first
events, so the time to its exit is launch-to-shown plus a short tear-down). The first launch after the build is
reported apart; the median is over the following runs. The program opens an existing database (made with its
`init` command beforehand), so the first-start questions do not appear.
--reuse skips the builds when build/bench/ already holds them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "build" / "bench"
EXE = ".exe" if os.name == "nt" else ""


def pyinstaller(spec: Path, work: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "ERROR", "--distpath", str(BENCH / "dist"),
         "--workpath", str(BENCH / work), str(spec)],
        cwd=ROOT,
        check=True,
    )  # fmt: skip
    return time.perf_counter() - started


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def zip_bytes(folder: Path) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "bundle.zip"
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in sorted(folder.rglob("*")):
                if p.is_file():
                    zf.write(p, p.relative_to(folder.parent))
        return out.stat().st_size


def launch_times(command: list[str], env: dict, cwd: Path | None = None, tab: str = "summary") -> tuple[float, float]:
    """(launch → window shown, launch → process gone), in seconds. The program and the floor write the moment
    their window was shown to KH_SHOWN_AT (they run with KH_EXIT_WHEN_SHOWN=1); the tear-down after it, which
    nobody waits for at start, is in the second figure only. The window's settings file (KH_SETTINGS_INI) is
    written again before each launch, since the window saves its own at exit: it opens on `tab` ("summary" or a
    unit id), nothing else remembered."""
    if "KH_SETTINGS_INI" in env:
        Path(env["KH_SETTINGS_INI"]).write_text(f"[window]\ntab={tab}\n", encoding="utf-8")
    with tempfile.TemporaryDirectory(prefix="kh-shown-") as scratch:
        shown_file = Path(scratch) / "shown"
        env = dict(env, KH_SHOWN_AT=str(shown_file))
        launched, started = time.time(), time.perf_counter()
        result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, timeout=120)
        gone = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(f"{command[0]} failed ({result.returncode}):\n{result.stderr.decode(errors='replace')}")
        shown = float(shown_file.read_text(encoding="ascii")) - launched
    return shown, gone


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}"
    )


def measure(runs: int, reuse: bool = False) -> dict:
    """Build (unless `reuse` finds the builds) and time both bundles; the report also goes to build/bench/."""
    import PyInstaller

    program_dir = BENCH / "dist" / "KienHaiTienDo"
    bare_dir = BENCH / "dist" / "BareWindow"
    build_seconds = {}
    lean = BENCH / "work-program" / "build" / "lean-report.json"
    if not (reuse and program_dir.is_dir()):
        lean.unlink(missing_ok=True)  # written again by a lean build only
        build_seconds["program"] = pyinstaller(ROOT / "build.spec", "work-program")
    if not (reuse and bare_dir.is_dir()):
        build_seconds["bare"] = pyinstaller(ROOT / "benchmarks" / "bare_window.spec", "work-bare")

    scratch = Path(tempfile.mkdtemp(prefix="kh-bench-"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KH_EXIT_WHEN_SHOWN="1", KH_DB=str(scratch / "kh.sqlite"))
    env["KH_KEY_DIR"] = str(scratch / "danh-tinh-may")  # a throwaway PC: never this machine's identity
    # The window opens on Tổng hợp, as in benchmarks/run.py's "start-up", whatever this machine's settings hold.
    env["KH_SETTINGS_INI"] = str(scratch / "settings.ini")
    env.pop("KH_PORTABLE", None)
    program = [str(program_dir / f"KienHaiTienDo{EXE}")]
    if os.name == "nt":
        program = [str(program_dir / f"kh-desktop{EXE}")]  # the console twin: same code, waits for the exit
    subprocess.run(program + ["init", "--all-units"], env=env, check=True, capture_output=True)
    bare = [str(bare_dir / f"BareWindow{EXE}")]

    # Alternate the two programs so that both see the same load (the machine may be shared).
    bundles = {"bare": (bare, bare_dir), "program": (program, program_dir)}
    first = {name: launch_times(command, env)[0] for name, (command, _) in bundles.items()}
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in bundles}
    load_before = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
    for _ in range(runs):
        for name, (command, _) in bundles.items():
            times[name].append(launch_times(command, env))
    load_after = round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None
    results = {}
    for name, (_, folder) in bundles.items():
        shown = [s for s, _ in times[name]]
        results[name] = {
            "folder_bytes": folder_bytes(folder),
            "zip_bytes": zip_bytes(folder),
            "first_launch_s": round(first[name], 3),
            "median_s": round(statistics.median(shown), 3),
            "min_s": round(min(shown), 3),
            "max_s": round(max(shown), 3),
            "to_exit_median_s": round(statistics.median(g for _, g in times[name]), 3),
            "runs": len(shown),
        }
    report = {
        "machine": machine(),
        "pyinstaller": PyInstaller.__version__,
        "build_seconds": {k: round(v, 1) for k, v in build_seconds.items()},
        "load_average": [load_before, load_after],
        "results": results,
    }
    if lean.exists():  # what each rule of scripts/lean_bundle.py left out (absent when KH_LEAN=0)
        report["left_out"] = json.loads(lean.read_text(encoding="utf-8"))
    (BENCH / "results.json").write_text(json.dumps(report, indent=2), encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args(argv)
    report = measure(args.runs, args.reuse)
    results, build_seconds = report["results"], report["build_seconds"]
    load_before, load_after = report["load_average"]

    mb = 1000 * 1000  # MB = 10⁶ bytes, as the 200 MB target
    print(f"Machine: {report['machine']}; PyInstaller {report['pyinstaller']}")
    if load_before is not None:
        print(f"Load average (1 min) before/after the timed runs: {load_before:.1f} / {load_after:.1f}")
    if build_seconds:
        print("Build: " + ", ".join(f"{k} {v:.0f} s" for k, v in build_seconds.items()))
    print(f"| bundle | folder | zip | first launch → shown | median of {args.runs} (min–max) |")
    print("|---|---|---|---|---|")
    labels = {"bare": "bare PySide6 + pyqtgraph window", "program": "Kiến Hải Tiến độ"}
    for name, r in results.items():
        print(
            f"| {labels[name]} | {r['folder_bytes'] / mb:.1f} MB | {r['zip_bytes'] / mb:.1f} MB "
            f"| {r['first_launch_s']:.2f} s | {r['median_s']:.2f} s ({r['min_s']:.2f}–{r['max_s']:.2f}) |"
        )
    p, b = results["program"], results["bare"]
    print(
        f"Program over the floor: +{(p['folder_bytes'] - b['folder_bytes']) / mb:.1f} MB folder "
        f"({p['folder_bytes'] / b['folder_bytes']:.2f}×), +{p['median_s'] - b['median_s']:.2f} s start-up (median, "
        f"{p['median_s'] / b['median_s']:.2f}×)."
    )
    for rule, saved in report.get("left_out", {}).items():
        print(f"  left out, {rule}: {saved['bytes'] / mb:.1f} MB ({saved['zipped_bytes'] / mb:.1f} MB zipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
