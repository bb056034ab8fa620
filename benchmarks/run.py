"""Benchmarks against the floor of the stack. Run with `make bench` (or `python -m benchmarks.run`).

Each figure is a median over several runs of the program's own code, next to a "floor" measured in the same
run: the least the stack (Python, Qt, SQLite, openpyxl) needs for the same visible result with no logic of
ours. Runs of the program and of the floor alternate, so a noisy machine slows both alike.
"start-up-bundle" and "bundle-size" come from benchmarks/bundle_size_startup.py (the built program against a
bare PySide6 + pyqtgraph window bundled the same way; it builds both, about 1.5 minutes).
Prints a table with each target met or missed and writes benchmarks/results.json:
[{name, ours_s, floor_s, ratio, ...}], and for "bundle-size" {name, ours_bytes, floor_bytes, ratio, ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.bundle_size_startup import launch_times

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results.json"
NAMES = (
    "start-up",
    "start-up-unit",
    "start-up-bundle",
    "bundle-size",
    "consolidation",
    "excel-export",
    "pdf-report",
    "edit",
)
BUNDLE_NAMES = ("start-up-bundle", "bundle-size")  # one build and one series of launches serve both
STARTUP_TARGET = 1.25  # launch to window shown, over the bare window (issue 17)
BUNDLE_TARGET_BYTES = 200 * 1000 * 1000  # the unzipped one-folder bundle
REPORT_PERIOD = "2026-2030"  # the whole-plan review: every row, every year
EDIT_UNIT = "kinh-te"


@dataclass
class Result:
    name: str
    what: str
    target: float  # a ratio to the floor, or seconds when there is no floor
    ours: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    detail: str = ""
    load: list[float] | None = None  # load average (1 min) before and after the timed runs
    peak_memory_bytes: int | None = None

    @property
    def ours_s(self) -> float:
        return statistics.median(self.ours)

    @property
    def floor_s(self) -> float | None:
        return statistics.median(self.floor) if self.floor else None

    @property
    def ratio(self) -> float | None:
        return self.ours_s / self.floor_s if self.floor else None

    @property
    def met(self) -> bool:
        return (self.ratio if self.floor else self.ours_s) <= self.target

    def line(self) -> str:
        if self.floor:
            ours, floor, ratio = f"{self.ours_s:.3f} s", f"{self.floor_s:.3f} s", f"{self.ratio:.2f}×"
            target = f"≤{self.target}×"
        else:
            ours, floor, ratio = f"{self.ours_s * 1000:.1f} ms", "–", "–"
            target = f"<{self.target * 1000:.0f} ms"
        return f"{self.name:<16} {ours:>10} {floor:>10} {ratio:>7} {target:>9}  {'met' if self.met else 'MISSED'}"

    def to_json(self) -> dict:
        data = {
            "name": self.name,
            "ours_s": round(self.ours_s, 6),
            "floor_s": round(self.floor_s, 6) if self.floor else None,
            "ratio": round(self.ratio, 3) if self.floor else None,
            "target": self.target,
            "target_kind": "ratio" if self.floor else "seconds",
            "met": self.met,
            "runs": len(self.ours),
            "what": self.what,
        }
        if not self.floor:
            data["worst_s"] = round(max(self.ours), 6)
        if self.detail:
            data["detail"] = self.detail
        if self.load:
            data["load_average"] = self.load
        if self.peak_memory_bytes is not None:
            data["peak_memory_bytes"] = self.peak_memory_bytes
        return data


@dataclass
class SizeResult:
    """The unzipped bundle against the bare bundle built the same way; the target is in bytes."""

    name: str
    what: str
    target_bytes: int
    ours_bytes: int
    floor_bytes: int
    ours_zip_bytes: int
    floor_zip_bytes: int
    detail: str = ""

    @property
    def ratio(self) -> float:
        return self.ours_bytes / self.floor_bytes

    @property
    def met(self) -> bool:
        return self.ours_bytes <= self.target_bytes

    def line(self) -> str:
        mb = 1e6
        ours, floor = f"{self.ours_bytes / mb:.1f} MB", f"{self.floor_bytes / mb:.1f} MB"
        target = f"≤{self.target_bytes / mb:.0f} MB"
        return (
            f"{self.name:<16} {ours:>10} {floor:>10} {self.ratio:>6.2f}× {target:>9}  {'met' if self.met else 'MISSED'}"
        )

    def to_json(self) -> dict:
        data = {
            "name": self.name,
            "ours_bytes": self.ours_bytes,
            "floor_bytes": self.floor_bytes,
            "ratio": round(self.ratio, 3),
            "target": self.target_bytes,
            "target_kind": "bytes",
            "met": self.met,
            "ours_zip_bytes": self.ours_zip_bytes,
            "floor_zip_bytes": self.floor_zip_bytes,
            "what": self.what,
        }
        if self.detail:
            data["detail"] = self.detail
        return data


def clock(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def load_average() -> float | None:
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


# ---- start-up ------------------------------------------------------------------------------------------


def bench_startup(work: Path, runs: int, db: Path, tab: str = "summary") -> Result:
    settings = work / f"settings-{tab}.ini"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KH_EXIT_WHEN_SHOWN="1", KH_SETTINGS_INI=str(settings))
    ours = [sys.executable, "-m", "kh_desktop", "--db", str(db)]
    floor = [sys.executable, str(HERE / "floor_window.py")]

    def launch(command: list[str]) -> tuple[float, float]:
        times = launch_times(command, env, ROOT, tab)
        # The window remembers its tab at exit: it must have been the one asked for.
        if command is ours and f"tab={tab}" not in settings.read_text(encoding="utf-8"):
            raise RuntimeError(f"the window did not open on the tab {tab}:\n{settings.read_text(encoding='utf-8')}")
        return times

    if tab == "summary":
        result = Result(
            "start-up", "launch to the main window shown on Tổng hợp (offscreen), 5 years of figures", STARTUP_TARGET
        )
    else:
        result = Result(
            "start-up-unit",
            f"launch to the main window shown on the tab of {tab} (where a unit's PC opens: its grid, chart and "
            "tasks built), 5 years of figures",
            STARTUP_TARGET,
        )
    launch(ours), launch(floor)  # warm the file cache for both
    before = load_average()
    gone: dict[str, list[float]] = {"ours": [], "floor": []}
    for _ in range(runs):
        for name, command, shown in (("ours", ours, result.ours), ("floor", floor, result.floor)):
            to_shown, to_exit = launch(command)
            shown.append(to_shown)
            gone[name].append(to_exit)
    result.load = [before, load_average()]
    ours_gone, floor_gone = statistics.median(gone["ours"]), statistics.median(gone["floor"])
    result.detail = (
        "floor: a bare PySide6 window with one pyqtgraph plot; launch → process gone (tear-down included): "
        f"{ours_gone:.3f} s against {floor_gone:.3f} s, {ours_gone / floor_gone:.2f}×"
    )
    return result


# ---- the built program: start-up and size --------------------------------------------------------------


def bundle_results(report: dict) -> list[Result | SizeResult]:
    """The rows "start-up-bundle" and "bundle-size" from a report of bundle_size_startup.measure."""
    program, bare = report["results"]["program"], report["results"]["bare"]
    startup = Result(
        "start-up-bundle",
        "the built one-folder program: launch to the main window shown (offscreen)",
        STARTUP_TARGET,
        ours=[program["median_s"]],
        floor=[bare["median_s"]],
        detail=(
            f"median of {program['runs']} alternating launches (program {program['min_s']:.2f}–{program['max_s']:.2f} s, "
            f"bare {bare['min_s']:.2f}–{bare['max_s']:.2f} s); floor: a bare PySide6 + pyqtgraph window bundled the same way; "
            f"launch → process gone (tear-down included): {program['to_exit_median_s']:.3f} s against "
            f"{bare['to_exit_median_s']:.3f} s, {program['to_exit_median_s'] / bare['to_exit_median_s']:.2f}×"
        ),
        load=report["load_average"],
    )
    left_out = report.get("left_out", {})
    saved = sum(rule["bytes"] for rule in left_out.values())
    size = SizeResult(
        "bundle-size",
        "the one-folder bundle, unzipped, against a bare PySide6 + pyqtgraph window bundled the same way",
        BUNDLE_TARGET_BYTES,
        ours_bytes=program["folder_bytes"],
        floor_bytes=bare["folder_bytes"],
        ours_zip_bytes=program["zip_bytes"],
        floor_zip_bytes=bare["zip_bytes"],
        detail=(
            f"zipped {program['zip_bytes'] / 1e6:.1f} MB against {bare['zip_bytes'] / 1e6:.1f} MB; "
            f"{len(left_out)} rules of scripts/lean_bundle.py left out {saved / 1e6:.1f} MB"
            if left_out
            else f"zipped {program['zip_bytes'] / 1e6:.1f} MB against {bare['zip_bytes'] / 1e6:.1f} MB; built whole (KH_LEAN=0)"
        ),
    )
    return [startup, size]


def bench_bundle(runs: int, reuse: bool) -> list[Result | SizeResult]:
    from benchmarks.bundle_size_startup import measure  # noqa: I001 - with the bundles' own launch figures

    return bundle_results(measure(runs, reuse))


# ---- consolidation -------------------------------------------------------------------------------------


def floor_consolidation(db: Path, files: list[Path]) -> int:
    """Plain SQL: every revision and current record of each file inserted in one transaction per file (the price of
    the all-or-nothing rule, which the program pays too), with the same durability settings."""
    from kh_desktop.storage.exchange_store import RECORD_KINDS

    tables = [(k.revisions_table, k.current_table) for k in RECORD_KINDS]
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = FULL")
    inserted = 0
    for path in files:
        conn.execute("BEGIN")
        source = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        for revisions, current in tables:
            for table, verb in ((revisions, "INSERT OR IGNORE"), (current, "INSERT OR REPLACE")):
                cursor = source.execute(f'SELECT * FROM "{table}"')
                columns = ", ".join(f'"{d[0]}"' for d in cursor.description)
                marks = ", ".join("?" for _ in cursor.description)
                rows = cursor.fetchall()
                conn.executemany(f'{verb} INTO "{table}" ({columns}) VALUES ({marks})', rows)
                inserted += len(rows)
        source.close()
        conn.execute("COMMIT")
    conn.close()
    return inserted


def bench_consolidation(work: Path, runs: int, communes: int) -> Result:
    from benchmarks.data import approve_senders, exchange_files, plan_text
    from kh_desktop.exchange.receive import receive_files
    from kh_desktop.storage.store import Store

    files = exchange_files(communes, log=log)
    result = Result(
        "consolidation",
        f"receive {len(files)} signed exchange files (5 years × 4 quarters × 36 rows + corrections each) from approved "
        "PCs into one database",
        2.0,
    )
    for n in range(runs):
        folder = work / f"consolidation-{n}"
        folder.mkdir()
        store = Store.create(folder / "van-phong.sqlite", plan_text())
        approve_senders(store, files)  # every commune's PC approved first, as an office does once (not timed)
        start = time.perf_counter()
        received = receive_files(store, files, person="Văn phòng")
        result.ours.append(time.perf_counter() - start)
        statuses = {s.status for s in received.summaries}
        if statuses != {"applied"}:
            raise RuntimeError(f"consolidation: some files were not applied: {statuses}")
        problems = store.check()
        revisions = store.db.execute("SELECT COUNT(*) FROM revisions").fetchone()[0]
        store.close()
        if problems:
            raise RuntimeError(f"consolidation left a damaged file: {problems}")
        floor_db = folder / "floor.sqlite"
        Store.create(floor_db, plan_text()).close()
        start = time.perf_counter()
        inserted = floor_consolidation(floor_db, files)
        result.floor.append(time.perf_counter() - start)
        shutil.rmtree(folder)
        result.detail = f"{revisions} revisions kept; floor inserted {inserted} rows, one transaction per file"
    result.peak_memory_bytes = peak_memory_of_receive(work / "consolidation-memory", files)
    result.detail += f"; peak Python memory while receiving {result.peak_memory_bytes / 1e6:.1f} MB (tracemalloc)"
    return result


def peak_memory_of_receive(folder: Path, files: list[Path]) -> int:
    """The most memory Python objects took during one more (untimed: tracemalloc slows Python down) receive of
    `files`: with each file checked while the one before is applied, about two files' rows, whatever the batch."""
    import tracemalloc

    from benchmarks.data import approve_senders, plan_text
    from kh_desktop.exchange.receive import receive_files
    from kh_desktop.storage.store import Store

    folder.mkdir()
    store = Store.create(folder / "van-phong.sqlite", plan_text())
    approve_senders(store, files)
    tracemalloc.start()
    try:
        receive_files(store, files, person="Văn phòng")
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        store.close()
        shutil.rmtree(folder)


