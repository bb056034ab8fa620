"""`--self-test`: prove that this copy of the program works, end to end, on a throwaway database.

Meant for the built program on an office PC (no Python installed) and for CI after each build: every part
that a bundle can lose (the plan and fonts in resources/, Qt plugins, SQLite, openpyxl with defusedxml,
the report and exchange code) is exercised once. Nothing touches the user's own data: everything happens
in a temporary folder that is removed afterwards.

Each step prints one line to stderr; the last line on stdout is the one-line summary. A failed step stops
the test with a Vietnamese message naming the step, and a non-zero exit status.
"""

from __future__ import annotations

import os
import platform
import re
import sqlite3
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import APP_NAME, __version__

EXIT_FAILED = 1


class StepFailed(Exception):
    """A check inside a step that did not hold; str() is Vietnamese."""


@dataclass
class Context:
    """What the steps hand on to each other."""

    folder: Path
    versions: dict[str, str] = field(default_factory=dict)
    plan_text: str = ""
    store: object = None
    year: int = 0
    recorded: dict[str, object] = field(default_factory=dict)  # code -> value recorded for `year`
    details: list[str] = field(default_factory=list)


def _ensure(condition: bool, message: str) -> None:
    if not condition:
        raise StepFailed(message)


# ---- the steps -----------------------------------------------------------------------------------


def step_versions(ctx: Context) -> str:
    import nacl
    import openpyxl
    import openpyxl.xml
    import PySide6
    from PySide6.QtCore import qVersion

    ctx.versions = {
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "Qt": qVersion(),
        "PySide6": PySide6.__version__,
        "openpyxl": openpyxl.__version__,
        "PyNaCl": nacl.__version__,
        "defusedxml": "có" if openpyxl.xml.DEFUSEDXML else "KHÔNG",
    }
    # Workbooks from other offices are hostile until checked: without defusedxml openpyxl parses XML
    # entity bombs. The bundle must carry it.
    _ensure(openpyxl.xml.DEFUSEDXML, "openpyxl không dùng defusedxml (thiếu gói defusedxml trong bản đóng gói).")
    return ", ".join(f"{k} {v}" for k, v in ctx.versions.items() if k != "defusedxml") + (
        f", openpyxl dùng defusedxml: {ctx.versions['defusedxml']}"
    )


def step_resources(ctx: Context) -> str:
    from .paths import default_plan_path, resource

    plan_path = default_plan_path()
    _ensure(plan_path.is_file(), f"thiếu tệp kế hoạch {plan_path}.")
    ctx.plan_text = plan_path.read_text(encoding="utf-8")
    missing = [p for p in (resource("icons", "app.png"),) if not p.is_file()]
    fonts = sorted(resource("fonts").glob("*.ttf")) if resource("fonts").is_dir() else []
    _ensure(not missing, f"thiếu tệp {', '.join(str(p) for p in missing)}.")
    _ensure(bool(fonts), f"thiếu phông chữ trong {resource('fonts')}.")
    return f"kế hoạch {plan_path.name}, {len(fonts)} phông chữ"


def _identity(ctx: Context, name: str):
    """A PC identity inside the self-test's folder: the self-test never uses or changes this PC's own key."""
    from .identity import load_identity

    return load_identity(ctx.folder / "khoa-may" / name)


def step_seed(ctx: Context) -> str:
    from .storage.store import Store

    store = Store.create(
        ctx.folder / "tu-kiem-tra.sqlite", ctx.plan_text, person="Tự kiểm tra", identity=_identity(ctx, "tu-kiem-tra")
    )
    ctx.store = store
    plan = store.plan
    ctx.year = plan.first_year
    _ensure(bool(plan.indicators), "kế hoạch không có chỉ tiêu nào.")
    _ensure(store.check() == [], "tệp dữ liệu mới tạo không qua được kiểm tra toàn vẹn.")
    return f"{len(plan.indicators)} chỉ tiêu, {len(plan.units)} đơn vị, năm {plan.first_year}–{plan.last_year}"


