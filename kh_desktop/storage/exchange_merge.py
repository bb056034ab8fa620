"""Merging a checked exchange file into the working database, in one transaction: which rows may come in (the
sender's rights as approved here, never as the file says), what each record becomes (domain/merge.py decides,
from the revisions alone), and the writes.
"""

from __future__ import annotations

import json
import operator
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from ..domain.evaluation import ValueRefused
from ..domain.merge import Outcome, agree, decide, is_older
from ..domain.periods import PeriodError
from ..domain.plan import Plan, PlanError
from ..identity import MAX_REVISION
from .exchange_file import _PC_ID, ExchangeData
from .files import StoreError, import_write_message
from .record_kinds import _OPTIONAL_TEXT, RECORD_KINDS, RecordKind
from .store import Store, now_iso
from .trust_store import Sender

# ---- merging ----------------------------------------------------------------------------------------------

OUTCOMES = tuple(Outcome)


@dataclass
class MergeResult:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys((*OUTCOMES, "refused_rows"), 0))
    refused: list[dict] = field(default_factory=list)  # {"kind", "label", "reason"}
    conflicts: list[dict] = field(default_factory=list)  # {"kind", "label"}
    inserts: dict[str, list[dict]] = field(default_factory=dict)
    heads: dict[str, dict[tuple, tuple[str | None, str | None]]] = field(default_factory=dict)
    changed: dict[str, set[tuple]] = field(default_factory=dict)
    cloned: list[dict] = field(default_factory=list)  # the sender's own numbers seen here with other content


class FileHeld(Exception):
    """The file waits for a person (e.g. its PC was cloned); str() is Vietnamese. Nothing was written."""


LOOKUP_CHUNK = 500  # bound parameters per `IN (...)` lookup: under SQLite's oldest limit of 999


