"""A receive to kill: `python -m tests.exchange_kill_worker DB FILE STEPS`.

Opens the store, prints `ready`, then receives FILE. With STEPS > 0 the process SIGKILLs itself after that many
SQLite progress callbacks on the working connection (every 50 virtual-machine instructions), i.e. at a chosen point
in the middle of the import's SQL; with STEPS = 0 it runs to the end (the parent may kill it at any moment).
"""

from __future__ import annotations

import os
import signal
import sys

from kh_desktop.exchange.receive import receive_files
from kh_desktop.storage.store import Store


def main() -> None:
    db, exchange_file, steps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = Store.open(db)
    calls = 0

    def die() -> int:
        nonlocal calls
        calls += 1
        if calls >= steps:
            os.kill(os.getpid(), signal.SIGKILL)
        return 0

    sys.stdout.write("ready\n")
    sys.stdout.flush()
    if steps > 0:
        store.db.conn.set_progress_handler(die, 50)
    receive_files(store, [exchange_file])
    sys.stdout.write("done\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
