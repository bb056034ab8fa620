"""The same exchange file named twice in one receive (picked twice, or one file copied into two folders)."""

from __future__ import annotations

import shutil

import pytest

from kh_desktop.exchange.receive import receive_files
from kh_desktop.exchange.send import send
from kh_desktop.storage.exchange_store import import_log
from tests.exchange_helpers import approve_pcs, make_pc, record_some, values


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_file_named_twice_in_one_receive_is_received_once(tmp_path, plan_text, dry_run):
    unit = make_pc(tmp_path, "kinh-te", plan_text, "kinh-te")
    record_some(unit, "kinh-te")
    usb = tmp_path / "usb"
    usb.mkdir()
    sent = send(unit, usb)
    (tmp_path / "zalo").mkdir()
    same_elsewhere = shutil.copy2(sent, tmp_path / "zalo" / sent.name)
    office = make_pc(tmp_path, "van-phong", plan_text)
    approve_pcs(office, unit)  # as Văn phòng does once for the unit's PC
    before = office.path.read_bytes()

    result = receive_files(office, [sent, sent, same_elsewhere], dry_run=dry_run)

    assert [s.status for s in result.summaries] == ["applied", "already_imported", "already_imported"]
    assert result.summaries[0].counts["added"] == len(values(unit)) > 0
    assert all(s.counts["added"] == s.counts["updated"] == 0 for s in result.summaries[1:])
    received = office.path.parent / "so-lieu-nhan"
    archived = [p for p in received.rglob("*.khtd")]
    if dry_run:
        assert archived == []  # a preview keeps nothing
        assert office.path.read_bytes() == before
        assert import_log(office) == []
    else:
        assert len(archived) == 1  # received once, archived once
        assert all(s.archive == str(archived[0]) for s in result.summaries)
        assert values(office) == values(unit)
        assert len(import_log(office)) == 1
        assert office.check() == []
    unit.close()
    office.close()