def _chunks(values: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _marks(count: int) -> str:
    return ", ".join("?" * count)


def _fetch_by_id(conn: sqlite3.Connection, table: str, ids: list[str], seen: dict[str, dict]) -> dict[str, dict]:
    """The working database's rows of `table` whose id is one of `ids` (text), a query per LOOKUP_CHUNK ids.

    The hot path of a receive: one query per few hundred rows instead of one per row. Only text ids are looked
    up this way (an exact, binary comparison, as `id = ?` does for text); other values go through `_Lineage.get`.
    `seen` holds rows read before in the same batch of files: a revision row is never changed once written
    (the table is append-only), so a row found once stays exactly so; an id not found is asked again."""
    found: dict[str, dict] = {}
    missing = []
    for revision_id in ids:
        row = seen.get(revision_id)
        if row is None:
            missing.append(revision_id)
        else:
            found[revision_id] = row
    for chunk in _chunks(missing):
        cursor = conn.execute(f'SELECT * FROM "{table}" WHERE id IN ({_marks(len(chunk))})', chunk)
        names = [d[0] for d in cursor.description]
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            found[row["id"]] = seen[row["id"]] = row
    return found


def _taken_pc_revisions(conn: sqlite3.Connection, table: str, rows: list[dict]) -> set[tuple[str, int]]:
    """Which (pc_id, pc_revision) pairs of well-formed `rows` the working database already holds."""
    wanted: dict[str, list[int]] = {}
    for row in rows:
        pc_id, pc_revision = row["pc_id"], row["pc_revision"]
        if type(pc_id) is str and type(pc_revision) is int:
            wanted.setdefault(pc_id, []).append(pc_revision)
    taken: set[tuple[str, int]] = set()
    for pc_id, numbers in wanted.items():
        for chunk in _chunks(numbers):
            cursor = conn.execute(
                f'SELECT pc_revision FROM "{table}" WHERE pc_id = ? AND pc_revision IN ({_marks(len(chunk))})',
                [pc_id, *chunk],
            )
            taken.update((pc_id, r[0]) for r in cursor)
    return taken


def _current_states(conn: sqlite3.Connection, kind: RecordKind, keys: list[tuple]) -> dict[tuple, tuple]:
    """(current, conflict) revision ids of the working database for the text-only `keys` that have a record.

    One query per LOOKUP_CHUNK distinct first key values; the full key is matched here, exactly as the
    `k1 = ? AND k2 = ?` lookup of one key does for text values."""
    columns = ", ".join(f'"{c}"' for c in (*kind.key_columns, kind.current_column, kind.conflict_column))
    size = len(kind.key_columns)
    wanted = set(keys)
    firsts = sorted({key[0] for key in keys})
    found: dict[tuple, tuple] = {}
    for chunk in _chunks(firsts):
        cursor = conn.execute(
            f'SELECT {columns} FROM "{kind.current_table}" WHERE "{kind.key_columns[0]}" IN ({_marks(len(chunk))})',
            chunk,
        )
        for values in cursor:
            key = tuple(values[:size])
            if key in wanted:
                found[key] = (values[size], values[size + 1])
    return found


class _Lineage:
    """Revision lookup over the working database plus a file's new rows, for ancestry questions.

    `prefetch` loads the rows a merge will ask about in a few batched queries; `get` falls back to one query
    for anything else (a hostile id, a chain leading outside what was prefetched)."""

    def __init__(self, conn: sqlite3.Connection, kind: RecordKind, incoming: dict[str, dict], seen: dict[str, dict]):
        self.conn, self.kind, self.incoming, self.seen = conn, kind, incoming, seen
        self.merges = kind.merges_column
        self.cache: dict[str, dict | None] = {}

    def get(self, revision_id: str | None) -> dict | None:
        if revision_id is None:
            return None
        if revision_id in self.incoming:
            return self.incoming[revision_id]
        row = self.seen.get(revision_id)  # read by this or an earlier file of the batch: never changes
        if row is not None:
            return row
        if revision_id not in self.cache:
            cursor = self.conn.execute(f'SELECT * FROM "{self.kind.revisions_table}" WHERE id = ?', [revision_id])
            values = cursor.fetchone()
            self.cache[revision_id] = (
                dict(zip([d[0] for d in cursor.description], values, strict=True)) if values else None
            )
        return self.cache[revision_id]

    def prefetch(self, ids) -> None:
        """Cache the working database's rows for the text `ids` and, generation by generation, their ancestors.

        A row in `seen` is skipped: it was read, and its ancestors with it, for this or an earlier file of the
        batch (an ancestor missing then is asked for by `get` if a question reaches it)."""
        todo = set(ids)
        seen = self.seen
        while todo:
            wanted = [
                i for i in todo if type(i) is str and i not in self.incoming and i not in self.cache and i not in seen
            ]
            found = _fetch_by_id(self.conn, self.kind.revisions_table, wanted, self.seen)
            for revision_id in wanted:
                self.cache[revision_id] = found.get(revision_id)
            todo = {p for row in found.values() for p in self.parents(row)}

    def parents(self, row: dict) -> list[str]:
        first = row.get("supersedes")
        second = row.get(self.merges) if self.merges else None
        if second:
            return [first, second] if first else [second]
        return [first] if first else []

    def older(self, a: dict, b: dict) -> bool:
        return is_older(a, b, self.get, self.parents)

    def agree(self, a: dict, b: dict) -> bool:
        return agree(a, b, self.kind.visible_columns)


def merge_plan(
    store: Store, data: ExchangeData, sender: Sender, seen: dict[str, dict[str, dict]] | None = None
) -> MergeResult:
    """What applying `data`, brought by `sender` (as approved here), would do, without writing anything.

    `seen` (kind name -> revision id -> row) may be shared by the files of one receive on one connection: rows
    of the working database read for one file serve the next (revision rows never change once written)."""
    result = MergeResult()
    plan = store.plan
    seen = {} if seen is None else seen
    for kind in RECORD_KINDS:
        if kind.name not in data.revisions:
            continue
        _plan_kind(store, plan, kind, data, sender, result, seen.setdefault(kind.name, {}))
    return result


def _held_owners(conn: sqlite3.Connection, kind: RecordKind, sender: Sender) -> dict[tuple, str]:
    if kind.held_owners_sql is None or sender.relay:
        return {}
    return {tuple(values[:-1]): values[-1] for values in conn.execute(kind.held_owners_sql)}


def _plan_kind(
    store: Store,
    plan: Plan,
    kind: RecordKind,
    data: ExchangeData,
    sender: Sender,
    result: MergeResult,
    seen: dict[str, dict],
) -> None:
    conn = store.db.conn
    keys = kind.key_columns
    key_of = _key_getter(keys)  # row -> tuple of its key values
    accepted: dict[str, dict] = {}
    known: set[str] = set()
    refused_ids: set[str] = set()
    own_pc = store.pc_id  # read once: a file brings thousands of rows
    rows = data.revisions[kind.name]
    lineage = _Lineage(conn, kind, accepted, seen)
    # What the working database holds for the file's rows, in a few queries for the whole file.
    text_ids = [row["id"] for row in rows if type(row["id"]) is str]
    existing = _fetch_by_id(conn, kind.revisions_table, text_ids, seen)
    for revision_id in text_ids:
        lineage.cache[revision_id] = existing.get(revision_id)
    taken = _taken_pc_revisions(conn, kind.revisions_table, rows)
    rights = _Rights(plan, kind, sender, own_pc, _held_owners(conn, kind, sender), key_of)
    for row in rows:
        row_id = row["id"]
        here = lineage.cache.get(row_id) if type(row_id) is str else lineage.get(row_id)
        reason = _row_refusal(rights, row, here, taken)
        if reason == "known":
            known.add(row_id)
        elif reason == "cloned":
            result.cloned.append(
                {"kind": kind.name, "label": _safe_label(kind, plan, row), "pc_revision": row["pc_revision"]}
            )
        elif reason:
            refused_ids.add(row_id)
            result.counts["refused_rows"] += 1
            result.refused.append({"kind": kind.name, "label": _safe_label(kind, plan, row), "reason": reason})
        else:
            accepted[row_id] = row
    result.inserts[kind.name] = list(accepted.values())
    state: dict[tuple, tuple[str | None, str | None]] = {}
    changed: set[tuple] = set()
    heads = data.heads[kind.name]
    head_keys = {key_of(head) for head in heads}
    text_keys = [key for key in head_keys if all(type(v) is str for v in key)]
    found = _current_states(conn, kind, text_keys)
    for key in text_keys:
        state[key] = found.get(key, (None, None))
    # Every revision the ancestry questions below can reach on this side: the records' current and competing
    # revisions, and the parents of the file's rows, with their ancestors.
    lineage.prefetch(
        [
            *(i for pair in found.values() for i in pair),
            *(p for row in accepted.values() for p in lineage.parents(row)),
            *(p for i in known for p in lineage.parents(lineage.cache[i])),
        ]
    )

    def current(key: tuple) -> tuple[str | None, str | None]:
        if key not in state:  # a key that is not all text: looked up on its own, as SQLite compares it
            where = " AND ".join(f"{c} = ?" for c in keys)
            columns = f"{kind.current_column}, {kind.conflict_column}"
            one = conn.execute(f'SELECT {columns} FROM "{kind.current_table}" WHERE {where}', list(key)).fetchone()
            state[key] = (one[0], one[1]) if one else (None, None)
        return state[key]

    for head in heads:
        key = key_of(head)
        for candidate_id in (head[kind.current_column], head[kind.conflict_column]):
            if candidate_id is None or candidate_id in refused_ids:
                continue
            candidate = accepted.get(candidate_id) or (lineage.get(candidate_id) if candidate_id in known else None)
            if candidate is None or key_of(candidate) != key:
                continue  # a head pointing outside the file's rows: nothing to follow
            outcome, new_state = decide(lineage, candidate, current(key), candidate_id in known)
            result.counts[outcome] += 1
            if new_state != state[key]:
                state[key] = new_state
                changed.add(key)
            if outcome == "conflicts":
                label = kind.label(plan, candidate)
                result.conflicts.append({"kind": kind.name, "label": label})
    result.heads[kind.name] = {key: state[key] for key in changed}
    result.changed[kind.name] = changed


def _key_getter(columns: tuple[str, ...]) -> Callable[[dict], tuple]:
    """A function giving a row's values of `columns` as a tuple (itemgetter: one C call per row)."""
    if len(columns) == 1:
        (column,) = columns
        return lambda row: (row[column],)
    return operator.itemgetter(*columns)


@dataclass(frozen=True)
class _Rights:
    """What the sender of a file may bring, as this PC decided (never as the file says)."""

    plan: Plan
    kind: RecordKind
    sender: Sender
    own_pc: str
    held_owners: dict[tuple, str]  # key -> the unit owning the record here now (tasks)
    key_of: Callable[[dict], tuple]


def _row_refusal(rights: _Rights, row: dict, here: dict | None, taken: set[tuple[str, int]]) -> str | None:
    """'known' for a revision already here, 'cloned' for a revision number of the sender's own already used
    here for other content, a Vietnamese reason for a refused row, None for a new row.

    `here` is the working database's row with the same id (or None); `taken` the (pc_id, pc_revision) pairs of
    the file's rows that the working database already holds."""
    kind, sender = rights.kind, rights.sender
    if here is not None:
        same = all(
            here.get(c) == row.get(c)
            for c in (*kind.key_columns, *kind.visible_columns, "pc_id", "pc_revision", "deleted")
        )
        return "known" if same else "trùng mã phiên bản với số liệu đã có nhưng khác nội dung"
    if not isinstance(row["pc_id"], str) or not _PC_ID.match(row["pc_id"]) or type(row["pc_revision"]) is not int:
        return "mã máy hoặc số phiên bản không hợp lệ"
    if not 0 <= row["pc_revision"] <= MAX_REVISION:
        return "số phiên bản nằm ngoài giới hạn"
    if (
        type(row["id"]) is not str
        or row["deleted"] not in (0, 1)
        or type(row["deleted"]) is not int
        or type(row.get("entered_at")) is not str
        or type(row.get("supersedes")) not in _OPTIONAL_TEXT
        or (kind.merges_column and type(row.get(kind.merges_column)) not in _OPTIONAL_TEXT)
    ):
        return "dòng không đúng cấu trúc (mã phiên bản, dấu xóa, thời điểm nhập hoặc phiên bản trước)"
    authored = row["pc_id"] in sender.authors
    if row["pc_id"] == rights.own_pc and not sender.own_file:
        return "mang mã của chính máy này nhưng khác số liệu máy này đang giữ"
    if (row["pc_id"], row["pc_revision"]) in taken:
        if authored and not sender.own_file:
            return "cloned"
        return "trùng số phiên bản của cùng một máy với số liệu khác đã có"
    if not authored and not sender.relay:
        return "do một máy khác ghi: chỉ nhận khi tệp đến từ máy Văn phòng đã được xác nhận"
    try:
        owners = kind.owners(rights.plan, row)
    except (PlanError, PeriodError, ValueRefused) as exc:
        return f"không hợp lệ theo kế hoạch: {exc}"
    if sender.relay:
        return None
    plan = rights.plan
    if sender.unit not in owners:
        names = ", ".join(_unit_name(plan, u) for u in owners)
        return f"không thuộc trách nhiệm của {_unit_name(plan, sender.unit)} (do {names} nhập)"
    holder = rights.held_owners.get(rights.key_of(row))
    if holder is not None and holder != sender.unit:
        return f"là việc của {_unit_name(plan, holder)}: đơn vị khác không chuyển hay xóa được"
    return None


def _unit_name(plan: Plan, unit: str) -> str:
    try:
        return plan.unit_by_id(unit).name
    except PlanError:
        return str(unit)


def _safe_label(kind: RecordKind, plan: Plan, row: dict) -> str:
    try:
        return kind.label(plan, row)
    except Exception:  # noqa: BLE001 - a hostile row must still be listable
        return " / ".join(str(row.get(c)) for c in kind.key_columns)


class write_transaction:  # noqa: N801 - used like a function: `with write_transaction(store):`
    """BEGIN IMMEDIATE ... COMMIT on the store's connection; `rollback=True` always rolls back (a preview)."""

    def __init__(self, store: Store, rollback: bool = False):
        self.conn, self.rollback, self.path = store.db.conn, rollback, store.path

    def __enter__(self):
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise StoreError(import_write_message(exc)) from exc
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        try:
            if exc_type is None and not self.rollback:
                self.conn.execute("COMMIT")
            elif self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
        except sqlite3.DatabaseError as error:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise StoreError(import_write_message(error)) from error
        if isinstance(exc, sqlite3.DatabaseError):
            raise StoreError(import_write_message(exc)) from exc
        return False


def apply_in_transaction(
    store: Store,
    data: ExchangeData,
    sender: Sender,
    *,
    sha256: str,
    file_name: str,
    archive_path: str,
    person: str = "",
    seen: dict[str, dict[str, dict]] | None = None,
) -> MergeResult:
    """The writes of one import; the caller holds the transaction (see write_transaction).

    `seen`: rows already read by earlier files of the same receive (see merge_plan). Raises FileHeld, having
    written nothing, when the file reuses the sender's own revision numbers for other content (a cloned PC)."""
    conn = store.db.conn
    received_at = now_iso()
    result = merge_plan(store, data, sender, seen)
    if result.cloned:
        first = result.cloned[0]
        raise FileHeld(
            f"Máy gửi đã dùng lại số phiên bản {first['pc_revision']} cho số liệu khác ({first['label']}): có thể "
            "máy này đã bị sao chép sang một máy khác (cùng khóa). Tệp được giữ lại, số liệu đang có không đổi; "
            "hãy hỏi đơn vị xem máy nào đang dùng, rồi thu hồi máy sai."
        )
    for kind in RECORD_KINDS:
        table_columns = _columns(store, kind.revisions_table)  # once per kind, not once per row
        # Rows of one file share their columns (one SELECT *): one executemany per set of columns.
        batches: dict[tuple[str, ...], list[list]] = {}
        for row in result.inserts.get(kind.name, []):
            shape = tuple(row)
            if shape not in batches:
                batches[shape] = []
            batches[shape].append(row)
        for shape, rows in batches.items():
            columns = [c for c in table_columns if c in shape]
            quoted = ", ".join(f'"{c}"' for c in columns)
            picks = [None if c == "received_at" else c for c in columns]
            conn.executemany(
                f'INSERT INTO "{kind.revisions_table}" ({quoted}) VALUES ({_marks(len(columns))})',
                ([received_at if c is None else row[c] for c in picks] for row in rows),
            )
        columns = [*kind.key_columns, kind.current_column, kind.conflict_column]
        conn.executemany(
            f'INSERT OR REPLACE INTO "{kind.current_table}" ({", ".join(columns)}) VALUES ({_marks(len(columns))})',
            ([*key, head_id, conflict_id] for key, (head_id, conflict_id) in result.heads.get(kind.name, {}).items()),
        )
    counts = result.counts
    details = json.dumps({"refused": result.refused, "conflicts": result.conflicts}, ensure_ascii=False)
    conn.execute(
        """INSERT INTO import_log (file_name, sha256, unit, pc_id, pc_revision, sent_at, received_at,
               received_by, status, added, updated, unchanged, stale, refused_rows, conflicts, details,
               archive_path) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'applied', ?, ?, ?, ?, ?, ?, ?, ?)""",
        [
            file_name,
            sha256,
            sender.unit,
            data.pc_id,
            data.manifest["pc_revision"],
            data.manifest["created_at"],
            received_at,
            person,
            counts["added"],
            counts["updated"],
            counts["unchanged"],
            counts["stale"],
            counts["refused_rows"],
            counts["conflicts"],
            details,
            archive_path,
        ],
    )
    conn.execute("UPDATE pcs SET last_file = ? WHERE pc_id = ?", [file_name, data.pc_id])
    conn.execute(
        """INSERT INTO peers (pc_id, unit, revision, seen_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (pc_id) DO UPDATE SET unit = excluded.unit,
               revision = MAX(revision, excluded.revision), seen_at = excluded.seen_at""",
        [data.pc_id, sender.unit, data.manifest["pc_revision"], received_at],
    )
    return result


def _columns(store: Store, table: str) -> list[str]:
    return [r[1] for r in store.db.execute(f'PRAGMA table_info("{table}")').fetchall()]
