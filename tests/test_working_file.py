"""The working file (issue 12, item 5): backups and exchange files are read, never written, through --db;
--db on a folder and system errors speak Vietnamese; two processes writing one file both get written."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from kh_desktop.storage.files import StoreError
from kh_desktop.storage.store import Store
from tests.conftest import ROOT, run_cli


def _sha(path):
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _exchange_file(tmp_path):
    unit = tmp_path / "kt" / "kh.sqlite"
    run_cli("init", "--unit", "kinh-te", db=unit, check=True)
    run_cli("set", "1", "2026", "5", db=unit, check=True)
    usb = tmp_path / "usb"
    usb.mkdir()
    return run_cli("send", str(usb / "gui.khtd"), db=unit, check=True).stdout.strip()


def test_exchange_file_is_read_never_written(tmp_path, cli_db):
    sent = tmp_path / "usb" / "gui.khtd"
    assert _exchange_file(tmp_path) == str(sent)
    before = _sha(sent)
    refusal = (
        f"Lỗi: Tệp {sent} là tệp gửi số liệu (tệp trao đổi), không phải tệp dữ liệu đang dùng: chỉ xem được, "
        f'không ghi vào. Hãy nhận tệp này vào tệp dữ liệu của máy bằng lệnh receive: kh-desktop receive "{sent}".'
    )
    for command in (("set", "1", "2026", "7"), ("clear", "1", "2026"), ("send", str(tmp_path / "lai.khtd"))):
        result = run_cli(*command, db=sent)
        assert result.returncode == 2, command
        assert result.stderr.strip() == refusal, command
    assert run_cli("receive", str(sent), db=sent).stderr.strip() == refusal
    assert _sha(sent) == before
    # reading and checking it is fine
    status = json.loads(run_cli("status", "--year", "2026", "--json", db=sent, check=True).stdout)
    assert next(row for row in status if row["code"] == "1")["actual"] == 5.0
    assert "kiểm tra đạt" in run_cli("check", db=sent, check=True).stdout
    assert _sha(sent) == before
    # and the working database receives it as before
    assert json.loads(run_cli("receive", str(sent), "--json", db=cli_db, check=True).stdout)[0]["added"] == 1


def test_backup_is_read_never_written_until_restored(tmp_path, cli_db):
    run_cli("set", "1", "2026", "5", db=cli_db, check=True)
    backup = Path(run_cli("backup", db=cli_db, check=True).stdout.strip())
    before = _sha(backup)
    result = run_cli("set", "1", "2026", "7", db=backup)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"Lỗi: Tệp {backup} là bản sao lưu, không phải tệp dữ liệu đang dùng: chỉ xem được, không ghi vào. "
        f'Muốn dùng lại bản này, hãy khôi phục bằng lệnh restore: kh-desktop restore "{backup}".'
    )
    task = run_cli("task", "add", "--unit", "kinh-te", "--title", "Thử", db=backup)
    assert task.returncode == 2 and "là bản sao lưu" in task.stderr
    assert _sha(backup) == before
    assert "kiểm tra đạt" in run_cli("check", db=backup, check=True).stdout
    # restored, it is the working file again
    run_cli("set", "1", "2026", "6", db=cli_db, check=True)
    run_cli("restore", str(backup), db=cli_db, check=True)
    assert _sha(backup) == before
    run_cli("set", "1", "2026", "8", db=cli_db, check=True)
    status = json.loads(run_cli("status", "--year", "2026", "--json", db=cli_db, check=True).stdout)
    assert next(row for row in status if row["code"] == "1")["actual"] == 8.0


def test_store_refuses_every_write_on_a_copy(tmp_path, store):
    store.record("1", "2026", "5")
    copy = store.snapshot(tmp_path / "ban-sao.sqlite")
    with Store.open(copy) as opened:
        assert opened.figure("1", "2026").value == 5.0
        for write in (
            lambda: opened.record("1", "2026", "6"),
            lambda: opened.set_meta("person", "X"),
            lambda: opened.clear("1", "2026"),
        ):
            try:
                write()
            except StoreError as exc:
                assert str(exc).startswith(f"Tệp {copy} là bản sao lưu")
            else:
                raise AssertionError("a write to a backup went through")
    with Store.open(store.path) as working:  # the working file itself is not marked
        assert working.refusal is None


def test_db_on_a_folder_says_so_in_vietnamese(tmp_path):
    folder = tmp_path / "du-lieu"
    folder.mkdir()
    expected = (
        f"Lỗi: “{folder}” là một thư mục, không phải tệp dữ liệu. Hãy chỉ tới tệp dữ liệu trong thư mục đó "
        "(ví dụ kien-hai-tien-do.sqlite)."
    )
    for command in (("set", "1", "2026", "5"), ("status", "--year", "2026"), ("init",), ("check",)):
        result = run_cli(*command, db=folder)
        assert result.returncode == 2, command
        assert result.stderr.strip() == expected, command


def test_unreadable_plan_file_error_is_vietnamese(tmp_path):
    result = run_cli("init", "--plan", str(tmp_path), db=tmp_path / "kh.sqlite")
    assert result.returncode == 2
    assert result.stderr.strip() == f"Lỗi: Không đọc được tệp kế hoạch {tmp_path}: đây là một thư mục, không phải tệp."


def test_two_processes_writing_one_file_are_both_written(tmp_path, store):
    store.close()
    count, go = 400, tmp_path / "go"
    workers = [
        subprocess.Popen(
            [sys.executable, str(ROOT / "tests" / "write_worker.py"), str(store.path), period, str(count), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
        )
        for period in ("2026-Q1", "2026-Q2")
    ]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready"
    go.touch()
    outputs = [worker.communicate(timeout=300) for worker in workers]
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
        assert out.strip() == "refused 0", err
    with Store.open(store.path) as opened:
        written = opened.db.execute("SELECT COUNT(*), COUNT(DISTINCT pc_revision) FROM revisions").fetchone()
        assert written == (2 * count, 2 * count)
        assert opened.figure("12", "2026-Q1").value == opened.figure("12", "2026-Q2").value == float(count)
        assert opened.check() == []
