"""A hand-edited exchange file: task rows with a bad status, progress, recurrence or column type are refused and
listed one by one while the file's good rows apply; never a CHECK-constraint error or a traceback."""

from __future__ import annotations

import json
import sqlite3

import pytest

from kh_desktop.exchange.receive import receive_files
from kh_desktop.exchange.send import send
from kh_desktop.storage.task_store import find_task, list_tasks, remove_task, task_history, update_task
from tests.conftest import run_cli
from tests.exchange_helpers import approve_pcs, make_pc, reseal

TAMPERING = {  # column -> value written over one task revision
    "status": "xong-roi",
    "progress": 150,
    "recurrence": "hang-thang",
    "title": b"\x00\xff",  # a blob: TEXT affinity keeps it a blob (a number would become text)
}


def _tamper(path, changes: list[tuple[str, str, object]], signer=None) -> None:
    """Write over task revision columns, bypassing the table's CHECK constraints as a hand edit can; then (with
    `signer`, the sending PC's identity) recompute the manifest's row counts and hash and sign it again, so the
    file passes its manifest and signature checks."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    for revision_id, column, value in changes:
        conn.execute(f"UPDATE task_revisions SET {column} = ? WHERE id = ?", [value, revision_id])
    if signer is not None:
        reseal(conn, signer)
    conn.commit()
    conn.close()


@pytest.fixture
def setting(tmp_path, plan_text):
    office = make_pc(tmp_path, "van-phong", plan_text)
    unit = make_pc(tmp_path, "kinh-te", plan_text, "kinh-te")
    approve_pcs(office, unit)  # as Văn phòng does once for the unit's PC
    tasks = list_tasks(unit, "kinh-te")
    good = tasks[0]
    update_task(unit, good.id, {"person": "Nguyễn Văn An", "due": "2026-09-30"})
    bad = {}
    for task, column in zip(tasks[1:], TAMPERING, strict=False):
        edited, _ = update_task(unit, task.id, {"person": f"Người {column}"})
        bad[column] = edited
    removed = tasks[len(TAMPERING) + 1]
    remove_task(unit, removed.id)
    removal_id = task_history(unit, removed.id)[0].task.revision_id
    unit.record("1", "2026", "5")
    sent = send(unit, tmp_path / "gui.khtd")
    changes = [(bad[c].revision_id, c, v) for c, v in TAMPERING.items()]
    changes.append((removal_id, "status", "da-xoa"))  # a removal is checked too: the table's constraints apply
    yield office, unit, sent, good, bad, removed, changes
    office.close()
    unit.close()


def test_bad_task_rows_are_refused_and_listed_while_good_rows_apply(setting):
    office, unit, sent, good, bad, removed, changes = setting
    _tamper(sent, changes, unit.identity)
    before = {t.id: t.revision_id for t in list_tasks(office)}

    summary = receive_files(office, [sent], backup=False).summaries[0]
    assert summary.status == "applied", summary.reason
    assert summary.counts["refused_rows"] == len(changes), summary.refused
    reasons = " | ".join(f"{r['label']}: {r['reason']}" for r in summary.refused)
    for words in ("trạng thái “xong-roi”", "tiến độ 150%", "lặp lại “hang-thang”", "cột “title”", "“da-xoa”"):
        assert words in reasons, reasons
    assert "CHECK" not in reasons and "constraint" not in reasons.lower()

    arrived = find_task(office, good.id)
    assert (arrived.person, arrived.due.isoformat()) == ("Nguyễn Văn An", "2026-09-30")
    assert office.figure("1", "2026").value == 5.0
    for task in bad.values():  # the tampered revision is refused: the task stays as Văn phòng had it
        assert find_task(office, task.id).revision_id == before[task.id]
    assert find_task(office, removed.id).revision_id == before[removed.id]
    assert office.check() == []
    log = run_cli("imports", "--json", db=office.path, check=True, pc="van-phong")
    details = json.loads(log.stdout)[0]["details"]
    assert len(details["refused"]) == len(changes)


def test_the_command_line_lists_the_refused_rows_without_a_traceback(setting):
    office, unit, sent, *_rest, changes = setting
    _tamper(sent, changes, unit.identity)
    office_path = office.path
    result = run_cli("receive", str(sent), "--json", db=office_path, pc="van-phong")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "CHECK" not in result.stdout
    summary = json.loads(result.stdout)[0]
    assert summary["status"] == "applied" and summary["refused_rows"] == len(changes)
    text = run_cli("receive", str(sent), "--dry-run", db=office_path, pc="van-phong")
    assert "Traceback" not in text.stderr


def test_an_edit_without_resigning_is_refused_whole_with_a_clear_reason(setting):
    office, _unit, sent, *_rest, changes = setting
    _tamper(sent, changes)
    revision = office.revision
    summary = receive_files(office, [sent], backup=False).summaries[0]
    assert summary.status == "refused" and "không khớp" in summary.reason
    assert office.revision == revision and office.figure("1", "2026") is None


def test_a_figure_row_with_a_bad_flag_is_refused_not_a_check_error(tmp_path, plan_text):
    office = make_pc(tmp_path, "van-phong", plan_text)
    unit = make_pc(tmp_path, "kinh-te", plan_text, "kinh-te")
    approve_pcs(office, unit)
    unit.record("1", "2026", "5")
    unit.record("2", "2026", "4")
    sent = send(unit, tmp_path / "gui.khtd")
    conn = sqlite3.connect(sent)
    conn.execute("PRAGMA ignore_check_constraints = ON")
    conn.execute("UPDATE revisions SET estimate = 7 WHERE code = '1'")
    reseal(conn, unit.identity)
    conn.commit()
    conn.close()
    summary = receive_files(office, [sent], backup=False).summaries[0]
    assert summary.status == "applied" and summary.counts["refused_rows"] == 1
    assert "estimate" in summary.refused[0]["reason"]
    assert office.figure("1", "2026") is None and office.figure("2", "2026").value == 4.0
    office.close()
    unit.close()
