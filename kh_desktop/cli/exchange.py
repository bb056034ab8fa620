"""Commands for exchange files and safety copies: send, receive, imports, conflicts, resolve, resolve-task, backup,
backups, restore."""

from __future__ import annotations

from pathlib import Path

from ..domain.evaluation import format_value
from ..domain.merge import COUNT_LABELS as MERGE_COUNT_LABELS
from ..domain.merge import RECEIVE_STATUS_LABELS
from ..storage.files import StoreError
from ..storage.store import Store
from .common import CommandError, open_store, print_json

# Each command imports the exchange and conflict code it runs: parsing the command line (and opening the window,
# which parses it too) need not load them.

COUNT_LABELS = tuple((key, label.lower()) for key, label in MERGE_COUNT_LABELS)
STATUS_LABELS = {status: label.lower() for status, label in RECEIVE_STATUS_LABELS.items()}


def register(sub) -> None:
    p = sub.add_parser("send", help="ghi tệp gửi số liệu về Văn phòng: send OUT (thư mục hoặc tên tệp)")
    p.add_argument("out", help="thư mục (ví dụ ổ USB) hoặc tên tệp")
    p.set_defaults(func=cmd_send)

    p = sub.add_parser("receive", help="nhận tệp số liệu từ đơn vị: receive FILE...")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--dry-run", action="store_true", help="chỉ cho biết sẽ thay đổi gì, không ghi")
    p.add_argument("--json", action="store_true")
    p.add_argument("--by", default="", help="người nhận")
    p.set_defaults(func=cmd_receive)

    p = sub.add_parser("imports", help="nhật ký nhận số liệu")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_imports)

    p = sub.add_parser("conflicts", help="các số liệu và nhiệm vụ hai máy ghi khác nhau, chờ người quyết định")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_conflicts)

    p = sub.add_parser("resolve", help="giải quyết xung đột: resolve CODE PERIOD --keep REVISION_ID")
    p.add_argument("code")
    p.add_argument("period")
    p.add_argument("--keep", required=True, metavar="REVISION_ID", help="mã phiên bản giữ lại (xem lệnh conflicts)")
    p.add_argument("--by", default="")
    p.set_defaults(func=cmd_resolve)

    p = sub.add_parser("resolve-task", help="giải quyết xung đột của một nhiệm vụ: resolve-task ID --keep REVISION_ID")
    p.add_argument("id", metavar="ID", help="mã nhiệm vụ (hoặc ít nhất 4 ký tự đầu)")
    p.add_argument("--keep", required=True, metavar="REVISION_ID", help="mã phiên bản giữ lại (xem lệnh conflicts)")
    p.add_argument("--by", default="")
    p.set_defaults(func=cmd_resolve_task)

    p = sub.add_parser("backup", help="sao lưu ngay vào thư mục sao-luu cạnh tệp dữ liệu")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("backups", help="các bản sao lưu hiện có")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_backups)

    p = sub.add_parser("restore", help="khôi phục tệp dữ liệu từ một bản sao lưu: restore FILE")
    p.add_argument("file", type=Path)
    p.set_defaults(func=cmd_restore)


def cmd_send(args) -> int:
    from ..exchange.send import send

    with open_store(args) as store:
        written = send(store, Path(args.out))
    print(written)
    return 0


def cmd_receive(args) -> int:
    from ..exchange.receive import receive_files
    from ..storage.trust_store import unit_name as unit_label

    with open_store(args) as store:
        result = receive_files(store, [Path(f) for f in args.files], dry_run=args.dry_run, person=args.by)
        labels = {s.unit: unit_label(store, s.unit) for s in result.summaries}
    print_summaries(result, labels, as_json=args.json, dry_run=args.dry_run)
    return 1 if any(s.status == "refused" for s in result.summaries) else 0


def print_summaries(result, labels: dict, *, as_json: bool, dry_run: bool) -> None:
    """What a receive (or an approval, which receives the held files) did, file by file."""
    summaries = result.summaries
    if as_json:
        print_json([s.to_json() for s in summaries])
        return
    if dry_run:
        print("Xem trước (chưa ghi gì):")
    for s in summaries:
        print(f"{Path(s.file).name}: {STATUS_LABELS[s.status]}{' — ' + labels[s.unit] if s.unit else ''}")
        if s.status == "refused":
            print(f"  Lý do: {s.reason}")
            continue
        if s.status == "pending":
            print(f"  {s.reason}")
            print(f"  Sau khi so mã máy với đơn vị qua điện thoại: kh-desktop pcs approve {s.pc_id}")
            continue
        print("  " + ", ".join(f"{s.counts[key]} {label}" for key, label in COUNT_LABELS))
        if s.plan_versions:
            print(f"  Nhận {s.plan_versions} bản điều chỉnh kế hoạch từ Văn phòng (xem lệnh plan versions).")
        for row in s.refused:
            print(f"  Từ chối: {row['label']} — {row['reason']}")
        for row in s.conflicts:
            print(f"  Xung đột: {row['label']} (xem lệnh conflicts)")
    if result.backup:
        print(f"Đã sao lưu trước khi nhận: {result.backup}")


