"""The window (PySide6 + pyqtgraph). Never runs SQL: it goes through Store methods."""
