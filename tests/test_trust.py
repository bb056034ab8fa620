"""Consolidation that believes no file about itself (issue 11).

Every forged file here is made as a hostile unit PC could: with the program's own public functions to re-hash
the rows (`rows_digest`) and the forger's own key to sign (`Identity.sign`). Expected values are the figures the
tests typed, never what the code under test computes.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from kh_desktop.exchange import approval as trust
from kh_desktop.exchange.backups import backup_now, restore
from kh_desktop.exchange.receive import receive_files
from kh_desktop.exchange.send import send
from kh_desktop.identity import RESERVE_BLOCK, fingerprint_of, load_identity
from kh_desktop.storage import trust_store
from kh_desktop.storage.exchange_store import MANIFEST_TABLE, rows_digest, signed_text
from kh_desktop.storage.store import ALL_UNITS, Store
from kh_desktop.storage.task_store import list_tasks, remove_task, update_task
from tests.conftest import run_cli

DATA = Path(__file__).parent / "data"


class Office:
    """One commune: Văn phòng's all-units PC and unit PCs, each with its own key folder."""

    def __init__(self, tmp_path: Path, plan_text: str):
        self.tmp, self.plan_text = tmp_path, plan_text
        self.vp = self.pc("vp", ALL_UNITS)
        self.out = tmp_path / "usb"
        self.out.mkdir()
        self.sent = 0

    def pc(self, name: str, unit: str, keys: str | None = None) -> Store:
        identity = load_identity(self.tmp / "keys" / (keys or name))
        return Store.create(self.tmp / f"{name}.sqlite", self.plan_text, unit, identity=identity)

    def send(self, store: Store) -> Path:
        self.sent += 1
        return send(store, self.out / f"{self.sent:03d}.khtd")

    def approve(self, store: Store, unit: str | None = None, at: Store | None = None) -> None:
        at = at or self.vp
        trust_store.register_pc(at, store.pc_id, store.identity.public_key, unit or store.pc_unit or ALL_UNITS)

    def receive(self, files, at: Store | None = None):
        result = receive_files(at or self.vp, list(files) if isinstance(files, list) else [files])
        return result.summaries


def value(store: Store, code: str, period: str):
    figure = store.figure(code, period)
    return None if figure is None else figure.value


def forge(source: Path, dest: Path, signer, *, sql: tuple[str, ...] = (), **manifest_changes) -> Path:
    """Edit an exchange file, re-hash its rows with the program's own function and sign it with `signer`."""
    shutil.copy(source, dest)
    conn = sqlite3.connect(dest)
    try:
        for statement in sql:
            conn.execute(statement)
        conn.row_factory = sqlite3.Row
        manifest = dict(conn.execute(f"SELECT * FROM {MANIFEST_TABLE}").fetchone())
        conn.row_factory = None
        tables = [
            r[0]
            for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            if r[0] != MANIFEST_TABLE
        ]
        counts, sha = rows_digest(conn, tables)
        manifest.update(row_counts=json.dumps(counts, sort_keys=True), rows_sha256=sha)
        manifest.update(manifest_changes)
        manifest["public_key"] = signer.public_key.hex()
        manifest["signature"] = signer.sign(signed_text(manifest)).hex()
        columns = ", ".join(f"{k} = ?" for k in manifest)
        conn.execute(f"UPDATE {MANIFEST_TABLE} SET {columns}", list(manifest.values()))
        conn.commit()
    finally:
        conn.close()
    return dest


@pytest.fixture
def office(tmp_path, plan_text):
    return Office(tmp_path, plan_text)


# ---- approval ---------------------------------------------------------------------------------------------


def test_first_file_of_a_new_pc_waits_then_approval_applies_it(office):
    kt = office.pc("kt", "kinh-te")
    kt.record("4", "2026-Q1", "48")
    (summary,) = office.receive(office.send(kt))
    assert summary.status == "pending"
    assert kt.identity.fingerprint in summary.reason
    assert value(office.vp, "4", "2026-Q1") is None
    (row,) = trust_store.list_pcs(office.vp)
    assert (row["pc_id"], row["unit"], row["status"], row["fingerprint"]) == (
        kt.pc_id,
        "kinh-te",
        "pending",
        kt.identity.fingerprint,
    )
    result = trust.approve(office.vp, kt.pc_id)
    assert [(s.status, s.counts["added"]) for s in result.summaries] == [("applied", 1)]
    assert value(office.vp, "4", "2026-Q1") == 48.0
    assert trust_store.held_files(office.vp) == []


