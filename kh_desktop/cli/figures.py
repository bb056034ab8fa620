"""Commands for the plan and its figures: init, plan, set, clear, status, history, check."""

from __future__ import annotations

from pathlib import Path

from ..domain.errors import os_reason
from ..domain.evaluation import VERDICT_LABELS, format_target, format_value
from ..domain.numbers import format_number
from ..domain.periods import BASELINE, parse_period
from ..domain.plan import load_plan_text
from ..paths import default_plan_path
from ..storage.store import ALL_UNITS, Store
from .common import CommandError, open_store, print_json, unit_id


def register(sub) -> None:
    p = sub.add_parser("init", help="tạo tệp dữ liệu mới từ kế hoạch")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--unit", help="đơn vị sở hữu máy này")
    group.add_argument("--all-units", action="store_true", help="mọi đơn vị trên một máy (máy tổng hợp của Văn phòng)")
    p.add_argument("--plan", type=Path, help="tệp kế hoạch (JSON); mặc định là kế hoạch của xã")
    p.add_argument("--person", default="", help="tên người nhập liệu")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("plan", help="các chỉ tiêu của kế hoạch (đang áp dụng); điều chỉnh: plan adjust, plan versions")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_plan)
    from .plans import register_plan_subcommands  # plan adjust, plan versions (issue 13)

    register_plan_subcommands(p)

    p = sub.add_parser("set", help="ghi số liệu thực hiện: set CODE PERIOD VALUE")
    p.add_argument("code")
    p.add_argument(
        "period",
        help="2026, 2026-Q1, 2026-H1, 2026-9T (9 tháng), 2026-Q3, 2025 (số liệu so sánh) hoặc baseline (số hiện nay)",
    )
    p.add_argument("value")
    p.add_argument("--estimate", action="store_true", help="số ước thực hiện")
    p.add_argument("--note", default="")
    p.add_argument("--by", default="")
    p.set_defaults(func=cmd_set)

    p = sub.add_parser("clear", help="xóa số liệu của một kỳ (vẫn giữ trong lịch sử)")
    p.add_argument("code")
    p.add_argument("period")
    p.add_argument("--by", default="")
    p.set_defaults(func=cmd_clear)

    p = sub.add_parser("status", help="đánh giá kết quả so với chỉ tiêu")
    p.add_argument("--year", type=int)
    p.add_argument("--period", help="quý I 2026-Q1, 6 tháng 2026-H1, 9 tháng 2026-9T, cả năm 2026, quý 2026-Q3")
    p.add_argument("--unit")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_status)

    p = sub.add_parser("history", help="lịch sử thay đổi của một số liệu")
    p.add_argument("code")
    p.add_argument("period")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("check", help="kiểm tra tính toàn vẹn của tệp dữ liệu")
    p.set_defaults(func=cmd_check)


def cmd_init(args) -> int:
    path = Path(args.db)
    if path.exists() and path.stat().st_size > 0:
        with Store.open(path) as store:
            owner = store.pc_unit
            who = store.plan.unit_by_id(owner).name if owner else "mọi đơn vị"
        print(f"Tệp dữ liệu {path} đã có (máy của: {who}). Không thay đổi gì.")
        return 0
    plan_path = args.plan or default_plan_path()
    try:
        plan_text = Path(plan_path).read_text(encoding="utf-8")
    except OSError as exc:
        raise CommandError(f"Không đọc được tệp kế hoạch {plan_path}: {os_reason(exc)}.") from exc
    plan = load_plan_text(plan_text)
    names = "; ".join(u.name for u in plan.units)
    if not args.unit and not args.all_units:
        raise CommandError(
            'Hãy cho biết máy này của đơn vị nào: --unit "TÊN ĐƠN VỊ" (một trong: '
            f"{names}), hoặc --all-units cho máy tổng hợp của Văn phòng."
        )
    # The unit is resolved before anything is written: a mistyped name leaves no file behind.
    unit = plan.unit(args.unit).id if args.unit else ALL_UNITS
    with Store.create(path, plan_text, unit, args.person) as store:
        who = store.plan.unit_by_id(unit).name if unit != ALL_UNITS else "mọi đơn vị"
        print(f"Đã tạo tệp dữ liệu {path}: {len(store.plan.indicators)} dòng chỉ tiêu, máy của: {who}.")
    return 0


def cmd_plan(args) -> int:
    with open_store(args) as store:
        plan = store.plan
        rows = [
            {
                "code": i.code,
                "stt": i.stt,
                "name": i.name,
                "measure": i.measure,
                "owners": plan.owner_names(i),
                "owners_as_written": i.owners_as_written,
                "aggregation": i.aggregation,
                "direction": i.direction,
                "targets": {str(y): (i.target(y).to_json() if i.target(y) else None) for y in plan.years},
                "baseline": i.baseline.label if i.baseline else None,
                "words": list(i.allowed_words),
                "notes": list(i.notes),
                "version": i.version,
            }
            for i in plan.indicators
        ]
    if args.json:
        print_json(rows)
    else:
        for row, i in zip(rows, plan.indicators, strict=True):
            targets = " | ".join(format_target(i.target(y)) or "–" for y in plan.years)
            print(f"{i.code:>5}  {i.name} ({i.measure}): {targets}  [{', '.join(row['owners'])}]")
    return 0


