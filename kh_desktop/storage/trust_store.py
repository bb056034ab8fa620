"""Who may write what, decided by a person at this PC, never by a received file (the tables of migration 0004).

A file's manifest names its PC and the unit it claims; the PC's signature proves the file came from the key it
names. Whether that key may bring a unit's figures is what a person decided here: the first file of a PC is
held until someone compares the fingerprint by phone and approves the PC for one unit (or, for Văn phòng's PC,
for all units). See docs/ARCHITECTURE.md, "What is trusted".
"""

from __future__ import annotations

from dataclasses import dataclass

from ..identity import fingerprint_of
from .files import StoreError
from .store import ALL_UNITS, Store, now_iso

PENDING, APPROVED, REVOKED = "pending", "approved", "revoked"
STATUS_LABELS = {PENDING: "chờ xác nhận", APPROVED: "đã xác nhận", REVOKED: "đã thu hồi"}


@dataclass(frozen=True)
class Sender:
    """What a received file may bring, as decided here."""

    pc_id: str
    unit: str  # the bound unit id, or ALL_UNITS for an approved all-units (Văn phòng) PC
    authors: frozenset[str]  # PCs whose rows count as the sender's own: itself, the PCs it replaces
    own_file: bool = False  # signed with this PC's own key (its own file coming back)

    @property
    def relay(self) -> bool:
        """An approved all-units PC relays every unit's figures, and other PCs' rows, to the PCs that trust it."""
        return self.unit == ALL_UNITS


def pc_row(store: Store, pc_id: str) -> dict | None:
    rows = list(store.db.query("SELECT * FROM pcs WHERE pc_id = ?", [pc_id]))
    return rows[0] if rows else None


def list_pcs(store: Store) -> list[dict]:
    """Every PC seen here, with its fingerprint and unit name, pending ones first."""
    result = []
    order = "CASE status WHEN 'pending' THEN 0 WHEN 'approved' THEN 1 ELSE 2 END, first_seen"
    for row in store.db.query(f"SELECT * FROM pcs ORDER BY {order}"):
        unit = row["unit"] if row["unit"] is not None else row["claimed_unit"]
        result.append(
            {
                "pc_id": row["pc_id"],
                "unit": unit,
                "unit_name": unit_name(store, unit),
                "claimed_unit": row["claimed_unit"],
                "fingerprint": fingerprint_of(bytes.fromhex(row["public_key"])) if row["public_key"] else "",
                "signed": row["public_key"] is not None,
                "status": row["status"],
                "replaces": row["replaces"],
                "first_seen": row["first_seen"],
                "last_file": row["last_file"],
                "decided_at": row["decided_at"],
                "decided_by": row["decided_by"],
            }
        )
    return result


def unit_name(store: Store, unit: str | None) -> str:
    """A unit's name for lists and receipts ("" for none, the all-units PC's words for '*')."""
    if not unit:
        return ""
    if unit == ALL_UNITS:
        return "Tổng hợp mọi đơn vị"
    try:
        return store.plan.unit_by_id(unit).name
    except Exception:  # noqa: BLE001 - a claim we cannot name is shown as written
        return str(unit)


def note_pc(store: Store, pc_id: str, public_key: bytes | None, claimed_unit: str, file_name: str) -> dict:
    """Record a PC seen in a received file (pending when new); return its row."""
    with store.db.atomic():
        store.db.execute(
            """INSERT INTO pcs (pc_id, public_key, claimed_unit, unit, status, first_seen, last_file)
               VALUES (?, ?, ?, NULL, 'pending', ?, ?)
               ON CONFLICT (pc_id) DO UPDATE SET last_file = excluded.last_file""",
            [pc_id, public_key.hex() if public_key else None, claimed_unit, now_iso(), file_name],
        )
    return pc_row(store, pc_id)


def hold_file(store: Store, *, sha256: str, pc_id: str, claimed_unit: str, file_name: str, path: str, reason: str):
    with store.db.atomic():
        store.db.execute(
            """INSERT INTO held_files (sha256, pc_id, claimed_unit, file_name, path, reason, held_at, status)
               VALUES (?, ?, ?, ?, ?, ?, ?, 'held')
               ON CONFLICT (sha256) DO UPDATE SET status = 'held', path = excluded.path, reason = excluded.reason""",
            [sha256, pc_id, claimed_unit, file_name, path, reason, now_iso()],
        )
        store.db.execute("UPDATE pcs SET last_file = ? WHERE pc_id = ?", [file_name, pc_id])