def _value_meeting(indicator, year: int):
    """A value that meets the indicator's own target for `year`, or None when no single figure can."""
    target = indicator.target(year)
    if target is None or indicator.baseline is not None or target.op == "total":
        return None
    if target.is_text:
        return (target.accept or (target.text,))[0]
    if target.op == "range":
        return target.low
    if target.op == "gt":
        return target.value + 1
    return target.value


def step_record(ctx: Context) -> str:
    from .domain.evaluation import ValueRefused
    from .domain.numbers import format_number

    store = ctx.store
    for indicator in store.plan.indicators:
        value = _value_meeting(indicator, ctx.year)
        if value is None:
            continue
        # Numbers go in as a person types them (decimal comma), exercising the Vietnamese parser.
        raw = value if isinstance(value, str) else format_number(value, 4)
        try:
            store.record(indicator.code, str(ctx.year), raw, note="tự kiểm tra", by="Tự kiểm tra")
        except ValueRefused:
            continue  # a bound of the indicator (an integer count, a maximum) refuses this value: try the next
        ctx.recorded[indicator.code] = value
        if len(ctx.recorded) >= 6:
            break
    _ensure(len(ctx.recorded) >= 2, "không ghi được số liệu nào vào tệp dữ liệu tạm.")
    # A second revision of one figure: history keeps both.
    code = next(iter(ctx.recorded))
    store.record(code, str(ctx.year), _raw(ctx.recorded[code]), estimate=True, note="sửa", by="Tự kiểm tra")
    _ensure(len(store.history(code, str(ctx.year))) == 2, "lịch sử không giữ đủ hai lần ghi.")
    return f"{len(ctx.recorded)} số liệu năm {ctx.year}"


def _raw(value) -> str:
    from .domain.numbers import format_number

    return value if isinstance(value, str) else format_number(value, 4)


def step_judge(ctx: Context) -> str:
    from .domain.evaluation import EXCEEDED, MET
    from .domain.periods import parse_period

    store = ctx.store
    period = parse_period(str(ctx.year), store.plan.first_year, store.plan.last_year)
    verdicts = {a.code: a.verdict for a in store.assess(period)}
    wrong = [code for code in ctx.recorded if verdicts.get(code) not in (MET, EXCEEDED)]
    _ensure(not wrong, f"đánh giá sai cho chỉ tiêu {', '.join(wrong)} (ghi đúng bằng kế hoạch mà không đạt).")
    _ensure(store.check() == [], "tệp dữ liệu không qua được kiểm tra toàn vẹn sau khi ghi.")
    return f"{len(ctx.recorded)} chỉ tiêu đạt kế hoạch năm {ctx.year}"


def step_chart(ctx: Context) -> str:
    """The chart model drawn by both painters: QPainter to a PNG (as on paper) and pyqtgraph (as in the window)."""
    from PySide6.QtGui import QImage

    from .reports.chart_model import chart_data
    from .reports.charts import save_chart_png
    from .ui.progress_chart import ProgressChart

    store = ctx.store
    code = next(c for c, v in ctx.recorded.items() if not isinstance(v, str))
    args = (store.plan.indicator(code), store.readings().get(code, {}), store.baselines().get(code), store.plan.years)
    data = chart_data(*args)
    _ensure(bool(data.bars), f"biểu đồ chỉ tiêu {code} không có cột số liệu đã ghi.")
    path = save_chart_png(data, ctx.folder / "bieu-do.png", 900, 450)
    image = QImage(str(path))
    _ensure(not image.isNull() and image.width() == 900, f"không đọc lại được ảnh biểu đồ {path.name}.")
    colours = {image.pixel(x, y) for x in range(0, 900, 15) for y in range(0, 450, 15)}
    _ensure(len(colours) > 3, "ảnh biểu đồ trống.")
    chart = ProgressChart()
    chart.resize(900, 450)
    chart.show_indicator(*args)
    screen = chart.grab().toImage()
    chart.deleteLater()
    _ensure(chart.data == data, "biểu đồ trên màn hình khác biểu đồ trên giấy.")
    shown = {screen.pixel(x, y) for x in range(0, screen.width(), 15) for y in range(0, screen.height(), 15)}
    _ensure(len(shown) > 3, "biểu đồ trên màn hình trống.")
    return f"{path.name} {image.width()}×{image.height()}, {path.stat().st_size // 1024} KB; màn hình cùng số liệu"


