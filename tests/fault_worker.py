"""A program for the fault suite to kill: it writes to a database and reports each commit.

Run as `python -m tests.fault_worker record|open|fill DB SEED`, `... import DB SEED WORKBOOK` or
`... send DB SEED FOLDER`. It prints `ready` once the store is open, then one JSON line per committed change
(after the commit has returned), flushed, so the parent knows exactly which changes the program had told the
world were saved when it was killed. Under tests.kill_points it stops at a chosen statement of its operation
(`record-from-open` and `open` count from opening the file, the others from `ready`).
"""

from __future__ import annotations

import json
import random
import sys

from kh_desktop.domain.evaluation import expects_words
from kh_desktop.domain.periods import BASELINE
from kh_desktop.storage.files import StoreError
from kh_desktop.storage.store import Store
from tests import kill_points

PERIODS = [f"{y}-Q{q}" for y in (2026, 2027) for q in (1, 2, 3, 4)] + ["2026-H1", "2027"]


def _emit(payload: dict) -> None:
    sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def record_forever(db: str, seed: int, from_open: bool = False) -> None:
    rng = random.Random(seed)
    kill_points.watch(db)
    if from_open:
        kill_points.begin()
    store = Store.open(db)
    numeric = [i for i in store.plan.indicators if not any(expects_words(i, y) for y in (2026, 2027))]
    with_baseline = [i for i in store.plan.indicators if i.baseline is not None]
    # What a first write loads (sqlite-utils, this PC's key) is loaded before "ready": opening the store no longer
    # does, and the kills timed from "ready" are meant to land among writes.
    store.db, store.identity  # noqa: B018
    _emit({"ready": True})
    kill_points.begin()
    while True:
        roll = rng.random()
        if roll < 0.05 and with_baseline:
            indicator, period = rng.choice(with_baseline), BASELINE
        else:
            indicator, period = rng.choice(numeric), rng.choice(PERIODS)
        if roll > 0.93:
            change = store.clear(indicator.code, period, by="fault")
            value = None
        else:
            # Small integers suit every numeric row: percentages, counts, ratios and money alike.
            value = float(rng.randint(1, 99))
            change = store.record(indicator.code, period, f"{value:.0f}", note=f"seed {seed}", by="fault")
        if not change.figures:
            continue
        ((code, key),) = change.figures
        _emit({"code": code, "period": key, "value": value, "pc_revision": change.revision})


def fill_until_refused(db: str, seed: int) -> None:
    """Record distinct figures with long notes until the store refuses; print the refusal and stop."""
    store = Store.open(db)
    numeric = [i for i in store.plan.indicators if not any(expects_words(i, y) for y in range(2026, 2031))]
    periods = [f"{y}-Q{q}" for y in range(2026, 2031) for q in (1, 2, 3, 4)]
    _emit({"ready": True})
    note = "Ghi chú dài để tệp lớn nhanh. " * 60
    for n, (indicator, period) in enumerate((i, p) for p in periods for i in numeric):
        value = float(1 + (n + seed) % 90)
        try:
            change = store.record(indicator.code, period, f"{value:.0f}", note=note, by="fault")
        except StoreError as exc:
            _emit({"refused": str(exc)})
            return
        _emit({"code": indicator.code, "period": period, "value": value, "pc_revision": change.revision})
    _emit({"refused": None})


def import_workbook(db: str, workbook: str) -> None:
    """Import a workbook as `import-xlsx` does (preview, then one transaction); say when it is done."""
    from kh_desktop.excel.importer import apply_import, preview_import

    kill_points.watch(db)
    store = Store.open(db)
    _emit({"ready": True})
    kill_points.begin()
    preview = preview_import(store, workbook)
    change = apply_import(store, preview, by="fault")
    _emit({"applied": len(change.figures)})


def open_only(db: str) -> None:
    """Open (and so upgrade) the file, then stop: the points of an upgrade."""
    kill_points.watch(db)
    kill_points.begin()
    Store.open(db).close()
    _emit({"opened": True})


def send_to(db: str, folder: str) -> None:
    """Write this PC's exchange file into `folder` (which the test removes at a chosen point of the writing)."""
    from kh_desktop.exchange.send import send

    store = Store.open(db)
    kill_points.watch(folder)
    _emit({"ready": True})
    kill_points.begin()
    try:
        written = send(store, folder)
    except StoreError as exc:
        _emit({"refused": str(exc)})
        return
    _emit({"sent": str(written)})


def main(argv: list[str]) -> int:
    mode, db, seed = argv[0], argv[1], int(argv[2])
    if mode in ("record", "record-from-open"):
        record_forever(db, seed, from_open=mode == "record-from-open")
    elif mode == "open":
        open_only(db)
    elif mode == "fill":
        fill_until_refused(db, seed)
    elif mode == "send":
        send_to(db, argv[3])
    elif mode == "import":
        import_workbook(db, argv[3])
    else:
        raise SystemExit(f"unknown mode {mode}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
