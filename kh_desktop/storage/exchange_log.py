"""The import log, open conflicts and the descriptions of databases (for choosing a backup)."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

from .files import StoreError
from .store import Change, Store, now_iso

# ---- the import log, conflicts, backups' descriptions ---------------------------------------------------


def find_import(store: Store, sha256: str) -> dict | None:
    rows = list(
        store.db.query(
            "SELECT * FROM import_log WHERE sha256 = ? AND status = 'applied' ORDER BY id DESC LIMIT 1", [sha256]
        )
    )
    return rows[0] if rows else None


def import_log(store: Store) -> list[dict]:
    """Every applied file, newest first; `details` decoded."""
    rows = list(store.db.query("SELECT * FROM import_log ORDER BY id DESC"))
    for row in rows:
        try:
            row["details"] = json.loads(row["details"]) if row["details"] else {}
        except ValueError:
            row["details"] = {}
    return rows


def conflicts(store: Store) -> list[dict]:
    """Figures two PCs claim: the current revision and the competing one, both with their values."""
    sql = """
        SELECT f.code, f.period, a.id AS current_id, a.value_num AS current_num, a.value_text AS current_text,
               a.deleted AS current_deleted, a.pc_id AS current_pc, a.unit AS current_unit,
               a.entered_by AS current_by, a.entered_at AS current_at,
               b.id AS other_id, b.value_num AS other_num, b.value_text AS other_text, b.deleted AS other_deleted,
               b.pc_id AS other_pc, b.unit AS other_unit, b.entered_by AS other_by, b.entered_at AS other_at
        FROM figures f JOIN revisions a ON a.id = f.revision_id JOIN revisions b ON b.id = f.conflict_id
        ORDER BY f.code, f.period"""
    result = []
    for row in store.rows(sql):  # plain sqlite3: a unit's grid lists conflicts when it opens
        item = {"code": row["code"], "period": row["period"]}
        for side in ("current", "other"):
            deleted = bool(row[f"{side}_deleted"])
            text, num = row[f"{side}_text"], row[f"{side}_num"]
            item[side] = {
                "revision_id": row[f"{side}_id"],
                "value": None if deleted else (text if text is not None else num),
                "deleted": deleted,
                "pc_id": row[f"{side}_pc"],
                "unit": row[f"{side}_unit"],
                "entered_by": row[f"{side}_by"],
                "entered_at": row[f"{side}_at"],
            }
        result.append(item)
    return result


def resolve_conflict(store: Store, code: str, period: str, keep_id: str, by: str = "") -> Change:
    """Settle a conflict: a new revision with the kept value, superseding the current one and merging the other."""
    rows = list(store.db.query("SELECT * FROM figures WHERE code = ? AND period = ?", [code, period]))
    if not rows or rows[0]["conflict_id"] is None:
        raise StoreError(f"Chỉ tiêu {code} kỳ {period} không có xung đột nào cần giải quyết.")
    head_id, other_id = rows[0]["revision_id"], rows[0]["conflict_id"]
    if keep_id not in (head_id, other_id):
        raise StoreError(f"Mã phiên bản {keep_id} không phải một trong hai số liệu đang xung đột của chỉ tiêu {code}.")
    kept = next(store.db.query("SELECT * FROM revisions WHERE id = ?", [keep_id]))
    dropped = other_id if keep_id == head_id else head_id
    by = by or (store.meta("person") or "")
    try:
        with store.db.atomic():
            revision = store.next_revision()
            new_id = uuid.uuid4().hex
            store.db["revisions"].insert(
                {
                    **{c: kept[c] for c in ("code", "period", "value_num", "value_text", "deleted", "estimate")},
                    "id": new_id,
                    "note": kept["note"],
                    "entered_by": by,
                    "entered_at": now_iso(),
                    "pc_id": store.pc_id,
                    "pc_revision": revision,
                    "unit": store.pc_unit,
                    "supersedes": keep_id,
                    "merges": dropped,
                    "received_at": None,
                }
            )
            store.db.execute(
                "UPDATE figures SET revision_id = ?, conflict_id = NULL WHERE code = ? AND period = ?",
                [new_id, code, period],
            )
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"Không ghi được: {exc}. Số liệu cũ vẫn còn nguyên.") from exc
    return Change(frozenset({(code, period)}), revision)


def describe_database(path: Path) -> dict:
    """A few facts about a database file (for choosing a backup): revision, figure count, unit, created."""
    from .exchange_file import _open_untrusted  # the exchange file code: not needed to list conflicts

    conn = _open_untrusted(path)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        count = conn.execute(
            "SELECT COUNT(*) FROM figures f JOIN revisions r ON r.id = f.revision_id WHERE r.deleted = 0"
        ).fetchone()[0]
        plan_sha = conn.execute("SELECT sha256 FROM plan_document LIMIT 1").fetchone()
    finally:
        conn.close()
    return {
        "revision": int(meta.get("revision", "0")),
        "pc_id": meta.get("pc_id"),
        "unit": meta.get("pc_unit"),
        "figures": count,
        "plan_sha256": plan_sha[0] if plan_sha else None,
    }
