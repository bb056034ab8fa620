"""Commands for the "06 rõ" task register: tasks, task add, task set, task history, task remove."""

from __future__ import annotations

from datetime import date

from ..storage.store import Store
from ..storage.task_store import add_task, find_task, list_tasks, remove_task, task_history, update_task
from ..tasks.model import (
    FIELD_LABELS,
    RECURRENCE_LABELS,
    STATUS_LABELS,
    Task,
    TaskRefused,
    format_due,
    parse_due,
    status_code,
)
from ..tasks.rules import effective_due, effective_status, gaps, is_due_soon
from .common import CommandError, open_store, print_json, unit_id

SHORT_ID = 8


def register(sub) -> None:
    p = sub.add_parser("tasks", help="danh sách nhiệm vụ “06 rõ” (mọi đơn vị hoặc một đơn vị)")
    p.add_argument("--unit", help="chỉ nhiệm vụ do đơn vị này chủ trì")
    p.add_argument("--status", help="chỉ nhiệm vụ có trạng thái này (kể cả “quá hạn”)")
    p.add_argument("--gaps", action="store_true", help="chỉ nhiệm vụ còn thiếu người phụ trách hoặc thời hạn")
    p.add_argument("--today", help="ngày dùng để tính quá hạn, dạng 2026-10-01 (mặc định: hôm nay)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_tasks)

    p = sub.add_parser("task", help="thêm, sửa, xem lịch sử một nhiệm vụ")
    task_sub = p.add_subparsers(dest="task_command", metavar="add|set|history|remove", required=True)

    a = task_sub.add_parser("add", help="thêm nhiệm vụ")
    a.add_argument("--unit", required=True, help="đơn vị chủ trì")
    a.add_argument("--title", required=True, help="nội dung nhiệm vụ")
    a.add_argument("--person", default="", help="người phụ trách")
    a.add_argument("--due", default="", help="thời hạn, dạng 2026-09-30")
    a.add_argument("--recurrence", default="", help="lặp lại: hằng quý, hằng năm")
    a.add_argument("--deliverable", default="", help="sản phẩm")
    a.add_argument("--authority", default="", help="thẩm quyền phê duyệt")
    a.add_argument("--cooperating", nargs="+", action="extend", default=[], metavar="NAME", help="đơn vị phối hợp")
    a.add_argument("--indicator", nargs="+", action="extend", default=[], metavar="CODE", help="mã chỉ tiêu")
    a.add_argument("--notes", default="")
    a.add_argument("--by", default="", help="người ghi")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_task_add)

    s = task_sub.add_parser("set", help="sửa một trường: task set ID FIELD VALUE")
    s.add_argument("id", help="mã nhiệm vụ (hoặc ít nhất 4 ký tự đầu)")
    s.add_argument("field", help="trường: " + ", ".join(FIELD_LABELS))
    s.add_argument("value", help='giá trị mới (để trống "" để xóa)')
    s.add_argument("--by", default="", help="người ghi")
    s.add_argument("--today", help="ngày hôm nay theo lịch (mặc định: ngày của máy), dạng 2026-10-01")
    s.set_defaults(func=cmd_task_set)

    h = task_sub.add_parser("history", help="lịch sử thay đổi của một nhiệm vụ")
    h.add_argument("id")
    h.add_argument("--json", action="store_true")
    h.set_defaults(func=cmd_task_history)

    p = sub.add_parser("task-report", help="in bảng phân công nhiệm vụ (06 rõ) ra tệp PDF")
    p.add_argument("out", metavar="OUT.pdf")
    p.add_argument("--unit", help="bảng của một đơn vị (mặc định: mọi đơn vị)")
    p.add_argument("--today", help="ngày tính quá hạn và ghi trên bảng, dạng 2026-10-01 (mặc định: hôm nay)")
    p.set_defaults(func=cmd_task_report)

    r = task_sub.add_parser("remove", help="xóa một nhiệm vụ (vẫn giữ trong lịch sử)")
    r.add_argument("id")
    r.add_argument("--by", default="")
    r.set_defaults(func=cmd_task_remove)


def _today(args) -> date:
    value = getattr(args, "today", None)
    return parse_due(value) if value else date.today()


def task_json(store: Store, task: Task, today: date) -> dict:
    plan = store.plan
    status = effective_status(task, today)
    due = effective_due(task, today)
    return {
        "id": task.id,
        "unit": task.unit,
        "unit_name": plan.unit_by_id(task.unit).name,
        "cooperating": list(task.cooperating),
        "title": task.title,
        "person": task.person,
        "due": task.due.isoformat() if task.due else None,
        "recurrence": task.recurrence,
        "next_due": due.isoformat() if due else None,
        "deliverable": task.deliverable,
        "authority": task.authority,
        "status": STATUS_LABELS[status],
        "status_code": status,
        "progress": task.progress,
        "notes": task.notes,
        "indicators": list(task.indicators),
        "overdue": status == "overdue",
        "due_soon": is_due_soon(task, today),
        "gaps": gaps(task),
        "source": task.source,
        "revision_id": task.revision_id,
        "conflict": task.conflict_id is not None,
        "entered_by": task.entered_by,
        "entered_at": task.entered_at,
    }


def _due_text(task: Task, today: date) -> str:
    due = effective_due(task, today)
    text = format_due(due) if due else "—"
    if task.recurrence:
        text += f" ({RECURRENCE_LABELS[task.recurrence]})"
    return text


