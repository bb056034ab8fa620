"""Consolidating units' exchange files at Văn phòng, with several simulated PCs (real SQLite files)."""

from __future__ import annotations

import pytest

from kh_desktop.exchange.receive import receive_files
from kh_desktop.exchange.send import send
from kh_desktop.storage.exchange_store import conflicts, import_log, resolve_conflict
from tests.exchange_helpers import UNIT_IDS, approve_pcs, figure_map, make_pc, record_some, values


@pytest.fixture
def usb(tmp_path):
    folder = tmp_path / "usb"
    folder.mkdir()
    return folder


@pytest.fixture
def office(tmp_path, plan_text):
    store = make_pc(tmp_path, "van-phong-tong-hop", plan_text)
    yield store
    store.close()


def _units(tmp_path, plan_text):
    pcs = {}
    for unit in UNIT_IDS:
        pcs[unit] = make_pc(tmp_path, unit, plan_text, unit)
        record_some(pcs[unit], unit)
    return pcs


def _send_all(pcs, usb):
    files = []
    for pc in pcs.values():
        target = usb / pc.pc_unit
        target.mkdir(exist_ok=True)
        files.append(send(pc, target))
    return files


def test_eight_units_gathered_then_gathered_again_changes_nothing(tmp_path, plan_text, usb, office):
    pcs = _units(tmp_path, plan_text)
    approve_pcs(office, *pcs.values())  # as Văn phòng does once for each unit PC
    files = _send_all(pcs, usb)
    assert all(f.name.startswith("KienHai_") and f.suffix == ".khtd" for f in files)
    assert "P-Kinh-te" in files[0].name

    result = receive_files(office, files)
    assert [s.status for s in result.summaries] == ["applied"] * 8
    expected = {}
    for pc in pcs.values():
        expected |= values(pc)
    assert len(expected) >= 10
    assert values(office) == expected
    assert sum(s.counts["added"] for s in result.summaries) == len(expected)
    assert office.check() == []
    assert len(import_log(office)) == 8

    before = office.path.read_bytes()
    again = receive_files(office, files)
    assert [s.status for s in again.summaries] == ["already_imported"] * 8
    assert all(s.counts["added"] == s.counts["updated"] == 0 for s in again.summaries)
    assert office.path.read_bytes() == before

    # Fresh files with the same content: applied, but nothing new.
    (tmp_path / "usb2").mkdir()
    resent = _send_all(pcs, tmp_path / "usb2")
    third = receive_files(office, resent)
    assert {s.status for s in third.summaries} <= {"applied", "already_imported"}
    assert sum(s.counts["unchanged"] for s in third.summaries) >= len(expected)  # figures, and the plan's tasks
    assert sum(s.counts["added"] + s.counts["updated"] + s.counts["conflicts"] for s in third.summaries) == 0
    assert values(office) == expected
    for pc in pcs.values():
        pc.close()


def test_order_of_files_does_not_matter(tmp_path, plan_text, usb):
    pcs = _units(tmp_path, plan_text)
    pcs["kinh-te"].record("1", "2026", "7")  # a second revision travels too
    files = _send_all(pcs, usb)
    first = make_pc(tmp_path, "office-a", plan_text)
    second = make_pc(tmp_path, "office-b", plan_text)
    approve_pcs(first, *pcs.values())
    approve_pcs(second, *pcs.values())
    receive_files(first, files)
    receive_files(second, list(reversed(files)))
    assert figure_map(first) == figure_map(second)
    assert values(first)[("1", "2026")] == 7.0
    for store in (first, second, *pcs.values()):
        store.close()


def test_older_file_after_newer_is_stale(tmp_path, plan_text, usb, office):
    unit = make_pc(tmp_path, "kt", plan_text, "kinh-te")
    approve_pcs(office, unit)
    unit.record("1", "2026", "5")
    old = send(unit, usb / "old.khtd")
    unit.record("1", "2026", "6")
    new = send(unit, usb / "new.khtd")
    result = receive_files(office, [new])
    assert result.summaries[0].counts["added"] == 1
    late = receive_files(office, [old]).summaries[0]
    assert late.status == "applied"
    assert late.counts["stale"] == 1
    assert late.counts["added"] == late.counts["updated"] == 0
    assert office.figure("1", "2026").value == 6.0
    assert [r.value for r in office.history("1", "2026")] == [6.0, 5.0]  # every value kept
    unit.close()