def cmd_set(args) -> int:
    with open_store(args) as store:
        store.record(args.code, args.period, args.value, estimate=args.estimate, note=args.note, by=args.by)
        period = (
            args.period
            if args.period == BASELINE
            else parse_period(args.period, store.plan.first_year, store.plan.last_year).key
        )
        figure = store.figure(args.code, period)
        kind = "ước thực hiện" if figure.estimate else "chính thức"
        print(f"Đã ghi {args.code} kỳ {period}: {format_value(figure.value)} ({kind}).")
    return 0


def cmd_clear(args) -> int:
    with open_store(args) as store:
        change = store.clear(args.code, args.period, by=args.by)
        print("Đã xóa số liệu (vẫn giữ trong lịch sử)." if change.figures else "Kỳ này chưa có số liệu.")
    return 0


def cmd_status(args) -> int:
    with open_store(args) as store:
        plan = store.plan
        if args.period:
            period = parse_period(args.period, plan.first_year, plan.last_year)
        elif args.year is not None:
            period = parse_period(str(args.year), plan.first_year, plan.last_year)
        else:
            raise CommandError("Hãy cho biết năm (--year 2026) hoặc kỳ (--period 2026-H1).")
        assessments = store.assess(period, unit_id(store, args.unit))
        earlier = store.same_period(period, unit_id(store, args.unit))
    rows = [
        {
            "code": a.code,
            "name": plan.indicator(a.code).name,
            "period": period.key,
            "actual": a.actual,
            "derived": a.derived,
            "estimate": a.estimate,
            "percent": round(a.percent, 2) if a.percent is not None else None,
            "verdict": a.verdict,
            "verdict_label": a.verdict_label,
            "target": a.target.to_json() if a.target else None,
            "ratio": a.ratio,
            "partial": a.partial,
            "reason": a.reason,
            "disagreement": a.disagreement,
            "same_period_last_year": earlier[a.code].previous,
            "same_period_last_year_estimate": earlier[a.code].estimate,
            # percentage points for rows measured in %, percent of last year's figure otherwise
            "change": round(earlier[a.code].change, 2) if earlier[a.code].change is not None else None,
            "change_unit": ("điểm %" if earlier[a.code].in_points else "%")
            if earlier[a.code].change is not None
            else None,
        }
        for a in assessments
    ]
    if args.json:
        print_json(rows)
        return 0
    print(
        f"Đánh giá {period.label.lower()} (số liệu tính từ đầu năm đến hết kỳ):"
        if period.cumulative and period.kind != "Q"
        else f"Đánh giá {period.label.lower()}:"
    )
    for a in assessments:
        actual = format_value(a.actual) + (" (ước)" if a.estimate else "") + (" *" if a.derived else "")
        percent = format_number(a.percent, 1) + "%" if a.percent is not None else ""
        same = earlier[a.code]
        compared = f"  cùng kỳ {same.previous_text}" if same.previous is not None else ""
        compared += f" ({same.change_text})" if same.change_text else ""
        flags = ("  [chưa đủ kỳ]" if a.partial else "") + ("  [số liệu không khớp]" if a.disagreement else "")
        print(
            f"{a.code:>5}  {format_target(a.target):>12}  {actual:>14}  {percent:>8}  "
            f"{VERDICT_LABELS[a.verdict]}{compared}{flags}"
        )
    if any(a.derived for a in assessments):
        print("* số liệu suy ra từ các kỳ đã nhập.")
    return 0


def cmd_history(args) -> int:
    with open_store(args) as store:
        revisions = store.history(args.code, args.period)
    rows = [
        {
            "id": r.id,
            "value": r.value,
            "deleted": r.deleted,
            "estimate": r.estimate,
            "note": r.note,
            "by": r.entered_by,
            "at": r.entered_at,
            "pc": r.pc_id,
            "pc_revision": r.pc_revision,
            "supersedes": r.supersedes,
            "received_at": r.received_at,
        }
        for r in revisions
    ]
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("Chưa có số liệu nào cho kỳ này.")
    for r in revisions:
        value = "(đã xóa)" if r.deleted else format_value(r.value)
        print(f"{r.entered_at}  {r.entered_by or '—'}  {value}{' (ước)' if r.estimate else ''}  {r.note}")
    return 0


def cmd_check(args) -> int:
    with open_store(args) as store:
        problems = store.check()
    if problems:
        print("Tệp dữ liệu có lỗi:")
        for problem in problems:
            print(f"- {problem}")
        return 1
    print("Tệp dữ liệu nguyên vẹn: kiểm tra đạt.")
    return 0