# ---- Excel export ---------------------------------------------------------------------------------------


def bench_excel(work: Path, runs: int, db: Path) -> Result:
    from openpyxl import Workbook, load_workbook

    from kh_desktop.excel.export import export_workbook
    from kh_desktop.storage.store import Store

    store = Store.open(db)
    reference = export_workbook(store, work / "reference.xlsx")
    book = load_workbook(reference)
    sheets = [
        (ws.title, [(c.row, c.column, c.value) for row in ws.iter_rows() for c in row if c.value is not None])
        for ws in book.worksheets
    ]
    count = sum(len(cells) for _, cells in sheets)

    def floor() -> None:
        wb = Workbook()
        wb.remove(wb.active)
        for title, cells in sheets:
            ws = wb.create_sheet(title)
            for row, column, value in cells:
                ws.cell(row=row, column=column, value=value)
        wb.save(work / "floor.xlsx")

    result = Result("excel-export", "the whole commune workbook (Toàn xã + one sheet per unit)", 1.5)
    for _ in range(runs):
        result.ours.append(clock(lambda: export_workbook(store, work / "ours.xlsx")))
        result.floor.append(clock(floor))
    store.close()
    result.detail = f"{len(sheets)} sheets, {count} cells; floor: openpyxl writing the same values, no styles"
    return result