def test_deleted_figure_does_not_come_back(tmp_path, plan_text, usb, office):
    unit = make_pc(tmp_path, "kt", plan_text, "kinh-te")
    approve_pcs(office, unit)
    unit.record("1", "2026", "5")
    unit.record("2", "2026", "5")
    before_delete = send(unit, usb / "a.khtd")
    unit.clear("1", "2026")
    after_delete = send(unit, usb / "b.khtd")

    receive_files(office, [before_delete])
    assert office.figure("1", "2026").value == 5.0
    result = receive_files(office, [after_delete]).summaries[0]
    assert result.counts["updated"] == 1
    assert office.figure("1", "2026") is None
    # The old file again (a fresh copy under another name, so not recognised by hash): still gone.
    copy = usb / "a-again.khtd"
    copy.write_bytes(before_delete.read_bytes() + b"")
    again = receive_files(office, [copy]).summaries[0]
    assert again.status == "already_imported"
    # A different, older file (another snapshot from before the deletion) is stale.
    other = make_pc(tmp_path, "office-2", _plan_text(office))
    approve_pcs(other, unit)
    receive_files(other, [after_delete])
    assert other.figure("1", "2026") is None
    late = receive_files(other, [before_delete]).summaries[0]
    assert late.counts["stale"] >= 1 and late.counts["added"] == 0
    assert other.figure("1", "2026") is None
    assert other.figure("2", "2026").value == 5.0
    unit.close()
    other.close()


def _plan_text(store) -> str:
    return next(store.db.query("SELECT body FROM plan_document"))["body"]


def test_figure_of_another_unit_is_refused(tmp_path, plan_text, usb, office):
    pc = make_pc(tmp_path, "moved", plan_text)  # an all-units PC that was later given to Phòng Kinh tế
    pc.record("9", "2026", "5")  # Phòng VH-XH's indicator
    pc.set_pc_unit("kinh-te")
    pc.record("1", "2026", "5")
    approve_pcs(office, pc)  # approved for Phòng Kinh tế, the unit it now keeps
    summary = receive_files(office, [send(pc, usb)]).summaries[0]
    assert summary.status == "applied"
    assert summary.counts["refused_rows"] == 1
    assert summary.counts["added"] == 1
    assert "Chỉ tiêu 9" in summary.refused[0]["label"]
    assert "Phòng Văn hóa" in summary.refused[0]["reason"]
    assert office.figure("9", "2026") is None
    assert office.figure("1", "2026").value == 5.0
    assert import_log(office)[0]["details"]["refused"][0]["label"].startswith("Chỉ tiêu 9")
    pc.close()


def test_two_pcs_of_one_unit_conflict_then_settled(tmp_path, plan_text, usb, office):
    first = make_pc(tmp_path, "kt-1", plan_text, "kinh-te")
    second = make_pc(tmp_path, "kt-2", plan_text, "kinh-te")
    approve_pcs(office, first, second)
    approve_pcs(first, office)  # the unit PC approves Văn phòng's all-units PC once
    first.record("1", "2026", "5")
    second.record("1", "2026", "8")
    second.record("2", "2026", "3")
    file_a, file_b = send(first, usb / "a.khtd"), send(second, usb / "b.khtd")
    receive_files(office, [file_a])
    summary = receive_files(office, [file_b]).summaries[0]
    assert summary.counts["conflicts"] == 1 and summary.counts["added"] == 1
    figure = office.figure("1", "2026")
    assert figure.value == 5.0 and figure.conflict_id is not None  # nothing overwritten silently
    listed = conflicts(office)
    assert len(listed) == 1 and {listed[0]["current"]["value"], listed[0]["other"]["value"]} == {5.0, 8.0}
    assert {r.value for r in office.history("1", "2026")} == {5.0, 8.0}

    resolve_conflict(office, "1", "2026", listed[0]["other"]["revision_id"], by="Chánh Văn phòng")
    assert office.figure("1", "2026").value == 8.0 and office.figure("1", "2026").conflict_id is None
    assert conflicts(office) == []
    # The first PC's file again (new snapshot, same figure): settled, no conflict comes back.
    again = receive_files(office, [send(first, usb / "a2.khtd")]).summaries[0]
    assert again.counts["conflicts"] == 0 and again.counts["stale"] == 1
    # The consolidated file settles it on the unit's PCs too.
    back = send(office, usb / "tong-hop.khtd")
    receive_files(first, [back])
    assert first.figure("1", "2026").value == 8.0 and first.figure("1", "2026").conflict_id is None
    assert first.check() == [] and office.check() == []
    first.close()
    second.close()


