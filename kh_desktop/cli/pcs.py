"""Commands for PC identities: whoami, pcs, pcs approve, pcs revoke."""

from __future__ import annotations

from ..storage.store import ALL_UNITS
from .common import open_store, print_json

STATUS_WORDS = {"pending": "chờ xác nhận", "approved": "đã xác nhận", "revoked": "đã thu hồi"}


def register(sub) -> None:
    p = sub.add_parser("whoami", help="mã của máy này (đọc cho Văn phòng khi xác nhận máy)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_whoami)

    p = sub.add_parser("pcs", help="các máy đã gửi tệp đến; pcs approve / pcs revoke")
    p.add_argument("--json", action="store_true")
    actions = p.add_subparsers(dest="action", metavar="ACTION")
    a = actions.add_parser("approve", help="xác nhận một máy cho một đơn vị rồi nhận các tệp đang chờ của nó")
    a.add_argument("pc_id", metavar="PC_ID")
    group = a.add_mutually_exclusive_group()
    group.add_argument("--unit", help="đơn vị của máy (mặc định: đơn vị mà các tệp đang chờ ghi)")
    group.add_argument("--all-units", action="store_true", help="máy tổng hợp của Văn phòng (mọi đơn vị)")
    a.add_argument("--replaces", metavar="OLD_PC_ID", help="máy mới thay cho máy cũ đã hỏng (nhận cả số liệu cũ)")
    a.add_argument("--by", default="", help="người xác nhận")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_approve)
    r = actions.add_parser("revoke", help="thu hồi: các tệp sau của máy này bị từ chối")
    r.add_argument("pc_id", metavar="PC_ID")
    r.add_argument("--by", default="")
    r.add_argument("--json", action="store_true")
    r.set_defaults(func=cmd_revoke)
    p.set_defaults(func=cmd_pcs)


def cmd_whoami(args) -> int:
    with open_store(args) as store:
        data = {"pc_id": store.pc_id, "unit": store.pc_unit or ALL_UNITS, "fingerprint": store.identity.fingerprint}
        unit_name = store.plan.unit_by_id(store.pc_unit).name if store.pc_unit else "mọi đơn vị"
    if args.json:
        print_json(data)
    else:
        print(f"Mã máy này: {data['fingerprint']}")
        print(f"Máy của: {unit_name}")
        print(f"Mã đầy đủ: {data['pc_id']}")
    return 0


def cmd_pcs(args) -> int:
    from ..storage.trust_store import list_pcs

    with open_store(args) as store:
        rows = list_pcs(store)
    if args.json:
        print_json([_pc_json(r) for r in rows])
        return 0
    if not rows:
        print("Chưa có máy nào gửi tệp đến.")
    for r in rows:
        print(
            f"{r['pc_id']}  {STATUS_WORDS[r['status']]:<13} {r['unit_name']}  mã {r['fingerprint'] or '(chưa ký)'}"
            f"  tệp gần nhất: {r['last_file']}"
        )
    return 0


def _pc_json(row: dict) -> dict:
    keys = ("pc_id", "unit", "unit_name", "fingerprint", "status", "first_seen", "last_file", "replaces")
    return {k: row[k] for k in keys}


def cmd_approve(args) -> int:
    from ..exchange.approval import approve
    from ..storage.trust_store import unit_name as unit_label
    from .exchange import print_summaries

    with open_store(args) as store:
        unit = ALL_UNITS if args.all_units else (store.plan.unit(args.unit).id if args.unit else None)
        result = approve(store, args.pc_id, unit, replaces=args.replaces, person=args.by)
        labels = {s.unit: unit_label(store, s.unit) for s in result.summaries}
    if not args.json:
        print("Đã xác nhận máy.")
    print_summaries(result, labels, as_json=args.json, dry_run=False)
    return 1 if any(s.status == "refused" for s in result.summaries) else 0


def cmd_revoke(args) -> int:
    from ..exchange.approval import revoke

    with open_store(args) as store:
        row = revoke(store, args.pc_id, person=args.by)
    if args.json:
        print_json({"pc_id": row["pc_id"], "status": row["status"]})
    else:
        print(f"Đã thu hồi máy {row['pc_id']}: các tệp sau của máy này sẽ bị từ chối; số liệu đã nhận vẫn giữ.")
    return 0