def test_fingerprint_is_twelve_digits_in_groups_of_four_and_differs_per_key(tmp_path):
    a, b = load_identity(tmp_path / "a"), load_identity(tmp_path / "b")
    for identity in (a, b):
        groups = identity.fingerprint.split(" ")
        assert [len(g) for g in groups] == [4, 4, 4] and all(g.isdigit() for g in groups)
    assert a.fingerprint != b.fingerprint
    assert load_identity(tmp_path / "a").fingerprint == a.fingerprint == fingerprint_of(a.public_key)


def test_a_relabelled_file_cannot_write_another_units_figure(office):
    """A P. Kinh tế file relabelled as Văn phòng's, or as all units, and re-signed: refused whole."""
    office.vp.record("18", "2026", "90")
    kt = office.pc("kt", "kinh-te")
    office.approve(kt)
    kt.record("4", "2026-Q1", "48")
    genuine = office.send(kt)
    for unit in ("van-phong", ALL_UNITS):
        forged = forge(
            genuine,
            office.out / f"forged-{unit}.khtd",
            kt.identity,
            sql=(
                "INSERT INTO revisions (id, code, period, value_num, entered_at, pc_id, pc_revision, unit) "
                f"VALUES ('f{unit == ALL_UNITS:031d}', '18', '2026', 5, '2026-05-01', '{kt.pc_id}', 999, 'kinh-te')",
                f"INSERT OR REPLACE INTO figures VALUES ('18', '2026', 'f{unit == ALL_UNITS:031d}', NULL)",
            ),
            unit=unit,
            pc_revision=999,
        )
        (summary,) = office.receive(forged)
        assert summary.status == "refused"
        assert "đã được xác nhận cho Phòng Kinh tế" in summary.reason
    assert value(office.vp, "18", "2026") == 90.0
    assert value(office.vp, "4", "2026-Q1") is None


def test_a_unit_pc_switched_to_all_units_is_refused_at_van_phong(office):
    kt = office.pc("kt", "kinh-te")
    office.approve(kt)
    kt.set_pc_unit(None)
    kt.record("18", "2026", "5")
    (summary,) = office.receive(office.send(kt))
    assert summary.status == "refused"
    assert value(office.vp, "18", "2026") is None


def test_own_unit_figure_in_a_relabelled_files_rows_is_refused_row_by_row(office):
    """An honest label, but a row of another unit's indicator written by the unit's own PC: that row refused."""
    kt = office.pc("kt", "kinh-te")
    office.approve(kt)
    kt.set_pc_unit(None)
    kt.record("18", "2026", "5")
    kt.record("4", "2026-Q1", "48")
    kt.set_pc_unit("kinh-te")
    (summary,) = office.receive(office.send(kt))
    assert summary.status == "applied"
    assert summary.counts["refused_rows"] == 1
    assert "không thuộc trách nhiệm của Phòng Kinh tế" in summary.refused[0]["reason"]
    assert (value(office.vp, "18", "2026"), value(office.vp, "4", "2026-Q1")) == (None, 48.0)


def test_rows_under_another_pcs_id_are_refused_and_that_pc_still_gets_through(office):
    kt, vh = office.pc("kt", "kinh-te"), office.pc("vh", "vh-xh")
    office.approve(kt)
    office.approve(vh)
    kt.record("4", "2026-Q1", "48")
    genuine = office.send(kt)
    next_vh = vh.revision + RESERVE_BLOCK + 1  # where VH-XH's counter will be after its next session begins
    forged = forge(
        genuine,
        office.out / "kt-as-vh.khtd",
        kt.identity,
        sql=tuple(
            "INSERT INTO revisions (id, code, period, value_num, entered_at, pc_id, pc_revision, unit) VALUES "
            f"('{n:032x}', '10', '2026', 1, '2026-05-01', '{vh.pc_id}', {r}, 'vh-xh')"
            for n, r in enumerate(range(1, next_vh + 3), start=1)
        )
        + ("INSERT OR REPLACE INTO figures VALUES ('10', '2026', '00000000000000000000000000000001', NULL)",),
    )
    (summary,) = office.receive(forged)
    assert summary.status == "applied"
    assert summary.counts["refused_rows"] == next_vh + 2
    assert {r["reason"] for r in summary.refused} == {
        "do một máy khác ghi: chỉ nhận khi tệp đến từ máy Văn phòng đã được xác nhận"
    }
    vh.close()
    vh = Store.open(office.tmp / "vh.sqlite", identity=load_identity(office.tmp / "keys" / "vh"))
    vh.record("10", "2026", "97")
    (later,) = office.receive(office.send(vh))
    assert (later.status, later.counts["refused_rows"]) == ("applied", 0)
    assert value(office.vp, "10", "2026") == 97.0


