"""The SQL side of exchange files: writing one from a Store, checking and reading a received one through its
own read-only connection, and merging its revisions into the working database in one transaction.

A received file is never attached to the working database: `read_exchange_file` loads its rows into memory
through a separate, defensive, read-only connection, and `merge` works on those rows.

Revisioned record kinds are listed in `RECORD_KINDS`; the merge treats each kind the same way (see
`RecordKind` and docs/ARCHITECTURE.md, "Exchange"). Another kind (e.g. tasks) plugs in with `register_kind`.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import operator
import re
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.evaluation import ValueRefused, validate_value
from ..domain.periods import BASELINE, PeriodError, parse_period
from ..domain.plan import Plan, PlanError, load_plan_text
from ..identity import MAX_REVISION, pc_id_of, verify
from ..tasks.model import RECURRENCE_LABELS, STORED_STATUSES
from .files import SQLITE_MAGIC, StoreError, os_error_message, publish, read_header, write_failure
from .schema import APPLICATION_ID, SCHEMA_VERSION, migrations
from .store import ALL_UNITS, Change, Store, now_iso
from .task_store import TASK_VALUE_COLUMNS, row_owners
from .trust_store import Sender

EXCHANGE_FORMAT = "khtd-exchange-1"
FIRST_EXCHANGE_SCHEMA = 2  # schema 2 introduced exchange files
MAX_FILE_BYTES = 200 * 1024 * 1024
PROGRESS_STEP = 1000  # SQLite VM instructions between progress handler calls
PLAN_CACHE_CHARS = 1_000_000  # plan texts this long or shorter are remembered between files
PROGRESS_BUDGET = 200_000  # calls per query: 200 million instructions, far above any honest file
MANIFEST_TABLE = "exchange_manifest"
MANIFEST_DDL = f"""CREATE TABLE {MANIFEST_TABLE} (
    format TEXT NOT NULL,
    unit TEXT NOT NULL,
    pc_id TEXT NOT NULL,
    pc_revision INTEGER NOT NULL,
    row_counts TEXT NOT NULL,
    rows_sha256 TEXT NOT NULL,
    program_version TEXT NOT NULL,
    schema_version INTEGER NOT NULL,
    plan_id TEXT NOT NULL,
    plan_sha256 TEXT NOT NULL,
    created_at TEXT NOT NULL,
    person TEXT NOT NULL)"""
# From schema 4 on, a file is signed by the PC that writes it: its Ed25519 public key and the signature over the
# manifest's other fields (which hold the hash of every row), one signature per file.
SIGNED_MANIFEST_DDL = (
    MANIFEST_DDL[:-1]
    + """,
    public_key TEXT NOT NULL,
    signature TEXT NOT NULL)"""
)
FIRST_SIGNED_SCHEMA = 4


def manifest_ddl(version: int) -> str:
    return SIGNED_MANIFEST_DDL if version >= FIRST_SIGNED_SCHEMA else MANIFEST_DDL


def signed_text(manifest: dict) -> bytes:
    """What a file's signature covers: every manifest field but the signature, as canonical JSON."""
    fields = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


LOCAL_ONLY_TABLES = (
    "import_log",
    "peers",
    "pcs",
    "held_files",
)  # emptied in exchange files: they describe the receiving PC
_PC_ID = re.compile(r"^[0-9a-f]{32}$")


class ExchangeRefused(Exception):
    """A received file refused before anything was written; str() is Vietnamese."""


