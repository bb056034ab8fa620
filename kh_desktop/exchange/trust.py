"""Judging a received file's sender against this PC's approvals, and approving or revoking a PC.

The file's manifest (its unit, its PC) is a claim. The signature, checked on reading, proves which key wrote
the file; what that key may bring is what a person decided here (storage/trust_store.py).
"""

from __future__ import annotations

from ..storage import trust_store
from ..storage.exchange_store import ExchangeData
from ..storage.store import ALL_UNITS, Store
from ..storage.trust_store import PENDING, REVOKED, Sender

Verdict = Sender | tuple[str, str]  # a Sender, or (status "pending" / "refused", Vietnamese reason)


def judge_sender(store: Store, data: ExchangeData, file_name: str, file_approved: bool, *, note: bool) -> Verdict:
    """What the file's PC may bring here, or why the file waits or is refused. With `note`, a PC seen for the
    first time is recorded as waiting for approval."""
    pc_id, claimed, key = data.pc_id, data.unit, data.public_key
    if pc_id == store.pc_id:
        if key is None or key != store.identity.public_key:
            return "refused", "Tệp ghi mã của chính máy này nhưng không do máy này ký: tệp bị làm giả."
        return Sender(pc_id, store.pc_unit or ALL_UNITS, frozenset({pc_id}), own_file=True)
    row = trust_store.pc_row(store, pc_id)
    if row is None:
        if note:
            row = trust_store.note_pc(store, pc_id, key, claimed, file_name)
        else:
            return PENDING, _waiting_reason(store, claimed, key)
    if row["public_key"] is not None and (key is None or key.hex() != row["public_key"]):
        return "refused", (
            "Tệp ghi mã của một máy đã biết nhưng không được ký bằng khóa của máy đó: tệp bị làm giả hoặc bị sửa. "
            "Không nhận."
        )
    if row["status"] == REVOKED:
        return "refused", "Máy gửi tệp này đã bị thu hồi quyền gửi số liệu. Không nhận."
    if row["status"] == PENDING:
        return PENDING, _waiting_reason(store, claimed, key)
    bound = row["unit"]
    if claimed != bound and bound != ALL_UNITS:
        return "refused", (
            f"Máy này đã được xác nhận cho {trust_store.unit_name(store, bound)}, nhưng tệp lại ghi là của "
            f"{trust_store.unit_name(store, claimed)}. Không nhận."
        )
    if key is None and not file_approved:
        return PENDING, (
            "Tệp của phiên bản chương trình cũ, không có chữ ký: chờ người xác nhận tệp này "
            "(lệnh pcs approve hoặc menu Máy đã đăng ký)."
        )
    return Sender(pc_id, bound, trust_store.authors_of(store, pc_id))


def _waiting_reason(store: Store, claimed: str, key: bytes | None) -> str:
    from ..identity import fingerprint_of

    who = trust_store.unit_name(store, claimed)
    if key is None:
        return f"Máy mới (phiên bản cũ, không có chữ ký) ghi là của {who}: chờ người xác nhận."
    return f"Máy mới ghi là của {who}, mã máy {fingerprint_of(key)}: chờ người xác nhận qua điện thoại."
