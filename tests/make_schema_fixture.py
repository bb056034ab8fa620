"""Save a database of the current schema, with a few figures, as db/schema-vN.sqlite.

Run once when a schema is released: `python -m tests.make_schema_fixture`. The tests upgrade every
saved file to the current schema and check that nothing recorded in it is lost.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kh_desktop.identity import load_identity  # noqa: E402
from kh_desktop.storage.schema import SCHEMA_VERSION  # noqa: E402
from kh_desktop.storage.store import Store  # noqa: E402

# Figures every saved schema carries: (code, period, value as typed, estimate, note).
FIXTURE_FIGURES = [
    ("1", "2026", "19,5", True, "ước 6 tháng"),
    ("8", "2026-Q2", "0,9", False, ""),
    ("12", "2026-Q1", "400", False, ""),
    ("12", "2026-Q2", "1.100", False, "=1+1"),
    ("20", "2027", "Đạt", False, ""),
    ("5", "baseline", "120", False, "số doanh nghiệp đầu kỳ"),
    ("5", "2026", "150", False, ""),
]

# Changes made to Phòng Kinh tế's first seeded task in files of schema 3 and later (applied in order).
FIXTURE_TASK_CHANGES = [
    {"person": "Nguyễn Văn A", "due": "2026-09-30"},
    {"status": "đang thực hiện", "progress": "40", "notes": "=1+1"},
]

# The adjustment a file of schema 5 and later carries (indicator 2, 2029: ≥17 becomes ≥16).
FIXTURE_ADJUSTMENT = {
    "kind": "target",
    "code": "2",
    "year": 2029,
    "target": {"op": "ge", "value": 16, "as_written": "≥16"},
}


def main() -> None:
    dest = ROOT / "db" / f"schema-v{SCHEMA_VERSION}.sqlite"
    if dest.exists():
        raise SystemExit(f"{dest} exists: a released schema's file is never rewritten.")
    plan_text = (ROOT / "resources" / "plan" / "kien-hai-2026-2030.json").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as keys:
        _fill(dest, plan_text, keys)
    print(f"wrote {dest}")


def _fill(dest: Path, plan_text: str, keys: str) -> None:
    identity = load_identity(Path(keys))  # a throwaway PC identity, never the machine's own
    with Store.create(dest, plan_text, person="Người kiểm thử", identity=identity) as store:
        for code, period, value, estimate, note in FIXTURE_FIGURES:
            store.record(code, period, value, estimate=estimate, note=note, by="Người kiểm thử")
        store.record("1", "2026", "20", by="Người kiểm thử")  # a second revision of one figure
        if SCHEMA_VERSION >= 3:  # schema 3 added the "06 rõ" task register: one seeded task edited twice
            from kh_desktop.storage.task_store import list_tasks, update_task

            first = list_tasks(store, "kinh-te")[0]
            update_task(store, first.id, FIXTURE_TASK_CHANGES[0], by="Người kiểm thử")
            update_task(store, first.id, FIXTURE_TASK_CHANGES[1], by="Người kiểm thử")
        if SCHEMA_VERSION >= 5:  # schema 5 added plan versions: one adjustment by resolution
            from kh_desktop.storage.plan_store import adjust_plan

            adjust_plan(store, [FIXTURE_ADJUSTMENT], "15/NQ-HĐND", "2028-07-20")


if __name__ == "__main__":
    main()