# ---- record kinds ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordKind:
    """One revisioned kind of record that travels in exchange files.

    `revisions_table` is append-only and has at least: id (TEXT PRIMARY KEY), pc_id, pc_revision (unique per
    PC, from the shared meta 'revision' counter), supersedes, deleted, received_at and the key columns.
    `current_table` has the key columns as primary key, `current_column` (the current revision id) and
    `conflict_column` (a competing revision waiting for a person, or NULL).
    `owners(plan, row)` returns the unit ids allowed to bring a row with that key, or raises PlanError /
    PeriodError / ValueRefused when the row is not valid at all (refused and listed).
    `label(plan, row)` says in Vietnamese which record a row is about (for refusal and conflict lists).
    """

    name: str
    revisions_table: str
    current_table: str
    key_columns: tuple[str, ...]
    owners: Callable[[Plan, dict], tuple[str, ...]]
    label: Callable[[Plan, dict], str]
    current_column: str = "revision_id"
    conflict_column: str = "conflict_id"
    merges_column: str | None = None  # a second revision a settling revision supersedes
    visible_columns: tuple[str, ...] = ()  # two revisions equal on these (and `deleted`) agree: no conflict
    # The units that own a record as this PC holds it now (a task belongs to the unit it has here: a unit's
    # file cannot move another unit's task to itself or remove it); None when owners come from the plan alone.
    held_owners_sql: str | None = None


RECORD_KINDS: list[RecordKind] = []


def register_kind(kind: RecordKind) -> None:
    if any(k.name == kind.name for k in RECORD_KINDS):
        raise ValueError(f"record kind {kind.name} is already registered")
    RECORD_KINDS.append(kind)


def _require(row: dict, checks: dict[str, tuple[type, ...]]) -> None:
    """Refuse a row whose columns do not hold what the schema's constraints demand (a hand-edited file can hold
    anything: SQLite does not re-check constraints when it reads a row)."""
    shapes = _SHAPES.get(id(checks))
    if shapes is None or shapes[0] is not checks:
        shapes = _SHAPES[id(checks)] = (checks, tuple(checks), frozenset(itertools.product(*checks.values())))
    get = row.get
    if tuple([type(get(c)) for c in shapes[1]]) in shapes[2]:
        return  # every column's exact type is allowed: the common case, one set lookup
    for column, types in checks.items():
        value = row.get(column)
        if type(value) not in types:  # exact types: True is not a count, 1.0 is not a flag
            raise ValueRefused(f"cột “{column}” có giá trị không hợp lệ ({value!r:.40})")


# id(checks) -> (checks, its columns, every allowed tuple of exact types): a row is checked with one set lookup.
_SHAPES: dict[int, tuple[dict, tuple[str, ...], frozenset]] = {}
_TEXT, _OPTIONAL_TEXT = (str,), (str, type(None))
_FLAG = (int,)
_FIGURE_COLUMNS = {
    "code": _TEXT,
    "period": _TEXT,
    "value_num": (float, int, type(None)),
    "value_text": _OPTIONAL_TEXT,
    "estimate": _FLAG,
    "note": _TEXT,
    "entered_by": _TEXT,
    "unit": _OPTIONAL_TEXT,
}


# (period, first year, last year) -> year of a period key that parsed exactly: a receive checks the same few dozen
# keys in every file. Only keys that parsed go in, so it holds at most the plan's periods.
_PERIOD_YEARS: dict[tuple[str, int, int], int] = {}


def _figure_owners(plan: Plan, row: dict) -> tuple[str, ...]:
    _require(row, _FIGURE_COLUMNS)
    if row["estimate"] not in (0, 1):
        raise ValueRefused("cột “estimate” có giá trị không hợp lệ")
    indicator = plan.indicator(row["code"])
    period = row["period"]
    year = None
    if period == BASELINE:
        if indicator.baseline is None:
            raise ValueRefused(f"chỉ tiêu {indicator.code} không có số gốc")
    else:
        span = (period, plan.first_year, plan.last_year)
        year = _PERIOD_YEARS.get(span)
        if year is None:
            parsed = parse_period(period, plan.first_year, plan.last_year)
            if parsed.key != period:
                raise PeriodError(f"kỳ “{period}” không đúng dạng")
            year = _PERIOD_YEARS[span] = parsed.year
    if not row["deleted"]:
        value = row["value_text"] if row["value_text"] is not None else row["value_num"]
        if value is None or validate_value(indicator, period, value, year) != value:
            raise ValueRefused("giá trị không hợp lệ")
    return indicator.owners


def _figure_label(plan: Plan, row: dict) -> str:
    period = "số gốc" if row["period"] == BASELINE else f"kỳ {row['period']}"
    return f"Chỉ tiêu {row['code']}, {period}"


