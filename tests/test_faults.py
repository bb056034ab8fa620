"""Faults: the program killed mid-write, generated input, a read-only file, a full disk. Nothing committed is lost.

The kill tests run a real program (tests/fault_worker.py) that prints each change only after its commit has
returned, stop it at a chosen SQL statement of its operation (tests/kill_points.py), kill it there with
Popen.kill(), and then check that the file passes `check` and holds every change the program had reported.

Seeds: a fixed list by default (CI); KH_FAULT_ITERATIONS=N (the long mode) adds random seeds and scales the
kills and the fuzzing; KH_FAULT_SEED=S runs that one seed. Every failure prints the command that replays it.
"""

from __future__ import annotations

import hashlib
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from kh_desktop.domain.evaluation import ValueRefused, expects_words
from kh_desktop.domain.numbers import NumberError, parse_number
from kh_desktop.domain.periods import BASELINE, PeriodError
from kh_desktop.domain.plan import PlanError, load_plan_text
from kh_desktop.storage.store import Store
from tests import kill_points
from tests.conftest import PLAN_PATH, ROOT, run_cli
from tests.exchange_helpers import approve_pcs, identities_under, key_folder, pc_identity, reseal
from tests.make_schema_fixture import FIXTURE_FIGURES

LONG = bool(os.environ.get("KH_FAULT_ITERATIONS"))
ITERATIONS = max(1, int(os.environ.get("KH_FAULT_ITERATIONS") or "8"))
FIXED_SEEDS = [20261101, 20261102]
if os.environ.get("KH_FAULT_SEED"):
    SEEDS = [int(os.environ["KH_FAULT_SEED"])]
elif LONG:
    SEEDS = FIXED_SEEDS + [random.SystemRandom().randrange(1 << 30) for _ in range(3)]
else:
    SEEDS = FIXED_SEEDS
FUZZ = settings(
    max_examples=max(60, ITERATIONS * 25),
    deadline=None,
    derandomize=not LONG,  # CI draws the same examples every run; the long mode explores
    print_blob=True,  # a failure prints the @reproduce_failure line that replays it
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
VIETNAMESE = re.compile("[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]")
SQLITE_ENGLISH = re.compile(r"I/O error|disk is full|readonly database|database is locked|unable to open", re.I)
NOBODY = 65534


def assert_clear_message(message: str, *typed: str) -> None:
    """A message a commune official can read: Vietnamese, and no traceback or bare exception text.

    `typed` is what the user typed, which a message may quote back (and which may be any text at all);
    quoted parts (“…”) are left out of the checks for the same reason."""
    own = message
    for text in typed:
        for variant in (text, unicodedata.normalize("NFC", text).strip()):
            own = own.replace(variant, "") if variant else own
    own = re.sub("“[^”]*”", "", own)
    assert message and VIETNAMESE.search(own.lower()), f"not a Vietnamese message: {message!r}"
    assert "Traceback" not in own, message
    assert not SQLITE_ENGLISH.search(own), f"SQLite's English leaks into the message: {message!r}"


# ---- the program to kill ---------------------------------------------------------------------------


def worker(mode: str, db: Path, seed: int, *extra) -> tuple[list[str], dict]:
    """The command and environment of tests/fault_worker.py in `mode`."""
    command = [sys.executable, "-m", "tests.fault_worker", mode, str(db), str(seed), *map(str, extra)]
    return command, dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONPATH=str(ROOT))


def spawn_worker(mode: str, db: Path, seed: int, *extra, **popen) -> subprocess.Popen:
    command, env = worker(mode, db, seed, *extra)
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        **popen,
    )


def complete_lines(out: str) -> list[dict]:
    """The JSON lines the worker finished printing (a line cut by the kill was never reported)."""
    import json

    return [json.loads(line) for line in out.split("\n")[:-1] if line]


