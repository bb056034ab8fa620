"""A receive killed with SIGKILL at random moments leaves the database exactly as before or exactly as after."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from kh_desktop.exchange.receive import receive_files
from kh_desktop.exchange.send import send
from kh_desktop.storage.store import Store
from tests.conftest import ROOT, run_cli
from tests.exchange_helpers import approve_pcs, identities_under, key_folder, make_pc, pc_identity, values

SEED = int(os.environ.get("KH_CRASH_SEED", "20261128"))
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


def _run_and_kill(db, exchange_file, steps: int, delay: float | None, keys) -> str:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", KH_KEY_DIR=str(keys))
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.exchange_kill_worker", str(db), str(exchange_file), str(steps)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    if delay is not None:
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode in (0, -signal.SIGKILL), err
    return "killed" if proc.returncode == -signal.SIGKILL else "finished"


def _check_all_or_nothing(db, before, after) -> str:
    with Store.open(db) as store:
        assert store.check() == []
        now = values(store)
        logged = len(list(store.db.query("SELECT id FROM import_log")))
    assert now in (before, after), "a half-applied import"
    assert logged == (2 if now == after else 1)  # the first file, then this one
    return "after" if now == after else "before"


def test_receive_killed_inside_its_sql_is_all_or_nothing(scenario, tmp_path):
    before_db, exchange_file, before, after, keys = scenario
    rng = random.Random(SEED)
    outcomes = []
    for attempt in range(5):
        db = tmp_path / f"run{attempt}" / "kh.sqlite"
        db.parent.mkdir()
        shutil.copy(before_db, db)
        steps = rng.randint(1, 1000)  # progress callbacks: a whole receive makes about 800
        outcome = _run_and_kill(db, exchange_file, steps, None, keys)
        outcomes.append((steps, outcome, _check_all_or_nothing(db, before, after)))
    print(outcomes)
    assert any(state == "before" for _, _, state in outcomes), outcomes


def test_receive_killed_at_random_moments_is_all_or_nothing(scenario, tmp_path):
    before_db, exchange_file, before, after, keys = scenario
    rng = random.Random(SEED + 1)
    seen = []
    for attempt in range(5):
        db = tmp_path / f"run{attempt}" / "kh.sqlite"
        db.parent.mkdir()
        shutil.copy(before_db, db)
        _run_and_kill(db, exchange_file, 0, rng.uniform(0.0, 0.3), keys)
        seen.append(_check_all_or_nothing(db, before, after))
        if attempt == 0:
            assert run_cli("check", db=db).returncode == 0
    print(seen)
