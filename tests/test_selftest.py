"""The program's --self-test, run as a user (or CI, on the built bundle) runs it."""

from __future__ import annotations

import os

from kh_desktop import paths

from .conftest import run_cli


def test_self_test_passes_and_prints_one_summary_line():
    result = run_cli("--self-test", timeout=120)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Tự kiểm tra đạt:")
    for part in ("Python", "SQLite", "Qt", "openpyxl dùng defusedxml: có"):
        assert part in lines[0]
    assert "LỖI" not in result.stderr


def test_self_test_names_the_failing_step(monkeypatch):
    # openpyxl reads this switch at import: without defusedxml, workbooks from other offices are unsafe.
    monkeypatch.setenv("OPENPYXL_DEFUSEDXML", "False")
    result = run_cli("--self-test", timeout=120)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "Tự kiểm tra KHÔNG ĐẠT ở bước 1 (phiên bản các thành phần)" in result.stderr
    assert "defusedxml" in result.stderr


def test_portable_mode_keeps_data_beside_the_program(monkeypatch):
    monkeypatch.delenv("KH_DB", raising=False)
    monkeypatch.setenv("KH_PORTABLE", "1")
    assert paths.is_portable()
    assert paths.default_db_path() == paths.program_dir() / "du-lieu" / paths.DB_FILE_NAME
    assert paths.portable_settings_path() == paths.program_dir() / "du-lieu" / paths.SETTINGS_FILE_NAME


def test_data_lives_in_the_users_data_folder_by_default(monkeypatch):
    monkeypatch.delenv("KH_DB", raising=False)
    monkeypatch.delenv("KH_PORTABLE", raising=False)
    assert paths.portable_settings_path() is None  # the window's settings stay in the system's own place
    folder = paths.data_dir()
    assert folder.name == paths.APP_DIR_NAME
    assert paths.program_dir() not in folder.parents
    if os.name == "nt":
        assert str(folder).lower().startswith(os.environ["LOCALAPPDATA"].lower())