# ---- PDF report ------------------------------------------------------------------------------------------


def bench_pdf(work: Path, runs: int, db: Path) -> Result:
    from PySide6.QtCore import QSizeF
    from PySide6.QtGui import QFont, QPdfWriter, QTextDocument

    from kh_desktop.domain.periods import parse_report_period
    from kh_desktop.reports.content import build_report
    from kh_desktop.reports.fonts import report_font_family
    from kh_desktop.reports.render import PageGeometry, page_layout, report_html, wants_landscape, write_pdf
    from kh_desktop.storage.store import Store

    store = Store.open(db)
    plan = store.plan
    period = parse_report_period(REPORT_PERIOD, plan.first_year, plan.last_year)
    content = build_report(store, period)
    html = report_html(content, plan.last_year)
    layout = page_layout(wants_landscape(content))
    pages = {}

    def ours() -> None:
        pages["ours"] = write_pdf(build_report(store, period), work / "ours.pdf", plan.last_year)

    def floor() -> None:
        writer = QPdfWriter(str(work / "floor.pdf"))
        writer.setResolution(300)
        writer.setPageLayout(layout)
        geo = PageGeometry(float(writer.logicalDpiY()), float(writer.width()), float(writer.height()))
        document = QTextDocument()
        document.documentLayout().setPaintDevice(writer)
        document.setDefaultFont(QFont(report_font_family(), 13))
        document.setHtml(html)
        document.setPageSize(QSizeF(geo.body_width, geo.body_height))
        document.print_(writer)
        pages["floor"] = document.pageCount()
        del writer

    result = Result("pdf-report", f"whole-commune report {REPORT_PERIOD} (data to PDF file)", 1.5)
    for _ in range(runs):
        result.ours.append(clock(ours))
        result.floor.append(clock(floor))
    store.close()
    result.detail = (
        f"{pages['ours']} pages; floor: QTextDocument printing the same HTML table to QPdfWriter "
        f"({pages['floor']} pages, no header block or page numbers)"
    )
    return result