register_kind(
    RecordKind(
        name="figures",
        revisions_table="revisions",
        current_table="figures",
        key_columns=("code", "period"),
        owners=_figure_owners,
        label=_figure_label,
        merges_column="merges",
        visible_columns=("value_num", "value_text", "estimate", "note"),
    )
)


_TASK_COLUMNS = {
    "task_id": _TEXT,
    "unit": _TEXT,
    "cooperating": _TEXT,
    "title": _TEXT,
    "person": _TEXT,
    "due": _OPTIONAL_TEXT,
    "recurrence": _OPTIONAL_TEXT,
    "deliverable": _TEXT,
    "authority": _TEXT,
    "status": _TEXT,
    "progress": (int,),
    "notes": _TEXT,
    "indicators": _TEXT,
    "source": _TEXT,
    "ordinal": (int, type(None)),
    "entered_by": _TEXT,
    "writer_unit": _OPTIONAL_TEXT,
}


def _task_owners(plan: Plan, row: dict) -> tuple[str, ...]:
    """Every column checked (a removal too: the table's constraints apply to it), then the task rules."""
    _require(row, _TASK_COLUMNS)
    if row["status"] not in STORED_STATUSES:
        raise ValueRefused(f"trạng thái “{row['status']:.40}” không hợp lệ")
    if not 0 <= row["progress"] <= 100:
        raise ValueRefused(f"tiến độ {row['progress']}% nằm ngoài 0–100%")
    if row["recurrence"] not in (None, *RECURRENCE_LABELS):
        raise ValueRefused(f"lặp lại “{row['recurrence']:.40}” không hợp lệ")
    return row_owners(plan, row)


def _task_label(plan: Plan, row: dict) -> str:
    title = str(row.get("title") or "").strip()
    return f"Nhiệm vụ “{title[:60]}{'…' if len(title) > 60 else ''}”"


register_kind(
    RecordKind(
        name="tasks",
        revisions_table="task_revisions",
        current_table="tasks",
        key_columns=("task_id",),
        owners=_task_owners,
        label=_task_label,
        merges_column="merges",
        visible_columns=TASK_VALUE_COLUMNS,
        held_owners_sql="SELECT t.task_id, r.unit FROM tasks t JOIN task_revisions r ON r.id = t.revision_id",
    )
)


# ---- the expected schema (exact allow-list) -------------------------------------------------------------

_SCHEMA_CACHE: dict[int, frozenset[tuple[str, str, str, str]]] = {}


def expected_schema(version: int) -> frozenset[tuple[str, str, str, str]]:
    """(type, name, tbl_name, sql) of every schema object a database of `version` has, plus the manifest."""
    if version not in _SCHEMA_CACHE:
        from sqlite_utils import Database

        db = Database(memory=True)
        names = [m.name for m in migrations._migrations]
        reached = None
        for index in range(len(names)):
            migrations.apply(db, stop_before=names[index + 1 :])
            current = db.execute("PRAGMA user_version").fetchone()[0]
            if current == version:
                db.execute(manifest_ddl(version))
                reached = frozenset(
                    tuple(row) for row in db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
                )
                break
        db.close()
        if reached is None:
            raise ValueError(f"no migration sets user_version {version}")
        _SCHEMA_CACHE[version] = reached
    return _SCHEMA_CACHE[version]


# ---- rows hash ------------------------------------------------------------------------------------------


def _blob(value):
    """JSON for a BLOB cell (the only non-JSON type SQLite returns): {"blob": hex}."""
    if isinstance(value, bytes):
        return {"blob": value.hex()}
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# One encoder for every row: `json.dumps(..., ensure_ascii=False)` builds a new encoder per call, a third of the
# time of hashing a file. The text is the same: `[cell, cell, ...]`, a BLOB as {"blob": hex}.
_ROW_JSON = json.JSONEncoder(ensure_ascii=False, default=_blob)
DIGEST_BATCH = 1000  # rows hashed per update