def assert_nothing_lost(db: Path, reported: list[dict], kills: int, context: str) -> None:
    """`check` passes, every reported change is stored as reported, the figures point at the newest ones."""
    with Store.open(db) as store:
        assert store.check() == [], context
        rows = {
            r["pc_revision"]: r
            for r in store.db.query(
                "SELECT id, pc_revision, code, period, value_num, deleted FROM revisions WHERE pc_id = ?",
                [store.pc_id],
            )
        }
        for change in reported:
            row = rows.get(change["pc_revision"])
            assert row is not None, f"committed change lost: {change} ({context})"
            assert (row["code"], row["period"]) == (change["code"], change["period"]), context
            if change["value"] is None:
                assert row["deleted"] == 1, context
            else:
                assert row["value_num"] == change["value"] and row["deleted"] == 0, context
        # Only the one commit in flight at each kill may be stored without having been reported.
        unreported = set(rows) - {c["pc_revision"] for c in reported}
        assert len(unreported) <= kills, f"{sorted(unreported)} ({context})"
        assert store.revision == max(rows, default=0), context
        newest: dict[tuple[str, str], dict] = {}
        for _, row in sorted(rows.items()):
            newest[(row["code"], row["period"])] = row
        for (code, period), row in newest.items():
            figure = store.figure(code, period)
            if row["deleted"]:
                assert figure is None, context
            else:
                assert figure is not None and figure.revision_id == row["id"], context


@pytest.mark.parametrize("seed", SEEDS)
def test_killed_while_recording_loses_nothing_committed(tmp_path, plan_text, seed):
    db = tmp_path / "kh.sqlite"
    Store.create(db, plan_text).close()
    rng = random.Random(seed)
    opening = len(kill_points.points_of(*worker("open", db, 0), cwd=ROOT))
    assert opening > 5
    reported: list[dict] = []
    for kill in range(1, ITERATIONS + 1):
        # Every fourth kill lands while the program opens the file, the others among its recordings.
        mode, point = (
            ("record-from-open", rng.randint(1, opening)) if kill % 4 == 0 else ("record", rng.randint(1, 400))
        )
        paused, lines = kill_points.run_to_point(*worker(mode, db, rng.randrange(1 << 30)), point, cwd=ROOT)
        reported += [line for line in lines if "pc_revision" in line]
        assert_nothing_lost(db, reported, kill, f"seed {seed}, kill {kill} at {paused}")
    assert len(reported) > ITERATIONS, f"few changes were committed in {ITERATIONS} runs (seed {seed})"
    result = run_cli("check", db=db)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def upgrade_points(tmp_path_factory):
    """Every statement of opening (and so upgrading) the saved schema-1 file."""
    copy = tmp_path_factory.mktemp("upgrade") / "v1.sqlite"
    shutil.copy2(ROOT / "db" / "schema-v1.sqlite", copy)
    points = kill_points.points_of(*worker("open", copy, 0), cwd=ROOT)
    assert any(p["sql"].upper().startswith("CREATE") for p in points)  # it did upgrade
    return points


def test_killed_while_upgrading_an_old_file_keeps_its_figures(tmp_path, upgrade_points):
    saved = ROOT / "db" / "schema-v1.sqlite"
    for point in kill_points.spread(upgrade_points, max(6, ITERATIONS)):
        copy = tmp_path / f"v1-{point}.sqlite"
        shutil.copy2(saved, copy)
        paused, _ = kill_points.run_to_point(*worker("open", copy, 0), point, cwd=ROOT)
        with Store.open(copy) as store:  # the next start finishes the upgrade
            assert store.check() == [], paused
            for code, period, value, _estimate, _note in FIXTURE_FIGURES:
                expected = value if code == "20" else parse_number(value)
                # make_schema_fixture.py then wrote "20" over indicator 1's figure: both stay, 20 is current.
                history = [r.value for r in store.history(code, period)]
                current = 20.0 if (code, period) == ("1", "2026") else expected
                assert expected in history and store.figure(code, period).value == current, (code, period, paused)


def figure_state(db: Path) -> tuple[dict, int]:
    """Every current figure (value, estimate, note) and the revision counter: what a user would see."""
    with Store.open(db) as store:
        assert store.check() == []
        return {(f.code, f.period): (f.value, f.estimate, f.note) for f in store.figures()}, store.revision


