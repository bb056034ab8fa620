"""The floor of this stack: a bare PySide6 + pyqtgraph window, bundled like the program (bare_window.spec).

KH_EXIT_WHEN_SHOWN=1 makes it leave once the shown window's first events are handled, exactly as the program
does (kh_desktop/ui/app.py), so bundle_size_startup.py times both the same way.
"""

import os
import sys

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    plot = pg.PlotWidget(background="w")
    plot.plot([2026, 2027, 2028, 2029, 2030], [1, 3, 2, 4, 5])
    window.setCentralWidget(plot)
    window.resize(1000, 700)
    window.show()
    if os.environ.get("KH_EXIT_WHEN_SHOWN") == "1":
        QTimer.singleShot(0, app.quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