def _make_row_text() -> Callable[[tuple], str]:
    """The fastest way to `_ROW_JSON.encode` a row: the C encoder `JSONEncoder.encode` builds afresh for each
    call, built once (a third less per row). Used only if it gives exactly the same text on a probe row of every
    kind of cell; otherwise `_ROW_JSON.encode` itself."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is not None:
        try:
            # markers None: no circular check, a row is a flat tuple (a BLOB becomes a fresh one-key dict).
            encode = make(None, _blob, json.encoder.encode_basestring, None, ": ", ", ", False, False, True)

            def row_text(row: tuple) -> str:
                return "".join(encode(row, 0))

            probe = (1, -2.5, 10**20, 1e300, float("inf"), None, 'Kiến “Hải”\n\\"\t\x00', b"\x00\xff", "")
            if row_text(probe) == _ROW_JSON.encode(probe):
                return row_text
        except Exception:  # noqa: BLE001 - another Python's internals: the plain encoder is always right
            pass
    return _ROW_JSON.encode


_row_text = _make_row_text()


def rows_digest(conn: sqlite3.Connection, tables: list[str]) -> tuple[dict[str, int], str]:
    """Row counts per table and one sha256 over every row of `tables`, in rowid order.

    Each table adds `table NAME\\n`, then each row its JSON array and `\\n` (a stable format: every sent file
    carries this hash in its manifest)."""
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    encode = _row_text
    for table in sorted(tables):
        digest.update(f"table {table}\n".encode())
        count = 0
        cursor = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
        while rows := cursor.fetchmany(DIGEST_BATCH):
            digest.update("".join([encode(row) + "\n" for row in rows]).encode())
            count += len(rows)
        counts[table] = count
    return counts, digest.hexdigest()


def _data_tables(conn: sqlite3.Connection) -> list[str]:
    return [
        r[0]
        for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        if r[0] != MANIFEST_TABLE
    ]


# ---- writing an exchange file ---------------------------------------------------------------------------


def write_exchange_file(store: Store, dest: Path, program_version: str) -> dict:
    """Write `store`'s exchange file at `dest` (snapshot, filter, manifest, flush, rename, read back).

    A unit's PC sends the records of its unit (and anything it wrote itself); an all-units PC sends all.
    Returns the manifest. Raises StoreError (Vietnamese) when it cannot be written or does not verify.
    """
    dest = Path(dest)
    temporary = dest.with_name(dest.name + ".partial")
    unit = store.pc_unit
    try:
        temporary.unlink(missing_ok=True)
        target = sqlite3.connect(temporary, isolation_level=None)
        try:
            store.db.conn.backup(target)
            target.execute("PRAGMA journal_mode = DELETE")
            target.execute("BEGIN")
            if unit is not None:
                _keep_only_unit(target, store.plan, unit, store.pc_id)
            for table in LOCAL_ONLY_TABLES:
                target.execute(f"DELETE FROM {table}")
            target.execute(SIGNED_MANIFEST_DDL)
            counts, sha = rows_digest(target, _data_tables(target))
            manifest = {
                "format": EXCHANGE_FORMAT,
                "unit": unit or ALL_UNITS,
                "pc_id": store.pc_id,
                "pc_revision": store.revision,
                "row_counts": json.dumps(counts, sort_keys=True),
                "rows_sha256": sha,
                "program_version": program_version,
                "schema_version": SCHEMA_VERSION,
                "plan_id": store.plan.plan_id,
                "plan_sha256": store.plan_sha256,
                "created_at": now_iso(),
                "person": store.meta("person") or "",
                "public_key": store.identity.public_key.hex(),
            }
            manifest["signature"] = store.identity.sign(signed_text(manifest)).hex()
            columns = ", ".join(manifest)
            marks = ", ".join("?" for _ in manifest)
            target.execute(f"INSERT INTO {MANIFEST_TABLE} ({columns}) VALUES ({marks})", list(manifest.values()))
            target.execute("COMMIT")
            target.execute("VACUUM")  # removed rows leave no trace in free pages
        finally:
            target.close()
        publish(temporary, dest)
    except OSError as exc:
        _discard(temporary)
        raise StoreError(os_error_message(exc, dest)) from exc
    except sqlite3.Error as exc:
        _discard(temporary)
        raise write_failure(exc, dest, "tệp gửi") from exc
    try:
        read_exchange_file(dest, store.plan, store.plan_sha256)
    except ExchangeRefused as exc:
        _discard(dest)
        raise StoreError(f"Tệp vừa ghi {dest} đọc lại không đạt ({exc}). Hãy ghi lại vào chỗ khác.") from exc
    return manifest


def _keep_only_unit(conn: sqlite3.Connection, plan: Plan, unit: str, own_pc: str) -> None:
    conn.row_factory = sqlite3.Row
    try:
        for kind in RECORD_KINDS:
            if not _has_table(conn, kind.revisions_table):
                continue
            drop = []
            for row in conn.execute(f'SELECT * FROM "{kind.revisions_table}"'):
                row = dict(row)
                if row["pc_id"] == own_pc:
                    continue
                try:
                    allowed = unit in kind.owners(plan, row)
                except (PlanError, PeriodError, ValueRefused):
                    allowed = False
                if not allowed:
                    drop.append(row["id"])
            kept_heads = f'"{kind.current_table}"'
            for revision_id in drop:
                conn.execute(f"DELETE FROM {kept_heads} WHERE {kind.current_column} = ?", [revision_id])
                conn.execute(
                    f"UPDATE {kept_heads} SET {kind.conflict_column} = NULL WHERE {kind.conflict_column} = ?",
                    [revision_id],
                )
                conn.execute(f'DELETE FROM "{kind.revisions_table}" WHERE id = ?', [revision_id])
    finally:
        conn.row_factory = None


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).fetchone() is not None


def _discard(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass


# ---- reading and checking a received file ---------------------------------------------------------------


@dataclass
class ExchangeData:
    """A checked exchange file's content, in memory."""

    path: Path
    manifest: dict
    schema_version: int
    revisions: dict[str, list[dict]] = field(default_factory=dict)  # kind name -> rows
    heads: dict[str, list[dict]] = field(default_factory=dict)
    sender: Sender | None = None  # what its PC may bring, once judged against this PC's approvals

    @property
    def public_key(self) -> bytes | None:
        """The key that signed the file (checked on reading), or None for an unsigned file of an older release."""
        key = self.manifest.get("public_key")
        return bytes.fromhex(key) if key else None

    @property
    def unit(self) -> str:
        return self.manifest["unit"]

    @property
    def pc_id(self) -> str:
        return self.manifest["pc_id"]