def cmd_tasks(args) -> int:
    today = _today(args)
    with open_store(args) as store:
        wanted_unit = unit_id(store, args.unit)
        tasks = list_tasks(store, wanted_unit)
        if args.status:
            code = status_code(args.status)  # "quá hạn" is a judged status, allowed as a filter
            tasks = [t for t in tasks if effective_status(t, today) == code]
        if args.gaps:
            tasks = [t for t in tasks if gaps(t)]
        rows = [task_json(store, t, today) for t in tasks]
        plan = store.plan
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("Không có nhiệm vụ nào.")
        return 0
    current_unit = None
    for task, row in zip(tasks, rows, strict=True):
        if task.unit != current_unit:
            current_unit = task.unit
            print(f"\n{plan.unit_by_id(task.unit).name}:")
        flags = list(row["gaps"])
        if row["due_soon"]:
            flags.insert(0, "sắp đến hạn")
        title = task.title if len(task.title) <= 90 else task.title[:89] + "…"
        print(
            f"  {task.id[:SHORT_ID]}  {row['status']:<14}  {_due_text(task, today):<22}  "
            f"{task.person or '—':<20}  {title}" + (f"  [{'; '.join(flags)}]" if flags else "")
        )
    return 0


def cmd_task_add(args) -> int:
    with open_store(args) as store:
        task, _ = add_task(
            store,
            unit=args.unit,
            title=args.title,
            person=args.person,
            due=args.due,
            recurrence=args.recurrence,
            deliverable=args.deliverable,
            authority=args.authority,
            cooperating=args.cooperating,
            indicators=args.indicator,
            notes=args.notes,
            by=args.by,
        )
        if args.json:
            print_json(task_json(store, task, date.today()))
        else:
            print(f"Đã thêm nhiệm vụ {task.id[:SHORT_ID]} cho {store.plan.unit_by_id(task.unit).name}.")
            missing = gaps(task)
            if missing:
                print(f"Lưu ý “06 rõ”: {', '.join(missing)}.")
    return 0


def cmd_task_set(args) -> int:
    with open_store(args) as store:
        before = find_task(store, args.id)
        task, change = update_task(store, args.id, {args.field: args.value}, by=args.by, today=_today(args))
        if not change.revision:
            print(f"Nhiệm vụ {before.id[:SHORT_ID]} không thay đổi (giá trị đã như vậy).")
        else:
            print(f"Đã sửa nhiệm vụ {task.id[:SHORT_ID]}: {_describe(args.field, task)}.")
    return 0


def _describe(field: str, task: Task) -> str:
    from ..tasks.edit import field_name

    name = field_name(field)
    value = getattr(task, name)
    if name == "status":
        value = STATUS_LABELS[value]
    elif name == "due":
        value = format_due(value) or "(không có)"
    elif name == "recurrence":
        value = RECURRENCE_LABELS.get(value, "không lặp")
    elif name == "progress":
        value = f"{value}%"
    elif isinstance(value, tuple):
        value = ", ".join(value) or "(không có)"
    return f"{FIELD_LABELS[name]} = {value or '(trống)'}"


def cmd_task_history(args) -> int:
    with open_store(args) as store:
        revisions = task_history(store, args.id)
    rows = [
        {
            "revision_id": r.task.revision_id,
            "deleted": r.deleted,
            "title": r.task.title,
            "person": r.task.person,
            "due": r.task.due.isoformat() if r.task.due else None,
            "recurrence": r.task.recurrence,
            "deliverable": r.task.deliverable,
            "authority": r.task.authority,
            "status": STATUS_LABELS[r.task.status],
            "progress": r.task.progress,
            "notes": r.task.notes,
            "unit": r.task.unit,
            "indicators": list(r.task.indicators),
            "by": r.task.entered_by,
            "at": r.task.entered_at,
            "pc": r.task.pc_id,
            "pc_revision": r.pc_revision,
            "supersedes": r.supersedes,
            "received_at": r.received_at,
        }
        for r in revisions
    ]
    if args.json:
        print_json(rows)
        return 0
    for r in revisions:
        t = r.task
        state = "(đã xóa)" if r.deleted else f"{STATUS_LABELS[t.status]}, {t.progress}%"
        print(
            f"{t.entered_at}  {t.entered_by or '—'}  {state}  người phụ trách: {t.person or '—'}  "
            f"thời hạn: {format_due(t.due) or '—'}"
        )
    return 0


def cmd_task_remove(args) -> int:
    with open_store(args) as store:
        task = find_task(store, args.id)
        remove_task(store, args.id, by=args.by)
        print(f"Đã xóa nhiệm vụ {task.id[:SHORT_ID]} (vẫn giữ trong lịch sử).")
    return 0


def cmd_task_report(args) -> int:
    from pathlib import Path

    from ..reports.render import ReportError
    from ..reports.task_sheet import write_task_sheet_pdf

    out = Path(args.out)
    if out.suffix.lower() != ".pdf":
        raise CommandError(f"Tên tệp phải có đuôi .pdf: {out}")
    if not out.parent.is_dir():
        raise CommandError(f"Không có thư mục {out.parent}.")
    today = _today(args)
    with open_store(args) as store:
        wanted = unit_id(store, args.unit)
        try:
            pages = write_task_sheet_pdf(store, out, wanted, today)
        except ReportError as exc:
            raise CommandError(str(exc)) from exc
        who = store.plan.unit_by_id(wanted).name if wanted else "mọi đơn vị"
    print(f"Đã ghi bảng phân công nhiệm vụ của {who} vào {out} ({pages} trang).")
    return 0


__all__ = ["register", "task_json", "TaskRefused"]
