"""Commands for the plan itself: plan-import (an annex typed in Excel becomes a plan file)."""

from __future__ import annotations

import json
import os
from pathlib import Path

from ..domain.plan import parse_plan
from .common import CommandError, print_json


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
