"""A batch of received files (issue 17): each file is checked on a worker thread while the one before it is applied,
read and hashed in one pass, and reported as it is done; what the files bring is the same as one by one."""

from __future__ import annotations

import sqlite3

import pytest

from kh_desktop.domain.evaluation import expects_words
from kh_desktop.exchange.folders import CHECKING_FOLDER, received_dir
from kh_desktop.exchange.receive import receive_files
from tests.test_trust import Office, forge, value

UNITS = ("kinh-te", "vh-xh", "ban-chqs")


@pytest.fixture
def office(tmp_path, plan_text):
    return Office(tmp_path, plan_text)


def _unit_files(office: Office) -> list[tuple[str, str, float]]:
    """One file per unit PC, each with one figure typed for its own first indicator: (file, code, value)."""
    sent = []
    for n, unit in enumerate(UNITS, start=1):
        pc = office.pc(unit, unit)
        code = next(i.code for i in pc.plan.indicators_of(unit) if not expects_words(i, 2026))
        pc.record(code, "2026", str(10 * n))
        office.approve(pc)
        sent.append((office.send(pc), code, float(10 * n)))
    return sent


def test_each_file_is_reported_in_order_and_applied(office):
    sent = _unit_files(office)
    reported = []
    result = receive_files(
        office.vp, [path for path, _, _ in sent], progress=lambda *done: reported.append(done), person="Văn phòng"
    )
    assert reported == [(n, len(sent), path.name) for n, (path, _, _) in enumerate(sent, start=1)]
    assert [s.status for s in result.summaries] == ["applied"] * len(sent)
    assert [value(office.vp, code, "2026") for _, code, _ in sent] == [typed for _, _, typed in sent]
    assert list((received_dir(office.vp.path) / CHECKING_FOLDER).iterdir()) == []


def test_a_batch_stopped_after_its_first_file_leaves_nothing_half_done(office):
    """The window's receive stops when a write fails (a full disk): the first file is applied and archived, the
    one checked ahead meanwhile leaves no copy behind, and receiving the batch again brings the rest."""
    sent = _unit_files(office)
    files = [path for path, _, _ in sent]

    def stop_after_first(done: int, total: int, name: str) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        receive_files(office.vp, files, progress=stop_after_first)
    assert [value(office.vp, code, "2026") for _, code, _ in sent] == [sent[0][2], None, None]
    assert list((received_dir(office.vp.path) / CHECKING_FOLDER).iterdir()) == []
    again = receive_files(office.vp, files)
    assert [s.status for s in again.summaries] == ["already_imported", "applied", "applied"]
    assert [value(office.vp, code, "2026") for _, code, _ in sent] == [typed for _, _, typed in sent]


def test_a_row_with_a_text_revision_number_is_refused_alone(office, tmp_path):
    """A hostile file may put text where a revision number belongs (SQLite lets it): read in one pass and ordered
    as SQLite orders values, that row is refused with its reason and the file's other rows are received."""
    pc = office.pc("kinh-te", "kinh-te")
    codes = [i.code for i in pc.plan.indicators_of("kinh-te")[:2]]
    pc.record(codes[0], "2026", "11")
    pc.record(codes[1], "2026", "22")
    office.approve(pc)
    sent = office.send(pc)
    conn = sqlite3.connect(sent)
    (target,) = conn.execute("SELECT id FROM revisions WHERE code = ?", [codes[1]]).fetchone()
    conn.close()
    forged = forge(
        sent,
        tmp_path / "forged.khtd",
        pc.identity,
        sql=(f"UPDATE revisions SET pc_revision = 'mười' WHERE id = '{target}'",),
    )
    (summary,) = receive_files(office.vp, [forged]).summaries
    assert summary.status == "applied", summary.reason
    assert [r["reason"] for r in summary.refused] == ["mã máy hoặc số phiên bản không hợp lệ"]
    assert (value(office.vp, codes[0], "2026"), value(office.vp, codes[1], "2026")) == (11.0, None)


def test_asked_to_stop_after_a_file_it_stops_there(office):
    """ "Hủy" in the window while receiving: the files already handled stay received, whole; the others are not
    touched (no copy in the checking folder), the result says so, and the same batch received again brings them."""
    sent = _unit_files(office)
    files = [path for path, _, _ in sent]
    result = receive_files(office.vp, files, progress=lambda done, total, name: done < 2)
    assert result.stopped and [s.status for s in result.summaries] == ["applied", "applied"]
    assert [value(office.vp, code, "2026") for _, code, _ in sent] == [sent[0][2], sent[1][2], None]
    assert list((received_dir(office.vp.path) / CHECKING_FOLDER).iterdir()) == []
    again = receive_files(office.vp, files)
    assert not again.stopped and [s.status for s in again.summaries] == ["already_imported"] * 2 + ["applied"]
    assert value(office.vp, sent[2][1], "2026") == sent[2][2]


def test_the_window_stops_a_receive_but_drops_a_whole_preview(office):
    """The window's "Hủy" (background.Cancelled from its progress): a receive stops after the file in hand and
    reports what it received; a preview is dropped whole, nothing kept."""
    from kh_desktop.ui.background import Cancelled
    from kh_desktop.ui.exchange_actions import _receive_labelled

    sent = _unit_files(office)
    files = [str(path) for path, _, _ in sent]

    def cancelled_after(reports: int):
        said = []

        def progress(percent: int, text: str = "") -> None:
            said.append(text)
            if len(said) > reports:
                raise Cancelled()

        return progress

    with pytest.raises(Cancelled):
        _receive_labelled(office.vp.path, files, cancelled_after(0), dry_run=True)
    assert list((received_dir(office.vp.path) / CHECKING_FOLDER).iterdir()) == []
    result, labels = _receive_labelled(office.vp.path, files, cancelled_after(1), person="Văn phòng")
    assert result.stopped and [s.status for s in result.summaries] == ["applied", "applied"]
    assert labels[UNITS[0]] and value(office.vp, sent[2][1], "2026") is None