def test_a_file_claiming_another_pcs_id_does_not_verify(office):
    kt, vh = office.pc("kt", "kinh-te"), office.pc("vh", "vh-xh")
    office.approve(kt)
    office.approve(vh)
    kt.record("4", "2026-Q1", "48")
    forged = forge(office.send(kt), office.out / "kt-claims-vh.khtd", kt.identity, pc_id=vh.pc_id, unit="vh-xh")
    (summary,) = office.receive(forged)
    assert summary.status == "refused"
    assert "Chữ ký của tệp không khớp" in summary.reason
    assert value(office.vp, "4", "2026-Q1") is None


def test_a_row_changed_after_signing_is_refused(office):
    kt = office.pc("kt", "kinh-te")
    office.approve(kt)
    kt.record("4", "2026-Q1", "48")
    sent = office.send(kt)
    conn = sqlite3.connect(sent)
    conn.execute("UPDATE revisions SET value_num = 480 WHERE code = '4'")
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    counts, sha = rows_digest(conn, [t for t in tables if t != MANIFEST_TABLE])
    conn.execute(
        f"UPDATE {MANIFEST_TABLE} SET rows_sha256 = ?, row_counts = ?", [sha, json.dumps(counts, sort_keys=True)]
    )
    conn.commit()
    conn.close()
    (summary,) = office.receive(sent)
    assert summary.status == "refused"
    assert "Chữ ký của tệp không khớp" in summary.reason
    assert value(office.vp, "4", "2026-Q1") is None


def test_a_row_claiming_the_receivers_own_id_never_moves_its_counter(office):
    kt = office.pc("kt", "kinh-te")
    office.approve(kt)
    office.vp.record("18", "2026", "90")
    before = office.vp.revision
    huge = 2**63 - 1
    forged = forge(
        office.send(kt),
        office.out / "huge.khtd",
        kt.identity,
        sql=tuple(
            "INSERT INTO revisions (id, code, period, value_num, entered_at, pc_id, pc_revision, unit) VALUES "
            f"('{letter * 32}', '4', '2026-Q2', 7, '2026-05-01', '{office.vp.pc_id}', {number}, 'kinh-te')"
            for letter, number in (("e", huge), ("f", before + 1))
        ),
    )
    (summary,) = office.receive(forged)
    assert sorted(r["reason"] for r in summary.refused) == [
        "mang mã của chính máy này nhưng khác số liệu máy này đang giữ",
        "số phiên bản nằm ngoài giới hạn",
    ]
    assert office.vp.revision == before
    office.vp.record("18", "2026", "91")  # the PC still writes
    assert office.vp.revision == before + 1
    assert office.vp.check() == []


def test_revision_numbers_over_the_bound_are_refused(office):
    kt = office.pc("kt", "kinh-te")
    office.approve(kt)
    forged = forge(
        office.send(kt),
        office.out / "bound.khtd",
        kt.identity,
        sql=(
            "INSERT INTO revisions (id, code, period, value_num, entered_at, pc_id, pc_revision, unit) VALUES "
            f"('{'d' * 32}', '4', '2026-Q2', 7, '2026-05-01', '{kt.pc_id}', {2**62}, 'kinh-te')",
        ),
        pc_revision=2**62,
    )
    (summary,) = office.receive(forged)
    assert [r["reason"] for r in summary.refused] == ["số phiên bản nằm ngoài giới hạn"]


