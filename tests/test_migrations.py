"""Every saved database of a released schema upgrades to the current one and keeps its figures."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from kh_desktop.domain.numbers import parse_number
from kh_desktop.storage.files import StoreError
from kh_desktop.storage.schema import APPLICATION_ID, SCHEMA_VERSION
from kh_desktop.storage.store import Store
from tests.make_schema_fixture import FIXTURE_FIGURES

DB_DIR = Path(__file__).resolve().parent.parent / "db"
SAVED = sorted(DB_DIR.glob("schema-v*.sqlite"))


def test_every_released_schema_is_saved():
    versions = {int(p.stem.split("-v")[1]) for p in SAVED}
    assert versions == set(range(1, SCHEMA_VERSION + 1))


@pytest.mark.parametrize("saved", SAVED, ids=lambda p: p.stem)
def test_saved_schema_upgrades_and_keeps_figures(saved, tmp_path):
    copy = tmp_path / saved.name
    shutil.copy2(saved, copy)
    old_version = int(saved.stem.split("-v")[1])
    with Store.open(copy) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert store.check() == []
        expected: dict[tuple[str, str], object] = {}
        for code, period, value, _estimate, _note in FIXTURE_FIGURES:
            expected[(code, period)] = value if code == "20" else parse_number(value)
        expected[("1", "2026")] = 20.0
        for (code, period), value in expected.items():
            figure = store.figure(code, period)
            assert figure is not None, (code, period)
            assert figure.value == value
        assert len(store.history("1", "2026")) == 2
    if old_version < SCHEMA_VERSION:
        assert (tmp_path / f"{saved.stem}.truoc-nang-cap-v{old_version}.sqlite").exists()


def test_fresh_database_has_current_schema(store):
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_newer_schema_is_refused_and_untouched(tmp_path, plan_text):
    path = tmp_path / "future.sqlite"
    Store.create(path, plan_text).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError, match="phiên bản mới hơn"):
        Store.open(path)
    assert path.read_bytes() == before
