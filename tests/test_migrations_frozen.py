"""Released migrations are frozen: 0003 inserts the task rows it shipped with, not what today's seeding makes."""

from __future__ import annotations

import ast
import shutil
import sqlite3
from pathlib import Path

from kh_desktop.storage.store import Store
from kh_desktop.tasks.seed import SEED_PC_ID

ROOT = Path(__file__).resolve().parent.parent
SCHEMA_PY = ROOT / "kh_desktop" / "storage" / "schema.py"


def seeded_rows(path: Path) -> tuple[list[tuple], list[tuple]]:
    """(the seeded revisions in insertion order, (task, current revision) of tasks whose current row is seeded)"""
    conn = sqlite3.connect(path)
    try:
        revisions = conn.execute(
            "SELECT rowid, * FROM task_revisions WHERE pc_id = ? ORDER BY rowid", [SEED_PC_ID]
        ).fetchall()
        current = conn.execute(
            "SELECT t.task_id, t.revision_id FROM tasks t JOIN task_revisions r ON r.id = t.revision_id "
            "WHERE r.pc_id = ? ORDER BY t.task_id",
            [SEED_PC_ID],
        ).fetchall()
    finally:
        conn.close()
    return revisions, current


def test_upgrade_to_v3_seeds_what_schema_v3_and_a_fresh_file_hold(tmp_path, plan_text):
    upgraded = tmp_path / "v2.sqlite"
    shutil.copy2(ROOT / "db" / "schema-v2.sqlite", upgraded)
    Store.open(upgraded).close()  # runs migration 0003 on a file that already has its plan
    fresh = tmp_path / "fresh.sqlite"
    Store.create(fresh, plan_text).close()  # seeded by today's code, after the migrations ran on an empty file
    saved, _edited_since = seeded_rows(ROOT / "db" / "schema-v3.sqlite")
    assert len(saved) == 83  # the tasks of plan sections III and IV
    assert seeded_rows(upgraded) == seeded_rows(fresh) == (saved, seeded_rows(fresh)[1])
    assert len(seeded_rows(upgraded)[1]) == 83


def test_migrations_import_no_code_of_ours_that_can_change():
    """schema.py may use the standard library, sqlite-utils and paths (to find its own seed data), nothing else."""
    imported = set()
    for node in ast.walk(ast.parse(SCHEMA_PY.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            imported.add(("." * node.level) + (node.module or ""))
        elif isinstance(node, ast.Import):
            imported.update(a.name for a in node.names)
    ours = {name for name in imported if name.startswith(".") or name.startswith("kh_desktop")}
    assert ours == {"..paths"}