# ---- an edit in the grid ---------------------------------------------------------------------------------


def bench_edit(work: Path, runs: int, db: Path) -> Result:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QLineEdit

    from kh_desktop.domain.evaluation import expects_words
    from kh_desktop.domain.numbers import format_number
    from kh_desktop.reports.chart_model import chart_data
    from kh_desktop.storage.store import Store
    from kh_desktop.ui.figures_table_model import COL_ACTUAL, COL_VERDICT, VERDICT_ROLE
    from kh_desktop.ui.main_window import MainWindow
    from kh_desktop.ui.store_service import StoreService

    copy = work / "edit.sqlite"
    shutil.copy2(db, copy)
    store = Store.open(copy)
    window = MainWindow(StoreService(store), QSettings(str(work / "edit.ini"), QSettings.Format.IniFormat))
    window.show()
    window.open_unit(EDIT_UNIT)
    QApplication.processEvents()
    tab = window.unit_tabs[EDIT_UNIT]
    model, view, chart = tab.model, tab.view, tab.chart
    period = model.period
    years = store.plan.years
    rows = [
        r
        for r in range(model.rowCount())
        if not model.is_baseline_row(r)
        and model.flags(model.index(r, COL_ACTUAL)) & Qt.ItemFlag.ItemIsEditable
        and not expects_words(model.indicator_at(r), period.year)
    ]
    result = Result(
        "edit", f"a figure typed into the grid ({EDIT_UNIT}, {period.key}) until verdict and chart update", 0.05
    )
    for n in range(max(20, runs * 6)):
        row = rows[n % len(rows)]
        indicator = model.indicator_at(row)
        top = indicator.maximum if indicator.maximum is not None else 200.0
        value = float(round(top * (0.3 if n % 2 else 0.9)))
        index = model.index(row, COL_ACTUAL)
        view.setCurrentIndex(index)
        view.edit(index)
        QApplication.processEvents()
        editor = view.indexWidget(index)
        if not isinstance(editor, QLineEdit):
            raise RuntimeError(f"no line editor opened on row {row} ({indicator.code})")
        editor.setText(format_number(value))
        start = time.perf_counter()
        QTest.keyClick(editor, Qt.Key.Key_Return)
        QApplication.processEvents()
        view.viewport().repaint()
        chart.repaint()
        result.ours.append(time.perf_counter() - start)
        figure = store.figure(indicator.code, period.key)
        if figure is None or figure.value != value:
            raise RuntimeError(f"the edit of {indicator.code} was not saved ({figure})")
        expected = {a.code: a.verdict for a in store.assess(period)}[indicator.code]
        if model.data(model.index(row, COL_VERDICT), VERDICT_ROLE) != expected:
            raise RuntimeError(f"the verdict of {indicator.code} was not updated")
        # Enter saves and moves to the next row: the chart then shows that row's indicator, freshly read.
        current = model.indicator_at(view.currentIndex().row())
        shown = chart_data(current, store.readings().get(current.code), store.baselines().get(current.code), years)
        if chart.data != shown:
            raise RuntimeError(f"the chart does not show the figures of {current.code}")
    window.close()
    store.close()
    worst = max(result.ours) * 1000
    result.detail = f"{len(result.ours)} edits; median {result.ours_s * 1000:.1f} ms, worst {worst:.1f} ms"
    return result