def read_exchange_file(path: Path, plan: Plan, plan_sha256: str) -> ExchangeData:
    """Check a file we do not trust and read its rows; raise ExchangeRefused (Vietnamese) at the first problem.

    `path` must be a copy in a folder the program owns: it is opened read-only, with no journal lookups."""
    path = Path(path)
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ExchangeRefused(f"Không đọc được tệp: {exc.strerror}.") from exc
    if size > MAX_FILE_BYTES:
        raise ExchangeRefused("Tệp quá lớn so với một tệp số liệu (có thể không phải tệp của chương trình).")
    try:
        with open(path, "rb") as handle:
            magic = handle.read(len(SQLITE_MAGIC))
        application_id, version = read_header(path)
    except (OSError, StoreError):
        raise ExchangeRefused(
            "Không phải tệp số liệu của Kiến Hải Tiến độ (không phải tệp SQLite, hoặc tệp bị cắt cụt)."
        ) from None
    if magic != SQLITE_MAGIC:
        raise ExchangeRefused("Không phải tệp số liệu của Kiến Hải Tiến độ.")
    if application_id != APPLICATION_ID:
        raise ExchangeRefused("Tệp SQLite này không phải của Kiến Hải Tiến độ.")
    if version > SCHEMA_VERSION:
        raise ExchangeRefused(
            f"Tệp được tạo bởi phiên bản mới hơn của chương trình (lược đồ {version}, máy này đọc được đến "
            f"{SCHEMA_VERSION}). Hãy cập nhật chương trình rồi nhận lại."
        )
    if version < FIRST_EXCHANGE_SCHEMA:
        raise ExchangeRefused(
            "Đây là tệp dữ liệu làm việc, không phải tệp gửi số liệu. Hãy dùng chức năng Gửi số liệu."
        )
    try:
        conn = _open_untrusted(path)
    except sqlite3.Error as exc:
        raise ExchangeRefused(f"Tệp bị hỏng, không mở được ({exc}).") from exc
    try:
        return _read_checked(conn, path, plan, plan_sha256, version)
    except sqlite3.Error as exc:
        if "interrupted" in str(exc):
            raise ExchangeRefused("Tệp đòi hỏi xử lý bất thường (có thể là tệp độc hại); đã dừng đọc.") from exc
        raise ExchangeRefused(
            "Tệp bị hỏng hoặc bị cắt cụt khi chép nên không đọc được. Hãy xin đơn vị gửi lại tệp."
        ) from exc
    except (KeyError, TypeError, ValueError) as exc:
        raise ExchangeRefused(f"Nội dung tệp {name} không đúng cấu trúc ({exc}).") from exc
    finally:
        conn.close()