@pytest.fixture(scope="module")
def import_scenario(tmp_path_factory):
    """A fresh database, a workbook with every row's figure for five years, and the state after importing it."""
    from kh_desktop.excel.export import export_workbook
    from kh_desktop.excel.importer import apply_import, preview_import
    from kh_desktop.storage.bulk import Entry, check_entry, record_many

    root = tmp_path_factory.mktemp("import-kill")
    with identities_under(root / "keys"):  # a module fixture: the per-test identities are not set up yet
        source_pc, office_pc = pc_identity("source"), pc_identity("office")
    plan_text = PLAN_PATH.read_text(encoding="utf-8")
    source = root / "source.sqlite"
    with Store.create(source, plan_text, identity=source_pc) as store:
        entries = []
        for n, indicator in enumerate(store.plan.indicators):
            for year in store.plan.years:
                raw = indicator.allowed_words[0] if expects_words(indicator, year) else str(1 + (n + year) % 60)
                entry = Entry(indicator.code, str(year), raw, estimate=year % 2 == 0, note=f"ghi chú {n}")
                try:
                    check_entry(store, entry)
                except (ValueRefused, PeriodError):
                    continue
                entries.append(entry)
        record_many(store, entries)
        workbook = export_workbook(store, root / "so-lieu.xlsx")
    before_db = root / "before.sqlite"
    Store.create(before_db, plan_text, identity=office_pc).close()
    after_db = root / "after.sqlite"
    shutil.copy2(before_db, after_db)
    with Store.open(after_db, identity=office_pc) as store:  # no revision written yet: as each killed worker below
        apply_import(store, preview_import(store, workbook))
    before, after = figure_state(before_db), figure_state(after_db)
    assert len(after[0]) > 100 and before != after
    listed = root / "listed.sqlite"
    shutil.copy2(before_db, listed)
    command, env = worker("import", listed, 0, workbook)
    points = kill_points.points_of(command, dict(env, KH_KEY_DIR=str(root / "keys" / "listed")), cwd=ROOT)
    assert figure_state(listed) == after
    return before_db, workbook, before, after, points


def test_killed_while_importing_a_workbook_leaves_before_or_after(import_scenario, tmp_path, monkeypatch):
    before_db, workbook, before, after, points = import_scenario
    commits = [p["point"] for p in points if p["sql"].upper().startswith("COMMIT")]
    assert len(commits) == 1, "an import writes in one transaction"
    for point in kill_points.spread(points, max(6, ITERATIONS)):
        db = tmp_path / f"import-{point}.sqlite"
        shutil.copy2(before_db, db)
        # Each run on a fresh identity, as "after" was made: its counter resumes at the file's (no mark yet), so
        # the revision counter after a whole import is exactly "after"'s.
        monkeypatch.setenv("KH_KEY_DIR", str(key_folder(f"import-{point}")))
        paused, lines = kill_points.run_to_point(*worker("import", db, 0, workbook), point, cwd=ROOT)
        expected = before if point <= commits[0] else after
        assert figure_state(db) == expected, f"killed at {paused}"
        assert not any("applied" in line for line in lines)


# ---- generated input ------------------------------------------------------------------------------

NUMBER_ALPHABET = list("0123456789") * 3 + list(".,.,-+ %") + ["\u2212", "\u00a0", "\u202f", "\u0663", "\uff11", "e"]
number_like = st.text(alphabet=st.sampled_from(NUMBER_ALPHABET), max_size=18)
any_text = st.text(max_size=40)


@FUZZ
@given(text=number_like | any_text)
def test_number_parser_reads_or_explains(text):
    try:
        value = parse_number(text)
    except NumberError as exc:
        assert_clear_message(str(exc), text)
    else:
        assert isinstance(value, float) and value == value and abs(value) != float("inf")
        assert any(ch.isdigit() for ch in text)
        # The same text means the same number every time, with or without surrounding spaces.
        assert parse_number(f"  {text}\u00a0") == value


_PLAN = load_plan_text(PLAN_PATH.read_text(encoding="utf-8"))
_PERIODS = [f"{y}" for y in range(2025, 2032)] + ["2026-Q1", "2027-H2", "2030-Q4", "2026-Q5", "2026-H3", BASELINE, ""]


