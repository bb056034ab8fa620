"""What start-up leaves for later (issue 17): libraries the window does not need, migrations of a current file,
and the Tổng hợp chart, drawn once the window has been painted."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time

import pytest

from kh_desktop.exchange.backups import list_backups
from kh_desktop.storage.store import Store
from kh_desktop.ui.main_window import MainWindow
from kh_desktop.ui.store_service import StoreService
from tests.conftest import ROOT

# Loaded by the first write, the first exchange or the first signature, never by opening the window.
LATE_LIBRARIES = ("sqlite_utils", "click", "pluggy", "dateutil", "nacl", "importlib.metadata")
EXCHANGE_CODE = (
    "kh_desktop.storage.exchange_file",
    "kh_desktop.storage.exchange_merge",
    "kh_desktop.storage.exchange_store",
)


def _modules_after(code: str, env: dict) -> set[str]:
    script = code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, encoding="utf-8", timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("tab", ["summary", "kinh-te"])
def test_window_opens_without_the_late_libraries(cli_db, tmp_path, tab):
    """On Tổng hợp or on a unit's tab (where a unit's PC opens: its grid lists the conflicts), nothing of the
    exchange code is loaded; the start-up backup is taken."""
    settings = tmp_path / "settings.ini"
    settings.write_text(f"[window]\ntab={tab}\n", encoding="utf-8")
    shown_at = tmp_path / "shown"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KH_EXIT_WHEN_SHOWN="1", KH_SETTINGS_INI=str(settings))
    env["KH_SHOWN_AT"] = str(shown_at)  # the start-up benchmarks' clock
    code = textwrap.dedent(f"""
        from kh_desktop.cli.main import main
        assert main(["--db", {str(cli_db)!r}]) == 0
    """)
    launched = time.time()
    loaded = _modules_after(code, env)
    assert launched < float(shown_at.read_text(encoding="ascii")) < time.time()
    assert "kh_desktop.ui.main_window" in loaded  # the window did open
    assert ("kh_desktop.ui.figures_table_model" in loaded) == (tab != "summary")  # on the tab asked for
    assert [name for name in (*LATE_LIBRARIES, *EXCHANGE_CODE) if name in loaded] == []
    assert sorted(name for name in loaded if name.startswith("kh_desktop.cli.")) == ["kh_desktop.cli.main"]
    assert [b.reason for b in list_backups(cli_db)] == ["khoi-dong"]


def test_opening_a_current_file_applies_no_migration(cli_db, tmp_path):
    """A file of the current schema is opened and read without sqlite-utils; a write loads it, and the
    migrations' own record of the file is untouched."""
    before = _migration_rows(cli_db)
    code = textwrap.dedent(f"""
        import sys
        from kh_desktop.storage.store import Store
        store = Store.open({str(cli_db)!r})
        assert store.figures() == [] and store.meta("pc_unit") == "*"
        assert "sqlite_utils" not in sys.modules
        store.record("1", "2026-Q1", "3,5")
        assert "sqlite_utils" in sys.modules
        store.close()
    """)
    _modules_after(code, dict(os.environ))
    assert _migration_rows(cli_db) == before
    with Store.open(cli_db) as store:
        assert store.figure("1", "2026-Q1").value == 3.5


def _migration_rows(db) -> list[tuple]:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT migration_set, name, applied_at FROM _sqlite_migrations ORDER BY rowid").fetchall()
    finally:
        conn.close()


def test_an_older_file_is_still_upgraded(tmp_path):
    from kh_desktop.storage.schema import SCHEMA_VERSION

    saved = sorted((ROOT / "db").glob("schema-v*.sqlite"))[0]
    copy = tmp_path / saved.name
    shutil.copy2(saved, copy)
    with Store.open(copy) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_summary_counts_and_chart_follow_the_first_paint(qtbot, store, ui_settings):
    store.record("1", "2026-Q1", "3,5")
    window = MainWindow(StoreService(store), ui_settings)
    qtbot.addWidget(window)
    summary = window.summary_tab
    plot = summary.plot.getPlotItem()
    assert plot.listDataItems() == []  # nothing drawn while the window is being built
    window.show()
    assert plot.listDataItems() == [] and summary.model.rowCount() == 0  # nor before its first paint
    assert summary.tasks.model.rowCount() == 0
    qtbot.waitUntil(lambda: len(plot.listDataItems()) == 4)  # one bar series a verdict, right after it
    assert summary.tasks.model.rowCount() == len(store.plan.units) + 1  # the tasks counted with them
    assert summary._chart_rows is None
    rows = {summary.model.row(r).unit_id: summary.model.row(r) for r in range(summary.model.rowCount())}
    assert len(rows) == len(store.plan.units) + 1 and rows["kinh-te"].entered == 1


def test_summary_hidden_before_its_first_paint_is_counted(qtbot, store, ui_settings):
    store.record("1", "2026-Q1", "3,5")
    window = MainWindow(StoreService(store), ui_settings)
    qtbot.addWidget(window)
    window.show()
    window.open_unit("kinh-te")  # before any turn of the event loop
    model = window.summary_tab.model
    assert {model.row(r).unit_id for r in range(model.rowCount())} >= {"kinh-te", None}


def test_summary_is_not_counted_when_the_window_closes_before_its_first_paint(qtbot, store, ui_settings):
    """Quitting at once (the window closed before the event loop's first turn) counts nothing: nobody would see
    it, and it would hold up the exit."""
    store.record("1", "2026-Q1", "3,5")
    window = MainWindow(StoreService(store), ui_settings)
    qtbot.addWidget(window)
    window.show()
    window.close()
    assert window.summary_tab.model.rowCount() == 0 and not window.summary_tab._counted


def test_a_window_opened_on_a_units_tab_makes_the_summary_chart_only_when_it_is_shown(qtbot, store, ui_settings):
    ui_settings.setValue("window/tab", "kinh-te")  # where a unit's PC opens
    window = MainWindow(StoreService(store), ui_settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.tabs.currentWidget() is window.unit_tabs["kinh-te"]
    assert window.summary_tab._plot is None
    window.tabs.setCurrentWidget(window.summary_tab)
    assert window.summary_tab._plot is not None and window.summary_tab._plot.isVisible()