def _open_untrusted(path: Path) -> sqlite3.Connection:
    uri = Path(path).resolve().as_uri() + "?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    conn.execute("PRAGMA trusted_schema = OFF")
    conn.execute("PRAGMA query_only = ON")
    conn.execute("PRAGMA cell_size_check = ON")
    conn.execute("PRAGMA mmap_size = 0")
    if hasattr(conn, "setconfig"):
        conn.setconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE, True)
        conn.setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_TRIGGER, False)
        conn.setconfig(sqlite3.SQLITE_DBCONFIG_ENABLE_VIEW, False)
        conn.setconfig(sqlite3.SQLITE_DBCONFIG_TRUSTED_SCHEMA, False)
    calls = 0

    def runaway() -> int:
        nonlocal calls
        calls += 1
        return 1 if calls > PROGRESS_BUDGET else 0

    conn.set_progress_handler(runaway, PROGRESS_STEP)
    return conn


def _read_checked(conn: sqlite3.Connection, path: Path, plan: Plan, plan_sha256: str, version: int) -> ExchangeData:
    problems = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
    if problems != ["ok"]:
        raise ExchangeRefused("Tệp bị hỏng hoặc bị cắt cụt khi chép (kiểm tra toàn vẹn không đạt). Hãy xin gửi lại.")
    found = {tuple(r) for r in conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")}
    if not any(r[0] == "table" and r[1] == MANIFEST_TABLE for r in found):
        raise ExchangeRefused(
            "Đây không phải tệp gửi số liệu (không có phần kê khai): có thể là tệp dữ liệu làm việc hoặc bản sao "
            "lưu. Hãy dùng chức năng “Gửi số liệu về Văn phòng” trên máy đơn vị để tạo tệp gửi."
        )
    expected = expected_schema(version)
    strange = sorted(found - expected, key=lambda r: (r[0], r[1]))
    if strange:
        kind = {"table": "bảng", "view": "view", "trigger": "trigger", "index": "chỉ mục"}.get(strange[0][0], "mục")
        raise ExchangeRefused(f"Tệp có cấu trúc lạ ({kind} “{strange[0][1]}”) nên không được nhận.")
    missing = sorted(expected - found)
    if missing:
        raise ExchangeRefused(f"Tệp thiếu một phần cấu trúc (“{missing[0][1]}”) nên không được nhận.")
    conn.row_factory = sqlite3.Row
    manifests = [dict(r) for r in conn.execute(f"SELECT * FROM {MANIFEST_TABLE}")]
    if len(manifests) != 1:
        raise ExchangeRefused("Tệp không có phần kê khai (manifest) hợp lệ.")
    manifest = manifests[0]
    if manifest["format"] != EXCHANGE_FORMAT or manifest["schema_version"] != version:
        raise ExchangeRefused("Phần kê khai của tệp không khớp với tệp.")
    if manifest["plan_sha256"] != plan_sha256:
        raise ExchangeRefused("Tệp thuộc một kế hoạch khác (hoặc bản kế hoạch khác) với máy này nên không được nhận.")
    documents = list(conn.execute("SELECT sha256, body FROM plan_document"))
    if len(documents) != 1 or documents[0]["sha256"] != plan_sha256:
        raise ExchangeRefused("Tệp thuộc một kế hoạch khác với máy này nên không được nhận.")
    if _plan_body_sha256(documents[0]["body"]) != plan_sha256:
        raise ExchangeRefused("Kế hoạch chứa trong tệp đã bị sửa nên tệp không được nhận.")
    unit = manifest["unit"]
    if unit != ALL_UNITS and unit not in {u.id for u in plan.units}:
        raise ExchangeRefused(f"Tệp ghi đơn vị “{unit}” không có trong kế hoạch.")
    if not isinstance(manifest["pc_id"], str) or not _PC_ID.match(manifest["pc_id"]):
        raise ExchangeRefused("Phần kê khai của tệp ghi mã máy không hợp lệ.")
    if version >= FIRST_SIGNED_SCHEMA:
        _check_signature(manifest)
    conn.row_factory = None
    counts, sha = rows_digest(conn, _data_tables(conn))
    if counts != json.loads(manifest["row_counts"]) or sha != manifest["rows_sha256"]:
        raise ExchangeRefused(
            "Số dòng trong tệp không khớp với phần kê khai: tệp đã bị sửa hoặc hỏng khi chép. Hãy xin gửi lại."
        )
    data = ExchangeData(path, manifest, version)
    for kind in RECORD_KINDS:
        if not _has_table(conn, kind.revisions_table):
            continue
        rows = _dicts(conn, f'SELECT * FROM "{kind.revisions_table}" ORDER BY pc_id, pc_revision')
        for row in rows:
            if row["pc_id"] == manifest["pc_id"] and row["pc_revision"] > manifest["pc_revision"]:
                raise ExchangeRefused("Tệp có số liệu mới hơn mốc phiên bản đã kê khai: tệp đã bị sửa.")
        data.revisions[kind.name] = rows
        data.heads[kind.name] = _dicts(conn, f'SELECT * FROM "{kind.current_table}"')
    return data


def _check_signature(manifest: dict) -> None:
    """The file was written by the key it names, and that key is the PC it names (whether that PC may bring
    anything is decided later, against this PC's own approvals)."""
    try:
        key = bytes.fromhex(manifest["public_key"])
        signature = bytes.fromhex(manifest["signature"])
    except (TypeError, ValueError):
        key = signature = b""
    if len(key) != 32 or pc_id_of(key) != manifest["pc_id"] or not verify(key, signed_text(manifest), signature):
        raise ExchangeRefused(
            "Chữ ký của tệp không khớp với nội dung hoặc với mã máy ghi trong tệp: tệp đã bị sửa sau khi gửi, "
            "hoặc bị làm giả. Tệp không được nhận; hãy xin đơn vị gửi lại."
        )


def _dicts(conn: sqlite3.Connection, sql: str) -> list[dict]:
    """Rows as dicts (column name -> value): twice as fast as dict(sqlite3.Row) for a file's thousands of rows."""
    cursor = conn.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor]