def test_a_unit_cannot_take_or_remove_another_units_task(office):
    kt, vh = office.pc("kt", "kinh-te"), office.pc("vh", "vh-xh")
    office.approve(kt)
    vh_task = next(t for t in list_tasks(vh) if t.unit == "vh-xh")
    kt_task = next(t for t in list_tasks(kt) if t.unit == "kinh-te")
    # The hostile file: KT's PC writes, as its own revisions, VH-XH's task moved to KT and done, and removes another.
    kt.set_pc_unit(None)
    update_task(kt, vh_task.id, {"unit": "Phòng Kinh tế", "status": "done"})
    other = [t for t in list_tasks(kt) if t.unit == "vh-xh"][1]
    remove_task(kt, other.id)
    update_task(kt, kt_task.id, {"status": "done"})
    kt.set_pc_unit("kinh-te")
    (summary,) = office.receive(office.send(kt))
    assert summary.status == "applied"
    reasons = sorted(r["reason"] for r in summary.refused)
    assert reasons == [
        "không thuộc trách nhiệm của Phòng Kinh tế (do Phòng Văn hóa – Xã hội nhập)",  # the removal
        "là việc của Phòng Văn hóa – Xã hội: đơn vị khác không chuyển hay xóa được",  # the move
    ]
    tasks = {t.id: t for t in list_tasks(office.vp)}
    assert (tasks[vh_task.id].unit, tasks[vh_task.id].status) == ("vh-xh", vh_task.status)
    assert other.id in tasks
    assert tasks[kt_task.id].status == "done"


# ---- ordinary accidents --------------------------------------------------------------------------------------


def test_a_second_pc_made_by_copying_a_data_file_is_a_new_pc_and_disagreement_is_a_conflict(office):
    kt = office.pc("kt", "kinh-te")
    office.approve(kt)
    kt.record("4", "2026-Q1", "48")
    office.receive(office.send(kt))
    kt.close()
    shutil.copy(office.tmp / "kt.sqlite", office.tmp / "kt2.sqlite")
    kt = Store.open(office.tmp / "kt.sqlite", identity=load_identity(office.tmp / "keys" / "kt"))
    kt2 = Store.open(office.tmp / "kt2.sqlite", identity=load_identity(office.tmp / "keys" / "kt2"))
    assert kt2.pc_id != kt.pc_id
    kt.record("4", "2026-Q2", "60")
    kt2.record("4", "2026-Q2", "61")
    office.receive(office.send(kt))
    (second,) = office.receive(office.send(kt2))
    assert second.status == "pending"  # a new PC, whatever its file says
    result = trust.approve(office.vp, kt2.pc_id)
    assert [(s.status, s.counts["conflicts"]) for s in result.summaries] == [("applied", 1)]
    figure = office.vp.figure("4", "2026-Q2")
    assert figure.value == 60.0 and figure.conflict_id is not None


def test_restore_then_send_is_accepted_and_no_number_is_reused(office):
    kt = office.pc("kt", "kinh-te")
    office.approve(kt)
    kt.record("4", "2026-Q1", "48")
    backup = backup_now(kt)
    kt.record("4", "2026-Q2", "60")
    office.receive(office.send(kt))
    used = {r.pc_revision for r in kt.history("4", "2026-Q2")}
    kt.close()
    restore(office.tmp / "kt.sqlite", backup)
    kt = Store.open(office.tmp / "kt.sqlite", identity=load_identity(office.tmp / "keys" / "kt"))
    kt.record("4", "2026-Q3", "70")
    (new_revision,) = {r.pc_revision for r in kt.history("4", "2026-Q3")}
    assert new_revision > max(used)
    (summary,) = office.receive(office.send(kt))
    assert (summary.status, summary.counts["refused_rows"]) == ("applied", 0)
    assert value(office.vp, "4", "2026-Q3") == 70.0
    assert value(office.vp, "4", "2026-Q2") == 60.0  # what the restore lost locally stays at Văn phòng