def step_report(ctx: Context) -> str:
    from .domain.periods import parse_report_period
    from .reports.charts import chart_pages
    from .reports.content import build_report
    from .reports.render import write_pdf

    store = ctx.store
    plan = store.plan
    rp = parse_report_period(str(ctx.year), plan.first_year, plan.last_year)
    content = build_report(store, rp)
    path = ctx.folder / "bao-cao.pdf"
    pages = write_pdf(content, path, plan.last_year, chart_pages(store, content))
    data = path.read_bytes()
    _ensure(data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF"), "tệp PDF không trọn vẹn.")
    found = len(re.findall(rb"/Type\s*/Page(?![s\w])", data))
    _ensure(pages >= 2 and found == pages, f"tệp PDF có {found} trang, chương trình báo {pages} trang.")
    # The report's own font must come from the bundle: a missing resources/fonts falls back silently.
    _ensure(b"LiberationSerif" in data, "báo cáo PDF không dùng phông chữ kèm theo (Liberation Serif).")
    return f"{path.name}: {pages} trang, {len(data) // 1024} KB"


def step_word_and_site(ctx: Context) -> str:
    """The Word report (python-docx and its template in the bundle) and the công khai site, read back."""
    import zipfile

    from .domain.periods import parse_report_period
    from .reports.content import build_report
    from .reports.docx_report import write_docx
    from .reports.narrative import draft_sentences
    from .reports.publish import publish_site

    store = ctx.store
    plan = store.plan
    rp = parse_report_period(str(ctx.year), plan.first_year, plan.last_year)
    path = write_docx(build_report(store, rp), draft_sentences(store, rp), ctx.folder / "bao-cao.docx", plan.last_year)
    with zipfile.ZipFile(path) as docx:
        body = docx.read("word/document.xml").decode("utf-8")
    _ensure("BÁO CÁO" in body and "Times New Roman" in body, "tệp Word thiếu tiêu đề hoặc phông chữ.")
    pages = publish_site(store, ctx.folder / "cong-khai", rp)
    index = pages[0].read_text(encoding="utf-8")
    missing = [i.code for i in plan.indicators if f'data-code="{i.code}"' not in index]
    _ensure(not missing, f"trang công khai thiếu chỉ tiêu {', '.join(missing)}.")
    _ensure("<script" not in index and "http" not in index, "trang công khai có mã lệnh hoặc liên kết ra ngoài.")
    return f"{path.name}: {len(body) // 1024} KB; trang công khai: {len(pages)} trang"


def step_excel(ctx: Context) -> str:
    import openpyxl

    from .excel.export import export_workbook
    from .excel.importer import apply_import, preview_import
    from .storage.store import Store

    store = ctx.store
    path = export_workbook(store, ctx.folder / "so-lieu.xlsx")
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        sheets = len(wb.sheetnames)
        cells = sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None)
    finally:
        wb.close()
    _ensure(sheets >= 1 and cells > 0, f"đọc lại tệp Excel {path.name}: không có dữ liệu.")
    # Read it back into a fresh database through the import path: every recorded figure comes back.
    with Store.create(ctx.folder / "nhap-excel.sqlite", ctx.plan_text, identity=_identity(ctx, "excel")) as other:
        preview = preview_import(other, path)
        _ensure(not preview.problems, f"nhập lại tệp Excel báo lỗi: {preview.problems[0] if preview.problems else ''}")
        apply_import(other, preview, by="Tự kiểm tra")
        wrong = [
            code
            for code in ctx.recorded
            if (f := other.figure(code, str(ctx.year))) is None or f.value != store.figure(code, str(ctx.year)).value
        ]
    _ensure(not wrong, f"số liệu nhập lại từ Excel khác số liệu đã ghi: chỉ tiêu {', '.join(wrong)}.")
    return f"{path.name}: {sheets} trang tính, nhập lại {len(preview.changes)} số liệu"


