"""The working database of one PC: the plan it was seeded from and every figure ever recorded.

Every write is one transaction that also increments this PC's revision counter, so that
consolidation at Văn phòng can order changes by revision rather than by PC clocks.
Nothing is updated in place: a new value is a new revision that supersedes the old one.
"""

from __future__ import annotations

import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from ..domain.adjustments import apply_adjustments
from ..domain.errors import os_reason
from ..domain.evaluation import (
    Assessment,
    Reading,
    SamePeriod,
    ValueRefused,
    evaluate_period,
    same_period_last_year,
    validate_value,
)
from ..domain.periods import BASELINE, Period, PeriodError, parse_period
from ..domain.plan import Indicator, Plan, PlanError, load_plan_text
from ..identity import Identity, IdentityError, load_identity
from .files import (
    StoreError,
    check_identity,
    copy_role,
    folder_message,
    not_working_message,
    open_read_only,
    os_error_message,
    quick_check,
    roll_back_interrupted_write,
    sqlite_reason,
    write_error_message,
    write_snapshot,
)
from .records import (  # noqa: F401 - re-exported: the store's API
    Change,
    ChangeKind,
    Figure,
    Revision,
    _database_class,
    _value_of,
    now_iso,
    stored_adjustments,
)
from .schema import SCHEMA_VERSION, migrations
from .task_rows import seed_tasks

if TYPE_CHECKING:
    from sqlite_utils import Database

ALL_UNITS = "*"
BUSY_WAIT_SECONDS = 10  # how long a write waits for another window's write to finish before refusing