def test_a_cloned_identity_reusing_a_number_holds_the_file(office):
    """Two PCs with one key folder copied (the only way to clone now): the second file waits, nothing lost."""
    kt = office.pc("kt", "kinh-te")
    office.approve(kt)
    shutil.copytree(office.tmp / "keys" / "kt", office.tmp / "keys" / "clone")
    clone = office.pc("clone", "kinh-te", keys="clone")
    assert clone.pc_id == kt.pc_id
    kt.record("4", "2026-Q1", "48")
    clone.record("4", "2026-Q2", "55")  # the same (PC, revision) number, another figure
    office.receive(office.send(kt))
    (summary,) = office.receive(office.send(clone))
    assert summary.status == "pending"
    assert "sao chép" in summary.reason
    assert value(office.vp, "4", "2026-Q1") == 48.0 and value(office.vp, "4", "2026-Q2") is None
    (held,) = trust_store.held_files(office.vp)
    assert Path(held["path"]).is_file()


def test_a_revoked_pc_is_refused_and_its_earlier_figures_stay(office):
    kt = office.pc("kt", "kinh-te")
    office.approve(kt)
    kt.record("4", "2026-Q1", "48")
    office.receive(office.send(kt))
    trust.revoke(office.vp, kt.pc_id)
    kt.record("4", "2026-Q2", "60")
    (summary,) = office.receive(office.send(kt))
    assert summary.status == "refused" and "thu hồi" in summary.reason
    assert (value(office.vp, "4", "2026-Q1"), value(office.vp, "4", "2026-Q2")) == (48.0, None)


def test_the_same_approved_file_twice_changes_nothing(office):
    kt = office.pc("kt", "kinh-te")
    office.approve(kt)
    kt.record("4", "2026-Q1", "48")
    sent = office.send(kt)
    (first,) = office.receive(sent)
    revision = office.vp.revision
    (second,) = office.receive(sent)
    assert (first.status, second.status) == ("applied", "already_imported")
    assert (second.counts["added"], office.vp.revision) == (0, revision)


def test_relayed_figures_reach_a_unit_only_from_its_approved_van_phong(office):
    kt, vh = office.pc("kt", "kinh-te"), office.pc("vh", "vh-xh")
    office.approve(kt)
    office.approve(vh)
    vh.record("10", "2026", "97")
    office.receive(office.send(vh))
    consolidated = office.send(office.vp)
    (first,) = office.receive(consolidated, at=kt)
    assert first.status == "pending"
    trust.approve(kt, office.vp.pc_id, ALL_UNITS)
    assert value(kt, "10", "2026") == 97.0  # relayed, read-only on the unit PC
    assert not kt.can_edit(kt.plan.indicator("10"))
    # VH-XH's own PC is not a relay for P. Kinh tế, even once approved there as VH-XH's.
    vh.record("10", "2026", "98")
    office.approve(vh, at=kt)
    (direct,) = office.receive(office.send(vh), at=kt)
    assert direct.status == "applied" and value(kt, "10", "2026") == 98.0
    # A unit PC cannot pass itself off as the relay: its "all units" file is refused by its binding.
    kt_forged_relay = forge(office.send(kt), office.out / "relay.khtd", kt.identity, unit=ALL_UNITS)
    (forged,) = office.receive(kt_forged_relay, at=office.vp)
    assert forged.status == "refused"


def test_an_unsigned_file_of_the_previous_release_waits_for_its_own_approval(office):
    """Received by a Văn phòng on today's plan document, which replaces the released one (replaces_sha256)."""
    (summary,) = office.receive(DATA / "exchange-v3-kinh-te.khtd")
    assert summary.status == "pending"
    assert "không có chữ ký" in summary.reason
    result = trust.approve(office.vp, summary.pc_id)
    assert [s.status for s in result.summaries] == ["applied"]
    assert value(office.vp, "4", "2026-Q1") == 48.0  # typed into that file's PC by tests/data's maker


# ---- init and the command line -------------------------------------------------------------------------------


def test_init_needs_a_unit_and_a_mistyped_unit_leaves_no_file(tmp_path):
    db = tmp_path / "kh.sqlite"
    result = run_cli("init", db=db)
    assert result.returncode == 2 and "--all-units" in result.stderr and not db.exists()
    result = run_cli("init", "--unit", "Phòng Kinh tếx", db=db)
    assert result.returncode == 2 and "Không có đơn vị" in result.stderr and not db.exists()


