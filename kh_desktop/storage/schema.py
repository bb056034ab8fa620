"""The database schema as numbered, append-only migrations (sqlite-utils Migrations).

A released migration is never edited: change the schema by adding the next one, save a
database of the released schema in db/ (see db/README.md) and let the tests upgrade it.
Each migration also sets PRAGMA user_version, inside the same transaction, so that the
file header alone says which schema a file has. A migration carries its own SQL and seed data
(resources/migrations/) and calls none of the program's other code, which may change later.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..paths import resource

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations


class _LateMigrations:
    """sqlite-utils' Migrations, made when first used (applying, listing): importing sqlite-utils (with click,
    pluggy and dateutil) costs ~0.1 s, and opening a file of the current schema applies nothing."""

    def __init__(self, name: str):
        self._name = name
        self._registered: list[tuple[str | None, bool, Callable]] = []
        self._made: Migrations | None = None

    def __call__(self, *, name: str | None = None, transactional: bool = True) -> Callable[[Callable], Callable]:
        def register(function: Callable) -> Callable:
            if self._made is not None:
                self._made(name=name, transactional=transactional)(function)
            self._registered.append((name, transactional, function))
            return function

        return register

    def __getattr__(self, attribute: str) -> Any:
        if self._made is None:
            from sqlite_utils.migrations import Migrations

            made = Migrations(self._name)
            for name, transactional, function in self._registered:
                made(name=name, transactional=transactional)(function)
            self._made = made
        return getattr(self._made, attribute)


APPLICATION_ID = 0x4B48_5444  # "KHTD": Kiến Hải Tiến độ
SCHEMA_VERSION = 5  # the user_version the last migration below sets
migrations = _LateMigrations("kh_desktop")


@migrations(name="0001_figures")
def _m0001_figures(db: Database) -> None:
    for statement in (
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        """CREATE TABLE plan_document (
               plan_id TEXT PRIMARY KEY, sha256 TEXT NOT NULL, body TEXT NOT NULL, loaded_at TEXT NOT NULL)""",
        # Every value ever recorded; rows are never updated or deleted.
        """CREATE TABLE revisions (
               id TEXT PRIMARY KEY,
               code TEXT NOT NULL,
               period TEXT NOT NULL,
               value_num REAL,
               value_text TEXT,
               deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
               estimate INTEGER NOT NULL DEFAULT 0 CHECK (estimate IN (0, 1)),
               note TEXT NOT NULL DEFAULT '',
               entered_by TEXT NOT NULL DEFAULT '',
               entered_at TEXT NOT NULL,
               pc_id TEXT NOT NULL,
               pc_revision INTEGER NOT NULL,
               unit TEXT,
               supersedes TEXT,
               received_at TEXT,
               UNIQUE (pc_id, pc_revision))""",
        """CREATE INDEX revisions_figure ON revisions (code, period)""",
        # The current revision of each figure, and a competing one waiting for a person to settle.
        """CREATE TABLE figures (
               code TEXT NOT NULL,
               period TEXT NOT NULL,
               revision_id TEXT NOT NULL REFERENCES revisions (id),
               conflict_id TEXT REFERENCES revisions (id),
               PRIMARY KEY (code, period))""",
        f"PRAGMA application_id = {APPLICATION_ID}",
        "PRAGMA user_version = 1",
    ):
        db.execute(statement)


@migrations(name="0002_exchange")
def _m0002_exchange(db: Database) -> None:
    for statement in (
        # A revision that settles a conflict supersedes the kept one and also "merges" the other one,
        # so neither comes back as a conflict when files travel again.
        """ALTER TABLE revisions ADD COLUMN merges TEXT""",
        # Every exchange file applied at this PC (refused files leave the database untouched).
        """CREATE TABLE import_log (
               id INTEGER PRIMARY KEY,
               file_name TEXT NOT NULL,
               sha256 TEXT NOT NULL,
               unit TEXT NOT NULL,
               pc_id TEXT NOT NULL,
               pc_revision INTEGER NOT NULL,
               sent_at TEXT NOT NULL DEFAULT '',
               received_at TEXT NOT NULL,
               received_by TEXT NOT NULL DEFAULT '',
               status TEXT NOT NULL,
               added INTEGER NOT NULL DEFAULT 0,
               updated INTEGER NOT NULL DEFAULT 0,
               unchanged INTEGER NOT NULL DEFAULT 0,
               stale INTEGER NOT NULL DEFAULT 0,
               refused_rows INTEGER NOT NULL DEFAULT 0,
               conflicts INTEGER NOT NULL DEFAULT 0,
               details TEXT NOT NULL DEFAULT '',
               archive_path TEXT NOT NULL DEFAULT '')""",
        """CREATE INDEX import_log_sha256 ON import_log (sha256)""",
        # The highest revision received from each other PC, and which unit it said it belongs to.
        """CREATE TABLE peers (
               pc_id TEXT PRIMARY KEY,
               unit TEXT NOT NULL,
               revision INTEGER NOT NULL,
               seen_at TEXT NOT NULL)""",
        "PRAGMA user_version = 2",
    ):
        db.execute(statement)


@migrations(name="0003_tasks")
def _m0003_tasks(db: Database) -> None:
    for statement in (
        # Every version of every "06 rõ" task; rows are never updated or deleted (as `revisions` for figures).
        """CREATE TABLE task_revisions (
               id TEXT PRIMARY KEY,
               task_id TEXT NOT NULL,
               unit TEXT NOT NULL,
               cooperating TEXT NOT NULL DEFAULT '',
               title TEXT NOT NULL,
               person TEXT NOT NULL DEFAULT '',
               due TEXT,
               recurrence TEXT CHECK (recurrence IS NULL OR recurrence IN ('quarterly', 'yearly')),
               deliverable TEXT NOT NULL DEFAULT '',
               authority TEXT NOT NULL DEFAULT '',
               status TEXT NOT NULL DEFAULT 'not_started'
                   CHECK (status IN ('not_started', 'in_progress', 'done')),
               progress INTEGER NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
               notes TEXT NOT NULL DEFAULT '',
               indicators TEXT NOT NULL DEFAULT '',
               source TEXT NOT NULL DEFAULT '',
               ordinal INTEGER,
               deleted INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
               entered_by TEXT NOT NULL DEFAULT '',
               entered_at TEXT NOT NULL,
               pc_id TEXT NOT NULL,
               pc_revision INTEGER NOT NULL,
               writer_unit TEXT,
               supersedes TEXT,
               merges TEXT,
               received_at TEXT,
               UNIQUE (pc_id, pc_revision))""",
        """CREATE INDEX task_revisions_task ON task_revisions (task_id)""",
        # The current revision of each task, and a competing one from another PC waiting for a person.
        """CREATE TABLE tasks (
               task_id TEXT PRIMARY KEY,
               revision_id TEXT NOT NULL REFERENCES task_revisions (id),
               conflict_id TEXT REFERENCES task_revisions (id))""",
        "PRAGMA user_version = 3",
    ):
        db.execute(statement)
    # An existing database gets the plan's tasks now; a new one gets them in Store.create, once its plan is in.
    _seed_0003(db)


def _seed_0003(db: Database) -> None:
    """The plan's tasks as released with 0003: stored rows inserted as they are, so later seeding code never runs here."""
    plans = list(db.query("SELECT plan_id FROM plan_document LIMIT 1"))
    path = resource("migrations", f"0003-tasks-{plans[0]['plan_id']}.json") if plans else None
    if path is None or not path.exists():
        return
    for row in json.loads(path.read_text(encoding="utf-8"))["task_revisions"]:
        columns = ", ".join(row)
        db.execute(f"INSERT INTO task_revisions ({columns}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
        db.execute("INSERT INTO tasks (task_id, revision_id) VALUES (?, ?)", [row["task_id"], row["id"]])


@migrations(name="0004_identity")
def _m0004_identity(db: Database) -> None:
    for statement in (
        # The PCs whose files this PC has seen, and what a person decided about each: a PC is bound to one unit
        # (or '*' for Văn phòng's all-units PC) at approval, and its files' own claims are checked against that.
        """CREATE TABLE pcs (
               pc_id TEXT PRIMARY KEY,
               public_key TEXT,
               claimed_unit TEXT NOT NULL,
               unit TEXT,
               status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'revoked')),
               replaces TEXT,
               first_seen TEXT NOT NULL,
               last_file TEXT NOT NULL DEFAULT '',
               decided_at TEXT,
               decided_by TEXT NOT NULL DEFAULT '')""",
        # Files waiting for a person: the first files of a PC not yet approved, unsigned files of the previous
        # release, and files of a PC seen cloned. Each is kept in so-lieu-nhan/cho-xac-nhan/ until decided.
        """CREATE TABLE held_files (
               sha256 TEXT PRIMARY KEY,
               pc_id TEXT NOT NULL,
               claimed_unit TEXT NOT NULL,
               file_name TEXT NOT NULL,
               path TEXT NOT NULL,
               reason TEXT NOT NULL,
               held_at TEXT NOT NULL,
               status TEXT NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'applied', 'refused')))""",
        "PRAGMA user_version = 4",
    ):
        db.execute(statement)


@migrations(name="0005_plan_versions")
def _m0005_plan_versions(db: Database) -> None:
    for statement in (
        # Adjustments of the plan by resolutions of the People's Council (issue 13): the plan document stays as
        # issued (its sha256 is what exchange files compare); version n (n >= 2) applies `changes` (JSON, see
        # domain/adjustments.py) over version n - 1. Written at Văn phòng, adopted by units from its files.
        """CREATE TABLE plan_versions (
               version INTEGER PRIMARY KEY CHECK (version >= 2),
               id TEXT NOT NULL UNIQUE,
               plan_sha256 TEXT NOT NULL,
               decision TEXT NOT NULL,
               decided_on TEXT NOT NULL,
               changes TEXT NOT NULL,
               pc_id TEXT NOT NULL,
               recorded_at TEXT NOT NULL)""",
        "PRAGMA user_version = 5",
    ):
        db.execute(statement)
