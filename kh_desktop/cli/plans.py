"""Commands for the plan itself: plan-import (an annex typed in Excel becomes a plan file)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..domain.plan import parse_plan
from .common import CommandError, open_store, print_json


def register(sub) -> None:
    p = sub.add_parser("plan-import", help="đọc phụ lục chỉ tiêu (Excel) của một xã/phường thành tệp kế hoạch")
    p.add_argument("annex", type=Path, metavar="ANNEX.xlsx")
    p.add_argument("--out", type=Path, required=True, metavar="PLAN.json", help="tệp kế hoạch sẽ ghi")
    p.add_argument("--units", help="tên đầy đủ các đơn vị, cách nhau bằng “;” (nếu tệp không có trang “Đơn vị”)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plan_import)


def write_plan_file(plan: dict, out: Path) -> None:
    text = json.dumps(plan, ensure_ascii=False, indent=1) + "\n"
    tmp = out.with_name(out.name + ".tmp")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise CommandError(f"Không ghi được tệp kế hoạch {out}: {exc.strerror or exc}.") from exc


def cmd_plan_import(args) -> int:
    if not args.annex.exists():
        raise CommandError(f"Không có tệp {args.annex}.")
    from ..excel.annex_import import describe_choice, import_annex  # openpyxl: loaded only when needed
    from ..excel.common import ExcelError

    units = args.units.split(";") if args.units else None
    try:
        result = import_annex(args.annex, units)
    except ExcelError as exc:
        raise CommandError(str(exc)) from exc
    if not result.plan["indicators"]:
        raise CommandError(
            f"Không đọc được chỉ tiêu nào từ {args.annex.name}; không ghi tệp kế hoạch. "
            + "; ".join(f"{p['cell']}: {p['reason']}" for p in result.problems[:5])
        )
    parse_plan(result.plan)  # what init will load must load
    write_plan_file(result.plan, args.out)
    if args.json:
        print_json(result.to_json())
        return 0
    plan = result.plan
    print(
        f"Đã đọc {len(plan['indicators'])} chỉ tiêu, {len(plan['units'])} đơn vị "
        f"(trang “{plan['source']['sheet']}”, {plan['first_year']}–{plan['last_year']}); đã ghi {args.out}."
    )
    if result.problems:
        print(f"Ô không đọc được ({len(result.problems)}), dòng của ô bị bỏ ra khỏi kế hoạch:")
        for p in result.problems:
            print(f"  {p['cell']}: “{p['text']}”: {p['reason']}")
    else:
        print("Mọi ô đều đọc được.")
    if result.confirm:
        print(f"Cần người xác nhận ({len(result.confirm)}; ghi cột “Cách tính”/“Chiều đánh giá” để khỏi hỏi):")
        for entry in result.confirm:
            print("  " + describe_choice(entry))
    return 0


# ---- plan adjust, plan versions ------------------------------------------------------------------------


def register_plan_subcommands(p) -> None:
    sub = p.add_subparsers(dest="plan_command", metavar="{adjust,versions}")
    a = sub.add_parser(
        "adjust",
        help="điều chỉnh chỉ tiêu theo Nghị quyết HĐND: adjust CODE YEAR TARGET, hoặc adjust --from ADJUSTED.xlsx",
    )
    a.add_argument("code", nargs="?", help="mã chỉ tiêu")
    a.add_argument("year", nargs="?", help="năm (2029) hoặc cả giai đoạn (2026-2030)")
    a.add_argument(
        "target", nargs="?", help="chỉ tiêu mới, viết như trong phụ lục: “≥14”, “15 - 17”, “Tổng 1.100”, “Đạt”"
    )
    a.add_argument("--from", dest="from_xlsx", type=Path, metavar="ADJUSTED.xlsx", help="phụ lục đã điều chỉnh")
    a.add_argument("--decision", required=True, help="số Nghị quyết: 15/NQ-HĐND")
    a.add_argument("--date", required=True, help="ngày Nghị quyết: YYYY-MM-DD")
    a.add_argument("--dry-run", action="store_true", help="chỉ xem các thay đổi, không ghi")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_plan_adjust)
    v = sub.add_parser("versions", help="các bản của kế hoạch (ban hành và các lần điều chỉnh)")
    v.add_argument("--json", action="store_true")
    v.set_defaults(func=cmd_plan_versions)


def _year_of(plan, text: str) -> tuple[int, bool]:
    """(the year whose target changes, whether YEAR named the whole period)."""
    text = (text or "").strip().replace("–", "-").replace(" ", "")
    if text == f"{plan.first_year}-{plan.last_year}":
        return plan.last_year, True
    if text.isdigit() and plan.first_year <= int(text) <= plan.last_year:
        return int(text), False
    raise CommandError(
        f"Năm “{text}” không có trong kế hoạch: ghi một năm {plan.first_year}–{plan.last_year} "
        f"hoặc cả giai đoạn {plan.first_year}-{plan.last_year}."
    )


def _single_change(plan, args) -> list[dict]:
    from ..domain.annex import AnnexError, read_target

    if not (args.code and args.year and args.target is not None):
        raise CommandError(
            "Ghi: plan adjust CODE YEAR TARGET --decision … --date …, hoặc plan adjust --from ADJUSTED.xlsx."
        )
    indicator = plan.indicator(args.code)
    year, whole = _year_of(plan, args.year)
    try:
        target = read_target(
            args.target, measure=indicator.measure, direction=indicator.direction, first_year=plan.first_year
        )
    except AnnexError as exc:
        raise CommandError(f"Không đọc được chỉ tiêu “{args.target}”: {exc}") from exc
    if target is not None and target["op"] == "total" and not whole:
        target["from_year"] = year  # "Tổng" of one year: the sum of its quarters
    return [{"kind": "target", "code": indicator.code, "year": year, "target": target}]


def _changes_from_annex(plan, path: Path) -> list[dict]:
    from ..domain.adjustments import plan_changes
    from ..domain.plan import parse_plan
    from ..excel.annex_import import UNITS_SHEET, import_annex
    from ..excel.common import ExcelError

    try:
        try:
            result = import_annex(path)
        except ExcelError as exc:
            if UNITS_SHEET not in str(exc):
                raise
            result = import_annex(path, [u.name for u in plan.units])  # no units sheet: this plan's units
    except ExcelError as exc:
        raise CommandError(str(exc)) from exc
    if result.problems:
        # a row left out would read as a row gone: nothing is applied until every cell reads
        lines = "; ".join(f"{p['cell']} “{p['text']}”: {p['reason']}" for p in result.problems[:10])
        raise CommandError(f"Phụ lục điều chỉnh có ô không đọc được, chưa điều chỉnh gì. Sửa rồi chạy lại: {lines}")
    raw = result.plan
    if (raw["first_year"], raw["last_year"]) != (plan.first_year, plan.last_year):
        raise CommandError(
            f"Phụ lục điều chỉnh là kế hoạch {raw['first_year']}–{raw['last_year']}, "
            f"không phải {plan.first_year}–{plan.last_year}."
        )
    unstated = {(c["code"], c["field"]) for c in result.confirm}
    for item in raw["indicators"]:  # what the annex does not say stays as the plan in force has it
        if plan.has_indicator(item["code"]):
            mine = plan.indicator(item["code"])
            for field in ("aggregation", "direction"):
                if (item["code"], field) in unstated:
                    item[field] = getattr(mine, field)
    return plan_changes(plan, parse_plan({**plan.raw, "units": raw["units"], "indicators": raw["indicators"]}))


def cmd_plan_adjust(args) -> int:
    from ..domain.adjustments import check_decision, describe_change
    from ..storage.plan_store import adjust_plan

    with open_store(args) as store:
        plan = store.plan
        number, day = check_decision(args.decision, args.date)
        changes = _changes_from_annex(plan, args.from_xlsx) if args.from_xlsx else _single_change(plan, args)
        decided = int(day[:4])
        past = [c for c in changes if c["kind"] == "target" and int(c["year"]) < decided]
        if past and not args.from_xlsx:
            raise CommandError(
                f"Năm {past[0]['year']} đã qua khi có Nghị quyết (năm {decided}): chỉ tiêu của năm đã qua giữ nguyên."
            )
        changes = [c for c in changes if c not in past]
        described = [describe_change(plan, c) for c in changes]
        skipped = [describe_change(plan, c) for c in past]
        if args.dry_run or not changes:
            adjustment = None
        else:
            adjustment = adjust_plan(store, changes, number, day)
    if args.json:
        print_json(
            {
                "adjustment": adjustment.to_json() if adjustment else None,
                "changes": changes,
                "described": described,
                "skipped": skipped,
            }
        )
        return 0
    if not changes:
        print("Không có thay đổi nào so với kế hoạch đang áp dụng; không ghi gì.")
    for line in described:
        print("  " + line)
    for line in skipped:
        print("  Bỏ qua (năm đã qua khi có Nghị quyết): " + line)
    if adjustment is not None:
        print(f"Đã ghi bản {adjustment.version} của kế hoạch: {adjustment.label}.")
    elif changes:
        print("Chưa ghi gì (--dry-run).")
    return 0


def cmd_plan_versions(args) -> int:
    from ..storage.plan_store import version_list

    with open_store(args) as store:
        versions = version_list(store)
    if args.json:
        print_json(
            [
                {k: v[k] for k in ("version", "decision", "date", "changes")} | {"described": v["described"]}
                for v in versions
            ]
        )
        return 0
    for v in versions:
        head = f"Bản {v['version']}: " + (v.get("label") or "Kế hoạch ban hành")
        print(head)
        for line in v["described"][1 if v["version"] == 1 else 0 :]:
            print("  " + line)
    return 0
