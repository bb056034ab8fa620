"""The start-up floor: a bare PySide6 window holding one pyqtgraph plot, shown, then quit the same way as
the program under KH_EXIT_WHEN_SHOWN=1 (a zero timer after show())."""

import sys

import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    plot = pg.PlotWidget(background="w")
    plot.plot([2026, 2027, 2028, 2029, 2030], [19, 20, 21, 22, 23], symbol="o")
    window.setCentralWidget(plot)
    window.resize(1280, 820)
    window.show()
    QTimer.singleShot(0, app.quit)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
