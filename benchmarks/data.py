"""Benchmark data: a commune's five years of figures, and exchange files from many communes.

Everything is made through the program's own API (Store, record_many, send), so the files are exactly what
the program would write. Exchange files take a minute to make on a slow machine, so they are cached in
benchmarks/.cache/, keyed by what they depend on (schema version, plan, this generator's version).
"""

from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path

from kh_desktop.domain.evaluation import ValueRefused, expects_words
from kh_desktop.domain.periods import BASELINE
from kh_desktop.domain.plan import Indicator
from kh_desktop.paths import default_plan_path
from kh_desktop.storage.bulk import Entry, check_entry, record_many
from kh_desktop.storage.schema import SCHEMA_VERSION
from kh_desktop.storage.store import Store

GENERATOR_VERSION = "1"
CACHE = Path(__file__).resolve().parent / ".cache"
COMMUNES = 114  # communes and wards of Hải Phòng after the 2025 merger
REVISED_SHARE = 0.1  # one figure in ten is corrected once, one in fifty twice


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


def commune_database(path: Path, seed: int = 1) -> Path:
    """A working database holding five years of quarterly figures for all 36 rows, with some corrections."""
    rng = random.Random(seed)
    with Store.create(path, plan_text(), person="Cán bộ thống kê") as store:
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
    if done.exists() and int(done.read_text()) >= count:
        return sorted(folder.glob("*.khtd"))[:count]
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    work = folder / "work"
    work.mkdir()
    for n in range(count):
        db = commune_database(work / f"xa-{n:03d}.sqlite", seed=1000 + n)
        with Store.open(db) as store:
            sent = send(store, folder / f"xa-{n:03d}.khtd")
        db.unlink()
        if log and (n + 1) % 10 == 0:
            log(f"  tệp gửi {n + 1}/{count}")
    shutil.rmtree(work)
    done.write_text(str(count))
    del sent
    return sorted(folder.glob("*.khtd"))[:count]
