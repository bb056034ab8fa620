"""A receive killed at chosen statements inside it leaves the database exactly as before or exactly as after."""

from __future__ import annotations

import os
import shutil
import sys

import pytest

from kh_desktop.exchange.receive import receive_files
from kh_desktop.exchange.send import send
from kh_desktop.storage.store import Store
from tests import kill_points
from tests.conftest import ROOT, run_cli
from tests.exchange_helpers import approve_pcs, identities_under, key_folder, make_pc, pc_identity, values

PERIODS = [f"{y}-Q{q}" for y in (2026, 2027) for q in (1, 2, 3, 4)]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """Văn phòng's database before the import, the unit's file, the figures after applying it, and Văn phòng's
    identity folder (the worker receives on Văn phòng's PC)."""
    root = tmp_path_factory.mktemp("crash")
    with identities_under(root / "keys"):  # a module fixture: the per-test identities are not set up yet
        return _scenario(root)


def _scenario(root):
    plan_text = (ROOT / "resources" / "plan" / "kien-hai-2026-2030.json").read_text(encoding="utf-8")
    unit = make_pc(root, "kt", plan_text, "kinh-te")
    office = make_pc(root, "vp", plan_text)
    approve_pcs(office, unit)  # as Văn phòng does once for the unit's PC
    numeric = []
    for indicator in unit.plan.indicators_of("kinh-te"):
        try:
            unit.record(indicator.code, "2026-Q1", "5")
            numeric.append(indicator.code)
        except Exception:  # noqa: BLE001 - a word-valued row: leave it out
            continue
    receive_files(office, [send(unit, root / "first.khtd")], backup=False)
    for n, code in enumerate(numeric):  # many new and updated figures: a longer import to interrupt
        for period in PERIODS:
            unit.record(code, period, str(6 + n))
    exchange_file = send(unit, root / "second.khtd")
    office.close()
    before_db = root / "before.sqlite"
    shutil.move(root / "vp" / "kien-hai-tien-do.sqlite", before_db)
    vp = pc_identity("vp")  # Văn phòng's PC receives, here and in the worker
    with Store.open(before_db, identity=vp) as store:
        before = values(store)
    after_db = root / "after" / "kh.sqlite"
    after_db.parent.mkdir()
    shutil.copy(before_db, after_db)
    with Store.open(after_db, identity=vp) as store:
        receive_files(store, [exchange_file], backup=False)
        after = values(store)
    assert before != after and len(after) > len(before) + 50
    unit.close()
    return before_db, exchange_file, before, after, key_folder("vp")


def _worker(db, exchange_file, keys) -> tuple[list[str], dict]:
    """The receive worker, on Văn phòng's PC (its identity folder `keys`)."""
    command = [sys.executable, "-m", "tests.exchange_kill_worker", str(db), str(exchange_file)]
    return command, dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONPATH=str(ROOT), KH_KEY_DIR=str(keys))


def _state(db, before, after) -> str:
    with Store.open(db) as store:
        assert store.check() == []
        now = values(store)
        logged = len(list(store.db.query("SELECT id FROM import_log")))
    assert now in (before, after), "a half-applied import"
    assert logged == (2 if now == after else 1)  # the first file, then this one
    return "after" if now == after else "before"


@pytest.fixture(scope="module")
def receive_points(scenario, tmp_path_factory):
    """Every statement a whole receive of the file sends to the working database, in order."""
    before_db, exchange_file, before, after, keys = scenario
    db = tmp_path_factory.mktemp("points") / "kh.sqlite"
    shutil.copy(before_db, db)
    points = kill_points.points_of(*_worker(db, exchange_file, keys), cwd=ROOT)
    assert _state(db, before, after) == "after"
    return points


def test_a_receive_writes_in_one_transaction(receive_points):
    begins = [p for p in receive_points if p["sql"].upper().startswith("BEGIN")]
    commits = [p for p in receive_points if p["sql"].upper().startswith("COMMIT")]
    assert [p["sql"] for p in begins] == ["BEGIN IMMEDIATE"] and len(commits) == 1
    writes = [p for p in receive_points if p["sql"].upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert writes and all(begins[0]["point"] < p["point"] < commits[0]["point"] for p in writes)


def test_receive_killed_at_each_chosen_point_is_all_or_nothing(scenario, receive_points, tmp_path):
    """Killed just before a statement runs: before the COMMIT statement nothing is applied, after it all is."""
    before_db, exchange_file, before, after, keys = scenario
    (commit,) = [p["point"] for p in receive_points if p["sql"].upper().startswith("COMMIT")]
    chosen = kill_points.spread(receive_points, 12)
    assert any(point <= commit for point in chosen) and any(point > commit for point in chosen)
    for point in chosen:
        db = tmp_path / f"point-{point}" / "kh.sqlite"
        db.parent.mkdir()
        shutil.copy(before_db, db)
        paused, _ = kill_points.run_to_point(*_worker(db, exchange_file, keys), point, cwd=ROOT)
        expected = "before" if point <= commit else "after"
        assert _state(db, before, after) == expected, paused
        assert run_cli("check", db=db).returncode == 0, paused