@FUZZ
@given(
    code=st.sampled_from([i.code for i in _PLAN.indicators] + ["99", ""]),
    period=st.sampled_from(_PERIODS) | st.text(max_size=8),
    text=number_like | any_text,
)
def test_typed_text_is_recorded_exactly_or_refused_with_nothing_written(store, code, period, text):
    before_revision, before = store.revision, store.figures()
    try:
        change = store.record(code, period, text)
    except (ValueRefused, PeriodError, PlanError) as exc:
        assert_clear_message(str(exc), text, period, code)
        assert store.revision == before_revision and store.figures() == before
        return
    ((stored_code, stored_period),) = change.figures
    figure = store.figure(stored_code, stored_period)
    indicator = store.plan.indicator(code)
    year = int(stored_period[:4]) if stored_period != BASELINE else None
    if year is not None and expects_words(indicator, year):
        assert figure.value in indicator.allowed_words
    else:
        assert isinstance(figure.value, float) and abs(figure.value) != float("inf")
        plain = read_plain_number(text)
        if plain is not None:  # written the ordinary way: it is that number (the generated test below covers all)
            assert figure.value == plain, text
    assert store.revision == before_revision + 1


def read_plain_number(text: str) -> float | None:
    """The test's own reading of a number written the ordinary Vietnamese way (thousands dots in groups of three,
    decimal comma with other than three digits after it); None for anything else."""
    text = text.strip()
    if re.fullmatch(r"-?(\d{1,3}(\.\d{3})+|\d+)(,(\d{1,2}|\d{4,}))?", text, flags=re.ASCII):
        return float(text.replace(".", "").replace(",", "."))
    return None


@st.composite
def written_numbers(draw) -> tuple[float, str]:
    """A number drawn first, then written as an official would type it: its value and its text."""
    whole = draw(st.integers(0, 10**9), label="whole")
    decimals = draw(st.text("0123456789", max_size=2), label="decimals")
    negative = draw(st.booleans(), label="negative")
    grouped = draw(st.booleans(), label="thousands dots")
    digits = f"{whole:,}".replace(",", ".") if grouped else str(whole)
    text = ("-" if negative else "") + digits + (f",{decimals}" if decimals else "")
    space = draw(st.sampled_from(["", " ", "\u00a0"]), label="around")
    value = (-1 if negative else 1) * (whole + (int(decimals) / 10 ** len(decimals) if decimals else 0))
    return value, f"{space}{text}{draw(st.sampled_from(['', '%']), label='percent')}{space}"


_NUMERIC = [i for i in _PLAN.indicators if not any(expects_words(i, y) for y in _PLAN.years)]


@FUZZ
@given(
    written=written_numbers(),
    indicator=st.sampled_from(_NUMERIC),
    period=st.sampled_from([f"{y}-Q{q}" for y in range(2026, 2031) for q in (1, 2, 3, 4)]),
)
def test_a_number_written_in_vietnamese_is_recorded_as_that_number(store, written, indicator, period):
    """The oracle is the generated value: refused exactly when the plan's bounds or whole-number rule forbid it."""
    value, text = written
    assert parse_number(text) == pytest.approx(value, rel=1e-15, abs=1e-9)
    allowed = (
        (indicator.minimum is None or value >= indicator.minimum)
        and (indicator.maximum is None or value <= indicator.maximum)
        and (not indicator.integer or value == int(value))
    )
    before = store.revision
    try:
        store.record(indicator.code, period, text)
    except ValueRefused as exc:
        assert not allowed, f"{text!r} for {indicator.code} refused: {exc}"
        assert_clear_message(str(exc), text)
        assert store.revision == before
        return
    assert allowed, f"{text!r} recorded for {indicator.code}"
    assert store.figure(indicator.code, period).value == pytest.approx(value, rel=1e-15, abs=1e-9)


# ---- a read-only database file ---------------------------------------------------------------------