def step_exchange(ctx: Context) -> str:
    from .exchange.approval import approve
    from .exchange.receive import receive_files
    from .exchange.send import send
    from .storage.store import Store

    plan = ctx.store.plan
    # A unit's PC records one of its own figures and sends its file; the commune office receives it.
    unit, indicator, value = next(
        (u, i, _value_meeting(i, ctx.year))
        for u in plan.units
        for i in plan.indicators_of(u.id)
        if _value_meeting(i, ctx.year) is not None
    )
    outbox = ctx.folder / "gui-di"
    outbox.mkdir()
    unit_key = _identity(ctx, "may-don-vi")
    with Store.create(ctx.folder / "may-don-vi.sqlite", ctx.plan_text, unit.id, "Tự kiểm tra", unit_key) as unit_pc:
        unit_pc.record(indicator.code, str(ctx.year), _raw(value), by="Tự kiểm tra")
        sent = send(unit_pc, outbox)
        expected = unit_pc.figure(indicator.code, str(ctx.year)).value
    office_key = _identity(ctx, "van-phong")
    with Store.create(ctx.folder / "van-phong" / "van-phong.sqlite", ctx.plan_text, identity=office_key) as office:
        waiting = receive_files(office, [sent], person="Tự kiểm tra").summaries[0]
        _ensure(waiting.status == "pending", "tệp của một máy chưa được xác nhận không được giữ lại chờ xác nhận.")
        _ensure(unit_key.fingerprint in waiting.reason, "tệp chờ xác nhận không ghi mã máy gửi.")
        summary = approve(office, unit_key.pc_id, person="Tự kiểm tra").summaries[0]
        _ensure(summary.status == "applied", f"Văn phòng không nhận tệp {sent.name}: {summary.reason}")
        got = office.figure(indicator.code, str(ctx.year))
        _ensure(got is not None and got.value == expected, "số liệu nhận được khác số liệu đơn vị đã gửi.")
        again = receive_files(office, [sent], person="Tự kiểm tra").summaries[0]
        _ensure(again.status == "already_imported", "nhận lại cùng một tệp lần hai không được bỏ qua.")
    return f"{sent.name}: {unit.short} gửi, Văn phòng nhận {summary.counts['added']} số liệu mới"


def step_plan(ctx: Context) -> str:
    """The annex exported by the program reads back to the plan; an adjustment makes version 2."""
    from .domain.annex import target_key
    from .excel.annex_import import import_annex
    from .storage.plan_store import adjust_plan

    store = ctx.store
    plan = store.plan
    result = import_annex(ctx.folder / "so-lieu.xlsx")
    _ensure(not result.problems, f"đọc lại phụ lục báo lỗi: {result.problems[:1]}")
    codes = [i["code"] for i in result.plan["indicators"]]
    _ensure(codes == [i.code for i in plan.indicators], "phụ lục đọc lại khác các chỉ tiêu của kế hoạch.")
    indicator = next(i for i in plan.indicators if i.target(plan.last_year) and not i.target(plan.last_year).is_text)
    old = indicator.target(plan.last_year).to_json()
    changed = {**old, "value": (old.get("value") or 0) + 1} if "value" in old else {**old, "high": old["high"] + 1}
    change = {"kind": "target", "code": indicator.code, "year": plan.last_year, "target": changed}
    adjust_plan(store, [change], "01/NQ-HĐND", f"{plan.last_year}-01-02")
    now = store.plan.indicator(indicator.code).target(plan.last_year)
    _ensure(store.plan.version == 2 and target_key(now.to_json()) == target_key(changed), "điều chỉnh kế hoạch.")
    return f"{len(codes)} chỉ tiêu đọc lại từ phụ lục; bản điều chỉnh {store.plan.version}"