def _plan_body_sha256(body) -> str | None:
    """sha256 of the plan a file carries, or None when it is not a plan."""
    if type(body) is str and len(body) <= PLAN_CACHE_CHARS:
        return _plan_text_sha256(body)
    try:
        return load_plan_text(body).sha256
    except PlanError:
        return None


@functools.lru_cache(maxsize=4)
def _plan_text_sha256(body: str) -> str | None:
    """The same plan text arrives in every file of a batch: parsed once (parsing is pure: the same answer)."""
    try:
        return load_plan_text(body).sha256
    except PlanError:
        return None


# ---- merging ----------------------------------------------------------------------------------------------

OUTCOMES = ("added", "updated", "unchanged", "stale", "conflicts")


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
        """Whether revision `a` came before `b`: on b's supersedes chain, or earlier on the same PC."""
        if a["pc_id"] == b["pc_id"]:
            return a["pc_revision"] < b["pc_revision"]
        seen, todo = set(), self.parents(b)
        while todo:
            current = todo.pop()
            if current == a["id"]:
                return True
            if current in seen:
                continue
            seen.add(current)
            row = self.get(current)
            if row is not None:
                todo.extend(self.parents(row))
        return False

    def agree(self, a: dict, b: dict) -> bool:
        if bool(a["deleted"]) != bool(b["deleted"]):
            return False
        return bool(a["deleted"]) or all(a.get(c) == b.get(c) for c in self.kind.visible_columns)


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
            outcome, new_state = _decide(lineage, candidate, current(key), candidate_id in known)
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


