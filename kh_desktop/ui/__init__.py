"""The window (PySide6 + pyqtgraph). Never runs SQL: it goes through Store methods."""

# Once imported, PySide6 reads the source text of every module imported after it (shiboken's check for
# `from __feature__ import …`, https://github.com/napari/napari/issues/8584): numpy's ~130 modules, which
# pyqtgraph needs, cost ~30 ms of each start from source when they come after Qt, and nothing when they come first.
import numpy  # noqa: F401, E402