def test_whoami_and_pcs_commands_keep_their_contract(tmp_path, monkeypatch):
    vp_db, kt_db = tmp_path / "vp.sqlite", tmp_path / "kt.sqlite"
    monkeypatch.setenv("KH_KEY_DIR", str(tmp_path / "keys-vp"))
    run_cli("init", "--all-units", db=vp_db, check=True)
    monkeypatch.setenv("KH_KEY_DIR", str(tmp_path / "keys-kt"))
    run_cli("init", "--unit", "Phòng Kinh tế", db=kt_db, check=True)
    run_cli("set", "4", "2026-Q1", "48", db=kt_db, check=True)
    me = json.loads(run_cli("whoami", "--json", db=kt_db, check=True).stdout)
    assert set(me) == {"pc_id", "unit", "fingerprint"} and me["unit"] == "kinh-te"
    sent = tmp_path / "kt.khtd"
    run_cli("send", str(sent), db=kt_db, check=True)
    monkeypatch.setenv("KH_KEY_DIR", str(tmp_path / "keys-vp"))
    received = run_cli("receive", "--json", str(sent), db=vp_db)
    assert received.returncode == 0
    (item,) = json.loads(received.stdout)
    assert (item["status"], item["pc_id"]) == ("pending", me["pc_id"])
    (pc,) = json.loads(run_cli("pcs", "--json", db=vp_db, check=True).stdout)
    assert {k: pc[k] for k in ("pc_id", "unit", "unit_name", "fingerprint", "status", "last_file")} == {
        "pc_id": me["pc_id"],
        "unit": "kinh-te",
        "unit_name": "Phòng Kinh tế",
        "fingerprint": me["fingerprint"],
        "status": "pending",
        "last_file": "kt.khtd",
    }
    assert pc["first_seen"][:2] == "20" and "T" in pc["first_seen"]
    approved = json.loads(run_cli("pcs", "approve", me["pc_id"], "--json", db=vp_db, check=True).stdout)
    assert [(a["status"], a["added"]) for a in approved] == [("applied", 1)]
    run_cli("pcs", "revoke", me["pc_id"], db=vp_db, check=True)
    (pc,) = json.loads(run_cli("pcs", "--json", db=vp_db, check=True).stdout)
    assert pc["status"] == "revoked"


def test_a_key_copied_to_another_machine_is_not_used(tmp_path, monkeypatch):
    identity = load_identity(tmp_path / "k")
    key_file = tmp_path / "k" / "may-nay.key"
    data = json.loads(key_file.read_text())
    data["binding"] = "0" * 64  # what a key made on another machine or account holds
    key_file.write_text(json.dumps(data))
    again = load_identity(tmp_path / "k")
    assert again.pc_id != identity.pc_id and again.replaced_foreign
    assert any(p.name.startswith("may-nay.key.cua-may-khac-") for p in (tmp_path / "k").iterdir())


def test_recovery_at_start_then_send_is_accepted(office, monkeypatch):
    import random

    from kh_desktop.exchange.recovery import RESTORED, open_at_start

    monkeypatch.setenv("KH_KEY_DIR", str(office.tmp / "keys" / "kt"))  # open_at_start uses this PC's own identity
    kt = office.pc("kt", "kinh-te")
    office.approve(kt)
    kt.record("4", "2026-Q1", "48")
    backup_now(kt, "khoi-dong")
    kt.record("4", "2026-Q2", "60")
    office.receive(office.send(kt))
    used = max(r.pc_revision for r in kt.history("4", "2026-Q2"))
    kt.close()
    noise = random.Random(11)
    with open(office.tmp / "kt.sqlite", "r+b") as handle:  # a failing disk scribbles over pages 2-4
        handle.seek(4096)
        handle.write(noise.randbytes(3 * 4096))
    outcome = open_at_start(office.tmp / "kt.sqlite")
    assert outcome.status == RESTORED
    kt = outcome.store
    assert value(kt, "4", "2026-Q2") is None  # lost locally with the damaged file
    kt.record("4", "2026-Q3", "70")
    assert max(r.pc_revision for r in kt.history("4", "2026-Q3")) > used
    (summary,) = office.receive(office.send(kt))
    assert (summary.status, summary.counts["refused_rows"], summary.counts["added"]) == ("applied", 0, 1)
    assert (value(office.vp, "4", "2026-Q2"), value(office.vp, "4", "2026-Q3")) == (60.0, 70.0)