def _cli_as_user(*args: str, db: Path) -> tuple[int, str, str]:
    """Run the CLI in a forked child that, when we are root, first becomes `nobody`, for whom chmod is real.

    A fork rather than a new interpreter: the interpreter may live where `nobody` cannot read it (/root).
    Everything the commands need is imported before the fork for the same reason.
    """
    import io

    from kh_desktop.cli.main import build_parser
    from kh_desktop.cli.main import main as cli_main

    build_parser()  # the command groups' modules load with the parser (a window needs none of them)

    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        code = 99
        try:
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", write_through=True)
            sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", write_through=True)
            if os.geteuid() == 0:
                os.setgroups([])
                os.setgid(NOBODY)
                os.setuid(NOBODY)
            code = cli_main(["--db", str(db), *args])
        except BaseException:  # noqa: BLE001 - report anything to the parent, then leave
            import traceback

            traceback.print_exc()
        finally:
            os._exit(code if isinstance(code, int) else 98)
    os.close(out_w)
    os.close(err_w)
    with open(out_r, encoding="utf-8") as out, open(err_r, encoding="utf-8") as err:
        stdout, stderr = out.read(), err.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), stdout, stderr


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.posix_only("a file mode the owner cannot override needs fork and setuid to another user")
def test_read_only_file_is_read_and_writes_are_refused_with_a_message(monkeypatch):
    # Root ignores file modes, so as root the commands run as `nobody`. The folder is made outside pytest's
    # private (0700) tmp folder so that `nobody` can reach it, and belongs to `nobody`: only the file is
    # read-only, as when a user ticks "Read-only" in its properties.
    folder = Path(tempfile.mkdtemp(prefix="kh-readonly-"))
    try:
        os.chmod(folder, 0o755)
        db = folder / "kh.sqlite"
        with Store.create(db, PLAN_PATH.read_text(encoding="utf-8")) as store:
            store.record("12", "2026-Q1", "400")
        os.chmod(db, 0o444)
        monkeypatch.setenv("KH_KEY_DIR", str(folder / "keys"))  # the user's own identity, in a folder they can reach
        if os.geteuid() == 0:
            os.chown(folder, NOBODY, NOBODY)
        digest = _digest(db)
        code, out, err = _cli_as_user("status", "--year", "2026", "--json", db=db)
        if code == 99 and "Operation not permitted" in err:
            pytest.skip(f"running as root without the right to become user {NOBODY}: {err.strip().splitlines()[-1]}")
        assert code == 0, err
        assert '"actual": 400.0' in out
        code, out, err = _cli_as_user("set", "12", "2026-Q2", "500", db=db)
        assert code == 2, out + err
        assert "chỉ cho phép đọc" in err, err
        assert_clear_message(err)
        code, out, err = _cli_as_user("check", db=db)
        assert code == 0, out + err
        assert _digest(db) == digest
        assert not (folder / "kh.sqlite-journal").exists()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---- a target folder removed during send -----------------------------------------------------------


