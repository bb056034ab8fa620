"""A receive to kill: `python -m tests.exchange_kill_worker DB FILE`.

Opens the store, prints `ready`, receives FILE, prints `done`. Under tests.kill_points (KH_KILL_POINT) it stops
at the chosen statement of the receive and waits to be killed.
"""

from __future__ import annotations

import sys

from kh_desktop.exchange.receive import receive_files
from kh_desktop.storage.store import Store
from tests import kill_points


def main() -> None:
    db, exchange_file = sys.argv[1], sys.argv[2]
    kill_points.watch(db)
    store = Store.open(db)
    kill_points.emit({"ready": True})
    kill_points.begin()
    receive_files(store, [exchange_file])
    kill_points.emit({"done": True})


if __name__ == "__main__":
    main()