def test_consolidated_file_back_to_a_unit_keeps_its_newer_figures(tmp_path, plan_text, usb, office):
    pcs = _units(tmp_path, plan_text)
    approve_pcs(office, *pcs.values())
    receive_files(office, _send_all(pcs, usb))
    unit = pcs["kinh-te"]
    approve_pcs(unit, office)  # the unit PC approves Văn phòng's all-units PC once
    code, period = next(iter(values(unit)))
    unit.record(code, period, "77")  # newer than what Văn phòng has
    consolidated = send(office, usb / "tong-hop.khtd")
    assert "Tong-hop" in send(office, usb).name
    summary = receive_files(unit, [consolidated]).summaries[0]
    assert summary.status == "applied" and summary.counts["refused_rows"] == 0
    assert summary.counts["stale"] >= 1
    assert unit.figure(code, period).value == 77.0
    everything = values(office) | {(code, period): 77.0}
    assert values(unit) == everything  # the whole commune, with the unit's newer figure
    # The unit's next file brings its newer figure to Văn phòng, and only the unit's own figures.
    nxt = receive_files(office, [send(unit, usb / "kt-2.khtd")]).summaries[0]
    assert nxt.counts["updated"] == 1 and nxt.counts["refused_rows"] == 0
    assert office.figure(code, period).value == 77.0
    for pc in pcs.values():
        pc.close()


def test_dry_run_writes_nothing_and_predicts_the_batch(tmp_path, plan_text, usb, office):
    first = make_pc(tmp_path, "kt-1", plan_text, "kinh-te")
    second = make_pc(tmp_path, "kt-2", plan_text, "kinh-te")
    approve_pcs(office, first, second)
    first.record("1", "2026", "5")
    second.record("1", "2026", "8")
    files = [send(first, usb / "a.khtd"), send(second, usb / "b.khtd")]
    before = office.path.read_bytes()
    preview = receive_files(office, files, dry_run=True)
    assert office.path.read_bytes() == before
    assert not (office.path.parent / "sao-luu").exists()
    applied = receive_files(office, files)
    assert [s.counts for s in preview.summaries] == [s.counts for s in applied.summaries]
    assert applied.summaries[1].counts["conflicts"] == 1
    first.close()
    second.close()


def test_tasks_travel_with_the_same_rules(tmp_path, plan_text, usb, office):
    from kh_desktop.storage.task_store import add_task, list_tasks

    unit = make_pc(tmp_path, "kt", plan_text, "kinh-te")
    approve_pcs(office, unit)
    task, _ = add_task(unit, unit="kinh-te", title="Rà soát hộ kinh doanh ven biển")
    summary = receive_files(office, [send(unit, usb / "kt.khtd")]).summaries[0]
    assert summary.status == "applied" and summary.counts["added"] >= 1 and summary.counts["refused_rows"] == 0
    assert task.id in {t.id for t in list_tasks(office)}
    again = receive_files(office, [send(unit, usb / "kt-again.khtd")]).summaries[0]
    assert again.counts["added"] == again.counts["conflicts"] == 0
    assert office.check() == []
    unit.close()
