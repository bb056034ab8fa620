"""Size and start-up time of the built program against the floor of its stack, measured in one run.

    .venv/bin/python benchmarks/bundle_size_startup.py [--runs 7] [--reuse]

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


def launch_seconds(command: list[str], env: dict) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, capture_output=True, timeout=120)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({result.returncode}):\n{result.stderr.decode(errors='replace')}")
    return elapsed


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args(argv)

    import PyInstaller

    program_dir = BENCH / "dist" / "KienHaiTienDo"
    bare_dir = BENCH / "dist" / "BareWindow"
    build_seconds = {}
    if not (args.reuse and program_dir.is_dir()):
        build_seconds["program"] = pyinstaller(ROOT / "build.spec", "work-program")
    if not (args.reuse and bare_dir.is_dir()):
        build_seconds["bare"] = pyinstaller(ROOT / "benchmarks" / "bare_window.spec", "work-bare")

    scratch = Path(tempfile.mkdtemp(prefix="kh-bench-"))
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KH_EXIT_WHEN_SHOWN="1", KH_DB=str(scratch / "kh.sqlite"))
    env["KH_KEY_DIR"] = str(scratch / "danh-tinh-may")  # a throwaway PC: never this machine's identity
    env.pop("KH_PORTABLE", None)
    program = [str(program_dir / f"KienHaiTienDo{EXE}")]
    if os.name == "nt":
        program = [str(program_dir / f"kh-desktop{EXE}")]  # the console twin: same code, waits for the exit
    subprocess.run(program + ["init", "--all-units"], env=env, check=True, capture_output=True)
    bare = [str(bare_dir / f"BareWindow{EXE}")]

    # Alternate the two programs so that both see the same load (the machine may be shared).
    bundles = {"bare": (bare, bare_dir), "program": (program, program_dir)}
    first = {name: launch_seconds(command, env) for name, (command, _) in bundles.items()}
    times: dict[str, list[float]] = {name: [] for name in bundles}
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    for _ in range(args.runs):
        for name, (command, _) in bundles.items():
            times[name].append(launch_seconds(command, env))
    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    results = {}
    for name, (_, folder) in bundles.items():
        runs = times[name]
        results[name] = {
            "folder_bytes": folder_bytes(folder),
            "zip_bytes": zip_bytes(folder),
            "first_launch_s": round(first[name], 3),
            "median_s": round(statistics.median(runs), 3),
            "min_s": round(min(runs), 3),
            "max_s": round(max(runs), 3),
            "runs": len(runs),
        }
    report = {
        "machine": machine(),
        "pyinstaller": PyInstaller.__version__,
        "build_seconds": {k: round(v, 1) for k, v in build_seconds.items()},
        "load_average": [load_before, load_after],
        "results": results,
    }
    (BENCH / "results.json").write_text(json.dumps(report, indent=2), encoding="utf-8")

    mb = 1024 * 1024
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
            f"| {labels[name]} | {r['folder_bytes'] / mb:.0f} MB | {r['zip_bytes'] / mb:.0f} MB "
            f"| {r['first_launch_s']:.2f} s | {r['median_s']:.2f} s ({r['min_s']:.2f}–{r['max_s']:.2f}) |"
        )
    p, b = results["program"], results["bare"]
    print(
        f"Program over the floor: +{(p['folder_bytes'] - b['folder_bytes']) / mb:.0f} MB folder, "
        f"+{p['median_s'] - b['median_s']:.2f} s start-up (median)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