# ---- the machine and the table ---------------------------------------------------------------------------


def machine() -> dict:
    import pyqtgraph
    import PySide6
    from PySide6.QtCore import qVersion

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "os": platform.platform(),
        "python": platform.python_version(),
        "qt": qVersion(),
        "pyside6": PySide6.__version__,
        "pyqtgraph": pyqtgraph.__version__,
        "sqlite": sqlite3.sqlite_version,
    }


def table(results: list[Result | SizeResult]) -> str:
    lines = [
        f"{'benchmark':<16} {'ours':>10} {'floor':>10} {'ratio':>7} {'target':>9}  target",
        "-" * 66,
    ]
    lines += [r.line() for r in results]
    for r in results:
        if r.detail:
            lines.append(f"  {r.name}: {r.detail}")
        if getattr(r, "load", None):
            lines.append(f"  {r.name}: load average (1 min) {r.load[0]} before, {r.load[1]} after")
    met = sum(r.met for r in results)
    lines.append(
        f"{met} of {len(results)} targets met"
        + ("" if met == len(results) else ": " + ", ".join(r.name for r in results if not r.met) + " missed")
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per benchmark (median reported); default 5")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(NAMES)}")
    parser.add_argument(
        "--launches",
        type=int,
        default=11,
        help="launches of the program and of the floor for each start-up row (median reported); default 11: a "
        "launch takes half a second and its time moves more from one to the next than the other benchmarks'",
    )
    parser.add_argument("--communes", type=int, default=114, help="exchange files to consolidate (default 114)")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results file (default benchmarks/results.json)")
    parser.add_argument("--reuse-bundles", action="store_true", help="time the bundles already in build/bench/")
    args = parser.parse_args(argv)
    chosen = [n.strip() for n in args.only.split(",")] if args.only else list(NAMES)
    unknown = set(chosen) - set(NAMES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")

    from PySide6.QtWidgets import QApplication

    from benchmarks.data import commune_database

    app = QApplication.instance() or QApplication([sys.argv[0]])  # noqa: F841 - PDF and the window need it
    info = machine()
    log(
        f"machine: {info['cpus']} CPUs, {info['cpu']}; Python {info['python']}, Qt {info['qt']}, SQLite {info['sqlite']}"
    )
    results: list[Result | SizeResult] = []
    bundle: list[Result | SizeResult] = []
    with tempfile.TemporaryDirectory(prefix="kh-bench-") as folder:
        work = Path(folder)
        os.environ["KH_KEY_DIR"] = str(work / "danh-tinh-may")  # a throwaway PC: never this machine's identity
        db = commune_database(work / "commune.sqlite")

        def from_bundle(name: str) -> Result | SizeResult:
            if not bundle:
                bundle.extend(bench_bundle(args.launches, args.reuse_bundles))
            return next(r for r in bundle if r.name == name)

        runners = {
            "start-up": lambda: bench_startup(work, args.launches, db),
            "start-up-unit": lambda: bench_startup(work, args.launches, db, EDIT_UNIT),
            "start-up-bundle": lambda: from_bundle("start-up-bundle"),
            "bundle-size": lambda: from_bundle("bundle-size"),
            "consolidation": lambda: bench_consolidation(work, min(args.runs, 3), args.communes),
            "excel-export": lambda: bench_excel(work, args.runs, db),
            "pdf-report": lambda: bench_pdf(work, args.runs, db),
            "edit": lambda: bench_edit(work, args.runs, db),
        }
        for name in chosen:
            log(f"{name}…")
            results.append(runners[name]())
    print(table(results))
    args.out.write_text(json.dumps([r.to_json() for r in results], ensure_ascii=False, indent=2) + "\n")
    print(
        f"\nwritten {args.out} — {info['cpus']} CPUs ({info['cpu']}), Python {info['python']}, "
        f"Qt {info['qt']}, SQLite {info['sqlite']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