def test_a_successor_pc_brings_the_broken_pcs_figures(office):
    """A PC replaced after a breakdown: its data file copied to the new PC carries the old PC's rows."""
    old = office.pc("old", "kinh-te")
    office.approve(old)
    old.record("4", "2026-Q1", "48")
    old.record("4", "2026-Q2", "60")
    office.receive(office.send(old))
    old.record("4", "2026-Q3", "70")  # typed on the old PC, never sent before it broke
    old.close()
    shutil.copy(office.tmp / "old.sqlite", office.tmp / "new.sqlite")
    new = Store.open(office.tmp / "new.sqlite", identity=load_identity(office.tmp / "keys" / "new"))
    new.record("4", "2026-Q4", "80")
    (waiting,) = office.receive(office.send(new))
    assert waiting.status == "pending"
    result = trust.approve(office.vp, new.pc_id, replaces=old.pc_id)
    (summary,) = result.summaries
    assert (summary.status, summary.counts["refused_rows"]) == ("applied", 0)
    assert [value(office.vp, "4", f"2026-Q{q}") for q in (1, 2, 3, 4)] == [48.0, 60.0, 70.0, 80.0]


def test_without_succession_the_old_pcs_unsent_figures_are_refused_and_listed(office):
    old = office.pc("old", "kinh-te")
    office.approve(old)
    old.record("4", "2026-Q3", "70")
    old.close()
    shutil.copy(office.tmp / "old.sqlite", office.tmp / "new.sqlite")
    new = Store.open(office.tmp / "new.sqlite", identity=load_identity(office.tmp / "keys" / "new"))
    new.record("4", "2026-Q4", "80")
    office.receive(office.send(new))
    (summary,) = trust.approve(office.vp, new.pc_id).summaries
    assert [r["label"] for r in summary.refused] == ["Chỉ tiêu 4, kỳ 2026-Q3"]
    assert (value(office.vp, "4", "2026-Q3"), value(office.vp, "4", "2026-Q4")) == (None, 80.0)


def test_a_schema_2_exchange_file_is_received_after_approval(office):
    """tests/data/exchange-v2-vh-xh.khtd was written by the release of schema 2 (see tests/data/README.md)."""
    (summary,) = office.receive(DATA / "exchange-v2-vh-xh.khtd")
    assert summary.status == "pending"
    (applied,) = trust.approve(office.vp, summary.pc_id).summaries
    assert (applied.status, applied.counts["added"], applied.counts["refused_rows"]) == ("applied", 1, 0)
    assert value(office.vp, "10", "2026") == 96.5


def test_two_databases_open_on_one_pc_never_share_a_number(tmp_path, plan_text):
    """Văn phòng keeps its working file and opens a second one (a training copy): one key, one set of numbers."""
    identity_a, identity_b = load_identity(tmp_path / "k"), load_identity(tmp_path / "k")
    first = Store.create(tmp_path / "a.sqlite", plan_text, ALL_UNITS, identity=identity_a)
    second = Store.create(tmp_path / "b.sqlite", plan_text, ALL_UNITS, identity=identity_b)
    numbers = []
    for index in range(RESERVE_BLOCK + 5):  # past the end of the first block
        for store in (first, second):
            store.record("4", f"2026-Q{index % 4 + 1}", str(index + 1))
            numbers.append(store.revision)
    assert len(numbers) == len(set(numbers)) == 2 * (RESERVE_BLOCK + 5)


def test_an_unreadable_key_folder_is_a_message_not_a_traceback(tmp_path):
    from kh_desktop.identity import IdentityError

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the key folder should be")
    with pytest.raises(IdentityError, match="Không đọc hoặc ghi được khóa định danh"):
        load_identity(blocker / "keys")


# ---- plan versions travel only from Văn phòng ----------------------------------------------------------------

TO_16 = {"kind": "target", "code": "2", "year": 2029, "target": {"op": "ge", "value": 16, "as_written": "≥16"}}


def _target_2029(store: Store, code: str):
    return store.plan.indicator(code).targets[2029].value