STEPS: list[tuple[str, Callable[[Context], str]]] = [
    ("phiên bản các thành phần", step_versions),
    ("tài nguyên kèm theo (kế hoạch, phông chữ, biểu tượng)", step_resources),
    ("tạo tệp dữ liệu tạm từ kế hoạch", step_seed),
    ("ghi số liệu", step_record),
    ("đánh giá kết quả", step_judge),
    ("vẽ biểu đồ ra ảnh PNG", step_chart),
    ("in báo cáo ra tệp PDF", step_report),
    ("báo cáo Word và trang công khai", step_word_and_site),
    ("xuất Excel, đọc lại và nhập lại", step_excel),
    ("gửi và nhận tệp trao đổi số liệu", step_exchange),
    ("đọc phụ lục chỉ tiêu, điều chỉnh kế hoạch", step_plan),
]


# ---- running ------------------------------------------------------------------------------------


def _qt_application():
    """A QApplication (charts are widgets). Headless Linux without a display gets the offscreen platform."""
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        if os.name == "posix" and sys.platform != "darwin" and not os.environ.get("DISPLAY"):
            if not os.environ.get("WAYLAND_DISPLAY"):
                os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QApplication([sys.argv[0] if sys.argv else "kh-desktop"])
    return app


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _show_without_console(text: str, ok: bool) -> None:
    """The windowed Windows program has no console (sys.stdout is None): show the result in a box instead."""
    if sys.stdout is not None:
        return
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QMessageBox

    if QGuiApplication.platformName() in ("offscreen", "minimal"):
        return  # nobody could close the box
    icon = QMessageBox.Icon.Information if ok else QMessageBox.Icon.Critical
    QMessageBox(icon, f"{APP_NAME}: tự kiểm tra", text).exec()


def run_self_test() -> int:
    started = time.perf_counter()
    app = _qt_application()  # noqa: F841 - must outlive every step
    _say(f"{APP_NAME} {__version__}: tự kiểm tra trên tệp dữ liệu tạm.")
    # Windows refuses to delete a file some library still holds open; that must not fail a passed test.
    with tempfile.TemporaryDirectory(prefix="kh-tu-kiem-tra-", ignore_cleanup_errors=True) as folder:
        ctx = Context(Path(folder))
        try:
            for number, (name, step) in enumerate(STEPS, 1):
                try:
                    detail = step(ctx)
                except Exception as exc:  # noqa: BLE001 - every failure is reported with its step
                    message = str(exc) if isinstance(exc, StepFailed) else f"{type(exc).__name__}: {exc}"
                    if not isinstance(exc, StepFailed):
                        traceback.print_exc(file=sys.stderr)
                    _say(f"[{number}/{len(STEPS)}] {name}: LỖI")
                    text = f"Tự kiểm tra KHÔNG ĐẠT ở bước {number} ({name}): {message}"
                    print(text, file=sys.stderr, flush=True)
                    _show_without_console(text, ok=False)
                    return EXIT_FAILED
                _say(f"[{number}/{len(STEPS)}] {name}: đạt — {detail}")
        finally:
            if ctx.store is not None:
                ctx.store.close()
    seconds = time.perf_counter() - started
    from .domain.numbers import format_number

    v = ctx.versions
    text = (
        f"Tự kiểm tra đạt: {len(STEPS)}/{len(STEPS)} bước trong {format_number(seconds, 1)} giây "
        f"(Python {v['Python']}, SQLite {v['SQLite']}, Qt {v['Qt']}, openpyxl dùng defusedxml: {v['defusedxml']})."
    )
    print(text, flush=True)
    _show_without_console(text, ok=True)
    return 0