def held_files(store: Store, pc_id: str | None = None) -> list[dict]:
    sql = "SELECT * FROM held_files WHERE status = 'held'"
    args: list = []
    if pc_id is not None:
        sql += " AND pc_id = ?"
        args.append(pc_id)
    return list(store.db.query(sql + " ORDER BY held_at, rowid", args))


def is_held(store: Store, sha256: str) -> bool:
    return bool(list(store.db.query("SELECT 1 FROM held_files WHERE sha256 = ? AND status = 'held'", [sha256])))


def mark_held(store: Store, sha256: str, status: str) -> None:
    with store.db.atomic():
        store.db.execute("UPDATE held_files SET status = ? WHERE sha256 = ?", [status, sha256])


def find_pc(store: Store, id_or_prefix: str) -> dict:
    """A PC by its id or the first 6+ characters of it (as a person types it from the list)."""
    text = id_or_prefix.strip().lower()
    rows = list(store.db.query("SELECT * FROM pcs WHERE pc_id LIKE ? || '%'", [text])) if len(text) >= 6 else []
    if len(rows) != 1:
        raise StoreError(
            f"Không có máy nào mã “{id_or_prefix}” trong danh sách máy đã gửi tệp đến (xem lệnh pcs)."
            if not rows
            else f"Mã “{id_or_prefix}” khớp nhiều máy; hãy gõ dài hơn."
        )
    return rows[0]


def approve_pc(store: Store, pc_id: str, unit: str, *, replaces: str | None = None, by: str = "") -> None:
    """Bind a PC to `unit` (a unit id or ALL_UNITS): from now on its files may bring that unit's figures."""
    if unit != ALL_UNITS:
        unit = store.plan.unit_by_id(unit).id
    if pc_id == store.pc_id:
        raise StoreError("Đây là mã của chính máy này: không cần xác nhận.")
    with store.db.atomic():
        store.db.execute(
            """UPDATE pcs SET status = 'approved', unit = ?, replaces = COALESCE(?, replaces), decided_at = ?,
                   decided_by = ? WHERE pc_id = ?""",
            [unit, replaces, now_iso(), by, pc_id],
        )


def revoke_pc(store: Store, pc_id: str, *, by: str = "") -> None:
    """Later files of the PC are refused; what it brought before stays, marked by its PC id in history."""
    with store.db.atomic():
        store.db.execute(
            "UPDATE pcs SET status = 'revoked', decided_at = ?, decided_by = ? WHERE pc_id = ?",
            [now_iso(), by, pc_id],
        )
        store.db.execute("UPDATE held_files SET status = 'refused' WHERE pc_id = ? AND status = 'held'", [pc_id])


def authors_of(store: Store, pc_id: str) -> frozenset[str]:
    """The PC and, through approvals "thay cho máy …", every PC it replaces."""
    authors = {pc_id}
    current = pc_row(store, pc_id)
    while current is not None and current["replaces"] and current["replaces"] not in authors:
        authors.add(current["replaces"])
        current = pc_row(store, current["replaces"])
    return frozenset(authors)


def register_pc(store: Store, pc_id: str, public_key: bytes, unit: str, *, by: str = "") -> None:
    """Approve a PC before its first file arrives, from its key (e.g. read from its `whoami`): as an office does
    once for every unit PC."""
    with store.db.atomic():
        store.db.execute(
            """INSERT INTO pcs (pc_id, public_key, claimed_unit, unit, status, first_seen, decided_at, decided_by)
               VALUES (?, ?, ?, ?, 'approved', ?, ?, ?)
               ON CONFLICT (pc_id) DO UPDATE SET status = 'approved', unit = excluded.unit,
                   decided_at = excluded.decided_at, decided_by = excluded.decided_by""",
            [pc_id, public_key.hex(), unit, unit, now_iso(), now_iso(), by],
        )
