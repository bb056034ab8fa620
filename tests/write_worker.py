"""One of two processes writing one database at once: `python tests/write_worker.py DB PERIOD COUNT GO`.

Opens the database, waits until the file GO exists (so both start writing together), records COUNT figures as
fast as it can, and prints how many writes were refused (as "refused N")."""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kh_desktop.storage.files import StoreError  # noqa: E402
from kh_desktop.storage.store import Store  # noqa: E402

db, period, count, go = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
refused = 0
with Store.open(db) as store:
    print("ready", flush=True)
    while not go.exists():
        time.sleep(0.01)
    for n in range(count):
        try:
            # a read before the write (as the window does) is what made a deferred BEGIN fail at once
            store.figure("12", period)
            store.record("12", period, str(n + 1))
        except StoreError as exc:
            refused += 1
            print(exc, file=sys.stderr)
print(f"refused {refused}")