def test_a_plan_adjustment_reaches_a_unit_only_in_its_approved_van_phong_file(office):
    from kh_desktop.storage.plan_store import adjust_plan, plan_versions

    kt = office.pc("kt", "kinh-te")
    office.approve(kt)
    issued = _target_2029(kt, "2")
    adjust_plan(office.vp, [TO_16], "15/NQ-HĐND", "2028-07-20")
    consolidated = office.send(office.vp)
    (waiting,) = office.receive(consolidated, at=kt)
    assert waiting.status == "pending" and _target_2029(kt, "2") == issued  # nothing from an unapproved PC
    (summary,) = trust.approve(kt, office.vp.pc_id, ALL_UNITS).summaries
    assert (summary.status, summary.plan_versions) == ("applied", 1)
    assert (_target_2029(kt, "2"), _target_2029(kt, "2") != issued) == (16, True)
    assert [v["decision"] for v in plan_versions(kt)] == ["15/NQ-HĐND"]
    # A file written by the unit under the issued plan is still received at Văn phòng after the adjustment.
    kt.record("4", "2026-Q1", "48")
    (old_version,) = office.receive(office.send(kt))
    assert (old_version.status, old_version.counts["added"]) == ("applied", 1)


def test_plan_versions_in_a_unit_pcs_file_are_ignored(office):
    """A unit PC (here VH-XH's, approved at P. Kinh tế as VH-XH's) cannot change another PC's plan."""
    from kh_desktop.storage.plan_store import adjust_plan, adopt_plan_versions, plan_versions

    kt, vh = office.pc("kt", "kinh-te"), office.pc("vh", "vh-xh")
    adjust_plan(office.vp, [TO_16], "15/NQ-HĐND", "2028-07-20")
    vh_plan_before = _target_2029(vh, "2")
    adopt_plan_versions(vh, plan_versions(office.vp))  # VH-XH got the version earlier, from Văn phòng
    office.approve(vh, at=kt)
    vh.record("10", "2026", "97")
    (summary,) = office.receive(office.send(vh), at=kt)
    assert (summary.status, summary.plan_versions) == ("applied", 0)
    assert _target_2029(kt, "2") == vh_plan_before and plan_versions(kt) == []


def test_a_database_of_the_previous_plan_document_takes_the_shipped_one_and_both_exchange(tmp_path, plan_text):
    """The released plan document (before growth rows became 'none') is replaced, not refused: databases made
    with it take the shipped document when opened, and their files are received by PCs on the new one."""
    import sqlite3 as sql

    old_text = sql.connect(DATA / "exchange-v3-kinh-te.khtd").execute("SELECT body FROM plan_document").fetchone()[0]
    old = Store.create(tmp_path / "old.sqlite", old_text, "kinh-te", identity=load_identity(tmp_path / "k" / "old"))
    assert old.plan.indicator("1").aggregation == "level"  # what the released document said
    old.record("4", "2026-Q1", "48")
    old_file = send(old, tmp_path / "old.khtd")  # written before the program was updated
    old.close()
    vp = Store.create(tmp_path / "vp.sqlite", plan_text, ALL_UNITS, identity=load_identity(tmp_path / "k" / "vp"))
    reopened = Store.open(tmp_path / "old.sqlite", identity=load_identity(tmp_path / "k" / "old"))
    assert reopened.plan.indicator("1").aggregation == "none" and reopened.plan_sha256 == vp.plan_sha256
    trust_store.register_pc(vp, reopened.pc_id, reopened.identity.public_key, "kinh-te")
    (summary,) = receive_files(vp, [old_file]).summaries
    assert (summary.status, summary.counts["added"]) == ("applied", 1)
    assert value(vp, "4", "2026-Q1") == 48.0


def test_a_backup_of_the_previous_plan_document_still_opens_to_be_read(tmp_path):
    """`--db` on a backup made before the update: read and checked, never rewritten to the shipped document."""
    import sqlite3 as sql

    old_text = sql.connect(DATA / "exchange-v3-kinh-te.khtd").execute("SELECT body FROM plan_document").fetchone()[0]
    with Store.create(tmp_path / "old.sqlite", old_text, "kinh-te", identity=load_identity(tmp_path / "k")) as old:
        old.record("4", "2026-Q1", "48")
        copy = backup_now(old)
    before = copy.read_bytes()
    result = run_cli("check", db=copy)
    assert result.returncode == 0, result.stderr
    assert copy.read_bytes() == before