def _decide(lineage: _Lineage, new: dict, state: tuple[str | None, str | None], was_known: bool):
    head_id, conflict_id = state
    if new["id"] in (head_id, conflict_id):
        return "unchanged", state
    if was_known:
        return "stale", state  # seen before and no longer current
    head = lineage.get(head_id)
    if head is None:
        return ("unchanged" if new["deleted"] else "added"), (new["id"], None)
    if lineage.older(head, new):
        conflict = lineage.get(conflict_id)
        keep_conflict = conflict_id if conflict is not None and not lineage.older(conflict, new) else None
        if head["deleted"] and new["deleted"]:
            outcome = "unchanged"
        elif head["deleted"]:
            outcome = "added"
        else:
            outcome = "updated"
        return outcome, (new["id"], keep_conflict)
    if lineage.older(new, head):
        return "stale", state
    conflict = lineage.get(conflict_id)
    if conflict is not None:
        if lineage.older(conflict, new):
            return "conflicts", (head_id, new["id"])
        if lineage.older(new, conflict):
            return "stale", state
        return "conflicts", state  # a third claim: kept in history, the first conflict stays shown
    if lineage.agree(head, new):
        return "unchanged", state
    return "conflicts", (head_id, new["id"])


class write_transaction:  # noqa: N801 - used like a function: `with write_transaction(store):`
    """BEGIN IMMEDIATE ... COMMIT on the store's connection; `rollback=True` always rolls back (a preview)."""

    def __init__(self, store: Store, rollback: bool = False):
        self.conn, self.rollback, self.path = store.db.conn, rollback, store.path

    def __enter__(self):
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as exc:
            raise StoreError(_busy_message(exc)) from exc
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
            raise StoreError(_busy_message(error)) from error
        if isinstance(exc, sqlite3.DatabaseError):
            raise StoreError(_busy_message(exc)) from exc
        return False


def _busy_message(exc: Exception) -> str:
    if isinstance(exc, sqlite3.IntegrityError):  # a row the checks let through: say so, not SQLite's words
        return (
            "Tệp nhận có dòng số liệu không hợp lệ nên không ghi được; số liệu cũ vẫn còn nguyên. "
            "Hãy xin đơn vị gửi lại tệp."
        )
    if "locked" in str(exc).lower():
        return "Tệp dữ liệu đang bận (một cửa sổ khác đang ghi). Hãy thử lại sau giây lát."
    return f"Không ghi được số liệu nhận vào tệp dữ liệu: {exc}. Số liệu cũ vẫn còn nguyên."


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
    conn.execute(
        """INSERT INTO peers (pc_id, unit, revision, seen_at) VALUES (?, ?, ?, ?)
           ON CONFLICT (pc_id) DO UPDATE SET unit = excluded.unit,
               revision = MAX(revision, excluded.revision), seen_at = excluded.seen_at""",
        [data.pc_id, sender.unit, data.manifest["pc_revision"], received_at],
    )
    return result


def _columns(store: Store, table: str) -> list[str]:
    return [r[1] for r in store.db.execute(f'PRAGMA table_info("{table}")').fetchall()]


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


def peers(store: Store) -> list[dict]:
    return list(store.db.query("SELECT * FROM peers ORDER BY unit, pc_id"))


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
    for row in store.db.query(sql):
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