class Store:
    """One open database. Not thread-safe: each thread opens its own Store."""

    def __init__(self, path: Path, conn: sqlite3.Connection, identity: Identity | None = None):
        self.path = Path(path)
        self.conn = conn
        self._db: Database | None = None
        self._identity = identity
        self._block_end = 0  # the last revision number of the block this store reserved
        self._refusal: str | None = None  # why this file may not be written (see _refuse_writes)
        self._plan: Plan | None = None

    @property
    def db(self) -> Database:
        """sqlite-utils over this store's connection, made at first use: importing it (with click, pluggy and
        dateutil) costs ~0.1 s, and opening the window only reads (`rows`)."""
        if self._db is None:
            # No sqlite-utils plugins: none is part of the program, and looking for them scans every installed
            # package's entry points (30-50 ms at each start).
            self._db = _database_class()(self.conn, execute_plugins=False)
            self._db.refusal = self._refusal
        return self._db

    def rows(self, sql: str, params: list | tuple = ()) -> list[dict]:
        """A read through plain sqlite3 (what sqlite-utils' query returns for a SELECT: one dict per row)."""
        cursor = self.conn.execute(sql, params)
        keys = [d[0] for d in cursor.description]
        return [dict(zip(keys, row, strict=True)) for row in cursor]

    # ---- opening and creating ---------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, identity: Identity | None = None) -> Store:
        """Open an existing database, upgrading an older schema after a safety copy.

        `identity` is the PC writing through this store (default: this PC's own, loaded at the first write)."""
        path = Path(path)
        version = check_identity(path)
        roll_back_interrupted_write(path)
        problems = quick_check(path)
        if problems:
            raise StoreError(
                f"Tệp dữ liệu {path} bị hỏng ({problems[0]}). Tệp không bị thay đổi. "
                "Hãy khôi phục từ bản sao lưu (lệnh restore hoặc menu Khôi phục)."
            )
        role = _copy_role_of(path)
        if role is not None and version < SCHEMA_VERSION:
            raise StoreError(not_working_message(path, role))  # upgrading it would be writing it
        if version < SCHEMA_VERSION:
            cls._safety_copy(path, version)
        store = cls(path, cls._connect(path), identity)
        try:
            if role is None:
                if version < SCHEMA_VERSION:  # a file of the current schema has every migration already
                    migrations.apply(store.db)
                store._take_shipped_plan()
            else:
                store._refuse_writes(not_working_message(path, role))
            store.plan  # noqa: B018 - fail now, not later, if the stored plan is unreadable
        except (sqlite3.DatabaseError, PlanError) as exc:
            store.close()
            raise StoreError(f"Không mở được tệp dữ liệu {path}: {_reason(exc)}") from exc
        return store

    def _refuse_writes(self, message: str) -> None:
        """Read and check only: every transaction is refused with `message`, and SQLite itself writes nothing."""
        self._refusal = message
        if self._db is not None:
            self._db.refusal = message
        self.conn.execute("PRAGMA query_only = ON")

    @property
    def refusal(self) -> str | None:
        """Why this file may not be written (a backup or an exchange file opened as a database), or None."""
        return self._refusal

    def _take_shipped_plan(self) -> None:
        """A database made under an earlier document of the plan this program ships (one the shipped plan lists
        in `replaces_sha256`: how rows are computed corrected, targets unchanged) takes the shipped document."""
        from ..paths import default_plan_path

        found = self.rows("SELECT sha256, body FROM plan_document LIMIT 1")  # plain sqlite3: at every start
        stored = found[0] if found else None
        try:
            text = default_plan_path().read_text(encoding="utf-8")
        except OSError:
            return
        if stored is None or stored["body"] == text:  # the common case: no parsing at start
            return
        shipped = load_plan_text(text)
        if stored["sha256"] == shipped.sha256 or stored["sha256"] not in shipped.replaces_sha256:
            return
        with self.db.atomic():
            self.db.execute("UPDATE plan_document SET sha256 = ?, body = ?", [shipped.sha256, text])
            if self.db["plan_versions"].exists():
                self.db.execute(
                    "UPDATE plan_versions SET plan_sha256 = ? WHERE plan_sha256 = ?", [shipped.sha256, stored["sha256"]]
                )
            self.db["meta"].upsert({"key": "plan_replaced", "value": f"{stored['sha256']} {now_iso()}"}, pk="key")
        self._plan = None

    @classmethod
    def create(
        cls,
        path: Path | str,
        plan_text: str,
        unit_id: str = ALL_UNITS,
        person: str = "",
        identity: Identity | None = None,
    ) -> Store:
        """Create and seed a new database from a plan file's text."""
        path = Path(path)
        if path.is_dir():
            raise StoreError(folder_message(path))
        plan = load_plan_text(plan_text)
        if unit_id != ALL_UNITS:
            unit_id = plan.unit_by_id(unit_id).id
        if path.exists() and path.stat().st_size > 0:
            raise StoreError(f"Tệp {path} đã có. Không tạo đè lên tệp đã có.")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(os_error_message(exc, path)) from exc
        store = cls(path, cls._connect(path), identity)
        try:
            migrations.apply(store.db)
            with store.db.atomic():
                store.db["plan_document"].insert(
                    {"plan_id": plan.plan_id, "sha256": plan.sha256, "body": plan_text, "loaded_at": now_iso()}
                )
                store.db["meta"].insert_all(
                    [
                        {"key": "plan_id", "value": plan.plan_id},
                        {"key": "pc_id", "value": store.pc_id},
                        {"key": "pc_unit", "value": unit_id},
                        {"key": "person", "value": person},
                        {"key": "revision", "value": "0"},
                        {"key": "created_at", "value": now_iso()},
                    ]
                )
                seed_tasks(store.db)  # the plan's "06 rõ" tasks, now that the plan is in
        except sqlite3.Error as exc:
            store.close()
            raise StoreError(f"Không tạo được tệp dữ liệu {path}: {_reason(exc)}") from exc
        return store

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(path, timeout=BUSY_WAIT_SECONDS)
            # The safe defaults on PCs that lose power and files that get copied (data-safety.md).
            conn.execute("PRAGMA journal_mode = DELETE")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA trusted_schema = OFF")
            conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils sets it, whether it is loaded or not
        except sqlite3.Error as exc:
            raise StoreError(f"Không mở được tệp dữ liệu {path}: {sqlite_reason(exc)}.") from exc
        return conn

    @staticmethod
    def _safety_copy(path: Path, version: int) -> None:
        copy = path.with_name(f"{path.stem}.truoc-nang-cap-v{version}{path.suffix}")
        try:
            shutil.copy2(path, copy)
        except OSError as exc:
            raise StoreError(
                f"Không tạo được bản sao an toàn trước khi nâng cấp tệp dữ liệu: {os_reason(exc)}. Tệp không bị thay đổi."
            ) from exc

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ---- identity ---------------------------------------------------------------------------

    def meta(self, key: str, default: str | None = None) -> str | None:
        rows = self.rows("SELECT value FROM meta WHERE key = ?", [key])
        return rows[0]["value"] if rows else default

    def set_meta(self, key: str, value: str) -> None:
        with self.db.atomic():
            self.db["meta"].upsert({"key": key, "value": value}, pk="key")

    @property
    def plan(self) -> Plan:
        if self._plan is None:
            rows = self.rows("SELECT body FROM plan_document LIMIT 1")
            if not rows:
                raise StoreError(f"Tệp dữ liệu {self.path} không có kế hoạch.")
            # the plan as issued with every stored adjustment by resolution (storage/plan_store.py writes them)
            self._plan = apply_adjustments(load_plan_text(rows[0]["body"]), stored_adjustments(self.conn))
        return self._plan

    @property
    def plan_sha256(self) -> str:
        return next(self.db.query("SELECT sha256 FROM plan_document LIMIT 1"))["sha256"]

    @property
    def identity(self) -> Identity:
        """The PC writing through this store: its key is the PC's, not the file's (see kh_desktop/identity.py)."""
        if self._identity is None:
            try:
                self._identity = load_identity()
            except IdentityError as exc:
                raise StoreError(str(exc)) from exc
        return self._identity

    @property
    def pc_id(self) -> str:
        """This PC's id. What earlier PCs wrote in the file keeps their ids (a copied file changes author)."""
        return self.identity.pc_id

    @property
    def pc_unit(self) -> str | None:
        """The unit id this PC belongs to, or None when it keeps all units."""
        unit = self.meta("pc_unit", ALL_UNITS)
        return None if unit == ALL_UNITS else unit

    def set_pc_unit(self, unit_id: str | None) -> None:
        self.set_meta("pc_unit", ALL_UNITS if unit_id is None else self.plan.unit_by_id(unit_id).id)

    @property
    def revision(self) -> int:
        return int(self.meta("revision", "0"))

    def can_edit(self, indicator: Indicator) -> bool:
        return self.pc_unit is None or self.pc_unit in indicator.owners

    # ---- writing ----------------------------------------------------------------------------

    def record(self, code: str, period: str, raw, *, estimate: bool = False, note: str = "", by: str = "") -> Change:
        """Validate and record a figure; raise ValueRefused/PeriodError/PlanError and write nothing."""
        indicator, period_key, year = self._resolve(code, period)
        value = validate_value(indicator, period_key, raw, year)
        return self._write(indicator, period_key, value=value, estimate=estimate, note=note, by=by)

    def clear(self, code: str, period: str, *, by: str = "") -> Change:
        """Remove a figure; the removal is itself a revision, so history keeps the old value."""
        indicator, period_key, _ = self._resolve(code, period)
        if self.figure(code, period_key) is None:
            return Change()
        return self._write(indicator, period_key, value=None, estimate=False, note="", by=by, deleted=True)

    def _resolve(self, code: str, period: str) -> tuple[Indicator, str, int | None]:
        indicator = self.plan.indicator(code)
        if not self.can_edit(indicator):
            owners = ", ".join(self.plan.owner_names(indicator))
            mine = self.plan.unit_by_id(self.pc_unit).name
            raise ValueRefused(
                f"Máy này thuộc {mine}; chỉ tiêu {code} do {owners} nhập. Không ghi số liệu của đơn vị khác."
            )
        if period == BASELINE:
            if indicator.baseline is None:
                raise ValueRefused(f"Chỉ tiêu {code} không tính theo số gốc (hiện nay).")
            return indicator, BASELINE, None
        parsed = parse_period(period, self.plan.first_year, self.plan.last_year)
        return indicator, parsed.key, parsed.year

    def _write(
        self, indicator: Indicator, period_key: str, *, value, estimate: bool, note: str, by: str, deleted: bool = False
    ) -> Change:
        note = _clean_text(note)
        by = _clean_text(by) or (self.meta("person") or "")
        try:
            with self.db.atomic():
                revision = self.next_revision()
                current = self._current_row(indicator.code, period_key)
                revision_id = uuid.uuid4().hex
                self.db["revisions"].insert(
                    {
                        "id": revision_id,
                        "code": indicator.code,
                        "period": period_key,
                        "value_num": value if isinstance(value, float) else None,
                        "value_text": value if isinstance(value, str) else None,
                        "deleted": int(deleted),
                        "estimate": int(bool(estimate)),
                        "note": note,
                        "entered_by": by,
                        "entered_at": now_iso(),
                        "pc_id": self.pc_id,
                        "pc_revision": revision,
                        "unit": self.pc_unit,
                        "supersedes": current["revision_id"] if current else None,
                        # Writing over a conflicted figure settles it: the competing revision is merged.
                        "merges": current["conflict_id"] if current else None,
                        "received_at": None,
                    }
                )
                # A person writing over a conflicted figure has settled it.
                self.db["figures"].upsert(
                    {"code": indicator.code, "period": period_key, "revision_id": revision_id, "conflict_id": None},
                    pk=("code", "period"),
                )
        except sqlite3.DatabaseError as exc:
            raise StoreError(write_error_message(exc, self.path)) from exc
        return Change(frozenset({(indicator.code, period_key)}), revision)

    def next_revision(self) -> int:
        """The next revision number of this PC, inside the caller's write transaction.

        Numbers come from blocks reserved beside the PC's key before use (identity.reserve_block); a store takes a
        new block above the mark at its first write and whenever its block runs out, so a restored, recovered or
        copied file, or a second database open on the same PC, never makes the PC hand out a number twice."""
        identity = self.identity
        revision = self.revision + 1
        try:
            if revision > self._block_end:
                revision = max(revision, identity.high_water + 1)
                self._block_end = identity.reserve_block(revision)
        except (IdentityError, OSError) as exc:
            why = os_reason(exc) if isinstance(exc, OSError) else str(exc)
            raise StoreError(
                f"Không ghi được mốc phiên bản của máy này ({identity.folder}): {why}. Số liệu chưa được ghi."
            ) from exc
        if self.meta("pc_id") != identity.pc_id:  # the file came from another PC: we go on as ourselves
            self.db.execute("UPDATE meta SET value = ? WHERE key = 'pc_id'", [identity.pc_id])
        self.db.execute("UPDATE meta SET value = ? WHERE key = 'revision'", [str(revision)])
        return revision

    # ---- reading ----------------------------------------------------------------------------

    def _current_row(self, code: str, period: str) -> dict | None:
        rows = list(self.db.query("SELECT * FROM figures WHERE code = ? AND period = ?", [code, period]))
        return rows[0] if rows else None

    _FIGURE_SQL = """
        SELECT f.code, f.period, f.conflict_id, r.id AS revision_id, r.value_num, r.value_text, r.deleted,
               r.estimate, r.note, r.entered_by, r.entered_at, r.pc_id
        FROM figures f JOIN revisions r ON r.id = f.revision_id
    """

    def figures(self, code: str | None = None, period: str | None = None) -> list[Figure]:
        """Current figures (removed ones left out), optionally of one indicator and/or one period."""
        sql, params = self._FIGURE_SQL + " WHERE r.deleted = 0", []
        if code is not None:
            sql += " AND f.code = ?"
            params.append(code)
        if period is not None:
            sql += " AND f.period = ?"
            params.append(period)
        return [self._figure(row) for row in self.rows(sql, params)]

    def figure(self, code: str, period: str) -> Figure | None:
        rows = list(
            self.db.query(self._FIGURE_SQL + " WHERE f.code = ? AND f.period = ? AND r.deleted = 0", [code, period])
        )
        return self._figure(rows[0]) if rows else None

    @staticmethod
    def _figure(row: dict) -> Figure:
        return Figure(
            row["code"],
            row["period"],
            _value_of(row),
            bool(row["estimate"]),
            row["note"],
            row["entered_by"],
            row["entered_at"],
            row["pc_id"],
            row["revision_id"],
            row["conflict_id"],
        )

    def history(self, code: str, period: str) -> list[Revision]:
        """Every revision of a figure, newest first (also of an indicator a plan adjustment retired)."""
        self.plan.any_indicator(code)
        if period != BASELINE:
            period = parse_period(period, self.plan.first_year, self.plan.last_year).key
        rows = self.db.query(
            "SELECT * FROM revisions WHERE code = ? AND period = ? ORDER BY entered_at DESC, pc_revision DESC, rowid DESC",
            [code, period],
        )
        return [
            Revision(
                r["id"],
                r["code"],
                r["period"],
                _value_of(r),
                bool(r["deleted"]),
                bool(r["estimate"]),
                r["note"],
                r["entered_by"],
                r["entered_at"],
                r["pc_id"],
                r["pc_revision"],
                r["unit"],
                r["supersedes"],
                r["received_at"],
            )
            for r in rows
        ]

    # ---- judging (the domain rules over stored figures) -------------------------------------

    def readings(self, code: str | None = None) -> dict[str, dict[str, Reading]]:
        """Every current figure (of one indicator, if given) as evaluator readings, keyed by code then period.

        One indicator's readings come out the same either way (their order is relative); asking for one
        reads ~20 rows instead of every figure, which keeps a chart redraw within a keystroke's time."""
        result: dict[str, dict[str, Reading]] = {}
        plan = self.plan
        periods: dict[str, Period | None] = {}  # a few dozen distinct keys among hundreds of figures
        for order, figure in enumerate(sorted(self.figures(code), key=lambda f: f.entered_at)):
            if figure.period == BASELINE or figure.value is None:
                continue
            if figure.period not in periods:
                try:
                    periods[figure.period] = parse_period(figure.period, plan.first_year, plan.last_year)
                except PeriodError:
                    periods[figure.period] = None
            period = periods[figure.period]
            if period is None:
                continue
            result.setdefault(figure.code, {})[figure.period] = Reading(period, figure.value, figure.estimate, order)
        return result

    def baselines(self, code: str | None = None) -> dict[str, float]:
        figures = self.figures(code, BASELINE)
        return {f.code: float(f.value) for f in figures if f.period == BASELINE and isinstance(f.value, float)}

    def assess(self, period: Period, unit_id: str | None = None) -> list[Assessment]:
        """The verdict of every indicator (of one unit, if given) for a period, in annex order."""
        readings, baselines = self.readings(), self.baselines()
        indicators = self.plan.indicators_of(unit_id) if unit_id else self.plan.indicators
        return [evaluate_period(i, period, readings.get(i.code, {}), baselines.get(i.code)) for i in indicators]

    def same_period(self, period: Period, unit_id: str | None = None) -> dict[str, SamePeriod]:
        """Cùng kỳ năm trước of every indicator (of one unit, if given), keyed by code."""
        readings = self.readings()
        indicators = self.plan.indicators_of(unit_id) if unit_id else self.plan.indicators
        return {i.code: same_period_last_year(i, period, readings.get(i.code, {})) for i in indicators}

    # ---- safety -----------------------------------------------------------------------------

    def check(self) -> list[str]:
        """Problems found (Vietnamese); an empty list means the file is sound."""
        problems = [r[0] for r in self.db.execute("PRAGMA integrity_check").fetchall() if r[0] != "ok"]
        problems += [f"Khóa ngoại sai ở bảng {r[0]}" for r in self.db.execute("PRAGMA foreign_key_check").fetchall()]
        own_max = self.db.execute("SELECT MAX(pc_revision) FROM revisions WHERE pc_id = ?", [self.pc_id]).fetchone()[0]
        if own_max is not None and own_max > self.revision:
            problems.append(f"Bộ đếm phiên bản ({self.revision}) nhỏ hơn phiên bản đã ghi ({own_max}).")
        unknown = [
            r[0]
            for r in self.db.execute("SELECT DISTINCT code FROM figures").fetchall()
            if not self.plan.has_indicator(r[0])
        ]
        if unknown:
            problems.append(f"Có số liệu của chỉ tiêu không có trong kế hoạch: {', '.join(unknown)}.")
        return problems

    def snapshot(self, dest: Path | str) -> Path:
        """A consistent, verified copy of this database (backup API, flushed, renamed into place)."""
        return write_snapshot(self.conn, Path(dest))


def _copy_role_of(path: Path) -> str | None:
    try:
        conn = open_read_only(path)
        try:
            return copy_role(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return None  # opening it properly then says what is wrong


def _reason(exc: Exception) -> str:
    """SQLite's English turned Vietnamese; our own errors are Vietnamese already."""
    return sqlite_reason(exc) if isinstance(exc, sqlite3.Error) else str(exc)


def _clean_text(text: str | None) -> str:
    """Drop control characters a paste may carry; keep line breaks and tabs out of one-line fields."""
    if not text:
        return ""
    return "".join(ch for ch in str(text) if ch in "\n" or ch >= " ").strip()
