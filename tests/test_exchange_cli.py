"""The exchange commands as a user runs them: send, receive (--dry-run, --json), imports, conflicts, resolve,
backup, backups, restore."""

from __future__ import annotations

import json

from tests.conftest import run_cli
from tests.exchange_helpers import approve_named_pcs


def _unit_db(tmp_path, name, unit):
    """A unit's data file on its own PC (the PC called `name`)."""
    db = tmp_path / name / "kh.sqlite"
    run_cli("init", "--unit", unit, db=db, check=True, pc=name)
    return db


def test_send_receive_imports_and_conflicts(tmp_path, cli_db):
    usb = tmp_path / "usb"
    usb.mkdir()
    first, second = _unit_db(tmp_path, "kt1", "Phòng Kinh tế"), _unit_db(tmp_path, "kt2", "kinh-te")
    approve_named_pcs(cli_db, {"kt1": "kinh-te", "kt2": "kinh-te"})  # Văn phòng approves both PCs once
    run_cli("set", "1", "2026", "5", db=first, check=True, pc="kt1")
    run_cli("set", "1", "2026", "8", db=second, check=True, pc="kt2")
    sent = run_cli("send", str(usb), db=first, check=True, pc="kt1").stdout.strip()
    assert sent.startswith(str(usb)) and "P-Kinh-te" in sent and sent.endswith(".khtd")
    named = run_cli("send", str(usb / "may-2.khtd"), db=second, check=True, pc="kt2").stdout.strip()
    assert named == str(usb / "may-2.khtd")

    before = cli_db.read_bytes()
    preview = json.loads(run_cli("receive", sent, named, "--dry-run", "--json", db=cli_db, check=True).stdout)
    assert cli_db.read_bytes() == before
    assert [p["status"] for p in preview] == ["applied", "applied"]
    assert [p["conflicts"] for p in preview] == [0, 1]

    result = run_cli("receive", sent, named, "--json", db=cli_db, check=True)
    summaries = json.loads(result.stdout)
    for summary in summaries:
        assert {"file", "status", "added", "updated", "unchanged", "stale", "refused_rows", "conflicts"} <= set(summary)
    assert summaries[0]["added"] == 1 and summaries[1]["conflicts"] == 1

    again = json.loads(run_cli("receive", sent, "--json", db=cli_db).stdout)
    assert again[0]["status"] == "already_imported" and "reason" not in again[0]

    bad = tmp_path / "bad.khtd"
    bad.write_bytes(b"not a database" * 20)
    refused = run_cli("receive", str(bad), "--json", db=cli_db)
    assert refused.returncode == 1
    assert json.loads(refused.stdout)[0]["status"] == "refused" and json.loads(refused.stdout)[0]["reason"]

    log = json.loads(run_cli("imports", "--json", db=cli_db, check=True).stdout)
    assert len(log) == 2 and {r["file_name"] for r in log} == {"may-2.khtd", sent.split("/")[-1]}
    assert "Phòng Kinh tế" in run_cli("imports", db=cli_db, check=True).stdout

    listed = json.loads(run_cli("conflicts", "--json", db=cli_db, check=True).stdout)
    assert len(listed) == 1
    keep = listed[0]["other"]["revision_id"]
    out = run_cli("resolve", "1", "2026", "--keep", keep, db=cli_db, check=True).stdout
    assert "8" in out
    assert json.loads(run_cli("conflicts", "--json", db=cli_db, check=True).stdout) == []
    assert run_cli("check", db=cli_db).returncode == 0


def test_backup_and_restore(tmp_path, cli_db):
    run_cli("set", "1", "2026", "5", db=cli_db, check=True)
    copy = run_cli("backup", db=cli_db, check=True).stdout.strip()
    assert "sao-luu" in copy
    run_cli("set", "1", "2026", "9", db=cli_db, check=True)
    listed = json.loads(run_cli("backups", "--json", db=cli_db, check=True).stdout)
    assert listed[0]["file"] == copy and listed[0]["reason"] == "thu-cong"

    not_ours = tmp_path / "x.sqlite"
    not_ours.write_bytes(b"x" * 200)
    before = cli_db.read_bytes()
    refused = run_cli("restore", str(not_ours), db=cli_db)
    assert refused.returncode == 2 and "Kiến Hải" in refused.stderr
    assert cli_db.read_bytes() == before

    done = run_cli("restore", copy, db=cli_db, check=True)
    assert "truoc-khi-khoi-phuc" in done.stdout
    status = json.loads(run_cli("history", "1", "2026", "--json", db=cli_db, check=True).stdout)
    assert [r["value"] for r in status] == [5.0]
    assert run_cli("check", db=cli_db).returncode == 0
