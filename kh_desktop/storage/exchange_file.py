"""Exchange files: their format (a SQLite snapshot with a signed manifest), writing one from a Store, and checking
and reading a received one through its own read-only, defensive connection. A received file is never attached to
the working database: its rows are loaded into memory (ExchangeData) for the merge.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.errors import UserError
from ..domain.evaluation import ValueRefused
from ..domain.periods import PeriodError
from ..domain.plan import Plan, PlanError, load_plan_text
from ..identity import pc_id_of, verify
from .files import SQLITE_MAGIC, StoreError, copy_database, discard, read_header
from .record_kinds import RECORD_KINDS
from .schema import APPLICATION_ID, SCHEMA_VERSION, migrations
from .store import ALL_UNITS, Store, now_iso
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


class ExchangeRefused(UserError):
    """A received file refused before anything was written; str() is Vietnamese."""


# ---- the expected schema (exact allow-list) -------------------------------------------------------------

_SCHEMA_CACHE: dict[int, frozenset[tuple[str, str, str, str]]] = {}


def expected_schema(version: int) -> frozenset[tuple[str, str, str, str]]:
    """(type, name, tbl_name, sql) of every schema object a database of `version` has, plus the manifest."""
    if version not in _SCHEMA_CACHE:
        from sqlite_utils import Database

        db = Database(memory=True)
        names = [m.name for m in migrations.pending(db)]
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
    counts, sha, _kept = _read_rows(conn, tables, keep=frozenset())
    return counts, sha


def _read_rows(
    conn: sqlite3.Connection, tables: list[str], keep: frozenset[str]
) -> tuple[dict[str, int], str, dict[str, list[dict]]]:
    """rows_digest, and in the same single read the rows of the `keep` tables as dicts (column name -> value), in
    rowid order: a received file is hashed and read in one pass."""
    digest = hashlib.sha256()
    counts: dict[str, int] = {}
    kept: dict[str, list[dict]] = {}
    encode = _row_text
    for table in sorted(tables):
        digest.update(f"table {table}\n".encode())
        count = 0
        cursor = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
        names = [d[0] for d in cursor.description]
        rows: list[dict] | None = kept.setdefault(table, []) if table in keep else None
        while batch := cursor.fetchmany(DIGEST_BATCH):
            digest.update("".join([encode(row) + "\n" for row in batch]).encode())
            count += len(batch)
            if rows is not None:
                rows.extend([dict(zip(names, values, strict=True)) for values in batch])
        counts[table] = count
    return counts, digest.hexdigest(), kept


def _sqlite_order(value) -> tuple:
    """A sort key that orders values as SQLite's ORDER BY does: NULL, numbers, text, BLOB (a hostile file may put
    any of them in any column)."""
    if value is None:
        return (0, 0)
    if isinstance(value, int | float):
        return (1, value)
    if isinstance(value, str):
        return (2, value)
    return (3, bytes(value))


def data_tables(conn: sqlite3.Connection) -> list[str]:
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
    unit = store.pc_unit

    def filter_and_sign(target: sqlite3.Connection) -> dict:
        target.execute("BEGIN")
        if unit is not None:
            _keep_only_unit(target, store.plan, unit, store.pc_id)
        for table in LOCAL_ONLY_TABLES:
            target.execute(f"DELETE FROM {table}")
        target.execute(SIGNED_MANIFEST_DDL)
        counts, sha = rows_digest(target, data_tables(target))
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
        return manifest

    manifest = copy_database(store.db.conn, dest, "tệp gửi", filter_and_sign)
    try:
        read_exchange_file(dest, store.plan, store.plan_sha256)
    except ExchangeRefused as exc:
        discard(dest)
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
    plan_versions: list[dict] = field(default_factory=list)  # adjustments of the plan, as plan_store carries them

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


def check_exchange_file(path: Path) -> int:
    """The checks of a file we do not trust that need no plan and read no row: its size, that it is SQLite, ours,
    of a schema this program reads, and sound (integrity_check). Returns its schema version; raises
    ExchangeRefused (Vietnamese) at the first problem. Mostly SQLite's and the disk's work: a receive runs it for
    the next file on a worker thread while the current one is applied.

    `path` must be a copy in a folder the program owns: it is opened read-only, with no journal lookups."""
    path = Path(path)
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
    with _untrusted(path) as conn:
        problems = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
    if problems != ["ok"]:
        raise ExchangeRefused("Tệp bị hỏng hoặc bị cắt cụt khi chép (kiểm tra toàn vẹn không đạt). Hãy xin gửi lại.")
    return version


def read_exchange_file(path: Path, plan: Plan, plan_sha256: str, version: int | None = None) -> ExchangeData:
    """Check a file we do not trust and read its rows; raise ExchangeRefused (Vietnamese) at the first problem.
    `version`: what check_exchange_file returned for this very file (its checks are then not made again)."""
    path = Path(path)
    if version is None:
        version = check_exchange_file(path)
    with _untrusted(path) as conn:
        try:
            return _read_checked(conn, path, plan, plan_sha256, version)
        except (KeyError, TypeError, ValueError) as exc:
            raise ExchangeRefused(f"Nội dung tệp {path.name} không đúng cấu trúc ({exc}).") from exc


@contextmanager
def _untrusted(path: Path) -> Iterator[sqlite3.Connection]:
    """A connection to a file we do not trust, its SQLite errors told in Vietnamese."""
    try:
        conn = _open_untrusted(path)
    except sqlite3.Error as exc:
        raise ExchangeRefused(f"Tệp bị hỏng, không mở được ({exc}).") from exc
    try:
        yield conn
    except sqlite3.Error as exc:
        if "interrupted" in str(exc):
            raise ExchangeRefused("Tệp đòi hỏi xử lý bất thường (có thể là tệp độc hại); đã dừng đọc.") from exc
        raise ExchangeRefused(
            "Tệp bị hỏng hoặc bị cắt cụt khi chép nên không đọc được. Hãy xin đơn vị gửi lại tệp."
        ) from exc
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
    # The same plan: this PC's document, or an earlier document of it that this one declares it replaces.
    if manifest["plan_sha256"] != plan_sha256 and manifest["plan_sha256"] not in plan.replaces_sha256:
        raise ExchangeRefused("Tệp thuộc một kế hoạch khác (hoặc bản kế hoạch khác) với máy này nên không được nhận.")
    documents = list(conn.execute("SELECT sha256, body FROM plan_document"))
    if len(documents) != 1 or documents[0]["sha256"] != manifest["plan_sha256"]:
        raise ExchangeRefused("Tệp thuộc một kế hoạch khác với máy này nên không được nhận.")
    if _plan_body_sha256(documents[0]["body"]) != manifest["plan_sha256"]:
        raise ExchangeRefused("Kế hoạch chứa trong tệp đã bị sửa nên tệp không được nhận.")
    unit = manifest["unit"]
    if unit != ALL_UNITS and unit not in {u.id for u in plan.units}:
        raise ExchangeRefused(f"Tệp ghi đơn vị “{unit}” không có trong kế hoạch.")
    if not isinstance(manifest["pc_id"], str) or not _PC_ID.match(manifest["pc_id"]):
        raise ExchangeRefused("Phần kê khai của tệp ghi mã máy không hợp lệ.")
    if version >= FIRST_SIGNED_SCHEMA:
        _check_signature(manifest)
    conn.row_factory = None
    tables = data_tables(conn)
    wanted = {t for kind in RECORD_KINDS for t in (kind.revisions_table, kind.current_table)} | {"plan_versions"}
    counts, sha, rows = _read_rows(conn, tables, keep=frozenset(wanted & set(tables)))
    if counts != json.loads(manifest["row_counts"]) or sha != manifest["rows_sha256"]:
        raise ExchangeRefused(
            "Số dòng trong tệp không khớp với phần kê khai: tệp đã bị sửa hoặc hỏng khi chép. Hãy xin gửi lại."
        )
    data = ExchangeData(path, manifest, version)
    for kind in RECORD_KINDS:
        if kind.revisions_table not in rows:
            continue
        revisions = sorted(
            rows[kind.revisions_table], key=lambda r: (_sqlite_order(r["pc_id"]), _sqlite_order(r["pc_revision"]))
        )
        for row in revisions:  # a number that is not one is refused with its row (exchange_merge._row_refusal)
            number = row["pc_revision"]
            if row["pc_id"] == manifest["pc_id"] and type(number) is int and number > manifest["pc_revision"]:
                raise ExchangeRefused("Tệp có số liệu mới hơn mốc phiên bản đã kê khai: tệp đã bị sửa.")
        data.revisions[kind.name] = revisions
        data.heads[kind.name] = rows[kind.current_table]
    if "plan_versions" in rows:  # schema 5: the plan adjustments the sending PC holds
        data.plan_versions = [
            {**row, "date": row["decided_on"], "changes": json.loads(row["changes"])}
            for row in sorted(rows["plan_versions"], key=lambda r: _sqlite_order(r["version"]))
        ]
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
