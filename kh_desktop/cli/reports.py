"""Commands for paper and Excel: report, export-xlsx, template-xlsx, import-xlsx."""

from __future__ import annotations

from pathlib import Path

from ..domain.periods import PeriodError, ReportPeriod, parse_period, parse_report_period
from .common import CommandError, open_store, unit_id


def register(sub) -> None:
    p = sub.add_parser("report", help="báo cáo kết quả thực hiện chỉ tiêu: tệp PDF hoặc Word (.docx) theo đuôi tên tệp")
    p.add_argument("out", metavar="OUT.pdf|OUT.docx")
    p.add_argument(
        "--period",
        required=True,
        help="quý I 2026-Q1, 6 tháng 2026-H1, 9 tháng 2026-9T, cả năm 2026, một quý 2026-Q3, "
        "2026-2028 (giữa kỳ) hoặc 2026-2030",
    )
    p.add_argument("--unit", help="báo cáo của một đơn vị (mặc định: toàn xã)")
    p.add_argument("--charts", action="store_true", help="thêm trang biểu đồ tiến độ cho từng chỉ tiêu")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("publish", help="trang công khai (HTML tĩnh, không cần mạng) cho một kỳ: toàn xã và từng đơn vị")
    p.add_argument("out_dir", metavar="OUT_DIR")
    p.add_argument("--period", required=True, help="quý I 2026-Q1, 6 tháng 2026-H1, 9 tháng 2026-9T, cả năm 2026")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("export-xlsx", help="xuất toàn bộ chỉ tiêu và số liệu ra tệp Excel")
    p.add_argument("out", metavar="OUT.xlsx")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("template-xlsx", help="mẫu Excel nhập số liệu cho một đơn vị và một kỳ")
    p.add_argument("out", metavar="OUT.xlsx")
    p.add_argument("--unit", required=True)
    p.add_argument(
        "--period",
        required=True,
        help="quý I 2026-Q1, 6 tháng 2026-H1, 9 tháng 2026-9T, cả năm 2026, một quý 2026-Q3; 2025 (số liệu so sánh)",
    )
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("import-xlsx", help="nhập số liệu từ tệp Excel (đã xuất hoặc mẫu nhập liệu)")
    p.add_argument("path", metavar="IN.xlsx")
    p.add_argument("--dry-run", action="store_true", help="chỉ liệt kê những gì sẽ thay đổi, không ghi")
    p.add_argument("--by", default="", help="tên người nhập")
    p.set_defaults(func=cmd_import)


def _xlsx_out(path: str) -> Path:
    out = Path(path)
    if out.suffix.lower() != ".xlsx":
        raise CommandError(f"Tên tệp phải có đuôi .xlsx: {out}")
    return out


def cmd_report(args) -> int:
    from ..reports.content import build_report
    from ..reports.render import ReportError, write_pdf

    out = Path(args.out)
    suffix = out.suffix.lower()
    if suffix not in (".pdf", ".docx"):
        raise CommandError(f"Tên tệp phải có đuôi .pdf (in) hoặc .docx (Word, để sửa tiếp): {out}")
    with open_store(args) as store:
        plan = store.plan
        rp = parse_report_period(args.period, plan.first_year, plan.last_year)
        unit = unit_id(store, args.unit)
        content = build_report(store, rp, unit)
        if suffix == ".docx":
            from ..reports.docx_report import write_docx
            from ..reports.narrative import draft_sentences

            try:
                write_docx(content, draft_sentences(store, rp, unit), out, plan.last_year)
            except ReportError as exc:
                raise CommandError(str(exc)) from exc
            who = content.unit_name or "toàn xã"
            print(
                f"Đã ghi báo cáo {rp.label} ({who}) vào {out} (Word): phần I đã soạn sẵn từ số liệu, hãy đọc lại và sửa."
            )
            return 0
        extra = None
        if args.charts:
            from ..reports.charts import chart_pages

            extra = chart_pages(store, content)
        try:
            pages = write_pdf(content, out, plan.last_year, extra)
        except ReportError as exc:
            raise CommandError(str(exc)) from exc
    who = content.unit_name or "toàn xã"
    print(f"Đã ghi báo cáo {rp.label} ({who}) vào {out}: {pages} trang.")
    return 0


def cmd_publish(args) -> int:
    from ..reports.publish import publish_site
    from ..reports.render import ReportError

    with open_store(args) as store:
        plan = store.plan
        rp = parse_report_period(args.period, plan.first_year, plan.last_year)
        try:
            pages = publish_site(store, Path(args.out_dir), rp)
        except ReportError as exc:
            raise CommandError(str(exc)) from exc
    print(f"Đã ghi trang công khai {rp.label} vào {args.out_dir}: {len(pages)} trang (mở {pages[0].name}).")
    return 0


def cmd_export(args) -> int:
    from ..excel.common import ExcelError  # openpyxl: loaded only by the commands that use it
    from ..excel.export import export_workbook

    out = _xlsx_out(args.out)
    with open_store(args) as store:
        try:
            export_workbook(store, out)
        except ExcelError as exc:
            raise CommandError(str(exc)) from exc
    print(f"Đã xuất tệp Excel {out}.")
    return 0


def cmd_template(args) -> int:
    from ..excel.common import ExcelError  # openpyxl: loaded only by the commands that use it
    from ..excel.export import write_template

    out = _xlsx_out(args.out)
    with open_store(args) as store:
        plan = store.plan
        try:
            rp = parse_report_period(args.period, plan.first_year, plan.last_year)
        except PeriodError:
            # The year before the plan has no report, but its reference figures may be entered from a template.
            period = parse_period(args.period, plan.first_year, plan.last_year)
            rp = ReportPeriod(period.year, period.year, period)
        unit = plan.unit(args.unit)
        try:
            write_template(store, out, unit.id, rp)
        except ExcelError as exc:
            raise CommandError(str(exc)) from exc
    print(f"Đã tạo mẫu nhập liệu {out} ({unit.name}, {rp.label}).")
    return 0


def cmd_import(args) -> int:
    from ..excel.common import ExcelError  # openpyxl: loaded only by the commands that use it
    from ..excel.importer import apply_import, preview_import

    path = Path(args.path)
    if not path.exists():
        raise CommandError(f"Không có tệp {path}.")
    with open_store(args) as store:
        try:
            preview = preview_import(store, path)
        except ExcelError as exc:
            raise CommandError(str(exc)) from exc
        for sheet in preview.skipped_sheets:
            print(f"Bỏ qua trang “{sheet}” (chỉ để xem, không phải trang nhập liệu).")
        if preview.problems:
            print(f"Có {len(preview.problems)} ô sai, chưa nhập gì:")
            for problem in preview.problems:
                print(f"- {problem}")
            return 1
        if not preview.changes:
            print(
                f"Tệp không có số liệu nào khác với dữ liệu hiện có ({preview.unchanged} ô không đổi). "
                "Không thay đổi gì."
            )
            return 0
        heading = "Sẽ thay đổi" if args.dry_run else "Thay đổi"
        print(f"{heading} {len(preview.changes)} số liệu:")
        for change in preview.changes:
            print(f"- {change}")
        print(f"Không đổi: {preview.unchanged} ô (giống dữ liệu đang có).")
        if args.dry_run:
            print("Chạy thử (--dry-run): chưa ghi gì.")
            return 0
        try:
            apply_import(store, preview, by=args.by)
        except ExcelError as exc:
            raise CommandError(str(exc)) from exc
    print(f"Đã nhập {len(preview.changes)} số liệu trong một lần ghi.")
    return 0