@pytest.mark.posix_only("the folder is removed while the paused program holds a file open in it; Windows refuses")
@pytest.mark.parametrize(
    "put_back",
    [False, True],
    ids=["gone", "put-back"],
)
def test_target_folder_removed_during_send_gives_a_message_and_loses_nothing(tmp_path, plan_text, put_back):
    """As a USB stick pulled while the exchange file is written (and, with put_back, plugged in again before the
    program carries on): a message naming the folder, nothing left on the stick, the working file untouched."""
    from kh_desktop.storage.exchange_store import read_exchange_file

    db = tmp_path / "kh.sqlite"
    with Store.create(db, plan_text, "kinh-te") as store:
        for n, indicator in enumerate(store.plan.indicators_of("kinh-te")):
            for period in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"):
                try:
                    store.record(indicator.code, period, str(10 + n), note="ghi chú " * 20)
                except ValueRefused:
                    break
        plan, plan_sha = store.plan, store.plan_sha256
    digest, figures = _digest(db), figure_state(db)
    listed = tmp_path / "usb-listed" / "gui"
    listed.mkdir(parents=True)
    points = kill_points.points_of(*worker("send", db, 0, listed), cwd=ROOT)
    (sent,) = listed.iterdir()
    read_exchange_file(sent, plan, plan_sha)
    for n, point in enumerate(kill_points.spread(points, max(4, ITERATIONS // 2))):
        usb = tmp_path / f"usb-{n}"
        target = usb / "gui-van-phong"
        target.mkdir(parents=True)
        proc, paused, _ = kill_points.start_to_point(*worker("send", db, 0, target), point, cwd=ROOT)
        shutil.rmtree(usb)
        if put_back:
            target.mkdir(parents=True)
        out, err = kill_points.resume(proc)
        assert proc.returncode == 0 and "Traceback" not in err, err
        (result,) = complete_lines(out)
        assert "refused" in result, (paused, result)
        assert_clear_message(result["refused"])
        assert str(target) in result["refused"], result
        if put_back:
            assert list(target.iterdir()) == [], f"left on the stick after {paused}"
        else:
            assert not usb.exists()
        assert _digest(db) == digest and figure_state(db) == figures, paused
    # Removed before the program looked: always refused, with the folder named.
    proc = spawn_worker("send", db, 0, tmp_path / "usb-gone" / "gui")
    out, err = proc.communicate(timeout=120)
    (result,) = [line for line in complete_lines(out) if "ready" not in line]
    assert "refused" in result and "Không có thư mục" in result["refused"], result


# ---- a full disk ----------------------------------------------------------------------------------


def _fill_and_verify(db: Path, **popen) -> str:
    """Run the filling worker to its refusal; check every reported figure survived. Returns the refusal."""
    proc = spawn_worker("fill", db, FIXED_SEEDS[0], **popen)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0 and "Traceback" not in err, err
    lines = complete_lines(out)
    refusal = lines[-1].get("refused")
    assert refusal, "the worker filled every period without running out of space"
    reported = [line for line in lines if "pc_revision" in line]
    assert reported, "not one figure fitted before the disk was full"
    assert_nothing_lost(db, reported, 0, "fill")
    return refusal


@pytest.mark.posix_only("a small disk is a 512 KB tmpfs mounted for the test")
def test_full_disk_refuses_with_a_message_and_keeps_every_saved_figure(tmp_path, plan_text):
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root; the file size limit test covers a full disk")
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a 512 KB tmpfs here ({mounted.stderr.strip()}); the size limit test covers it")
    try:
        db = mount_point / "kh.sqlite"
        Store.create(db, plan_text).close()
        refusal = _fill_and_verify(db)
        assert "đầy" in refusal, refusal
        assert_clear_message(refusal)
        # Opening and checking a file on a full disk works, and after space is freed, writing does too.
        with Store.open(db) as store:
            assert store.check() == []
        subprocess.run(["mount", "-o", "remount,size=2m", str(mount_point)], check=True)
        with Store.open(db) as store:
            store.record("12", "2030-Q4", "7")
            assert store.check() == []
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


@pytest.mark.posix_only("the file size limit is RLIMIT_FSIZE, set in the worker before it starts")
def test_file_size_limit_refuses_with_a_message_and_keeps_every_saved_figure(tmp_path, plan_text):
    # Works for any user: RLIMIT_FSIZE makes writes past the limit fail (EFBIG), like a disk that is full.
    import resource

    db = tmp_path / "kh.sqlite"
    Store.create(db, plan_text).close()
    limit = db.stat().st_size + 48 * 1024

    import signal

    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    refusal = _fill_and_verify(db, preexec_fn=limit_file_size)
    assert_clear_message(refusal)
    assert "vẫn còn nguyên" in refusal and "đầy" in refusal, refusal


# ---- generated workbooks and exchange files --------------------------------------------------------

FILE_FUZZ = settings(
    max_examples=max(12, ITERATIONS * 2),
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # a failure is reported as drawn: shrinking files is slow
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
cell_values = st.one_of(
    st.none(),
    number_like,
    any_text,
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**15), max_value=10**15),
    st.booleans(),
    st.dates(),
    st.sampled_from(["=1+1", "=A1*2", "Đạt", "Không duy trì", "x", "ước", "1.500", "97,5", "1,500", "\x07", " "]),
)


def _dump(db: Path) -> list:
    from tests.test_excel_roundtrip import dump

    return dump(db)


@pytest.fixture(scope="module")
def exported_workbook(tmp_path_factory):
    from kh_desktop.excel.export import export_workbook
    from tests.test_excel_roundtrip import seed

    root = tmp_path_factory.mktemp("xlsx-fuzz")
    db = root / "kh.sqlite"
    with Store.create(db, PLAN_PATH.read_text(encoding="utf-8")) as store:
        seed(store)
        workbook = export_workbook(store, root / "xuat.xlsx")
    return db, workbook


def _expected_from_cell(value) -> float | None:
    """What a figure cell must import as, by the test's own reading: a finite number cell is that number. Text,
    dates and booleans are refused or are words; the test does not guess them."""
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and abs(value) != float("inf")
        and value == value
    ):
        return float(value)
    return None


@FILE_FUZZ
@given(data=st.data())
def test_workbook_importer_with_generated_cells(exported_workbook, data):
    """Generated numbers written into value cells (as numbers or Vietnamese text) are imported as those numbers;
    other generated cells are refused with Vietnamese messages and nothing written, or imported as what they
    plainly say."""
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    from kh_desktop.excel.common import KEY_ROW, ExcelError
    from kh_desktop.excel.importer import apply_import, preview_import

    source_db, source_workbook = exported_workbook
    with tempfile.TemporaryDirectory() as folder:
        db, path = Path(folder) / "kh.sqlite", Path(folder) / "nhap.xlsx"
        shutil.copy2(source_db, db)
        book = load_workbook(source_workbook)
        sheets = [ws for ws in book.worksheets if any(str(c.value).startswith("value:") for c in ws[KEY_ROW])]
        written: dict[tuple[str, int, int], tuple[str, str, object]] = {}  # (sheet, row, column) -> code, period, cell
        as_text: dict[tuple[str, int, int], tuple[str, str]] = {}  # typed as text -> period, start of refusal
        garbled: set[tuple[str, int, str]] = set()  # (sheet, row, period) of figures given any cell value
        drawn = data.draw(st.integers(1, 4), label="drawn numbers")
        for n in range(drawn + data.draw(st.integers(0, 2), label="other cells")):
            ws = data.draw(st.sampled_from(sheets), label="sheet")
            keys = {c.column: str(c.value) for c in ws[KEY_ROW]}
            code_column = next(column for column, key in keys.items() if key == "code")
            generated = n < drawn  # a number drawn first, then written; then any cell values at all
            kinds = ("value",) if generated else ("value", "estimate", "note")
            columns = [
                column
                for column, key in keys.items()
                if key.split(":")[0] in kinds and (not generated or key.split(":", 1)[1][:4].isdigit())
            ]
            rows = [r for r in range(KEY_ROW + 1, ws.max_row + 1) if ws.cell(r, code_column).value is not None]
            row = data.draw(st.sampled_from(rows), label="row")
            column = data.draw(st.sampled_from(columns), label="column")
            cell = ws.cell(row=row, column=column)
            code, (kind, period) = str(ws.cell(row, code_column).value), keys[column].split(":", 1)
            indicator = _PLAN.indicator(code) if _PLAN.has_indicator(code) else None
            if generated and indicator is not None and not expects_words(indicator, int(period[:4])):
                top = int(indicator.maximum) if indicator.maximum is not None else 10**6
                whole = data.draw(st.integers(int(indicator.minimum or 0), top), label="whole")
                hundredths = 0 if indicator.integer or whole == top else data.draw(st.integers(0, 99), label="dec")
                value = whole + hundredths / 100
                if data.draw(st.integers(0, 5), label="as text") == 0:
                    # Typed into a cell formatted as text: the importer asks for a number cell, naming the cell.
                    text = f"{whole:,}".replace(",", ".") + (f",{hundredths:02d}" if hundredths else "")
                    cell.value = text
                    as_text[(ws.title, row, column)] = (
                        period,
                        f"Trang “{ws.title}”, ô {cell.coordinate}: Số “{text}” được lưu",
                    )
                    written.pop((ws.title, row, column), None)
                else:
                    cell.value = value
                    as_text.pop((ws.title, row, column), None)
                    written[(ws.title, row, column)] = (code, period, value)
                continue
            original = cell.value
            try:
                cell.value = data.draw(cell_values)
            except IllegalCharacterError:
                # openpyxl will not write control characters (test_excel_hostile crafts such files by hand);
                # its failed assignment leaves the cell half-changed, so put the old value back.
                cell.value = None
                cell.value = original
            as_text.pop((ws.title, row, column), None)
            garbled.add((ws.title, row, period))  # another problem of this figure may be reported instead
            if kind == "value":
                written[(ws.title, row, column)] = (code, period, _expected_from_cell(cell.value))
        book.save(path)
        before = _dump(db)
        with Store.open(db) as store:
            try:
                preview = preview_import(store, path)
            except ExcelError as exc:
                assert_clear_message(str(exc))
                assert _dump(db) == before
                return
            problems = [str(problem) for problem in preview.problems]
            for (title, row, _column), (period, start) in as_text.items():
                if (title, row, period) not in garbled:
                    assert any(p.startswith(start) for p in problems), (start, problems)
            if preview.problems:
                for problem in preview.problems:
                    assert_clear_message(str(problem))
                with pytest.raises(ExcelError) as refused:
                    apply_import(store, preview)
                assert_clear_message(str(refused.value))
                assert _dump(db) == before
                return
            apply_import(store, preview)
            assert store.check() == []
            for code, period, expected in written.values():
                if expected is not None:
                    figure = store.figure(code, period)
                    assert figure is not None and figure.value == pytest.approx(expected, abs=1e-9), (code, period)


@pytest.fixture(scope="module")
def exchange_setting(tmp_path_factory):
    from kh_desktop.exchange.send import send

    root = tmp_path_factory.mktemp("exchange-fuzz")
    plan_text = PLAN_PATH.read_text(encoding="utf-8")
    unit_db, office_db = root / "kinh-te.sqlite", root / "van-phong.sqlite"
    with identities_under(root / "keys"):  # a module fixture: the per-test identities are not set up yet
        unit_key, office_key = pc_identity("kinh-te"), pc_identity("van-phong")
    with Store.create(unit_db, plan_text, "kinh-te", identity=unit_key) as unit:
        for n, indicator in enumerate(unit.plan.indicators_of("kinh-te")):
            for period in ("2026-Q1", "2026-Q2", "2026"):
                try:
                    unit.record(indicator.code, period, str(5 + n))
                except ValueRefused:
                    break
        sent = send(unit, root / "gui.khtd")
        with Store.create(office_db, plan_text, identity=office_key) as office:
            approve_pcs(office, unit)  # as Văn phòng does once for the unit's PC
    return sent, office_db, unit_key


def _resign(path: Path, signer) -> None:
    """Recompute the manifest's row counts and hash and sign it with the sender's own key, as a hostile sender
    who knows the format would."""
    conn = sqlite3.connect(path)
    reseal(conn, signer)
    conn.commit()
    conn.close()


@FILE_FUZZ
@given(data=st.data())
def test_exchange_receiver_with_damaged_and_hostile_files(exchange_setting, data):
    """Flipped bytes, truncation, or re-signed rows with generated content: a reason, and nothing half-applied."""
    from kh_desktop.exchange.receive import receive_files

    sent, office_db, unit_key = exchange_setting
    with tempfile.TemporaryDirectory() as folder:
        db, path = Path(folder) / "van-phong.sqlite", Path(folder) / "nhan.khtd"
        shutil.copy2(office_db, db)
        raw = bytearray(sent.read_bytes())
        how = data.draw(st.sampled_from(["bytes", "truncate", "rows"]), label="damage")
        if how == "bytes":
            for _ in range(data.draw(st.integers(1, 8))):
                raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
            path.write_bytes(bytes(raw))
        elif how == "truncate":
            path.write_bytes(bytes(raw[: data.draw(st.integers(0, len(raw) - 1))]))
        else:
            path.write_bytes(bytes(raw))
            conn = sqlite3.connect(path)
            ids = [r[0] for r in conn.execute("SELECT id FROM revisions")]
            column = data.draw(st.sampled_from(["value_num", "value_text", "code", "period", "pc_revision", "deleted"]))
            value = data.draw(st.one_of(cell_values.filter(lambda v: not isinstance(v, (bool,))), st.just(None)))
            if isinstance(value, int) and abs(value) > 2**62:
                value = str(value)
            try:
                conn.execute(
                    f"UPDATE revisions SET {column} = ? WHERE id = ?", [value, data.draw(st.sampled_from(ids))]
                )
                conn.commit()
            except (sqlite3.IntegrityError, sqlite3.InterfaceError, OverflowError):
                pass  # the schema itself refuses this content: the file stays as sent
            conn.close()
            _resign(path, unit_key)
        before = _dump(db)
        with Store.open(db) as store:
            result = receive_files(store, [path], backup=False)
            summary = result.summaries[0]
            if summary.status == "refused":
                assert_clear_message(summary.reason)
                assert _dump(db) == before
            else:
                assert store.check() == []
                for row in summary.refused:
                    assert_clear_message(row["reason"])
