"""Shared fixtures: real databases in temporary folders, the CLI as a subprocess, Qt offscreen.

Every test runs with its own PC identities (KH_KEY_DIR in a temporary folder), never the machine's real one:
`KH_KEY_DIR` is "this PC" of the test; `run_cli(..., pc="name")` and `pc_identity("name")` give other PCs, each
with its own key and revision mark, under `KH_TEST_KEY_ROOT`.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.exchange_helpers import KEY_ROOT_ENV, identities_under, key_folder, pc_identity  # noqa: F401

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
PLAN_PATH = ROOT / "resources" / "plan" / "kien-hai-2026-2030.json"
# The plan as the commune issued it (a public administrative document), kept with the tests so that a clone
# with nothing beside it runs them.
PLAN_DOCUMENT = ROOT / "tests" / "data" / "ke-hoach-2026-2030.txt"


@pytest.fixture(scope="session", autouse=True)
def no_real_identity(tmp_path_factory):
    """A guard for module- and session-scoped fixtures (set up before `pc_keys`): never the machine's identity."""
    with identities_under(tmp_path_factory.mktemp("session-keys")):
        yield


@pytest.fixture(autouse=True)
def pc_keys(tmp_path_factory, monkeypatch) -> Path:
    """This test's identities, outside tmp_path (tests that list tmp_path see only their own files)."""
    root = tmp_path_factory.mktemp("keys")
    monkeypatch.setenv(KEY_ROOT_ENV, str(root))
    monkeypatch.setenv("KH_KEY_DIR", str(root / "this-pc"))
    return root


@pytest.fixture
def plan_text() -> str:
    return PLAN_PATH.read_text(encoding="utf-8")


@pytest.fixture
def store(tmp_path, plan_text):
    from kh_desktop.storage.store import Store

    s = Store.create(tmp_path / "kh.sqlite", plan_text)
    yield s
    s.close()


def run_cli(
    *args: str,
    db: Path | None = None,
    check: bool = False,
    timeout: float = 60,
    pc: str | None = None,
    settings: Path | None = None,
) -> subprocess.CompletedProcess:
    """Run `python -m kh_desktop` as a user would, returning the finished process.

    `pc` names the PC it runs on (its own identity folder); by default the test's own PC (KH_KEY_DIR). With
    `settings` (an INI file), a window it opens keeps its QSettings in that file, never in the PC's registry or
    ~/.config."""
    command = [sys.executable, "-m", "kh_desktop"]
    if db is not None:
        command += ["--db", str(db)]
    env = dict(os.environ, PYTHONIOENCODING="utf-8", QT_QPA_PLATFORM="offscreen")
    if pc is not None:
        env["KH_KEY_DIR"] = str(key_folder(pc))
    if settings is not None:
        env["KH_SETTINGS_INI"] = str(settings)
    result = subprocess.run(
        command + list(args), capture_output=True, text=True, encoding="utf-8", cwd=ROOT, env=env, timeout=timeout
    )
    if check and result.returncode != 0:
        raise AssertionError(f"kh-desktop {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
    return result


@pytest.fixture
def cli_db(tmp_path) -> Path:
    """A fresh database for all units, created through the CLI."""
    db = tmp_path / "cli.sqlite"
    run_cli("init", "--all-units", db=db, check=True)
    return db


@pytest.fixture
def ui_settings(tmp_path):
    """QSettings of the window pointed at a temporary folder (never the user's real settings)."""
    from PySide6.QtCore import QSettings

    folder = tmp_path / "settings"
    folder.mkdir()
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    settings = QSettings(str(folder / "kh.ini"), QSettings.Format.IniFormat)
    settings.setValue("period/current", "2026-Q1")
    return settings


def show_window(qtbot, store, settings):
    """The real main window over `store`, shown and exposed on the (offscreen) screen; closed with the test."""
    from kh_desktop.ui.main_window import MainWindow
    from kh_desktop.ui.store_service import StoreService

    win = MainWindow(StoreService(store), settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot, store, ui_settings):
    """The main window over the test's store, shown (a module may define its own)."""
    return show_window(qtbot, store, ui_settings)


REPLAYED_MODULES = ("test_faults.py", "test_exchange_crash.py")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Every failure of the fault suites says how to run exactly that case again."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed or item.path.name not in REPLAYED_MODULES:
        return
    env = []
    seed = getattr(item, "callspec", None) and item.callspec.params.get("seed")
    if seed is not None:
        env.append(f"KH_FAULT_SEED={seed}")
    if os.environ.get("KH_FAULT_ITERATIONS"):
        env.append(f"KH_FAULT_ITERATIONS={os.environ['KH_FAULT_ITERATIONS']}")
    command = " ".join([*env, "python", "-m", "pytest", f'"{item.nodeid}"'])
    report.sections.append(("replay", f"replay this case with: {command}"))


TASKS_PATH = ROOT / "resources" / "plan" / "kien-hai-2026-2030-tasks.json"


def seed_task_count(unit: str | None = None) -> int:
    """How many tasks the seed file gives (a unit): read from the file, which test_tasks_rules checks against
    the plan text, never from the store under test."""
    import json

    tasks = json.loads(TASKS_PATH.read_text(encoding="utf-8"))["tasks"]
    return sum(1 for t in tasks if unit is None or t["unit"] == unit)


def pytest_runtest_setup(item):
    """Markers with reasons: posix_only("why") skips off POSIX; needs_program("soffice", "why") skips when the
    program is not on PATH. Nothing else is skipped by platform."""
    import shutil

    for marker in item.iter_markers("posix_only"):
        if os.name != "posix":
            pytest.skip(f"needs POSIX: {marker.args[0] if marker.args else ''}")
    for marker in item.iter_markers("needs_program"):
        name = marker.args[0]
        if shutil.which(name) is None:
            reason = marker.args[1] if len(marker.args) > 1 else marker.kwargs.get("reason", "")
            pytest.skip(f"{name} is not installed: {reason}")
