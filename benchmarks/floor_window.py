"""The floor of the start-up benchmarks: a bare PySide6 window holding one pyqtgraph plot. Run from source by
benchmarks/run.py ("start-up") and bundled like the program by bare_window.spec ("start-up-bundle").

KH_EXIT_WHEN_SHOWN=1 makes it leave once the shown window's first events are handled, and KH_SHOWN_AT=FILE makes
it write that moment first, exactly as the program does (kh_desktop/ui/app.py), so both are timed the same way.
"""

import os
import sys
import time

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


def leave_when_shown(app: QApplication) -> None:
    where = os.environ.get("KH_SHOWN_AT")
    if where:
        with open(where, "w", encoding="ascii") as out:
            out.write(repr(time.time()))
    app.quit()


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    plot = pg.PlotWidget(background="w")
    plot.plot([2026, 2027, 2028, 2029, 2030], [19, 20, 21, 22, 23], symbol="o")
    window.setCentralWidget(plot)
    window.resize(1280, 820)
    window.show()
    if os.environ.get("KH_EXIT_WHEN_SHOWN") == "1":
        QTimer.singleShot(0, lambda: leave_when_shown(app))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
