"""Benchmark data: a commune's five years of figures, and exchange files from many communes.

Everything is made through the program's own API (Store, record_many, send), so the files are exactly what
the program would write. Exchange files take a minute to make on a slow machine, so they are cached in
benchmarks/.cache/, keyed by what they depend on (schema version, plan, this generator's version).

Each commune's file is signed by a PC of its own (a throwaway identity, made for it and removed with the working
files); its id, public key and unit are kept beside the cached files (pcs.json), so that the receiving PC can
approve every sender first, as an office does once (`approve_senders`).
"""

from __future__ import annotations

import hashlib
import json
import random
import shutil
from pathlib import Path

from kh_desktop.domain.evaluation import ValueRefused, expects_words
from kh_desktop.domain.periods import BASELINE
from kh_desktop.domain.plan import Indicator
from kh_desktop.identity import Identity, load_identity
from kh_desktop.paths import default_plan_path
from kh_desktop.storage.bulk import Entry, check_entry, record_many
from kh_desktop.storage.schema import SCHEMA_VERSION
from kh_desktop.storage.store import ALL_UNITS, Store

GENERATOR_VERSION = "2"  # 2: each commune's PC signs with its own key; pcs.json lists the keys
CACHE = Path(__file__).resolve().parent / ".cache"
COMMUNES = 114  # communes and wards of Hải Phòng after the 2025 merger
REVISED_SHARE = 0.1  # one figure in ten is corrected once, one in fifty twice
PCS_FILE = "pcs.json"  # beside the cached files: [{file, pc_id, public_key, unit}], one per sending PC


def plan_text() -> str:
    return default_plan_path().read_text(encoding="utf-8")


def _value(indicator: Indicator, year: int, rng: random.Random) -> float | str:
    if expects_words(indicator, year):
        return rng.choice(indicator.allowed_words)
    target = indicator.target(year)
    base = target.value if target is not None and target.value is not None else 50.0
    if indicator.aggregation == "flow":
        base /= 4  # a quarter's share of a yearly total
    value = base * rng.uniform(0.85, 1.1)
    if indicator.maximum is not None:
        value = min(value, indicator.maximum)
    if indicator.minimum is not None:
        value = max(value, indicator.minimum)
    return float(round(value)) if indicator.integer else round(value, 1)


def quarterly_entries(store: Store, rng: random.Random) -> list[Entry]:
    """Every row's figure for every quarter of the plan, plus baselines; each checked by the program's rules."""
    plan = store.plan
    entries = []
    for indicator in plan.indicators:
        if indicator.baseline is not None:
            entries.append(Entry(indicator.code, BASELINE, float(rng.randint(20, 200))))
        for year in plan.years:
            for quarter in (1, 2, 3, 4):
                entry = Entry(indicator.code, f"{year}-Q{quarter}", _value(indicator, year, rng), note="")
                try:
                    check_entry(store, entry)
                except ValueRefused:
                    continue  # a row this generator cannot fill sensibly; none in the current plan
                entries.append(entry)
    return entries


def revisions(entries: list[Entry], rng: random.Random) -> list[Entry]:
    """Corrections of some figures (same value rules, a slightly different number)."""
    fixed = []
    for entry in entries:
        if rng.random() < REVISED_SHARE and isinstance(entry.raw, float) and entry.period != BASELINE:
            fixed.append(Entry(entry.code, entry.period, entry.raw, note="điều chỉnh theo số liệu chính thức"))
    return fixed


def commune_database(path: Path, seed: int = 1, identity: Identity | None = None) -> Path:
    """A working database holding five years of quarterly figures for all 36 rows, with some corrections,
    written by the PC `identity` (default: this PC's, KH_KEY_DIR)."""
    rng = random.Random(seed)
    with Store.create(path, plan_text(), person="Cán bộ thống kê", identity=identity) as store:
        entries = quarterly_entries(store, rng)
        record_many(store, entries, by="Cán bộ thống kê")
        fixes = revisions(entries, rng)
        record_many(store, fixes, by="Cán bộ thống kê")
        record_many(store, fixes[: len(fixes) // 5], by="Văn phòng")
    return path


def _cache_key() -> str:
    digest = hashlib.sha256(plan_text().encode()).hexdigest()[:12]
    return f"v{GENERATOR_VERSION}-schema{SCHEMA_VERSION}-plan{digest}"


def exchange_files(count: int = COMMUNES, log=print) -> list[Path]:
    """`count` exchange files, one per commune PC, each from its own database (cached)."""
    from kh_desktop.exchange.send import send

    folder = CACHE / f"exchange-{_cache_key()}"
    done = folder / "done.txt"
    if done.exists() and (folder / PCS_FILE).exists() and int(done.read_text()) >= count:
        return sorted(folder.glob("*.khtd"))[:count]
    for stale in CACHE.glob("exchange-*"):  # files of an older format or plan: never read again
        shutil.rmtree(stale, ignore_errors=True)
    folder.mkdir(parents=True)
    work = folder / "work"
    work.mkdir()
    pcs = []
    for n in range(count):
        identity = load_identity(work / "keys" / f"xa-{n:03d}")  # each commune's own PC
        db = commune_database(work / f"xa-{n:03d}.sqlite", seed=1000 + n, identity=identity)
        with Store.open(db, identity=identity) as store:
            sent = send(store, folder / f"xa-{n:03d}.khtd")
            unit = store.pc_unit or ALL_UNITS
        pcs.append({"file": sent.name, "pc_id": identity.pc_id, "public_key": identity.public_key.hex(), "unit": unit})
        db.unlink()
        if log and (n + 1) % 10 == 0:
            log(f"  tệp gửi {n + 1}/{count}")
    shutil.rmtree(work)  # the private keys go with it: only the public keys are needed to receive
    (folder / PCS_FILE).write_text(json.dumps(pcs, indent=1) + "\n", encoding="utf-8")
    done.write_text(str(count))
    return sorted(folder.glob("*.khtd"))[:count]


def approve_senders(store: Store, files: list[Path]) -> None:
    """Approve at `store` the PC of every file, from the keys saved when the files were made, as an office does
    once for each PC before its first file (trust_store.register_pc)."""
    from kh_desktop.storage.trust_store import register_pc

    known = {}
    for folder in {f.parent for f in files}:
        known.update({pc["file"]: pc for pc in json.loads((folder / PCS_FILE).read_text(encoding="utf-8"))})
    for path in files:
        pc = known[path.name]
        register_pc(store, pc["pc_id"], bytes.fromhex(pc["public_key"]), pc["unit"], by="Văn phòng")