def cmd_imports(args) -> int:
    from ..storage.exchange_store import import_log
    from ..storage.trust_store import unit_name as unit_label

    with open_store(args) as store:
        rows = import_log(store)
        labels = {r["unit"]: unit_label(store, r["unit"]) for r in rows}
    if args.json:
        print_json(rows)
        return 0
    if not rows:
        print("Chưa nhận tệp số liệu nào.")
    for r in rows:
        counts = ", ".join(f"{r[key]} {label}" for key, label in COUNT_LABELS)
        print(f"{r['received_at']}  {labels[r['unit']]}  {r['file_name']}  (mốc {r['pc_revision']}): {counts}")
    return 0


def cmd_conflicts(args) -> int:
    from ..storage.conflict_store import conflict_json, task_conflict_list
    from ..storage.exchange_store import conflicts
    from ..storage.trust_store import unit_name as unit_label

    with open_store(args) as store:
        rows = conflicts(store)
        for row in rows:
            row["kind"] = "figure"
            for side in ("current", "other"):
                row[side]["unit_name"] = unit_label(store, row[side]["unit"] or "*")
        tasks = task_conflict_list(store)
        task_rows = [conflict_json(c) for c in tasks]
        for row, conflict in zip(task_rows, tasks, strict=True):
            row["label"] = conflict.label
            for side, item in (("current", conflict.current), ("other", conflict.other)):
                row[side]["pc_label"] = item.pc_label
    if args.json:
        print_json(rows + task_rows)
        return 0
    if not rows and not task_rows:
        print("Không có xung đột nào.")
    for row in rows:
        print(f"Chỉ tiêu {row['code']} kỳ {row['period']}:")
        for side, label in (("current", "đang dùng"), ("other", "máy khác")):
            item = row[side]
            value = "(đã xóa)" if item["deleted"] else format_value(item["value"])
            print(f"  {label}: {value} — {item['unit_name']}, {item['entered_by'] or '—'}, {item['entered_at']}")
            print(f"    mã phiên bản: {item['revision_id']}")
    for row, conflict in zip(task_rows, tasks, strict=True):
        print(f"{conflict.label} (mã {row['task_id']}):")
        differing = conflict.differing or list(conflict.current.fields)
        for side, label in ((conflict.current, "đang dùng"), (conflict.other, "máy khác")):
            shown = "(đã xóa)" if side.deleted else "; ".join(f"{k}: {side.fields[k] or '—'}" for k in differing)
            print(f"  {label}: {shown} — {side.pc_label}, {side.entered_by or '—'}, {side.entered_at}")
            print(f"    mã phiên bản: {side.revision_id}")
    return 0


def cmd_resolve(args) -> int:
    from ..storage.conflict_store import FIGURE, find_conflict, settle

    with open_store(args) as store:
        conflict = find_conflict(store, FIGURE, (args.code, args.period))
        if conflict is None:
            raise CommandError(f"Chỉ tiêu {args.code} kỳ {args.period} không có xung đột nào (xem lệnh conflicts).")
        settle(store, conflict, args.keep, by=args.by)  # refuses another unit's figure on a one-unit PC
        figure = store.figure(args.code, args.period)
    value = format_value(figure.value) if figure else "(đã xóa)"
    print(f"Đã giải quyết xung đột chỉ tiêu {args.code} kỳ {args.period}: giữ {value}.")
    return 0


def cmd_resolve_task(args) -> int:
    from ..storage.conflict_store import TASK, find_conflict, settle, task_conflict_list

    with open_store(args) as store:
        wanted = str(args.id).strip().lower()
        matches = [c for c in task_conflict_list(store) if c.key[0].startswith(wanted)] if len(wanted) >= 4 else []
        if len(matches) != 1:
            raise CommandError(
                f"Không có nhiệm vụ mã “{args.id}” đang xung đột (xem lệnh conflicts)."
                if not matches
                else f"Mã “{args.id}” chưa đủ để phân biệt: hãy ghi thêm ký tự của mã."
            )
        conflict = find_conflict(store, TASK, matches[0].key)
        settle(store, conflict, args.keep, by=args.by)
        label = conflict.label
    print(f"Đã giải quyết xung đột: {label}.")
    return 0


def cmd_backup(args) -> int:
    from ..exchange.backups import backup_now

    with open_store(args) as store:
        path = backup_now(store, "thu-cong")
    print(path)
    return 0


def cmd_backups(args) -> int:
    from ..exchange.backups import list_backups

    found = list_backups(Path(args.db))
    if args.json:
        print_json([{"file": str(b.path), "when": b.when_label, "reason": b.reason} for b in found])
        return 0
    if not found:
        print("Chưa có bản sao lưu nào.")
    for b in found:
        print(f"{b.when_label}  {b.reason_label}  {b.path}")
    return 0


def cmd_restore(args) -> int:
    from ..exchange.backups import restore

    db = Path(args.db)
    if not args.file.is_file():
        raise CommandError(f"Không có tệp sao lưu {args.file}.")
    plan_sha = None
    if db.exists():
        try:
            with Store.open(db) as store:
                plan_sha = store.plan_sha256
        except StoreError:
            plan_sha = None  # the current file is damaged: that is why one restores
    aside = restore(db, args.file, plan_sha)
    print(f"Đã khôi phục {db} từ {args.file}. Tệp cũ được giữ lại ở {aside}.")
    return 0
